package shopserve_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
	"github.com/renkei-oss/renkei/marketplace/shopserve"
)

// orders returns the store's orders of the last four days.
func orders(t *testing.T, e *env) []marketplace.Order {
	t.Helper()
	b, err := collect(t, e.client(nil), marketplace.OrderQuery{Window: marketplace.Window{From: start.Add(-4 * 24 * time.Hour), To: start.Add(time.Second)}})
	if err != nil {
		t.Fatal(err)
	}
	var out []marketplace.Order
	for _, x := range b {
		out = append(out, x.Orders...)
	}
	return out
}

func TestStatusSnapshotAndFetch(t *testing.T) {
	e := newEnv(t, 80, 3*24*time.Hour, 0)
	all := orders(t, e)
	var serials []string
	var cancelled, paid int
	for _, o := range all {
		serials = append(serials, o.Number)
	}
	got, err := e.client(nil).OrderStatuses(context.Background(), append(serials, "20260101999999"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(all) {
		t.Fatalf("%d snapshots for %d orders (the unknown one is left out)", len(got), len(all))
	}
	for i, s := range got {
		if s.Number != all[i].Number || s.Cancelled != all[i].Cancelled || s.Paid != all[i].Paid || s.Order == nil || s.Shipped {
			t.Fatalf("snapshot %+v for order %+v", s, all[i])
		}
		if s.Cancelled {
			cancelled++
		}
		if s.Paid {
			paid++
		}
	}
	if cancelled == 0 || paid == 0 || paid == len(got) {
		t.Fatalf("a generated store should mix states: %d cancelled, %d paid of %d", cancelled, paid, len(got))
	}
	// More than 100 serial codes are sent in batches of 100.
	e.calls.mu.Lock()
	e.calls.calls = nil
	e.calls.mu.Unlock()
	many := make([]string, 0, 250)
	for len(many) < 250 {
		many = append(many, serials...)
	}
	fetched, err := e.client(nil).FetchOrders(context.Background(), many[:250])
	if err != nil || len(fetched) != 250 || len(e.calls.statuses(shopserve.OpOrderRetrieve)) != 3 {
		t.Fatalf("fetched %d in %d calls: %v", len(fetched), len(e.calls.statuses(shopserve.OpOrderRetrieve)), err)
	}
}

func TestPushShipments(t *testing.T) {
	e := newEnv(t, 80, 3*24*time.Hour, 0)
	var open, cancelled string
	for _, o := range orders(t, e) {
		switch {
		case o.Cancelled && cancelled == "":
			cancelled = o.Number
		case !o.Cancelled && open == "":
			open = o.Number
		}
	}
	ship := func(no, slip, carrier string) marketplace.ShipmentResult {
		return marketplace.ShipmentResult{OrderNumber: no, ShipDate: start, CarrierName: carrier,
			Packages: []marketplace.Package{{TrackingNumber: slip}}}
	}
	rc, err := e.client(nil).PushShipments(context.Background(), []marketplace.ShipmentResult{
		ship(open, "1234-5678-9012", "ヤマト運輸"),
		ship(cancelled, "1234-5678-9013", "佐川急便"),
		ship(open, "12345678901234567890123", "ヤマト運輸"), // too long: refused before sending
		ship(open, "123456789012", "クロネコ"),             // not a ShopServe carrier
	})
	if err != nil {
		t.Fatal(err)
	}
	r := rc.Results
	if len(r) != 4 || !r[0].OK || r[1].OK || r[1].Code != shopserve.CodeInvalidTransition || r[2].OK || !strings.Contains(r[2].Message, "20文字") ||
		r[3].OK || !strings.Contains(r[3].Message, "配送会社") {
		t.Fatalf("results %+v", r)
	}
	got, ok := e.sim.Shipment("test.wc", open)
	if !ok || got.SlipNumber != "1234-5678-9012" || got.DeliveryCompany != "ヤマト運輸" || got.ShippedOn != "2026-11-20" {
		t.Fatalf("the store received %+v", got)
	}
	if n := len(e.calls.statuses(shopserve.OpStatusUpdate)); n != 2 {
		t.Fatalf("%d calls; refusals found locally must not be sent", n)
	}
	snap, err := e.client(nil).OrderStatuses(context.Background(), []string{open})
	if err != nil || len(snap) != 1 || !snap[0].Shipped {
		t.Fatalf("after the push: %+v %v", snap, err)
	}
}

func TestPushStock(t *testing.T) {
	e := newEnv(t, 10, 24*time.Hour, 0)
	cat := kit.NewGen(0, start).Catalog()
	var single, multi kit.Item
	for _, it := range cat {
		if len(it.Variants) == 1 && single.ItemNumber == "" {
			single = it
		}
		if len(it.Variants) > 1 && multi.ItemNumber == "" {
			multi = it
		}
	}
	low := 3
	rc, err := e.client(nil).PushStock(context.Background(), []marketplace.StockUpdate{
		{ItemCode: single.ItemNumber, Quantity: 40, LowStockThreshold: &low},
		{ItemCode: multi.ItemNumber, OptionCode: multi.Variants[1].Options, Quantity: 7},
		{ItemCode: multi.ItemNumber, OptionCode: "色:ない", Quantity: 1},
		{ItemCode: "NO-SUCH-ITEM", Quantity: 1},
		{ItemCode: single.ItemNumber, Unlimited: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := rc.Results
	if len(r) != 5 || !r[0].OK || !r[1].OK || r[2].OK || r[2].Code != shopserve.CodeInvalidParameter || r[3].OK || r[3].Code != shopserve.CodeNotFound || !r[4].OK {
		t.Fatalf("results %+v", r)
	}
	if s, _ := e.sim.Stock("test.wc", multi.ItemNumber, multi.Variants[1].Options); s.Quantity != 7 || s.Unlimited {
		t.Fatalf("option stock %+v", s)
	}
	if s, _ := e.sim.Stock("test.wc", single.ItemNumber, ""); !s.Unlimited {
		t.Fatalf("single stock %+v; the last update said unlimited", s)
	}
}
