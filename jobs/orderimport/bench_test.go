package orderimport_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/amazon"
	"github.com/renkei-oss/renkei/marketplace/rakuten"
)

// benchOrders is the size of the import benchmarks.
const benchOrders = 100_000

// importBench imports benchOrders sandbox orders placed over the last 6
// days (one one-week window) through the client into PostgreSQL.
func importBench(b *testing.B, m domain.Marketplace, factor float64) (*fixture, domain.ImportRun, time.Duration) {
	f := newFixtureWith(b, fixtureOptions{marketplace: m, orders: benchOrders, span: 6 * 24 * time.Hour, rateFactor: factor})
	start := time.Now()
	run, err := f.runner.Run(context.Background(), f.conn, domain.ImportRequest{Mode: domain.ImportHours, Hours: 168}, "ベンチマーク")
	elapsed := time.Since(start)
	if err != nil || run.State != domain.ImportDone {
		b.Fatalf("import: %v %s", err, describe(run))
	}
	if run.Counts.Created < benchOrders/2 {
		b.Fatalf("only %d orders created: %s", run.Counts.Created, describe(run))
	}
	return f, run, elapsed
}

// BenchmarkImport100k reports the import's orders/s beside a COPY of the
// same rows into the same tables (same indexes); import/copy is the ratio
// we track (aim ≥ 0.5). Sandbox rate limits and client pacing are off.
func BenchmarkImport100k(b *testing.B) {
	for _, m := range marketplaces {
		b.Run(string(m), func(b *testing.B) { benchImport(b, m) })
	}
}

func benchImport(b *testing.B, m domain.Marketplace) {
	for range b.N {
		f, run, elapsed := importBench(b, m, 0)
		copyTime := copySameRows(b, f.db)
		imp := float64(run.Counts.Created) / elapsed.Seconds()
		cp := float64(run.Counts.Created) / copyTime.Seconds()
		b.ReportMetric(imp, "orders/s")
		b.ReportMetric(cp, "copy_orders/s")
		b.ReportMetric(imp/cp, "import/copy")
		b.Logf("imported %d orders (fetched %d) in %s = %.0f orders/s; COPY of the same rows %s = %.0f orders/s; ratio %.2f",
			run.Counts.Created, run.Counts.Fetched, elapsed.Round(time.Millisecond), imp, copyTime.Round(time.Millisecond), cp, imp/cp)
	}
}

// copySameRows reads back what the import wrote (ship orders, lines,
// history), empties the tables and COPYs the rows in again, timed.
func copySameRows(b *testing.B, db *sqlx.DB) time.Duration {
	tables := []string{"ship_orders", "ship_order_lines", "ship_order_events"}
	type dump struct {
		cols []string
		rows [][]any
	}
	dumps := make([]dump, len(tables))
	for i, t := range tables {
		rows, err := db.Queryx(`SELECT * FROM ` + t)
		if err != nil {
			b.Fatal(err)
		}
		cols, _ := rows.Columns()
		d := dump{cols: cols}
		for rows.Next() {
			vals, err := rows.SliceScan()
			if err != nil {
				b.Fatal(err)
			}
			for j, v := range vals {
				if bs, ok := v.([]byte); ok {
					vals[j] = string(bs) // jsonb and text come back as bytes
				}
			}
			d.rows = append(d.rows, vals)
		}
		rows.Close()
		dumps[i] = d
	}
	if _, err := db.Exec(`TRUNCATE ship_orders CASCADE`); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	for i, t := range tables {
		st, err := tx.Prepare(pq.CopyIn(t, dumps[i].cols...))
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range dumps[i].rows {
			if _, err := st.Exec(r...); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := st.Exec(); err != nil {
			b.Fatal(err)
		}
		st.Close()
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

// BenchmarkImport100kPaced runs the same import with the published limits
// scaled on both sides (sandbox and client pacing) and reports the API
// calls made vs the protocol minimum and the wall time vs the rate-limit
// floor (per pacing bucket, the calls beyond its burst at its published
// rate), both as ratios.
//
// ×1000 is the scale. It keeps Amazon's searchOrders (0.0056/s)
// the bottleneck, but turns Rakuten's 1 request/s into 1,000/s: a floor of
// about 1.1 s for 100,000 orders, i.e. 90,000 orders/s, more than a COPY
// of the same rows into PostgreSQL manages on a 2-core machine (5,000–
// 14,000 orders/s, see BenchmarkImport100k). There the wall time measures
// CPU and the database, not pacing, so Rakuten is also run at ×20, where
// the floor asks for about 1,800 orders/s, under what the unpaced import
// does (3,000–8,000): there the limit is what holds the import back, and
// wall/floor says whether pacing wastes time.
func BenchmarkImport100kPaced(b *testing.B) {
	for _, c := range []struct {
		m      domain.Marketplace
		factor float64
	}{
		{domain.MarketplaceRakuten, 1000},
		{domain.MarketplaceAmazon, 1000},
		{domain.MarketplaceRakuten, 20},
	} {
		b.Run(fmt.Sprintf("%s_x%g", c.m, c.factor), func(b *testing.B) { benchPaced(b, c.m, c.factor) })
	}
}

func benchPaced(b *testing.B, m domain.Marketplace, factor float64) {
	for range b.N {
		f, run, elapsed := importBench(b, m, factor)
		var ops []struct {
			Op string `db:"operation"`
			N  int    `db:"n"`
		}
		if err := f.db.Select(&ops, `SELECT operation, count(*) AS n FROM api_logs WHERE operation NOT LIKE '出荷指示取込%' GROUP BY 1 ORDER BY 1`); err != nil {
			b.Fatal(err)
		}
		calls := 0
		perBucket := map[string]int{}
		var detail []string
		for _, o := range ops {
			calls += o.N
			detail = append(detail, fmt.Sprintf("%s %d", o.Op, o.N))
			if bucket, p := paceOf(m, o.Op); p.Rate > 0 {
				perBucket[bucket] += o.N
			}
		}
		var floor time.Duration
		for bucket, n := range perBucket {
			_, p := paceOf(m, bucket)
			floor += time.Duration(float64(max(n-p.Burst, 0)) / (float64(p.Rate) * factor) * float64(time.Second))
		}
		minimum := protocolMinimum(m, run.Counts.Fetched)
		b.ReportMetric(float64(calls)/float64(minimum), "calls/minimum")
		b.ReportMetric(elapsed.Seconds()/floor.Seconds(), "wall/floor")
		b.Logf("%s ×%g: %d calls (%s) vs protocol minimum %d = %.3f; wall %s vs rate-limit floor %s = %.2f",
			m, factor, calls, strings.Join(detail, ", "), minimum, float64(calls)/float64(minimum), elapsed.Round(time.Millisecond), floor.Round(time.Millisecond), elapsed.Seconds()/floor.Seconds())
	}
}

// protocolMinimum is the fewest calls that can read n orders: Rakuten
// needs a searchOrder page per 1,000 numbers and a getOrder per 100
// orders; Amazon a searchOrders page per 100 orders and one LWA token.
func protocolMinimum(m domain.Marketplace, n int) int {
	pages := func(size int) int { return (n + size - 1) / size }
	if m == domain.MarketplaceAmazon {
		return pages(100) + 1
	}
	return pages(rakuten.MaxPageSize) + pages(rakuten.GetOrderBatch)
}

// paceOf names the pacing bucket an operation draws from and its budget:
// Rakuten's Order API calls share one per-shop budget, Amazon's
// operations each have their own.
func paceOf(m domain.Marketplace, op string) (string, marketplace.Pace) {
	if m == domain.MarketplaceRakuten {
		return "order", rakuten.PaceOrder()
	}
	return op, amazon.Pace(op)
}
