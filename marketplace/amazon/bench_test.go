package amazon_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/amazon"
	"github.com/renkei-oss/renkei/marketplace/sandbox"
	"github.com/renkei-oss/renkei/marketplace/sandbox/amazonsim"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
)

// benchEnv is a sandbox without rate limits, so benchmarks measure us.
func benchEnv(b *testing.B, n int) (*env, amazon.Credentials, *amazon.Client, marketplace.Window) {
	clock := kit.NewFrozenClock(t0)
	sb := sandbox.New(sandbox.Options{Seed: 7, Clock: clock, RateLimitsOff: true,
		Simulators: []sandbox.Factory{func(e kit.Env) sandbox.Simulator { return amazonsim.New(e) }}})
	ts := httptest.NewServer(sb)
	b.Cleanup(ts.Close)
	e := &env{t: b, sim: sb.Simulator("amazon").(*amazonsim.Sim), clock: clock, base: ts.URL + "/sandbox/amazon"}
	from := t0.Add(-6 * 24 * time.Hour)
	cred := e.seller("A2BENCH", n, from, from.Add(5*24*time.Hour))
	c, err := amazon.New(amazon.Config{
		Country:      "JP",
		Credentials:  cred,
		Endpoint:     e.base,
		AuthEndpoint: e.base,
		Transport:    marketplace.Transport{Pacer: marketplace.NewPacer(0), Now: clock.Now},
	})
	if err != nil {
		b.Fatal(err)
	}
	// "before" must be two minutes in the past.
	return e, cred, c, marketplace.Window{From: from, To: t0.Add(-3 * time.Minute)}
}

// BenchmarkParseOrders measures the client's parsing and normalising of
// 10,000 sandbox orders (100 searchOrders pages fetched once beforehand).
func BenchmarkParseOrders(b *testing.B) {
	const n = 10000
	e, cred, c, w := benchEnv(b, n)
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {cred.RefreshToken}, "client_id": {cred.ClientID}, "client_secret": {cred.ClientSecret}}
	res, err := http.PostForm(e.base+amazon.PathToken, form)
	if err != nil {
		b.Fatal(err)
	}
	tok, _ := io.ReadAll(res.Body)
	res.Body.Close()
	access := strings.Split(strings.Split(string(tok), `"access_token":"`)[1], `"`)[0]
	var pages [][]byte
	next := ""
	for {
		req, _ := http.NewRequest(http.MethodGet, e.base+amazon.PathSearchOrders+"?"+c.SearchQuery(w, marketplace.ByOrderDate, nil, 100, next).Encode(), nil)
		req.Header.Set(amazon.HeaderAccessToken, access)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		p, err := amazon.ParseSearchOrders(body)
		if err != nil {
			b.Fatal(err)
		}
		pages = append(pages, body)
		if p.Pagination == nil {
			break
		}
		next = p.Pagination.NextToken
	}
	total := 0
	for _, p := range pages {
		total += len(p)
	}
	b.SetBytes(int64(total))
	b.ResetTimer()
	start := time.Now()
	count := 0
	for b.Loop() {
		count = 0
		for _, body := range pages {
			p, err := amazon.ParseSearchOrders(body)
			if err != nil {
				b.Fatal(err)
			}
			for i := range p.Orders {
				if _, err := amazon.Normalize(&p.Orders[i]); err != nil {
					b.Fatal(err)
				}
				count++
			}
		}
	}
	if count != n {
		b.Fatalf("parsed %d orders, want %d", count, n)
	}
	b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "orders/s")
}

// BenchmarkImportCalls imports N orders through the client and checks the
// HTTP calls equal the protocol minimum: ceil(N/100) searchOrders, no
// getOrder, one token exchange.
func BenchmarkImportCalls(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			e, _, c, w := benchEnv(b, n)
			for b.Loop() {
				before := e.sim.Calls("searchOrders")
				got := 0
				err := c.SearchOrders(context.Background(), marketplace.OrderQuery{Window: w, Statuses: []string{}},
					func(batch marketplace.OrderBatch) error { got += len(batch.Orders); return nil })
				if err != nil || got != n {
					b.Fatalf("imported %d of %d: %v", got, n, err)
				}
				calls := e.sim.Calls("searchOrders") - before
				if want := int64((n + 99) / 100); calls != want || e.sim.Calls("getOrder") != 0 {
					b.Fatalf("%d searchOrders calls for %d orders, want %d", calls, n, want)
				}
				b.ReportMetric(float64(calls), "searchOrders/op")
			}
			b.ReportMetric(float64(e.sim.TokenCalls()), "tokenCalls")
		})
	}
}
