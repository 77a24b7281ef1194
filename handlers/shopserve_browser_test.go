package handlers_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/handlers/handlertest"
	"github.com/renkei-oss/renkei/marketplace/sandbox"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
	"github.com/renkei-oss/renkei/marketplace/sandbox/shopservesim"
)

// A real browser registers a ショップサーブ connection against the sandbox,
// presses 接続テスト (first with a re-issued key, then the current one) and
// imports the store's 未確認 orders through 出荷指示取込.
func TestBrowserShopserveRegisterTestImport(t *testing.T) {
	var sb *sandbox.Server
	app := handlertest.New(t, withShopserveSandbox(&sb))
	sf := createShipFrom(t, app, "本社倉庫")
	demo, _ := sb.Simulator("shopserve").(*shopservesim.Sim).ShopCreds(shopservesim.DemoStoreID)
	b := handlertest.OpenBrowser(t)
	b.Login(app, handlertest.AdminName, handlertest.AdminPassword)

	b.Navigate(app.URL + "/settings/connections/new")
	b.ClickAndWait("#choose-shopserve")
	b.Fill("#f-channel", "ショップサーブ 本店")
	setSelect(b, "#f-env", "sandbox")
	waitFor(t, b, "the sandbox URL", `document.querySelector('#f-base-url').value === `+strconv.Quote(app.URL+"/sandbox/shopserve/v2"))
	setSelect(b, "#f-shipfrom", strconv.FormatInt(sf, 10))
	b.Fill("#f-store_id", demo.StoreID)
	b.Fill("#f-manager_key", demo.OldManagerKey)
	b.ClickAndWait(`#connection-form button[type="submit"]`)
	if loc := b.Location(); !strings.Contains(loc, "/settings/connections/") {
		t.Fatalf("after 登録: %s\n%s", loc, b.Text("main"))
	}
	connURL := b.Location()
	id := connURL[strings.LastIndex(connURL, "/")+1:]

	got := pressTestButton(t, b)
	screenshot(t, b, "shopserve-old-key")
	if !strings.HasPrefix(got, "接続に失敗しました（コード: unauthorized）") || !strings.Contains(got, "ショップIDとAPIキー") {
		t.Errorf("re-issued key shows %q", got)
	}

	b.Navigate(connURL + "/edit")
	b.Fill("#f-manager_key", demo.ManagerKey)
	b.ClickAndWait(`#connection-form button[type="submit"]`)
	got = pressTestButton(t, b)
	screenshot(t, b, "shopserve-success")
	if !strings.HasPrefix(got, "接続に成功しました") || !strings.Contains(got, demo.StoreID) {
		t.Fatalf("demo credentials show %q", got)
	}

	// Masters the demo store's orders need: its delivery names, payments, SKUs.
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := app.DB.Exec(q, args...); err != nil {
			t.Fatal(err)
		}
	}
	exec(`INSERT INTO carriers (name) VALUES ('取込テスト運輸')`)
	exec(`INSERT INTO delivery_services (carrier_id, name) SELECT id, '宅急便' FROM carriers WHERE name = '取込テスト運輸'`)
	for _, ch := range []string{"宅配便", "メール便", "クール便", "コンビニ受取"} {
		exec(`INSERT INTO delivery_method_mappings (connection_id, channel_name, delivery_service_id)
			SELECT $1, $2, d.id FROM delivery_services d JOIN carriers c ON c.id = d.carrier_id WHERE c.name = '取込テスト運輸'`, id, ch)
	}
	for name, kind := range map[string]string{"クレジットカード": "credit_card", "PayPay": "credit_card", "代金引換": "cod",
		"銀行振込": "prepaid", "コンビニ(番号端末式)": "prepaid", "後払い": "deferred"} {
		exec(`INSERT INTO payment_methods (name, kind) VALUES ($1, $2)`, "取込テスト "+name, kind)
		exec(`INSERT INTO payment_method_mappings (connection_id, channel_name, payment_method_id)
			SELECT $1, $2, id FROM payment_methods WHERE name = $3`, id, name, "取込テスト "+name)
	}
	for _, it := range kit.NewGen(0, time.Now()).Catalog() {
		for _, v := range it.Variants {
			exec(`INSERT INTO products (sku, name) VALUES ($1, $2) ON CONFLICT DO NOTHING`, v.SKU, it.Name)
		}
	}

	b.Navigate(app.URL + "/ship-orders/import")
	b.WaitVisible("#import-form")
	setSelect(b, "#imp-connection", id)
	b.Click("#import-submit")
	waitFor(t, b, "the progress block", `!!document.querySelector('#import-run-progress')`)
	waitFor(t, b, "the import to finish", `['done','failed'].includes(document.querySelector('#import-run-progress').dataset.state)`)
	screenshot(t, b, "shopserve-import-done")
	if state := b.Text("#import-state"); state != "完了" {
		t.Fatalf("state %q\n%s", state, b.Text("#import-run-progress"))
	}
	created, err := strconv.Atoi(b.Text("#progress-created"))
	if err != nil || created == 0 {
		t.Fatalf("created %q: %v\n%s", b.Text("#progress-created"), err, b.Text("#import-run-progress"))
	}
	b.ClickAndWait("#to-ship-orders")
	if total := b.Text("#ship-order-total"); total != "全"+strconv.Itoa(created)+"件" {
		t.Fatalf("出荷リスト shows %q after %d created", total, created)
	}
}
