package handlers_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/renkei-oss/renkei/domain/upload"
	"github.com/renkei-oss/renkei/handlers/handlertest"
)

// A real Chromium uploads a Shift_JIS file on 商品マスタアップロード, sees
// the preview, applies it and finds the products in 商品マスタ.
func TestBrowserProductUploadPreviewApply(t *testing.T) {
	app := handlertest.New(t)
	b := handlertest.OpenBrowser(t)
	b.Login(app, handlertest.AdminName, handlertest.AdminPassword)

	var csv strings.Builder
	csv.WriteString(strings.Join(upload.OwnColumns, ",") + "\r\n")
	for i := 1; i <= 30; i++ {
		fmt.Fprintf(&csv, "BR-%03d,ブラウザ商品%d 髙①～,,単品,2,\r\n", i, i)
	}
	path := filepath.Join(t.TempDir(), "商品.csv")
	if err := os.WriteFile(path, toSJIS(t, csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}

	b.Navigate(app.URL + "/products/upload")
	b.WaitVisible("#upload-file")
	b.UploadFile("#upload-file", path)
	if status := b.ClickAndWait(`form[action="/products/upload"] button[type="submit"]`); status != 200 {
		t.Fatalf("preview page status %d", status)
	}
	b.WaitVisible("#upload-counts")
	if got := b.Text("#count-new"); got != "30" {
		t.Fatalf("新規 = %s, want 30; page: %s", got, b.Text("main"))
	}
	if !strings.Contains(b.Text("#upload-rows"), "ブラウザ商品1 髙①～") {
		t.Errorf("preview rows lack the product names: %s", b.Text("#upload-rows"))
	}
	keep(t, b.Screenshot("product-upload-preview"))

	if status := b.ClickAndWait("#apply-upload"); status != 200 {
		t.Fatalf("page after apply: status %d", status)
	}
	if loc := b.Location(); loc != app.URL+"/products" {
		t.Errorf("after apply at %s, want 商品マスタ", loc)
	}
	b.WaitVisible("#products")
	table := b.Text("#products")
	for _, want := range []string{"BR-001", "ブラウザ商品1 髙①～", "BR-030"} {
		if !strings.Contains(table, want) {
			t.Errorf("商品マスタ lacks %q", want)
		}
	}
	if !strings.Contains(b.Text(".flash"), "新規30件") {
		t.Errorf("flash = %q", b.Text(".flash"))
	}
	keep(t, b.Screenshot("products-after-apply"))
}

// keep copies a screenshot to $RENKEI_SCREENSHOT_DIR when set, so it
// survives the test's temp dir.
func keep(t *testing.T, shot string) {
	t.Helper()
	fi, err := os.Stat(shot)
	if err != nil || fi.Size() == 0 {
		t.Fatalf("screenshot %s missing: %v", shot, err)
	}
	dir := os.Getenv("RENKEI_SCREENSHOT_DIR")
	if dir == "" {
		return
	}
	data, _ := os.ReadFile(shot)
	if err := os.WriteFile(filepath.Join(dir, filepath.Base(shot)), data, 0o644); err != nil {
		t.Errorf("keep screenshot: %v", err)
	}
}
