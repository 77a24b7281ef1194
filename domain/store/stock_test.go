package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/store/testdb"
	"github.com/renkei-oss/renkei/domain/upload"
)

func stockProducts(t testing.TB, db *sqlx.DB, skus ...string) {
	t.Helper()
	for _, s := range skus {
		if _, err := db.Exec(`INSERT INTO products (sku, name) VALUES ($1, $2)`, s, "商品 "+s); err != nil {
			t.Fatal(err)
		}
	}
}

// readyOrder inserts a 出荷待ち order with one line per SKU/quantity pair.
func readyOrder(t testing.TB, db *sqlx.DB, conn int64, no string, at time.Time, lines ...any) int64 {
	t.Helper()
	var id int64
	if err := db.Get(&id, `INSERT INTO ship_orders (connection_id, marketplace, channel_order_no, status, api_status, payment_status, ordered_at)
		VALUES ($1, 'rakuten', $2, 'ready', 'unlinked', 'paid', $3) RETURNING id`, conn, no, at); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(lines); i += 2 {
		if _, err := db.Exec(`INSERT INTO ship_order_lines (ship_order_id, line_no, sku, quantity) VALUES ($1, $2, $3, $4)`,
			id, i/2+1, lines[i], lines[i+1]); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

func orderState(t testing.TB, db *sqlx.DB, id int64) (status, shortage string) {
	t.Helper()
	if err := db.QueryRow(`SELECT status, stock_shortage FROM ship_orders WHERE id = $1`, id).Scan(&status, &shortage); err != nil {
		t.Fatal(err)
	}
	return
}

// assertLedgerMatches replays every SKU's ledger and compares it with the
// stored figures and with what the allocated orders hold.
func assertLedgerMatches(t testing.TB, db *sqlx.DB) {
	t.Helper()
	var bad []string
	if err := db.Select(&bad, `
		SELECT s.sku || ': stock ' || s.on_hand || '/' || s.allocated || '/' || s.safety || ' ledger ' ||
			coalesce(l.oh, 0) || '/' || coalesce(l.al, 0) || '/' || coalesce(l.sa, 0) || ' held ' || coalesce(a.q, 0)
		FROM stock s
		LEFT JOIN (SELECT sku, sum(on_hand_delta) oh, sum(allocated_delta) al, sum(safety_delta) sa FROM stock_ledger GROUP BY sku) l USING (sku)
		LEFT JOIN (SELECT sku, sum(quantity) q FROM stock_allocations GROUP BY sku) a USING (sku)
		WHERE s.on_hand <> coalesce(l.oh, 0) OR s.allocated <> coalesce(l.al, 0) OR s.safety <> coalesce(l.sa, 0)
			OR s.allocated <> coalesce(a.q, 0)`); err != nil {
		t.Fatal(err)
	}
	if len(bad) > 0 {
		t.Fatalf("stock differs from its ledger: %v", bad)
	}
	// The last row of each SKU carries the balances after it.
	var n int
	if err := db.Get(&n, `SELECT count(*) FROM stock s JOIN LATERAL (SELECT on_hand_after, allocated_after FROM stock_ledger l
		WHERE l.sku = s.sku ORDER BY id DESC LIMIT 1) last ON true
		WHERE last.on_hand_after <> s.on_hand OR last.allocated_after <> s.allocated`); err != nil || n != 0 {
		t.Fatalf("%d SKUs whose last ledger balance differs (%v)", n, err)
	}
	var orphan int
	if err := db.Get(&orphan, `SELECT count(*) FROM stock_allocations a JOIN ship_orders o ON o.id = a.ship_order_id WHERE o.status <> 'allocated'`); err != nil || orphan != 0 {
		t.Fatalf("%d allocations of orders not 引当済 (%v)", orphan, err)
	}
}

func TestAllocateOldestFirstAllLinesOrNone(t *testing.T) {
	db := testdb.New(t)
	st, ctx := store.New(db), context.Background()
	stockProducts(t, db, "SKU-A", "SKU-B")
	conn := soConnection(t, db, domain.MarketplaceRakuten, "楽天")
	if err := st.AdjustStock(ctx, "SKU-A", 3, "初期在庫", "admin"); err != nil {
		t.Fatal(err)
	}
	if err := st.AdjustStock(ctx, "SKU-B", 1, "初期在庫", "admin"); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now().Add(-time.Hour)
	newer := readyOrder(t, db, conn, "N", t0.Add(time.Minute), "SKU-A", 2)
	older := readyOrder(t, db, conn, "O", t0, "SKU-A", 2)
	both := readyOrder(t, db, conn, "AB", t0.Add(2*time.Minute), "SKU-A", 1, "SKU-B", 2)

	res, err := st.Allocate(ctx, nil, "引当")
	if err != nil {
		t.Fatal(err)
	}
	if res != (store.AllocResult{Allocated: 1, Short: 2}) {
		t.Fatalf("result %+v", res)
	}
	if s, _ := orderState(t, db, older); s != "allocated" {
		t.Fatalf("the older order is %s", s)
	}
	if s, r := orderState(t, db, newer); s != "ready" || r != "在庫不足: SKU-A あと1個" {
		t.Fatalf("newer: %s %q", s, r)
	}
	// All lines or none: SKU-A has 1 left but SKU-B is short, so nothing moves.
	if s, r := orderState(t, db, both); s != "ready" || r != "在庫不足: SKU-B あと1個" {
		t.Fatalf("both: %s %q", s, r)
	}
	if l, _ := st.StockLevel(ctx, "SKU-A"); l.OnHand != 3 || l.Allocated != 2 {
		t.Fatalf("SKU-A %+v", l)
	}

	// Cancel releases (確保数の再計算); the retry then allocates the newer one.
	if n, err := st.SetShipOrdersStatus(ctx, []int64{older}, domain.StatusCancelled, "operator"); err != nil || n != 1 {
		t.Fatalf("cancel: %d %v", n, err)
	}
	if l, _ := st.StockLevel(ctx, "SKU-A"); l.Allocated != 0 {
		t.Fatalf("after cancel SKU-A %+v", l)
	}
	if res, err := st.Allocate(ctx, nil, "引当"); err != nil || res.Allocated != 1 {
		t.Fatalf("retry %+v %v", res, err)
	}
	if s, r := orderState(t, db, newer); s != "allocated" || r != "" {
		t.Fatalf("newer after retry: %s %q", s, r)
	}
	if n, err := st.Deallocate(ctx, []int64{newer}, "operator"); err != nil || n != 1 {
		t.Fatalf("deallocate %d %v", n, err)
	}
	es, err := st.StockEntries(ctx, "SKU-A", 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []domain.StockKind
	for _, e := range es {
		kinds = append(kinds, e.Kind)
	}
	want := []domain.StockKind{domain.StockRelease, domain.StockAllocate, domain.StockRelease, domain.StockAllocate, domain.StockAdjust}
	if fmt.Sprint(kinds) != fmt.Sprint(want) {
		t.Fatalf("ledger newest first %v, want %v", kinds, want)
	}
	assertLedgerMatches(t, db)
}

func TestShipAllocatedStockIsAnIssue(t *testing.T) {
	db := testdb.New(t)
	st, ctx := store.New(db), context.Background()
	stockProducts(t, db, "SKU-A")
	conn := soConnection(t, db, domain.MarketplaceRakuten, "楽天")
	if err := st.AdjustStock(ctx, "SKU-A", 5, "入荷", "admin"); err != nil {
		t.Fatal(err)
	}
	id := readyOrder(t, db, conn, "1", time.Now(), "SKU-A", 2)
	if _, err := st.Allocate(ctx, nil, "引当"); err != nil {
		t.Fatal(err)
	}
	tx := db.MustBegin()
	shipped, err := store.ShipAllocatedStock(ctx, tx, []int64{id}, "出荷確定")
	if err != nil || len(shipped) != 1 {
		t.Fatalf("ship %v %v", shipped, err)
	}
	if _, err := tx.Exec(`UPDATE ship_orders SET status = 'shipped' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if l, _ := st.StockLevel(ctx, "SKU-A"); l.OnHand != 3 || l.Allocated != 0 {
		t.Fatalf("after shipping %+v", l)
	}
	assertLedgerMatches(t, db)
}

func TestStockConstraintsHoldWithoutGo(t *testing.T) {
	db := testdb.New(t)
	stockProducts(t, db, "SKU-A")
	if _, err := db.Exec(`INSERT INTO stock (sku, on_hand, allocated) VALUES ('SKU-A', 2, 1)`); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`UPDATE stock SET on_hand = -1, allocated = 0`,
		`UPDATE stock SET allocated = -1`,
		`UPDATE stock SET allocated = 3`,
		`INSERT INTO stock_ledger (sku, kind, on_hand_after, allocated_after, actor) VALUES ('SKU-A', 'issue', -1, 0, 'x')`,
	} {
		if _, err := db.Exec(q); err == nil {
			t.Errorf("%s: accepted", q)
		}
	}
	if _, err := db.Exec(`INSERT INTO stock_ledger (sku, kind, on_hand_after, allocated_after, actor) VALUES ('SKU-A', 'adjust', 0, 0, 'x')`); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`UPDATE stock_ledger SET reason = 'x'`, `DELETE FROM stock_ledger`} {
		if _, err := db.Exec(q); err == nil {
			t.Errorf("%s: the ledger is not append-only", q)
		}
	}
	st := store.New(db)
	if err := st.AdjustStock(context.Background(), "SKU-A", -2, "破損", "operator"); !store.IsStockError(err) {
		t.Fatalf("adjusting below 引当数: %v", err)
	}
}

// TestParallelAllocationNeverOversells runs two allocators (as two
// instances would), stock additions, removals, uploads and cancels at the same time
// on one SKU, then checks that the ledger, the figures and the orders agree.
func TestParallelAllocationNeverOversells(t *testing.T) {
	db := testdb.New(t)
	st, ctx := store.New(db), context.Background()
	stockProducts(t, db, "SKU-A", "SKU-B")
	conn := soConnection(t, db, domain.MarketplaceRakuten, "楽天")
	if err := st.AdjustStock(ctx, "SKU-A", 40, "初期在庫", "admin"); err != nil {
		t.Fatal(err)
	}
	if err := st.AdjustStock(ctx, "SKU-B", 40, "初期在庫", "admin"); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now().Add(-time.Hour)
	var ids []int64
	for i := range 150 {
		lines := []any{"SKU-A", 1}
		if i%2 == 0 {
			lines = []any{"SKU-B", 1, "SKU-A", 1}
		}
		ids = append(ids, readyOrder(t, db, conn, fmt.Sprint(i), t0.Add(time.Duration(i)*time.Second), lines...))
	}
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	run := func(f func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(); err != nil {
				errs <- err
			}
		}()
	}
	for range 2 {
		run(func() error {
			for range 5 {
				if _, err := st.Allocate(ctx, nil, "引当"); err != nil {
					return err
				}
			}
			return nil
		})
	}
	run(func() error {
		for range 10 {
			if err := st.AdjustStock(ctx, "SKU-A", 2, "入荷", "operator"); err != nil {
				return err
			}
			// Removing may be refused when the units are allocated; that is correct.
			if err := st.AdjustStock(ctx, "SKU-A", -1, "破損", "operator"); err != nil && !store.IsStockError(err) {
				return err
			}
		}
		return nil
	})
	// 在庫アップロード (加算) of the same SKUs, staged then applied.
	run(func() error {
		for range 5 {
			tab, err := upload.Read(strings.NewReader("商品コード,数量\nSKU-A,3\nSKU-B,1\n"))
			if err != nil {
				return err
			}
			u, err := st.PreviewStockUpload(ctx, store.Upload{Filename: "add.csv"}, tab, upload.StockAdd, false)
			if err != nil {
				return err
			}
			if _, err := st.ApplyStockUpload(ctx, u.ID, "operator", false); err != nil {
				return err
			}
		}
		return nil
	})
	run(func() error {
		for i := 0; i < len(ids); i += 7 {
			if _, err := st.SetShipOrdersStatus(ctx, ids[i:i+1], domain.StatusCancelled, "operator"); err != nil {
				return err
			}
		}
		return nil
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	assertLedgerMatches(t, db)
	var allocatedA, heldA, onHandA int
	if err := db.QueryRow(`SELECT allocated, on_hand FROM stock WHERE sku = 'SKU-A'`).Scan(&allocatedA, &onHandA); err != nil {
		t.Fatal(err)
	}
	if err := db.Get(&heldA, `SELECT coalesce(sum(l.quantity), 0) FROM ship_order_lines l JOIN ship_orders o ON o.id = l.ship_order_id
		WHERE o.status = 'allocated' AND l.sku = 'SKU-A'`); err != nil {
		t.Fatal(err)
	}
	if allocatedA != heldA || allocatedA > onHandA {
		t.Fatalf("SKU-A: 引当数 %d, held by 引当済 orders %d, 実在庫数 %d", allocatedA, heldA, onHandA)
	}
}
