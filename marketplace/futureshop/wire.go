// Package futureshop speaks futureshop APIv2 (commerce creator): the OAuth2
// client-credentials token, 受注検索 (/admin-api/v1/shipping) with nextUrl
// paging and 受注詳細 (/admin-api/v1/orders/{orderNo}).
//
// Facts are from ../shared/marketplaces/futureshop.md. Much of it comes from
// third-party clients [V3] and some is proposed [I]; every wire name is in
// this file so a correction is one edit. The README's marketplace table
// lists what is verified and what is assumed.
package futureshop

// Paths and headers [V3].
const (
	PathToken       = "/oauth/token"
	PathOrderSearch = "/admin-api/v1/shipping"
	PathOrderDetail = "/admin-api/v1/orders/"         // + orderNo
	PathShipping    = "/admin-api/v1/shipping/status" // 発送API [V]
	PathInventory   = "/admin-api/v1/inventory"       // 在庫検索 GET, 在庫更新 POST [V3]
	HeaderShopKey   = "X-SHOP-KEY"
	GrantType       = "client_credentials"
	ContentTypeForm = "application/x-www-form-urlencoded"
	ContentTypeJSON = "application/json"
)

// Operation names, as the API log and the simulator's faults call them.
const (
	OpToken       = "oauth.token"
	OpOrderSearch = "受注検索API"
	OpOrderDetail = "受注詳細API"
	OpShipping    = "発送API"
	OpStockSearch = "在庫検索API"
	OpStockUpdate = "在庫更新API"
)

// Query parameters of 受注検索 [V3].
const (
	QueryOrderDateStart = "orderDateStart"
	QueryOrderDateEnd   = "orderDateEnd"
	QueryShippingStatus = "shippingStatus"
	QueryPaymentStatus  = "paymentStatus"
	QueryOrderNo        = "orderNo"
	QueryCursor         = "cursor"
)

// Query values [V3].
const (
	ShippingNotShipped = "notShipped"
	ShippingShipped    = "shipped"
	PaymentNotReceived = "notReceived"
	PaymentReceived    = "received"
)

// DatetimeLayout is how queries and answers write datetimes: JST without an
// offset [V3]. DateLayout is for dates [V].
const (
	DatetimeLayout = "2006-01-02T15:04:05"
	DateLayout     = "2006-01-02"
)

// Order statuses. AWAITING_PAYMENT and COMPLETED are seen in fixtures [V3];
// the others mirror the admin screen's 受注ステータス [I].
const (
	StatusAwaitingPayment  = "AWAITING_PAYMENT"
	StatusAwaitingShipment = "AWAITING_SHIPMENT" // [I]
	StatusShipped          = "SHIPPED"           // [I]
	StatusCompleted        = "COMPLETED"
	StatusCancelled        = "CANCELLED" // [I]
	StatusOnHold           = "ON_HOLD"   // [I]
)

// StatusNames are the admin screen's labels [I].
var StatusNames = map[string]string{
	StatusAwaitingPayment:  "入金待ち",
	StatusAwaitingShipment: "発送待ち",
	StatusShipped:          "発送済み",
	StatusCompleted:        "処理済",
	StatusCancelled:        "キャンセル",
	StatusOnHold:           "保留",
}

// Payment status of the detail form: NOTRECEIVED is seen [V3], the rest [I].
const (
	PaymentStatusNotReceived = "NOTRECEIVED"
	PaymentStatusReceived    = "RECEIVED" // [I]
	PaymentStatusRefunded    = "REFUNDED" // [I]
)

// Payment types: COD and BANK_TRANSFER are seen [V3], the rest are proposed
// [I]. PaymentNames are the Japanese names the 変換ロボット maps.
const (
	PaymentCreditCard     = "CREDIT_CARD" // [I]
	PaymentCOD            = "COD"
	PaymentBankTransfer   = "BANK_TRANSFER"
	PaymentConvenience    = "CONVENIENCE_STORE" // [I]
	PaymentPostalTransfer = "POSTAL_TRANSFER"   // [I]
	PaymentDeferred       = "DEFERRED"          // [I] 後払い
	PaymentAmazonPay      = "AMAZON_PAY"        // [I]
	PaymentRakutenPay     = "RAKUTEN_PAY"       // [I]
	PaymentPayPay         = "PAYPAY"            // [I]
	PaymentPointOnly      = "POINT_ONLY"        // [I]
)

// PaymentNames are the operator-facing names of each payment type.
var PaymentNames = map[string]string{
	PaymentCreditCard:     "クレジットカード",
	PaymentCOD:            "代金引換",
	PaymentBankTransfer:   "銀行振込",
	PaymentConvenience:    "コンビニ決済",
	PaymentPostalTransfer: "郵便振替",
	PaymentDeferred:       "後払い",
	PaymentAmazonPay:      "Amazon Pay",
	PaymentRakutenPay:     "楽天ペイ",
	PaymentPayPay:         "PayPay",
	PaymentPointOnly:      "全額ポイント",
}

// Product line values [I].
const (
	TaxIncluded     = "TAX_INCLUDED"
	TaxExcluded     = "TAX_EXCLUDED"
	TaxRateStandard = "STANDARD"
	TaxRateReduced  = "REDUCED"
)

// Error codes of the {"errors":[{code,message}]} body. Only the body shape
// of inventory answers is seen [V3]; these codes are ours [I].
const (
	CodeTooManyRequests = "TooManyRequests" // [I] from the notes' proposal
	CodeUnauthorized    = "Unauthorized"    // [I]
	CodeForbidden       = "Forbidden"       // [I]
	CodeMaintenance     = "Maintenance"     // [I] maintenance is undocumented
	CodeNotFound        = "NotFound"        // [I]
	CodeInvalidParam    = "InvalidParameter"
	CodeInternal        = "InternalServerError"
	OAuthInvalidClient  = "invalid_client" // RFC 6749 §5.2
	OAuthInvalidGrant   = "unsupported_grant_type"
)

// Prefectures is futureshop's upper-case romanized prefecture enum [V3 for
// TOKYO; the rest follow the same rule, I], in JIS order.
var Prefectures = [47][2]string{
	{"HOKKAIDO", "北海道"}, {"AOMORI", "青森県"}, {"IWATE", "岩手県"}, {"MIYAGI", "宮城県"}, {"AKITA", "秋田県"},
	{"YAMAGATA", "山形県"}, {"FUKUSHIMA", "福島県"}, {"IBARAKI", "茨城県"}, {"TOCHIGI", "栃木県"}, {"GUNMA", "群馬県"},
	{"SAITAMA", "埼玉県"}, {"CHIBA", "千葉県"}, {"TOKYO", "東京都"}, {"KANAGAWA", "神奈川県"}, {"NIIGATA", "新潟県"},
	{"TOYAMA", "富山県"}, {"ISHIKAWA", "石川県"}, {"FUKUI", "福井県"}, {"YAMANASHI", "山梨県"}, {"NAGANO", "長野県"},
	{"GIFU", "岐阜県"}, {"SHIZUOKA", "静岡県"}, {"AICHI", "愛知県"}, {"MIE", "三重県"}, {"SHIGA", "滋賀県"},
	{"KYOTO", "京都府"}, {"OSAKA", "大阪府"}, {"HYOGO", "兵庫県"}, {"NARA", "奈良県"}, {"WAKAYAMA", "和歌山県"},
	{"TOTTORI", "鳥取県"}, {"SHIMANE", "島根県"}, {"OKAYAMA", "岡山県"}, {"HIROSHIMA", "広島県"}, {"YAMAGUCHI", "山口県"},
	{"TOKUSHIMA", "徳島県"}, {"KAGAWA", "香川県"}, {"EHIME", "愛媛県"}, {"KOCHI", "高知県"}, {"FUKUOKA", "福岡県"},
	{"SAGA", "佐賀県"}, {"NAGASAKI", "長崎県"}, {"KUMAMOTO", "熊本県"}, {"OITA", "大分県"}, {"MIYAZAKI", "宮崎県"},
	{"KAGOSHIMA", "鹿児島県"}, {"OKINAWA", "沖縄県"},
}

// PrefectureName is the Japanese name of an enum value; unknown values are
// returned as given so nothing is lost.
func PrefectureName(code string) string {
	for _, p := range Prefectures {
		if p[0] == code {
			return p[1]
		}
	}
	return code
}

// PrefectureCode is the enum value of a Japanese prefecture name.
func PrefectureCode(name string) string {
	for _, p := range Prefectures {
		if p[1] == name {
			return p[0]
		}
	}
	return name
}

// Limits.
const (
	// RatePerSecond: one request per second per client [V3].
	RatePerSecond = 1
	// MaxSearchWindowDays is how long a span one search covers: not
	// documented [I]; imports use one week anyway (SPEC §4).
	MaxSearchWindowDays = 31
	// MaxTokenLifetime: one client rejects expires_in outside 1..86400 [V3].
	MaxTokenLifetime = 86400
	// ShippingBatch: at most 100 orders per 発送API request [V].
	ShippingBatch = 100
	// InventoryBatch: rows per 在庫更新 request are not documented [I: 100].
	InventoryBatch = 100
	// MaxStock is the largest quantity one client accepts [V3].
	MaxStock = 999999999
	// Byte limits of 発送API [V] and 在庫更新 [V3].
	MaxOrderNoBytes   = 12
	MaxInvoiceNoBytes = 100
	MaxProductNoBytes = 32
	MaxVariationBytes = 9
	// InventoryTypeRegular is the 通常在庫 type of 在庫検索 [V3].
	InventoryTypeRegular = "regular"
	QueryTypes           = "types"
)

// Result status of 在庫更新 [V3] and, as proposed, 発送API [I].
const (
	ResultSuccess = "success"
	ResultFailed  = "failed"
	// CodeCannotUpdateStorePickup: 発送API refuses store-pickup orders [V].
	CodeCannotUpdateStorePickup = "CannotUpdateStorePickup"
)

// ShippingRequest is the 発送API body [V].
type ShippingRequest struct {
	OrderList []ShippingOrder `json:"orderList"`
}

// ShippingOrder is one order of a 発送API request [V].
type ShippingOrder struct {
	OrderNo      string               `json:"orderNo"`
	ShipmentList []ShippingShipmentIn `json:"shipmentList"`
}

// ShippingShipmentIn is one shipment to mark shipped [V]. Omitted fields
// are left unchanged by futureshop; empty ones overwrite with empty.
type ShippingShipmentIn struct {
	ShipmentNo   int              `json:"shipmentNo"`
	ShippingInfo ShippingInfoPush `json:"shippingInfo"`
}

// ShippingInfoPush are the fields 発送API sets [V].
type ShippingInfoPush struct {
	InvoiceNo       string `json:"invoiceNo,omitempty"`
	ExpectedArrival string `json:"expectedArrival,omitempty"`
	ShippingDate    string `json:"shippingDate,omitempty"`
}

// ResultResponse is the answer of 在庫更新 [V3] and 発送API [I].
type ResultResponse struct {
	Status  string       `json:"status"`
	Results []ItemResult `json:"results"`
}

// ItemResult is one row's verdict.
type ItemResult struct {
	OrderNo   string     `json:"orderNo,omitempty"`
	ProductNo string     `json:"productNo,omitempty"`
	Status    string     `json:"status"`
	Errors    []APIError `json:"errors,omitempty"`
}

// InventoryRequest is the 在庫更新 body [V3].
type InventoryRequest struct {
	ProductList []InventoryProduct `json:"productList"`
}

// InventoryProduct is one product's stock, in searches and updates [V3].
type InventoryProduct struct {
	ProductNo     string        `json:"productNo"`
	Name          string        `json:"name,omitempty"`
	DateCreated   string        `json:"dateCreated,omitempty"`
	InventoryInfo InventoryInfo `json:"inventoryInfo"`
}

// InventoryInfo holds the 通常在庫 rows [V3].
type InventoryInfo struct {
	Regular *InventoryRegular `json:"regular,omitempty"`
}

// InventoryRegular is the regular stock list [V3].
type InventoryRegular struct {
	InventoryList []InventoryRow `json:"inventoryList"`
}

// InventoryRow is one variation's stock [V3]. Axis codes must match an
// existing row; an empty string is an unused axis.
type InventoryRow struct {
	SkuNo        string `json:"skuNo,omitempty"`
	VerticalNo   string `json:"verticalNo"`
	HorizontalNo string `json:"horizontalNo"`
	JanCode      string `json:"janCode,omitempty"`
	Count        int    `json:"count"`
}

// InventorySearchResponse is one page of 在庫検索 [V3].
type InventorySearchResponse struct {
	ProductList []InventoryProduct `json:"productList"`
	NextURL     string             `json:"nextUrl,omitempty"`
}

// TokenResponse is the OAuth2 token answer [V3].
type TokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
}

// OAuthError is the RFC 6749 error body of the token endpoint [I].
type OAuthError struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description,omitempty"`
}

// ErrorBody is the API's error answer [I, shape of the inventory errors V3].
type ErrorBody struct {
	Status string     `json:"status,omitempty"`
	Errors []APIError `json:"errors"`
}

// APIError is one error entry.
type APIError struct {
	Code    string `json:"code"`
	Message string `json:"message,omitempty"`
}

// SearchResponse is one page of 受注検索 [V3].
type SearchResponse struct {
	OrderList []WireOrder `json:"orderList"`
	NextURL   string      `json:"nextUrl,omitempty"`
}

// WireOrder is an order in list or detail form; detail-only fields are
// omitted from lists.
type WireOrder struct {
	OrderNo                 string         `json:"orderNo"`
	Type                    string         `json:"type"`
	Date                    string         `json:"date"`
	Status                  string         `json:"status"`
	GrandTotal              int64          `json:"grandTotal"`
	TotalCost               int64          `json:"totalCost"`
	ProductTotal            int64          `json:"productTotal"`
	TaxTotal                int64          `json:"taxTotal"`
	DiscountTotal           int64          `json:"discountTotal"`
	GiftWrappingChargeTotal int64          `json:"giftWrappingChargeTotal"`
	Postage                 int64          `json:"postage"`
	CoolDeliveryChargeTotal int64          `json:"coolDeliveryChargeTotal"`
	UsedPointPrice          int64          `json:"usedPointPrice"`
	PaymentType             string         `json:"paymentType"`
	PaymentChargeTotal      int64          `json:"paymentChargeTotal"`
	ReceiptDate             string         `json:"receiptDate"`
	IsMember                bool           `json:"isMember"`
	PaymentStatus           string         `json:"paymentStatus,omitempty"`   // detail
	Communication           string         `json:"communication,omitempty"`   // detail: buyer's message
	DateLastUpdated         string         `json:"dateLastUpdated,omitempty"` // detail
	BuyerInfo               BuyerInfo      `json:"buyerInfo"`
	ShipmentList            []WireShipment `json:"shipmentList"`
}

// BuyerInfo is the buyer [V3].
type BuyerInfo struct {
	MemberID      string `json:"memberId"`
	LastName      string `json:"lastName"`
	FirstName     string `json:"firstName"`
	LastNameKana  string `json:"lastNameKana"`
	FirstNameKana string `json:"firstNameKana"`
	Mail          string `json:"mail"`
	ZipCode       string `json:"zipCode"` // "000-0000"
	Prefecture    string `json:"prefecture"`
	Address1      string `json:"address1"`
	Address2      string `json:"address2"`
	Address3      string `json:"address3"`
	TelNoMain     string `json:"telNoMain"`
	CompanyName   string `json:"companyName"`
}

// WireShipment is one destination of an order [V3].
type WireShipment struct {
	ShipmentNo   int           `json:"shipmentNo"`
	AddressInfo  AddressInfo   `json:"addressInfo"`
	ShippingInfo ShippingInfo  `json:"shippingInfo"`
	ProductTotal int64         `json:"productTotal"`
	TaxTotal     int64         `json:"taxTotal"`
	Postage      int64         `json:"postage"`
	ProductList  []WireProduct `json:"productList"`
	Shipped      *bool         `json:"shipped,omitempty"` // detail
}

// AddressInfo is a shipment's recipient [V3].
type AddressInfo struct {
	LastName      string `json:"lastName"`
	FirstName     string `json:"firstName"`
	LastNameKana  string `json:"lastNameKana"`
	FirstNameKana string `json:"firstNameKana"`
	PostalCode    string `json:"postalCode"`
	Prefecture    string `json:"prefecture"`
	Address1      string `json:"address1"`
	Address2      string `json:"address2"`
	Address3      string `json:"address3"`
	PhoneNo       string `json:"phoneNo"`
	CompanyName   string `json:"companyName,omitempty"`
}

// ShippingInfo is how a shipment travels [V3].
type ShippingInfo struct {
	DeliveryServiceName   string `json:"deliveryServiceName"`
	IsCoolDelivery        bool   `json:"isCoolDelivery"`
	InvoiceNo             string `json:"invoiceNo"`
	ExpectedArrival       string `json:"expectedArrival"`
	PreferredDeliveryDate string `json:"preferredDeliveryDate"`
	PreferredDeliveryTime string `json:"preferredDeliveryTime"`
	ShippingDate          string `json:"shippingDate"`
}

// WireProduct is one line [V3].
type WireProduct struct {
	SkuNo                   string `json:"skuNo"`
	ProductNo               string `json:"productNo,omitempty"` // detail
	Name                    string `json:"name"`
	VerticalVariationName   string `json:"verticalVariationName"`
	HorizontalVariationName string `json:"horizontalVariationName"`
	JanCode                 string `json:"janCode"`
	TaxRateCode             string `json:"taxRateCode"`
	Price                   int64  `json:"price"`
	Count                   int    `json:"count"`
	TaxIncluded             string `json:"taxIncluded"`
	Tax                     int64  `json:"tax"`
}
