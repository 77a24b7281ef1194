package marketplace_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/renkei-oss/renkei/marketplace"
)

func TestSplitWindows(t *testing.T) {
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, marketplace.JST)
	week := 7 * 24 * time.Hour
	tests := []struct {
		name     string
		from, to time.Time
		max      time.Duration
		want     int
		lastLen  time.Duration
	}{
		{"three weeks in weeks", base, base.Add(3 * week), week, 3, week},
		{"three weeks and an hour", base, base.Add(3*week + time.Hour), week, 4, time.Hour},
		{"shorter than a window", base, base.Add(time.Hour), week, 1, time.Hour},
		{"130 days in 63-day windows", base, base.AddDate(0, 0, 130), 63 * 24 * time.Hour, 3, 4 * 24 * time.Hour},
		{"empty", base, base, week, 0, 0},
		{"inverted", base.Add(time.Hour), base, week, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := marketplace.SplitWindows(tt.from, tt.to, tt.max)
			if len(ws) != tt.want {
				t.Fatalf("got %d windows, want %d", len(ws), tt.want)
			}
			for i, w := range ws {
				if w.Duration() > tt.max || (i > 0 && !w.From.Equal(ws[i-1].To)) {
					t.Fatalf("window %d %+v breaks the plan", i, w)
				}
			}
			if len(ws) > 0 && (ws[len(ws)-1].Duration() != tt.lastLen || !ws[0].From.Equal(tt.from) || !ws[len(ws)-1].To.Equal(tt.to)) {
				t.Fatalf("windows do not cover the span exactly: %+v", ws)
			}
		})
	}
	if got := marketplace.Batches([]int{1, 2, 3, 4, 5}, 2); len(got) != 3 || len(got[2]) != 1 {
		t.Fatalf("Batches = %v", got)
	}
	if marketplace.Pages(15000, 1000) != 15 || marketplace.Pages(0, 10) != 0 || marketplace.Pages(1001, 1000) != 2 {
		t.Fatal("Pages")
	}
}

func TestTimeConversion(t *testing.T) {
	utc := time.Date(2026, 11, 19, 15, 30, 0, 0, time.UTC)
	if got := marketplace.InJST(utc).Format(time.RFC3339); got != "2026-11-20T00:30:00+09:00" {
		t.Fatalf("InJST = %s", got)
	}
	if got := marketplace.JSTDate(utc); got != "2026-11-20" {
		t.Fatalf("JSTDate = %s", got)
	}
	if got := marketplace.UTC(marketplace.InJST(utc)).Format(time.RFC3339); got != "2026-11-19T15:30:00Z" {
		t.Fatalf("UTC = %s", got)
	}
}

func TestErrorKinds(t *testing.T) {
	exp := time.Date(2026, 11, 1, 23, 59, 59, 0, marketplace.JST)
	tests := []struct {
		err      *marketplace.Error
		sentinel error
		retry    bool
		contains string
	}{
		{&marketplace.Error{Kind: marketplace.AuthFailed, Marketplace: "rakuten", Code: "ES01-01"}, marketplace.ErrAuthFailed, false, "ライセンスキー"},
		{&marketplace.Error{Kind: marketplace.CredentialExpired, Marketplace: "rakuten", ExpiresAt: exp}, marketplace.ErrCredentialExpired, false, "2026-11-01 23:59"},
		{&marketplace.Error{Kind: marketplace.FunctionNotEnabled, Marketplace: "rakuten", Operation: "searchOrder"}, marketplace.ErrFunctionNotEnabled, false, "searchOrder"},
		{&marketplace.Error{Kind: marketplace.Throttled, Marketplace: "amazon", RetryAfter: 3 * time.Second}, marketplace.ErrThrottled, true, "約3秒後"},
		{&marketplace.Error{Kind: marketplace.Maintenance, Marketplace: "shopserve"}, marketplace.ErrMaintenance, false, "メンテナンス"},
		{&marketplace.Error{Kind: marketplace.InvalidRequest, Marketplace: "rakuten", Field: "shippingDate", Code: "X"}, marketplace.ErrInvalidRequest, false, "shippingDate"},
		{&marketplace.Error{Kind: marketplace.Remote, Marketplace: "rakuten", HTTPStatus: 502}, marketplace.ErrRemote, true, "再実行"},
		{&marketplace.Error{Kind: marketplace.Remote, Marketplace: "rakuten", HTTPStatus: 404}, marketplace.ErrRemote, false, "エラー"},
		{&marketplace.Error{Kind: marketplace.Network, Marketplace: "rakuten"}, marketplace.ErrNetwork, true, "接続"},
		{&marketplace.Error{Kind: marketplace.Malformed, Marketplace: "rakuten"}, marketplace.ErrMalformed, false, "APIログ"},
	}
	for _, tt := range tests {
		t.Run(tt.err.Kind.String(), func(t *testing.T) {
			wrapped := fmt.Errorf("import: %w", tt.err)
			if !errors.Is(wrapped, tt.sentinel) || marketplace.KindOf(wrapped) != tt.err.Kind {
				t.Fatal("errors.Is / KindOf do not see the kind through wrapping")
			}
			if errors.Is(wrapped, marketplace.ErrNetwork) != (tt.err.Kind == marketplace.Network) {
				t.Fatal("matches another kind")
			}
			if tt.err.Retryable() != tt.retry {
				t.Fatalf("Retryable = %v", tt.err.Retryable())
			}
			if msg := marketplace.OperatorMessage(wrapped); !strings.Contains(msg, tt.contains) || !strings.HasSuffix(msg, "。") && !strings.HasSuffix(msg, "）") {
				t.Fatalf("operator message %q lacks %q", msg, tt.contains)
			}
		})
	}
}

func TestRedactor(t *testing.T) {
	r := marketplace.DefaultRedactor("SLsecretkey123")
	h := r.Header(http.Header{"Authorization": {"ESA abc"}, "X-Other": {"has SLsecretkey123 inside"}})
	if h.Get("Authorization") != "***" || strings.Contains(h.Get("X-Other"), "SLsecretkey123") {
		t.Fatalf("header %v", h)
	}
	if u := r.URL("https://x/es/1.0/e?licenseKey=SLsecretkey123&a=1"); strings.Contains(u, "SLsecretkey123") || !strings.Contains(u, "a=1") {
		t.Fatalf("url %s", u)
	}
	for _, body := range []string{
		`{"refresh_token":"Atzr|x","nested":[{"client_secret":"y"}],"ok":"z"}`,
		`grant_type=refresh_token&refresh_token=Atzr%7Cx&client_secret=y`,
	} {
		got := r.Body([]byte(body))
		if strings.Contains(got, "Atzr") || strings.Contains(got, "=y") || strings.Contains(got, `"y"`) {
			t.Fatalf("body %s → %s", body, got)
		}
	}
	long := r.Body([]byte(strings.Repeat("あ", 2000)))
	if len(long) > marketplace.SummaryLimit+len("…") || !strings.HasSuffix(long, "…") {
		t.Fatalf("long body not cut cleanly: %d", len(long))
	}
}

// server answers with the given statuses in turn, then 200.
func server(t *testing.T, statuses ...int) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		if i < len(statuses) {
			if statuses[i] == 429 {
				w.Header().Set("Retry-After", "0.01")
			}
			w.WriteHeader(statuses[i])
			return
		}
		w.Header().Set("x-rate", "50")
		w.Write([]byte(`{}`))
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func client(rec marketplace.CallRecorder) *marketplace.Client {
	return marketplace.NewClient(marketplace.ClientConfig{
		Marketplace: "test",
		Redactor:    marketplace.DefaultRedactor("topsecret"),
		RateHint:    func(h http.Header) (rate.Limit, bool) { return 0, false },
		Transport:   marketplace.Transport{BackoffBase: time.Millisecond, BackoffMax: 20 * time.Millisecond, MaxAttempts: 4, Pacer: marketplace.NewPacer(0), Recorder: rec},
	})
}

func TestRetryRules(t *testing.T) {
	tests := []struct {
		name          string
		statuses      []int
		nonIdempotent bool
		wantCalls     int32
		wantKind      marketplace.Kind
	}{
		{"5xx retried", []int{500, 503}, false, 3, marketplace.KindUnknown},
		{"429 retried", []int{429, 429}, false, 3, marketplace.KindUnknown},
		{"push: 429 retried (not processed)", []int{429}, true, 2, marketplace.KindUnknown},
		{"push: 5xx not retried blindly", []int{502}, true, 1, marketplace.Remote},
		{"4xx not retried", []int{400}, false, 1, marketplace.InvalidRequest},
		{"gives up after MaxAttempts", []int{500, 500, 500, 500, 500}, false, 4, marketplace.Remote},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, n := server(t, tt.statuses...)
			var mu sync.Mutex
			var calls []marketplace.Call
			rec := marketplace.CallRecorderFunc(func(_ context.Context, c marketplace.Call) { mu.Lock(); calls = append(calls, c); mu.Unlock() })
			_, err := client(rec).Do(context.Background(), marketplace.Request{Operation: "op", Method: "POST", URL: srv.URL + "/x?token=topsecret",
				Body: []byte(`{"password":"topsecret"}`), NonIdempotent: tt.nonIdempotent})
			if marketplace.KindOf(err) != tt.wantKind || n.Load() != tt.wantCalls || int32(len(calls)) != tt.wantCalls {
				t.Fatalf("err %v after %d calls (%d recorded)", err, n.Load(), len(calls))
			}
			for _, c := range calls {
				if strings.Contains(c.URL+c.RequestSummary, "topsecret") || c.Duration <= 0 || c.Status == 0 {
					t.Fatalf("bad record %+v", c)
				}
			}
		})
	}
	// A refused connection is a network error, retried even for a push:
	// nothing reached the marketplace.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	_, err := client(nil).Do(context.Background(), marketplace.Request{Operation: "op", Method: "POST", URL: "http://" + addr + "/?licenseKey=topsecret", NonIdempotent: true})
	if marketplace.KindOf(err) != marketplace.Network || strings.Contains(err.Error(), "topsecret") {
		t.Fatalf("refused connection: %v", err)
	}
}

func TestRateHintAdjustsPacing(t *testing.T) {
	srv, n := server(t)
	c := marketplace.NewClient(marketplace.ClientConfig{
		Marketplace: "test",
		RateHint:    func(h http.Header) (rate.Limit, bool) { return 1000, h.Get("x-rate") != "" },
		Transport:   marketplace.Transport{Pacer: marketplace.NewPacer(1)},
	})
	req := marketplace.Request{Operation: "op", Method: "GET", URL: srv.URL, PaceKey: "k", Pace: marketplace.Pace{Rate: 0.001, Burst: 1}}
	// At the published 0.001 req/s the second call would have to wait ~17
	// minutes, which the limiter refuses at once under a 1-minute deadline;
	// the hint of 1000 req/s lets it through.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for range 2 {
		if _, err := c.Do(ctx, req); err != nil {
			t.Fatal(err)
		}
	}
	if n.Load() != 2 {
		t.Fatalf("%d calls", n.Load())
	}
}
