package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/store/storetest"
	"github.com/renkei-oss/renkei/domain/store/testdb"
)

// listBenchRows is the size of 出荷リスト in BenchmarkShipOrderList.
const listBenchRows = 1_000_000

// BenchmarkShipOrderList measures 出荷リスト's server work (「全N件」 count
// plus one page of 50) at 1,000,000 ship orders: the first page, and a
// page filtered by status and channel. It reports p50 and p95 in ms (aim
// p95 ≤ 50 ms).
func BenchmarkShipOrderList(b *testing.B) {
	db := testdb.New(b)
	conns := storetest.LoadShipOrders(b, db, listBenchRows)
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
