package handlers_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/handlers/handlertest"
	"github.com/renkei-oss/renkei/marketplace/futureshop"
	"github.com/renkei-oss/renkei/marketplace/sandbox"
	"github.com/renkei-oss/renkei/marketplace/sandbox/futureshopsim"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
)

// A real browser registers a futureshop connection against the sandbox,
// presses 接続テスト (first with a wrong secret, then the demo one) and
// imports the shop's orders through 出荷指示取込.
func TestBrowserFutureshopRegisterTestImport(t *testing.T) {
	var sb *sandbox.Server
	app := handlertest.New(t, withFutureshopSandbox(&sb))
	sf := createShipFrom(t, app, "本社倉庫")
	b := handlertest.OpenBrowser(t)
	b.Login(app, handlertest.AdminName, handlertest.AdminPassword)

	b.Navigate(app.URL + "/settings/connections/new")
	b.ClickAndWait("#choose-futureshop")
	b.Fill("#f-channel", "futureshop 本店")
	setSelect(b, "#f-env", "sandbox")
	waitFor(t, b, "the sandbox URL", `document.querySelector('#f-base-url').value === `+strconv.Quote(app.URL+"/sandbox/futureshop"))
	setSelect(b, "#f-shipfrom", strconv.FormatInt(sf, 10))
	b.Fill("#f-shop_key", futureshopsim.DemoShopKey)
	b.Fill("#f-client_id", futureshopsim.DemoClientID)
	b.Fill("#f-client_secret", "not-the-demo-secret-0000")
	b.ClickAndWait(`#connection-form button[type="submit"]`)
	if loc := b.Location(); !strings.Contains(loc, "/settings/connections/") {
		t.Fatalf("after 登録: %s\n%s", loc, b.Text("main"))
	}
	connURL := b.Location()
	id := connURL[strings.LastIndex(connURL, "/")+1:]

	got := pressTestButton(t, b)
	screenshot(t, b, "futureshop-wrong-secret")
	if !strings.HasPrefix(got, "接続に失敗しました（コード: invalid_client）") || !strings.Contains(got, "店舗キー・クライアントID・シークレット") {
		t.Errorf("wrong secret shows %q", got)
	}

	b.Navigate(connURL + "/edit")
	b.Fill("#f-client_secret", futureshopsim.DemoClientSecret)
	b.ClickAndWait(`#connection-form button[type="submit"]`)
	got = pressTestButton(t, b)
	screenshot(t, b, "futureshop-success")
	if !strings.HasPrefix(got, "接続に成功しました") {
		t.Fatalf("demo credentials show %q", got)
	}

	// Masters the demo shop's orders need: its delivery names, payments, SKUs.
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
	for code, kind := range map[string]string{futureshop.PaymentCreditCard: "credit_card", futureshop.PaymentCOD: "cod",
		futureshop.PaymentDeferred: "deferred", futureshop.PaymentBankTransfer: "prepaid", futureshop.PaymentConvenience: "prepaid"} {
		name := futureshop.PaymentNames[code]
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
	screenshot(t, b, "futureshop-import-done")
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
