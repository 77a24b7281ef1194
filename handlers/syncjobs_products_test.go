package handlers_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/upload"
	"github.com/renkei-oss/renkei/handlers"
	"github.com/renkei-oss/renkei/jobs"
	"github.com/renkei-oss/renkei/jobs/productimport"
	"github.com/renkei-oss/renkei/marketplace/registry"
	"github.com/renkei-oss/renkei/marketplace/sandbox"
)

// The 商品取込 robot against the Rakuten simulator over real HTTP: the
// catalogue lands in 商品マスタ, the calls in the API log as 商品取込, and a
// second run finds nothing new.
func TestProductImportRobot(t *testing.T) {
	var sb *sandbox.Server
	app := newRobotsAppWith(t, func(reg *jobs.Registry, d *handlers.Deps) {
		reg.Register(domain.ActionProductImport, productimport.NewAction(store.New(d.DB), appBox(t), registry.Clients{}, func(err error) { t.Errorf("api log: %v", err) }))
	}, withSandbox(&sb))
	sf := createShipFrom(t, app.App, "本社倉庫")
	demo := rakutenDemo(t, sb)
	conn, _ := strconv.ParseInt(createdID(t, app.PostForm(t, app.Admin, "/settings/connections",
		rakutenForm(sf, app.URL+"/sandbox/rakuten", demo.ServiceSecret, demo.LicenseKey))), 10, 64)
	f := robotForm(conn, "商品取込", "action", "product_import", "trigger_kind", "daily", "times_of_day", "04:00")
	f.Set("code_column", upload.RakutenMerchantSKU)
	id := createRobot(t, app, f)
	if j, _ := app.Store.SyncJob(t.Context(), id); string(j.Params) != `{"code_column": "`+upload.RakutenMerchantSKU+`"}` {
		t.Fatalf("params %s", j.Params)
	}
	if v, _ := app.Get(t, app.Admin, "/sync-jobs/"+strconv.FormatInt(id, 10)+"/edit").Doc.Find("#sj-code-column option[selected]").Attr("value"); v != upload.RakutenMerchantSKU {
		t.Fatalf("edit form code field %q", v)
	}
	p := "/sync-jobs/" + strconv.FormatInt(id, 10)

	app.PostForm(t, app.Admin, p+"/run", nil).WantRedirect(t, p)
	first := waitRun(t, app, id)
	if first.Status != domain.SyncRunSucceeded || first.Created == 0 || first.Fetched < first.Created || first.Failed != 0 {
		t.Fatalf("first run %+v", first)
	}
	var products, logs int
	if err := app.DB.Get(&products, `SELECT count(*) FROM products`); err != nil || products != first.Created {
		t.Fatalf("%d products after creating %d (%v)", products, first.Created, err)
	}
	if err := app.DB.Get(&logs, `SELECT count(*) FROM api_logs WHERE action = 'product_import' AND connection_id = $1`, conn); err != nil || logs == 0 {
		t.Fatalf("%d API log rows (%v)", logs, err)
	}

	app.PostForm(t, app.Admin, p+"/run", nil).WantRedirect(t, p)
	second := waitRun(t, app, id)
	for deadline := time.Now().Add(20 * time.Second); second.ID == first.ID; second = waitRun(t, app, id) {
		if time.Now().After(deadline) {
			t.Fatal("the second 今すぐ実行 did not run")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if second.Status != domain.SyncRunSucceeded || second.Created != 0 || second.Skipped == 0 {
		t.Fatalf("second run %+v", second)
	}
	app.Get(t, app.Operator, p).WantStatus(t, http.StatusOK)

	// Amazon has no catalogue import here: the run fails and says what to
	// do instead, and the failure shows in the history.
	amazon, _ := strconv.ParseInt(createdID(t, app.PostForm(t, app.Admin, "/settings/connections", amazonForm(sf, app.URL+"/sandbox/amazon", "Atzr|x"))), 10, 64)
	aid := createRobot(t, app, robotForm(amazon, "Amazon 商品取込", "action", "product_import"))
	app.PostForm(t, app.Admin, "/sync-jobs/"+strconv.FormatInt(aid, 10)+"/run", nil).WantStatus(t, http.StatusSeeOther)
	failed := waitRun(t, app, aid)
	if failed.Status != domain.SyncRunFailed || !strings.Contains(failed.Error, "「Amazon」の商品取込はまだ使えません") {
		t.Fatalf("Amazon run %+v", failed)
	}
	if got := app.Get(t, app.Operator, "/sync-jobs/"+strconv.FormatInt(aid, 10)).Text(".run-error"); !strings.Contains(got, "商品マスタアップロード") {
		t.Fatalf("history error %q", got)
	}
}
