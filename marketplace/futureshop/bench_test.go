package futureshop_test

import (
	"context"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/futureshop"
	"github.com/renkei-oss/renkei/marketplace/sandbox/futureshopsim"
)

// BenchmarkParseSearch measures parsing throughput over 100 pages of 100
// sandbox orders, fetched once over HTTP.
func BenchmarkParseSearch(b *testing.B) {
	e := newEnv(b, 0)
	creds := e.sim.NewShop(futureshopsim.ShopOptions{Orders: 10000, Span: 10 * 24 * time.Hour})
	c := e.client(b, func(cfg *futureshop.Config) {
		cfg.ShopKey, cfg.ClientID, cfg.ClientSecret = creds.ShopKey, creds.ClientID, creds.ClientSecret
	})
	// Page bodies are rebuilt from each order's own JSON as the simulator
	// sent it, so the benchmark parses real answers without HTTP.
	var bodies [][]byte
	err := c.SearchOrders(context.Background(), marketplace.OrderQuery{Window: marketplace.Window{From: start.Add(-11 * 24 * time.Hour), To: start}},
		func(batch marketplace.OrderBatch) error {
			body := []byte(`{"orderList":[`)
			for i, o := range batch.Orders {
				if i > 0 {
					body = append(body, ',')
				}
				body = append(body, o.RawPayload...)
			}
			bodies = append(bodies, append(body, "]}"...))
			return nil
		})
	if err != nil || len(bodies) != 100 {
		b.Fatalf("%d pages: %v", len(bodies), err)
	}
	size := 0
	for _, body := range bodies {
		size += len(body)
	}
	b.SetBytes(int64(size))
	b.ResetTimer()
	for b.Loop() {
		for _, body := range bodies {
			if _, err := futureshop.ParseSearch(body); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(10000*float64(b.N)/b.Elapsed().Seconds(), "orders/s")
}

// BenchmarkImportCalls searches a 10,000-order shop over real HTTP and
// checks the call count is the protocol's minimum: one token, then
// ceil(N/100) search pages.
func BenchmarkImportCalls(b *testing.B) {
	e := newEnv(b, 0)
	creds := e.sim.NewShop(futureshopsim.ShopOptions{Orders: 10000, Span: 10 * 24 * time.Hour})
	c := e.client(b, func(cfg *futureshop.Config) {
		cfg.ShopKey, cfg.ClientID, cfg.ClientSecret = creds.ShopKey, creds.ClientID, creds.ClientSecret
	})
	q := marketplace.OrderQuery{Window: marketplace.Window{From: start.Add(-11 * 24 * time.Hour), To: start}}
	for b.Loop() {
		before := e.paths.get(futureshop.PathOrderSearch)
		got := 0
		if err := c.SearchOrders(context.Background(), q, func(batch marketplace.OrderBatch) error { got += len(batch.Orders); return nil }); err != nil {
			b.Fatal(err)
		}
		if calls := e.paths.get(futureshop.PathOrderSearch) - before; got != 10000 || calls != 100 {
			b.Fatalf("%d orders in %d calls, want 10000 in 100", got, calls)
		}
	}
	if n := e.paths.get(futureshop.PathToken); n != 1 {
		b.Fatalf("%d token requests, want 1 (cached)", n)
	}
	b.ReportMetric(10000*float64(b.N)/b.Elapsed().Seconds(), "orders/s")
}
