package interpark_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/interpark"
	"github.com/renkei-oss/renkei/marketplace/sandbox/interparksim"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
)

func shipment(o marketplace.Order, tracking string) marketplace.ShipmentResult {
	var lines []marketplace.ShipmentLine
	for _, l := range o.Lines {
		lines = append(lines, marketplace.ShipmentLine{LineID: l.LineID, SKU: l.SKU, Quantity: l.Quantity})
	}
	return marketplace.ShipmentResult{OrderNumber: o.Number, ShipDate: start, CarrierCode: "169199",
		Packages: []marketplace.Package{{TrackingNumber: tracking, Lines: lines}}}
}

// delvCompForComm per line: 発送対象 lines ship, a repeat is harmless, a
// 新規注文 or an unknown order is refused per line with Interpark's text.
func TestPushShipments(t *testing.T) {
	e := newEnv(t, 0)
	c := e.client(nil)
	w := marketplace.Window{From: start.Add(-24 * time.Hour), To: start}
	orders, _ := search(t, c, w) // acknowledges them: 発送対象
	if len(orders) < 2 {
		t.Fatalf("%d orders", len(orders))
	}
	first := shipment(orders[0], "6123-4567-8901")
	rec, err := c.PushShipments(context.Background(), []marketplace.ShipmentResult{first})
	if err != nil || len(rec.Results) != len(orders[0].Lines) {
		t.Fatalf("push: %+v %v", rec, err)
	}
	for _, r := range rec.Results {
		if !r.OK || r.Code != interpark.CodeOK {
			t.Fatalf("line result %+v", r)
		}
	}
	got := e.sim.Shipments(interparksim.DemoShopID)
	if len(got) != len(orders[0].Lines) || got[0].Tracking != "612345678901" || got[0].Carrier != "169199" || got[0].Date != "20261120" {
		t.Fatalf("received %+v", got)
	}
	// Shipped orders leave the ship-target list; the others stay.
	after, _ := search(t, c, w)
	if len(after) != len(orders)-1 {
		t.Fatalf("%d ship targets after shipping one of %d", len(after), len(orders))
	}

	// A repeat: 이미 배송처리 counts as done.
	rec, err = c.PushShipments(context.Background(), []marketplace.ShipmentResult{first})
	if err != nil || !rec.Results[0].OK || rec.Results[0].Message != interpark.MsgAlreadyShipped {
		t.Fatalf("repeat: %+v %v", rec, err)
	}

	// Unknown orders and shipments without lines are refused per item.
	unknown := shipment(orders[1], "1234")
	unknown.OrderNumber = "20000101000000999999"
	noLines := marketplace.ShipmentResult{OrderNumber: orders[1].Number, Packages: []marketplace.Package{{TrackingNumber: "1"}}}
	rec, err = c.PushShipments(context.Background(), []marketplace.ShipmentResult{unknown, noLines})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Results[0].OK || rec.Results[0].Message != interpark.MsgNoSuchOrder || rec.Results[0].Index != 0 {
		t.Fatalf("unknown order: %+v", rec.Results[0])
	}
	if last := rec.Results[len(rec.Results)-1]; last.OK || last.Index != 1 {
		t.Fatalf("shipment without lines: %+v", last)
	}
}

// Orders older than 30 days are refused; maintenance stops the push.
func TestPushShipmentsRefusalsAndMaintenance(t *testing.T) {
	e := newEnv(t, 0)
	c := e.client(nil)
	orders, _ := search(t, c, marketplace.Window{From: start.Add(-14 * 24 * time.Hour), To: start})
	e.clock.Advance(20 * 24 * time.Hour)
	old := orders[0] // placed 14 days before start, now 34 days ago
	rec, err := c.PushShipments(context.Background(), []marketplace.ShipmentResult{shipment(old, "1")})
	if err != nil || rec.Results[0].OK || rec.Results[0].Message != interpark.MsgTooOld {
		t.Fatalf("old order: %+v %v", rec, err)
	}
	e.sim.Faults().Set(interparksim.DemoShopID, kit.Fault{Kind: kit.FaultMaintenance})
	_, err = c.PushShipments(context.Background(), []marketplace.ShipmentResult{shipment(orders[len(orders)-1], "2")})
	mustKind(t, err, marketplace.Maintenance)
	if s := e.calls.statuses(interpark.MethodShipComplete); s[len(s)-1] != http.StatusServiceUnavailable {
		t.Fatalf("statuses %v", s)
	}
}
