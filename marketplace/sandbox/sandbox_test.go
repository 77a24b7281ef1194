package sandbox_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/rakuten"
	"github.com/renkei-oss/renkei/marketplace/sandbox"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
	"github.com/renkei-oss/renkei/marketplace/sandbox/rakutensim"
)

func start(t *testing.T) (*sandbox.Server, *httptest.Server) {
	t.Helper()
	sb := sandbox.New(sandbox.Options{Clock: kit.NewFrozenClock(time.Date(2026, 11, 20, 12, 0, 0, 0, marketplace.JST)), RateLimitsOff: true})
	t.Cleanup(sb.Close)
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	return sb, srv
}

func credentials(t *testing.T, srv *httptest.Server) map[string]map[string]any {
	t.Helper()
	resp, err := http.Get(srv.URL + "/sandbox/credentials.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("credentials.json: %d %s", resp.StatusCode, ct)
	}
	var out map[string]map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCredentialsJSONDrivesTheRealClient(t *testing.T) {
	_, srv := start(t)
	creds := credentials(t, srv)
	for _, key := range []string{"rakuten", "amazon", "futureshop", "shopserve", "interpark"} {
		if creds[key] == nil {
			t.Errorf("credentials.json lacks %q", key)
		}
	}
	rk := creds["rakuten"]
	for _, k := range []string{"base_url", "service_secret", "license_key", "expired_license_key"} {
		if s, _ := rk[k].(string); s == "" {
			t.Fatalf("rakuten.%s missing: %v", k, rk)
		}
	}
	if !strings.HasSuffix(rk["base_url"].(string), "/sandbox/rakuten") {
		t.Fatalf("base_url %v", rk["base_url"])
	}
	// Only the base URL changes: the real client works against the sandbox.
	c := rakuten.New(rakuten.Config{
		BaseURL:       rk["base_url"].(string),
		ServiceSecret: rk["service_secret"].(string),
		LicenseKey:    rk["license_key"].(string),
		Transport:     marketplace.Transport{Pacer: marketplace.NewPacer(0)},
	})
	info, err := c.TestConnection(context.Background())
	if err != nil || info.ExpiresAt.IsZero() {
		t.Fatalf("connection test via credentials.json: %+v %v", info, err)
	}
	expired := rakuten.New(rakuten.Config{
		BaseURL:       rk["base_url"].(string),
		ServiceSecret: rk["service_secret"].(string),
		LicenseKey:    rk["expired_license_key"].(string),
		Transport:     marketplace.Transport{Pacer: marketplace.NewPacer(0), MaxAttempts: 1},
	})
	_, err = expired.TestConnection(context.Background())
	if marketplace.KindOf(err) != marketplace.CredentialExpired {
		t.Fatalf("expired key: %v", err)
	}
}

func TestPageAndControls(t *testing.T) {
	sb, srv := start(t)
	resp, err := http.Get(srv.URL + "/sandbox/")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("page: %d %v", resp.StatusCode, err)
	}
	if got := doc.Find("h1").Text(); got != "モールAPIサンドボックス" {
		t.Fatalf("h1 = %q", got)
	}
	// Every field has a label tied to it.
	doc.Find("input:not([type=hidden]), select").Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("id")
		if id == "" || doc.Find(`label[for="`+id+`"]`).Length() != 1 {
			t.Errorf("field %v has no label", s.AttrOr("name", "?"))
		}
	})
	if doc.Find(`button:contains("注文を追加する")`).Length() == 0 || doc.Find(`button:contains("障害を発生させる")`).Length() == 0 {
		t.Fatal("missing add-orders or fault buttons")
	}
	sim := sb.Simulator(marketplace.Rakuten).(*rakutensim.Sim)
	before := len(sim.OrderNumbers(rakutensim.DemoShopID, time.Time{}, time.Now().AddDate(1, 0, 0)))
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(action string, form url.Values) int {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/sandbox/control/"+action, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := post("orders", url.Values{"sim": {"rakuten"}, "shop": {rakutensim.DemoShopID}, "count": {"3"}}); st != http.StatusSeeOther {
		t.Fatalf("add orders: %d", st)
	}
	if after := len(sim.OrderNumbers(rakutensim.DemoShopID, time.Time{}, time.Now().AddDate(1, 0, 0))); after != before+3 {
		t.Fatalf("orders %d → %d, want +3", before, after)
	}
	if st := post("fault", url.Values{"sim": {"rakuten"}, "shop": {rakutensim.DemoShopID}, "kind": {"maintenance"}, "times": {"1"}}); st != http.StatusSeeOther {
		t.Fatalf("fault: %d", st)
	}
	if f := sim.Faults().List(rakutensim.DemoShopID); len(f) != 1 || f[0].Kind != kit.FaultMaintenance {
		t.Fatalf("faults %+v", f)
	}
	before0 := sb.Clock().Now()
	if st := post("clock", url.Values{"hours": {"2"}}); st != http.StatusSeeOther || sb.Clock().Now().Sub(before0) != 2*time.Hour {
		t.Fatalf("clock: %d", st)
	}
	if st := post("orders", url.Values{"sim": {"rakuten"}, "shop": {rakutensim.DemoShopID}, "count": {"0"}}); st != http.StatusBadRequest {
		t.Fatalf("zero orders accepted: %d", st)
	}
	// A cross-site form post is refused.
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/sandbox/control/clear", strings.NewReader("sim=rakuten"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err = noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site control: %d", resp.StatusCode)
	}
}

func TestFaultsFromGoAPI(t *testing.T) {
	sb, srv := start(t)
	creds := credentials(t, srv)["rakuten"]
	sb.SetFault(marketplace.Rakuten, rakutensim.DemoShopID, kit.Fault{Kind: kit.FaultMaintenance})
	c := rakuten.New(rakuten.Config{
		BaseURL:       creds["base_url"].(string),
		ServiceSecret: creds["service_secret"].(string),
		LicenseKey:    creds["license_key"].(string),
		Transport:     marketplace.Transport{Pacer: marketplace.NewPacer(0)},
	})
	_, err := c.FetchOrders(context.Background(), []string{"400001-20261120-00000001"})
	if marketplace.KindOf(err) != marketplace.Maintenance || !strings.Contains(marketplace.OperatorMessage(err), "メンテナンス") {
		t.Fatalf("maintenance: %v", err)
	}
	sb.ClearFaults(marketplace.Rakuten, "")
	if _, err := c.FetchOrders(context.Background(), []string{"400001-20261120-00000001"}); err != nil {
		t.Fatalf("after clearing: %v", err)
	}
}
