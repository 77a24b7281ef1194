package handlers_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/handlers/handlertest"
	"github.com/renkei-oss/renkei/jobs/orderimport"
	"github.com/renkei-oss/renkei/marketplace/registry"
	"github.com/renkei-oss/renkei/marketplace/sandbox"
)

// A real browser copies the standard Rakuten 変換ロボット, renames the copy
// and has the channel use it; after an import through the copy, a new
// 処理ロボット applied to that copy is tried on the current ship orders and
// the dry run lists the orders it would hold, changing nothing.
func TestBrowserCopyRobotThenPreviewCustomRule(t *testing.T) {
	var sb *sandbox.Server
	app := handlertest.New(t, withSandbox(&sb))
	conn := importFixture(t, app, sb)
	ctx := context.Background()
	std, err := app.Store.StandardImportMapping(ctx, domain.MarketplaceRakuten)
	if err != nil {
		t.Fatal(err)
	}
	b := handlertest.OpenBrowser(t)
	b.Login(app, handlertest.AdminName, handlertest.AdminPassword)

	// 複製 from the list.
	b.Navigate(app.URL + "/import-mappings")
	b.WaitVisible("#import-mappings")
	b.ClickAndWait("#import-mapping-" + strconv.FormatInt(std.ID, 10) + " form button")
	path := strings.TrimPrefix(b.Location(), app.URL)
	copyID, err := strconv.ParseInt(strings.TrimPrefix(path, "/import-mappings/"), 10, 64)
	if err != nil || copyID == std.ID {
		t.Fatalf("after 複製 the browser is on %s", path)
	}
	b.WaitVisible("#mapping-form")
	const name = "出荷指示登録(楽天API用)- 東京確認"
	b.Fill("#im-name", name)
	if b.Eval(`document.querySelector('#im-enabled').checked`) != "true" {
		b.Click("#im-enabled") // a copy starts disabled; a channel can only use an enabled robot
	}
	b.ClickAndWait("#mapping-form button.primary")
	cp, err := app.Store.ImportMapping(ctx, copyID)
	if err != nil || cp.Name != name || cp.Standard || !cp.Enabled {
		t.Fatalf("saved copy %+v %v", cp, err)
	}
	setSelect(b, "#im-use-connection", strconv.FormatInt(conn.ID, 10))
	b.ClickAndWait(`form[action$="/use"] button`)
	if st, err := app.Store.ConnectionImportState(ctx, conn.ID); err != nil || st.MappingID != copyID {
		t.Fatalf("the channel uses robot %d, want the copy %d (%v)", st.MappingID, copyID, err)
	}
	screenshot(t, b, "robot-copy")

	// Orders arrive through the copy.
	runner := &orderimport.Runner{Store: app.Store, Searcher: orderimport.Searchers(registry.Clients{})}
	if _, err := runner.Run(ctx, conn, domain.ImportRequest{Mode: domain.ImportDiff}, "テスト"); err != nil {
		t.Fatal(err)
	}
	var tokyoReady, ready int
	app.DB.Get(&tokyoReady, `SELECT count(*) FROM ship_orders WHERE import_mapping_id = $1 AND recipient->>'prefecture' = '東京都' AND status = 'ready'`, copyID)
	app.DB.Get(&ready, `SELECT count(*) FROM ship_orders WHERE status = 'ready'`)
	if tokyoReady == 0 {
		t.Fatal("no ready order to Tokyo came through the copy")
	}

	// A custom rule for the copy, tried before saving.
	b.Navigate(app.URL + "/rules/new")
	b.WaitVisible("#rule-form")
	b.Fill("#r-name", "東京は住所確認で保留")
	b.Click("#r-map-" + strconv.FormatInt(copyID, 10))
	setSelect(b, "#c-field-0", "prefecture")
	b.Fill("#c-value-0", "東京都")
	setSelect(b, "#c-field-1", "status")
	b.Fill("#c-value-1", "出荷待ち")
	setSelect(b, "#a-kind", string(domain.ActHold))
	b.Fill("#a-reason", "住所確認")
	b.ClickAndWait("#rule-preview-button")
	waitFor(t, b, "the dry-run result", `!!document.querySelector('#rule-preview')`)
	screenshot(t, b, "rule-preview")
	rows := b.Eval(`document.querySelectorAll('#rule-preview tbody tr').length`)
	if rows != strconv.Itoa(tokyoReady) {
		t.Fatalf("the preview lists %s orders, want the %d ready ones to Tokyo", rows, tokyoReady)
	}
	if b.Eval(`[...document.querySelectorAll('#rule-preview tbody tr')].every(tr =>
		tr.cells[1].textContent.trim() === '出荷待ち' && tr.cells[2].textContent.trim() === '保留' && tr.cells[3].textContent.includes('住所確認'))`) != "true" {
		t.Fatalf("the preview rows do not show 出荷待ち → 保留 for 住所確認:\n%s", b.Text("#rule-preview"))
	}
	// The form keeps what was typed, and nothing was saved or changed.
	if b.Eval(`document.querySelector('#r-name').value === '東京は住所確認で保留' && document.querySelector('#c-value-0').value === '東京都'`) != "true" {
		t.Error("the form lost what was typed after the preview")
	}
	var n int
	app.DB.Get(&n, `SELECT count(*) FROM rules WHERE name = '東京は住所確認で保留'`)
	if n != 0 {
		t.Error("the dry run saved the rule")
	}
	app.DB.Get(&n, `SELECT count(*) FROM ship_orders WHERE status = 'ready'`)
	if n != ready {
		t.Errorf("the dry run changed ship orders: %d ready, was %d", n, ready)
	}
}
