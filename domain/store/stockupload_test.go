package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/store/testdb"
	"github.com/renkei-oss/renkei/domain/upload"
)

func previewStock(t *testing.T, st *store.Store, csv string, mode upload.StockMode) *store.Upload {
	t.Helper()
	tab, err := upload.Read(strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.PreviewStockUpload(context.Background(), store.Upload{Filename: "stock.csv"}, tab, mode, true)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestStockUploadOverwriteTwiceChangesNothing(t *testing.T) {
	db := testdb.New(t)
	st, ctx := store.New(db), context.Background()
	stockProducts(t, db, "SKU-A", "SKU-B")
	file := "商品コード,数量,予備在庫数,理由\nSKU-A,10,2,棚卸\nSKU-B,0,,\n"
	u := previewStock(t, st, file, upload.StockOverwrite)
	if u.Changed != 1 || u.Unchanged != 1 || u.Invalid != 0 {
		t.Fatalf("counts %+v", u.Counts)
	}
	changed, err := st.ApplyStockUpload(ctx, u.ID, "admin", true)
	if err != nil || len(changed) != 1 {
		t.Fatalf("apply %v %v", changed, err)
	}
	// A double click: the second 反映 finds it applied.
	if _, err := st.ApplyStockUpload(ctx, u.ID, "admin", true); !errors.Is(err, store.ErrUploadNotApplicable) {
		t.Fatalf("second apply: %v", err)
	}
	again := previewStock(t, st, file, upload.StockOverwrite)
	if again.Changed != 0 || again.Applicable() {
		t.Fatalf("the same file again: %+v", again.Counts)
	}
	row, err := st.StockLineBySKU(ctx, "SKU-A")
	if err != nil || row.OnHand != 10 || row.Safety != 2 || row.Free != 8 || row.Allocatable != 10 {
		t.Fatalf("SKU-A %+v %v", row, err)
	}
	assertLedgerMatches(t, db)
}

func TestStockUploadWithBadRowsAppliesNothing(t *testing.T) {
	db := testdb.New(t)
	st, ctx := store.New(db), context.Background()
	stockProducts(t, db, "SKU-A")
	u := previewStock(t, st, "商品コード,数量\nSKU-A,5\nSKU-X,1\nSKU-A2,x\n", upload.StockSubtract)
	if u.Invalid != 3 {
		t.Fatalf("counts %+v", u.Counts)
	}
	errs, err := st.UploadErrors(ctx, u.ID)
	if err != nil || len(errs) != 3 {
		t.Fatalf("errors %+v %v", errs, err)
	}
	if errs[0].Line != 2 || errs[0].Column != "数量" || !strings.Contains(errs[0].Reason, "0未満") {
		t.Fatalf("first error %+v", errs[0])
	}
	if _, err := st.ApplyStockUpload(ctx, u.ID, "admin", true); !errors.Is(err, store.ErrUploadNotApplicable) {
		t.Fatalf("apply with bad rows: %v", err)
	}
	var n int
	if err := db.Get(&n, `SELECT count(*) FROM stock_ledger`); err != nil || n != 0 {
		t.Fatalf("%d ledger rows", n)
	}
}

func TestStockListFiltersAndSorts(t *testing.T) {
	db := testdb.New(t)
	st, ctx := store.New(db), context.Background()
	stockProducts(t, db, "SKU-A", "SKU-B", "SKU-C")
	for sku, q := range map[string]int{"SKU-A": 5, "SKU-B": 1} {
		if err := st.AdjustStock(ctx, sku, q, "入荷", "admin"); err != nil {
			t.Fatal(err)
		}
	}
	rows, total, err := st.StockList(ctx, store.StockQuery{Sort: "free", Desc: true})
	if err != nil || total != 3 || rows[0].SKU != "SKU-A" || rows[2].SKU != "SKU-C" {
		t.Fatalf("sorted %+v %d %v", rows, total, err)
	}
	one := 1
	rows, total, _ = st.StockList(ctx, store.StockQuery{FreeMax: &one})
	if total != 2 || rows[0].SKU != "SKU-B" {
		t.Fatalf("フリー在庫数 ≤ 1: %+v", rows)
	}
	rows, total, _ = st.StockList(ctx, store.StockQuery{OutOfStock: true, Q: "sku-c"})
	if total != 1 || rows[0].SKU != "SKU-C" {
		t.Fatalf("在庫切れ: %+v", rows)
	}
}

// A day later staged uploads are purged, but an applied stock upload is
// named by 在庫履歴, which is append-only: the next upload still stages,
// and the ledger keeps its link.
func TestOldAppliedStockUploadSurvivesThePurge(t *testing.T) {
	db := testdb.New(t)
	st, ctx := store.New(db), context.Background()
	stockProducts(t, db, "SKU-A")
	applied := previewStock(t, st, "商品コード,数量\nSKU-A,5\n", upload.StockAdd)
	if _, err := st.ApplyStockUpload(ctx, applied.ID, "admin", true); err != nil {
		t.Fatal(err)
	}
	staged := previewStock(t, st, "商品コード,数量\nSKU-A,1\n", upload.StockAdd)
	if _, err := db.Exec(`UPDATE master_uploads SET created_at = now() - interval '2 days'`); err != nil {
		t.Fatal(err)
	}
	previewStock(t, st, "商品コード,数量\nSKU-A,2\n", upload.StockAdd)
	var kept []int64
	if err := db.Select(&kept, `SELECT DISTINCT upload_id FROM stock_ledger`); err != nil || len(kept) != 1 || kept[0] != applied.ID {
		t.Fatalf("ledger uploads %v (%v), want [%d]", kept, err, applied.ID)
	}
	if _, err := st.GetUpload(ctx, applied.ID, store.UploadStock); err != nil {
		t.Fatalf("the applied upload: %v", err)
	}
	if _, err := st.GetUpload(ctx, staged.ID, store.UploadStock); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the old staged upload: %v, want it purged", err)
	}
}

// 反映 writes the staged plan only while the stock is as the preview saw
// it; when a SKU moved in between, the rows are planned again (a 上書き
// still ends at the file's figure), and a 予備在庫数 change applied by an
// operator is refused whole.
func TestStockUploadAppliesAgainstTheStockOfNow(t *testing.T) {
	cases := []struct {
		name         string
		csv          string
		moveBy       int // 手動調整 between preview and 反映
		mayChange    bool
		wantOnHand   int
		wantSafety   int
		wantRefusal  string
		wantLedgerAt int // rows of kind stocktake or safety
	}{
		{"unmoved", "商品コード,数量,予備在庫数\nSKU-A,5,2\n", 0, true, 5, 2, "", 2},
		{"moved", "商品コード,数量\nSKU-A,5\n", 2, true, 5, 0, "", 1},
		{"moved down", "商品コード,数量\nSKU-A,9\n", -1, true, 9, 0, "", 1},
		{"safety by an operator", "商品コード,数量,予備在庫数\nSKU-A,5,2\n", 0, false, 1, 0, "予備在庫数の一括変更は管理者だけができます", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db := testdb.New(t)
			st, ctx := store.New(db), context.Background()
			stockProducts(t, db, "SKU-A")
			if err := st.AdjustStock(ctx, "SKU-A", 1, "初期", "admin"); err != nil {
				t.Fatal(err)
			}
			u := previewStock(t, st, c.csv, upload.StockOverwrite)
			if c.moveBy != 0 {
				if err := st.AdjustStock(ctx, "SKU-A", c.moveBy, "入荷", "operator"); err != nil {
					t.Fatal(err)
				}
			}
			_, err := st.ApplyStockUpload(ctx, u.ID, "someone", c.mayChange)
			if c.wantRefusal != "" {
				if !store.IsStockError(err) || !strings.Contains(err.Error(), c.wantRefusal) {
					t.Fatalf("apply: %v, want %q", err, c.wantRefusal)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			l, err := st.StockLevel(ctx, "SKU-A")
			if err != nil || l.OnHand != c.wantOnHand || l.Safety != c.wantSafety {
				t.Fatalf("level %+v (%v), want 実在庫数 %d 予備在庫数 %d", l, err, c.wantOnHand, c.wantSafety)
			}
			var n int
			if err := db.Get(&n, `SELECT count(*) FROM stock_ledger WHERE kind IN ('stocktake', 'safety')`); err != nil || n != c.wantLedgerAt {
				t.Fatalf("%d 棚卸調整/予備在庫数変更 rows (%v), want %d", n, err, c.wantLedgerAt)
			}
			assertLedgerMatches(t, db)
		})
	}
}
