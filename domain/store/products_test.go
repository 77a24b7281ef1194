package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/store/testdb"
	"github.com/renkei-oss/renkei/domain/upload"
)

// productFile builds our layout with n rows; bad replaces rows by index.
func productFile(n int, bad map[int]string) string {
	var b strings.Builder
	b.WriteString(strings.Join(upload.OwnColumns, ",") + "\r\n")
	for i := 0; i < n; i++ {
		if r, ok := bad[i]; ok {
			b.WriteString(r + "\r\n")
			continue
		}
		fmt.Fprintf(&b, "SKU-%06d,商品%d 髙①～,4901234567894,単品,%d,%d\r\n", i, i, i%5, i%10)
	}
	return b.String()
}

func preview(t testing.TB, st *store.Store, data []byte, layout upload.Layout, codeCol string) *store.Upload {
	t.Helper()
	tab, err := upload.Read(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.PreviewProductUpload(context.Background(), store.Upload{Filename: "test.csv"}, tab, layout, codeCol)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func countProducts(t *testing.T, st *store.Store) int {
	t.Helper()
	var n int
	if err := st.DB().Get(&n, `SELECT count(*) FROM products`); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestProductUploadWithBadRowsAppliesNothing(t *testing.T) {
	st := store.New(testdb.New(t))
	ctx := context.Background()
	bad := map[int]string{
		3:   ",名前だけ,,単品,,",                          // row 5
		400: "SKU-BAD-JAN,JAN違い,4901234567890,単品,,", // row 402
		999: "SKU-000001,重複行,,単品,,",                 // row 1001
	}
	u := preview(t, st, []byte(productFile(1000, bad)), upload.LayoutAuto, "")
	if u.Invalid != 3 || u.New != 997 {
		t.Fatalf("counts = %+v, want 997 new and 3 invalid", u.Counts)
	}
	errs, err := st.UploadErrors(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	var lines []int
	for _, e := range errs {
		lines = append(lines, e.Line)
		if e.Column == "" || e.Reason == "" {
			t.Errorf("error without column or reason: %+v", e)
		}
	}
	if fmt.Sprint(lines) != "[5 402 1001]" {
		t.Errorf("invalid rows = %v, want [5 402 1001]; errors %+v", lines, errs)
	}
	if _, err := st.ApplyProductUpload(ctx, u.ID); !errors.Is(err, store.ErrUploadNotApplicable) {
		t.Fatalf("apply with invalid rows: err = %v", err)
	}
	if n := countProducts(t, st); n != 0 {
		t.Errorf("%d products written, want none", n)
	}
}

func TestProductUploadTwiceChangesNothing(t *testing.T) {
	st := store.New(testdb.New(t))
	ctx := context.Background()
	file := []byte(productFile(1000, nil))
	u := preview(t, st, file, upload.LayoutAuto, "")
	if u.New != 1000 || !u.Applicable() {
		t.Fatalf("first preview = %+v", u.Counts)
	}
	n, err := st.ApplyProductUpload(ctx, u.ID)
	if err != nil || n != 1000 {
		t.Fatalf("apply: n=%d err=%v", n, err)
	}
	if _, err := st.ApplyProductUpload(ctx, u.ID); !errors.Is(err, store.ErrUploadNotApplicable) {
		t.Errorf("second apply of the same upload: err = %v", err)
	}
	var before string
	st.DB().Get(&before, `SELECT max(updated_at)::text FROM products`)

	u2 := preview(t, st, file, upload.LayoutAuto, "")
	if u2.Counts != (upload.Counts{Unchanged: 1000}) || u2.Applicable() {
		t.Fatalf("second preview = %+v, want 1000 unchanged", u2.Counts)
	}
	var after string
	st.DB().Get(&after, `SELECT max(updated_at)::text FROM products`)
	if before != after || countProducts(t, st) != 1000 {
		t.Errorf("second upload touched products: updated_at %s → %s", before, after)
	}

	// One changed row is the only change.
	changed := strings.Replace(string(file), "SKU-000007,商品7 髙①～", "SKU-000007,商品7 改", 1)
	u3 := preview(t, st, []byte(changed), upload.LayoutAuto, "")
	if u3.Counts != (upload.Counts{Changed: 1, Unchanged: 999}) {
		t.Fatalf("third preview = %+v", u3.Counts)
	}
	if n, err := st.ApplyProductUpload(ctx, u3.ID); err != nil || n != 1 {
		t.Fatalf("apply change: n=%d err=%v", n, err)
	}
}

func TestRakutenShiftJISImportExportsSameText(t *testing.T) {
	st := store.New(testdb.New(t))
	ctx := context.Background()
	src := "商品管理番号（商品URL）,商品番号,商品名,SKU管理番号,システム連携用SKU番号,カタログID\r\n" +
		"taka-01,T-01,髙島屋①限定 ～春～ ﾏｸﾞ,,,\r\n" +
		"taka-01,,,s1,TAKA-01-S,4901234567894\r\n" +
		"taka-01,,,s2,TAKA-01-L,\r\n"
	sj, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	u := preview(t, st, sj, upload.LayoutAuto, upload.RakutenMerchantSKU)
	if u.Encoding != upload.EncShiftJIS || u.Layout != string(upload.LayoutRakuten) || u.New != 2 {
		t.Fatalf("preview = %+v", u)
	}
	if _, err := st.ApplyProductUpload(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	type codeName struct {
		SKU  string `csv:"商品コード"`
		Name string `csv:"商品名"`
	}
	var rows []codeName
	if err := st.AllProducts(ctx, func(p domain.Product) error {
		rows = append(rows, codeName{p.SKU, p.Name})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rep, err := upload.WriteCSV(&out, upload.ExportShiftJIS, rows)
	if err != nil || rep.Count != 0 {
		t.Fatalf("export: err=%v replaced=%+v", err, rep)
	}
	utf, _ := japanese.ShiftJIS.NewDecoder().Bytes(out.Bytes())
	want := "商品コード,商品名\r\nTAKA-01-L,髙島屋①限定 ～春～ ﾏｸﾞ\r\nTAKA-01-S,髙島屋①限定 ～春～ ﾏｸﾞ\r\n"
	if string(utf) != want {
		t.Errorf("export =\n%q\nwant\n%q", utf, want)
	}
}

func TestProductCRUDAndInUse(t *testing.T) {
	st := store.New(testdb.New(t))
	ctx := context.Background()
	p := &domain.Product{SKU: "A-1", Name: "りんご"}
	if err := st.CreateProduct(ctx, p); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateProduct(ctx, &domain.Product{SKU: "A-1", Name: "dup"}); !errors.Is(err, store.ErrDuplicateSKU) {
		t.Errorf("duplicate SKU: err = %v", err)
	}
	for i := 0; i < 5; i++ {
		st.CreateProduct(ctx, &domain.Product{SKU: fmt.Sprintf("B-%d", i), Name: fmt.Sprintf("ばなな%d", i)})
	}
	page, next, err := st.Products(ctx, store.ProductQuery{Limit: 4})
	if err != nil || len(page) != 4 || next != "B-2" {
		t.Fatalf("page 1: %d rows next=%q err=%v", len(page), next, err)
	}
	page, next, _ = st.Products(ctx, store.ProductQuery{Limit: 4, After: next})
	if len(page) != 2 || next != "" || page[0].SKU != "B-3" {
		t.Errorf("page 2 = %+v next=%q", page, next)
	}
	if page, _, _ = st.Products(ctx, store.ProductQuery{Search: "りんご"}); len(page) != 1 {
		t.Errorf("search りんご: %d rows", len(page))
	}
	m := &domain.ProductMapping{ConnectionID: mustChannel(t, st, "楽天本店"), ItemCode: "item-1", SKU: "A-1"}
	if err := st.SaveProductMapping(ctx, m); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteProduct(ctx, p.ID); !errors.Is(err, store.ErrProductInUse) {
		t.Errorf("delete mapped product: err = %v, want ErrProductInUse", err)
	}
	p.Disabled = true
	if err := st.UpdateProduct(ctx, p); err != nil {
		t.Fatal(err)
	}
	if page, _, _ = st.Products(ctx, store.ProductQuery{Search: "りんご"}); len(page) != 0 {
		t.Errorf("disabled product still listed by default")
	}
	other, _, _ := st.Products(ctx, store.ProductQuery{Search: "B-4"})
	if err := st.DeleteProduct(ctx, other[0].ID); err != nil {
		t.Errorf("delete unused product: %v", err)
	}
}

// A product named by a ship-order line (SKU as text, no foreign key) is
// used too: it can be disabled but not deleted.
func TestProductOnShipOrderLineIsInUse(t *testing.T) {
	st := store.New(testdb.New(t))
	ctx := context.Background()
	p := &domain.Product{SKU: "SHIP-1", Name: "出荷済みの商品"}
	if err := st.CreateProduct(ctx, p); err != nil {
		t.Fatal(err)
	}
	_, err := st.DB().Exec(`
		WITH sf AS (INSERT INTO ship_froms (name, postal_code, prefecture, address, phone)
		            VALUES ('倉庫', '100-0001', '東京都', '千代田区1-1', '03-0000-0000') RETURNING id),
		     c AS (INSERT INTO connections (channel_name, marketplace, base_url, ship_from_id)
		           SELECT '楽天', 'rakuten', 'http://127.0.0.1', id FROM sf RETURNING id),
		     o AS (INSERT INTO ship_orders (connection_id, marketplace, channel_order_no, status, api_status, payment_status, ordered_at)
		           SELECT id, 'rakuten', 'R-1', 'ready', 'unlinked', 'paid', now() FROM c RETURNING id)
		INSERT INTO ship_order_lines (ship_order_id, line_no, sku, quantity) SELECT id, 1, 'SHIP-1', 1 FROM o`)
	if err != nil {
		t.Fatal(err)
	}
	if used, err := st.ProductInUse(ctx, p.ID); err != nil || !used {
		t.Errorf("in use = %v, %v", used, err)
	}
	if err := st.DeleteProduct(ctx, p.ID); !errors.Is(err, store.ErrProductInUse) {
		t.Errorf("delete: err = %v, want ErrProductInUse", err)
	}
	if err := st.DeleteProduct(ctx, p.ID+1000); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("delete missing: err = %v", err)
	}
}
