package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/renkei-oss/renkei/handlers/handlertest"
)

// 問番 by hand on the order page: a malformed number is refused with the
// carrier's rule, a good one is listed and written in 履歴, and 削除 takes it away.
func TestParcelsByHandOnTheOrderPage(t *testing.T) {
	app := handlertest.New(t)
	conn := testChannel(t, app, "楽天市場 本店")
	var id, yamato int64
	if err := app.DB.Get(&id, `INSERT INTO ship_orders (connection_id, marketplace, channel_order_no, status, api_status, payment_status, ordered_at)
		VALUES ($1, 'rakuten', '400001-20261101-0000001', 'allocated', 'unlinked', 'paid', now()) RETURNING id`, conn); err != nil {
		t.Fatal(err)
	}
	if err := app.DB.Get(&yamato, `SELECT id FROM carriers WHERE name = 'ヤマト運輸'`); err != nil {
		t.Fatal(err)
	}
	page := "/ship-orders/" + strconv.FormatInt(id, 10)
	add := func(no string) string {
		t.Helper()
		res := app.PostForm(t, app.Operator, page+"/parcels", url.Values{"carrier_id": {strconv.FormatInt(yamato, 10)}, "tracking_no": {no}})
		res.WantStatus(t, http.StatusSeeOther)
		return app.Get(t, app.Operator, res.Header.Get("Location")).Text("#parcel-result")
	}

	if msg := add("1234-5678-9016"); !strings.Contains(msg, "チェックデジット") {
		t.Fatalf("wrong check digit: %q", msg)
	}
	if msg := add("1234-5678-9013"); msg != "問番「123456789013」（ヤマト運輸）を登録しました。" {
		t.Fatalf("good number: %q", msg)
	}
	if msg := add("123456789013"); !strings.Contains(msg, "すでに登録されています") {
		t.Fatalf("the same number again: %q", msg)
	}
	got := app.Get(t, app.Operator, page)
	if rows := got.Text("#ship-order-parcels tbody"); !strings.Contains(rows, "ヤマト運輸") || !strings.Contains(rows, "123456789013") {
		t.Fatalf("parcels table: %q", rows)
	}
	if h := got.Text("#ship-order-history"); !strings.Contains(h, "ヤマト運輸 123456789013") {
		t.Fatalf("履歴 does not record the number: %q", h)
	}
	action, _ := got.Doc.Find("#ship-order-parcels form").Attr("action")
	app.PostForm(t, app.Operator, action, nil).WantStatus(t, http.StatusSeeOther)
	if n := app.Get(t, app.Operator, page).Doc.Find("#ship-order-parcels").Length(); n != 0 {
		t.Fatal("the parcel is still listed after 削除")
	}
}
