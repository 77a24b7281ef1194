package handlers_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/handlers/handlertest"
	"github.com/renkei-oss/renkei/marketplace/sandbox"
)

// A real browser walks 在庫 end to end: 在庫アップロード of every SKU,
// フリー在庫数 on 在庫一覧, an import from the Rakuten sandbox whose orders
// become 引当済 with 引当数 following, a cancel released in 在庫履歴, and
// a 手動調整 that leaves a waiting order 「在庫不足: SKU あとN個」.
func TestBrowserStockFlow(t *testing.T) {
	var sb *sandbox.Server
	app := handlertest.New(t, withSandbox(&sb))
	importFixture(t, app, sb)
	var skus []string
	if err := app.DB.Select(&skus, `SELECT sku FROM products ORDER BY sku`); err != nil || len(skus) == 0 {
		t.Fatalf("products %v: %v", skus, err)
	}
	var csv strings.Builder
	csv.WriteString("商品コード,数量,理由\n")
	for _, s := range skus {
		csv.WriteString(s + ",100,初期棚卸\n")
	}
	file := filepath.Join(t.TempDir(), "stock.csv")
	if err := os.WriteFile(file, []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	b := handlertest.OpenBrowser(t)
	b.Login(app, handlertest.OperatorName, handlertest.OperatorPassword)

	// 在庫アップロード, 上書き（棚卸）: preview, then 反映.
	b.Navigate(app.URL + "/stock/upload")
	b.UploadFile("#upload-file", file)
	b.Click("#mode-overwrite")
	b.ClickAndWait(`form[action="/stock/upload"] button[type="submit"]`)
	if got := b.Text("#count-changed"); got != strconv.Itoa(len(skus)) {
		t.Fatalf("preview: 変更 %q, want %d", got, len(skus))
	}
	screenshot(t, b, "stock-upload-preview")
	b.ClickAndWait("#apply-upload")
	if flash := b.Text(".flash"); !strings.Contains(flash, "在庫に反映しました（"+strconv.Itoa(len(skus))+"SKU）") {
		t.Fatalf("after 反映: %q", flash)
	}
	cell := func(sku, class string) string {
		return b.Text(`#stock-list tr[data-sku="` + sku + `"] .` + class)
	}
	b.Navigate(app.URL + "/stock?q=" + skus[0])
	if cell(skus[0], "st-on-hand") != "100" || cell(skus[0], "st-free") != "100" {
		t.Fatalf("%s before the import: 実在庫数 %q フリー在庫数 %q", skus[0], cell(skus[0], "st-on-hand"), cell(skus[0], "st-free"))
	}
	screenshot(t, b, "stock-list-uploaded")

	// 出荷指示取込: the run is 完了 once its orders are allocated.
	b.Navigate(app.URL + "/ship-orders/import")
	b.Click("#import-submit")
	waitFor(t, b, "the import to finish", `!!document.querySelector('#import-run-progress') && document.querySelector('#import-run-progress').dataset.state === 'done'`)
	b.Navigate(app.URL + "/ship-orders?status=" + string(domain.StatusAllocated))
	m := regexp.MustCompile(`^全(\d+)件$`).FindStringSubmatch(b.Text("#ship-order-total"))
	if m == nil || m[1] == "0" {
		t.Fatalf("引当済 after the import: %q", b.Text("#ship-order-total"))
	}
	screenshot(t, b, "ship-orders-allocated")
	rowID := strings.TrimPrefix(strings.Trim(b.Eval(`document.querySelector('#ship-orders tbody tr').id`), `"`), "ship-order-")
	cancelled, _ := strconv.ParseInt(rowID, 10, 64)
	sku, qty := firstLine(t, app, cancelled)
	b.Navigate(app.URL + "/ship-orders/" + rowID)
	if st := b.Text("#detail-status"); st != "引当済" {
		t.Fatalf("order %s: status %q", rowID, st)
	}

	// The figures moved: 引当数 is what the 引当済 orders hold.
	fig := func(id string) int {
		t.Helper()
		n, err := strconv.Atoi(b.Text("#fig-" + id))
		if err != nil {
			t.Fatalf("#fig-%s: %v", id, err)
		}
		return n
	}
	b.Navigate(app.URL + "/stock/items?sku=" + sku)
	held := heldUnits(t, app, sku)
	allocated, unshipped := fig("allocated"), fig("unshipped")
	if allocated != held || allocated < qty || fig("on-hand") != 100 || fig("free") != max(100-allocated-unshipped-fig("safety"), 0) {
		t.Fatalf("%s: 実在庫数 %d 引当数 %d (held %d) 未出荷予約数 %d フリー在庫数 %d", sku, fig("on-hand"), allocated, held, unshipped, fig("free"))
	}
	if k := b.Text("#stock-ledger tbody tr .led-kind"); k != "引当" {
		t.Fatalf("newest 在庫履歴 row of %s: %q", sku, k)
	}

	// Cancel the order from 出荷リスト: its units come back as 引当解除.
	b.Navigate(app.URL + "/ship-orders?status=" + string(domain.StatusAllocated))
	b.Click("#sel-" + rowID)
	setSelect(b, "#bulk-action", "status")
	setSelect(b, "#bulk-status", string(domain.StatusCancelled))
	b.ClickAndWait("#bulk-submit")
	if res := b.Text("#bulk-result"); !strings.Contains(res, "1件中1件") {
		t.Fatalf("cancel: %q", res)
	}
	b.Navigate(app.URL + "/stock/items?sku=" + sku)
	if got := fig("allocated"); got != allocated-qty {
		t.Fatalf("%s after the cancel: 引当数 %d, want %d", sku, got, allocated-qty)
	}
	newest := "#stock-ledger tbody tr:first-child "
	if k, d, src := b.Text(newest+".led-kind"), b.Text(newest+".led-delta"), b.Text(newest+"td:last-child"); k != "引当解除" ||
		d != "引当数 -"+strconv.Itoa(qty) || src != "出荷指示 "+rowID {
		t.Fatalf("newest 在庫履歴 row: %q %q %q", k, d, src)
	}
	screenshot(t, b, "stock-history-released")

	// 手動調整 down to what is held: the order released by 引当解除 waits,
	// and the allocation after the adjustment says what it lacks.
	waiting, wsku, wqty := deallocateOne(t, app, b)
	b.Navigate(app.URL + "/stock/items?sku=" + wsku)
	b.Fill("#adjust-delta", strconv.Itoa(-fig("allocatable")))
	b.Fill("#adjust-reason", "破損")
	b.ClickAndWait("#adjust-submit")
	if got := fig("allocatable"); got != 0 {
		t.Fatalf("%s after 手動調整: 引当可能数 %d\n%s", wsku, got, b.Text(".flash"))
	}
	want := "在庫不足: " + wsku + " あと" + strconv.Itoa(wqty) + "個"
	b.Navigate(app.URL + "/ship-orders/" + waiting)
	if st, r := b.Text("#detail-status"), b.Text("#detail-stock-shortage"); st != "出荷待ち" || r != want {
		t.Fatalf("order %s: %q %q, want 出荷待ち %q", waiting, st, r, want)
	}
	b.Navigate(app.URL + "/ship-orders?status=" + string(domain.StatusReady))
	if r := b.Text("#ship-order-" + waiting + " .so-shortage"); r != want {
		t.Fatalf("出荷リスト reason %q, want %q", r, want)
	}
	screenshot(t, b, "ship-orders-shortage")
}

// firstLine is an order's first SKU (in SKU order) and its quantity.
func firstLine(t *testing.T, app *handlertest.App, id int64) (string, int) {
	t.Helper()
	var l struct {
		SKU string `db:"sku"`
		Q   int    `db:"q"`
	}
	if err := app.DB.Get(&l, `SELECT sku, sum(quantity) AS q FROM ship_order_lines WHERE ship_order_id = $1
		GROUP BY sku ORDER BY sku LIMIT 1`, id); err != nil {
		t.Fatal(err)
	}
	return l.SKU, l.Q
}

// heldUnits sums a SKU over the lines of 引当済 orders.
func heldUnits(t *testing.T, app *handlertest.App, sku string) int {
	t.Helper()
	var n int
	if err := app.DB.Get(&n, `SELECT coalesce(sum(l.quantity), 0) FROM ship_order_lines l
		JOIN ship_orders o ON o.id = l.ship_order_id WHERE o.status = 'allocated' AND l.sku = $1`, sku); err != nil {
		t.Fatal(err)
	}
	return n
}

// deallocateOne takes the newest 引当済 order back to 出荷待ち with 引当解除
// on 出荷リスト and returns its id, first SKU and that SKU's quantity.
func deallocateOne(t *testing.T, app *handlertest.App, b *handlertest.Browser) (string, string, int) {
	t.Helper()
	b.Navigate(app.URL + "/ship-orders?status=" + string(domain.StatusAllocated))
	id := strings.TrimPrefix(strings.Trim(b.Eval(`document.querySelector('#ship-orders tbody tr').id`), `"`), "ship-order-")
	b.Click("#sel-" + id)
	setSelect(b, "#bulk-action", "deallocate")
	b.ClickAndWait("#bulk-submit")
	if res := b.Text("#bulk-result"); !strings.Contains(res, "1件中1件の引当を解除しました") {
		t.Fatalf("引当解除: %q", res)
	}
	n, _ := strconv.ParseInt(id, 10, 64)
	sku, q := firstLine(t, app, n)
	return id, sku, q
}
