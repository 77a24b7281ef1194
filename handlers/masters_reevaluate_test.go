package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/handlers/handlertest"
	"github.com/renkei-oss/renkei/jobs/orderimport"
	"github.com/renkei-oss/renkei/marketplace/registry"
	"github.com/renkei-oss/renkei/marketplace/sandbox"
)

// testChannel creates a connection for tests that only need a real
// connection id to hang masters rows on (they reference connections).
func testChannel(t *testing.T, app *handlertest.App, name string) int64 {
	t.Helper()
	c := domain.NewConnection(domain.MarketplaceRakuten, time.Now())
	c.ChannelName = name
	c.ShipFromID = createShipFrom(t, app, name+" 倉庫")
	c.Secrets[domain.FieldRakutenServiceSecret] = "SP-test"
	c.Secrets[domain.FieldRakutenLicenseKey] = "SL-test"
	if err := app.Store.CreateConnection(context.Background(), appBox(t), c); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// Saving the missing payment-name mapping on 支払方法マスタ releases the
// orders held for it, without a separate 再評価.
func TestPaymentMappingSaveReleasesHeldOrders(t *testing.T) {
	var sb *sandbox.Server
	app := handlertest.New(t, withSandbox(&sb))
	conn := importFixture(t, app, sb)
	ctx := context.Background()
	runner := &orderimport.Runner{Store: app.Store, Searcher: orderimport.Searchers(registry.Clients{})}
	if _, err := runner.Run(ctx, conn, domain.ImportRequest{Mode: domain.ImportDiff}, "テスト"); err != nil {
		t.Fatal(err)
	}
	heldFor := func() int {
		var n int
		if err := app.DB.Get(&n, `SELECT count(*) FROM ship_orders WHERE connection_id = $1 AND status = 'hold' AND hold_reason LIKE '%銀行振込%'`, conn.ID); err != nil {
			t.Fatal(err)
		}
		return n
	}
	held := heldFor()
	if held == 0 {
		t.Fatal("no order held for the unmapped 銀行振込")
	}
	var pm int64
	if err := app.DB.Get(&pm, `SELECT id FROM payment_methods WHERE name = '銀行振込'`); err != nil {
		t.Fatal(err)
	}
	form := url.Values{"connection_id": {strconv.FormatInt(conn.ID, 10)}, "channel_name": {"銀行振込"}, "payment_method_id": {strconv.FormatInt(pm, 10)}}
	app.PostForm(t, app.Admin, "/settings/payment-method-mappings", form).WantRedirect(t, "/settings/payment-methods")
	if n := heldFor(); n != 0 {
		t.Fatalf("%d of %d orders still held for 銀行振込 after saving its mapping", n, held)
	}
	var mapped int
	app.DB.Get(&mapped, `SELECT count(*) FROM ship_orders WHERE connection_id = $1 AND payment_name = '銀行振込' AND payment_method_id = $2`, conn.ID, pm)
	if mapped != held {
		t.Errorf("%d orders carry 銀行振込 → %d, want %d", mapped, pm, held)
	}
	var events int
	app.DB.Get(&events, `SELECT count(*) FROM ship_order_events e JOIN ship_orders o ON o.id = e.ship_order_id
		WHERE o.connection_id = $1 AND e.kind = $2 AND e.actor = $3`, conn.ID, domain.EventReleased, handlertest.AdminName)
	if events != held {
		t.Errorf("%d release events by %s, want %d", events, handlertest.AdminName, held)
	}
	page := app.Get(t, app.Admin, "/settings/payment-methods")
	if !strings.Contains(page.Body, "再評価で "+strconv.Itoa(held)+"件") {
		t.Errorf("the flash does not say how many were released:\n%s", page.Text("main"))
	}
}

// A mapping for a channel that no longer exists is refused with a message,
// not a server error.
func TestMappingForUnknownChannelRefused(t *testing.T) {
	app := handlertest.New(t)
	gone := testChannel(t, app, "楽天市場 旧店")
	if err := app.Store.DeleteConnection(context.Background(), gone); err != nil {
		t.Fatal(err)
	}
	ds, err := app.Store.DeliveryServices(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	res := app.PostForm(t, app.Admin, "/settings/delivery-method-mappings", url.Values{"connection_id": {strconv.FormatInt(gone, 10)},
		"channel_name": {"宅配便"}, "delivery_service_id": {strconv.FormatInt(ds[0].ID, 10)}})
	res.WantStatus(t, http.StatusUnprocessableEntity)
	if !strings.Contains(res.Body, "販売チャネルが見つかりません") {
		t.Errorf("no message for the unknown channel:\n%s", res.Text("main"))
	}
}
