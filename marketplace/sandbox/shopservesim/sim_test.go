package shopservesim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/sandbox"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
	"github.com/renkei-oss/renkei/marketplace/sandbox/shopservesim"
	"github.com/renkei-oss/renkei/marketplace/shopserve"
)

// start is a Friday noon in Japan, outside the Wednesday maintenance.
var start = time.Date(2026, 11, 20, 12, 0, 0, 0, marketplace.JST)

type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) errCode(t *testing.T) shopserve.ErrorItem {
	t.Helper()
	var e shopserve.ErrorResponse
	if err := json.Unmarshal(a.body, &e); err != nil || len(e.Errors) != 1 {
		t.Fatalf("HTTP %d body %s is not the error envelope", a.status, a.body)
	}
	return e.Errors[0]
}

func call(t *testing.T, srv *httptest.Server, method, path, auth string, body any) answer {
	t.Helper()
	var r io.Reader
	if s, ok := body.(string); ok {
		r = strings.NewReader(s)
	} else if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, srv.URL+path, r)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return answer{res.StatusCode, res.Header, b}
}

func newSim(t *testing.T, rateFactor float64) (*shopservesim.Sim, *kit.Clock, *httptest.Server, string) {
	clock := kit.NewFrozenClock(start)
	sim := shopservesim.New(kit.Env{Clock: clock, Seed: 3, RateFactor: rateFactor})
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	c, _ := sim.ShopCreds(shopservesim.DemoStoreID)
	return sim, clock, srv, shopserve.AuthHeader(c.StoreID, c.ManagerKey)
}

func week() shopserve.RetrieveRequest {
	return shopserve.RetrieveRequest{Since: shopserve.FormatTime(start.AddDate(0, 0, -7)), Until: shopserve.FormatTime(start), Size: 100}
}

func TestProtocolOverRawHTTP(t *testing.T) {
	_, _, srv, auth := newSim(t, 0)
	retrieve := "/v2" + shopserve.PathOrderRetrieve
	tooLong := week()
	tooLong.Since = shopserve.FormatTime(start.AddDate(0, 0, -8))
	big := week()
	big.Size = 101
	compact := week()
	compact.Since = start.AddDate(0, 0, -7).Format(shopserve.CompactLayout)
	tests := []struct {
		name         string
		method, path string
		auth         string
		body         any
		status       int
		code, field  string
	}{
		{"unknown path", http.MethodPost, "/v2/orders/_nothing", auth, week(), 404, shopserve.CodeNotFound, ""},
		{"GET on a POST action", http.MethodGet, retrieve, auth, nil, 405, shopserve.CodeInvalidParameter, ""},
		{"no credentials", http.MethodPost, retrieve, "", week(), 401, shopserve.CodeUnauthorized, ""},
		{"wrong key", http.MethodPost, retrieve, shopserve.AuthHeader(shopservesim.DemoStoreID, strings.Repeat("a", 40)), week(), 401, shopserve.CodeUnauthorized, ""},
		{"not JSON", http.MethodPost, retrieve, auth, "{", 400, shopserve.CodeInvalidParameter, ""},
		{"no since", http.MethodPost, retrieve, auth, shopserve.RetrieveRequest{Size: 10}, 400, shopserve.CodeInvalidParameter, "since"},
		{"over a week", http.MethodPost, retrieve, auth, tooLong, 400, shopserve.CodeInvalidParameter, "until"},
		{"page over 100", http.MethodPost, retrieve, auth, big, 400, shopserve.CodeInvalidParameter, "size"},
		{"unknown order", http.MethodPost, "/v2/orders/20260101999999/status/_update", auth, shopserve.StatusUpdateRequest{OrderStatus: "confirmed"}, 404, shopserve.CodeNotFound, "serial_code"},
		{"compact since", http.MethodPost, retrieve, auth, compact, 200, "", ""},
		{"item search", http.MethodPost, "/v2" + shopserve.PathItemsSearch, auth, map[string]any{"from": 0, "size": 5, "sort": map[string]string{"order": "Asc"}}, 200, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := call(t, srv, tc.method, tc.path, tc.auth, tc.body)
			if a.status != tc.status {
				t.Fatalf("HTTP %d, want %d: %s", a.status, tc.status, a.body)
			}
			if ct := a.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Fatalf("Content-Type %q", ct)
			}
			if tc.status == 200 {
				var r struct {
					TotalCount *int `json:"total_count"`
				}
				if json.Unmarshal(a.body, &r) != nil || r.TotalCount == nil || *r.TotalCount == 0 {
					t.Fatalf("body %s", a.body)
				}
				return
			}
			if e := a.errCode(t); e.Code != tc.code || e.Field != tc.field {
				t.Fatalf("error %+v, want code %s field %q", e, tc.code, tc.field)
			}
		})
	}
}

func TestMaintenanceWindowClosesEveryEndpoint(t *testing.T) {
	sim, clock, srv, auth := newSim(t, 0)
	clock.Advance(time.Date(2026, 11, 25, 2, 0, 0, 0, marketplace.JST).Sub(start)) // Wednesday 02:00
	for _, path := range []string{"/v2" + shopserve.PathOrderRetrieve, "/v2" + shopserve.PathItemsSearch, "/v2/orders/x/status/_update"} {
		// Closed before authentication: even a wrong key hears "maintenance".
		for _, a := range []string{auth, "Basic eDp5"} {
			ans := call(t, srv, http.MethodPost, path, a, week())
			if ans.status != 503 || ans.errCode(t).Code != shopserve.CodeMaintenance || ans.header.Get("Retry-After") == "" {
				t.Fatalf("%s during maintenance: %d %s", path, ans.status, ans.body)
			}
		}
	}
	clock.Advance(4*time.Hour - time.Second) // 05:59:59
	if !sim.InMaintenance(clock.Now()) {
		t.Fatal("05:59:59 is still maintenance")
	}
	clock.Advance(time.Second)
	if a := call(t, srv, http.MethodPost, "/v2"+shopserve.PathOrderRetrieve, auth, week()); a.status != 200 {
		t.Fatalf("06:00: %d %s", a.status, a.body)
	}
	sim.SetMaintenance(nil)
	clock.Advance(7*24*time.Hour - 3*time.Hour)
	if sim.InMaintenance(clock.Now()) {
		t.Fatal("maintenance with no schedule")
	}
}

func TestRateLimitPerStore(t *testing.T) {
	sim, _, srv, auth := newSim(t, 1)
	other := sim.NewShop(shopservesim.ShopOptions{ID: "other.wc", Orders: 5})
	var statuses []int
	for range 3 {
		statuses = append(statuses, call(t, srv, http.MethodPost, "/v2"+shopserve.PathOrderRetrieve, auth, week()).status)
	}
	last := call(t, srv, http.MethodPost, "/v2"+shopserve.PathOrderRetrieve, auth, week())
	if statuses[0] != 200 || statuses[1] != 200 || last.status != 429 || last.errCode(t).Code != shopserve.CodeTooManyRequests || last.header.Get("Retry-After") == "" {
		t.Fatalf("statuses %v then %d %s", statuses, last.status, last.body)
	}
	// Another store has its own budget.
	if a := call(t, srv, http.MethodPost, "/v2"+shopserve.PathOrderRetrieve, shopserve.AuthHeader(other.StoreID, other.ManagerKey), week()); a.status != 200 {
		t.Fatalf("other store: %d", a.status)
	}
	if sim.Limits().Rejected() < 1 {
		t.Fatal("rejections not counted")
	}
}

func TestSameSeedSameOrders(t *testing.T) {
	_, _, a, authA := newSim(t, 0)
	_, _, b, authB := newSim(t, 0)
	x := call(t, a, http.MethodPost, "/v2"+shopserve.PathOrderRetrieve, authA, week())
	y := call(t, b, http.MethodPost, "/v2"+shopserve.PathOrderRetrieve, authB, week())
	if x.status != 200 || !bytes.Equal(x.body, y.body) {
		t.Fatalf("two simulators with one seed differ (%d)", x.status)
	}
}

func TestCredentialsJSONDrivesTheRealClient(t *testing.T) {
	sb := sandbox.New(sandbox.Options{RateLimitsOff: true, Simulators: []sandbox.Factory{
		func(env kit.Env) sandbox.Simulator { s := shopservesim.New(env); s.SetMaintenance(nil); return s },
	}})
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	res, err := http.Get(srv.URL + "/sandbox/credentials.json")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var creds map[string]map[string]any
	if err := json.NewDecoder(res.Body).Decode(&creds); err != nil {
		t.Fatal(err)
	}
	ss := creds["shopserve"]
	if ss["simulated"] != true || ss["base_url"] != srv.URL+"/sandbox/shopserve/v2" || ss["store_id"] != shopservesim.DemoStoreID {
		t.Fatalf("credentials.json shopserve = %v", ss)
	}
	c := shopserve.New(shopserve.Config{BaseURL: ss["base_url"].(string), StoreID: ss["store_id"].(string), ManagerKey: ss["manager_key"].(string), Transport: marketplace.Transport{Pacer: marketplace.NewPacer(0)}})
	if _, err := c.TestConnection(context.Background()); err != nil {
		t.Fatalf("connection test via credentials.json: %v", err)
	}
	n := 0
	err = c.SearchOrders(context.Background(), marketplace.OrderQuery{Window: marketplace.Window{From: time.Now().AddDate(0, 0, -30), To: time.Now().Add(time.Minute)}},
		func(b marketplace.OrderBatch) error { n += len(b.Orders); return nil })
	if err != nil || n != 200 {
		t.Fatalf("demo store: %d orders, %v", n, err)
	}
	if stats := sb.Simulator("shopserve").(sandbox.StatsReporter).Stats(shopservesim.DemoStoreID); len(stats) == 0 || stats[0].Value != 200 {
		t.Fatalf("stats %v", stats)
	}
}

// A store of a million orders answers a week's page without holding the
// orders' details: 16 bytes an order.
func TestMillionOrderStore(t *testing.T) {
	sim, _, srv, _ := newSim(t, 0)
	c := sim.NewShop(shopservesim.ShopOptions{ID: "big.wc", Orders: 1_000_000, Span: 30 * 24 * time.Hour})
	req := week()
	req.OrderStatus = []string{shopserve.OrderUnconfirmed}
	req.From = 200_000
	a := call(t, srv, http.MethodPost, "/v2"+shopserve.PathOrderRetrieve, shopserve.AuthHeader(c.StoreID, c.ManagerKey), req)
	p, err := shopserve.ParseRetrieve(a.body)
	if err != nil || len(p.Orders) != 100 || p.Total < 200_100 {
		t.Fatalf("page: %v, %d orders of %d", err, len(p.Orders), p.Total)
	}
}

// An order the shop left without a provisional 問い合わせ番号 carries the
// number once the shop enters it, and its updated_at moves to then.
func TestSetSlipNumber(t *testing.T) {
	sim, clock, srv, auth := newSim(t, 0)
	retrieve := "/v2" + shopserve.PathOrderRetrieve
	orders := func(req shopserve.RetrieveRequest) []shopserve.OrderJSON {
		t.Helper()
		a := call(t, srv, http.MethodPost, retrieve, auth, req)
		var r shopserve.RetrieveResponse
		if a.status != 200 || json.Unmarshal(a.body, &r) != nil {
			t.Fatalf("HTTP %d: %s", a.status, a.body)
		}
		return r.Orders
	}
	var waiting *shopserve.OrderJSON
	for _, o := range orders(week()) {
		if o.Deliveries[0].SlipNumber == "" {
			waiting = &o
			break
		}
	}
	if waiting == nil {
		t.Fatal("the demo store has no order without a provisional 問い合わせ番号 in its last week")
	}
	clock.Advance(time.Hour)
	if err := sim.SetSlipNumber(shopservesim.DemoStoreID, waiting.SerialCode, "123456789012"); err != nil {
		t.Fatal(err)
	}
	if err := sim.SetSlipNumber(shopservesim.DemoStoreID, "20260101999999", "1"); err == nil {
		t.Fatal("a number for an unknown order was accepted")
	}
	got := orders(shopserve.RetrieveRequest{SerialCodes: []string{waiting.SerialCode}, Size: 1})
	if len(got) != 1 || got[0].Deliveries[0].SlipNumber != "123456789012" || got[0].UpdatedAt != shopserve.FormatTime(clock.Now()) {
		t.Fatalf("after entering the number: %+v", got)
	}
}
