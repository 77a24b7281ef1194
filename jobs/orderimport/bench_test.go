package orderimport_test

import (
	"context"
	"fmt"
	"math"
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
// scaled ×1000 on both sides (sandbox and client pacing): API calls made vs
// the protocol minimum, and wall time vs the rate-limit floor (each
// operation's calls beyond its burst at its published rate). At ×1000
// Rakuten's 1 request/s becomes 1,000/s, so its import is bound by CPU, not
// by the limit; Amazon's searchOrders (0.0056/s) stays the bottleneck.
func BenchmarkImport100kPaced(b *testing.B) {
	for _, m := range marketplaces {
		b.Run(string(m), func(b *testing.B) { benchPaced(b, m) })
	}
}

func benchPaced(b *testing.B, m domain.Marketplace) {
	const factor = 1000
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
		var floor time.Duration
		var detail []string
		for _, o := range ops {
			calls += o.N
			detail = append(detail, fmt.Sprintf("%s %d", o.Op, o.N))
			if p := paceOf(m, o.Op); p.Rate > 0 {
				floor += time.Duration(float64(max(o.N-p.Burst, 0)) / (float64(p.Rate) * factor) * float64(time.Second))
			}
		}
		fetched := float64(run.Counts.Fetched)
		minimum := int(math.Ceil(fetched/1000)) + int(math.Ceil(fetched/100)) // searchOrder pages + getOrder batches
		if m == domain.MarketplaceAmazon {
			minimum = int(math.Ceil(fetched/100)) + 1 // searchOrders pages + one LWA token
		}
		b.ReportMetric(float64(calls)/float64(minimum), "calls/minimum")
		b.ReportMetric(elapsed.Seconds()/floor.Seconds(), "wall/floor")
		b.Logf("%s: %d calls (%s) vs protocol minimum %d = %.3f; wall %s vs rate-limit floor %s = %.2f",
			m, calls, strings.Join(detail, ", "), minimum, float64(calls)/float64(minimum), elapsed.Round(time.Millisecond), floor.Round(time.Millisecond), elapsed.Seconds()/floor.Seconds())
	}
}

func paceOf(m domain.Marketplace, op string) marketplace.Pace {
	if m == domain.MarketplaceRakuten {
		return rakuten.PaceOrder()
	}
	return amazon.Pace(op)
}
