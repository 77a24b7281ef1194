package shopserve_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
	"github.com/renkei-oss/renkei/marketplace/sandbox/shopservesim"
	"github.com/renkei-oss/renkei/marketplace/shopserve"
)

// start is a Friday noon in Japan, outside the Wednesday maintenance.
var start = time.Date(2026, 11, 20, 12, 0, 0, 0, marketplace.JST)

type env struct {
	clock *kit.Clock
	sim   *shopservesim.Sim
	srv   *httptest.Server
	creds shopservesim.Creds
	calls *recorder
}

// newEnv starts the simulator behind real HTTP with a store of n orders
// spread over span before start. rateFactor <= 0 switches limits off.
func newEnv(t testing.TB, n int, span time.Duration, rateFactor float64) *env {
	t.Helper()
	clock := kit.NewFrozenClock(start)
	sim := shopservesim.New(kit.Env{Clock: clock, Seed: 42, RateFactor: rateFactor})
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	creds := sim.NewShop(shopservesim.ShopOptions{ID: "test.wc", Orders: n, Span: span})
	return &env{clock: clock, sim: sim, srv: srv, creds: creds, calls: &recorder{}}
}

func (e *env) client(mod func(*shopserve.Config)) *shopserve.Client {
	cfg := shopserve.Config{
		BaseURL:    e.srv.URL + "/v2",
		StoreID:    e.creds.StoreID,
		ManagerKey: e.creds.ManagerKey,
		Transport:  marketplace.Transport{Timeout: 5 * time.Second, BackoffBase: 5 * time.Millisecond, BackoffMax: 100 * time.Millisecond, Pacer: marketplace.NewPacer(0), Recorder: e.calls, Now: e.clock.Now},
	}
	if mod != nil {
		mod(&cfg)
	}
	return shopserve.New(cfg)
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

func (r *recorder) statuses(op string) []int {
	var out []int
	for _, c := range r.all() {
		if c.Operation == op {
			out = append(out, c.Status)
		}
	}
	return out
}

func mustKind(t *testing.T, err error, want marketplace.Kind) *marketplace.Error {
	t.Helper()
	var e *marketplace.Error
	if !errors.As(err, &e) || e.Kind != want {
		t.Fatalf("want kind %v, got %v (%v)", want, marketplace.KindOf(err), err)
	}
	if strings.TrimSpace(e.OperatorMessage()) == "" {
		t.Fatalf("no operator message for %v", err)
	}
	return e
}

// collect runs a search and returns its batches.
func collect(t *testing.T, c *shopserve.Client, q marketplace.OrderQuery) ([]marketplace.OrderBatch, error) {
	t.Helper()
	var out []marketplace.OrderBatch
	err := c.SearchOrders(context.Background(), q, func(b marketplace.OrderBatch) error {
		out = append(out, b)
		return nil
	})
	return out, err
}

func TestConnectionTest(t *testing.T) {
	e := newEnv(t, 10, 24*time.Hour, 0)
	info, err := e.client(nil).TestConnection(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(info.Detail, "test.wc") || !info.ExpiresAt.IsZero() {
		t.Fatalf("info = %+v; want the store id and no expiry (keys do not expire)", info)
	}
	cases := []struct {
		name string
		mod  func(*shopserve.Config)
	}{
		{"wrong key", func(c *shopserve.Config) { c.ManagerKey = strings.Repeat("0", 40) }},
		{"re-issued key", func(c *shopserve.Config) { c.ManagerKey = e.creds.OldManagerKey }},
		{"unknown store", func(c *shopserve.Config) { c.StoreID = "nobody.wc" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.client(tc.mod).TestConnection(context.Background())
			me := mustKind(t, err, marketplace.AuthFailed)
			if me.HTTPStatus != 401 || me.Code != shopserve.CodeUnauthorized {
				t.Fatalf("got %v", me)
			}
			if !strings.Contains(me.OperatorMessage(), "ショップIDとAPIキー") {
				t.Fatalf("operator message does not name the credential: %s", me.OperatorMessage())
			}
		})
	}
	for _, c := range e.calls.all() {
		s := c.URL + c.RequestSummary + c.ResponseSummary + strings.Join(c.RequestHeader.Values("Authorization"), "")
		if strings.Contains(s, e.creds.ManagerKey) || strings.Contains(s, shopserve.AuthHeader(e.creds.StoreID, e.creds.ManagerKey)) {
			t.Fatalf("secret in the call log: %+v", c)
		}
	}
}

func TestPagingReturnsEveryOrderOnceInOrder(t *testing.T) {
	e := newEnv(t, 250, 5*24*time.Hour, 0)
	batches, err := collect(t, e.client(nil), marketplace.OrderQuery{Window: marketplace.Window{From: start.Add(-6 * 24 * time.Hour), To: start.Add(time.Second)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(batches) != 3 || !batches[2].WindowDone || batches[0].WindowDone {
		t.Fatalf("got %d batches; want 3 pages of ≤100, the last closing the window", len(batches))
	}
	seen := map[string]bool{}
	var prev time.Time
	for _, b := range batches {
		for _, o := range b.Orders {
			if seen[o.Number] {
				t.Fatalf("order %s twice", o.Number)
			}
			seen[o.Number] = true
			if o.OrderedAt.Before(prev) {
				t.Fatalf("orders out of order at %s", o.Number)
			}
			prev = o.OrderedAt
			if len(o.Lines) == 0 || o.Lines[0].SKU == "" || o.Recipient.Prefecture == "" || o.Totals.Total <= 0 || len(o.RawPayload) == 0 {
				t.Fatalf("order %s incompletely normalised: %+v", o.Number, o)
			}
		}
	}
	if len(seen) != 250 {
		t.Fatalf("got %d orders, want 250", len(seen))
	}
	if got := e.calls.statuses(shopserve.OpOrderRetrieve); len(got) != 3 {
		t.Fatalf("retrieve calls = %v, want 3", got)
	}
}

func TestWindowsAreAtMostAWeek(t *testing.T) {
	e := newEnv(t, 300, 20*24*time.Hour, 0)
	from := start.Add(-21 * 24 * time.Hour)
	batches, err := collect(t, e.client(nil), marketplace.OrderQuery{Window: marketplace.Window{From: from, To: start.Add(time.Second)}})
	if err != nil {
		t.Fatal(err)
	}
	windows := map[marketplace.Window]bool{}
	n := 0
	for _, b := range batches {
		if b.Window.Duration() > 7*24*time.Hour {
			t.Fatalf("window %v longer than a week", b.Window)
		}
		for _, o := range b.Orders {
			if o.OrderedAt.Before(b.Window.From) || !o.OrderedAt.Before(b.Window.To) {
				t.Fatalf("order %s at %v outside its window %v", o.Number, o.OrderedAt, b.Window)
			}
			n++
		}
		if b.WindowDone {
			windows[b.Window] = true
		}
	}
	if len(windows) != 4 || n != 300 {
		t.Fatalf("windows done %d (want 4: 21 days and a second), orders %d (want 300)", len(windows), n)
	}
	// The simulator itself refuses a span over a week, so the split is real.
	_, err = e.client(nil).RetrievePage(context.Background(), shopserve.RetrieveRequest{
		Since: shopserve.FormatTime(from), Until: shopserve.FormatTime(start), Size: 10})
	if me := mustKind(t, err, marketplace.InvalidRequest); me.Field != "until" {
		t.Fatalf("field = %q", me.Field)
	}
	_, err = collect(t, e.client(nil), marketplace.OrderQuery{Window: marketplace.Window{From: start.AddDate(-2, 0, -2), To: start.AddDate(-2, 0, 1)}})
	mustKind(t, err, marketplace.InvalidRequest)
}

// The import asks for 未確認 orders and gets every one of them, each
// saying whether it still lacks its provisional 問い合わせ番号: the
// importer lists those as waiting instead of the client dropping them.
func TestImportFilterUnconfirmedMarksMissingSlip(t *testing.T) {
	e := newEnv(t, 200, 5*24*time.Hour, 0)
	w := marketplace.Window{From: start.Add(-6 * 24 * time.Hour), To: start.Add(time.Second)}
	all, err := collect(t, e.client(nil), marketplace.OrderQuery{Window: w})
	if err != nil {
		t.Fatal(err)
	}
	picked, err := collect(t, e.client(nil), marketplace.OrderQuery{Window: w, Statuses: []string{shopserve.OrderUnconfirmed}})
	if err != nil {
		t.Fatal(err)
	}
	// Expectations from the raw JSON, not from the parser under test.
	noSlip := map[string]bool{}
	unconfirmed := map[string]bool{}
	for _, b := range all {
		for _, o := range b.Orders {
			var raw shopserve.OrderJSON
			if err := json.Unmarshal(o.RawPayload, &raw); err != nil {
				t.Fatal(err)
			}
			noSlip[o.Number] = raw.Deliveries[0].SlipNumber == ""
			if o.Status == shopserve.OrderUnconfirmed {
				unconfirmed[o.Number] = true
			}
		}
	}
	kept, missing := 0, 0
	for _, b := range picked {
		for _, o := range b.Orders {
			kept++
			if !unconfirmed[o.Number] || o.StatusName != "未確認" {
				t.Fatalf("order %s (status %s) is not 未確認", o.Number, o.Status)
			}
			if o.TrackingNoMissing != noSlip[o.Number] {
				t.Fatalf("order %s: TrackingNoMissing %v, its slip_number empty %v", o.Number, o.TrackingNoMissing, noSlip[o.Number])
			}
			if o.TrackingNoMissing {
				missing++
			}
		}
	}
	if kept != len(unconfirmed) || missing == 0 || missing == kept {
		t.Fatalf("kept %d of %d 未確認 orders, %d without a tracking number", kept, len(unconfirmed), missing)
	}
}

func TestRetriesThrottlingAnd5xx(t *testing.T) {
	for _, kind := range []kit.FaultKind{kit.FaultThrottle, kit.FaultServerError} {
		t.Run(string(kind), func(t *testing.T) {
			e := newEnv(t, 20, 24*time.Hour, 0)
			e.sim.Faults().Set("test.wc", kit.Fault{Kind: kind, Times: 2})
			// The 429 says Retry-After: 1; the client waits for it.
			c := e.client(func(c *shopserve.Config) { c.BackoffMax = 2 * time.Second })
			b, err := collect(t, c, marketplace.OrderQuery{Window: marketplace.Window{From: start.Add(-48 * time.Hour), To: start.Add(time.Second)}})
			if err != nil {
				t.Fatal(err)
			}
			if len(b) != 1 || len(b[0].Orders) != 20 {
				t.Fatalf("got %d batches", len(b))
			}
			got := e.calls.statuses(shopserve.OpOrderRetrieve)
			if len(got) != 3 || got[2] != 200 || got[0] < 429 {
				t.Fatalf("statuses %v; want two failures then 200", got)
			}
		})
	}
}

func TestRateLimitAbsorbedByPacing(t *testing.T) {
	// The simulator enforces 1/s ×50; the client paces at the same factor.
	e := newEnv(t, 600, 5*24*time.Hour, 50)
	c := e.client(func(c *shopserve.Config) { c.Pacer = marketplace.NewPacer(50) })
	b, err := collect(t, c, marketplace.OrderQuery{Window: marketplace.Window{From: start.Add(-6 * 24 * time.Hour), To: start.Add(time.Second)}})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, x := range b {
		n += len(x.Orders)
	}
	if n != 600 {
		t.Fatalf("got %d orders", n)
	}
	for _, s := range e.calls.statuses(shopserve.OpOrderRetrieve) {
		if s == 429 {
			t.Fatalf("paced client was throttled: %v", e.calls.statuses(shopserve.OpOrderRetrieve))
		}
	}
}

func TestMalformedIsTyped(t *testing.T) {
	e := newEnv(t, 20, 24*time.Hour, 0)
	e.sim.Faults().Set("test.wc", kit.Fault{Kind: kit.FaultMalformed, Times: 1})
	_, err := collect(t, e.client(nil), marketplace.OrderQuery{Window: marketplace.Window{From: start.Add(-48 * time.Hour), To: start}})
	mustKind(t, err, marketplace.Malformed)
}

func TestMaintenanceEndsTheCallAtOnce(t *testing.T) {
	t.Run("fault", func(t *testing.T) {
		e := newEnv(t, 20, 24*time.Hour, 0)
		e.sim.Faults().Set("test.wc", kit.Fault{Kind: kit.FaultMaintenance})
		_, err := e.client(nil).TestConnection(context.Background())
		me := mustKind(t, err, marketplace.Maintenance)
		if me.Message != shopserve.MaintenanceMessage || !strings.Contains(me.OperatorMessage(), shopserve.MaintenanceMessage) {
			t.Fatalf("message %q / %q", me.Message, me.OperatorMessage())
		}
		if n := len(e.calls.all()); n != 1 {
			t.Fatalf("%d calls; maintenance must not be retried", n)
		}
	})
	t.Run("weekly window", func(t *testing.T) {
		e := newEnv(t, 20, 24*time.Hour, 0)
		// Wednesday 2026-11-25 03:00 JST.
		e.clock.Advance(time.Date(2026, 11, 25, 3, 0, 0, 0, marketplace.JST).Sub(start))
		_, err := collect(t, e.client(nil), marketplace.OrderQuery{Window: marketplace.Window{From: start.Add(-48 * time.Hour), To: start}})
		mustKind(t, err, marketplace.Maintenance)
		e.clock.Advance(3 * time.Hour) // 06:00: open again
		if _, err := e.client(nil).TestConnection(context.Background()); err != nil {
			t.Fatalf("after maintenance: %v", err)
		}
	})
}

func TestConfirmOrders(t *testing.T) {
	e := newEnv(t, 80, 3*24*time.Hour, 0)
	b, err := collect(t, e.client(nil), marketplace.OrderQuery{Window: marketplace.Window{From: start.Add(-4 * 24 * time.Hour), To: start.Add(time.Second)}})
	if err != nil {
		t.Fatal(err)
	}
	var open, cancelled []string
	for _, o := range b[0].Orders {
		if o.Cancelled {
			cancelled = append(cancelled, o.Number)
		} else if len(open) < 3 {
			open = append(open, o.Number)
		}
	}
	if len(cancelled) == 0 {
		t.Fatal("the generated store has no cancelled order to test with")
	}
	res, err := e.client(nil).ConfirmOrders(context.Background(), append(open, cancelled[0], "20260101999999"))
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 5 || !res[0].OK || !res[2].OK || res[3].OK || res[3].Code != shopserve.CodeInvalidTransition || res[4].OK || res[4].Code != shopserve.CodeNotFound {
		t.Fatalf("results %+v", res)
	}
	after, _ := collect(t, e.client(nil), marketplace.OrderQuery{Window: marketplace.Window{From: start.Add(-4 * 24 * time.Hour), To: start.Add(time.Second)}, Statuses: []string{shopserve.OrderConfirmed}})
	var got []string
	for _, o := range after[0].Orders {
		got = append(got, o.Number)
	}
	sort.Strings(got)
	sort.Strings(open)
	if strings.Join(got, ",") != strings.Join(open, ",") {
		t.Fatalf("confirmed %v, want %v", got, open)
	}
}

// An order leaving the filtered set while a window is paged (confirmed in
// the admin) moves the offsets; the client reads the window again so no
// order is skipped.
func TestPagingSurvivesOrdersLeavingTheFilter(t *testing.T) {
	e := newEnv(t, 60, 24*time.Hour, 0)
	c := e.client(nil)
	w := marketplace.Window{From: start.Add(-48 * time.Hour), To: start.Add(time.Second)}
	q := marketplace.OrderQuery{Window: w, Statuses: []string{shopserve.OrderUnconfirmed}, PageSize: 10}
	before, err := collect(t, c, q)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, b := range before {
		for _, o := range b.Orders {
			want[o.Number] = true
		}
	}
	seen := map[string]bool{}
	confirmed := ""
	err = c.SearchOrders(context.Background(), q, func(b marketplace.OrderBatch) error {
		for _, o := range b.Orders {
			seen[o.Number] = true
		}
		if confirmed == "" {
			// The shop confirms the first order of the first page.
			confirmed = b.Orders[0].Number
			if _, err := e.client(nil).ConfirmOrders(context.Background(), []string{confirmed}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for no := range want {
		if !seen[no] {
			t.Fatalf("order %s skipped after %s left the filter (saw %d of %d)", no, confirmed, len(seen), len(want))
		}
	}
}

// E-Store's maintenance page, however it arrives, is maintenance; other
// HTML is a malformed answer or a remote error.
func TestMaintenancePageIsMaintenance(t *testing.T) {
	tests := []struct {
		status int
		body   string
		want   marketplace.Kind
	}{
		{200, "<html><body>ただいまメンテナンス中です</body></html>", marketplace.Maintenance},
		{503, "<html><body>ただいまメンテナンス中です</body></html>", marketplace.Maintenance},
		{503, "<html><body>Service Unavailable</body></html>", marketplace.Maintenance},
		{200, "<html><body>ok</body></html>", marketplace.Malformed},
		{502, "<html><body>Bad Gateway</body></html>", marketplace.Remote},
	}
	for _, tc := range tests {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(tc.status)
			_, _ = w.Write([]byte(tc.body))
		}))
		c := shopserve.New(shopserve.Config{
			BaseURL:    srv.URL,
			StoreID:    "x.wc",
			ManagerKey: strings.Repeat("a", 40),
			Transport:  marketplace.Transport{Pacer: marketplace.NewPacer(0), MaxAttempts: 2, BackoffBase: time.Millisecond},
		})
		_, err := c.TestConnection(context.Background())
		srv.Close()
		if marketplace.KindOf(err) != tc.want {
			t.Errorf("HTTP %d %q: %v, want %v", tc.status, tc.body, marketplace.KindOf(err), tc.want)
		}
	}
}
