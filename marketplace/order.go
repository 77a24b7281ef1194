package marketplace

import "time"

// Order is one marketplace order, normalised. Amounts are integers in the
// currency's minor unit (JPY: yen; AUD/SGD: cents) so no float rounding
// creeps into totals.
type Order struct {
	Marketplace string
	Number      string // ChannelOrderNo: the marketplace's order number
	OrderedAt   time.Time
	UpdatedAt   time.Time // zero when the marketplace does not say

	// Status is the marketplace's own status code ("300", "Unshipped");
	// StatusName its label ("発送待ち").
	Status     string
	StatusName string
	Cancelled  bool

	PaymentMethodCode string
	PaymentMethodName string
	Paid              bool
	CreditApproved    bool // 与信OK for deferred payments: counts as paid

	Buyer     Party
	Recipient Party

	DeliveryMethodName string
	RequestedDate      string // YYYY-MM-DD in Japan time; empty when none
	TimeSlot           string // marketplace code ("1416", "1"); empty when none
	TimeSlotName       string // "14-16時", "午前中"
	Remarks            string // buyer's free text
	// TrackingNoMissing: a destination has no 問い合わせ番号 yet. Shopserve
	// shops release an order for shipping by entering a provisional one,
	// so such an order waits (only Shopserve sets it).
	TrackingNoMissing bool

	Lines    []OrderLine
	Currency string
	Totals   Totals

	// RawPayload is the marketplace's own JSON for this order, kept for
	// the API log and for re-mapping without refetching.
	RawPayload []byte
}

// Party is a buyer or a recipient.
type Party struct {
	Name           string // full name as the marketplace gives it
	NameKana       string
	FamilyName     string
	GivenName      string
	FamilyNameKana string
	GivenNameKana  string
	Company        string
	PostalCode     string // digits only, "1000005"
	Prefecture     string // "東京都"
	City           string // "千代田区"
	Address1       string
	Address2       string
	Phone          string // as given, hyphens kept
	Email          string
	Country        string // ISO 3166-1 alpha-2; "JP" when the marketplace is domestic
}

// OrderLine is one item line of an order.
type OrderLine struct {
	LineID string // marketplace line id (Rakuten itemDetailId, Amazon orderItemId)
	// DestinationID groups lines by shipping destination where the
	// marketplace needs it for shipment updates (Rakuten basketId).
	DestinationID string
	ItemCode      string // Rakuten manageNumber, Amazon ASIN
	ItemNumber    string // shop's item number where different from ItemCode
	OptionCode    string // Rakuten variantId
	SKU           string // merchant SKU (Rakuten merchantDefinedSkuId, Amazon SellerSKU)
	Name          string
	OptionText    string // chosen options as text
	Quantity      int
	UnitPrice     int64
	TaxIncluded   bool    // UnitPrice includes tax
	TaxRate       float64 // 0.1, 0.08, 0
	Tax           int64   // tax amount for the line when the marketplace gives it
}

// Totals are the order's money figures. Fixed is false while the
// marketplace still calls them provisional (Rakuten's -9999).
type Totals struct {
	Goods         int64
	Tax           int64
	Shipping      int64
	CODFee        int64
	PaymentCharge int64
	Discount      int64 // coupons and promotions, positive
	PointsUsed    int64
	Total         int64
	Billed        int64 // what the buyer is asked to pay
	Fixed         bool
}

// OrderStatus is a cheap view of where an order stands, for status sync.
type OrderStatus struct {
	Number         string
	Status         string
	StatusName     string
	Paid           bool
	CreditApproved bool
	Cancelled      bool
	Shipped        bool
	// Order is the full order when the snapshot needed to fetch it anyway,
	// so status sync can fill in details (Amazon Pending → Unshipped).
	Order *Order
}

// OrderQuery selects orders for a search by window.
type OrderQuery struct {
	Window   Window
	DateKind DateKind
	// Statuses are marketplace status codes to include ("300"); empty
	// means every status.
	Statuses []string
	// PageSize overrides the adapter's page size (0 = the marketplace maximum).
	PageSize int
}

// DateKind says which timestamp a search window applies to.
type DateKind int

const (
	ByOrderDate DateKind = iota
	ByUpdate             // last update / payment / status change
)

// OrderBatch is what a search hands back page by page. WindowDone is set
// on the last batch of each window so an importer can save a checkpoint.
type OrderBatch struct {
	Window     Window
	Orders     []Order
	WindowDone bool
	// Truncated is set when the marketplace caps how many hits a window can
	// reach (Rakuten: 15,000) and this window hit the cap.
	Truncated bool
}
