package amazon_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/amazon"
	"github.com/renkei-oss/renkei/marketplace/amazon/contracttest"
	"github.com/renkei-oss/renkei/marketplace/sandbox/amazonsim"
)

func model(t testing.TB, name string) *contracttest.Doc {
	t.Helper()
	d, err := contracttest.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// unshippedOrder imports the demo seller's orders and returns one that is
// Unshipped (paid, not cancelled).
func unshippedOrder(t *testing.T, c *amazon.Client) marketplace.Order {
	t.Helper()
	orders, _, err := importAll(t, c, marketplace.OrderQuery{Window: marketplace.Window{From: t0.Add(-7 * 24 * time.Hour), To: t0}, Statuses: []string{amazon.StatusUnshipped}})
	if err != nil {
		t.Fatal(err)
	}
	if len(orders) == 0 {
		t.Fatal("the demo seller has no Unshipped order")
	}
	return orders[0]
}

func TestPushShipmentConfirmsOnAmazon(t *testing.T) {
	e := newEnv(t)
	c := e.client(demoCreds(), "")
	o := unshippedOrder(t, c)
	var lines []marketplace.ShipmentLine
	for _, l := range o.Lines {
		lines = append(lines, marketplace.ShipmentLine{LineID: l.LineID, Quantity: l.Quantity})
	}
	s := marketplace.ShipmentResult{OrderNumber: o.Number, ShipDate: t0, CarrierCode: "YAMATO", ShipMethod: "宅急便",
		Packages: []marketplace.Package{
			{TrackingNumber: "123456789012", Lines: lines},
			{TrackingNumber: "999999999999"}, // Amazon takes the first tracking number only
		}}

	// The body we build must satisfy the v0 model.
	req, err := c.ConfirmRequest(s, nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(req)
	if err := model(t, "ordersV0.json").ValidateBody("confirmShipment", body); err != nil {
		t.Fatalf("confirmShipment body against ordersV0.json: %v\n%s", err, body)
	}

	rec, err := c.PushShipments(context.Background(), []marketplace.ShipmentResult{s})
	if err != nil || len(rec.Results) != 1 || !rec.Results[0].OK {
		t.Fatalf("push: %v %+v", err, rec)
	}
	got := e.sim.Shipments(amazonsim.DemoSellerID)
	if len(got) != 1 || got[0].OrderID != o.Number || got[0].Request.PackageDetail.TrackingNumber != "123456789012" {
		t.Fatalf("simulator recorded %+v", got)
	}
	after, err := c.FetchOrders(context.Background(), []string{o.Number})
	if err != nil || after[0].Status != amazon.StatusShipped {
		t.Fatalf("after confirmShipment the order is %v (%v)", after[0].Status, err)
	}

	// A rejected order is that order's result, not a failed run.
	bad := s
	bad.CarrierCode, bad.CarrierName = "Other", ""
	rec, err = c.PushShipments(context.Background(), []marketplace.ShipmentResult{bad})
	if err != nil || rec.Results[0].OK || rec.Results[0].Code == "" {
		t.Fatalf("Other without a name must be rejected per order: %v %+v", err, rec)
	}
}

func TestPushStockThroughListingsFeed(t *testing.T) {
	e := newEnv(t)
	c := e.client(demoCreds(), amazonsim.DemoSellerID)
	days := 3
	updates := []marketplace.StockUpdate{
		{SKU: "SKU-001-1", Quantity: 12, HandlingDays: &days},
		{SKU: "SKU-002-1", Quantity: 0},
		{SKU: "NO-SUCH-SKU", Quantity: 5},
		{SKU: "SKU-003-1", Unlimited: true},
	}
	docs, rejected, err := amazon.ListingsFeedDocument(amazonsim.DemoSellerID, updates)
	if err != nil || len(docs) != 1 || len(rejected) != 1 {
		t.Fatalf("docs %d rejected %d: %v", len(docs), len(rejected), err)
	}
	if err := model(t, "listings-feed-schema-v2.json").ValidateDocument(docs[0]); err != nil {
		t.Fatalf("JSON_LISTINGS_FEED document against listings-feed-schema-v2.json: %v\n%s", err, docs[0])
	}

	ctx := context.Background()
	rec, err := c.PushStock(ctx, updates)
	if err != nil || !rec.Pending || rec.RequestID == "" {
		t.Fatalf("push: %v %+v", err, rec)
	}
	out, err := c.FeedResult(ctx, rec.RequestID)
	if err != nil || out.Done {
		t.Fatalf("a fresh feed must still be processing: %v %+v", err, out)
	}
	e.clock.Advance(2 * time.Minute)
	out, err = c.FeedResult(ctx, rec.RequestID)
	if err != nil || !out.Done {
		t.Fatalf("feed not done after 2 minutes: %v %+v", err, out)
	}
	if len(out.Results) != 1 || out.Results[0].OK || out.Results[0].Key != "NO-SUCH-SKU" {
		t.Fatalf("want one error for the unknown SKU, got %+v", out.Results)
	}
	if q, ok := e.sim.Stock(amazonsim.DemoSellerID, "SKU-001-1"); !ok || q != 12 {
		t.Fatalf("stock not applied: %d %v", q, ok)
	}

	// The request bodies of the submission follow the Feeds model.
	feeds := model(t, "feeds_2021-06-30.json")
	for _, op := range []string{"createFeedDocument", "createFeed"} {
		calls := e.recorded(op)
		if len(calls) != 1 {
			t.Fatalf("%s called %d times", op, len(calls))
		}
		if err := feeds.ValidateBody(op, []byte(calls[0].RequestSummary)); err != nil {
			t.Errorf("%s body: %v", op, err)
		}
		if calls[0].Status != map[string]int{"createFeedDocument": 201, "createFeed": 202}[op] {
			t.Errorf("%s answered %d", op, calls[0].Status)
		}
	}
}

// The schema checker must reject what Amazon would: otherwise the test
// above proves nothing.
func TestListingsSchemaCheckRejectsBadDocuments(t *testing.T) {
	schema := model(t, "listings-feed-schema-v2.json")
	example, err := contracttest.Load("listings-feed-schema-v2.example.json")
	if err != nil {
		t.Fatal(err)
	}
	good, _ := json.Marshal(example.Root)
	if err := schema.ValidateDocument(good); err != nil {
		t.Fatalf("Amazon's own example rejected: %v", err)
	}
	bad := []string{
		`{"header":{"sellerId":"A","version":"2.0"},"messages":[{"messageId":0,"sku":"X","operationType":"PATCH","productType":"PRODUCT","patches":[{"op":"replace","path":"/attributes/fulfillment_availability","value":[{"fulfillment_channel_code":"DEFAULT","quantity":1}]}]}]}`,
		`{"header":{"sellerId":"A","version":"2.0"},"messages":[{"messageId":1,"sku":"X","operationType":"PATCH","patches":[{"op":"replace","path":"/a"}]}]}`,
		`{"header":{"sellerId":"A","version":"1.0"},"messages":[{"messageId":1,"sku":"X","operationType":"DELETE"}]}`,
		`{"header":{"sellerId":"A","version":"2.0"},"messages":[]}`,
		`{"header":{"sellerId":"A","version":"2.0"},"messages":[{"messageId":1,"sku":"X","operationType":"DELETE","productType":"P"}]}`,
	}
	for _, b := range bad {
		if schema.ValidateDocument([]byte(b)) == nil {
			t.Errorf("accepted an invalid document: %s", b)
		}
	}
}

func TestSearchRequestsMatchTheModel(t *testing.T) {
	e := newEnv(t)
	c := e.client(demoCreds(), "")
	from := t0.Add(-3 * 24 * time.Hour)
	if _, _, err := importAll(t, c, marketplace.OrderQuery{Window: marketplace.Window{From: from, To: t0}, PageSize: 50}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := importAll(t, c, marketplace.OrderQuery{Window: marketplace.Window{From: from, To: t0}, DateKind: marketplace.ByUpdate}); err != nil {
		t.Fatal(err)
	}
	orders, _, _ := importAll(t, c, marketplace.OrderQuery{Window: marketplace.Window{From: from, To: t0}})
	if _, err := c.FetchOrders(context.Background(), []string{orders[0].Number}); err != nil {
		t.Fatal(err)
	}
	m := model(t, "orders_2026-01-01.json")
	for _, op := range []string{"searchOrders", "getOrder"} {
		calls := e.recorded(op)
		if len(calls) == 0 {
			t.Fatalf("no %s call recorded", op)
		}
		for _, call := range calls {
			if err := m.ValidateQuery(op, query(t, call)); err != nil {
				t.Errorf("%s %s: %v", op, call.URL, err)
			}
		}
	}
	// And the checker does catch a wrong parameter.
	bad := query(t, e.recorded("searchOrders")[0])
	bad.Set("fulfillmentStatuses", "Unshipped") // v0 spelling
	bad.Set("MaxResultsPerPage", "100")
	if m.ValidateQuery("searchOrders", bad) == nil {
		t.Error("query checker accepted v0 names")
	}
}
