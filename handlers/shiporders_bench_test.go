package handlers_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/domain/store/storetest"
	"github.com/renkei-oss/renkei/handlers"
	"github.com/renkei-oss/renkei/handlers/handlertest"
	"github.com/renkei-oss/renkei/views"
)

// shipOrderPageBenchRows is the size of 出荷リスト in
// BenchmarkShipOrderListPage.
const shipOrderPageBenchRows = 1_000_000

// BenchmarkShipOrderListPage measures 出荷リスト's server time at 1,000,000
// ship orders: the whole GET /ship-orders request through the application's
// handler (session, the store's count and page, banners, templ rendering of
// the page in its layout). The handler is called directly with an
// httptest.ResponseRecorder, which holds the whole body when ServeHTTP
// returns, so the figure is server time without a client or network. It
// reports p50 and p95 in ms over 100 requests per case (aim p95 ≤ 50 ms).
func BenchmarkShipOrderListPage(b *testing.B) {
	app := handlertest.New(b, func(d *handlers.Deps) {
		// Only warnings and errors reach the benchmark's log: a line per
		// request would bury the figures.
		d.Logger = slog.New(slog.NewTextHandler(benchLog{b}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	})
	conns := storetest.LoadShipOrders(b, app.DB, shipOrderPageBenchRows)
	h := app.Server.Config.Handler
	base, err := url.Parse(app.URL + "/ship-orders")
	if err != nil {
		b.Fatal(err)
	}
	cookies := app.Operator.Jar.Cookies(base)
	if len(cookies) == 0 {
		b.Fatal("the operator client has no session cookie")
	}

	conn := strconv.FormatInt(conns[0], 10)
	since := time.Now().In(views.Tokyo).AddDate(0, 0, -30).Format(time.DateOnly)
	cases := []struct {
		name  string
		query url.Values
		// where selects the same orders in plain SQL, for the expected
		// count and first row.
		where string
		args  []any
	}{
		{"first_page", nil, "TRUE", nil},
		{"filtered_ready_channel", url.Values{"status": {"ready"}, "connection": {conn}},
			"status = 'ready' AND connection_id = $1", []any{conns[0]}},
		// A date filter is counted on the rows, not from the counters.
		{"filtered_last_30_days_paid", url.Values{"payment": {"paid"}, "ordered_from": {since}},
			"payment_status = 'paid' AND ordered_at >= ($1::date)::timestamp AT TIME ZONE 'Asia/Tokyo'", []any{since}},
		// Part of a recipient name: the trigram index, then the newest 50.
		// A worst case: every order has the same two names but for the
		// number, so the index's lists for 佐藤 and 花子 hold all 1M rows.
		{"search_name", url.Values{"q": {"佐藤 花子123"}},
			"recipient_name LIKE '%佐藤 花子123%'", nil},
		// An order number matches that order exactly, and its digits part
		// of a phone number.
		{"search_order_no", url.Values{"q": {"B-424242"}},
			"channel_order_no = 'B-424242' OR phones LIKE '%424242%'", nil},
	}
	rowMarker := regexp.MustCompile(`<tr id="ship-order-\d+" class="ship-order-row">`)
	for _, c := range cases {
		var want struct {
			Total int64
			First string
		}
		if err := app.DB.Get(&want.Total, `SELECT count(*) FROM ship_orders WHERE (`+c.where+`)`, c.args...); err != nil {
			b.Fatal(err)
		}
		if err := app.DB.Get(&want.First, `SELECT channel_order_no FROM ship_orders WHERE (`+c.where+`)
			ORDER BY ordered_at DESC, id DESC LIMIT 1`, c.args...); err != nil {
			b.Fatal(err)
		}
		wantRows := int(min(want.Total, 50))
		target := "/ship-orders"
		if len(c.query) > 0 {
			target += "?" + c.query.Encode()
		}
		b.Run(c.name, func(b *testing.B) {
			const samples = 100
			for range b.N {
				var took []time.Duration
				for range samples {
					t := time.Now()
					req := httptest.NewRequest(http.MethodGet, target, nil)
					for _, ck := range cookies {
						req.AddCookie(ck)
					}
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req)
					took = append(took, time.Since(t))

					body := rec.Body.String()
					if rec.Code != http.StatusOK {
						b.Fatalf("GET %s: status %d\n%s", target, rec.Code, body)
					}
					if total := fmt.Sprintf("全%d件", want.Total); !strings.Contains(body, total) {
						b.Fatalf("GET %s: %s not on the page", target, total)
					}
					if n := len(rowMarker.FindAllStringIndex(body, -1)); n != wantRows {
						b.Fatalf("GET %s: %d rows, want %d", target, n, wantRows)
					}
					if first := ">" + want.First + "</a>"; !strings.Contains(body, first) {
						b.Fatalf("GET %s: the newest match %s is not on the page", target, want.First)
					}
				}
				slices.Sort(took)
				p50, p95 := took[samples/2], took[samples*95/100]
				b.ReportMetric(float64(p50.Microseconds())/1000, "p50_ms")
				b.ReportMetric(float64(p95.Microseconds())/1000, "p95_ms")
				b.Logf("%s at %d ship orders (全%d件): p50 %s, p95 %s", c.name, shipOrderPageBenchRows, want.Total,
					p50.Round(time.Microsecond*100), p95.Round(time.Microsecond*100))
			}
		})
	}
}

// benchLog writes the application's log lines to the benchmark's log.
type benchLog struct{ b *testing.B }

func (w benchLog) Write(p []byte) (int, error) {
	w.b.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
