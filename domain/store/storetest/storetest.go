// Package storetest fills a test database with data in bulk, for
// benchmarks of the store and of the pages on top of it. It writes plain
// SQL straight to the tables (not through the store) because loading a
// million rows one order at a time would take longer than the benchmark.
//
// Only tests and benchmarks import it.
package storetest

import (
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// shipOrderChannels are the connections LoadShipOrders spreads its orders
// over, in the order of the ids it returns.
var shipOrderChannels = []struct{ name, marketplace string }{
	{"楽天A", "rakuten"},
	{"楽天B", "rakuten"},
	{"Amazon JP", "amazon"},
}

// LoadShipOrders adds 3 connections (each with its own 発送元) and n ship
// orders spread evenly over them to db, bulk loaded the way a migration
// from another system would be, and returns the connection ids.
//
// Order g (1…n) is 'B-g', ordered g minutes before now, so the newest are
// first and about 43,000 fall in the last 30 days. The first 20,000 are
// open (hold, awaiting_payment, ready); the rest are mostly shipped, with
// some cancelled, returned, ready and hold. Every fourth is unpaid. Buyer
// and recipient names repeat every 5,000 orders (山田 太郎N, 佐藤 花子N).
func LoadShipOrders(tb testing.TB, db *sqlx.DB, n int) []int64 {
	tb.Helper()
	var conns []int64
	for _, c := range shipOrderChannels {
		var sf, id int64
		if err := db.Get(&sf, `INSERT INTO ship_froms (name, postal_code, prefecture, address, phone)
			VALUES ($1, '100-0001', '東京都', '千代田区1-1', '03-0000-0000') RETURNING id`, "発送元 "+c.name); err != nil {
			tb.Fatal(err)
		}
		if err := db.Get(&id, `INSERT INTO connections (channel_name, marketplace, base_url, ship_from_id)
			VALUES ($1, $2, 'http://127.0.0.1', $3) RETURNING id`, c.name, c.marketplace, sf); err != nil {
			tb.Fatal(err)
		}
		conns = append(conns, id)
	}
	start := time.Now()
	// Indexes are built after the rows (one sort each instead of a million
	// inserts into each), then statistics and the visibility map, so the
	// planner sees the table as it would be in production.
	var defs []string
	if err := db.Select(&defs, `SELECT indexdef FROM pg_indexes WHERE tablename = 'ship_orders'
		AND indexname NOT IN ('ship_orders_pkey', 'ship_orders_channel_order_key')`); err != nil {
		tb.Fatal(err)
	}
	if _, err := db.Exec(`DO $$ DECLARE r record; BEGIN
		FOR r IN SELECT indexname FROM pg_indexes WHERE tablename = 'ship_orders'
			AND indexname NOT IN ('ship_orders_pkey', 'ship_orders_channel_order_key') LOOP
			EXECUTE 'DROP INDEX ' || quote_ident(r.indexname);
		END LOOP; END $$`); err != nil {
		tb.Fatal(err)
	}
	_, err := db.Exec(`
		INSERT INTO ship_orders (connection_id, marketplace, channel_order_no, channel_status, status, api_status,
			payment_status, ordered_at, ship_date, buyer, recipient, buyer_name, recipient_name, phones,
			delivery_name, payment_name, currency, total_amount)
		SELECT ($1::bigint[])[1 + g % 3], CASE WHEN g % 3 = 2 THEN 'amazon' ELSE 'rakuten' END,
			'B-' || g, '300', s.status,
			(ARRAY['unlinked','awaiting_label','label_printed','tracking_returned','shipped','completed'])[1 + g % 6],
			CASE WHEN g % 4 = 0 THEN 'unpaid' ELSE 'paid' END,
			t.at, CASE WHEN s.status = 'shipped' THEN (t.at + interval '1 day')::date END,
			jsonb_build_object('name', '山田 太郎' || g % 5000),
			jsonb_build_object('name', '佐藤 花子' || g % 5000, 'prefecture', '東京都', 'postal_code', '100-0005', 'address', '千代田区1-1'),
			'山田 太郎' || g % 5000, '佐藤 花子' || g % 5000, '090' || lpad((g::bigint * 7919 % 100000000)::text, 8, '0'),
			'宅配便', 'クレジットカード', 'JPY', 1000 + g % 50000
		FROM generate_series(1, $2::int) g,
			LATERAL (SELECT now() - (g * interval '1 minute') AS at) t,
			LATERAL (SELECT CASE WHEN g < 20000 THEN (ARRAY['hold','awaiting_payment','ready'])[1 + g % 3]
				ELSE (ARRAY['shipped','shipped','shipped','cancelled','returned','ready','hold'])[1 + g % 7] END AS status) s`,
		pq.Array(conns), n)
	if err != nil {
		tb.Fatal(err)
	}
	for _, d := range defs {
		if _, err := db.Exec(d); err != nil {
			tb.Fatal(err)
		}
	}
	if _, err := db.Exec(`VACUUM ANALYZE ship_orders`); err != nil {
		tb.Fatal(err)
	}
	tb.Logf("loaded %d ship orders in %s", n, time.Since(start).Round(time.Second))
	return conns
}
