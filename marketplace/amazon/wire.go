package amazon

import "encoding/json"

// Wire names and JSON shapes of the SP-API operations Renkei uses. Everything
// that must match Amazon's spelling lives in this file, so a rename in a model
// file is a one-file change. Field names follow the official models in
// ../shared/contracts/amazon (orders_2026-01-01.json, ordersV0.json,
// feeds_2021-06-30.json, listings-feed-schema-v2.json).

// Endpoints and marketplaces (Far East region serves JP, AU and SG).
const (
	EndpointFarEast = "https://sellingpartnerapi-fe.amazon.com"
	EndpointLWA     = "https://api.amazon.com"

	MarketplaceJP = "A1VC38T7YXB528"
	MarketplaceAU = "A39IBJ37TRP1C6"
	MarketplaceSG = "A19VAU5U5O7RUS"
)

// Paths. Order and feed ids are path-escaped by the caller.
const (
	PathToken          = "/auth/o2/token"
	PathSearchOrders   = "/orders/2026-01-01/orders"
	PathGetOrder       = "/orders/2026-01-01/orders/" // + {orderId}
	PathOrdersV0       = "/orders/v0/orders/"         // + {orderId} + PathConfirmShipment
	SuffixConfirmShip  = "/shipmentConfirmation"
	PathFeedDocuments  = "/feeds/2021-06-30/documents"
	PathFeedDocument   = "/feeds/2021-06-30/documents/" // + {feedDocumentId}
	PathFeeds          = "/feeds/2021-06-30/feeds"
	PathFeed           = "/feeds/2021-06-30/feeds/" // + {feedId}
	PathMarketplaceIDs = "/sellers/v1/marketplaceParticipations"
)

// Headers.
const (
	HeaderAccessToken = "x-amz-access-token"
	HeaderRateLimit   = "x-amzn-RateLimit-Limit"
	HeaderRequestID   = "x-amzn-RequestId"
)

// searchOrders / getOrder query parameters (orders_2026-01-01.json).
const (
	QCreatedAfter        = "createdAfter"
	QCreatedBefore       = "createdBefore"
	QLastUpdatedAfter    = "lastUpdatedAfter"
	QLastUpdatedBefore   = "lastUpdatedBefore"
	QFulfillmentStatuses = "fulfillmentStatuses"
	QMarketplaceIDs      = "marketplaceIds"
	QFulfilledBy         = "fulfilledBy"
	QMaxResultsPerPage   = "maxResultsPerPage"
	QPaginationToken     = "paginationToken"
	QIncludedData        = "includedData"

	// MaxResultsPerPage is the model's upper bound (1..100, default 100).
	MaxResultsPerPage = 100
)

// includedData values.
const (
	IncludeBuyer       = "BUYER"
	IncludeRecipient   = "RECIPIENT"
	IncludeProceeds    = "PROCEEDS"
	IncludeExpense     = "EXPENSE"
	IncludePromotion   = "PROMOTION"
	IncludeCancel      = "CANCELLATION"
	IncludeFulfillment = "FULFILLMENT"
	IncludePackages    = "PACKAGES"
	IncludeTax         = "TAX"
	IncludePayment     = "PAYMENT"
)

// DefaultIncludedData is what an import needs: who, where, how paid, what it
// costs, where it stands, and whether it was cancelled.
var DefaultIncludedData = []string{
	IncludeBuyer, IncludeRecipient, IncludeFulfillment, IncludePayment,
	IncludeProceeds, IncludeCancel, IncludeTax,
}

// FulfillmentStatus values (v2026-01-01).
const (
	StatusPendingAvailability = "PENDING_AVAILABILITY"
	StatusPending             = "PENDING"
	StatusUnshipped           = "UNSHIPPED"
	StatusPartiallyShipped    = "PARTIALLY_SHIPPED"
	StatusShipped             = "SHIPPED"
	StatusCancelled           = "CANCELLED"
	StatusUnfulfillable       = "UNFULFILLABLE"
)

// Proceeds breakdown types.
const (
	BreakdownItem     = "ITEM"
	BreakdownShipping = "SHIPPING"
	BreakdownTax      = "TAX"
	BreakdownCODFee   = "COD_FEE"
	BreakdownDiscount = "DISCOUNT"
	BreakdownGiftWrap = "GIFT_WRAP"
)

// Feeds.
const (
	FeedTypeJSONListings = "JSON_LISTINGS_FEED"
	ContentTypeJSON      = "application/json; charset=UTF-8"

	FeedInQueue    = "IN_QUEUE"
	FeedInProgress = "IN_PROGRESS"
	FeedDone       = "DONE"
	FeedCancelled  = "CANCELLED"
	FeedFatal      = "FATAL"

	// MaxListingsMessages is the model's maxItems for one JSON_LISTINGS_FEED.
	MaxListingsMessages = 25000
)

// Money is an amount as a decimal string, as Amazon sends it.
type Money struct {
	Amount       string `json:"amount"`
	CurrencyCode string `json:"currencyCode"`
}

// SearchOrdersResponse is the 200 body of searchOrders.
type SearchOrdersResponse struct {
	Orders            []Order     `json:"orders"`
	Pagination        *Pagination `json:"pagination,omitempty"`
	LastUpdatedBefore string      `json:"lastUpdatedBefore,omitempty"`
	CreatedBefore     string      `json:"createdBefore,omitempty"`
}

type Pagination struct {
	NextToken string `json:"nextToken,omitempty"`
}

// GetOrderResponse is the 200 body of getOrder.
type GetOrderResponse struct {
	Order *Order `json:"order"`
}

type Order struct {
	OrderID         string           `json:"orderId"`
	OrderAliases    []Alias          `json:"orderAliases,omitempty"`
	CreatedTime     string           `json:"createdTime"`
	LastUpdatedTime string           `json:"lastUpdatedTime"`
	Programs        []string         `json:"programs,omitempty"`
	SalesChannel    SalesChannel     `json:"salesChannel"`
	Buyer           *Buyer           `json:"buyer,omitempty"`
	Recipient       *Recipient       `json:"recipient,omitempty"`
	Proceeds        *OrderProceeds   `json:"proceeds,omitempty"`
	Payment         *OrderPayment    `json:"payment,omitempty"`
	Fulfillment     *OrderFulfill    `json:"fulfillment,omitempty"`
	OrderItems      []OrderItem      `json:"orderItems"`
	Packages        []OrderPackage   `json:"packages,omitempty"`
	AssociatedOrder []AssociatedOrdr `json:"associatedOrders,omitempty"`

	// Raw is the order exactly as received, for the API log.
	Raw json.RawMessage `json:"-"`
}

type Alias struct {
	AliasID   string `json:"aliasId"`
	AliasType string `json:"aliasType"`
}

type AssociatedOrdr struct {
	OrderID         string `json:"orderId,omitempty"`
	AssociationType string `json:"associationType,omitempty"`
}

type SalesChannel struct {
	ChannelName     string `json:"channelName"`
	MarketplaceID   string `json:"marketplaceId,omitempty"`
	MarketplaceName string `json:"marketplaceName,omitempty"`
}

type Buyer struct {
	BuyerName                string `json:"buyerName,omitempty"`
	BuyerEmail               string `json:"buyerEmail,omitempty"`
	BuyerCompanyName         string `json:"buyerCompanyName,omitempty"`
	BuyerPurchaseOrderNumber string `json:"buyerPurchaseOrderNumber,omitempty"`
}

type Recipient struct {
	DeliveryAddress *Address `json:"deliveryAddress,omitempty"`
}

type Address struct {
	Name             string `json:"name,omitempty"`
	CompanyName      string `json:"companyName,omitempty"`
	AddressLine1     string `json:"addressLine1,omitempty"`
	AddressLine2     string `json:"addressLine2,omitempty"`
	AddressLine3     string `json:"addressLine3,omitempty"`
	City             string `json:"city,omitempty"`
	DistrictOrCounty string `json:"districtOrCounty,omitempty"`
	StateOrRegion    string `json:"stateOrRegion,omitempty"`
	Municipality     string `json:"municipality,omitempty"`
	PostalCode       string `json:"postalCode,omitempty"`
	CountryCode      string `json:"countryCode,omitempty"`
	Phone            string `json:"phone,omitempty"`
	AddressType      string `json:"addressType,omitempty"`
}

type OrderProceeds struct {
	GrandTotal *Money              `json:"grandTotal,omitempty"`
	Breakdowns []ProceedsBreakdown `json:"breakdowns,omitempty"`
}

type ProceedsBreakdown struct {
	Type     string `json:"type"`
	Status   string `json:"status,omitempty"`
	Subtotal Money  `json:"subtotal"`
}

type OrderPayment struct {
	PaymentExecutions []PaymentExecution `json:"paymentExecutions,omitempty"`
}

type PaymentExecution struct {
	PaymentMethod string `json:"paymentMethod,omitempty"`
	PaymentAmount *Money `json:"paymentAmount,omitempty"`
}

type OrderFulfill struct {
	FulfillmentStatus       string         `json:"fulfillmentStatus"`
	FulfilledBy             string         `json:"fulfilledBy,omitempty"`
	FulfillmentServiceLevel string         `json:"fulfillmentServiceLevel,omitempty"`
	ShipByWindow            *DateTimeRange `json:"shipByWindow,omitempty"`
	DeliverByWindow         *DateTimeRange `json:"deliverByWindow,omitempty"`
}

type DateTimeRange struct {
	EarliestDateTime string `json:"earliestDateTime,omitempty"`
	LatestDateTime   string `json:"latestDateTime,omitempty"`
}

type OrderItem struct {
	OrderItemID     string            `json:"orderItemId"`
	QuantityOrdered int               `json:"quantityOrdered"`
	Programs        []string          `json:"programs,omitempty"`
	Product         ItemProduct       `json:"product"`
	Proceeds        *ItemProceeds     `json:"proceeds,omitempty"`
	Cancellation    *ItemCancellation `json:"cancellation,omitempty"`
	Fulfillment     *ItemFulfillment  `json:"fulfillment,omitempty"`
}

type ItemProduct struct {
	ASIN      string     `json:"asin,omitempty"`
	Title     string     `json:"title,omitempty"`
	SellerSKU string     `json:"sellerSku,omitempty"`
	Price     *ItemPrice `json:"price,omitempty"`
}

type ItemPrice struct {
	UnitPrice        *Money `json:"unitPrice,omitempty"`
	PriceDesignation string `json:"priceDesignation,omitempty"`
}

type ItemProceeds struct {
	ProceedsTotal *Money              `json:"proceedsTotal,omitempty"`
	Breakdowns    []ProceedsBreakdown `json:"breakdowns,omitempty"`
}

type ItemCancellation struct {
	CancellationRequest *CancellationRequest `json:"cancellationRequest,omitempty"`
}

type CancellationRequest struct {
	Requester    string `json:"requester,omitempty"`
	CancelReason string `json:"cancelReason,omitempty"`
}

type ItemFulfillment struct {
	QuantityFulfilled   int           `json:"quantityFulfilled"`
	QuantityUnfulfilled int           `json:"quantityUnfulfilled"`
	Shipping            *ItemShipping `json:"shipping,omitempty"`
}

type ItemShipping struct {
	ScheduledDeliveryWindow *DateTimeRange `json:"scheduledDeliveryWindow,omitempty"`
}

type OrderPackage struct {
	PackageReferenceID string `json:"packageReferenceId"`
	Carrier            string `json:"carrier,omitempty"`
	ShipTime           string `json:"shipTime,omitempty"`
	ShippingService    string `json:"shippingService,omitempty"`
	TrackingNumber     string `json:"trackingNumber,omitempty"`
}

// ErrorList is the error body of every SP-API operation used here.
type ErrorList struct {
	Errors []APIError `json:"errors"`
}

type APIError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Details string `json:"details,omitempty"`
}

// LWA token exchange.
type TokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token,omitempty"`
}

type TokenError struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

// confirmShipment (ordersV0.json ConfirmShipmentRequest).
type ConfirmShipmentRequest struct {
	MarketplaceID       string        `json:"marketplaceId"`
	CodCollectionMethod string        `json:"codCollectionMethod,omitempty"`
	PackageDetail       PackageDetail `json:"packageDetail"`
}

type PackageDetail struct {
	PackageReferenceID string             `json:"packageReferenceId"`
	CarrierCode        string             `json:"carrierCode"`
	CarrierName        string             `json:"carrierName,omitempty"`
	ShippingMethod     string             `json:"shippingMethod,omitempty"`
	TrackingNumber     string             `json:"trackingNumber"`
	ShipDate           string             `json:"shipDate"`
	OrderItems         []ConfirmOrderItem `json:"orderItems"`
}

type ConfirmOrderItem struct {
	OrderItemID string `json:"orderItemId"`
	Quantity    int    `json:"quantity"`
}

// Feeds 2021-06-30.
type CreateFeedDocumentSpecification struct {
	ContentType string `json:"contentType"`
}

type CreateFeedDocumentResponse struct {
	FeedDocumentID string `json:"feedDocumentId"`
	URL            string `json:"url"`
}

type CreateFeedSpecification struct {
	FeedType            string            `json:"feedType"`
	MarketplaceIDs      []string          `json:"marketplaceIds"`
	InputFeedDocumentID string            `json:"inputFeedDocumentId"`
	FeedOptions         map[string]string `json:"feedOptions,omitempty"`
}

type CreateFeedResponse struct {
	FeedID string `json:"feedId"`
}

type Feed struct {
	FeedID               string   `json:"feedId"`
	FeedType             string   `json:"feedType"`
	MarketplaceIDs       []string `json:"marketplaceIds,omitempty"`
	CreatedTime          string   `json:"createdTime"`
	ProcessingStatus     string   `json:"processingStatus"`
	ProcessingStartTime  string   `json:"processingStartTime,omitempty"`
	ProcessingEndTime    string   `json:"processingEndTime,omitempty"`
	ResultFeedDocumentID string   `json:"resultFeedDocumentId,omitempty"`
}

type FeedDocument struct {
	FeedDocumentID       string `json:"feedDocumentId"`
	URL                  string `json:"url"`
	CompressionAlgorithm string `json:"compressionAlgorithm,omitempty"`
}

// JSON_LISTINGS_FEED document (listings-feed-schema-v2.json).
type ListingsFeed struct {
	Header   ListingsHeader    `json:"header"`
	Messages []ListingsMessage `json:"messages"`
}

type ListingsHeader struct {
	SellerID    string `json:"sellerId"`
	Version     string `json:"version"`
	IssueLocale string `json:"issueLocale,omitempty"`
}

type ListingsMessage struct {
	MessageID     int             `json:"messageId"`
	SKU           string          `json:"sku"`
	OperationType string          `json:"operationType"`
	ProductType   string          `json:"productType,omitempty"`
	Patches       []ListingsPatch `json:"patches,omitempty"`
}

type ListingsPatch struct {
	Op    string                `json:"op"`
	Path  string                `json:"path"`
	Value []FulfillmentAvailVal `json:"value,omitempty"`
}

// FulfillmentAvailVal is one entry of the fulfillment_availability attribute.
// Only the DEFAULT (merchant-fulfilled) channel is ever touched: a push to an
// AMAZON_* channel would turn an FBA listing into a self-shipped one.
type FulfillmentAvailVal struct {
	FulfillmentChannelCode string `json:"fulfillment_channel_code"`
	Quantity               *int   `json:"quantity,omitempty"`
	IsInventoryAvailable   *bool  `json:"is_inventory_available,omitempty"`
	LeadTimeToShipMaxDays  *int   `json:"lead_time_to_ship_max_days,omitempty"`
}

// Listings processing report (listings-feed-processing-report-schema-v2.json).
type ProcessingReport struct {
	Header  ReportHeader     `json:"header"`
	Issues  []ReportIssue    `json:"issues"`
	Summary ReportSummary    `json:"summary"`
	Items   []map[string]any `json:"items,omitempty"`
}

type ReportHeader struct {
	SellerID string `json:"sellerId"`
	Version  string `json:"version"`
	FeedID   string `json:"feedId"`
}

type ReportIssue struct {
	MessageID     int    `json:"messageId,omitempty"`
	SKU           string `json:"sku,omitempty"`
	Code          string `json:"code,omitempty"`
	Severity      string `json:"severity"`
	Message       string `json:"message"`
	AttributeName string `json:"attributeName,omitempty"`
}

type ReportSummary struct {
	Errors            int `json:"errors"`
	Warnings          int `json:"warnings"`
	MessagesProcessed int `json:"messagesProcessed"`
	MessagesAccepted  int `json:"messagesAccepted"`
	MessagesInvalid   int `json:"messagesInvalid"`
}
