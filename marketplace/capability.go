package marketplace

import (
	"context"
	"time"
)

// Adapter is the least every marketplace client is. Callers discover what
// else it can do with type assertions on the capability interfaces below,
// so an adapter implements only what its marketplace offers.
type Adapter interface {
	Marketplace() string
}

// ConnectionTester makes one cheap authenticated call (接続テスト).
type ConnectionTester interface {
	TestConnection(ctx context.Context) (ConnectionInfo, error)
}

// CredentialExpiryChecker reports when the credential expires.
type CredentialExpiryChecker interface {
	CredentialExpiry(ctx context.Context) (time.Time, error)
}

// OrderSearcher imports full orders for a window. It splits the window into
// the marketplace's largest search window and pages through it, handing
// back batches so an importer can checkpoint after each window. Returning
// an error from each stops the search with that error.
type OrderSearcher interface {
	SearchOrders(ctx context.Context, q OrderQuery, each func(OrderBatch) error) error
}

// OrderFetcher fetches given orders, batching as the marketplace allows.
type OrderFetcher interface {
	FetchOrders(ctx context.Context, numbers []string) ([]Order, error)
}

// StatusSnapshotter tells where given orders stand (status sync).
type StatusSnapshotter interface {
	OrderStatuses(ctx context.Context, numbers []string) ([]OrderStatus, error)
}

// OrderConfirmer acknowledges orders on the marketplace.
type OrderConfirmer interface {
	ConfirmOrders(ctx context.Context, numbers []string) ([]ItemResult, error)
}

// ShipmentPusher sends shipment results (出荷実績戻し).
type ShipmentPusher interface {
	PushShipments(ctx context.Context, shipments []ShipmentResult) (PushReceipt, error)
}

// ShipmentResultPoller fetches the outcome of an asynchronous shipment push.
type ShipmentResultPoller interface {
	ShipmentPushResult(ctx context.Context, requestID string) (PushOutcome, error)
}

// StockPusher sends free stock (在庫連携).
type StockPusher interface {
	PushStock(ctx context.Context, updates []StockUpdate) (PushReceipt, error)
}

// FeedResultFetcher fetches the processing result of a submitted feed
// (フィード送信結果取得).
type FeedResultFetcher interface {
	FeedResult(ctx context.Context, feedID string) (PushOutcome, error)
}

// ProductFetcher pages through the marketplace's item master.
type ProductFetcher interface {
	FetchProducts(ctx context.Context, q ProductQuery) (ProductPage, error)
}
