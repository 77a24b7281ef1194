package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/renkei-oss/renkei/handlers/handlertest"
)

// TestStockUploadAdjustAndList walks 在庫アップロード as an operator (a
// Shift_JIS 上書き file, applied once despite a double click, the same
// file again changing nothing), 手動調整, 在庫一覧 and its export.
func TestStockUploadAdjustAndList(t *testing.T) {
	app := handlertest.New(t)
	for _, sku := range []string{"SKU-A", "SKU-B"} {
		if _, err := app.DB.Exec(`INSERT INTO products (sku, name, jan) VALUES ($1, $2, '4901234567894')`, sku, "商品"+sku); err != nil {
			t.Fatal(err)
		}
	}
	file := toSJIS(t, "商品コード,数量,理由\r\nSKU-A,12,棚卸\r\nSKU-B,3,棚卸\r\n")
	body, ct := multipartFile(t, "stock.csv", file, map[string]string{"mode": "overwrite"})
	res := app.PostMultipart(t, app.Operator, "/stock/upload", ct, body)
	res.WantStatus(t, http.StatusSeeOther)
	preview := res.Header.Get("Location")
	res = app.Get(t, app.Operator, preview)
	res.WantStatus(t, http.StatusOK)
	if res.Text("#count-changed") != "2" || !strings.Contains(res.Text("#upload-meta"), "上書き（棚卸）") {
		t.Fatalf("preview: changed %q meta %q", res.Text("#count-changed"), res.Text("#upload-meta"))
	}
	app.PostForm(t, app.Operator, preview+"/apply", url.Values{}).WantRedirect(t, "/stock")
	app.PostForm(t, app.Operator, preview+"/apply", url.Values{}).WantRedirect(t, preview)
	res = app.PostMultipart(t, app.Operator, "/stock/upload", ct, body)
	res = app.Get(t, app.Operator, res.Header.Get("Location"))
	if res.Text("#count-unchanged") != "2" || res.Doc.Find("#apply-upload").Length() != 0 {
		t.Fatalf("the same file again: unchanged %q", res.Text("#count-unchanged"))
	}

	// Bad rows are listed with 行番号, 列, 理由; a 予備在庫数 needs an admin.
	bad, ct := multipartFile(t, "bad.csv", []byte("商品コード,数量,予備在庫数\nSKU-A,1,5\nSKU-Z,x,\n"), map[string]string{"mode": "subtract"})
	res = app.PostMultipart(t, app.Operator, "/stock/upload", ct, bad)
	res = app.Get(t, app.Operator, res.Header.Get("Location"))
	errs := res.Text("#upload-errors tbody")
	for _, want := range []string{"予備在庫数の一括変更は管理者だけができます", "「x」は整数ではありません"} {
		if !strings.Contains(errs, want) {
			t.Errorf("errors lack %q:\n%s", want, errs)
		}
	}

	res = app.PostForm(t, app.Operator, "/stock/items/adjust", url.Values{"sku": {"SKU-A"}, "delta": {"-2"}, "reason": {""}})
	res.WantStatus(t, http.StatusUnprocessableEntity)
	if !strings.Contains(res.Text("#adjust-error"), "理由") {
		t.Fatalf("adjust without a reason: %q", res.Text("#adjust-error"))
	}
	app.PostForm(t, app.Operator, "/stock/items/adjust", url.Values{"sku": {"SKU-A"}, "delta": {"-2"}, "reason": {"破損"}}).WantStatus(t, http.StatusSeeOther)
	res = app.Get(t, app.Operator, "/stock/items?sku=SKU-A")
	if res.Text("#fig-on-hand") != "10" || res.Text("#fig-free") != "10" {
		t.Fatalf("figures: 実在庫数 %q フリー在庫数 %q", res.Text("#fig-on-hand"), res.Text("#fig-free"))
	}
	if k := res.Doc.Find("#stock-ledger tbody tr .led-kind").First().Text(); k != "手動調整" {
		t.Fatalf("newest ledger row %q", k)
	}

	res = app.Get(t, app.Operator, "/stock?free_max=5")
	if res.Text("#stock-total") != "1件" || res.Text("#stock-list tbody .st-sku") != "SKU-B" {
		t.Fatalf("フリー在庫数 ≤ 5: %q %q", res.Text("#stock-total"), res.Text("#stock-list tbody .st-sku"))
	}
	res = app.Get(t, app.Operator, "/stock/export?enc=utf8")
	res.WantStatus(t, http.StatusOK)
	if !strings.HasPrefix(res.Body, "\ufeff商品コード,商品名,JANコード,実在庫数,引当数,引当可能数,未出荷予約数,予備在庫数,フリー在庫数") ||
		!strings.Contains(res.Body, "SKU-A,商品SKU-A,4901234567894,10,0,10,0,0,10") {
		t.Fatalf("export:\n%s", res.Body)
	}
}
