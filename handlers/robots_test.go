package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/handlers/handlertest"
	"github.com/renkei-oss/renkei/jobs/orderimport"
	"github.com/renkei-oss/renkei/marketplace/registry"
	"github.com/renkei-oss/renkei/marketplace/sandbox"
)

func TestImportMappingCopyEditAndUse(t *testing.T) {
	var sb *sandbox.Server
	app := handlertest.New(t, withSandbox(&sb))
	conn := importFixture(t, app, sb)
	ctx := context.Background()

	list := app.Get(t, app.Operator, "/import-mappings")
	list.WantStatus(t, http.StatusOK)
	if n := list.Doc.Find("#import-mappings tbody tr").Length(); n != len(domain.Marketplaces) {
		t.Fatalf("%d robots listed", n)
	}
	if strings.Contains(list.Body, "を複製") {
		t.Fatal("operators are offered 複製")
	}
	std, err := app.Store.StandardImportMapping(ctx, domain.MarketplaceRakuten)
	if err != nil {
		t.Fatal(err)
	}
	page := app.Get(t, app.Admin, "/import-mappings/"+strconv.FormatInt(std.ID, 10))
	if page.Doc.Find("#mapping-form").Length() != 0 || page.Doc.Find("#standard-note").Length() != 1 {
		t.Fatal("a standard robot is offered for editing")
	}

	app.PostForm(t, app.Operator, "/import-mappings/"+strconv.FormatInt(std.ID, 10)+"/copy", nil).WantStatus(t, http.StatusForbidden)
	res := app.PostForm(t, app.Admin, "/import-mappings/"+strconv.FormatInt(std.ID, 10)+"/copy", nil)
	res.WantStatus(t, http.StatusSeeOther)
	copyPath := res.Header.Get("Location")
	copyID, _ := strconv.ParseInt(strings.TrimPrefix(copyPath, "/import-mappings/"), 10, 64)
	cp, err := app.Store.ImportMapping(ctx, copyID)
	if err != nil || cp.Standard || cp.Name != "出荷指示登録(楽天API用) - コピー" {
		t.Fatalf("copy %+v %v", cp, err)
	}

	var pm int64
	if err := app.DB.Get(&pm, `SELECT id FROM payment_methods WHERE name = '取込テスト クレジットカード'`); err != nil {
		t.Fatal(err)
	}
	form := url.Values{"name": {"出荷指示登録(楽天API用)- 独自"}, "enabled": {"on"},
		"pm_name": {"銀行振込", "", ""}, "pm_target": {strconv.FormatInt(pm, 10), "", ""},
		"dm_name": {"", "", ""}, "dm_target": {"", "", ""}}
	bad := app.PostForm(t, app.Admin, copyPath, url.Values{"name": {""}, "pm_name": {"銀行振込"}, "pm_target": {""}})
	bad.WantStatus(t, http.StatusUnprocessableEntity)
	if !strings.Contains(bad.Body, "変換ロボット名を入力してください") || !strings.Contains(bad.Body, "1行目") {
		t.Fatalf("errors not shown:\n%s", bad.Text("main"))
	}
	app.PostForm(t, app.Admin, copyPath, form).WantRedirect(t, copyPath)
	cp, _ = app.Store.ImportMapping(ctx, copyID)
	if !cp.Enabled || len(cp.Payment) != 1 || cp.Payment[0].ChannelName != "銀行振込" || cp.Payment[0].TargetID != pm {
		t.Fatalf("saved copy %+v", cp)
	}
	// Orders imported through the standard robot are held for 銀行振込,
	// which the connection's masters do not map.
	runner := &orderimport.Runner{Store: app.Store, Searcher: orderimport.Searchers(registry.Clients{})}
	if _, err := runner.Run(ctx, conn, domain.ImportRequest{Mode: domain.ImportDiff}, "テスト"); err != nil {
		t.Fatal(err)
	}
	var held int
	app.DB.Get(&held, `SELECT count(*) FROM ship_orders WHERE hold_reason LIKE '%銀行振込%'`)
	if held == 0 {
		t.Fatal("no order held for 銀行振込")
	}
	app.PostForm(t, app.Admin, copyPath+"/use", url.Values{"connection": {strconv.FormatInt(conn.ID, 10)}}).WantRedirect(t, copyPath)
	// Saving the robot the connection uses re-evaluates the held orders.
	app.PostForm(t, app.Admin, copyPath, form).WantRedirect(t, copyPath)
	var still, moved int
	app.DB.Get(&still, `SELECT count(*) FROM ship_orders WHERE hold_reason LIKE '%銀行振込%'`)
	app.DB.Get(&moved, `SELECT count(*) FROM ship_orders WHERE payment_method_id = $1 AND payment_name = '銀行振込' AND import_mapping_id = $2`, pm, copyID)
	if still != 0 || moved != held {
		t.Fatalf("after saving: %d still held, %d of %d re-evaluated", still, moved, held)
	}
	st, err := app.Store.ConnectionImportState(ctx, conn.ID)
	if err != nil || st.MappingID != copyID {
		t.Fatalf("connection uses %d, want %d (%v)", st.MappingID, copyID, err)
	}
	if got := app.Get(t, app.Admin, copyPath).Body; !strings.Contains(got, "（使用中）") {
		t.Fatal("the robot page does not show the connection using it")
	}
}

func TestRulePreviewThenSave(t *testing.T) {
	var sb *sandbox.Server
	app := handlertest.New(t, withSandbox(&sb))
	conn := importFixture(t, app, sb)
	ctx := context.Background()
	runner := &orderimport.Runner{Store: app.Store, Searcher: orderimport.Searchers(registry.Clients{})}
	if _, err := runner.Run(ctx, conn, domain.ImportRequest{Mode: domain.ImportDiff}, "テスト"); err != nil {
		t.Fatal(err)
	}
	std, _ := app.Store.StandardImportMapping(ctx, domain.MarketplaceRakuten)
	var tokyoReady, ready int
	if err := app.DB.Get(&tokyoReady, `SELECT count(*) FROM ship_orders WHERE recipient->>'prefecture' = '東京都' AND status = 'ready'`); err != nil {
		t.Fatal(err)
	}
	if err := app.DB.Get(&ready, `SELECT count(*) FROM ship_orders WHERE status = 'ready'`); err != nil {
		t.Fatal(err)
	}
	if tokyoReady == 0 {
		t.Fatal("the sandbox gave no ready order to Tokyo")
	}
	form := url.Values{"name": {"東京は保留"}, "position": {"5"}, "mapping": {strconv.FormatInt(std.ID, 10)},
		"c_field": {"prefecture", "status", "", ""}, "c_op": {"eq", "eq", "eq", "eq"}, "c_value": {"東京都", "出荷待ち", "", ""},
		"a_kind": {"hold"}, "a_reason": {"住所確認"}}

	// Dry run: operators may preview; nothing is saved or changed.
	preview := url.Values{}
	for k, v := range form {
		preview[k] = v
	}
	preview.Set("preview", "1")
	res := app.PostForm(t, app.Operator, "/rules", preview)
	res.WantStatus(t, http.StatusForbidden) // creating is admin-only, even a dry run of a new rule
	res = app.PostForm(t, app.Admin, "/rules", preview)
	res.WantStatus(t, http.StatusOK)
	rows := res.Doc.Find("#rule-preview tbody tr").Length()
	if rows != tokyoReady || !strings.Contains(res.Text("#rule-preview"), "住所確認") {
		t.Fatalf("preview shows %d rows, want %d:\n%s", rows, tokyoReady, res.Text("main"))
	}
	var n int
	app.DB.Get(&n, `SELECT count(*) FROM ship_orders WHERE status = 'ready'`)
	if n != ready {
		t.Fatal("the preview changed ship orders")
	}
	app.DB.Get(&n, `SELECT count(*) FROM rules WHERE name = '東京は保留'`)
	if n != 0 {
		t.Fatal("the preview saved the rule")
	}

	form.Set("enabled", "on")
	res = app.PostForm(t, app.Admin, "/rules", form)
	res.WantStatus(t, http.StatusSeeOther)
	rulePath := res.Header.Get("Location")
	list := app.Get(t, app.Operator, "/rules")
	if !strings.Contains(list.Text("#rules"), "東京は保留") || !strings.Contains(list.Text("#rules"), std.Name) {
		t.Fatalf("rule list:\n%s", list.Text("#rules"))
	}
	// An operator can preview a saved rule but not change it.
	op := app.PostForm(t, app.Operator, rulePath, preview)
	op.WantStatus(t, http.StatusOK)
	if op.Doc.Find("#rule-preview tbody tr").Length() != tokyoReady {
		t.Fatal("operator preview differs")
	}
	app.PostForm(t, app.Operator, rulePath+"/delete", nil).WantStatus(t, http.StatusForbidden)
	// Standard rules cannot be deleted.
	rules, _ := app.Store.Rules(ctx)
	for _, r := range rules {
		if r.Standard != "" {
			app.PostForm(t, app.Admin, "/rules/"+strconv.FormatInt(r.ID, 10)+"/delete", nil).WantRedirect(t, "/rules/"+strconv.FormatInt(r.ID, 10))
			break
		}
	}
	app.PostForm(t, app.Admin, rulePath+"/delete", nil).WantRedirect(t, "/rules")
}
