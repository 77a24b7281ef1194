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
)

// allocatedOrder makes a 引当済 order of one SKU in stock, optionally with
// a Yamato 問番.
func allocatedOrder(t *testing.T, app *handlertest.App, conn int64, no, sku string, qty int, tracking string) int64 {
	t.Helper()
	ctx := context.Background()
	if _, err := app.DB.Exec(`INSERT INTO products (sku, name, jan) VALUES ($1, $2, '') ON CONFLICT DO NOTHING`, sku, "商品 "+sku); err != nil {
		t.Fatal(err)
	}
	if err := app.Store.AdjustStock(ctx, sku, qty, "入荷", "admin"); err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := app.DB.Get(&id, `INSERT INTO ship_orders (connection_id, marketplace, channel_order_no, status, api_status, payment_status, ordered_at)
		VALUES ($1, 'rakuten', $2, 'ready', 'unlinked', 'paid', now()) RETURNING id`, conn, no); err != nil {
		t.Fatal(err)
	}
	if _, err := app.DB.Exec(`INSERT INTO ship_order_lines (ship_order_id, line_no, item_code, sku, name, quantity, unit_price)
		VALUES ($1, 1, $2, $2, $3, $4, 1000)`, id, sku, "商品 "+sku, qty); err != nil {
		t.Fatal(err)
	}
	if res, err := app.Store.Allocate(ctx, []int64{id}, "引当"); err != nil || res.Allocated != 1 {
		t.Fatalf("allocate %s: %+v %v", no, res, err)
	}
	if tracking != "" {
		var yamato int64
		if err := app.DB.Get(&yamato, `SELECT id FROM carriers WHERE name = 'ヤマト運輸'`); err != nil {
			t.Fatal(err)
		}
		if err := app.Store.AddParcel(ctx, id, yamato, tracking, "operator"); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

// 出荷確定 on the order page refuses an order without 問番 by name, ships
// one with a number (出荷日 = today in Japan, stock out), and only an
// admin sees and may use 出荷取消, which puts status and stock back.
func TestShipmentOnTheOrderPage(t *testing.T) {
	app := handlertest.New(t)
	conn := testChannel(t, app, "楽天市場 本店")
	bare := allocatedOrder(t, app, conn, "400001-20261101-0000001", "SKU-A", 2, "")
	page := "/ship-orders/" + strconv.FormatInt(bare, 10)
	follow := func(res *handlertest.Response) string {
		t.Helper()
		res.WantStatus(t, http.StatusSeeOther)
		return app.Get(t, app.Operator, res.Header.Get("Location")).Text("#shipment-result")
	}
	msg := follow(app.PostForm(t, app.Operator, page+"/ship", nil))
	if msg != "注文番号「400001-20261101-0000001」は問番が登録されていないため出荷確定できません。" {
		t.Fatalf("出荷確定 without 問番: %q", msg)
	}

	id := allocatedOrder(t, app, conn, "400001-20261101-0000002", "SKU-B", 3, "123456789013")
	page = "/ship-orders/" + strconv.FormatInt(id, 10)
	if msg := follow(app.PostForm(t, app.Operator, page+"/ship", nil)); msg != "出荷確定しました。" {
		t.Fatalf("出荷確定: %q", msg)
	}
	got := app.Get(t, app.Operator, page)
	today := app.Clock.Now().In(time.FixedZone("JST", 9*3600)).Format(time.DateOnly)
	if s, d := got.Text("#detail-status"), got.Text("#detail-ship-date"); s != "出荷済み" || d != today {
		t.Fatalf("after 出荷確定: %s %s, want 出荷済み %s", s, d, today)
	}
	if got.Doc.Find("#cancel-shipment").Length() != 0 {
		t.Fatal("an operator is offered 出荷取消")
	}
	if l, _ := app.Store.StockLevel(context.Background(), "SKU-B"); l.OnHand != 0 || l.Allocated != 0 {
		t.Fatalf("SKU-B after 出荷確定 %+v", l)
	}
	app.PostForm(t, app.Operator, page+"/unship", nil).WantStatus(t, http.StatusForbidden)

	if app.Get(t, app.Admin, page).Doc.Find("#cancel-shipment").Length() != 1 {
		t.Fatal("an admin is not offered 出荷取消")
	}
	res := app.PostForm(t, app.Admin, page+"/unship", nil)
	res.WantStatus(t, http.StatusSeeOther)
	got = app.Get(t, app.Admin, res.Header.Get("Location"))
	if s, d := got.Text("#detail-status"), got.Text("#detail-ship-date"); s != "引当済" || d != "—" {
		t.Fatalf("after 出荷取消: %s %s", s, d)
	}
	if l, _ := app.Store.StockLevel(context.Background(), "SKU-B"); l.OnHand != 3 || l.Allocated != 3 {
		t.Fatalf("SKU-B after 出荷取消 %+v", l)
	}
}

// 一括操作「出荷確定」 on 出荷リスト ships the chosen orders that may ship,
// names those that may not, and the list shows 出荷日 and 問番.
func TestBulkShipmentFromTheList(t *testing.T) {
	app := handlertest.New(t)
	conn := testChannel(t, app, "楽天市場 本店")
	a := allocatedOrder(t, app, conn, "R-A", "SKU-A", 1, "123456789013")
	b := allocatedOrder(t, app, conn, "R-B", "SKU-B", 1, "")
	form := url.Values{"action": {"ship"}, "id": {strconv.FormatInt(a, 10), strconv.FormatInt(b, 10)}}
	res := app.PostForm(t, app.Operator, "/ship-orders/bulk", form)
	res.WantStatus(t, http.StatusSeeOther)
	got := app.Get(t, app.Operator, res.Header.Get("Location"))
	msg := got.Text("#bulk-result")
	if !strings.HasPrefix(msg, "2件中1件の出荷確定しました") || !strings.Contains(msg, "注文番号「R-B」は問番が登録されていないため出荷確定できません。") {
		t.Fatalf("bulk 出荷確定: %q", msg)
	}
	row := got.Doc.Find("#ship-order-" + strconv.FormatInt(a, 10))
	today := app.Clock.Now().In(time.FixedZone("JST", 9*3600)).Format(time.DateOnly)
	if s, d, n := row.Find(".so-status").Text(), row.Find(".so-ship-date").Text(), row.Find(".so-tracking").Text(); s != "出荷済み" || d != today || n != "123456789013" {
		t.Fatalf("list row: %s %s %s", s, d, n)
	}
	if o, _ := app.Store.ShipOrder(context.Background(), b); o.Status != domain.StatusAllocated {
		t.Fatalf("R-B is %s", o.Status)
	}
}
