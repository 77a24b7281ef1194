package handlers_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/secretbox"
	"github.com/renkei-oss/renkei/handlers/handlertest"
	"github.com/renkei-oss/renkei/marketplace/sandbox"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
)

// importFixture registers the sandbox's demo Rakuten shop as a connection
// with the masters its orders need: the catalogue's SKUs, the shop's
// delivery names and all but one of its payment methods.
func importFixture(t *testing.T, app *handlertest.App, sb *sandbox.Server) domain.Connection {
	t.Helper()
	ctx := context.Background()
	demo := rakutenDemo(t, sb)
	sf := createShipFrom(t, app, "本社倉庫")
	c := domain.NewConnection(domain.MarketplaceRakuten, time.Now())
	c.ChannelName = "楽天市場 本店"
	c.BaseURL = app.URL + "/sandbox/rakuten"
	c.ShipFromID = sf
	c.Secrets[domain.FieldRakutenServiceSecret] = demo.ServiceSecret
	c.Secrets[domain.FieldRakutenLicenseKey] = demo.LicenseKey
	c.Params[domain.FieldRakutenOrderFetchDays] = "7"
	box, err := secretbox.New(string(handlertest.SecretKey))
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Store.CreateConnection(ctx, box, c); err != nil {
		t.Fatal(err)
	}
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
			SELECT $1, $2, d.id FROM delivery_services d JOIN carriers c ON c.id = d.carrier_id WHERE c.name = '取込テスト運輸'`, c.ID, ch)
	}
	for name, kind := range map[string]string{"クレジットカード": "credit_card", "代金引換": "cod", "後払い": "deferred",
		"Apple Pay": "credit_card", "ローソン、郵便局ATM等（前払）": "prepaid"} {
		exec(`INSERT INTO payment_methods (name, kind) VALUES ($1, $2)`, "取込テスト "+name, kind)
		exec(`INSERT INTO payment_method_mappings (connection_id, channel_name, payment_method_id)
			SELECT $1, $2, id FROM payment_methods WHERE name = $3`, c.ID, name, "取込テスト "+name)
	}
	for _, it := range kit.NewGen(0, time.Now()).Catalog() {
		for _, v := range it.Variants {
			exec(`INSERT INTO products (sku, name) VALUES ($1, $2) ON CONFLICT DO NOTHING`, v.SKU, it.Name)
		}
	}
	return *c
}

// A real browser runs 「API連携登録」, watches the progress reach the end,
// opens 出荷リスト, filters it and opens a ship order.
func TestBrowserImportThenShipOrderList(t *testing.T) {
	var sb *sandbox.Server
	app := handlertest.New(t, withSandbox(&sb))
	conn := importFixture(t, app, sb)
	b := handlertest.OpenBrowser(t)
	b.Login(app, handlertest.OperatorName, handlertest.OperatorPassword)

	b.Navigate(app.URL + "/ship-orders/import")
	b.WaitVisible("#import-form")
	if got := b.Eval(`document.querySelector('#imp-connection').value`); got != strconv.Quote(strconv.FormatInt(conn.ID, 10)) {
		t.Fatalf("connection select = %s", got)
	}
	if b.Eval(`document.querySelector('#imp-mode-diff').checked`) != "true" {
		t.Fatal("差分取得 is not the default mode")
	}
	if b.Eval(`!!document.querySelector('#no-import-runs')`) != "true" {
		t.Fatal("タスク一覧 of a fresh database does not say no run yet")
	}
	b.Click("#import-submit")
	waitFor(t, b, "the progress block", `!!document.querySelector('#import-run-progress')`)
	waitFor(t, b, "the import to finish", `document.querySelector('#import-run-progress').dataset.state === 'done'`)
	// タスク一覧 refreshes itself once the run is over, without a reload.
	waitFor(t, b, "タスク一覧 to list the run", `!document.querySelector('#no-import-runs') && document.querySelectorAll('#import-runs tbody tr').length === 1`)
	screenshot(t, b, "import-done")
	if state := b.Text("#import-state"); state != "完了" {
		t.Fatalf("state %q", state)
	}
	created, err := strconv.Atoi(b.Text("#progress-created"))
	if err != nil || created == 0 {
		t.Fatalf("created %q: %v\n%s", b.Text("#progress-created"), err, b.Text("#import-run-progress"))
	}
	if w := b.Text("#progress-windows"); w != "1/1" {
		t.Fatalf("windows %q, want 1/1 (7 days)", w)
	}

	b.ClickAndWait("#to-ship-orders")
	total := b.Text("#ship-order-total")
	if total != "全"+strconv.Itoa(created)+"件" {
		t.Fatalf("出荷リスト says %q, want 全%d件", total, created)
	}

	setSelect(b, "#so-status", string(domain.StatusReady))
	b.ClickAndWait("#so-filter")
	m := regexp.MustCompile(`^全(\d+)件$`).FindStringSubmatch(b.Text("#ship-order-total"))
	if m == nil {
		t.Fatalf("filtered total %q", b.Text("#ship-order-total"))
	}
	ready, _ := strconv.Atoi(m[1])
	if ready == 0 || ready > created {
		t.Fatalf("出荷待ち %d of %d", ready, created)
	}
	if statuses := b.Eval(`[...document.querySelectorAll('#ship-orders .so-status')].every(td => td.textContent === '出荷待ち')`); statuses != "true" {
		t.Fatal("the filtered list shows other statuses")
	}
	screenshot(t, b, "ship-orders-filtered")

	no := b.Text("#ship-orders tbody tr:first-child td:nth-child(2) a")
	b.ClickAndWait("#ship-orders tbody tr:first-child td:nth-child(2) a")
	if h1 := b.Text("h1"); h1 != "出荷指示 "+no {
		t.Fatalf("order page h1 %q, want 出荷指示 %s", h1, no)
	}
	if st := b.Text("#detail-status"); st != "出荷待ち" {
		t.Fatalf("status %q", st)
	}
	history := b.Text("#ship-order-history")
	if !strings.Contains(history, "取り込みました") || !strings.Contains(history, "出荷待ちに変更") {
		t.Fatalf("history lacks the import and the rule:\n%s", history)
	}
	if eff := b.Text("#ship-order-effects"); !strings.Contains(eff, domain.RulePaidToReady.Label()) {
		t.Fatalf("effects %q", eff)
	}
	screenshot(t, b, "ship-order")
}
