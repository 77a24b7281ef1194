package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/upload"
	"github.com/renkei-oss/renkei/handlers/handlertest"
)

// csvHeader reads a downloaded CSV the way an upload is read and returns its header.
func csvHeader(t *testing.T, res *handlertest.Response) []string {
	t.Helper()
	res.WantStatus(t, http.StatusOK)
	tab, err := upload.Read(bytes.NewReader([]byte(res.Body)))
	if err != nil {
		t.Fatalf("%s: %v", res.Request.URL.Path, err)
	}
	return tab.Header
}

// Every template and export writes the header of its layout; for the two
// masters that can be uploaded, that is the layout the upload reads, and
// the exported file goes back in as 変更なし.
func TestExportHeadersAreTheUploadLayouts(t *testing.T) {
	app := handlertest.New(t)
	ctx := context.Background()
	days := 3
	for _, p := range []domain.Product{
		{SKU: "R-1", Name: "髙島屋①限定 ～春～ マグ", JAN: "4901234567894", HasOptions: true, HandlingDays: &days},
		{SKU: "R-2", Name: `カンマ, と "引用符"`},
	} {
		if err := app.Store.CreateProduct(ctx, &p); err != nil {
			t.Fatal(err)
		}
	}
	conn := testChannel(t, app, "楽天市場 本店")
	chID := strconv.FormatInt(conn, 10)
	if err := app.Store.SaveProductMapping(ctx, &domain.ProductMapping{ConnectionID: conn, ItemCode: "shirt-01", OptionCode: "red-m", SKU: "R-1"}); err != nil {
		t.Fatal(err)
	}
	// One per-channel name each, so the mapping exports have a row to read.
	pms, _ := app.Store.PaymentMethods(ctx)
	app.PostForm(t, app.Admin, "/settings/payment-method-mappings", url.Values{"connection_id": {chID}, "channel_name": {"代金引換"}, "channel_code": {"2"}, "payment_method_id": {fmt.Sprint(pms[0].ID)}}).WantRedirect(t, "/settings/payment-methods")
	ds, _ := app.Store.DeliveryServices(ctx)
	app.PostForm(t, app.Admin, "/settings/delivery-method-mappings", url.Values{"connection_id": {chID}, "channel_name": {"宅配便"}, "delivery_service_id": {fmt.Sprint(ds[0].ID)}}).WantRedirect(t, "/settings/delivery-services")

	ownExport := append(slices.Clone(upload.OwnColumns), "無効")
	for _, c := range []struct {
		path string
		want []string
	}{
		{"/products/upload/template", upload.OwnColumns},
		{"/products/export?enc=utf8", ownExport},
		{"/products/export?enc=sjis", ownExport},
		{"/product-mappings/template", upload.MappingColumns},
		{"/product-mappings/export?enc=utf8", upload.MappingColumns},
		{"/product-mappings/export?enc=sjis", upload.MappingColumns},
		{"/settings/delivery-services/export?enc=utf8", []string{"配送会社名", "楽天コード", "Amazonコード", "Interparkコード", "Shopserve配送会社", "無効"}},
		{"/settings/delivery-services/export?what=services&enc=utf8", []string{"配送会社", "配送サービス名", "配送時間帯", "楽天shippingTerm", "無効"}},
		{"/settings/delivery-services/export?what=mappings&enc=utf8", []string{"販売チャネル", "チャネルの配送方法名", "配送会社", "配送サービス名"}},
		{"/settings/payment-methods/export?enc=utf8", []string{"支払方法名", "種別", "無効"}},
		{"/settings/payment-methods/export?what=mappings&enc=utf8", []string{"販売チャネル", "チャネルの支払方法名", "チャネルのコード", "支払方法"}},
	} {
		if got := csvHeader(t, app.Get(t, app.Admin, c.path)); !slices.Equal(got, c.want) {
			t.Errorf("%s header = %q, want %q", c.path, got, c.want)
		}
	}

	// The upload side: the product export is read as our layout, and both
	// exports re-upload with nothing to change.
	for _, c := range []struct{ export, upload, unchanged string }{
		{"/products/export?enc=sjis", "/products/upload", "2"},
		{"/product-mappings/export?enc=utf8", "/product-mappings/upload", "1"},
	} {
		res := app.Get(t, app.Admin, c.export)
		tab, err := upload.Read(bytes.NewReader([]byte(res.Body)))
		if err != nil {
			t.Fatal(err)
		}
		if c.upload == "/products/upload" && upload.DetectLayout(tab) != upload.LayoutOwn {
			t.Errorf("%s not detected as 自社形式", c.export)
		}
		body, ct := multipartFile(t, "export.csv", []byte(res.Body), nil)
		res = app.PostMultipart(t, app.Admin, c.upload, ct, body)
		res.WantStatus(t, http.StatusSeeOther)
		res = app.Get(t, app.Admin, res.Header.Get("Location"))
		got := res.Text("#count-new") + "/" + res.Text("#count-changed") + "/" + res.Text("#count-unchanged") + "/" + res.Text("#count-invalid")
		if want := "0/0/" + c.unchanged + "/0"; got != want {
			t.Errorf("%s re-uploaded: 新規/変更/変更なし/エラー = %s, want %s\n%s", c.export, got, want, res.Text("main"))
		}
	}
}
