package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/renkei-oss/renkei/handlers/handlertest"
)

// 「絞り込み条件に一致する全件に実行」 acts on every matching order, not just
// the page shown, after a confirmation that shows the count; a count that
// moved meanwhile is confirmed again.
func TestBulkActionOnAllMatchingTheFilter(t *testing.T) {
	app := handlertest.New(t)
	conn := testChannel(t, app, "楽天市場 本店")
	other := testChannel(t, app, "楽天市場 2号店")
	insert := func(connID int64, no, status string) {
		t.Helper()
		if _, err := app.DB.Exec(`INSERT INTO ship_orders (connection_id, marketplace, channel_order_no, status, api_status, payment_status, ordered_at)
			VALUES ($1, 'rakuten', $2, $3, 'unlinked', 'paid', now() - $4 * interval '1 minute')`, connID, no, status, len(no)); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 60 { // more than one page of 50
		insert(conn, fmt.Sprintf("400001-20261101-%07d", i), "ready")
	}
	insert(conn, "400001-20261101-held", "awaiting_payment")
	insert(other, "400002-20261101-0000001", "ready")
	filter := url.Values{"status": {"ready"}, "connection": {strconv.FormatInt(conn, 10)}}

	list := app.Get(t, app.Operator, "/ship-orders?"+filter.Encode())
	if n := list.Doc.Find("#ship-orders tbody tr").Length(); n != 50 {
		t.Fatalf("%d rows on the first page", n)
	}
	if got := list.Text("#bulk-all"); !strings.Contains(got, "全60件") {
		t.Errorf("bulk-all button says %q", got)
	}
	hidden := map[string]string{}
	list.Doc.Find(`#bulk-form input[type=hidden]`).Each(func(_ int, s *goquerySel) {
		hidden[s.AttrOr("name", "")] = s.AttrOr("value", "")
	})
	if hidden["filter_status"] != "ready" || hidden["filter_connection"] != strconv.FormatInt(conn, 10) {
		t.Fatalf("the bulk form does not carry the filter: %v", hidden)
	}

	form := url.Values{"action": {"hold"}, "status": {"hold"}, "reason": {"在庫確認"}, "scope": {"filter"}}
	for k, v := range hidden {
		form.Set(k, v)
	}
	held := func() int {
		var n int
		app.DB.Get(&n, `SELECT count(*) FROM ship_orders WHERE status = 'hold' AND hold_reason = '在庫確認'`)
		return n
	}
	confirm := app.PostForm(t, app.Operator, "/ship-orders/bulk", form)
	confirm.WantStatus(t, http.StatusOK)
	if got := confirm.Text("#bulk-confirm-count"); got != "60件" {
		t.Fatalf("confirmation count %q, want 60件", got)
	}
	if got := confirm.Text("#bulk-confirm-filter"); !strings.Contains(got, "出荷待ち") || !strings.Contains(got, "楽天市場 本店") {
		t.Errorf("confirmation does not show the filter: %q", got)
	}
	if n := held(); n != 0 {
		t.Fatalf("%d orders held before the confirmation", n)
	}

	// One more order matches before the operator confirms: asked again.
	insert(conn, "400001-20261101-late", "ready")
	form.Set("confirm", confirm.Doc.Find(`#bulk-confirm-form input[name=confirm]`).AttrOr("value", ""))
	again := app.PostForm(t, app.Operator, "/ship-orders/bulk", form)
	again.WantStatus(t, http.StatusOK)
	if again.Doc.Find("#bulk-count-changed").Length() != 1 || again.Text("#bulk-confirm-count") != "61件" {
		t.Fatalf("changed count not confirmed again: %q", again.Text("main"))
	}
	if n := held(); n != 0 {
		t.Fatalf("%d orders held on a stale confirmation", n)
	}

	form.Set("confirm", "61")
	res := app.PostForm(t, app.Operator, "/ship-orders/bulk", form)
	res.WantStatus(t, http.StatusSeeOther)
	loc, _ := url.Parse(res.Header.Get("Location"))
	if loc.Path != "/ship-orders" || loc.Query().Get("status") != "ready" || loc.Query().Get("done") != "61件中61件の保留にしました。" {
		t.Errorf("redirect to %s", loc)
	}
	if n := held(); n != 61 {
		t.Errorf("%d orders held, want 61", n)
	}
	var untouched int
	app.DB.Get(&untouched, `SELECT count(*) FROM ship_orders WHERE channel_order_no IN ('400001-20261101-held', '400002-20261101-0000001') AND hold_reason = ''`)
	if untouched != 2 {
		t.Errorf("orders outside the filter changed (%d of 2 untouched)", untouched)
	}
	var events int
	app.DB.Get(&events, `SELECT count(*) FROM ship_order_events WHERE actor = $1 AND message = '保留: 在庫確認'`, handlertest.OperatorName)
	if events != 61 {
		t.Errorf("%d history events, want 61", events)
	}
}
