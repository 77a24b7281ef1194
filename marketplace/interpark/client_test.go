package interpark_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/interpark"
	"github.com/renkei-oss/renkei/marketplace/sandbox/interparksim"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
)

var start = time.Date(2026, 11, 20, 12, 0, 0, 0, interpark.KST)

type env struct {
	clock *kit.Clock
	sim   *interparksim.Sim
	srv   *httptest.Server
	calls *recorder
}

func newEnv(t testing.TB, rateFactor float64) *env {
	t.Helper()
	clock := kit.NewFrozenClock(start)
	sim := interparksim.New(kit.Env{Clock: clock, Seed: 42, RateFactor: rateFactor})
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return &env{clock: clock, sim: sim, srv: srv, calls: &recorder{}}
}

func (e *env) client(mod func(*interpark.Config)) *interpark.Client {
	cfg := interpark.Config{
		BaseURL:    e.srv.URL,
		ShopID:     interparksim.DemoShopID,
		CompanyNo:  interparksim.DemoCompanyNo,
		ContractNo: interparksim.DemoContractNo,
		Transport:  marketplace.Transport{Timeout: 5 * time.Second, BackoffBase: 5 * time.Millisecond, BackoffMax: 100 * time.Millisecond, Pacer: marketplace.NewPacer(0), Recorder: e.calls, Now: e.clock.Now},
	}
	if mod != nil {
		mod(&cfg)
	}
	return interpark.New(cfg)
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
	if !strings.Contains(e.OperatorMessage(), "Interpark") {
		t.Fatalf("operator message does not name Interpark: %s", e.OperatorMessage())
	}
	return e
}

func search(t *testing.T, c *interpark.Client, w marketplace.Window) ([]marketplace.Order, []marketplace.OrderBatch) {
	t.Helper()
	var orders []marketplace.Order
	var batches []marketplace.OrderBatch
	err := c.SearchOrders(context.Background(), marketplace.OrderQuery{Window: w}, func(b marketplace.OrderBatch) error {
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
	info, err := e.client(nil).TestConnection(context.Background())
	if err != nil || !strings.Contains(info.Detail, interpark.MethodShipTargets) {
		t.Fatalf("connection test: %+v %v", info, err)
	}
	if e.sim.Acknowledged(interparksim.DemoShopID) != 0 {
		t.Fatal("接続テスト acknowledged orders: it must change nothing on Interpark")
	}
	for name, mod := range map[string]func(*interpark.Config){
		"company number":  func(c *interpark.Config) { c.CompanyNo = "3000099999" },
		"contract number": func(c *interpark.Config) { c.ContractNo = "2" },
		"shop id":         func(c *interpark.Config) { c.ShopID = "NOSUCH" },
	} {
		t.Run(name, func(t *testing.T) {
			_, err := e.client(mod).TestConnection(context.Background())
			me := mustKind(t, err, marketplace.AuthFailed)
			if me.Code != interpark.CodeAuthFailed || me.Message != interpark.MsgAuthFailed {
				t.Fatalf("code/message %q %q", me.Code, me.Message)
			}
			if !strings.Contains(me.OperatorMessage(), "ショップID・会社番号・供給契約番号") {
				t.Fatalf("operator message: %s", me.OperatorMessage())
			}
		})
	}
	// The identifiers never reach the API log; answers are logged in UTF-8.
	refused := false
	for _, c := range e.calls.all() {
		if !utf8.ValidString(c.ResponseSummary) {
			t.Fatalf("API log summary is not UTF-8: %q", c.ResponseSummary)
		}
		refused = refused || strings.Contains(c.ResponseSummary, interpark.MsgAuthFailed)
		if strings.Contains(c.URL, interparksim.DemoCompanyNo) || strings.Contains(c.URL, interparksim.DemoShopID) {
			t.Fatalf("identifier in logged URL %s", c.URL)
		}
	}
	if !refused {
		t.Fatal("the refusal's Korean text is not in the API log")
	}
}

// The answers are EUC-KR XML with Hangul, bare ampersands and the page count.
func TestRawAnswerIsEUCKR(t *testing.T) {
	e := newEnv(t, 0)
	q := url.Values{interpark.ParamMethod: {interpark.MethodNewOrders}, interpark.ParamShopID: {interparksim.DemoShopID},
		interpark.ParamCompanyNo: {interparksim.DemoCompanyNo}, interpark.ParamContractNo: {interparksim.DemoContractNo},
		interpark.ParamStartDate: {interpark.FormatTime(start.AddDate(0, 0, -14))}, interpark.ParamEndDate: {interpark.FormatTime(start)}}
	resp, err := http.Get(e.srv.URL + interpark.PathOrderAPI + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.Header.Get("Content-Type") != interpark.ContentType || utf8.Valid(raw) {
		t.Fatalf("content type %q, valid UTF-8 %v: want EUC-KR bytes", resp.Header.Get("Content-Type"), utf8.Valid(raw))
	}
	text, err := interpark.DecodeBody(resp.Header.Get("Content-Type"), raw)
	if err != nil || !strings.Contains(string(text), "<ORDER_LIST>") || !strings.Contains(string(text), "TOT_PAGE_NUM") {
		t.Fatalf("decoded: %v %.300s", err, text)
	}
	if !strings.Contains(string(text), " & ") {
		t.Fatal("no bare & in 120 orders: the parser's pre-escape is untested")
	}
	orders, pages, err := interpark.ParseOrderList(interpark.MethodNewOrders, text)
	if err != nil || len(orders) != interpark.PageSize || pages < 2 {
		t.Fatalf("parsed %d orders, %d pages: %v", len(orders), pages, err)
	}
	amp := false
	for _, o := range orders {
		if len(o.Number) != 20 || o.Status != interpark.StateNew || !o.Paid || o.Recipient.Country != "KR" || o.Currency != "KRW" {
			t.Fatalf("order %+v", o)
		}
		if o.Totals.Goods-o.Totals.Discount+o.Totals.Shipping != o.Totals.Total || o.Totals.Total <= 0 {
			t.Fatalf("totals %+v", o.Totals)
		}
		for _, l := range o.Lines {
			if l.SKU == "" || l.Quantity <= 0 || l.UnitPrice <= 0 {
				t.Fatalf("line %+v", l)
			}
			amp = amp || strings.Contains(l.Name, " & ")
		}
	}
	if !amp {
		t.Fatal("bare & lost in parsing")
	}
}

// Import semantics: the first search acknowledges every new order once
// (新規注文 → 発送対象), paging through the lists; the second finds the
// same orders on the ship-target list and acknowledges nothing more.
func TestSearchAcknowledgesAndPages(t *testing.T) {
	e := newEnv(t, 0)
	creds := e.sim.NewShop(interparksim.ShopOptions{Creds: interparksim.Creds{ShopID: "BUSY"}, Orders: 450, Span: 20 * time.Hour})
	c := e.client(func(cfg *interpark.Config) {
		cfg.ShopID, cfg.CompanyNo, cfg.ContractNo = creds.ShopID, creds.CompanyNo, creds.ContractNo
	})
	w := marketplace.Window{From: start.Add(-24 * time.Hour), To: start.Add(time.Second)}
	want := e.sim.Listable("BUSY", w.From, w.To)
	if want < 400 {
		t.Fatalf("only %d listable orders", want)
	}
	first, _ := search(t, c, w)
	if n := unique(t, first); n != want || e.sim.Acknowledged("BUSY") != want {
		t.Fatalf("first search: %d orders, %d acknowledged, want %d", n, e.sim.Acknowledged("BUSY"), want)
	}
	if n := len(e.calls.statuses(interpark.MethodNewOrders)); n < 5 {
		t.Fatalf("%d new-order calls for %d orders: no paging", n, want)
	}
	second, _ := search(t, c, w)
	if n := unique(t, second); n != want || e.sim.Acknowledged("BUSY") != want {
		t.Fatalf("second search: %d orders, %d acknowledged", n, e.sim.Acknowledged("BUSY"))
	}
	for _, o := range second {
		if o.Status != interpark.StateConfirmed || o.StatusName != "発送対象" {
			t.Fatalf("second search status %s %s", o.Status, o.StatusName)
		}
	}
	pages := 0
	for _, call := range e.calls.all() {
		if strings.Contains(call.URL, interpark.ParamPageNo+"=") {
			pages++
		}
	}
	if pages < 4 {
		t.Fatalf("%d ship-target calls with sc.pageNo", pages)
	}
}

func unique(t *testing.T, orders []marketplace.Order) int {
	t.Helper()
	seen := map[string]bool{}
	for _, o := range orders {
		if seen[o.Number] {
			t.Fatalf("order %s returned twice", o.Number)
		}
		seen[o.Number] = true
	}
	return len(seen)
}

// A three-day search is three one-day windows, each closed by WindowDone,
// with Interpark's inclusive end second.
func TestSearchWindows(t *testing.T) {
	e := newEnv(t, 0)
	w := marketplace.Window{From: start.Add(-72 * time.Hour), To: start}
	orders, batches := search(t, e.client(nil), w)
	var done []marketplace.Window
	for _, b := range batches {
		if b.WindowDone {
			done = append(done, b.Window)
		}
	}
	if len(done) != 3 || !done[0].From.Equal(w.From) || !done[2].To.Equal(w.To) {
		t.Fatalf("windows %v", done)
	}
	for _, d := range done {
		if d.Duration() != interpark.MaxSearchWindow {
			t.Fatalf("window %v", d)
		}
	}
	if want := e.sim.Listable(interparksim.DemoShopID, w.From, w.To); unique(t, orders) != want {
		t.Fatalf("%d orders, want %d", len(orders), want)
	}
	end := url.QueryEscape(interpark.FormatTime(start.Add(-time.Second)))
	found := false
	for _, c := range e.calls.all() {
		found = found || strings.Contains(c.URL, interpark.ParamEndDate+"="+end)
	}
	if !found {
		t.Fatal("last window does not end one second before To")
	}
}

// An import that dies after Interpark acknowledged orders loses nothing:
// the next search reads them from the ship-target list.
func TestSearchAfterCrashFindsAcknowledgedOrders(t *testing.T) {
	e := newEnv(t, 0)
	c := e.client(nil)
	w := marketplace.Window{From: start.Add(-24 * time.Hour), To: start.Add(time.Second)}
	crash := errors.New("process died")
	err := c.SearchOrders(context.Background(), marketplace.OrderQuery{Window: w}, func(b marketplace.OrderBatch) error { return crash })
	if !errors.Is(err, crash) || e.sim.Acknowledged(interparksim.DemoShopID) == 0 {
		t.Fatalf("crash run: %v, %d acknowledged", err, e.sim.Acknowledged(interparksim.DemoShopID))
	}
	orders, _ := search(t, c, w)
	if want := e.sim.Listable(interparksim.DemoShopID, w.From, w.To); unique(t, orders) != want || want == 0 {
		t.Fatalf("after crash: %d orders, want %d", len(orders), want)
	}
}

func TestTypedErrorsAndRetries(t *testing.T) {
	cases := []struct {
		name     string
		fault    kit.Fault
		want     marketplace.Kind // KindUnknown = success
		attempts int
		code     string
	}{
		{"throttling absorbed", kit.Fault{Kind: kit.FaultThrottle, Times: 2}, marketplace.KindUnknown, 3, ""},
		{"5xx retried", kit.Fault{Kind: kit.FaultServerError, Times: 2}, marketplace.KindUnknown, 3, ""},
		{"5xx persists", kit.Fault{Kind: kit.FaultServerError}, marketplace.Remote, 3, ""},
		{"malformed", kit.Fault{Kind: kit.FaultMalformed}, marketplace.Malformed, 1, ""},
		{"maintenance not retried", kit.Fault{Kind: kit.FaultMaintenance}, marketplace.Maintenance, 1, interpark.CodeMaintenance},
		{"revoked contract", kit.Fault{Kind: kit.FaultExpiredCredential}, marketplace.AuthFailed, 1, interpark.CodeAuthFailed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, 0)
			e.sim.Faults().Set(interparksim.DemoShopID, tc.fault)
			_, err := e.client(func(c *interpark.Config) { c.MaxAttempts = 3 }).TestConnection(context.Background())
			if tc.want == marketplace.KindUnknown {
				if err != nil {
					t.Fatal(err)
				}
			} else if me := mustKind(t, err, tc.want); me.Code != tc.code {
				t.Fatalf("code %q, want %q", me.Code, tc.code)
			}
			if n := len(e.calls.statuses(interpark.MethodShipTargets)); n != tc.attempts {
				t.Fatalf("%d attempts, want %d", n, tc.attempts)
			}
		})
	}
}

// The gateway's limit is enforced; the client's pacing keeps under it.
func TestRateLimitPacedAndEnforced(t *testing.T) {
	e := newEnv(t, 20) // 20 requests/second, burst 2
	paced := e.client(func(c *interpark.Config) { c.Pacer = marketplace.NewPacer(20) })
	for range 12 {
		if _, err := paced.TestConnection(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range e.calls.statuses(interpark.MethodShipTargets) {
		if s != http.StatusOK {
			t.Fatalf("paced client got HTTP %d", s)
		}
	}
	unpaced := e.client(func(c *interpark.Config) { c.MaxAttempts = 1 })
	var err error
	for i := 0; i < 10 && err == nil; i++ {
		_, err = unpaced.TestConnection(context.Background())
	}
	mustKind(t, err, marketplace.Throttled)
}

// An answer that never comes is a network error after the attempts.
func TestTimeoutIsNetworkError(t *testing.T) {
	e := newEnv(t, 0)
	e.sim.Faults().Set(interparksim.DemoShopID, kit.Fault{Kind: kit.FaultTimeout})
	_, err := e.client(func(c *interpark.Config) { c.Timeout, c.MaxAttempts = 200*time.Millisecond, 2 }).TestConnection(context.Background())
	mustKind(t, err, marketplace.Network)
	if n := len(e.calls.statuses(interpark.MethodShipTargets)); n != 2 {
		t.Fatalf("%d attempts, want 2", n)
	}
}
