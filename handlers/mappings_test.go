package handlers_test

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/handlers/handlertest"
)

func xlsxFile(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// An Interpark-style Excel sheet with a SKU販売者管理コード column maps
// channel items to SKUs through the same preview and apply.
func TestMappingUploadFromExcel(t *testing.T) {
	app := handlertest.New(t)
	ctx := context.Background()
	for _, sku := range []string{"SKU-A", "SKU-B"} {
		app.Store.CreateProduct(ctx, &domain.Product{SKU: sku, Name: sku + " 商品"})
	}
	ip := testChannel(t, app, "Interpark")
	data := xlsxFile(t, [][]any{
		{"商品コード(チャネル)", "オプションコード", "SKU販売者管理コード"},
		{"IP-100", "", "SKU-A"},
		{"IP-200", "OPT-1", "SKU-B"},
		{"IP-300", "", "SKU-NONE"},
	})
	body, ct := multipartFile(t, "interpark.xlsx", data, map[string]string{"connection_id": strconv.FormatInt(ip, 10)})
	res := app.PostMultipart(t, app.Admin, "/product-mappings/upload", ct, body)
	res.WantStatus(t, http.StatusSeeOther)
	preview := res.Header.Get("Location")
	res = app.Get(t, app.Admin, preview)
	if res.Text("#count-new") != "2" || res.Text("#count-invalid") != "1" {
		t.Fatalf("counts new=%s invalid=%s", res.Text("#count-new"), res.Text("#count-invalid"))
	}
	if got := res.Text("#upload-errors tbody"); !strings.Contains(got, "4") || !strings.Contains(got, "SKU-NONE") {
		t.Errorf("errors = %q", got)
	}
	app.PostForm(t, app.Admin, preview+"/apply", nil).WantRedirect(t, preview)
	if _, err := app.Store.MappedSKU(ctx, ip, "IP-100", ""); err == nil {
		t.Error("a refused upload mapped IP-100")
	}

	// Fixed file: applied; the export lists it.
	data = xlsxFile(t, [][]any{
		{"商品コード(チャネル)", "オプションコード", "SKU販売者管理コード"},
		{"IP-100", "", "SKU-A"},
		{"IP-200", "OPT-1", "SKU-B"},
	})
	body, ct = multipartFile(t, "interpark.xlsx", data, map[string]string{"connection_id": strconv.FormatInt(ip, 10)})
	preview = app.PostMultipart(t, app.Admin, "/product-mappings/upload", ct, body).Header.Get("Location")
	if res = app.Get(t, app.Admin, preview); !strings.Contains(res.Text("#upload-meta"), "Excel") {
		t.Errorf("format not shown: %s", res.Text("#upload-meta"))
	}
	app.PostForm(t, app.Admin, preview+"/apply", nil).WantRedirect(t, "/product-mappings")
	if sku, err := app.Store.MappedSKU(ctx, ip, "IP-200", "OPT-1"); err != nil || sku != "SKU-B" {
		t.Errorf("IP-200/OPT-1 → %q, %v", sku, err)
	}
	res = app.Get(t, app.Operator, "/product-mappings/export?enc=utf8")
	if !strings.Contains(res.Body, "Interpark,IP-200,OPT-1,SKU-B") {
		t.Errorf("export: %q", res.Body)
	}
	if res = app.Get(t, app.Operator, "/product-mappings"); !strings.Contains(res.Text("#mappings"), "SKU-B 商品") || res.Doc.Find("#mappings button").Length() != 0 {
		t.Errorf("operator list: %q, buttons=%d", res.Text("#mappings"), res.Doc.Find("#mappings button").Length())
	}
}
