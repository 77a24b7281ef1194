package rakutensim_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
	"github.com/renkei-oss/renkei/marketplace/sandbox/rakutensim"
)

var now = time.Date(2026, 11, 20, 12, 0, 0, 0, marketplace.JST)

type fixture struct {
	sim   *rakutensim.Sim
	srv   *httptest.Server
	creds rakutensim.Creds
	clock *kit.Clock
}

func setup(t *testing.T) *fixture {
	t.Helper()
	clock := kit.NewFrozenClock(now)
	sim := rakutensim.New(kit.Env{Clock: clock, Seed: 3})
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	creds, _ := sim.ShopCreds(rakutensim.DemoShopID)
	return &fixture{sim: sim, srv: srv, creds: creds, clock: clock}
}

// esa is written out here, not taken from the client, so the simulator is
// checked against the notes rather than against our own client.
func esa(secret, key string) string {
	return "ESA " + base64.StdEncoding.EncodeToString([]byte(secret+":"+key))
}

// call sends a raw request and decodes a JSON answer into a generic map.
func (f *fixture) call(t *testing.T, method, path, body, auth string) (int, map[string]any, http.Header) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, f.srv.URL+path, r)
	if auth == "" {
		auth = esa(f.creds.ServiceSecret, f.creds.LicenseKey)
	}
	req.Header.Set("Authorization", auth)
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if len(raw) > 0 && (raw[0] == '{') {
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("%s %s: invalid JSON %s", method, path, raw)
		}
	}
	return resp.StatusCode, m, resp.Header
}

// get walks a decoded JSON value: get(m, "PackageModelList", 0, "basketId").
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

func TestVerifiedProtocolFacts(t *testing.T) {
	f := setup(t)
	numbers := f.sim.OrderNumbers(rakutensim.DemoShopID, now.AddDate(0, 0, -30), now)
	list := func(n int) string {
		b, _ := json.Marshal(numbers[:n])
		return string(b)
	}
	many := make([]string, 101)
	for i := range many {
		many[i] = numbers[i%len(numbers)]
	}
	manyJSON, _ := json.Marshal(many)
	var rows []string
	for i := range 401 {
		rows = append(rows, fmt.Sprintf(`{"manageNumber":"m%d","variantId":"v1","mode":"ABSOLUTE","quantity":1}`, i))
	}
	search := func(extra string) string {
		return `{"dateType":1,"startDatetime":"2026-10-21T12:00:00+0900","endDatetime":"2026-11-20T12:00:00+0900"` + extra + `}`
	}
	tests := []struct {
		name   string
		method string
		path   string
		body   string
		auth   string
		status int
		check  map[string]any // path "a.b.0.c" → expected value, or "*" for present
	}{
		{"ESA auth, wrong key → 401 ES01-01", "POST", "/es/2.0/order/searchOrder/", search(""), esa(f.creds.ServiceSecret, "SLnope"), 401,
			map[string]any{"Results.errorCode": "ES01-01"}},
		{"expired key → 401 ES01-01", "POST", "/es/2.0/order/getOrder/", `{"orderNumberList":` + list(1) + `,"version":7}`, esa(f.creds.ServiceSecret, f.creds.ExpiredLicenseKey), 401,
			map[string]any{"Results.errorCode": "ES01-01"}},
		{"order operations are POST", "GET", "/es/2.0/order/searchOrder/", "", "", 405, nil},
		{"searchOrder paging fields", "POST", "/es/2.0/order/searchOrder/", search(`,"PaginationRequestModel":{"requestRecordsAmount":30,"requestPage":2,"SortModelList":[{"sortColumn":1,"sortDirection":1}]}`), "", 200,
			map[string]any{"orderNumberList.29": "*", "PaginationResponseModel.totalRecordsAmount": "*", "PaginationResponseModel.totalPages": "*", "PaginationResponseModel.requestPage": 2.0,
				"MessageModelList.0.messageCode": "ORDER_EXT_API_SEARCH_ORDER_INFO_101"}},
		{"searchOrder page size max 1000", "POST", "/es/2.0/order/searchOrder/", search(`,"PaginationRequestModel":{"requestRecordsAmount":1001,"requestPage":1}`), "", 400,
			map[string]any{"MessageModelList.0.messageType": "ERROR"}},
		{"searchOrder dateType required", "POST", "/es/2.0/order/searchOrder/", `{"startDatetime":"2026-10-21T12:00:00+0900","endDatetime":"2026-11-20T12:00:00+0900"}`, "", 400,
			map[string]any{"MessageModelList.0.messageCode": "ORDER_EXT_API_SEARCH_ORDER_ERROR_009"}},
		{"searchOrder datetime format", "POST", "/es/2.0/order/searchOrder/", `{"dateType":1,"startDatetime":"2026/10/21","endDatetime":"2026-11-20T12:00:00+0900"}`, "", 400,
			map[string]any{"MessageModelList.0.messageCode": "ORDER_EXT_API_SEARCH_ORDER_ERROR_011"}},
		{"searchOrder window at most 63 days", "POST", "/es/2.0/order/searchOrder/", `{"dateType":1,"startDatetime":"2026-09-01T00:00:00+0900","endDatetime":"2026-11-20T00:00:00+0900"}`, "", 400,
			map[string]any{"MessageModelList.0.messageType": "ERROR"}},
		{"searchOrder not older than 730 days", "POST", "/es/2.0/order/searchOrder/", `{"dateType":1,"startDatetime":"2024-01-01T00:00:00+0900","endDatetime":"2024-02-01T00:00:00+0900"}`, "", 400,
			map[string]any{"MessageModelList.0.messageType": "ERROR"}},
		{"searchOrder no hits", "POST", "/es/2.0/order/searchOrder/", `{"dateType":1,"startDatetime":"2026-01-01T00:00:00+0900","endDatetime":"2026-01-02T00:00:00+0900"}`, "", 200,
			map[string]any{"orderNumberList": []any{}, "MessageModelList.0.messageCode": "ORDER_EXT_API_SEARCH_ORDER_INFO_102", "PaginationResponseModel.totalRecordsAmount": nil}},
		{"getOrder version 7 fields", "POST", "/es/2.0/order/getOrder/", `{"orderNumberList":` + list(2) + `,"version":7}`, "", 200,
			map[string]any{"OrderModelList.1.orderNumber": numbers[1], "OrderModelList.0.orderProgress": "*", "OrderModelList.0.orderDatetime": "*",
				"OrderModelList.0.OrdererModel.familyNameKana": "*", "OrderModelList.0.OrdererModel.zipCode1": "*", "OrderModelList.0.OrdererModel.phoneNumber1": "*",
				"OrderModelList.0.SettlementModel.settlementMethodCode": "*", "OrderModelList.0.DeliveryModel.deliveryName": "*",
				"OrderModelList.0.PackageModelList.0.basketId": "*", "OrderModelList.0.PackageModelList.0.SenderModel.prefecture": "*",
				"OrderModelList.0.PackageModelList.0.ItemModelList.0.manageNumber": "*", "OrderModelList.0.PackageModelList.0.ItemModelList.0.units": "*",
				"OrderModelList.0.PackageModelList.0.ItemModelList.0.SkuModelList.0.variantId":            "*",
				"OrderModelList.0.PackageModelList.0.ItemModelList.0.SkuModelList.0.merchantDefinedSkuId": "*",
				"OrderModelList.0.requestPrice": "*", "OrderModelList.0.TaxSummaryModelList.0.taxRate": "*", "version": 7.0,
				"MessageModelList.0.messageCode": "ORDER_EXT_API_GET_ORDER_INFO_101"}},
		{"getOrder at most 100 numbers", "POST", "/es/2.0/order/getOrder/", `{"orderNumberList":` + string(manyJSON) + `,"version":7}`, "", 400,
			map[string]any{"MessageModelList.0.messageType": "ERROR"}},
		{"async shipping: requestId on acceptance", "POST", "/es/2.0/order/updateOrderShippingAsync/",
			`{"OrderShippingModelList":[{"orderNumber":"` + numbers[0] + `","BasketidModelList":[{"basketId":100000000,"ShippingModelList":[{"deliveryCompany":"1001","shippingNumber":"SN1","shippingDate":"2026-11-20"}]}]}]}`, "", 200,
			map[string]any{"MessageModelList.0.messageCode": "ORDER_EXT_API_UPDATE_ORDERSHIPPING_ASYNC_INFO_101", "MessageModelList.0.requestId": "*"}},
		{"async shipping: slashes in date rejected, no requestId", "POST", "/es/2.0/order/updateOrderShippingAsync/",
			`{"OrderShippingModelList":[{"orderNumber":"` + numbers[0] + `","BasketidModelList":[{"basketId":100000000,"ShippingModelList":[{"deliveryCompany":"1001","shippingNumber":"SN1","shippingDate":"2026/11/20"}]}]}]}`, "", 400,
			map[string]any{"MessageModelList.0.messageCode": "ORDER_EXT_API_UPDATE_ORDERSHIPPING_ASYNC_ERROR_011", "MessageModelList.0.requestId": nil}},
		{"async shipping: carrier name instead of code rejected", "POST", "/es/2.0/order/updateOrderShippingAsync/",
			`{"OrderShippingModelList":[{"orderNumber":"` + numbers[0] + `","BasketidModelList":[{"basketId":100000000,"ShippingModelList":[{"deliveryCompany":"ヤマト運輸","shippingNumber":"SN1"}]}]}]}`, "", 400,
			map[string]any{"MessageModelList.0.messageType": "ERROR"}},
		{"async shipping: duplicate order rejected", "POST", "/es/2.0/order/updateOrderShippingAsync/",
			`{"OrderShippingModelList":[{"orderNumber":"` + numbers[0] + `","BasketidModelList":[{"basketId":1,"ShippingModelList":[{"deliveryCompany":"1001","shippingNumber":"a"}]}]},{"orderNumber":"` + numbers[0] + `","BasketidModelList":[{"basketId":1,"ShippingModelList":[{"deliveryCompany":"1001","shippingNumber":"a"}]}]}]}`, "", 400,
			map[string]any{"MessageModelList.0.messageType": "ERROR"}},
		{"async result: requestId required", "POST", "/es/2.0/order/getResultUpdateOrderShippingAsync/", `{}`, "", 400,
			map[string]any{"MessageModelList.0.messageCode": "ORDER_EXT_API_GET_RESULT_UPDATEORDERSHIPPING_ASYNC_ERROR_009"}},
		{"async result: unknown id looks like processing", "POST", "/es/2.0/order/getResultUpdateOrderShippingAsync/", `{"requestId":"nope"}`, "", 200,
			map[string]any{"ResultShippingModelList.0.MessageModelList.0.messageCode": "ORDER_EXT_API_GET_RESULT_UPDATEORDERSHIPPING_ASYNC_INFO_101", "ResultShippingModelList.0.orderNumber": nil}},
		{"inventory upsert at most 400 rows", "POST", "/es/2.0/inventories/bulk-upsert", `{"inventories":[` + strings.Join(rows, ",") + `]}`, "", 400,
			map[string]any{"errors.0.code": "*", "errors.0.message": "*"}},
		{"inventory upsert mode required", "POST", "/es/2.0/inventories/bulk-upsert", `{"inventories":[{"manageNumber":"m1","variantId":"v1","quantity":1}]}`, "", 400,
			map[string]any{"errors.0.metadata.propertyPath": "inventories[0].mode"}},
		{"inventory upsert → 204, unknown SKU accepted", "POST", "/es/2.1/inventories/bulk-upsert", `{"inventories":[{"manageNumber":"no-such-item","variantId":"v9","mode":"ABSOLUTE","quantity":70}]}`, "", 204, nil},
		{"license expiry lookup", "GET", "/es/1.0/license-management/license-key/expiry-date?licenseKey=" + f.creds.LicenseKey, "", "", 200,
			map[string]any{"expiryDate": f.creds.LicenseExpiresAt.Format("2006-01-02T15:04:05-0700")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, m, _ := f.call(t, tt.method, tt.path, tt.body, tt.auth)
			if status != tt.status {
				t.Fatalf("status %d, want %d (%v)", status, tt.status, m)
			}
			for path, want := range tt.check {
				var keys []any
				for _, k := range strings.Split(path, ".") {
					var n int
					if _, err := fmt.Sscanf(k, "%d", &n); err == nil && fmt.Sprint(n) == k {
						keys = append(keys, n)
					} else {
						keys = append(keys, k)
					}
				}
				got := get(m, keys...)
				switch want {
				case "*":
					if got == nil {
						t.Errorf("%s missing in %v", path, m)
					}
				default:
					if fmt.Sprint(got) != fmt.Sprint(want) {
						t.Errorf("%s = %v, want %v", path, got, want)
					}
				}
			}
		})
	}
	order := regexp.MustCompile(`^400001-\d{8}-\d{8}$`)
	for _, n := range numbers {
		if !order.MatchString(n) {
			t.Fatalf("order number %q is not <shopId>-<YYYYMMDD>-<serial>", n)
		}
	}
}

func TestGenreGetIsXML(t *testing.T) {
	f := setup(t)
	req, _ := http.NewRequest("GET", f.srv.URL+"/es/1.0/navigation/genre/get?genreId=0", nil)
	req.Header.Set("Authorization", esa(f.creds.ServiceSecret, f.creds.LicenseKey))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"<interfaceId>navigation.genre.get</interfaceId>", "<systemStatus>OK</systemStatus>", "<navigationGenreGetResult>"} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("missing %s", want)
		}
	}
}

func TestStatusesMoveWithTheClock(t *testing.T) {
	f := setup(t)
	if err := f.sim.AddOrders(rakutensim.DemoShopID, 40); err != nil {
		t.Fatal(err)
	}
	fresh := f.sim.OrderNumbers(rakutensim.DemoShopID, now, now)
	count := func() map[int]int {
		out := map[int]int{}
		for _, n := range fresh {
			p, _ := f.sim.Progress(rakutensim.DemoShopID, n)
			out[p]++
		}
		return out
	}
	n := len(fresh) // the 40 added, plus any seeded order dated exactly now
	if c := count(); n < 40 || c[100] != n {
		t.Fatalf("new orders: %v, want all 100", c)
	}
	f.clock.Advance(25 * time.Minute)
	if c := count(); c[200] == 0 || c[100] != 0 {
		t.Fatalf("after 25 min: %v, want confirmed (200)", c)
	}
	f.clock.Advance(4 * 24 * time.Hour)
	c := count()
	if c[300]+c[900] != n || c[300] == 0 {
		t.Fatalf("after 4 days: %v, want 300 (or cancelled 900)", c)
	}
}

func TestDeterministicForASeed(t *testing.T) {
	a, b := setup(t), setup(t)
	na := a.sim.OrderNumbers(rakutensim.DemoShopID, now.AddDate(0, 0, -30), now)
	nb := b.sim.OrderNumbers(rakutensim.DemoShopID, now.AddDate(0, 0, -30), now)
	body := `{"orderNumberList":["` + na[7] + `"],"version":7}`
	_, ma, _ := a.call(t, "POST", "/es/2.0/order/getOrder/", body, "")
	_, mb, _ := b.call(t, "POST", "/es/2.0/order/getOrder/", body, "")
	ja, _ := json.Marshal(ma)
	jb, _ := json.Marshal(mb)
	if len(na) != 200 || strings.Join(na, ",") != strings.Join(nb, ",") || !bytes.Equal(ja, jb) {
		t.Fatal("two sandboxes with the same seed differ")
	}
}

func TestMillionOrders(t *testing.T) {
	f := setup(t)
	f.sim.NewShop(rakutensim.ShopOptions{ID: "410000", Orders: 1_000_000, Span: 60 * 24 * time.Hour})
	creds, _ := f.sim.ShopCreds("410000")
	status, m, _ := f.call(t, "POST", "/es/2.0/order/searchOrder/",
		`{"dateType":1,"startDatetime":"2026-11-19T12:00:00+0900","endDatetime":"2026-11-20T12:00:00+0900","PaginationRequestModel":{"requestRecordsAmount":1000,"requestPage":16}}`,
		esa(creds.ServiceSecret, creds.LicenseKey))
	total := get(m, "PaginationResponseModel", "totalRecordsAmount")
	// One day of a million orders over 60 days: ~16,667 hits, only 15,000 reachable.
	if status != 200 || total.(float64) < 15000 || len(get(m, "orderNumberList").([]any)) != 0 {
		t.Fatalf("status %d total %v, page 16 should be beyond the 15,000 reachable", status, total)
	}
}

// TestSearchSecondsInclusive: RMS includes both the start and the end
// second, which the client's re-anchoring on an order datetime relies on;
// orders placed in the same second all match.
func TestSearchSecondsInclusive(t *testing.T) {
	f := setup(t)
	f.sim.NewShop(rakutensim.ShopOptions{ID: "410001", Orders: 3, Span: 2 * time.Second}) // now-2s, now-1s, now
	if err := f.sim.AddOrders("410001", 2); err != nil {                                  // two more at now
		t.Fatal(err)
	}
	creds, _ := f.sim.ShopCreds("410001")
	at := func(d time.Duration) string { return now.Add(d).Format("2006-01-02T15:04:05-0700") }
	tests := []struct {
		name     string
		from, to time.Duration
		want     int
	}{
		{"one second", -time.Second, -time.Second, 1},
		{"the busy second", 0, 0, 3},
		{"start and end both in", -2 * time.Second, -time.Second, 2},
		{"up to the busy second", -time.Second, 0, 4},
		{"a second with none", time.Second, 2 * time.Second, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := fmt.Sprintf(`{"dateType":1,"startDatetime":%q,"endDatetime":%q,"PaginationRequestModel":{"requestRecordsAmount":1000,"requestPage":1,"SortModelList":[{"sortColumn":1,"sortDirection":1}]}}`, at(tt.from), at(tt.to))
			status, m, _ := f.call(t, "POST", "/es/2.0/order/searchOrder/", body, esa(creds.ServiceSecret, creds.LicenseKey))
			got := get(m, "orderNumberList").([]any)
			if status != 200 || len(got) != tt.want {
				t.Fatalf("status %d, %d hits, want %d: %v", status, len(got), tt.want, m)
			}
			want := f.sim.Hits("410001", 1, now.Add(tt.from), now.Add(tt.to))
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("hit %d = %v, want %s (oldest first)", i, got[i], want[i])
				}
			}
		})
	}
}
