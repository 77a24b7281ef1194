package kit_test

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
)

type testShop struct {
	id     string
	orders []int64
}

func (sh *testShop) Creds() string { return sh.id }

func (sh *testShop) Add(n int, from, to time.Time) {
	sh.orders = append(sh.orders, kit.Spread(n, from, to, 0)...)
}

type testSim struct{ kit.Base[string, *testShop] }

func newTestSim(t0 time.Time, factor float64) *testSim {
	s := &testSim{}
	s.Init(kit.Env{Clock: kit.NewFrozenClock(t0), Seed: 1, RateFactor: factor})
	return s
}

func (s *testSim) open(id string, orders int) *testShop {
	return s.Open(orders, 0, time.Hour, func(int, int64, time.Time) (string, *testShop) { return id, &testShop{id: id} })
}

func TestSpread(t *testing.T) {
	t0 := time.Unix(1000, 0)
	for _, tc := range []struct {
		name     string
		n        int
		from, to time.Time
		newest   int64
		want     []int64
	}{
		{"both ends", 3, t0, t0.Add(10 * time.Second), 0, []int64{1000, 1005, 1010}},
		{"one order at to", 1, t0, t0.Add(10 * time.Second), 0, []int64{1010}},
		{"a point", 2, t0, t0, 0, []int64{1000, 1000}},
		{"never before the newest", 2, t0, t0.Add(10 * time.Second), 1008, []int64{1008, 1010}},
		{"none", 0, t0, t0, 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := kit.Spread(tc.n, tc.from, tc.to, tc.newest); !slices.Equal(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestBaseShops(t *testing.T) {
	t0 := time.Unix(1_000_000, 0)
	s := newTestSim(t0, 0)
	a := s.open("a", 3)
	s.open("b", 0)
	if got := s.Shops(); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("shops %v, want in the order added", got)
	}
	if !slices.Equal(a.orders, []int64{t0.Unix() - 3600, t0.Unix() - 1800, t0.Unix()}) {
		t.Fatalf("seeded orders %v, want over the default hour ending now", a.orders)
	}
	if err := s.AddOrders("a", 2); err != nil || len(a.orders) != 5 {
		t.Fatalf("AddOrders: %v, %d orders", err, len(a.orders))
	}
	if err := s.AddOrders("nope", 1); err == nil || err.Error() != "ショップ nope はありません" {
		t.Fatalf("unknown shop: %v", err)
	}
	if c, ok := s.ShopCreds("b"); !ok || c != "b" {
		t.Fatalf("ShopCreds(b) = %q %v", c, ok)
	}
	l := s.Listing("http://x/sandbox/t", map[string]any{"note": "n"})
	if l["simulated"] != true || l["base_url"] != "http://x/sandbox/t" || l["note"] != "n" || !slices.Equal(l["shops"].([]string), []string{"a", "b"}) {
		t.Fatalf("listing %v", l)
	}
	if got := kit.Query(&s.Base, "a", func(sh *testShop) int { return len(sh.orders) }); got != 5 {
		t.Fatalf("Query: %d", got)
	}
}

func TestAdmit(t *testing.T) {
	replies := kit.Replies{
		Throttle:    func(w http.ResponseWriter) { w.WriteHeader(http.StatusTooManyRequests) },
		ServerError: func(w http.ResponseWriter) { w.WriteHeader(http.StatusInternalServerError) },
		Maintenance: func(w http.ResponseWriter) { w.WriteHeader(http.StatusServiceUnavailable) },
		Malformed:   `{"x":`, MalformedType: "application/json",
	}
	for _, tc := range []struct {
		name   string
		fault  *kit.Fault
		factor float64
		calls  int // the last one is checked
		admit  bool
		status int
		body   string
	}{
		{"no fault", nil, 0, 1, true, 200, ""},
		{"over the limit", nil, 1, 3, false, 429, ""},
		{"throttle", &kit.Fault{Kind: kit.FaultThrottle}, 0, 1, false, 429, ""},
		{"server error", &kit.Fault{Kind: kit.FaultServerError}, 0, 1, false, 500, ""},
		{"maintenance", &kit.Fault{Kind: kit.FaultMaintenance}, 0, 1, false, 503, ""},
		{"malformed", &kit.Fault{Kind: kit.FaultMalformed}, 0, 1, false, 200, `{"x":`},
		{"slow carries on", &kit.Fault{Kind: kit.FaultSlow, Delay: time.Millisecond}, 0, 1, true, 200, ""},
		{"another operation's fault", &kit.Fault{Kind: kit.FaultServerError, Only: "other"}, 0, 1, true, 200, ""},
		{"spent after Times", &kit.Fault{Kind: kit.FaultServerError, Times: 1}, 0, 2, true, 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestSim(time.Unix(0, 0), tc.factor)
			if tc.fault != nil {
				s.Faults().Set("a", *tc.fault)
			}
			var admit bool
			var rec *httptest.ResponseRecorder
			for range tc.calls {
				rec = httptest.NewRecorder()
				admit = s.Admit(rec, httptest.NewRequest("GET", "/", nil), "a", "op", "api", kit.Pace{Rate: 1, Burst: 2}, replies)
			}
			if admit != tc.admit || rec.Code != tc.status || rec.Body.String() != tc.body {
				t.Fatalf("admit %v status %d body %q, want %v %d %q", admit, rec.Code, rec.Body, tc.admit, tc.status, tc.body)
			}
		})
	}
}

func TestSchemeCredentials(t *testing.T) {
	enc := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	for _, tc := range []struct {
		header, scheme, user, secret string
		ok                           bool
	}{
		{"ESA " + enc("sp:sl"), "ESA", "sp", "sl", true},
		{"Basic " + enc("store:key:with:colons"), "Basic", "store", "key:with:colons", true},
		{"Basic " + enc("nocolon"), "Basic", "", "", false},
		{"Bearer " + enc("a:b"), "Basic", "", "", false},
		{"Basic !!!", "Basic", "", "", false},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Authorization", tc.header)
		user, secret, ok := kit.SchemeCredentials(r, tc.scheme)
		if user != tc.user || secret != tc.secret || ok != tc.ok {
			t.Errorf("%q: %q %q %v, want %q %q %v", tc.header, user, secret, ok, tc.user, tc.secret, tc.ok)
		}
	}
}
