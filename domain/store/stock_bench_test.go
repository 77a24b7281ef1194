package store_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/store/storetest"
	"github.com/renkei-oss/renkei/domain/store/testdb"
	"github.com/renkei-oss/renkei/domain/upload"
)

const (
	allocBenchOrders = 100_000
	allocBenchSKUs   = 10_000
)

// floorAllocateSQL makes the moves of Allocate in one set-based statement
// when every order fits (the benchmark's stock is ample, so oldest-first
// all-or-nothing decides nothing): the orders to 引当済 with their history
// row, what each holds, 引当数, and a 引当 ledger row per order and SKU
// with its running balance. Nothing can be cheaper in PostgreSQL; it is
// the floor Allocate is compared with.
const floorAllocateSQL = `
WITH o AS (
	SELECT id, ordered_at FROM ship_orders WHERE status = 'ready'
), need AS (
	SELECT l.ship_order_id AS oid, o.ordered_at, l.sku, sum(l.quantity)::int AS q
	FROM ship_order_lines l JOIN o ON o.id = l.ship_order_id GROUP BY 1, 2, 3
), moved AS (
	UPDATE ship_orders so SET status = 'allocated', stock_shortage = '', updated_at = now()
	FROM o WHERE so.id = o.id RETURNING so.id
), held AS (
	INSERT INTO stock_allocations (ship_order_id, warehouse_id, sku, quantity)
	SELECT oid, 1, sku, q FROM need
), tot AS (
	SELECT sku, sum(q)::int AS q FROM need GROUP BY sku
), st AS (
	UPDATE stock s SET allocated = s.allocated + tot.q, updated_at = now()
	FROM tot WHERE s.warehouse_id = 1 AND s.sku = tot.sku
	RETURNING s.sku, s.on_hand, s.allocated - tot.q AS before, s.safety
), led AS (
	INSERT INTO stock_ledger (warehouse_id, sku, kind, allocated_delta, on_hand_after, allocated_after, safety_after, actor, ship_order_id)
	SELECT 1, n.sku, 'allocate', n.q, st.on_hand,
		st.before + sum(n.q) OVER (PARTITION BY n.sku ORDER BY n.ordered_at, n.oid), st.safety, 'floor', n.oid
	FROM need n JOIN st USING (sku)
)
INSERT INTO ship_order_events (ship_order_id, actor, kind, message)
SELECT id, 'floor', 'status_changed', '引当: 出荷待ち → 引当済' FROM moved`

// loadAllocBench fills db with 10,000 SKUs holding 1,000 units each (one
// 入庫 ledger row apiece) and 100,000 出荷待ち orders of 1–3 lines.
func loadAllocBench(b *testing.B, db *sqlx.DB) int {
	b.Helper()
	if _, err := db.Exec(`TRUNCATE products, stock, stock_ledger, stock_allocations, ship_orders, connections, ship_froms CASCADE`); err != nil {
		b.Fatal(err)
	}
	storetest.LoadStock(b, db, allocBenchSKUs, 0)
	if _, err := db.Exec(`WITH up AS (UPDATE stock SET on_hand = 1000 RETURNING sku)
		INSERT INTO stock_ledger (warehouse_id, sku, kind, on_hand_delta, on_hand_after, allocated_after, safety_after, actor)
		SELECT 1, up.sku, 'receipt', 1000, 1000, 0, s.safety, 'bench' FROM up JOIN stock s USING (sku)`); err != nil {
		b.Fatal(err)
	}
	return storetest.LoadReadyOrders(b, db, allocBenchOrders, allocBenchSKUs)
}

// allocState is what both ways of allocating must leave behind.
type allocState struct{ Orders, Held, Ledger, Events int }

func readAllocState(b *testing.B, db *sqlx.DB) allocState {
	b.Helper()
	var s allocState
	if err := db.QueryRow(`SELECT (SELECT count(*) FROM ship_orders WHERE status = 'allocated'),
		(SELECT coalesce(sum(allocated), 0) FROM stock),
		(SELECT count(*) FROM stock_ledger WHERE kind = 'allocate'),
		(SELECT count(*) FROM ship_order_events WHERE kind = 'status_changed')`).Scan(&s.Orders, &s.Held, &s.Ledger, &s.Events); err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkAllocate100k allocates 100,000 出荷待ち orders (2 lines on
// average) over 10,000 SKUs with Allocate, then does the same moves with
// floorAllocateSQL on the same data, and reports orders/s of both and
// their ratio (aim ≥ 5,000 orders/s and ≥ 0.5 of the floor).
func BenchmarkAllocate100k(b *testing.B) {
	db := testdb.New(b)
	st, ctx := store.New(db), context.Background()
	var took, floor time.Duration
	for range b.N {
		b.StopTimer()
		lines := loadAllocBench(b, db)
		b.StartTimer()
		t := time.Now()
		res, err := st.Allocate(ctx, nil, "bench")
		took += time.Since(t)
		if err != nil || res.Allocated != allocBenchOrders {
			b.Fatalf("allocated %+v: %v", res, err)
		}
		b.StopTimer()
		got := readAllocState(b, db)

		loadAllocBench(b, db)
		t = time.Now()
		if _, err := db.Exec(floorAllocateSQL); err != nil {
			b.Fatal(err)
		}
		floor += time.Since(t)
		if want := readAllocState(b, db); got != want {
			b.Fatalf("Allocate left %+v, the floor %+v", got, want)
		}
		if got.Held != lines {
			b.Fatalf("引当数 %d, want the %d lines' units", got.Held, lines)
		}
		b.StartTimer()
	}
	n := float64(allocBenchOrders * b.N)
	rate, floorRate := n/took.Seconds(), n/floor.Seconds()
	b.ReportMetric(rate, "orders/s")
	b.ReportMetric(floorRate, "floor_orders/s")
	b.ReportMetric(rate/floorRate, "ratio_to_floor")
	b.Logf("引当 of %d orders over %d SKUs: %.0f orders/s (%s); one set-based statement: %.0f orders/s (%s); ratio %.2f",
		allocBenchOrders, allocBenchSKUs, rate, (took / time.Duration(b.N)).Round(time.Millisecond),
		floorRate, (floor / time.Duration(b.N)).Round(time.Millisecond), rate/floorRate)
}

// BenchmarkStockUpload100k measures 在庫アップロード as an operator waits
// for it: decode, validate against the stock, stage (preview), then apply
// in one transaction, for 100,000 rows of 上書き（棚卸） over as many SKUs,
// each a change. Reported as rows/s (aim ≥ 20,000).
func BenchmarkStockUpload100k(b *testing.B) {
	const rows = 100_000
	db := testdb.New(b)
	st, ctx := store.New(db), context.Background()
	storetest.LoadStock(b, db, rows, 1)
	var sb strings.Builder
	sb.WriteString("商品コード,数量,理由\n")
	for i := 1; i <= rows; i++ {
		fmt.Fprintf(&sb, "%s,%d,棚卸\n", storetest.StockSKU(i), 10+i%50)
	}
	file := []byte(sb.String())
	b.SetBytes(int64(len(file)))
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		// Each round sets other figures, so every row is a change.
		if _, err := db.Exec(`UPDATE stock SET on_hand = 2`); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		tab, err := upload.Read(bytes.NewReader(file))
		if err != nil {
			b.Fatal(err)
		}
		u, err := st.PreviewStockUpload(ctx, store.Upload{Filename: "bench.csv"}, tab, upload.StockOverwrite, false)
		if err != nil {
			b.Fatal(err)
		}
		if u.Changed != rows || u.Invalid != 0 {
			b.Fatalf("round %d: preview counts %+v", i, u.Counts)
		}
		changed, err := st.ApplyStockUpload(ctx, u.ID, "bench", false)
		if err != nil || len(changed) != rows {
			b.Fatalf("applied %d SKUs: %v", len(changed), err)
		}
	}
	b.StopTimer()
	rate := float64(rows*b.N) / b.Elapsed().Seconds()
	b.ReportMetric(rate, "rows/s")
	b.Logf("在庫アップロード of %d rows: %.0f rows/s (%s a file)", rows, rate, (b.Elapsed() / time.Duration(b.N)).Round(time.Millisecond))
}
