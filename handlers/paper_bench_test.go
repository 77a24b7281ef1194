package handlers_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/domain/store/storetest"
	"github.com/renkei-oss/renkei/handlers"
	"github.com/renkei-oss/renkei/handlers/handlertest"
)

// BenchmarkPrintPackingSlips is the whole 納品書 download through the
// application's handler: the ids, 履歴 for every order, the store reading
// 500 orders at a time, drawing and writing. It reports ms per page for
// 1,000 orders (one PDF; aim ≤ 5 ms) and the process's peak resident memory
// for 10,000 (a ZIP of ten PDFs; aim < 100 MB). The response goes to a
// writer that keeps only its first bytes, as a network would.
func BenchmarkPrintPackingSlips(b *testing.B) {
	app := handlertest.New(b, func(d *handlers.Deps) {
		d.Logger = slog.New(slog.NewTextHandler(benchLog{b}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	})
	storetest.LoadShipOrders(b, app.DB, 10_000)
	if _, err := app.DB.Exec(`INSERT INTO ship_order_lines (ship_order_id, line_no, item_code, sku, name, quantity, unit_price)
		SELECT o.id, g, 'item-' || g, 'SKU-' || g, '商品 ' || g, g, 1000 * g FROM ship_orders o, generate_series(1, 3) g`); err != nil {
		b.Fatal(err)
	}
	var ids []int64
	if err := app.DB.Select(&ids, `SELECT id FROM ship_orders ORDER BY id`); err != nil {
		b.Fatal(err)
	}
	base, _ := url.Parse(app.URL + "/ship-orders")
	cookies := app.Operator.Jar.Cookies(base)
	for _, n := range []int{1_000, 10_000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			// 1,000 ticked; 10,000 as 「絞り込み条件に一致する全件」 (all loaded).
			form := url.Values{"paper": {"packing_slip"}}
			if n == len(ids) {
				form.Set("scope", "filter")
			} else {
				for _, id := range ids[:n] {
					form.Add("id", strconv.FormatInt(id, 10))
				}
			}
			for range b.N {
				runtime.GC()
				resetPeakRSS(b)
				req := httptest.NewRequest(http.MethodPost, "/ship-orders/paper", strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				app.SameOrigin(req)
				for _, c := range cookies {
					req.AddCookie(c)
				}
				w := &headWriter{header: http.Header{}}
				start := time.Now()
				app.Server.Config.Handler.ServeHTTP(w, req)
				took := time.Since(start)
				if w.status != 0 && w.status != http.StatusOK || !(bytes.HasPrefix(w.head, []byte("%PDF-")) || bytes.HasPrefix(w.head, []byte("PK"))) {
					b.Fatalf("status %d, body starts %q", w.status, w.head)
				}
				b.ReportMetric(float64(took.Microseconds())/1000/float64(n), "ms/page")
				b.ReportMetric(peakRSSMB(b), "peak-MB")
				b.ReportMetric(float64(w.n)/1e6, "MB-sent")
			}
		})
	}
}

// headWriter is a ResponseWriter that counts the body and keeps its start.
type headWriter struct {
	header http.Header
	status int
	head   []byte
	n      int
}

func (w *headWriter) Header() http.Header { return w.header }
func (w *headWriter) WriteHeader(s int)   { w.status = s }
func (w *headWriter) Write(p []byte) (int, error) {
	if len(w.head) < 16 {
		w.head = append(w.head, p[:min(len(p), 16-len(w.head))]...)
	}
	w.n += len(p)
	return len(p), nil
}

func resetPeakRSS(b *testing.B) {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Fatalf("reset peak memory: %v", err)
	}
}

func peakRSSMB(b *testing.B) float64 {
	st, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	for _, l := range strings.Split(string(st), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			if err != nil {
				b.Fatal(err)
			}
			return kb / 1024
		}
	}
	b.Fatal("no VmHWM in /proc/self/status")
	return 0
}
