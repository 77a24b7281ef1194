// Package rakuten speaks Rakuten RMS WEB SERVICE: the RakutenPay Order API,
// the Inventory API, the license-key expiry lookup, navigation.genre.get
// (connection test) and the Item API 2.0 (商品マスタ import).
//
// Facts are from ../shared/marketplaces/rakuten.md; comments mark the ones
// that document calls inferred [I].
package rakuten

// DefaultBaseURL is production RMS.
const DefaultBaseURL = "https://api.rms.rakuten.co.jp"

// Wire paths, all in one place. Order operations are POST with a JSON body
// even when they only read, and keep their trailing slash.
const (
	PathSearchOrder          = "/es/2.0/order/searchOrder/"
	PathGetOrder             = "/es/2.0/order/getOrder/"
	PathConfirmOrder         = "/es/2.0/order/confirmOrder/"
	PathUpdateShippingAsync  = "/es/2.0/order/updateOrderShippingAsync/"
	PathGetResultShipAsync   = "/es/2.0/order/getResultUpdateOrderShippingAsync/"
	PathInventoryBulkUpsert  = "/es/2.0/inventories/bulk-upsert"
	PathInventory21Upsert    = "/es/2.1/inventories/bulk-upsert"
	PathLicenseExpiry        = "/es/1.0/license-management/license-key/expiry-date"
	PathGenreGet             = "/es/1.0/navigation/genre/get"
	PathItemsSearch          = "/es/2.0/items/search" // Item API 2.0 [V3]
	FunctionSearchOrder      = "rpay.order.searchOrder"
	FunctionGetOrder         = "rpay.order.getOrder"
	FunctionConfirmOrder     = "rpay.order.confirmOrder"
	FunctionUpdShipAsync     = "rpay.order.updOrdShipAsync"
	FunctionGetResUpdShip    = "rpay.order.getResUpdOrdShipAsync"
	FunctionInventoryUpsert  = "inventories.bulk-upsert"
	FunctionGenreGet         = "navigation.genre.get"
	FunctionItemsSearch      = "items.search"
	FunctionLicenseExpiry    = "license-management.expiry-date"
	DatetimeLayout           = "2006-01-02T15:04:05-0700"
	DateLayout               = "2006-01-02"
	ContentTypeJSON          = "application/json; charset=utf-8"
	GetOrderVersion          = 7 // SKU data (SkuModelList) needs version >= 7
	MaxPageSize              = 1000
	MaxReachableHits         = 15000
	MaxSearchWindowDays      = 63
	MaxSearchAgeDays         = 730
	GetOrderBatch            = 100
	ConfirmBatch             = 100
	ShippingAsyncBatch       = 100
	InventoryUpsertBatch     = 400
	ItemsSearchMaxHits       = 100 // [V3]
	DateTypeOrder            = 1   // 注文日
	DateTypePaymentFixed     = 6   // 決済確定日
	ProgressAwaitingShipment = 300
)

// Gateway errors ({"Results":{...}}), not in MessageModelList.
const (
	CodeUnauthorised       = "ES01-01"
	CodeFunctionNotEnabled = "ES04-01"
	CodeTooManyRequests    = "ES04-04" // [I] throttling code not verified
	CodeMaintenance        = "ES05-01" // [I] sandbox only: maintenance is undocumented
)

// Message codes.
const (
	MsgSearchOK          = "ORDER_EXT_API_SEARCH_ORDER_INFO_101"
	MsgSearchNoHits      = "ORDER_EXT_API_SEARCH_ORDER_INFO_102"
	MsgSearchRequired    = "ORDER_EXT_API_SEARCH_ORDER_ERROR_009"
	MsgSearchFormat      = "ORDER_EXT_API_SEARCH_ORDER_ERROR_011"
	MsgGetOrderOK        = "ORDER_EXT_API_GET_ORDER_INFO_101"
	MsgConfirmOK         = "ORDER_EXT_API_CONFIRM_ORDER_INFO_101"
	MsgConfirmCancelled  = "ORDER_EXT_API_CONFIRM_ORDER_ERROR_102"
	MsgConfirmMoved      = "ORDER_EXT_API_CONFIRM_ORDER_ERROR_103"
	MsgShipAsyncAccepted = "ORDER_EXT_API_UPDATE_ORDERSHIPPING_ASYNC_INFO_101"
	MsgShipAsyncFormat   = "ORDER_EXT_API_UPDATE_ORDERSHIPPING_ASYNC_ERROR_011"
	MsgShipResultNone    = "ORDER_EXT_API_GET_RESULT_UPDATEORDERSHIPPING_ASYNC_INFO_101"
	MsgShipResultNoID    = "ORDER_EXT_API_GET_RESULT_UPDATEORDERSHIPPING_ASYNC_ERROR_009"
	MsgShipAdded         = "ORDER_EXT_API_UPDATE_ORDERSHIPPING_INFO_101"
	MsgShipUpdated       = "ORDER_EXT_API_UPDATE_ORDERSHIPPING_INFO_102"
	MsgShipCancelled     = "ORDER_EXT_API_UPDATE_ORDERSHIPPING_ERROR_102"
	MsgShipFormat        = "ORDER_EXT_API_UPDATE_ORDERSHIPPING_ERROR_011"
)

// GatewayError is the common auth/gateway error envelope.
type GatewayError struct {
	Results struct {
		ErrorCode string `json:"errorCode"`
		Message   string `json:"message"`
	} `json:"Results"`
}

// InventoryErrors is the Inventory API's error envelope.
type InventoryErrors struct {
	Errors []struct {
		Code     string `json:"code"`
		Message  string `json:"message"`
		Metadata struct {
			PropertyPath string `json:"propertyPath"`
		} `json:"metadata"`
	} `json:"errors"`
}

// Message is one entry of MessageModelList.
type Message struct {
	MessageType      string `json:"messageType"`
	MessageCode      string `json:"messageCode"`
	Message          string `json:"message"`
	OrderNumber      string `json:"orderNumber,omitempty"`
	RequestID        string `json:"requestId,omitempty"`
	DataNumber       *int   `json:"dataNumber,omitempty"`
	ShippingDetailID *int64 `json:"shippingDetailId,omitempty"`
}

type SearchOrderRequest struct {
	DateType               int                `json:"dateType"`
	StartDatetime          string             `json:"startDatetime"`
	EndDatetime            string             `json:"endDatetime"`
	OrderProgressList      []int              `json:"orderProgressList,omitempty"`
	PaginationRequestModel *PaginationRequest `json:"PaginationRequestModel,omitempty"`
}

type PaginationRequest struct {
	RequestRecordsAmount int         `json:"requestRecordsAmount"`
	RequestPage          int         `json:"requestPage"`
	SortModelList        []SortModel `json:"SortModelList,omitempty"`
}

type SortModel struct {
	SortColumn    int `json:"sortColumn"`
	SortDirection int `json:"sortDirection"`
}

type SearchOrderResponse struct {
	OrderNumberList         []string            `json:"orderNumberList"`
	MessageModelList        []Message           `json:"MessageModelList"`
	PaginationResponseModel *PaginationResponse `json:"PaginationResponseModel"`
}

type PaginationResponse struct {
	TotalRecordsAmount *int `json:"totalRecordsAmount"`
	TotalPages         *int `json:"totalPages"`
	RequestPage        *int `json:"requestPage"`
}

type GetOrderRequest struct {
	OrderNumberList []string `json:"orderNumberList"`
	Version         int      `json:"version"`
}

type OrderModel struct {
	OrderNumber             string              `json:"orderNumber"`
	OrderProgress           int                 `json:"orderProgress"`
	SubStatusID             *int                `json:"subStatusId"`
	SubStatusName           *string             `json:"subStatusName"`
	OrderDatetime           string              `json:"orderDatetime"`
	ShopOrderCfmDatetime    *string             `json:"shopOrderCfmDatetime"`
	OrderFixDatetime        *string             `json:"orderFixDatetime"`
	ShippingInstDatetime    *string             `json:"shippingInstDatetime"`
	ShippingCmplRptDatetime *string             `json:"shippingCmplRptDatetime"`
	CancelDueDate           *string             `json:"cancelDueDate"`
	DeliveryDate            *string             `json:"deliveryDate"`
	ShippingTerm            *int                `json:"shippingTerm"`
	Remarks                 *string             `json:"remarks"`
	GiftCheckFlag           int                 `json:"giftCheckFlag"`
	SeveralSenderFlag       int                 `json:"severalSenderFlag"`
	EqualSenderFlag         int                 `json:"equalSenderFlag"`
	IsolatedIslandFlag      int                 `json:"isolatedIslandFlag"`
	RakutenMemberFlag       int                 `json:"rakutenMemberFlag"`
	OrderType               int                 `json:"orderType"`
	GoodsPrice              int64               `json:"goodsPrice"`
	GoodsTax                int64               `json:"goodsTax"`
	PostagePrice            int64               `json:"postagePrice"`
	DeliveryPrice           int64               `json:"deliveryPrice"`
	PaymentCharge           int64               `json:"paymentCharge"`
	TotalPrice              int64               `json:"totalPrice"`
	RequestPrice            int64               `json:"requestPrice"`
	CouponAllTotalPrice     int64               `json:"couponAllTotalPrice"`
	PointModel              *PointModel         `json:"PointModel"`
	OrdererModel            PersonModel         `json:"OrdererModel"`
	SettlementModel         *SettlementModel    `json:"SettlementModel"`
	DeliveryModel           *DeliveryModel      `json:"DeliveryModel"`
	PackageModelList        []PackageModel      `json:"PackageModelList"`
	TaxSummaryModelList     []TaxSummaryModel   `json:"TaxSummaryModelList"`
	ChangeReasonModelList   []ChangeReasonModel `json:"ChangeReasonModelList"`
}

type PointModel struct {
	UsedPoint int64 `json:"usedPoint"`
}

type PersonModel struct {
	ZipCode1           string `json:"zipCode1"`
	ZipCode2           string `json:"zipCode2"`
	Prefecture         string `json:"prefecture"`
	City               string `json:"city"`
	SubAddress         string `json:"subAddress"`
	FamilyName         string `json:"familyName"`
	FirstName          string `json:"firstName"`
	FamilyNameKana     string `json:"familyNameKana"`
	FirstNameKana      string `json:"firstNameKana"`
	PhoneNumber1       string `json:"phoneNumber1"`
	PhoneNumber2       string `json:"phoneNumber2"`
	PhoneNumber3       string `json:"phoneNumber3"`
	EmailAddress       string `json:"emailAddress,omitempty"`
	IsolatedIslandFlag *int   `json:"isolatedIslandFlag,omitempty"`
}

type SettlementModel struct {
	SettlementMethodCode int    `json:"settlementMethodCode"`
	SettlementMethod     string `json:"settlementMethod"`
	RpaySettlementFlag   int    `json:"rpaySettlementFlag"`
}

type DeliveryModel struct {
	DeliveryName  string `json:"deliveryName"`
	DeliveryClass *int   `json:"deliveryClass"`
}

type PackageModel struct {
	BasketID                   int64           `json:"basketId"`
	PostagePrice               int64           `json:"postagePrice"`
	PostageTaxRate             float64         `json:"postageTaxRate"`
	DeliveryPrice              int64           `json:"deliveryPrice"`
	GoodsTax                   int64           `json:"goodsTax"`
	GoodsPrice                 int64           `json:"goodsPrice"`
	TotalPrice                 int64           `json:"totalPrice"`
	Noshi                      *string         `json:"noshi"`
	DefaultDeliveryCompanyCode string          `json:"defaultDeliveryCompanyCode"`
	SenderModel                PersonModel     `json:"SenderModel"`
	ItemModelList              []ItemModel     `json:"ItemModelList"`
	ShippingModelList          []ShippingModel `json:"ShippingModelList"`
}

type ItemModel struct {
	ItemDetailID     int64      `json:"itemDetailId"`
	ItemName         string     `json:"itemName"`
	ItemID           int64      `json:"itemId"`
	ItemNumber       string     `json:"itemNumber"`
	ManageNumber     string     `json:"manageNumber"`
	Price            int64      `json:"price"`
	Units            int        `json:"units"`
	IncludePostage   int        `json:"includePostageFlag"`
	IncludeTaxFlag   int        `json:"includeTaxFlag"`
	IncludeCODFlag   int        `json:"includeCashOnDeliveryPostageFlag"`
	SelectedChoice   *string    `json:"selectedChoice"`
	TaxRate          float64    `json:"taxRate"`
	PriceTaxIncl     int64      `json:"priceTaxIncl"`
	PointRate        int        `json:"pointRate"`
	IsSingleShipping int        `json:"isSingleItemShipping"`
	SkuModelList     []SkuModel `json:"SkuModelList"`
}

type SkuModel struct {
	VariantID            string  `json:"variantId"`
	MerchantDefinedSkuID *string `json:"merchantDefinedSkuId"`
	SkuInfo              *string `json:"skuInfo"`
}

type ShippingModel struct {
	ShippingDetailID    int64  `json:"shippingDetailId"`
	ShippingNumber      string `json:"shippingNumber"`
	DeliveryCompany     string `json:"deliveryCompany"`
	DeliveryCompanyName string `json:"deliveryCompanyName"`
	ShippingDate        string `json:"shippingDate"`
}

type TaxSummaryModel struct {
	TaxRate     float64 `json:"taxRate"`
	ReqPrice    int64   `json:"reqPrice"`
	ReqPriceTax int64   `json:"reqPriceTax"`
	TotalPrice  int64   `json:"totalPrice"`
}

type ChangeReasonModel struct {
	ChangeID         int64   `json:"changeId"`
	ChangeType       *int    `json:"changeType"`
	ChangeTypeDetail *int    `json:"changeTypeDetail"`
	ChangeReason     *int    `json:"changeReason"`
	ChangeApplyDate  *string `json:"changeApplyDatetime"`
}

type ConfirmOrderRequest struct {
	OrderNumberList []string `json:"orderNumberList"`
}

type MessagesResponse struct {
	MessageModelList []Message `json:"MessageModelList"`
}

type UpdateShippingAsyncRequest struct {
	OrderShippingModelList []OrderShippingModel `json:"OrderShippingModelList"`
}

type OrderShippingModel struct {
	OrderNumber       string          `json:"orderNumber"`
	BasketidModelList []BasketidModel `json:"BasketidModelList"`
}

type BasketidModel struct {
	BasketID          int64            `json:"basketId"`
	ShippingModelList []ShippingUpdate `json:"ShippingModelList"`
}

type ShippingUpdate struct {
	ShippingDetailID   *int64 `json:"shippingDetailId,omitempty"`
	DeliveryCompany    string `json:"deliveryCompany"`
	ShippingNumber     string `json:"shippingNumber"`
	ShippingDate       string `json:"shippingDate,omitempty"`
	ShippingDeleteFlag int    `json:"shippingDeleteFlag,omitempty"`
}

type GetResultRequest struct {
	RequestID string `json:"requestId"`
}

type GetResultResponse struct {
	ResultShippingModelList []ResultShippingModel `json:"ResultShippingModelList"`
	MessageModelList        []Message             `json:"MessageModelList,omitempty"`
}

type ResultShippingModel struct {
	OrderNumber      string    `json:"orderNumber,omitempty"`
	MessageModelList []Message `json:"MessageModelList"`
}

type InventoryUpsertRequest struct {
	Inventories []InventoryRow `json:"inventories"`
}

type InventoryRow struct {
	ManageNumber string `json:"manageNumber"`
	VariantID    string `json:"variantId"`
	Mode         string `json:"mode"` // ABSOLUTE or RELATIVE
	Quantity     int    `json:"quantity"`
}

type ExpiryResponse struct {
	ExpiryDate string `json:"expiryDate"`
}

// ItemsSearchResponse is Item API 2.0 items.search [V3].
type ItemsSearchResponse struct {
	NumFound       int          `json:"numFound"`
	Offset         int          `json:"offset"`
	NextCursorMark string       `json:"nextCursorMark,omitempty"`
	Results        []ItemResult `json:"results"`
}

type ItemResult struct {
	Item *Item `json:"item"`
}

type Item struct {
	ManageNumber string             `json:"manageNumber"`
	ItemNumber   string             `json:"itemNumber"`
	Title        string             `json:"title"`
	Variants     map[string]Variant `json:"variants"`
	Created      string             `json:"created"`
	Updated      string             `json:"updated"`
}

type Variant struct {
	MerchantDefinedSkuID string            `json:"merchantDefinedSkuId,omitempty"`
	SelectorValues       map[string]string `json:"selectorValues,omitempty"`
	StandardPrice        string            `json:"standardPrice,omitempty"`
	ArticleNumber        *struct {
		Value string `json:"value"`
	} `json:"articleNumber,omitempty"`
}

// ProgressName is the RMS label of an orderProgress code.
func ProgressName(p int) string {
	switch p {
	case 100:
		return "注文確認待ち"
	case 200:
		return "楽天処理中"
	case 300:
		return "発送待ち"
	case 400:
		return "変更確定待ち"
	case 500:
		return "発送済"
	case 600:
		return "支払手続き中"
	case 700:
		return "支払手続き済"
	case 800:
		return "キャンセル確定待ち"
	case 900:
		return "キャンセル確定"
	}
	return ""
}
