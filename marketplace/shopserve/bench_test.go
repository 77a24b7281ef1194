package shopserve_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/shopserve"
)

// rawRetrieve fetches one V2-M-0024 answer from the simulator as it is sent.
func rawRetrieve(t testing.TB, e *env, req shopserve.RetrieveRequest) []byte {
	t.Helper()
	b, _ := json.Marshal(req)
	hr, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/v2"+shopserve.PathOrderRetrieve, bytes.NewReader(b))
	hr.Header.Set("Authorization", shopserve.AuthHeader(e.creds.StoreID, e.creds.ManagerKey))
	res, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("retrieve: %d %s", res.StatusCode, body)
	}
	return body
}

// BenchmarkParseRetrieve measures parsing throughput over 10,000 sandbox
// orders (about 100 pages of 100), the simulator's own answers.
func BenchmarkParseRetrieve(b *testing.B) {
	const n = 10000
	e := newEnv(b, n, 10*24*time.Hour, 0)
	var bodies [][]byte
	for _, w := range marketplace.SplitWindows(start.AddDate(0, 0, -11), start.Add(time.Second), 7*24*time.Hour) {
		req := shopserve.RetrieveRequest{Since: shopserve.FormatTime(w.From), Until: shopserve.FormatTime(w.To.Add(-time.Second)), Size: shopserve.MaxPageSize}
		for {
			body := rawRetrieve(b, e, req)
			p, err := shopserve.ParseRetrieve(body)
			if err != nil {
				b.Fatal(err)
			}
			bodies = append(bodies, body)
			req.From += len(p.Orders)
			if len(p.Orders) == 0 || req.From >= p.Total {
				break
			}
		}
	}
	size := 0
	for _, body := range bodies {
		size += len(body)
	}
	b.SetBytes(int64(size))
	b.ResetTimer()
	for b.Loop() {
		for _, body := range bodies {
			if _, err := shopserve.ParseRetrieve(body); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "orders/s")
}

// BenchmarkImportCalls imports a 10,000-order store through real HTTP.
func BenchmarkImportCalls(b *testing.B) {
	const n = 10000
	e := newEnv(b, n, 10*24*time.Hour, 0)
	c := e.client(func(c *shopserve.Config) { c.Recorder = nil })
	q := marketplace.OrderQuery{Window: marketplace.Window{From: start.AddDate(0, 0, -11), To: start.Add(time.Second)}}
	for b.Loop() {
		got := 0
		if err := c.SearchOrders(context.Background(), q, func(x marketplace.OrderBatch) error { got += len(x.Orders); return nil }); err != nil {
			b.Fatal(err)
		}
		if got != n {
			b.Fatalf("%d orders", got)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "orders/s")
}

// TestImportCallCount: an import makes one V2-M-0024 call per page of
// each week window (one for an empty window), no more.
func TestImportCallCount(t *testing.T) {
	for _, tt := range []struct{ n, page int }{{1000, 100}, {1234, 30}, {99, 100}} {
		e := newEnv(t, tt.n, 10*24*time.Hour, 0)
		perWindow := map[marketplace.Window]int{}
		err := e.client(nil).SearchOrders(context.Background(),
			marketplace.OrderQuery{Window: marketplace.Window{From: start.AddDate(0, 0, -11), To: start.Add(time.Second)}, PageSize: tt.page},
			func(b marketplace.OrderBatch) error { perWindow[b.Window] += len(b.Orders); return nil })
		if err != nil {
			t.Fatal(err)
		}
		got, want := 0, 0
		for _, k := range perWindow {
			got += k
			want += max(marketplace.Pages(k, tt.page), 1)
		}
		calls := len(e.calls.statuses(shopserve.OpOrderRetrieve))
		if got != tt.n || len(perWindow) != 2 || calls != want {
			t.Errorf("N=%d page=%d: %d orders in %d windows, %d calls; want %d calls", tt.n, tt.page, got, len(perWindow), calls, want)
		}
	}
}
