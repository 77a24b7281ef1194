package interparksim_test

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
	"github.com/renkei-oss/renkei/marketplace/interpark"
	"github.com/renkei-oss/renkei/marketplace/sandbox"
	"github.com/renkei-oss/renkei/marketplace/sandbox/interparksim"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
)

var start = time.Date(2026, 11, 20, 12, 0, 0, 0, interpark.KST)

func newSim(t *testing.T) (*interparksim.Sim, *httptest.Server) {
	t.Helper()
	sim := interparksim.New(kit.Env{Clock: kit.NewFrozenClock(start), Seed: 7})
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return sim, srv
}

func demoParams(method string) url.Values {
	return url.Values{interpark.ParamMethod: {method}, interpark.ParamShopID: {interparksim.DemoShopID},
		interpark.ParamCompanyNo: {interparksim.DemoCompanyNo}, interpark.ParamContractNo: {interparksim.DemoContractNo},
		interpark.ParamStartDate: {interpark.FormatTime(start.AddDate(0, 0, -3))}, interpark.ParamEndDate: {interpark.FormatTime(start)}}
}

type answer struct {
	status int
	ctype  string
	text   string
}

func call(t *testing.T, method, target string, form url.Values) answer {
	t.Helper()
	var req *http.Request
	var err error
	if method == http.MethodPost {
		req, err = http.NewRequest(method, target, strings.NewReader(form.Encode()))
		if req != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	} else {
		req, err = http.NewRequest(method, target+"?"+form.Encode(), nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	text, err := interpark.DecodeBody(resp.Header.Get("Content-Type"), raw)
	if err != nil {
		t.Fatal(err)
	}
	return answer{resp.StatusCode, resp.Header.Get("Content-Type"), string(text)}
}

// The protocol as the notes describe it, over raw HTTP.
func TestProtocol(t *testing.T) {
	_, srv := newSim(t)
	api := srv.URL + interpark.PathOrderAPI
	with := func(method string, mod func(url.Values)) url.Values {
		v := demoParams(method)
		if mod != nil {
			mod(v)
		}
		return v
	}
	tests := []struct {
		name, method, target string
		form                 url.Values
		status               int
		contains             string
	}{
		{"ship targets by GET", http.MethodGet, api, with(interpark.MethodShipTargets, nil), 200, "<ORDER_LIST/>"},
		{"new orders by form POST", http.MethodPost, api, with(interpark.MethodNewOrders, nil), 200, "<CURRENT_STATE>40</CURRENT_STATE>"},
		{"wrong company number", http.MethodGet, api, with(interpark.MethodShipTargets, func(v url.Values) { v.Set(interpark.ParamCompanyNo, "1") }), 200, "<CODE>999</CODE><MESSAGE>인증 실패</MESSAGE>"},
		{"contract number missing", http.MethodGet, api, with(interpark.MethodShipTargets, func(v url.Values) { v.Del(interpark.ParamContractNo) }), 200, "<CODE>999</CODE>"},
		{"bad date", http.MethodGet, api, with(interpark.MethodShipTargets, func(v url.Values) { v.Set(interpark.ParamEndDate, "2026-11-20") }), 200, "<CODE>101</CODE>"},
		{"end before start", http.MethodGet, api, with(interpark.MethodShipTargets, func(v url.Values) { v.Set(interpark.ParamEndDate, "20200101000000") }), 200, "<CODE>101</CODE>"},
		{"unknown _method", http.MethodGet, api, with("delvCompListForSingle", nil), 200, "<CODE>101</CODE>"},
		{"other path", http.MethodGet, srv.URL + "/order/Other.do", with(interpark.MethodShipTargets, nil), 404, ""},
		{"PUT", http.MethodPut, api, with(interpark.MethodShipTargets, nil), 405, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := call(t, tc.method, tc.target, tc.form)
			if a.status != tc.status || !strings.Contains(a.text, tc.contains) {
				t.Fatalf("HTTP %d %.300s; want %d containing %q", a.status, a.text, tc.status, tc.contains)
			}
			if a.status == 200 && a.ctype != interpark.ContentType {
				t.Fatalf("Content-Type %q", a.ctype)
			}
		})
	}
	// The POST above acknowledged the first page: it is on the ship-target list now.
	a := call(t, http.MethodGet, api, with(interpark.MethodShipTargets, nil))
	if !strings.Contains(a.text, "<CURRENT_STATE>50</CURRENT_STATE>") || strings.Contains(a.text, "<CURRENT_STATE>40</CURRENT_STATE>") {
		t.Fatalf("ship targets after acknowledgement: %.300s", a.text)
	}
}

// delvCompForComm refuses a 新規注文 (not acknowledged yet) and bad
// tracking numbers; it takes the shop ID alone [V3].
func TestShipCompleteRefusals(t *testing.T) {
	sim, srv := newSim(t)
	nos := sim.OrderNumbers(interparksim.DemoShopID)
	ship := func(no, tracking string) string {
		v := url.Values{interpark.ParamMethod: {interpark.MethodShipComplete}, interpark.ParamShopID: {interparksim.DemoShopID},
			interpark.ParamOrderNo: {no}, interpark.ParamOrderSeq: {"1"}, interpark.ParamShipDate: {"20261120"},
			interpark.ParamCarrier: {interpark.CarrierOther}, interpark.ParamTrackingNo: {tracking}}
		return call(t, http.MethodGet, srv.URL+interpark.PathOrderAPI, v).text
	}
	if got := ship(nos[len(nos)-1], "123"); !strings.Contains(got, interpark.MsgWrongState) {
		t.Fatalf("新規注文: %s", got)
	}
	if got := ship(nos[len(nos)-1], "12-3"); !strings.Contains(got, "<CODE>101</CODE>") {
		t.Fatalf("tracking with a hyphen: %s", got)
	}
	if len(sim.Shipments(interparksim.DemoShopID)) != 0 {
		t.Fatal("a refused call was recorded as shipped")
	}
}

// Same seed, same answers; another seed, other orders.
func TestDeterministic(t *testing.T) {
	_, a := newSim(t)
	_, b := newSim(t)
	other := httptest.NewServer(interparksim.New(kit.Env{Clock: kit.NewFrozenClock(start), Seed: 8}))
	t.Cleanup(other.Close)
	q := demoParams(interpark.MethodNewOrders)
	x := call(t, http.MethodGet, a.URL+interpark.PathOrderAPI, q)
	y := call(t, http.MethodGet, b.URL+interpark.PathOrderAPI, q)
	z := call(t, http.MethodGet, other.URL+interpark.PathOrderAPI, q)
	if x.text != y.text || x.text == z.text || !strings.Contains(x.text, "<ORDER>") {
		t.Fatalf("determinism: same seed equal %v, other seed equal %v", x.text == y.text, x.text == z.text)
	}
}

// credentials.json of the composite sandbox lists Interpark as simulated,
// and its values drive the real client unchanged.
func TestCredentialsJSONDrivesTheRealClient(t *testing.T) {
	sb := sandbox.New(sandbox.Options{RateLimitsOff: true, Simulators: []sandbox.Factory{
		func(env kit.Env) sandbox.Simulator { return interparksim.New(env) },
	}})
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	resp, err := http.Get(srv.URL + "/sandbox/credentials.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var creds map[string]map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&creds); err != nil {
		t.Fatal(err)
	}
	ip := creds["interpark"]
	if ip["simulated"] != true || ip["base_url"] != srv.URL+"/sandbox/interpark" {
		t.Fatalf("interpark entry %v", ip)
	}
	c := interpark.New(interpark.Config{
		BaseURL:    ip["base_url"].(string),
		ShopID:     ip["shop_id"].(string),
		CompanyNo:  ip["company_no"].(string),
		ContractNo: ip["supply_contract_no"].(string),
		Transport:  marketplace.Transport{Pacer: marketplace.NewPacer(0)},
	})
	if _, err := c.TestConnection(context.Background()); err != nil {
		t.Fatalf("connection test via credentials.json: %v", err)
	}
	if stats := sb.Simulator("interpark").(sandbox.StatsReporter).Stats(interparksim.DemoShopID); len(stats) == 0 || stats[0].Value != 120 {
		t.Fatalf("stats %v", stats)
	}
}

// AddOrders dates new orders now; they arrive on the new-order list.
func TestAddOrders(t *testing.T) {
	sim, srv := newSim(t)
	if err := sim.AddOrders(interparksim.DemoShopID, 3); err != nil {
		t.Fatal(err)
	}
	if err := sim.AddOrders("NOSUCH", 1); err == nil {
		t.Fatal("orders added to an unknown seller")
	}
	q := demoParams(interpark.MethodNewOrders)
	q.Set(interpark.ParamStartDate, interpark.FormatTime(start))
	a := call(t, http.MethodGet, srv.URL+interpark.PathOrderAPI, q)
	if n := strings.Count(a.text, "<ORDER>"); n < 3 {
		t.Fatalf("%d new orders at now, want the 3 added (and the newest seeded one)", n)
	}
}
