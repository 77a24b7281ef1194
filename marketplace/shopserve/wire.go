// Package shopserve speaks E-Store's ShopServe API v2 (management API):
// 接続テスト, 注文情報検索 (V2-M-0024) paged by from/size in windows of at
// most one week, and 注文状態更新 (V2-M-0012) to confirm orders.
//
// E-Store's reference is behind the shop admin. Facts marked [V3] in
// ../shared/marketplaces/shopserve.md are from public third-party material;
// everything marked [I] below is the proposal of those notes, kept in this
// one file so it is easy to correct against the real reference.
package shopserve

// DefaultBaseURL is the production management API, version included [V3].
const DefaultBaseURL = "https://management.api.shopserve.jp/v2"

// Wire paths below the base URL. Action verbs are path segments prefixed
// "_" [V3]; the order search takes a ";"-separated list of the blocks to
// return as its last segment [V3: "basic"; the other block names are I].
const (
	PathOrderRetrieve = "/orders/_retrieve/" + OrderBlocks
	OrderBlocks       = "basic;delivery;items;payment"
	PathStatusUpdate  = "/orders/{serial_code}/status/_update" // [I]
	PathItemsSearch   = "/items/_search"                       // [V3]
	PathItemStock     = "/items/{item_code}/stock"             // [V3]
)

// Operation names as the API log and the simulator's faults use them; the
// API ids are E-Store's own labels [V3].
const (
	OpOrderRetrieve = "V2-M-0024 注文情報検索"
	OpStatusUpdate  = "V2-M-0012 注文状態更新"
	OpItemsSearch   = "items/_search"
)

const (
	ContentTypeJSON = "application/json; charset=utf-8"
	// TimeLayout is how every timestamp travels, Japan time [I]. The Qiita
	// sample passes a compact "yyyyMMddHHmmss"; parsing accepts both.
	TimeLayout    = "2006-01-02 15:04:05"
	CompactLayout = "20060102150405"
	DateLayout    = "2006-01-02"
	// MaxPageSize is the largest "size" of a search [V3 for _search; I here].
	MaxPageSize = 100
	// MaxWindowDays: 範囲指定取得 asks for one week at most per request (seed).
	MaxWindowDays = 7
	// MaxAgeDays: 範囲指定取得 reaches back two years at most (seed).
	MaxAgeDays = 730
	// DateTypeOrdered / DateTypeUpdated choose what since/until apply to [I].
	DateTypeOrdered = "ordered_at"
	DateTypeUpdated = "updated_at"
	// Yes/No are the API's booleans [V3].
	Yes = "Yes"
	No  = "No"
)

// 注文ステータス values [I].
const (
	OrderUnconfirmed = "unconfirmed" // 未確認
	OrderConfirmed   = "confirmed"   // 確認済
	OrderCompleted   = "completed"   // 完了
	OrderCancelled   = "cancelled"   // キャンセル
	OrderOnHold      = "on_hold"     // 保留
)

// OrderStatusName is the admin's label of an order status.
func OrderStatusName(s string) string {
	switch s {
	case OrderUnconfirmed:
		return "未確認"
	case OrderConfirmed:
		return "確認済"
	case OrderCompleted:
		return "完了"
	case OrderCancelled:
		return "キャンセル"
	case OrderOnHold:
		return "保留"
	}
	return s
}

// 出荷ステータス and 入金ステータス values [I].
const (
	ShippingNotShipped = "not_shipped"
	ShippingPreparing  = "preparing"
	ShippingShipped    = "shipped"
	ShippingArrived    = "arrived"

	PaymentUnpaid      = "unpaid"
	PaymentPaid        = "paid"
	PaymentRefunded    = "refunded"
	PaymentNotRequired = "not_required"

	// CreditApproved is payment.credit_status once a deferred-payment
	// provider approved the buyer (与信OK, seed) [I].
	CreditApproved = "approved"
)

// Payment method codes [I].
const (
	PayCreditCard     = "credit_card"
	PayCOD            = "cod"
	PayBankTransfer   = "bank_transfer"
	PayPostalTransfer = "postal_transfer"
	PayConvenience    = "convenience_store"
	PayDeferred       = "deferred"
	PayAmazonPay      = "amazon_pay"
	PayRakutenPay     = "rakuten_pay"
	PayPayPay         = "paypay"
)

// Error codes of the error envelope [I].
const (
	CodeUnauthorized      = "unauthorized"
	CodeForbidden         = "api_not_applied"
	CodeTooManyRequests   = "too_many_requests"
	CodeMaintenance       = "maintenance"
	CodeInvalidParameter  = "invalid_parameter"
	CodeNotFound          = "not_found"
	CodeInvalidTransition = "invalid_transition"
	CodeInternal          = "internal_error"
)

// MaintenanceMessage is what the API log says when the API is closed for
// maintenance, word for word as the seed writes it.
const MaintenanceMessage = "メンテナンス期間中のためAPIは使用できません。"

// ErrorResponse is the error envelope [I]:
// {"errors":[{"code":"invalid_parameter","field":"since","message":"…"}]}.
type ErrorResponse struct {
	Errors []ErrorItem `json:"errors"`
}

type ErrorItem struct {
	Code    string `json:"code"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message,omitempty"`
}

// RetrieveRequest is the body of the order search [V3: since; the rest I].
type RetrieveRequest struct {
	// SerialCodes asks for given orders (注文詳細情報取得, covered by
	// V2-M-0024 [V3]); the field name and its limit of 100 are [I]. With
	// it, since/until may be empty.
	SerialCodes    []string `json:"serial_codes,omitempty"`
	Since          string   `json:"since,omitempty"`
	Until          string   `json:"until,omitempty"`
	DateType       string   `json:"date_type,omitempty"`
	OrderStatus    []string `json:"order_status,omitempty"`
	ShippingStatus []string `json:"shipping_status,omitempty"`
	PaymentStatus  []string `json:"payment_status,omitempty"`
	From           int      `json:"from"`
	Size           int      `json:"size"`
}

// RetrieveResponse is one page of orders; total_count as in the verified
// _search answers.
type RetrieveResponse struct {
	TotalCount *int        `json:"total_count"`
	Orders     []OrderJSON `json:"orders"`
}

// OrderJSON is one order of V2-M-0024 with the blocks we ask for [I].
type OrderJSON struct {
	SerialCode     string         `json:"serial_code"`
	OrderNumber    string         `json:"order_number"`
	OrderedAt      string         `json:"ordered_at"`
	UpdatedAt      string         `json:"updated_at"`
	OrderStatus    string         `json:"order_status"`
	ShippingStatus string         `json:"shipping_status"`
	PaymentStatus  string         `json:"payment_status"`
	Basic          BasicJSON      `json:"basic"`
	Orderer        PersonJSON     `json:"orderer"`
	Deliveries     []DeliveryJSON `json:"deliveries"`
	Payment        PaymentJSON    `json:"payment"`
}

type BasicJSON struct {
	PaymentMethodName string `json:"payment_method_name"`
	TotalPrice        int64  `json:"total_price"`
	ItemTotal         int64  `json:"item_total"`
	Postage           int64  `json:"postage"`
	CODFee            int64  `json:"cod_fee"`
	Discount          int64  `json:"discount"`
	PointUsed         int64  `json:"point_used"`
	Tax               int64  `json:"tax"`
	Note              string `json:"note"`
}

type PersonJSON struct {
	Name        string `json:"name"`
	Kana        string `json:"kana"`
	Zip         string `json:"zip"`
	Prefecture  string `json:"prefecture"`
	Address1    string `json:"address1"`
	Address2    string `json:"address2"`
	Tel         string `json:"tel"`
	MailAddress string `json:"mail_address,omitempty"`
}

type DeliveryJSON struct {
	DeliveryNo int `json:"delivery_no"`
	PersonJSON
	DeliveryMethodName string     `json:"delivery_method_name"`
	DeliveryCompany    string     `json:"delivery_company"`
	DesiredDate        string     `json:"desired_date"`
	DesiredTime        string     `json:"desired_time"`
	SlipNumber         string     `json:"slip_number"` // 配送伝票番号; the provisional one the shop sets before import
	ShippedOn          *string    `json:"shipped_on"`
	ArrivedOn          *string    `json:"arrived_on"`
	Items              []ItemJSON `json:"items"`
}

type ItemJSON struct {
	ItemCode   string `json:"item_code"`
	OptionCode string `json:"option_code"`
	// OriginalCode is the shop's own code of the item or option
	// (独自商品コード), which shops use as their SKU [I].
	OriginalCode string  `json:"original_code,omitempty"`
	Name         string  `json:"name"`
	OptionText   string  `json:"option_text"`
	UnitPrice    int64   `json:"unit_price"` // tax included [I]
	Quantity     int     `json:"quantity"`
	TaxRate      float64 `json:"tax_rate"` // percent
}

type PaymentJSON struct {
	MethodCode   string  `json:"method_code"`
	PaidOn       *string `json:"paid_on"`
	CreditStatus string  `json:"credit_status,omitempty"` // deferred payments [I]
}

// StatusUpdateRequest is a V2-M-0012 body; one of the three groups is set [I].
type StatusUpdateRequest struct {
	OrderStatus     string `json:"order_status,omitempty"`
	ShippingStatus  string `json:"shipping_status,omitempty"`
	ShippedOn       string `json:"shipped_on,omitempty"`
	SlipNumber      string `json:"slip_number,omitempty"`
	DeliveryCompany string `json:"delivery_company,omitempty"`
	DeliveryNo      int    `json:"delivery_no,omitempty"`
	PaymentStatus   string `json:"payment_status,omitempty"`
	PaidOn          string `json:"paid_on,omitempty"`
}

// StatusUpdateResponse is the 200 answer of V2-M-0012 [I].
type StatusUpdateResponse struct {
	SerialCode     string `json:"serial_code"`
	OrderStatus    string `json:"order_status"`
	ShippingStatus string `json:"shipping_status"`
	PaymentStatus  string `json:"payment_status"`
	UpdatedAt      string `json:"updated_at"`
}

// MaxSerialCodes is how many orders one serial_codes search names [I].
const MaxSerialCodes = 100

// OpItemStock is the stock update's operation name (V2M0019 in a client [V3]).
const OpItemStock = "V2-M-0019 在庫更新"

// StockRequest is the stock update body: quantity as a string and
// "Yes"/"No" unlimited [V3]; option (the option axes of a variation item)
// and low_stock_quantity (在庫わずかの数, seed) are [I].
type StockRequest struct {
	Unlimited        string            `json:"unlimited"`
	Quantity         string            `json:"quantity"`
	Option           map[string]string `json:"option,omitempty"`
	LowStockQuantity string            `json:"low_stock_quantity,omitempty"`
}

// StockResponse is the 200 answer of the stock update [I].
type StockResponse struct {
	ItemCode string `json:"item_code"`
	Quantity string `json:"quantity"`
}

// MaxSlipLength and the carrier names are V2-M-0012's rules for shipping
// updates [I]; the carrier list matches domain.ShopserveCarrierNames.
const MaxSlipLength = 20

var CarrierNames = []string{"ヤマト運輸", "佐川急便", "日本郵便", "西濃運輸", "福山通運", "その他"}

// ItemsSearchRequest is the verified item search body [V3].
type ItemsSearchRequest struct {
	From int `json:"from"`
	Size int `json:"size"`
	Sort struct {
		Order string `json:"order"`
	} `json:"sort"`
}

// ItemsSearchResponse: total_count is verified for the _search family;
// the item fields are not needed by the connection test.
type ItemsSearchResponse struct {
	TotalCount *int `json:"total_count"`
}
