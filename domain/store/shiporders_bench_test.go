package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/store/testdb"
)

// listBenchRows is the size of 出荷リスト in BenchmarkShipOrderList.
const listBenchRows = 1_000_000

// BenchmarkShipOrderList measures 出荷リスト's server work (「全N件」 count
// plus one page of 50) at 1,000,000 ship orders: the first page, and a
// page filtered by status and channel. It reports p50 and p95 in ms (aim
// p95 ≤ 50 ms).
func BenchmarkShipOrderList(b *testing.B) {
	db, conns := loadListBench(b)
	st := store.New(db)
	ctx := context.Background()
	cases := []struct {
		name string
		q    store.ShipOrderQuery
	}{
		{"first_page", store.ShipOrderQuery{Limit: 50}},
		{"filtered_ready_channel", store.ShipOrderQuery{Status: domain.StatusReady, ConnectionID: conns[0], Limit: 50}},
		// A date filter is counted on the rows, not from the counters.
		{"filtered_last_30_days_paid", store.ShipOrderQuery{PaymentStatus: domain.PaymentPaid, OrderedFrom: time.Now().AddDate(0, 0, -30), Limit: 50}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			const samples = 100
			for range b.N {
				var took []time.Duration
				for range samples {
					t := time.Now()
					total, err := st.CountShipOrders(ctx, c.q)
					if err != nil {
						b.Fatal(err)
					}
					rows, _, err := st.ShipOrders(ctx, c.q)
					if err != nil || len(rows) != 50 || total < 50 {
						b.Fatalf("%d rows of %d: %v", len(rows), total, err)
					}
					took = append(took, time.Since(t))
				}
				slices.Sort(took)
				p50, p95 := took[samples/2], took[samples*95/100]
				b.ReportMetric(float64(p50.Microseconds())/1000, "p50_ms")
				b.ReportMetric(float64(p95.Microseconds())/1000, "p95_ms")
				b.Logf("%s at %d ship orders: p50 %s, p95 %s", c.name, listBenchRows, p50.Round(time.Microsecond*100), p95.Round(time.Microsecond*100))
			}
		})
	}
}

// loadListBench is a fresh database with listBenchRows ship orders over 3
// channels, bulk loaded the way a migration from another system would be.
func loadListBench(b *testing.B) (*sqlx.DB, []int64) {
	db := testdb.New(b)
	var conns []int64
	for _, name := range []string{"楽天A", "楽天B", "Amazon JP"} {
		m := domain.MarketplaceRakuten
		if name == "Amazon JP" {
			m = domain.MarketplaceAmazon
		}
		conns = append(conns, soConnection(b, db, m, name))
	}
	start := time.Now()
	// Indexes are built after the rows, then statistics and the visibility map.
	var defs []string
	if err := db.Select(&defs, `SELECT indexdef FROM pg_indexes WHERE tablename = 'ship_orders'
		AND indexname NOT IN ('ship_orders_pkey', 'ship_orders_channel_order_key')`); err != nil {
		b.Fatal(err)
	}
	if _, err := db.Exec(`DO $$ DECLARE r record; BEGIN
		FOR r IN SELECT indexname FROM pg_indexes WHERE tablename = 'ship_orders'
			AND indexname NOT IN ('ship_orders_pkey', 'ship_orders_channel_order_key') LOOP
			EXECUTE 'DROP INDEX ' || quote_ident(r.indexname);
		END LOOP; END $$`); err != nil {
		b.Fatal(err)
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
		pq.Array(conns), listBenchRows)
	if err != nil {
		b.Fatal(err)
	}
	for _, d := range defs {
		if _, err := db.Exec(d); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := db.Exec(`VACUUM ANALYZE ship_orders`); err != nil {
		b.Fatal(err)
	}
	b.Logf("loaded %d ship orders in %s", listBenchRows, time.Since(start).Round(time.Second))

	return db, conns
}
