package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
)

// StockSKU is the SKU LoadStock gives product i (1…n): "SKU-0000001".
func StockSKU(i int) string { return fmt.Sprintf("SKU-%07d", i) }

// LoadStock adds n products (SKU-0000001…, 商品名 "商品 i", every tenth
// with a JAN) with a stock row each, and perRow ledger rows per SKU that sum
// to it: alternately 入庫 +2 and 出庫 −1, so a SKU with k rows holds
// ceil(k/2)·2 − floor(k/2) on hand. Every 97th SKU has 予備在庫数 3. The
// ledger's secondary index is built after its rows, as LoadShipOrders does.
func LoadStock(tb testing.TB, db *sqlx.DB, n, perRow int) {
	tb.Helper()
	start := time.Now()
	exec(tb, db, `INSERT INTO products (sku, name, jan)
		SELECT 'SKU-' || lpad(g::text, 7, '0'), '商品 ' || g,
			CASE WHEN g % 10 = 0 THEN '49' || lpad(g::text, 11, '0') ELSE '' END
		FROM generate_series(1, $1::int) g`, n)
	// Balances after k rows of +2/−1: ((k+1)/2)·2 − k/2 in integers.
	exec(tb, db, `INSERT INTO stock (warehouse_id, sku, on_hand, safety, updated_at)
		SELECT 1, 'SKU-' || lpad(g::text, 7, '0'), (($2 + 1) / 2) * 2 - $2 / 2,
			CASE WHEN g % 97 = 0 THEN 3 ELSE 0 END, now() - g * interval '1 second'
		FROM generate_series(1, $1::int) g`, n, perRow)
	exec(tb, db, `DROP INDEX stock_ledger_sku_idx`)
	exec(tb, db, `INSERT INTO stock_ledger (at, warehouse_id, sku, kind, on_hand_delta, on_hand_after, allocated_after, actor, reason)
		SELECT now() - (($2 - k) * interval '1 hour'), 1, 'SKU-' || lpad(g::text, 7, '0'),
			CASE WHEN k % 2 = 1 THEN 'receipt' ELSE 'issue' END, CASE WHEN k % 2 = 1 THEN 2 ELSE -1 END,
			((k + 1) / 2) * 2 - k / 2, 0, 'bench', ''
		FROM generate_series(1, $2::int) k, generate_series(1, $1::int) g`, n, perRow)
	exec(tb, db, `CREATE INDEX stock_ledger_sku_idx ON stock_ledger (warehouse_id, sku, id DESC)`)
	exec(tb, db, `VACUUM ANALYZE products, stock, stock_ledger`)
	tb.Logf("loaded %d SKUs and %d ledger rows in %s", n, n*perRow, time.Since(start).Round(time.Second))
}

// LoadReadyOrders adds n 出荷待ち ship orders on a new connection, ordered
// one second apart (order g is "R-g"), with 1–3 lines each (2 on average)
// over the SKUs of LoadStock's first skus products, one unit a line. It
// returns how many lines it wrote.
func LoadReadyOrders(tb testing.TB, db *sqlx.DB, n, skus int) int {
	tb.Helper()
	var sf, conn int64
	if err := db.Get(&sf, `INSERT INTO ship_froms (name, postal_code, prefecture, address, phone)
		VALUES ('発送元 引当', '100-0001', '東京都', '千代田区1-1', '03-0000-0000') RETURNING id`); err != nil {
		tb.Fatal(err)
	}
	if err := db.Get(&conn, `INSERT INTO connections (channel_name, marketplace, base_url, ship_from_id)
		VALUES ('楽天 引当', 'rakuten', 'http://127.0.0.1', $1) RETURNING id`, sf); err != nil {
		tb.Fatal(err)
	}
	exec(tb, db, `INSERT INTO ship_orders (connection_id, marketplace, channel_order_no, status, api_status, payment_status, ordered_at)
		SELECT $1, 'rakuten', 'R-' || g, 'ready', 'unlinked', 'paid', now() - interval '30 days' + g * interval '1 second'
		FROM generate_series(1, $2::int) g`, conn, n)
	// Line j of order g exists when j ≤ 1 + g % 3; its SKU steps by 3 per
	// line, so the lines of one order differ unless skus divides 3, 6.
	var lines int
	if err := db.Get(&lines, `WITH ins AS (
		INSERT INTO ship_order_lines (ship_order_id, line_no, sku, quantity)
		SELECT o.id, j, 'SKU-' || lpad((1 + (g * 7 + j * 3) % $2)::text, 7, '0'), 1
		FROM (SELECT id, substr(channel_order_no, 3)::int AS g FROM ship_orders WHERE connection_id = $1) o,
			generate_series(1, 3) j
		WHERE j <= 1 + o.g % 3
		RETURNING 1) SELECT count(*) FROM ins`, conn, skus); err != nil {
		tb.Fatal(err)
	}
	exec(tb, db, `VACUUM ANALYZE ship_orders, ship_order_lines`)
	return lines
}

func exec(tb testing.TB, db *sqlx.DB, q string, args ...any) {
	tb.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		tb.Fatalf("%v\n%s", err, q)
	}
}
