package marketplace

import "time"

// ShipmentResult is what the warehouse shipped for one order (or one
// destination of it): packages, each with its tracking number and the
// lines and quantities inside. Adapters fan out or collapse packages to
// what their marketplace accepts.
type ShipmentResult struct {
	OrderNumber string
	// DestinationID is Rakuten's basketId; when empty the adapter looks it
	// up (single-destination orders).
	DestinationID string
	ShipDate      time.Time // the day it left, interpreted in Japan time
	// CarrierCode is the marketplace's own carrier code ("1001", "YAMATO");
	// mapping from our delivery service is the caller's job.
	CarrierCode string
	CarrierName string
	ShipMethod  string // Amazon shipping method, where used
	Packages    []Package
}

// Package is one parcel.
type Package struct {
	TrackingNumber string
	CarrierCode    string // overrides ShipmentResult.CarrierCode when set
	CarrierName    string
	Lines          []ShipmentLine
}

// ShipmentLine is a quantity of one order line inside a package.
type ShipmentLine struct {
	LineID   string
	SKU      string
	Quantity int
}

// StockUpdate is the free stock of one channel item to push.
type StockUpdate struct {
	ItemCode          string // Rakuten manageNumber
	OptionCode        string // Rakuten variantId
	SKU               string // Amazon seller SKU
	Quantity          int
	Unlimited         bool
	LowStockThreshold *int
	HandlingDays      *int
}

// ItemResult is the marketplace's verdict on one element of a batch call
// (one order of a confirm, one row of a shipment or stock push).
type ItemResult struct {
	Key     string // order number, SKU, …
	Index   int    // 0-based position in the request
	OK      bool
	Code    string
	Message string
	// Ref is what the marketplace assigned (Rakuten shippingDetailId).
	Ref string
}

// PushReceipt is the answer to a push. Asynchronous marketplaces return a
// RequestID to poll; synchronous ones fill Results directly.
type PushReceipt struct {
	RequestID string
	// RequestIDs lists every request when the adapter had to split the
	// push (Rakuten: 100 orders a request); RequestID is the first.
	RequestIDs []string
	Pending    bool
	Results    []ItemResult
}

// PushOutcome is the polled result of an asynchronous push. Done is false
// while the marketplace is still processing (or, for Rakuten, cannot tell
// "processing" from "unknown id": poll with a deadline).
type PushOutcome struct {
	RequestID string
	Done      bool
	Results   []ItemResult
}

// Product is one channel item with its variants, for 商品マスタ import.
type Product struct {
	ItemCode   string // Rakuten manageNumber
	ItemNumber string
	Name       string
	Variants   []ProductVariant
	CreatedAt  time.Time
	UpdatedAt  time.Time
	RawPayload []byte
}

// ProductVariant is one SKU of a product.
type ProductVariant struct {
	OptionCode string // Rakuten variantId
	SKU        string // merchantDefinedSkuId
	JAN        string
	Options    string // selector values as text ("カラー:赤 サイズ:M")
	Price      int64
}

// ProductQuery pages through a marketplace's items changed since a date,
// from a start position (SPEC §12: 商品マスタ最終取得期間, 取得開始位置).
type ProductQuery struct {
	UpdatedFrom time.Time
	Offset      int
	Limit       int    // 0 = the marketplace maximum
	Cursor      string // continuation where the marketplace uses one
}

// ProductPage is one page of products.
type ProductPage struct {
	Products   []Product
	Total      int
	NextOffset int
	NextCursor string
	Done       bool
}

// ConnectionInfo is what a connection test learned.
type ConnectionInfo struct {
	// ExpiresAt is when the credential stops working, when known (Rakuten
	// license key); zero otherwise.
	ExpiresAt time.Time
	Detail    string
}
