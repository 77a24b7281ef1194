package handlers_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/upload"
	"github.com/renkei-oss/renkei/handlers/handlertest"
	"github.com/renkei-oss/renkei/marketplace/sandbox"
)

// API連携登録 against the Rakuten simulator over real HTTP: the catalogue
// becomes a preview like an uploaded RMS CSV, applies, and a second import
// changes nothing. The channel items show up as not yet mapped.
func TestRakutenProductImportFromSandbox(t *testing.T) {
	var sb *sandbox.Server
	app := handlertest.New(t, withSandbox(&sb))
	sf := createShipFrom(t, app, "本社倉庫")
	demo := rakutenDemo(t, sb)
	id := createdID(t, app.PostForm(t, app.Admin, "/settings/connections",
		rakutenForm(sf, app.URL+"/sandbox/rakuten", demo.ServiceSecret, demo.LicenseKey)))

	form := url.Values{"connection_id": {id}, "code_column": {upload.RakutenMerchantSKU}}
	app.PostForm(t, app.Operator, "/products/upload/rakuten", form).WantStatus(t, 403)
	res := app.PostForm(t, app.Admin, "/products/upload/rakuten", form)
	res.WantStatus(t, 303)
	preview := res.Header.Get("Location")
	res = app.Get(t, app.Admin, preview)
	if res.Text("#count-invalid") != "0" || res.Text("#count-new") == "0" {
		t.Fatalf("preview counts new=%s invalid=%s\n%s", res.Text("#count-new"), res.Text("#count-invalid"), res.Text("main"))
	}
	if !strings.Contains(res.Text("#upload-meta"), "楽天 API") {
		t.Errorf("preview does not name the API source: %s", res.Text("#upload-meta"))
	}
	newCount := res.Text("#count-new")
	app.PostForm(t, app.Admin, preview+"/apply", nil).WantRedirect(t, "/products")
	var n int
	app.DB.Get(&n, `SELECT count(*) FROM products`)
	if itoa(n) != newCount {
		t.Errorf("products = %d, preview said %s new", n, newCount)
	}

	res = app.Get(t, app.Admin, app.PostForm(t, app.Admin, "/products/upload/rakuten", form).Header.Get("Location"))
	if res.Text("#count-new") != "0" || res.Text("#count-changed") != "0" || res.Text("#count-unchanged") != newCount {
		t.Errorf("second import: new=%s changed=%s unchanged=%s", res.Text("#count-new"), res.Text("#count-changed"), res.Text("#count-unchanged"))
	}

	unmapped, err := app.Store.UnmappedChannelItems(context.Background(), 0, 1000)
	if err != nil || itoa(len(unmapped)) != newCount {
		t.Errorf("unmapped channel items = %d (err %v), want one per SKU (%s)", len(unmapped), err, newCount)
	}
	if res = app.Get(t, app.Admin, "/product-mappings"); res.Doc.Find("#unmapped-items tbody tr").Length() == 0 {
		t.Error("外部商品対応表 does not list the imported channel items as unmapped")
	}
	var logged int
	app.DB.Get(&logged, `SELECT count(*) FROM api_logs WHERE action = $1`, string(domain.ActionProductImport))
	if logged == 0 {
		t.Error("no API log rows for the product import")
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// Zero items since 商品マスタ最終取得期間 is an answer, not a 502: the
// operator is told so and pointed at the connection's setting.
func TestRakutenProductImportNoItems(t *testing.T) {
	var sb *sandbox.Server
	app := handlertest.New(t, withSandbox(&sb))
	sf := createShipFrom(t, app, "本社倉庫")
	demo := rakutenDemo(t, sb)
	f := rakutenForm(sf, app.URL+"/sandbox/rakuten", demo.ServiceSecret, demo.LicenseKey)
	f.Set(domain.FieldRakutenProductLastDate, "2099-12-31")
	id := createdID(t, app.PostForm(t, app.Admin, "/settings/connections", f))

	res := app.PostForm(t, app.Admin, "/products/upload/rakuten", url.Values{"connection_id": {id}, "code_column": {upload.RakutenMerchantSKU}})
	res.WantStatus(t, 200)
	if got, want := res.Text("#upload-error"), "該当する商品はありませんでした（商品マスタ最終取得期間 2099-12-31 以降）"; got != want {
		t.Errorf("message = %q, want %q", got, want)
	}
	if href, _ := res.Doc.Find("#upload-error-link").Attr("href"); href != "/settings/connections/"+id {
		t.Errorf("link to the connection's setting = %q", href)
	}
}
