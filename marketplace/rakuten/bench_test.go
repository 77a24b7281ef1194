package rakuten_test

import (
	"testing"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/rakuten"
	"github.com/renkei-oss/renkei/marketplace/sandbox/rakutensim"
)

// benchShop adds a shop with n orders over the last 10 days.
func benchShop(b testing.TB, e *env, n int) *rakuten.Client {
	e.sim.NewShop(rakutensim.ShopOptions{ID: "499999", Orders: n, Span: 10 * 24 * time.Hour})
	creds, _ := e.sim.ShopCreds("499999")
	return e.client(func(c *rakuten.Config) { c.ServiceSecret, c.LicenseKey = creds.ServiceSecret, creds.LicenseKey })
}

// BenchmarkParseGetOrder measures parsing throughput over 10,000 sandbox
// orders (100 getOrder answers of 100).
func BenchmarkParseGetOrder(b *testing.B) {
	const n = 10000
	e := newEnv(b, 0)
	benchShop(b, e, n)
	creds, _ := e.sim.ShopCreds("499999")
	numbers := e.sim.OrderNumbers("499999", start.AddDate(0, 0, -11), start)
	var bodies [][]byte
	for _, batch := range marketplace.Batches(numbers, rakuten.GetOrderBatch) {
		bodies = append(bodies, getOrderBody(b, e, creds, batch))
	}
	size := 0
	for _, body := range bodies {
		size += len(body)
	}
	b.SetBytes(int64(size))
	b.ResetTimer()
	for b.Loop() {
		for _, body := range bodies {
			if _, _, err := rakuten.ParseGetOrder(body); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "orders/s")
}

// BenchmarkImportCalls imports every order of a 10,000-order shop through
// real HTTP and checks the call count is the protocol's minimum: the
// search pages plus ceil(N/100) getOrder calls.
func BenchmarkImportCalls(b *testing.B) {
	const n = 10000
	e := newEnv(b, 0)
	c := benchShop(b, e, n)
	q := marketplace.OrderQuery{Window: marketplace.Window{From: start.AddDate(0, 0, -11), To: start.Add(time.Second)}}
	b.ResetTimer()
	for b.Loop() {
		e.calls.reset()
		got := 0
		if err := c.SearchOrders(ctx, q, func(batch marketplace.OrderBatch) error { got += len(batch.Orders); return nil }); err != nil {
			b.Fatal(err)
		}
		searches, _ := e.calls.count("searchOrder", 200)
		gets, _ := e.calls.count("getOrder", 200)
		wantPages := marketplace.Pages(n, rakuten.MaxPageSize)
		if got != n || searches != wantPages || gets != marketplace.Pages(n, rakuten.GetOrderBatch) {
			b.Fatalf("%d orders in %d searchOrder + %d getOrder calls; want %d in %d + %d", got, searches, gets, n, wantPages, n/100)
		}
		b.ReportMetric(float64(searches+gets), "calls/import")
		b.ReportMetric(float64(searches), "searchOrder")
		b.ReportMetric(float64(gets), "getOrder")
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "orders/s")
}

// TestImportCallCount is the same check at N=1,000 with a small page size,
// run with the ordinary tests.
func TestImportCallCount(t *testing.T) {
	for _, tt := range []struct{ n, page int }{{1000, 1000}, {1234, 300}, {1234, 250}, {99, 1000}} {
		e := newEnv(t, 0)
		c := benchShop(t, e, tt.n)
		q := marketplace.OrderQuery{Window: marketplace.Window{From: start.AddDate(0, 0, -11), To: start.Add(time.Second)}, PageSize: tt.page}
		got := 0
		if err := c.SearchOrders(ctx, q, func(b marketplace.OrderBatch) error { got += len(b.Orders); return nil }); err != nil {
			t.Fatal(err)
		}
		searches, _ := e.calls.count("searchOrder", 200)
		gets, _ := e.calls.count("getOrder", 200)
		// Numbers wait for a full getOrder batch across pages, so even a
		// page size that is not a multiple of 100 costs no partial batch.
		wantGets := marketplace.Pages(tt.n, rakuten.GetOrderBatch)
		if got != tt.n || searches != marketplace.Pages(tt.n, tt.page) || gets != wantGets {
			t.Errorf("N=%d page=%d: %d orders, %d searchOrder, %d getOrder; want %d, %d", tt.n, tt.page, got, searches, gets, marketplace.Pages(tt.n, tt.page), wantGets)
		}
	}
}
