package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/text/encoding/japanese"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/upload"
	"github.com/renkei-oss/renkei/handlers/handlertest"
)

func multipartFile(t *testing.T, filename string, data []byte, fields map[string]string) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	return buf.Bytes(), mw.FormDataContentType()
}

func toSJIS(t *testing.T, s string) []byte {
	t.Helper()
	b, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const rakutenItems = "商品管理番号（商品URL）,商品番号,商品名,SKU管理番号,システム連携用SKU番号,カタログID\r\n" +
	"taka-01,T-01,髙島屋①限定 ～春～ マグ,,,\r\n" +
	"taka-01,,,s1,TAKA-01-S,4901234567894\r\n" +
	"taka-01,,,s2,TAKA-01-L,\r\n"

func TestProductUploadPreviewApplyExport(t *testing.T) {
	app := handlertest.New(t)
	body, ct := multipartFile(t, "rakuten.csv", toSJIS(t, rakutenItems), map[string]string{"layout": "", "code_column": upload.RakutenMerchantSKU})
	res := app.PostMultipart(t, app.Admin, "/products/upload", ct, body)
	res.WantStatus(t, http.StatusSeeOther)
	preview := res.Header.Get("Location")

	res = app.Get(t, app.Admin, preview)
	res.WantStatus(t, http.StatusOK)
	if got := res.Text("#count-new") + "/" + res.Text("#count-changed") + "/" + res.Text("#count-unchanged") + "/" + res.Text("#count-invalid"); got != "2/0/0/0" {
		t.Fatalf("counts 新規/変更/変更なし/エラー = %s", got)
	}
	if !strings.Contains(res.Text("#upload-meta"), "Shift_JIS") || !strings.Contains(res.Text("#upload-rows"), "髙島屋①限定 ～春～ マグ") {
		t.Errorf("preview lacks encoding or rows:\n%s", res.Text("main"))
	}
	// Operators may look at the preview but not apply it.
	app.Get(t, app.Operator, preview).WantStatus(t, http.StatusOK)
	app.PostForm(t, app.Operator, preview+"/apply", nil).WantStatus(t, http.StatusForbidden)

	app.PostForm(t, app.Admin, preview+"/apply", nil).WantRedirect(t, "/products")
	res = app.Get(t, app.Admin, "/products")
	if !strings.Contains(res.Text("#products"), "TAKA-01-S") || !strings.Contains(res.Text("#products"), "オプションあり") {
		t.Errorf("products page lacks the upload:\n%s", res.Text("#products"))
	}
	// The same file again: nothing to apply.
	res = app.PostMultipart(t, app.Admin, "/products/upload", ct, body)
	res = app.Get(t, app.Admin, res.Header.Get("Location"))
	if res.Text("#count-unchanged") != "2" || res.Doc.Find("#apply-upload").Length() != 0 {
		t.Errorf("second upload: unchanged=%s, apply button present=%d", res.Text("#count-unchanged"), res.Doc.Find("#apply-upload").Length())
	}

	// Shift_JIS export reads back as the same text.
	res = app.Get(t, app.Admin, "/products/export?enc=sjis")
	res.WantStatus(t, http.StatusOK)
	if res.Header.Get("X-Replaced-Characters") != "0" {
		t.Errorf("replaced = %q", res.Header.Get("X-Replaced-Characters"))
	}
	utf, err := japanese.ShiftJIS.NewDecoder().String(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(utf, "TAKA-01-S,髙島屋①限定 ～春～ マグ,4901234567894,オプションあり") {
		t.Errorf("export:\n%s", utf)
	}
}

func TestProductUploadRefusals(t *testing.T) {
	app := handlertest.New(t)
	var b strings.Builder
	b.WriteString(strings.Join(upload.OwnColumns, ",") + "\n")
	for i := 0; i < 1000; i++ {
		switch i {
		case 10:
			b.WriteString(",名前だけ,,単品,,\n") // row 12
		case 500:
			b.WriteString("BAD-TYPE,種別違い,,セット,,\n") // row 502
		case 900:
			b.WriteString("BAD-DAYS,日数違い,,単品,九,\n") // row 902
		default:
			fmt.Fprintf(&b, "OK-%04d,商品%d,,単品,1,\n", i, i)
		}
	}
	body, ct := multipartFile(t, "own.csv", []byte(b.String()), nil)
	res := app.PostMultipart(t, app.Admin, "/products/upload", ct, body)
	res = app.Get(t, app.Admin, res.Header.Get("Location"))
	var lines []string
	res.Doc.Find("#upload-errors tbody tr").Each(func(_ int, s *goquerySel) {
		lines = append(lines, strings.TrimSpace(s.Find("td").First().Text())+":"+strings.TrimSpace(s.Find("td").Eq(1).Text()))
	})
	if fmt.Sprint(lines) != "[12:商品コード 502:種別 902:出荷作業日数]" {
		t.Errorf("invalid rows listed = %v", lines)
	}
	if res.Doc.Find("#apply-upload").Length() != 0 {
		t.Error("apply button offered for an upload with invalid rows")
	}
	var n int
	app.DB.Get(&n, `SELECT count(*) FROM products`)
	if n != 0 {
		t.Errorf("%d products written by a refused upload", n)
	}

	big := bytes.Repeat([]byte("a,b\n"), upload.MaxBytes/4+1)
	body, ct = multipartFile(t, "big.csv", big, nil)
	res = app.PostMultipart(t, app.Admin, "/products/upload", ct, body)
	res.WantStatus(t, http.StatusUnprocessableEntity)
	if !strings.Contains(res.Text("#upload-error"), "20MB") {
		t.Errorf("over 20MB: message %q", res.Text("#upload-error"))
	}
	var rows strings.Builder
	rows.WriteString("商品コード,商品名\n")
	for i := 0; i <= upload.MaxRows; i++ {
		fmt.Fprintf(&rows, "R%d,n\n", i)
	}
	body, ct = multipartFile(t, "rows.csv", []byte(rows.String()), nil)
	res = app.PostMultipart(t, app.Admin, "/products/upload", ct, body)
	res.WantStatus(t, http.StatusUnprocessableEntity)
	if !strings.Contains(res.Text("#upload-error"), "200000行") {
		t.Errorf("over 200,000 rows: message %q", res.Text("#upload-error"))
	}
}

func TestOperatorsReadMastersOnly(t *testing.T) {
	app := handlertest.New(t)
	p := &domain.Product{SKU: "A-1", Name: "りんご"}
	if err := app.Store.CreateProduct(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/products", fmt.Sprintf("/products/%d", p.ID), "/products/upload", "/product-mappings", "/settings/delivery-services", "/settings/payment-methods", "/products/export?enc=utf8"} {
		app.Get(t, app.Operator, path).WantStatus(t, http.StatusOK)
	}
	res := app.Get(t, app.Operator, "/products")
	if res.Doc.Find(`a[href="/products/new"]`).Length() != 0 {
		t.Error("operators are offered 商品を登録")
	}
	posts := []string{"/products", fmt.Sprintf("/products/%d", p.ID), fmt.Sprintf("/products/%d/disable", p.ID), fmt.Sprintf("/products/%d/delete", p.ID),
		"/products/upload", "/product-mappings", "/product-mappings/upload", "/settings/carriers", "/settings/carriers/1",
		"/settings/delivery-services", "/settings/payment-methods", "/settings/payment-methods/1", "/settings/delivery-method-mappings", "/settings/payment-method-mappings"}
	for _, path := range posts {
		app.PostForm(t, app.Operator, path, url.Values{"name": {"x"}, "sku": {"x"}}).WantStatus(t, http.StatusForbidden)
	}
	got, _ := app.Store.Product(context.Background(), p.ID)
	if got.Disabled || got.Name != "りんご" {
		t.Errorf("operator changed the product: %+v", got)
	}
}

func TestProductEditDisableDelete(t *testing.T) {
	app := handlertest.New(t)
	res := app.PostForm(t, app.Admin, "/products", url.Values{"sku": {"B-1"}, "name": {"ばなな"}, "jan": {"4901234567890"}, "type": {"単品"}})
	res.WantStatus(t, http.StatusUnprocessableEntity)
	if !strings.Contains(res.Text("#product-errors"), "JANコード") {
		t.Errorf("bad JAN not reported: %s", res.Text("#product-errors"))
	}
	res = app.PostForm(t, app.Admin, "/products", url.Values{"sku": {"B-1"}, "name": {"ばなな"}, "jan": {"4901234567894"}, "type": {"オプションあり"}, "handling_days": {"3"}})
	res.WantStatus(t, http.StatusSeeOther)
	loc := res.Header.Get("Location")
	app.PostForm(t, app.Admin, "/product-mappings", url.Values{"connection_id": {strconv.FormatInt(testChannel(t, app, "楽天市場 本店"), 10)}, "item_code": {"item-b"}, "sku": {"B-1"}}).WantRedirect(t, "/product-mappings")
	// Mapped, so it can only be disabled.
	app.PostForm(t, app.Admin, loc+"/delete", nil).WantRedirect(t, loc)
	res = app.Get(t, app.Admin, loc)
	if res.Doc.Find(`form[action$="/delete"]`).Length() != 0 || !strings.Contains(res.Text("main"), "削除できません") {
		t.Errorf("delete still offered for a mapped product")
	}
	res = app.PostForm(t, app.Admin, loc, url.Values{"sku": {"B-2"}, "name": {"ばなな"}, "type": {"単品"}})
	res.WantStatus(t, http.StatusUnprocessableEntity)
	if !strings.Contains(res.Text("#product-errors"), "変更できません") {
		t.Errorf("SKU change of a used product not refused: %s", res.Text("#product-errors"))
	}
	app.PostForm(t, app.Admin, loc, url.Values{"sku": {"B-1"}, "name": {"ばなな 改"}, "type": {"単品"}}).WantRedirect(t, loc)
	app.PostForm(t, app.Admin, loc+"/disable", nil).WantRedirect(t, loc)
	if res = app.Get(t, app.Admin, "/products"); strings.Contains(res.Text("#products"), "B-1") {
		t.Error("disabled product listed by default")
	}
	if res = app.Get(t, app.Admin, "/products?disabled=1"); !strings.Contains(res.Text("#products"), "無効") {
		t.Error("disabled product not listed with 無効の商品も表示")
	}
}

func TestExportShiftJISReplacesVisibly(t *testing.T) {
	app := handlertest.New(t)
	app.Store.CreateProduct(context.Background(), &domain.Product{SKU: "E-1", Name: "絵文字😀入り"})
	res := app.Get(t, app.Admin, "/products/export?enc=sjis")
	res.WantStatus(t, http.StatusOK)
	if !strings.Contains(res.Text("#export-replaced"), "1文字") || !strings.Contains(res.Text("#export-replaced"), "😀") {
		t.Fatalf("no warning before a lossy export: %s", res.Text("main"))
	}
	href, _ := res.Doc.Find("#download-sjis").Attr("href")
	res = app.Get(t, app.Admin, href)
	utf, _ := japanese.ShiftJIS.NewDecoder().String(res.Body)
	if res.Header.Get("X-Replaced-Characters") != "1" || !strings.Contains(utf, "絵文字〓入り") {
		t.Errorf("replaced=%q body=%q", res.Header.Get("X-Replaced-Characters"), utf)
	}
	res = app.Get(t, app.Admin, "/products/export?enc=utf8")
	if !strings.HasPrefix(res.Body, "\ufeff") || !strings.Contains(res.Body, "絵文字😀入り") {
		t.Errorf("UTF-8 export: %q", res.Body)
	}
}

func TestDeliveryAndPaymentMasters(t *testing.T) {
	app := handlertest.New(t)
	res := app.Get(t, app.Admin, "/settings/delivery-services")
	for _, want := range []string{"ヤマト運輸", "佐川急便", "日本郵便", "西濃運輸", "福山通運", "その他"} {
		if res.Doc.Find(`#carriers input[name="name"][value="`+want+`"]`).Length() != 1 {
			t.Errorf("carrier %s not seeded", want)
		}
	}
	if !strings.Contains(res.Text("#services"), "14-16時（1416）") {
		t.Errorf("宅急便 slots missing: %s", res.Text("#services"))
	}
	res = app.PostForm(t, app.Admin, "/settings/carriers", url.Values{"name": {"新運送"}, "rakuten_code": {"1099"}})
	res.WantStatus(t, http.StatusUnprocessableEntity)
	if !strings.Contains(res.Text("#delivery-error"), "1000〜1031") {
		t.Errorf("bad Rakuten code not explained: %s", res.Text("#delivery-error"))
	}
	app.PostForm(t, app.Admin, "/settings/carriers", url.Values{"name": {"新運送"}, "rakuten_code": {"1007"}, "amazon_code": {"Other"}}).WantRedirect(t, "/settings/delivery-services")
	cs, _ := app.Store.Carriers(context.Background())
	var newID int64
	for _, c := range cs {
		if c.Name == "新運送" {
			newID = c.ID
		}
	}
	res = app.PostForm(t, app.Admin, "/settings/delivery-services", url.Values{"carrier_id": {fmt.Sprint(newID)}, "name": {"特急便"}, "slots": {"午前中,1\n14-16時,1614"}})
	res.WantStatus(t, http.StatusUnprocessableEntity)
	if !strings.Contains(res.Text("#delivery-error"), "2行目") {
		t.Errorf("bad slot not explained: %s", res.Text("#delivery-error"))
	}
	app.PostForm(t, app.Admin, "/settings/delivery-services", url.Values{"carrier_id": {fmt.Sprint(newID)}, "name": {"特急便"}, "slots": {"午前中,1\r\n14-16時,1416"}}).WantRedirect(t, "/settings/delivery-services")
	if res = app.Get(t, app.Operator, "/settings/delivery-services"); !strings.Contains(res.Text("#services"), "特急便") || res.Doc.Find("#carriers input").Length() != 0 {
		t.Errorf("operator view: services=%q inputs=%d", res.Text("#services"), res.Doc.Find("#carriers input").Length())
	}

	res = app.Get(t, app.Admin, "/settings/payment-methods")
	for _, want := range []string{"銀行振込", "クレジットカード", "代金引換", "後払い", "NP後払い", "Paidy", "郵便振替"} {
		if res.Doc.Find(`#payment-methods input[name="name"][value="`+want+`"]`).Length() != 1 {
			t.Errorf("payment method %s not seeded", want)
		}
	}
	app.PostForm(t, app.Admin, "/settings/payment-methods", url.Values{"name": {"atone"}, "kind": {"deferred"}}).WantRedirect(t, "/settings/payment-methods")
	res = app.Get(t, app.Operator, "/settings/payment-methods")
	if !strings.Contains(res.Text("#payment-methods"), "atone後払い") {
		t.Errorf("new method not listed with its kind: %s", res.Text("#payment-methods"))
	}
	res = app.Get(t, app.Admin, "/settings/payment-methods/export?enc=sjis")
	utf, _ := japanese.ShiftJIS.NewDecoder().String(res.Body)
	if !strings.Contains(utf, "atone,後払い,") {
		t.Errorf("payment export: %q", utf)
	}

	// Per-channel names: Rakuten's settlementMethodCode 2 and a delivery-method name.
	// The export names the channel.
	chID := strconv.FormatInt(testChannel(t, app, "楽天市場 本店"), 10)
	pms, _ := app.Store.PaymentMethods(context.Background())
	var cod int64
	for _, p := range pms {
		if p.Name == "代金引換" {
			cod = p.ID
		}
	}
	app.PostForm(t, app.Admin, "/settings/payment-method-mappings", url.Values{"connection_id": {chID}, "channel_name": {"代金引換"}, "channel_code": {"2"}, "payment_method_id": {fmt.Sprint(cod)}}).WantRedirect(t, "/settings/payment-methods")
	res = app.Get(t, app.Operator, "/settings/payment-methods/export?what=mappings&enc=utf8")
	if !strings.Contains(res.Body, "楽天市場 本店,代金引換,2,代金引換") {
		t.Errorf("payment mapping export: %q", res.Body)
	}
	ds, _ := app.Store.DeliveryServices(context.Background())
	app.PostForm(t, app.Admin, "/settings/delivery-method-mappings", url.Values{"connection_id": {chID}, "channel_name": {"宅配便（ヤマト）"}, "delivery_service_id": {fmt.Sprint(ds[0].ID)}}).WantRedirect(t, "/settings/delivery-services")
	res = app.Get(t, app.Operator, "/settings/delivery-services/export?what=mappings&enc=sjis")
	utf, _ = japanese.ShiftJIS.NewDecoder().String(res.Body)
	if !strings.Contains(utf, "楽天市場 本店,宅配便（ヤマト）,"+ds[0].CarrierName+","+ds[0].Name) {
		t.Errorf("delivery mapping export: %q", utf)
	}
	if res = app.Get(t, app.Admin, "/settings/delivery-services"); !strings.Contains(res.Text("#delivery-method-mappings"), "宅配便（ヤマト）") {
		t.Errorf("mapping not listed: %s", res.Text("#delivery-method-mappings"))
	}
}

type goquerySel = goquery.Selection
