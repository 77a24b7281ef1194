package handlers_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/renkei-oss/renkei/handlers/handlertest"
	"github.com/renkei-oss/renkei/marketplace/interpark"
	"github.com/renkei-oss/renkei/marketplace/sandbox"
	"github.com/renkei-oss/renkei/marketplace/sandbox/interparksim"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
)

// A real browser registers the sandbox's demo Interpark seller, presses
// 接続テスト (a wrong company number first), then imports the last day's
// orders with 時間指定取得; Interpark marks each of them 発送対象.
func TestBrowserInterparkRegisterTestAndImport(t *testing.T) {
	var sb *sandbox.Server
	app := handlertest.New(t, withInterparkSandbox(&sb))
	sim := sb.Simulator("interpark").(*interparksim.Sim)
	sf := createShipFrom(t, app, "本社倉庫")
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := app.DB.Exec(q, args...); err != nil {
			t.Fatal(err)
		}
	}
	for _, it := range kit.NewGen(0, app.Clock.Now()).Catalog() {
		for _, v := range it.Variants {
			exec(`INSERT INTO products (sku, name) VALUES ($1, $2) ON CONFLICT DO NOTHING`, v.SKU, it.Name)
		}
	}

	b := handlertest.OpenBrowser(t)
	b.Login(app, handlertest.AdminName, handlertest.AdminPassword)
	b.Navigate(app.URL + "/settings/connections/new")
	b.ClickAndWait("#choose-interpark")
	b.Fill("#f-channel", "Interpark 本店")
	setSelect(b, "#f-env", "sandbox")
	waitFor(t, b, "the sandbox URL", `document.querySelector('#f-base-url').value === `+strconv.Quote(app.URL+"/sandbox/interpark"))
	setSelect(b, "#f-shipfrom", strconv.FormatInt(sf, 10))
	b.Fill("#f-shop_id", interparksim.DemoShopID)
	b.Fill("#f-company_no", "3000099999")
	b.Fill("#f-supply_contract_no", interparksim.DemoContractNo)
	b.ClickAndWait(`#connection-form button[type="submit"]`)
	connURL := b.Location()
	id := connURL[strings.LastIndex(connURL, "/")+1:]
	if _, err := strconv.Atoi(id); err != nil {
		t.Fatalf("after 登録: %s\n%s", connURL, b.Text("main"))
	}

	got := pressTestButton(t, b)
	screenshot(t, b, "interpark-wrong-company")
	if !strings.HasPrefix(got, "接続に失敗しました（コード: 999）") || !strings.Contains(got, "ショップID・会社番号・供給契約番号") {
		t.Fatalf("wrong company number shows %q", got)
	}
	b.Navigate(connURL + "/edit")
	b.Fill("#f-company_no", interparksim.DemoCompanyNo)
	b.ClickAndWait(`#connection-form button[type="submit"]`)
	got = pressTestButton(t, b)
	screenshot(t, b, "interpark-success")
	if !strings.HasPrefix(got, "接続に成功しました") {
		t.Fatalf("demo seller shows %q", got)
	}

	// The two names every Interpark order carries, mapped once.
	exec(`INSERT INTO carriers (name) VALUES ('国際宅配テスト')`)
	exec(`INSERT INTO delivery_services (carrier_id, name) SELECT id, 'EMS' FROM carriers WHERE name = '国際宅配テスト'`)
	exec(`INSERT INTO delivery_method_mappings (connection_id, channel_name, delivery_service_id) SELECT $1, $2, id FROM delivery_services WHERE name = 'EMS'`, id, interpark.DeliveryName)
	exec(`INSERT INTO payment_methods (name, kind) VALUES ('Interpark決済（当社）', 'credit_card')`)
	exec(`INSERT INTO payment_method_mappings (connection_id, channel_name, payment_method_id) SELECT $1, $2, id FROM payment_methods WHERE name = 'Interpark決済（当社）'`, id, interpark.PaymentName)

	b.Navigate(app.URL + "/ship-orders/import")
	b.WaitVisible("#import-form")
	setSelect(b, "#imp-connection", id)
	b.Click("#imp-mode-hours")
	b.Fill("#imp-hours", "24")
	b.Click("#import-submit")
	waitFor(t, b, "the progress block", `!!document.querySelector('#import-run-progress')`)
	waitFor(t, b, "the import to finish", `['done', 'failed'].includes(document.querySelector('#import-run-progress').dataset.state)`)
	screenshot(t, b, "interpark-import-done")
	if state := b.Text("#import-state"); state != "完了" {
		t.Fatalf("state %q\n%s", state, b.Text("#import-run-progress"))
	}
	created, err := strconv.Atoi(b.Text("#progress-created"))
	if err != nil || created == 0 || created != sim.Acknowledged(interparksim.DemoShopID) {
		t.Fatalf("created %q, %d acknowledged on Interpark: %v", b.Text("#progress-created"), sim.Acknowledged(interparksim.DemoShopID), err)
	}
	b.ClickAndWait("#to-ship-orders")
	if total := b.Text("#ship-order-total"); total != "全"+strconv.Itoa(created)+"件" {
		t.Fatalf("出荷リスト says %q, want 全%d件", total, created)
	}
	screenshot(t, b, "interpark-ship-orders")
}
