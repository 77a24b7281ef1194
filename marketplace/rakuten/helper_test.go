package rakuten_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/rakuten"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
	"github.com/renkei-oss/renkei/marketplace/sandbox/rakutensim"
)

// start is a fixed sandbox time so generated data and statuses repeat.
var start = time.Date(2026, 11, 20, 12, 0, 0, 0, marketplace.JST)

type env struct {
	clock *kit.Clock
	sim   *rakutensim.Sim
	srv   *httptest.Server
	creds rakutensim.Creds
	calls *recorder
}

// newEnv starts the Rakuten simulator on a real HTTP server. rateFactor
// <= 0 switches its limits off.
func newEnv(t testing.TB, rateFactor float64) *env {
	t.Helper()
	clock := kit.NewFrozenClock(start)
	sim := rakutensim.New(kit.Env{Clock: clock, Seed: 42, RateFactor: rateFactor})
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	creds, _ := sim.ShopCreds(rakutensim.DemoShopID)
	return &env{clock: clock, sim: sim, srv: srv, creds: creds, calls: &recorder{}}
}

// client builds a client for the demo shop with fast retries; mod adjusts it.
func (e *env) client(mod func(*rakuten.Config)) *rakuten.Client {
	cfg := rakuten.Config{
		BaseURL:       e.srv.URL,
		ServiceSecret: e.creds.ServiceSecret,
		LicenseKey:    e.creds.LicenseKey,
		Transport:     marketplace.Transport{Timeout: 5 * time.Second, BackoffBase: 5 * time.Millisecond, BackoffMax: 100 * time.Millisecond, Pacer: marketplace.NewPacer(0), Recorder: e.calls, Now: e.clock.Now},
	}
	if mod != nil {
		mod(&cfg)
	}
	return rakuten.New(cfg)
}

type recorder struct {
	mu    sync.Mutex
	calls []marketplace.Call
}

func (r *recorder) RecordCall(_ context.Context, c marketplace.Call) {
	r.mu.Lock()
	r.calls = append(r.calls, c)
	r.mu.Unlock()
}

func (r *recorder) all() []marketplace.Call {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]marketplace.Call(nil), r.calls...)
}

// count returns how many calls of op were made, and how many got status.
func (r *recorder) count(op string, status int) (n, withStatus int) {
	for _, c := range r.all() {
		if c.Operation == op {
			n++
			if c.Status == status {
				withStatus++
			}
		}
	}
	return n, withStatus
}

func (r *recorder) reset() {
	r.mu.Lock()
	r.calls = nil
	r.mu.Unlock()
}

func mustKind(t *testing.T, err error, want marketplace.Kind) *marketplace.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("want a %v error, got none", want)
	}
	var e *marketplace.Error
	if !errorsAs(err, &e) || e.Kind != want {
		t.Fatalf("want kind %v, got %v (%v)", want, marketplace.KindOf(err), err)
	}
	if strings.TrimSpace(e.OperatorMessage()) == "" {
		t.Fatalf("no operator message for %v", err)
	}
	return e
}

// getOrderBody fetches one raw getOrder answer from the simulator.
func getOrderBody(t testing.TB, e *env, creds rakutensim.Creds, numbers []string) []byte {
	t.Helper()
	b, _ := json.Marshal(rakuten.GetOrderRequest{OrderNumberList: numbers, Version: rakuten.GetOrderVersion})
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+rakuten.PathGetOrder, bytes.NewReader(b))
	req.Header.Set("Authorization", rakuten.AuthHeader(creds.ServiceSecret, creds.LicenseKey))
	req.Header.Set("Content-Type", rakuten.ContentTypeJSON)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("getOrder: %d %s", resp.StatusCode, body)
	}
	return body
}

// wire watches the order calls on their way through real HTTP (the call
// recorder keeps only a summary of each body): every searchOrder page
// asked and answered, and every number sent to getOrder.
type wire struct {
	mu       sync.Mutex
	searches []searchCall
	gets     [][]string
}

type searchCall struct {
	DateType int
	Start    string
	Page     int
	Numbers  []string
	Total    int
}

func (w *wire) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	switch r.URL.Path {
	case rakuten.PathSearchOrder:
		out, _ := io.ReadAll(resp.Body)
		resp.Body = io.NopCloser(bytes.NewReader(out))
		var req rakuten.SearchOrderRequest
		var res rakuten.SearchOrderResponse
		if json.Unmarshal(body, &req) != nil || json.Unmarshal(out, &res) != nil || req.PaginationRequestModel == nil {
			return resp, nil
		}
		c := searchCall{DateType: req.DateType, Start: req.StartDatetime, Page: req.PaginationRequestModel.RequestPage, Numbers: res.OrderNumberList}
		if p := res.PaginationResponseModel; p != nil && p.TotalRecordsAmount != nil {
			c.Total = *p.TotalRecordsAmount
		}
		w.mu.Lock()
		w.searches = append(w.searches, c)
		w.mu.Unlock()
	case rakuten.PathGetOrder:
		var req rakuten.GetOrderRequest
		if json.Unmarshal(body, &req) == nil {
			w.mu.Lock()
			w.gets = append(w.gets, req.OrderNumberList)
			w.mu.Unlock()
		}
	}
	return resp, nil
}

// watched builds the client of e for a shop with its order calls watched.
func (e *env) watched(creds rakutensim.Creds) (*rakuten.Client, *wire) {
	w := &wire{}
	return e.client(func(c *rakuten.Config) {
		c.ServiceSecret, c.LicenseKey, c.HTTP = creds.ServiceSecret, creds.LicenseKey, &http.Client{Transport: w}
		c.PageSize, c.ReachableHits = capPage, capReach
	}), w
}

// The hit-cap tests run at a fifth of RMS's scale (a 3,000-hit cap paged
// 200 at a time instead of 15,000 by 1,000: still 15 pages a search and
// whole getOrder batches per page), so they need thousands of orders, not
// tens of thousands; the simulator is lowered to match (capped).
const (
	capReach = 3000
	capPage  = 200
)

// capped lowers the simulator's cap to capReach.
func (e *env) capped() *env {
	e.sim.SetReachableHits(capReach)
	return e
}
