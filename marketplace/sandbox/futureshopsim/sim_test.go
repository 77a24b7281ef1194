package futureshopsim_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/futureshop"
	"github.com/renkei-oss/renkei/marketplace/sandbox"
	"github.com/renkei-oss/renkei/marketplace/sandbox/futureshopsim"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
)

var start = time.Date(2026, 11, 20, 12, 0, 0, 0, marketplace.JST)

type server struct {
	t    *testing.T
	sim  *futureshopsim.Sim
	base string
}

// newServer mounts the simulator under the sandbox prefix on real HTTP.
func newServer(t *testing.T) *server {
	t.Helper()
	sim := futureshopsim.New(kit.Env{Clock: kit.NewFrozenClock(start), Seed: 7, RateFactor: 0})
	mux := http.NewServeMux()
	mux.Handle("/sandbox/futureshop/", http.StripPrefix("/sandbox/futureshop", sim))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &server{t: t, sim: sim, base: srv.URL + "/sandbox/futureshop"}
}

func (s *server) do(method, path string, h map[string]string, body string) (int, http.Header, string) {
	s.t.Helper()
	target := path
	if !strings.HasPrefix(path, "http") {
		target = s.base + path
	}
	req, err := http.NewRequest(method, target, strings.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	for k, v := range h {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b)
}

func (s *server) token() string {
	s.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.base+futureshop.PathToken, strings.NewReader("grant_type=client_credentials"))
	req.SetBasicAuth(futureshopsim.DemoClientID, futureshopsim.DemoClientSecret)
	req.Header.Set(futureshop.HeaderShopKey, futureshopsim.DemoShopKey)
	req.Header.Set("Content-Type", futureshop.ContentTypeForm)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	var tr futureshop.TokenResponse
	if res.StatusCode != 200 || json.NewDecoder(res.Body).Decode(&tr) != nil || tr.TokenType != "Bearer" || tr.ExpiresIn != 3600 {
		s.t.Fatalf("token: %d %+v", res.StatusCode, tr)
	}
	return tr.AccessToken
}

func (s *server) api(tok string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + tok, futureshop.HeaderShopKey: futureshopsim.DemoShopKey}
}

func search(from, to time.Time, extra url.Values) string {
	q := url.Values{futureshop.QueryOrderDateStart: {from.Format(futureshop.DatetimeLayout)}, futureshop.QueryOrderDateEnd: {to.Format(futureshop.DatetimeLayout)}}
	for k, v := range extra {
		q[k] = v
	}
	return futureshop.PathOrderSearch + "?" + q.Encode()
}

func TestProtocolAnswers(t *testing.T) {
	s := newServer(t)
	tok := s.token()
	week := search(start.Add(-7*24*time.Hour), start, nil)
	tests := []struct {
		name       string
		method     string
		path       string
		header     map[string]string
		body       string
		wantStatus int
		wantInBody string
	}{
		{"token without basic auth", http.MethodPost, futureshop.PathToken, map[string]string{futureshop.HeaderShopKey: futureshopsim.DemoShopKey}, "grant_type=client_credentials", 401, `"invalid_client"`},
		{"token by GET", http.MethodGet, futureshop.PathToken, nil, "", 405, "MethodNotAllowed"},
		{"search without token", http.MethodGet, week, map[string]string{futureshop.HeaderShopKey: futureshopsim.DemoShopKey}, "", 401, futureshop.CodeUnauthorized},
		{"search with another shop key", http.MethodGet, week, map[string]string{"Authorization": "Bearer " + tok, futureshop.HeaderShopKey: "other"}, "", 401, futureshop.CodeUnauthorized},
		{"search without dates", http.MethodGet, futureshop.PathOrderSearch, s.api(tok), "", 400, futureshop.CodeInvalidParam},
		{"search with a dated offset", http.MethodGet, futureshop.PathOrderSearch + "?orderDateStart=2026-11-01T00:00:00%2B09:00&orderDateEnd=2026-11-02T00:00:00", s.api(tok), "", 400, "orderDateStart"},
		{"search over 31 days", http.MethodGet, search(start.Add(-40*24*time.Hour), start, nil), s.api(tok), "", 400, "31日"},
		{"search with a bad shippingStatus", http.MethodGet, search(start.Add(-time.Hour), start, url.Values{"shippingStatus": {"SHIPPED"}}), s.api(tok), "", 400, "shippingStatus"},
		{"search with a forged cursor", http.MethodGet, search(start.Add(-time.Hour), start, url.Values{"cursor": {"abc"}}), s.api(tok), "", 400, "cursor"},
		{"search", http.MethodGet, week, s.api(tok), "", 200, `"orderList":[{`},
		{"detail of an unknown order", http.MethodGet, futureshop.PathOrderDetail + "1", s.api(tok), "", 404, futureshop.CodeNotFound},
		{"unknown path", http.MethodGet, "/admin-api/v1/nothing", s.api(tok), "", 404, futureshop.CodeNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, body := s.do(tt.method, tt.path, tt.header, tt.body)
			if status != tt.wantStatus || !strings.Contains(body, tt.wantInBody) {
				t.Fatalf("%s %s = %d %s, want %d with %q", tt.method, tt.path, status, body, tt.wantStatus, tt.wantInBody)
			}
		})
	}
}

func TestNextURLPagingOnTheMountedPath(t *testing.T) {
	s := newServer(t)
	tok := s.token()
	next := search(start.Add(-30*24*time.Hour), start, url.Values{"shippingStatus": {"notShipped"}})
	seen := map[string]bool{}
	pages := 0
	for next != "" {
		status, _, body := s.do(http.MethodGet, next, s.api(tok), "")
		if status != 200 {
			t.Fatalf("page %d: %d %s", pages, status, body)
		}
		var page futureshop.SearchResponse
		if err := json.Unmarshal([]byte(body), &page); err != nil {
			t.Fatal(err)
		}
		for _, o := range page.OrderList {
			if seen[o.OrderNo] || len(o.OrderNo) > 12 {
				t.Fatalf("order %q twice or longer than 12", o.OrderNo)
			}
			seen[o.OrderNo] = true
		}
		next = page.NextURL
		if next != "" && !strings.HasPrefix(next, s.base+futureshop.PathOrderSearch+"?") {
			t.Fatalf("nextUrl %q is not absolute on the mounted path", next)
		}
		if next != "" && !strings.Contains(next, "shippingStatus=notShipped") {
			t.Fatalf("nextUrl %q dropped the filters", next)
		}
		pages++
	}
	if len(seen) != 200 || pages != 2 {
		t.Fatalf("%d orders in %d pages, want 200 in 2", len(seen), pages)
	}
}

// TestSameSeedSameShop: orders are a function of the seed, and the detail
// agrees with the list.
func TestSameSeedSameShop(t *testing.T) {
	a, b := newServer(t), newServer(t)
	path := search(start.Add(-24*time.Hour), start, nil)
	_, _, bodyA := a.do(http.MethodGet, path, a.api(a.token()), "")
	_, _, bodyB := b.do(http.MethodGet, path, b.api(b.token()), "")
	if bodyA != bodyB || !strings.Contains(bodyA, `"prefecture":"`) {
		t.Fatal("two sandboxes with one seed differ")
	}
	var page futureshop.SearchResponse
	if err := json.Unmarshal([]byte(bodyA), &page); err != nil || len(page.OrderList) == 0 {
		t.Fatalf("%v %d", err, len(page.OrderList))
	}
	o := page.OrderList[0]
	tok := a.token()
	status, _, body := a.do(http.MethodGet, futureshop.PathOrderDetail+o.OrderNo, a.api(tok), "")
	var d futureshop.WireOrder
	if status != 200 || json.Unmarshal([]byte(body), &d) != nil || d.OrderNo != o.OrderNo || d.GrandTotal != o.GrandTotal || d.PaymentStatus == "" {
		t.Fatalf("detail %d %s", status, body)
	}
}

func TestGatewayLimitAndMaintenance(t *testing.T) {
	sim := futureshopsim.New(kit.Env{Clock: kit.NewFrozenClock(start), Seed: 7, RateFactor: 1})
	srv := httptest.NewServer(sim)
	defer srv.Close()
	s := &server{t: t, sim: sim, base: srv.URL}
	tok := s.token()
	path := search(start.Add(-time.Hour), start, nil)
	throttled := false
	for range 5 { // at 1/s with a burst of 2, five at once cannot all pass
		status, h, body := s.do(http.MethodGet, path, s.api(tok), "")
		if status == 429 {
			throttled = true
			if h.Get("Retry-After") == "" || !strings.Contains(body, futureshop.CodeTooManyRequests) {
				t.Fatalf("429 without Retry-After or code: %v %s", h, body)
			}
		}
	}
	if !throttled || sim.Limits().Rejected() == 0 {
		t.Fatal("the 1/s limit was not enforced")
	}
	sim.Limits().SetFactor(0)
	sim.Faults().Set(futureshopsim.DemoShopKey, kit.Fault{Kind: kit.FaultMaintenance, Times: 1})
	status, h, body := s.do(http.MethodGet, path, s.api(tok), "")
	if status != 503 || h.Get("Retry-After") != "3600" || !strings.Contains(body, futureshop.CodeMaintenance) {
		t.Fatalf("maintenance = %d %v %s", status, h, body)
	}
	if status, _, _ := s.do(http.MethodGet, path, s.api(tok), ""); status != 200 {
		t.Fatalf("after maintenance: %d", status)
	}
}

// TestCredentialsJSONDrivesTheClient: the composite sandbox lists futureshop
// as simulated with demo credentials that work with the real client.
func TestCredentialsJSONDrivesTheClient(t *testing.T) {
	sb := sandbox.New(sandbox.Options{RateLimitsOff: true})
	srv := httptest.NewServer(sb)
	defer srv.Close()
	res, err := http.Get(srv.URL + "/sandbox/credentials.json")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var all map[string]struct {
		Simulated    bool   `json:"simulated"`
		BaseURL      string `json:"base_url"`
		ShopKey      string `json:"shop_key"`
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}
	if err := json.NewDecoder(res.Body).Decode(&all); err != nil {
		t.Fatal(err)
	}
	fs := all["futureshop"]
	if !fs.Simulated || fs.BaseURL != srv.URL+"/sandbox/futureshop" || fs.ShopKey == "" || fs.ClientID == "" || fs.ClientSecret == "" {
		t.Fatalf("credentials.json futureshop = %+v", fs)
	}
	c, err := futureshop.New(futureshop.Config{
		BaseURL:      fs.BaseURL,
		ShopKey:      fs.ShopKey,
		ClientID:     fs.ClientID,
		ClientSecret: fs.ClientSecret,
		Transport:    marketplace.Transport{Pacer: marketplace.NewPacer(0)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.TestConnection(context.Background()); err != nil {
		t.Fatalf("demo credentials: %v", err)
	}
}
