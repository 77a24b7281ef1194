package futureshop_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/futureshop"
	"github.com/renkei-oss/renkei/marketplace/sandbox/futureshopsim"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
)

func TestPushShipmentsMarksShipped(t *testing.T) {
	e := newEnv(t, 0)
	c := e.client(t, nil)
	w := marketplace.Window{From: start.Add(-30 * 24 * time.Hour), To: start}
	orders, _ := collect(t, c, w, futureshop.ShippingNotShipped)
	if len(orders) < 150 {
		t.Fatalf("%d orders", len(orders))
	}
	// 150 shipments: two requests of at most 100.
	var push []marketplace.ShipmentResult
	for _, o := range orders[:150] {
		push = append(push, marketplace.ShipmentResult{OrderNumber: o.Number, DestinationID: o.Lines[0].DestinationID, ShipDate: start,
			Packages: []marketplace.Package{{TrackingNumber: "4321-" + o.Number}}})
	}
	push = append(push, marketplace.ShipmentResult{OrderNumber: "999999999999", ShipDate: start, Packages: []marketplace.Package{{TrackingNumber: "1"}}})
	before := e.paths.get(futureshop.PathShipping)
	receipt, err := c.PushShipments(context.Background(), push)
	if err != nil {
		t.Fatal(err)
	}
	if n := e.paths.get(futureshop.PathShipping) - before; n != 2 {
		t.Fatalf("%d 発送API requests for 151 orders, want 2", n)
	}
	if len(receipt.Results) != 151 {
		t.Fatalf("%d results", len(receipt.Results))
	}
	for i, r := range receipt.Results[:150] {
		if !r.OK || r.Key != push[i].OrderNumber || r.Index != i {
			t.Fatalf("result %d = %+v", i, r)
		}
	}
	if last := receipt.Results[150]; last.OK || last.Code != futureshop.CodeNotFound || last.Index != 150 {
		t.Fatalf("unknown order result = %+v", last)
	}
	// The shipped ones leave 未発送 and carry the tracking number.
	left, _ := collect(t, c, w, futureshop.ShippingNotShipped)
	shipped, _ := collect(t, c, w, futureshop.ShippingShipped)
	if len(left) != len(orders)-150 || len(shipped) != 150 {
		t.Fatalf("%d still not shipped, %d shipped", len(left), len(shipped))
	}
	if !strings.Contains(string(shipped[0].RawPayload), `"invoiceNo":"4321-`) || !strings.Contains(string(shipped[0].RawPayload), `"shippingDate":"2026-11-20"`) {
		t.Fatalf("shipped order: %s", shipped[0].RawPayload)
	}
	// Pushing again changes nothing and succeeds (absolute values).
	if r, err := c.PushShipments(context.Background(), push[:1]); err != nil || !r.Results[0].OK {
		t.Fatalf("repeat: %+v %v", r, err)
	}
	// Refused before sending: an order number over 12 bytes.
	_, err = c.PushShipments(context.Background(), []marketplace.ShipmentResult{{OrderNumber: "1234567890123"}})
	if me, ok := err.(*marketplace.Error); !ok || me.Kind != marketplace.InvalidRequest || me.Field == "" {
		t.Fatalf("long order number: %v", err)
	}
}

func TestPushStockAndFetchProducts(t *testing.T) {
	e := newEnv(t, 0)
	c := e.client(t, nil)
	// 在庫検索 pages through the catalogue with nextUrl.
	var products []marketplace.Product
	q := marketplace.ProductQuery{}
	pages := 0
	for {
		page, err := c.FetchProducts(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		products = append(products, page.Products...)
		pages++
		if page.Done {
			break
		}
		q.Cursor = page.NextCursor
	}
	catalog := kit.NewGen(0, start).Catalog()
	if len(products) != len(catalog) || pages != 2 {
		t.Fatalf("%d products in %d pages, want %d in 2", len(products), pages, len(catalog))
	}
	p := products[0]
	if len(p.Variants) == 0 || p.Variants[0].SKU == "" || p.Variants[0].JAN == "" || p.Variants[0].OptionCode != "01" {
		t.Fatalf("product %+v", p)
	}
	// 在庫更新: absolute counts, one product per request row, unknown ones refused.
	updates := []marketplace.StockUpdate{
		{ItemCode: p.ItemCode, OptionCode: "01", Quantity: 42},
		{ItemCode: products[1].ItemCode, OptionCode: "01", Unlimited: true},
		{ItemCode: "no-such-item", OptionCode: "01", Quantity: 1},
		{ItemCode: products[2].ItemCode, OptionCode: "77", Quantity: 1},
	}
	receipt, err := c.PushStock(context.Background(), updates)
	if err != nil {
		t.Fatal(err)
	}
	want := []bool{true, true, false, false}
	for i, r := range receipt.Results {
		if r.OK != want[i] || r.Key != updates[i].ItemCode {
			t.Fatalf("result %d = %+v", i, r)
		}
	}
	if n, _ := e.sim.Stock(futureshopsim.DemoShopKey, p.ItemCode, "01"); n != 42 {
		t.Fatalf("stock %d, want 42", n)
	}
	if n, _ := e.sim.Stock(futureshopsim.DemoShopKey, products[1].ItemCode, "01"); n != futureshop.MaxStock {
		t.Fatalf("unlimited stock %d", n)
	}
	if _, err := c.PushStock(context.Background(), []marketplace.StockUpdate{{ItemCode: "has space", Quantity: 1}}); marketplace.KindOf(err) != marketplace.InvalidRequest {
		t.Fatalf("productNo with a space: %v", err)
	}
	// A forged cursor elsewhere is refused before any call.
	if _, err := c.FetchProducts(context.Background(), marketplace.ProductQuery{Cursor: "https://evil.example/admin-api/v1/inventory?cursor=x"}); marketplace.KindOf(err) != marketplace.Malformed {
		t.Fatalf("foreign cursor: %v", err)
	}
}
