package amazonsim_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/marketplace/amazon"
	"github.com/renkei-oss/renkei/marketplace/amazon/contracttest"
	"github.com/renkei-oss/renkei/marketplace/sandbox"
	"github.com/renkei-oss/renkei/marketplace/sandbox/amazonsim"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
)

var t0 = time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC)

type fixture struct {
	t     *testing.T
	sim   *amazonsim.Sim
	clock *kit.Clock
	root  string // http://host
	base  string // …/sandbox/amazon
	token string
}

// newFixture mounts the registered simulators like `renkei sandbox` does,
// so the test also proves Amazon is in the composite's registration list.
func newFixture(t *testing.T, factor float64) *fixture {
	clock := kit.NewFrozenClock(t0)
	sb := sandbox.New(sandbox.Options{Seed: 3, Clock: clock, RateFactor: factor})
	ts := httptest.NewServer(sb)
	t.Cleanup(ts.Close)
	sim, ok := sb.Simulator("amazon").(*amazonsim.Sim)
	if !ok {
		t.Fatal("the Amazon simulator is not registered in the sandbox")
	}
	f := &fixture{t: t, sim: sim, clock: clock, root: ts.URL, base: ts.URL + "/sandbox/amazon"}
	f.token = f.accessToken(amazonsim.DemoClientID, amazonsim.DemoClientSecret, amazonsim.DemoRefreshToken)
	return f
}

func (f *fixture) accessToken(id, secret, refresh string) string {
	res, body := f.do(http.MethodPost, f.base+amazon.PathToken, "", url.Values{"grant_type": {"refresh_token"},
		"client_id": {id}, "client_secret": {secret}, "refresh_token": {refresh}}.Encode(), "application/x-www-form-urlencoded;charset=UTF-8")
	var tr amazon.TokenResponse
	if res.StatusCode != 200 || json.Unmarshal(body, &tr) != nil {
		return ""
	}
	if tr.ExpiresIn != 3600 || tr.TokenType != "bearer" || !strings.HasPrefix(tr.AccessToken, "Atza|") {
		f.t.Fatalf("token response %s", body)
	}
	return tr.AccessToken
}

func (f *fixture) do(method, u, token, body, ctype string) (*http.Response, []byte) {
	f.t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	if token != "" {
		req.Header.Set(amazon.HeaderAccessToken, token)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

func (f *fixture) get(path string, q url.Values) (*http.Response, []byte) {
	u := f.base + path
	if q != nil {
		u += "?" + q.Encode()
	}
	return f.do(http.MethodGet, u, f.token, "", "")
}

func model(t *testing.T, name string) *contracttest.Doc {
	d, err := contracttest.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func searchQuery(after time.Time) url.Values {
	return url.Values{amazon.QCreatedAfter: {amazon.FormatTime(after)}, amazon.QMarketplaceIDs: {amazon.MarketplaceJP},
		amazon.QIncludedData: {"BUYER,RECIPIENT,FULFILLMENT,PAYMENT,PROCEEDS,CANCELLATION"}}
}

// Every answer the simulator gives must be valid against Amazon's models.
func TestResponsesMatchTheModels(t *testing.T) {
	f := newFixture(t, 1000)
	m := model(t, "orders_2026-01-01.json")
	res, body := f.get(amazon.PathSearchOrders, searchQuery(t0.Add(-40*24*time.Hour)))
	if res.StatusCode != 200 {
		t.Fatalf("searchOrders %d %s", res.StatusCode, body)
	}
	if err := m.ValidateResponse("searchOrders", "200", body); err != nil {
		t.Fatalf("searchOrders body: %v", err)
	}
	if res.Header.Get(amazon.HeaderRateLimit) != "0.0056" || res.Header.Get(amazon.HeaderRequestID) == "" {
		t.Errorf("headers: %v", res.Header)
	}
	page, err := amazon.ParseSearchOrders(body)
	if err != nil || len(page.Orders) != 100 || page.Pagination == nil {
		t.Fatalf("first page: %v", err)
	}
	res, body = f.get(amazon.PathGetOrder+page.Orders[0].OrderID, url.Values{amazon.QIncludedData: {"BUYER,RECIPIENT,FULFILLMENT"}})
	if res.StatusCode != 200 {
		t.Fatalf("getOrder %d", res.StatusCode)
	}
	if err := m.ValidateResponse("getOrder", "200", body); err != nil {
		t.Fatalf("getOrder body: %v", err)
	}
	res, body = f.get(amazon.PathGetOrder+"999-0000000-0000000", nil)
	if res.StatusCode != 404 || m.ValidateResponse("getOrder", "404", body) != nil || res.Header.Get(amazon.HeaderRateLimit) == "" {
		t.Errorf("unknown order: %d %s", res.StatusCode, body)
	}
	bad := searchQuery(t0)
	bad.Set(amazon.QLastUpdatedAfter, amazon.FormatTime(t0))
	res, body = f.get(amazon.PathSearchOrders, bad)
	if res.StatusCode != 400 || m.ValidateResponse("searchOrders", "400", body) != nil || !strings.Contains(string(body), "InvalidInput") {
		t.Errorf("both date families: %d %s", res.StatusCode, body)
	}
	tooLate := searchQuery(t0.Add(-time.Hour))
	tooLate.Set(amazon.QCreatedBefore, amazon.FormatTime(t0.Add(-time.Minute)))
	if res, _ := f.get(amazon.PathSearchOrders, tooLate); res.StatusCode != 400 {
		t.Errorf("createdBefore less than two minutes ago accepted: %d", res.StatusCode)
	}
}

func TestAuthenticationChecks(t *testing.T) {
	f := newFixture(t, 1000)
	if f.accessToken(amazonsim.DemoClientID, amazonsim.DemoClientSecret, "Atzr|nope") != "" {
		t.Fatal("unknown refresh token got a token")
	}
	res, body := f.do(http.MethodGet, f.base+amazon.PathSearchOrders+"?"+searchQuery(t0.Add(-time.Hour)).Encode(), "Atza|forged", "", "")
	if res.StatusCode != 403 || !strings.Contains(string(body), `"code":"Unauthorized"`) {
		t.Fatalf("forged token: %d %s", res.StatusCode, body)
	}
	f.clock.Advance(time.Hour)
	res, body = f.get(amazon.PathSearchOrders, searchQuery(t0.Add(-time.Hour)))
	if res.StatusCode != 403 || !strings.Contains(string(body), "expired") {
		t.Fatalf("expired token: %d %s", res.StatusCode, body)
	}
}

// TestTokenAcceptsFormAndJSON: real LWA reads the grant from a form and
// from a JSON object (Amazon's JS SDK sends JSON), so the sandbox does too,
// and refuses the same mistakes in both.
func TestTokenAcceptsFormAndJSON(t *testing.T) {
	f := newFixture(t, 1000)
	grant := func(refresh, grantType string) map[string]string {
		return map[string]string{"grant_type": grantType, "client_id": amazonsim.DemoClientID,
			"client_secret": amazonsim.DemoClientSecret, "refresh_token": refresh}
	}
	form := func(g map[string]string) (string, string) {
		v := url.Values{}
		for k, x := range g {
			v.Set(k, x)
		}
		return v.Encode(), "application/x-www-form-urlencoded;charset=UTF-8"
	}
	asJSON := func(g map[string]string) (string, string) {
		b, _ := json.Marshal(g)
		return string(b), "application/json; charset=utf-8"
	}
	for _, enc := range []struct {
		name string
		body func(map[string]string) (string, string)
	}{{"form", form}, {"json", asJSON}} {
		for _, tc := range []struct {
			name      string
			grant     map[string]string
			status    int
			errorCode string
		}{
			{"valid", grant(amazonsim.DemoRefreshToken, "refresh_token"), 200, ""},
			{"wrong grant type", grant(amazonsim.DemoRefreshToken, "password"), 400, "unsupported_grant_type"},
			{"unknown refresh token", grant("Atzr|nope", "refresh_token"), 400, "invalid_grant"},
		} {
			t.Run(enc.name+"/"+tc.name, func(t *testing.T) {
				body, ctype := enc.body(tc.grant)
				res, got := f.do(http.MethodPost, f.base+amazon.PathToken, "", body, ctype)
				if res.StatusCode != tc.status {
					t.Fatalf("status %d, want %d: %s", res.StatusCode, tc.status, got)
				}
				if tc.errorCode != "" && !strings.Contains(string(got), `"error":"`+tc.errorCode+`"`) {
					t.Fatalf("body %s, want error %s", got, tc.errorCode)
				}
				var tr amazon.TokenResponse
				if tc.status == 200 && (json.Unmarshal(got, &tr) != nil || !strings.HasPrefix(tr.AccessToken, "Atza|")) {
					t.Fatalf("no access token in %s", got)
				}
			})
		}
	}
	res, got := f.do(http.MethodPost, f.base+amazon.PathToken, "", `{"grant_type":`, "application/json")
	if res.StatusCode != 400 || !strings.Contains(string(got), "invalid_request") {
		t.Fatalf("broken JSON: %d %s", res.StatusCode, got)
	}
}

func TestRateLimitAnswers429WithoutRateHeader(t *testing.T) {
	f := newFixture(t, 1) // published limits: searchOrders burst 20
	var last *http.Response
	var body []byte
	for range 21 {
		last, body = f.get(amazon.PathSearchOrders, searchQuery(t0.Add(-time.Hour)))
	}
	if last.StatusCode != 429 || last.Header.Get(amazon.HeaderRateLimit) != "" || !strings.Contains(string(body), "QuotaExceeded") {
		t.Fatalf("21st call: %d %v %s", last.StatusCode, last.Header, body)
	}
	if err := model(t, "orders_2026-01-01.json").ValidateResponse("searchOrders", "429", body); err != nil {
		t.Fatal(err)
	}
}

func TestOrdersMoveFromPendingToUnshipped(t *testing.T) {
	f := newFixture(t, 1000)
	f.sim.AddOrders(amazonsim.DemoSellerID, 30)
	f.clock.Advance(3 * time.Minute)
	q := searchQuery(t0.Add(-time.Second))
	q.Set(amazon.QFulfillmentStatuses, amazon.StatusPending)
	_, body := f.get(amazon.PathSearchOrders, q)
	page, err := amazon.ParseSearchOrders(body)
	if err != nil || len(page.Orders) == 0 {
		t.Fatalf("no new Pending orders: %v %s", err, body)
	}
	o := page.Orders[0]
	if o.Buyer != nil || o.Recipient != nil || o.Payment != nil || o.OrderItems[0].Product.Price != nil {
		t.Fatalf("a Pending order must not disclose buyer, address, payment or prices: %+v", o)
	}
	f.clock.Advance(3 * 24 * time.Hour)
	f.token = f.accessToken(amazonsim.DemoClientID, amazonsim.DemoClientSecret, amazonsim.DemoRefreshToken)
	_, body = f.get(amazon.PathGetOrder+o.OrderID, url.Values{amazon.QIncludedData: {"BUYER,RECIPIENT,FULFILLMENT,PAYMENT"}})
	later, err := amazon.ParseGetOrder(body)
	if err != nil {
		t.Fatal(err)
	}
	st := later.Fulfillment.FulfillmentStatus
	if st != amazon.StatusUnshipped && st != amazon.StatusCancelled {
		t.Fatalf("after three days the order is %s", st)
	}
	if st == amazon.StatusUnshipped && (later.Buyer == nil || later.Recipient.DeliveryAddress.StateOrRegion == "" || later.Payment == nil) {
		t.Fatalf("Unshipped order without buyer/address/payment: %s", body)
	}
	if later.LastUpdatedTime == o.LastUpdatedTime {
		t.Error("lastUpdatedTime did not move with the status")
	}
}

func TestSameSeedSameOrders(t *testing.T) {
	a, b := newFixture(t, 1000), newFixture(t, 1000)
	_, ba := a.get(amazon.PathSearchOrders, searchQuery(t0.Add(-40*24*time.Hour)))
	_, bb := b.get(amazon.PathSearchOrders, searchQuery(t0.Add(-40*24*time.Hour)))
	if !bytes.Equal(ba, bb) {
		t.Fatal("two sandboxes with the same seed and clock disagree")
	}
	if !strings.Contains(string(ba), "都") && !strings.Contains(string(ba), "府") && !strings.Contains(string(ba), "県") {
		t.Error("addresses are not Japanese")
	}
}

func TestPaginationTokenIsBoundToItsQuery(t *testing.T) {
	f := newFixture(t, 1000)
	q := searchQuery(t0.Add(-40 * 24 * time.Hour))
	_, body := f.get(amazon.PathSearchOrders, q)
	page, _ := amazon.ParseSearchOrders(body)
	other := searchQuery(t0.Add(-10 * 24 * time.Hour))
	other.Set(amazon.QPaginationToken, page.Pagination.NextToken)
	if res, _ := f.get(amazon.PathSearchOrders, other); res.StatusCode != 400 {
		t.Fatalf("token replayed with another query: %d", res.StatusCode)
	}
}

func TestListingsFeedProducesASchemaValidReport(t *testing.T) {
	f := newFixture(t, 1000)
	feeds := model(t, "feeds_2021-06-30.json")
	res, body := f.do(http.MethodPost, f.base+amazon.PathFeedDocuments, f.token, `{"contentType":"application/json; charset=UTF-8"}`, "application/json")
	if res.StatusCode != 201 || feeds.ValidateResponse("createFeedDocument", "201", body) != nil {
		t.Fatalf("createFeedDocument %d %s", res.StatusCode, body)
	}
	var doc amazon.CreateFeedDocumentResponse
	_ = json.Unmarshal(body, &doc)
	feedDoc := `{"header":{"sellerId":"` + amazonsim.DemoSellerID + `","version":"2.0"},"messages":[` +
		`{"messageId":1,"sku":"SKU-001-1","operationType":"PATCH","productType":"PRODUCT","patches":[{"op":"replace","path":"/attributes/fulfillment_availability","value":[{"fulfillment_channel_code":"DEFAULT","quantity":4}]}]},` +
		`{"messageId":2,"sku":"SKU-404","operationType":"PATCH","productType":"PRODUCT","patches":[{"op":"replace","path":"/attributes/fulfillment_availability","value":[{"fulfillment_channel_code":"DEFAULT","quantity":1}]}]}]}`
	if res, _ := f.do(http.MethodPut, doc.URL, "", feedDoc, "text/plain"); res.StatusCode != 403 {
		t.Fatalf("upload with another Content-Type must fail like S3: %d", res.StatusCode)
	}
	if res, _ := f.do(http.MethodPut, doc.URL, "", feedDoc, "application/json; charset=UTF-8"); res.StatusCode != 200 {
		t.Fatalf("upload: %d", res.StatusCode)
	}
	res, body = f.do(http.MethodPost, f.base+amazon.PathFeeds, f.token,
		`{"feedType":"JSON_LISTINGS_FEED","marketplaceIds":["`+amazon.MarketplaceJP+`"],"inputFeedDocumentId":"`+doc.FeedDocumentID+`"}`, "application/json")
	if res.StatusCode != 202 || feeds.ValidateResponse("createFeed", "202", body) != nil {
		t.Fatalf("createFeed %d %s", res.StatusCode, body)
	}
	var cf amazon.CreateFeedResponse
	_ = json.Unmarshal(body, &cf)
	status := func() amazon.Feed {
		res, body := f.get(amazon.PathFeed+cf.FeedID, nil)
		if res.StatusCode != 200 || feeds.ValidateResponse("getFeed", "200", body) != nil {
			t.Fatalf("getFeed %d %s", res.StatusCode, body)
		}
		var fd amazon.Feed
		_ = json.Unmarshal(body, &fd)
		return fd
	}
	for _, step := range []struct {
		after time.Duration
		want  string
	}{{0, amazon.FeedInQueue}, {40 * time.Second, amazon.FeedInProgress}, {time.Minute, amazon.FeedDone}} {
		f.clock.Advance(step.after)
		if got := status(); got.ProcessingStatus != step.want {
			t.Fatalf("after %v: %s, want %s", step.after, got.ProcessingStatus, step.want)
		}
	}
	res, body = f.get(amazon.PathFeedDocument+status().ResultFeedDocumentID, nil)
	if res.StatusCode != 200 || feeds.ValidateResponse("getFeedDocument", "200", body) != nil {
		t.Fatalf("getFeedDocument %d %s", res.StatusCode, body)
	}
	var fd amazon.FeedDocument
	_ = json.Unmarshal(body, &fd)
	_, gz := f.do(http.MethodGet, fd.URL, "", "", "")
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil || fd.CompressionAlgorithm != "GZIP" {
		t.Fatalf("report not gzipped as announced: %v", err)
	}
	report, _ := io.ReadAll(zr)
	if err := model(t, "listings-feed-processing-report-schema-v2.json").ValidateDocument(report); err != nil {
		t.Fatalf("report against the schema: %v\n%s", err, report)
	}
	var rep amazon.ProcessingReport
	_ = json.Unmarshal(report, &rep)
	if rep.Summary.MessagesAccepted != 1 || rep.Summary.MessagesInvalid != 1 || rep.Issues[0].SKU != "SKU-404" {
		t.Fatalf("report: %s", report)
	}
}

func TestCredentialsJSONListsAmazon(t *testing.T) {
	f := newFixture(t, 1000)
	res, body := f.do(http.MethodGet, f.root+"/sandbox/credentials.json", "", "", "")
	var all map[string]map[string]any
	if res.StatusCode != 200 || json.Unmarshal(body, &all) != nil {
		t.Fatalf("credentials.json %d %s", res.StatusCode, body)
	}
	a := all["amazon"]
	if a["client_id"] != amazonsim.DemoClientID || a["refresh_token"] != amazonsim.DemoRefreshToken || a["endpoint"] != f.base {
		t.Fatalf("amazon credentials: %v", a)
	}
}

func TestMillionOrderShop(t *testing.T) {
	f := newFixture(t, 1000)
	const n = 1_000_000
	f.sim.NewShop(amazonsim.ShopOptions{ID: "A2MILLION", Name: "百万件", RefreshToken: "Atzr|million", MarketplaceID: amazon.MarketplaceJP})
	if err := f.sim.AddOrdersBetween("A2MILLION", n, t0.Add(-30*24*time.Hour), t0.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	f.token = f.accessToken(amazonsim.DemoClientID, amazonsim.DemoClientSecret, "Atzr|million")
	// Orders of the last hour of the span: 1,000,000 / 719 h ≈ 1,390 of them.
	q := searchQuery(t0.Add(-2 * time.Hour))
	_, body := f.get(amazon.PathSearchOrders, q)
	page, err := amazon.ParseSearchOrders(body)
	if err != nil || len(page.Orders) != 100 || page.Pagination == nil {
		t.Fatalf("first page of the last hour: %v", err)
	}
	last := page.Orders[len(page.Orders)-1].OrderID
	res, body := f.get(amazon.PathGetOrder+last, nil)
	if res.StatusCode != 200 {
		t.Fatalf("getOrder %s: %d %s", last, res.StatusCode, body)
	}
}
