package futureshop_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/futureshop"
	"github.com/renkei-oss/renkei/marketplace/sandbox/futureshopsim"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
)

// start is a fixed sandbox time so generated data and statuses repeat.
var start = time.Date(2026, 11, 20, 12, 0, 0, 0, marketplace.JST)

type env struct {
	clock *kit.Clock
	sim   *futureshopsim.Sim
	srv   *httptest.Server
	base  string
	calls *recorder
	paths *pathCounter
}

// newEnv serves the simulator on a real HTTP server under the sandbox's
// prefix, as the composite sandbox mounts it. rateFactor <= 0 switches its
// limits off.
func newEnv(t testing.TB, rateFactor float64) *env {
	t.Helper()
	clock := kit.NewFrozenClock(start)
	sim := futureshopsim.New(kit.Env{Clock: clock, Seed: 42, RateFactor: rateFactor})
	pc := &pathCounter{n: map[string]int{}}
	mux := http.NewServeMux()
	mux.Handle("/sandbox/futureshop/", http.StripPrefix("/sandbox/futureshop", pc.wrap(sim)))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &env{clock: clock, sim: sim, srv: srv, base: srv.URL + "/sandbox/futureshop", calls: &recorder{}, paths: pc}
}

// client builds a client for the demo shop with fast retries.
func (e *env) client(t testing.TB, mod func(*futureshop.Config)) *futureshop.Client {
	t.Helper()
	cfg := futureshop.Config{
		BaseURL:      e.base,
		ShopKey:      futureshopsim.DemoShopKey,
		ClientID:     futureshopsim.DemoClientID,
		ClientSecret: futureshopsim.DemoClientSecret,
		Transport:    marketplace.Transport{Timeout: 5 * time.Second, BackoffBase: 5 * time.Millisecond, BackoffMax: 100 * time.Millisecond, Pacer: marketplace.NewPacer(0), Recorder: e.calls, Now: e.clock.Now},
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := futureshop.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
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

// pathCounter counts requests per path and status as the server saw them.
type pathCounter struct {
	mu sync.Mutex
	n  map[string]int
}

func (p *pathCounter) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.URL.Path
		if strings.HasPrefix(key, futureshop.PathOrderDetail) {
			key = futureshop.PathOrderDetail
		}
		p.mu.Lock()
		p.n[key]++
		p.mu.Unlock()
		h.ServeHTTP(w, r)
	})
}

func (p *pathCounter) get(path string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n[path]
}

func collect(t *testing.T, c *futureshop.Client, w marketplace.Window, statuses ...string) ([]marketplace.Order, []marketplace.OrderBatch) {
	t.Helper()
	var orders []marketplace.Order
	var batches []marketplace.OrderBatch
	err := c.SearchOrders(context.Background(), marketplace.OrderQuery{Window: w, Statuses: statuses}, func(b marketplace.OrderBatch) error {
		orders = append(orders, b.Orders...)
		batches = append(batches, b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return orders, batches
}

func TestConnectionTestAndCredentials(t *testing.T) {
	e := newEnv(t, 0)
	info, err := e.client(t, nil).TestConnection(context.Background())
	if err != nil || !strings.Contains(info.Detail, "受注検索API") {
		t.Fatalf("TestConnection = %+v, %v", info, err)
	}
	tests := []struct {
		name string
		mod  func(*futureshop.Config)
	}{
		{"wrong secret", func(c *futureshop.Config) { c.ClientSecret = "wrong" }},
		{"wrong client id", func(c *futureshop.Config) { c.ClientID = "fs-client.ffff" }},
		{"wrong shop key", func(c *futureshop.Config) { c.ShopKey = "othershop" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.client(t, tt.mod).TestConnection(context.Background())
			var me *marketplace.Error
			if !errors.As(err, &me) || me.Kind != marketplace.AuthFailed || me.Code != futureshop.OAuthInvalidClient {
				t.Fatalf("err = %v, want AuthFailed invalid_client", err)
			}
			if msg := me.OperatorMessage(); !strings.Contains(msg, "店舗キー・クライアントID・シークレット") {
				t.Fatalf("operator message %q does not name the credential", msg)
			}
			if strings.Contains(err.Error(), futureshopsim.DemoClientSecret) {
				t.Fatal("error leaks the secret")
			}
		})
	}
	// The secret and the token never reach the call log.
	for _, c := range e.calls.all() {
		for k, v := range c.RequestHeader {
			if (k == "Authorization" || k == futureshop.HeaderShopKey) && v[0] != "***" {
				t.Fatalf("header %s logged as %q", k, v[0])
			}
		}
	}
	// The token answer is logged with the token itself masked.
	tokenCalls := 0
	for _, c := range e.calls.all() {
		if c.Operation == futureshop.OpToken && c.Status == http.StatusOK {
			tokenCalls++
			if !strings.Contains(c.ResponseSummary, `"access_token":"***"`) {
				t.Fatalf("token answer logged as %s", c.ResponseSummary)
			}
		}
	}
	if tokenCalls == 0 {
		t.Fatal("no token call recorded")
	}
	// A missing credential is refused before any call.
	if _, err := futureshop.New(futureshop.Config{BaseURL: e.base, ShopKey: "x"}); marketplace.KindOf(err) != marketplace.AuthFailed {
		t.Fatalf("empty credential: %v", err)
	}
	if _, err := futureshop.New(futureshop.Config{ShopKey: "x", ClientID: "y", ClientSecret: "z"}); marketplace.KindOf(err) != marketplace.InvalidRequest {
		t.Fatalf("no API domain: %v", err)
	}
}

func TestTokenCachedAndRenewed(t *testing.T) {
	e := newEnv(t, 0)
	for range 3 {
		// A new client each time, as import runs build them.
		if _, err := e.client(t, nil).TestConnection(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if n := e.paths.get(futureshop.PathToken); n != 1 {
		t.Fatalf("%d token requests for 3 calls, want 1", n)
	}
	// Within a minute of expiry the token is replaced before use.
	e.clock.Advance(futureshopsim.TokenLifetime - 30*time.Second)
	if _, err := e.client(t, nil).TestConnection(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := e.paths.get(futureshop.PathToken); n != 2 {
		t.Fatalf("%d token requests after expiry, want 2", n)
	}
	// A token the API refuses (credential revoked, then restored) is dropped
	// and re-issued once, transparently.
	e.sim.Faults().Set(futureshopsim.DemoShopKey, kit.Fault{Kind: kit.FaultExpiredCredential})
	_, err := e.client(t, nil).TestConnection(context.Background())
	if marketplace.KindOf(err) != marketplace.AuthFailed {
		t.Fatalf("revoked credential: %v", err)
	}
	e.sim.Faults().Clear(futureshopsim.DemoShopKey)
	if _, err := e.client(t, nil).TestConnection(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestSearchPagesAndWindows(t *testing.T) {
	e := newEnv(t, 0)
	creds := e.sim.NewShop(futureshopsim.ShopOptions{Orders: 450, Span: 20 * 24 * time.Hour})
	c := e.client(t, func(cfg *futureshop.Config) {
		cfg.ShopKey, cfg.ClientID, cfg.ClientSecret = creds.ShopKey, creds.ClientID, creds.ClientSecret
		cfg.MaxWindow = 7 * 24 * time.Hour
	})
	w := marketplace.Window{From: start.Add(-21 * 24 * time.Hour), To: start}
	orders, batches := collect(t, c, w, futureshop.ShippingNotShipped)
	if len(orders) != 450 {
		t.Fatalf("%d orders, want 450", len(orders))
	}
	seen := map[string]bool{}
	for _, o := range orders {
		if seen[o.Number] {
			t.Fatalf("order %s twice", o.Number)
		}
		seen[o.Number] = true
		if p := o.Buyer.Prefecture; !strings.HasSuffix(p, "都") && !strings.HasSuffix(p, "道") && !strings.HasSuffix(p, "府") && !strings.HasSuffix(p, "県") {
			t.Fatalf("order %s prefecture %q not Japanese", o.Number, o.Buyer.Prefecture)
		}
		if len(o.Lines) == 0 || o.Lines[0].SKU == "" || o.PaymentMethodName == "" || o.Totals.Total <= 0 {
			t.Fatalf("order %s incomplete: %+v", o.Number, o)
		}
	}
	windows, done := map[marketplace.Window]bool{}, 0
	for _, b := range batches {
		windows[b.Window] = true
		if b.WindowDone {
			done++
		}
		if b.Window.Duration() > 7*24*time.Hour {
			t.Fatalf("window %v longer than a week", b.Window)
		}
	}
	if len(windows) != 3 || done != 3 {
		t.Fatalf("%d windows, %d done, want 3 and 3", len(windows), done)
	}
	// ~150 orders a week at 100 a page: nextUrl was followed.
	if len(batches) < 6 {
		t.Fatalf("%d pages, want nextUrl paging", len(batches))
	}
	// Windows meet without gaps or overlaps: an order on a boundary second
	// comes once (checked above), and splitting differently finds the same.
	whole, _ := collect(t, e.client(t, func(cfg *futureshop.Config) {
		cfg.ShopKey, cfg.ClientID, cfg.ClientSecret = creds.ShopKey, creds.ClientID, creds.ClientSecret
	}), w)
	if len(whole) != len(orders) {
		t.Fatalf("one 21-day window found %d, weekly windows %d", len(whole), len(orders))
	}
	// shipped only: none in the sandbox.
	if shipped, _ := collect(t, c, w, futureshop.ShippingShipped); len(shipped) != 0 {
		t.Fatalf("%d shipped orders", len(shipped))
	}
	// 受注詳細 of a few orders agrees with the search.
	got, err := c.FetchOrders(context.Background(), []string{orders[0].Number, orders[1].Number})
	if err != nil || len(got) != 2 || got[0].Number != orders[0].Number || got[0].Totals.Total != orders[0].Totals.Total {
		t.Fatalf("FetchOrders = %d, %v", len(got), err)
	}
	if got[0].Lines[0].ItemCode == "" {
		t.Fatal("detail has no productNo")
	}
	if _, err := c.FetchOrders(context.Background(), []string{"999999999999"}); marketplace.KindOf(err) != marketplace.InvalidRequest {
		t.Fatalf("unknown order: %v", err)
	}
}

func TestPaymentAndCancellationFollowTheClock(t *testing.T) {
	e := newEnv(t, 0)
	c := e.client(t, nil)
	w := marketplace.Window{From: start.Add(-time.Hour), To: start.Add(time.Minute)}
	if err := e.sim.AddOrders(futureshopsim.DemoShopKey, 80); err != nil {
		t.Fatal(err)
	}
	before, _ := collect(t, c, w)
	e.clock.Advance(3 * 24 * time.Hour)
	after, _ := collect(t, c, w)
	if len(before) != 80 || len(after) != 80 {
		t.Fatalf("%d then %d orders, want 80", len(before), len(after))
	}
	paidLater, cancelled := 0, 0
	for i := range before {
		if !before[i].Paid && after[i].Paid {
			paidLater++
			if before[i].Status != futureshop.StatusAwaitingPayment {
				t.Fatalf("unpaid prepaid order %s in %s", before[i].Number, before[i].Status)
			}
		}
		if after[i].Cancelled {
			cancelled++
		}
	}
	if paidLater == 0 {
		t.Fatal("no prepaid order got its 入金日")
	}
	_ = cancelled // cancellations are rare (1 in 40); their mapping is covered by the parser tests
}

func TestFaults(t *testing.T) {
	w := marketplace.Window{From: start.Add(-7 * 24 * time.Hour), To: start}
	tests := []struct {
		name     string
		fault    kit.Fault
		wantKind marketplace.Kind // KindUnknown: the call succeeds
		attempts int              // search attempts the server sees at least
	}{
		{"throttled twice then fine", kit.Fault{Kind: kit.FaultThrottle, Times: 2, Only: futureshop.OpOrderSearch}, marketplace.KindUnknown, 3},
		{"500 twice then fine", kit.Fault{Kind: kit.FaultServerError, Times: 2, Only: futureshop.OpOrderSearch}, marketplace.KindUnknown, 3},
		{"500 throughout", kit.Fault{Kind: kit.FaultServerError, Only: futureshop.OpOrderSearch}, marketplace.Remote, 3},
		{"malformed", kit.Fault{Kind: kit.FaultMalformed, Only: futureshop.OpOrderSearch}, marketplace.Malformed, 1},
		{"maintenance", kit.Fault{Kind: kit.FaultMaintenance, Only: futureshop.OpOrderSearch}, marketplace.Maintenance, 1},
		{"maintenance of the token endpoint", kit.Fault{Kind: kit.FaultMaintenance, Only: futureshop.OpToken}, marketplace.Maintenance, 0},
		{"expired credential", kit.Fault{Kind: kit.FaultExpiredCredential}, marketplace.AuthFailed, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, 0)
			e.sim.Faults().Set(futureshopsim.DemoShopKey, tt.fault)
			// BackoffMax above the simulator's Retry-After of 1 s, so 429s are waited out.
			c := e.client(t, func(cfg *futureshop.Config) { cfg.MaxAttempts = 3; cfg.BackoffMax = 2 * time.Second })
			err := c.SearchOrders(context.Background(), marketplace.OrderQuery{Window: w}, func(marketplace.OrderBatch) error { return nil })
			if tt.wantKind == marketplace.KindUnknown {
				if err != nil {
					t.Fatalf("not absorbed: %v", err)
				}
			} else {
				var me *marketplace.Error
				if !errors.As(err, &me) || me.Kind != tt.wantKind {
					t.Fatalf("err = %v, want %s", err, tt.wantKind)
				}
				if me.OperatorMessage() == "" {
					t.Fatal("no operator message")
				}
				if tt.wantKind == marketplace.Maintenance && me.RetryAfter != time.Hour {
					t.Fatalf("maintenance Retry-After %s", me.RetryAfter)
				}
			}
			n := e.paths.get(futureshop.PathOrderSearch)
			if tt.wantKind == marketplace.Maintenance || tt.wantKind == marketplace.Malformed {
				// Not retried: maintenance lasts hours, a broken body is logged.
				if n != tt.attempts {
					t.Fatalf("%d search requests, want %d", n, tt.attempts)
				}
			} else if n < tt.attempts {
				t.Fatalf("%d search requests, want at least %d", n, tt.attempts)
			}
		})
	}
}

// TestGatewayLimitAbsorbed runs a client that does not pace itself against
// the simulator's 1/s gateway (burst 2): the token and two search pages in
// quick succession exceed it, every 429 is retried after its Retry-After and
// the search completes.
func TestGatewayLimitAbsorbed(t *testing.T) {
	e := newEnv(t, 1)
	c := e.client(t, func(cfg *futureshop.Config) { cfg.MaxAttempts = 10; cfg.BackoffMax = 2 * time.Second })
	orders, _ := collect(t, c, marketplace.Window{From: start.Add(-30 * 24 * time.Hour), To: start})
	if len(orders) != 200 {
		t.Fatalf("%d orders, want 200", len(orders))
	}
	if e.sim.Limits().Rejected() == 0 {
		t.Fatal("the gateway never refused: the test did not exercise throttling")
	}
	// And a client paced at the published rate never hits it.
	e2 := newEnv(t, 1)
	paced := e2.client(t, func(cfg *futureshop.Config) { cfg.Pacer = marketplace.NewPacer(1) })
	if o, _ := collect(t, paced, marketplace.Window{From: start.Add(-30 * 24 * time.Hour), To: start}); len(o) != 200 {
		t.Fatalf("%d orders", len(o))
	}
	if n := e2.sim.Limits().Rejected(); n != 0 {
		t.Fatalf("paced client refused %d times", n)
	}
}

// TestNextURLElsewhereRefused: a nextUrl on another host would carry the
// bearer token and shop key away; the client stops with Malformed.
func TestNextURLElsewhereRefused(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == futureshop.PathToken {
			_, _ = w.Write([]byte(`{"access_token":"t","token_type":"Bearer","expires_in":3600}`))
			return
		}
		_, _ = w.Write([]byte(`{"orderList":[],"nextUrl":"https://evil.example/admin-api/v1/shipping?cursor=x"}`))
	}))
	defer srv.Close()
	c, err := futureshop.New(futureshop.Config{BaseURL: srv.URL, ShopKey: "s", ClientID: "c", ClientSecret: "x", Transport: marketplace.Transport{Pacer: marketplace.NewPacer(0)}})
	if err != nil {
		t.Fatal(err)
	}
	err = c.SearchOrders(context.Background(), marketplace.OrderQuery{Window: marketplace.Window{From: start.Add(-time.Hour), To: start}},
		func(marketplace.OrderBatch) error { return nil })
	if marketplace.KindOf(err) != marketplace.Malformed {
		t.Fatalf("err = %v, want Malformed", err)
	}
}
