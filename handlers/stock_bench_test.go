package handlers_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/domain/store/storetest"
	"github.com/renkei-oss/renkei/handlers"
	"github.com/renkei-oss/renkei/handlers/handlertest"
)

const (
	stockPageBenchSKUs   = 100_000
	stockPageBenchLedger = 100 // rows per SKU: 10,000,000 in all
)

// BenchmarkStockListPage measures 在庫一覧 (and one SKU's 在庫履歴) at
// 100,000 SKUs and 10,000,000 ledger rows: the whole GET through the
// application's handler with an httptest.ResponseRecorder, as
// BenchmarkShipOrderListPage does. It reports p50 and p95 in ms over 100
// requests per case (aim p95 ≤ 50 ms).
func BenchmarkStockListPage(b *testing.B) {
	app := handlertest.New(b, func(d *handlers.Deps) {
		d.Logger = slog.New(slog.NewTextHandler(benchLog{b}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	})
	storetest.LoadStock(b, app.DB, stockPageBenchSKUs, stockPageBenchLedger)
	h := app.Server.Config.Handler
	base, err := url.Parse(app.URL + "/stock")
	if err != nil {
		b.Fatal(err)
	}
	cookies := app.Operator.Jar.Cookies(base)
	mid := storetest.StockSKU(stockPageBenchSKUs / 2)
	cases := []struct {
		name, target string
		total        int    // 「N件」 on the list; 0 for the SKU page
		want         string // on the page
		rows         int    // table rows
	}{
		{"first_page", "/stock", stockPageBenchSKUs, storetest.StockSKU(1), 50},
		{"sorted_by_free_desc", "/stock?sort=free&desc=1", stockPageBenchSKUs, "", 50},
		// Every 97th SKU keeps 3 back as 予備在庫数, so its フリー在庫数 is 47.
		{"free_at_most_47", "/stock?free_max=47", stockPageBenchSKUs / 97, storetest.StockSKU(97), 50},
		{"search_name", "/stock?q=" + url.QueryEscape("商品 4242"), 11, "商品 4242", 11},
		{"sku_history", "/stock/items?sku=" + mid, 0, mid, 50},
	}
	rowMarker := regexp.MustCompile(`<tr(?: data-sku="[^"]*")?>\s*<td`)
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			const samples = 100
			for range b.N {
				var took []time.Duration
				for range samples {
					t := time.Now()
					req := httptest.NewRequest(http.MethodGet, c.target, nil)
					for _, ck := range cookies {
						req.AddCookie(ck)
					}
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req)
					took = append(took, time.Since(t))
					body := rec.Body.String()
					if rec.Code != http.StatusOK {
						b.Fatalf("GET %s: status %d\n%s", c.target, rec.Code, body)
					}
					if c.total > 0 && !strings.Contains(body, fmt.Sprintf(">%d件<", c.total)) {
						b.Fatalf("GET %s: %d件 not on the page", c.target, c.total)
					}
					if !strings.Contains(body, c.want) {
						b.Fatalf("GET %s: %q not on the page", c.target, c.want)
					}
					if n := len(rowMarker.FindAllStringIndex(body, -1)); n != c.rows {
						b.Fatalf("GET %s: %d rows, want %d", c.target, n, c.rows)
					}
				}
				slices.Sort(took)
				p50, p95 := took[samples/2], took[samples*95/100]
				b.ReportMetric(float64(p50.Microseconds())/1000, "p50_ms")
				b.ReportMetric(float64(p95.Microseconds())/1000, "p95_ms")
				b.Logf("%s at %d SKUs, %d ledger rows: p50 %s, p95 %s", c.name, stockPageBenchSKUs,
					stockPageBenchSKUs*stockPageBenchLedger, p50.Round(100*time.Microsecond), p95.Round(100*time.Microsecond))
			}
		})
	}
}
