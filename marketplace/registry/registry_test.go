package registry_test

import (
	"context"
	"net/http/httptest"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/registry"
	"github.com/renkei-oss/renkei/marketplace/sandbox"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
	"github.com/renkei-oss/renkei/marketplace/sandbox/rakutensim"
)

func TestEveryMarketplaceIsRegistered(t *testing.T) {
	got := registry.Entries()
	if len(got) != len(domain.Marketplaces) {
		t.Fatalf("%d entries, want one per marketplace (%d)", len(got), len(domain.Marketplaces))
	}
	for i, e := range got {
		if e.Marketplace != domain.Marketplaces[i] || e.Open == nil || e.Label() == "" || len(e.Fields()) == 0 {
			t.Errorf("entry %d = %+v (label %q, %d fields)", i, e.Marketplace, e.Label(), len(e.Fields()))
		}
	}
	if _, ok := registry.Lookup("yahoo"); ok {
		t.Error("Lookup(yahoo) found an entry")
	}
}

// capabilities is what each client can do; a new capability shows here first.
var capabilities = map[string]func(marketplace.Adapter) bool{
	"ConnectionTester":        func(a marketplace.Adapter) bool { _, ok := a.(marketplace.ConnectionTester); return ok },
	"CredentialExpiryChecker": func(a marketplace.Adapter) bool { _, ok := a.(marketplace.CredentialExpiryChecker); return ok },
	"OrderSearcher":           func(a marketplace.Adapter) bool { _, ok := a.(marketplace.OrderSearcher); return ok },
	"OrderFetcher":            func(a marketplace.Adapter) bool { _, ok := a.(marketplace.OrderFetcher); return ok },
	"StatusSnapshotter":       func(a marketplace.Adapter) bool { _, ok := a.(marketplace.StatusSnapshotter); return ok },
	"OrderConfirmer":          func(a marketplace.Adapter) bool { _, ok := a.(marketplace.OrderConfirmer); return ok },
	"ShipmentPusher":          func(a marketplace.Adapter) bool { _, ok := a.(marketplace.ShipmentPusher); return ok },
	"ShipmentResultPoller":    func(a marketplace.Adapter) bool { _, ok := a.(marketplace.ShipmentResultPoller); return ok },
	"StockPusher":             func(a marketplace.Adapter) bool { _, ok := a.(marketplace.StockPusher); return ok },
	"FeedResultFetcher":       func(a marketplace.Adapter) bool { _, ok := a.(marketplace.FeedResultFetcher); return ok },
	"ProductFetcher":          func(a marketplace.Adapter) bool { _, ok := a.(marketplace.ProductFetcher); return ok },
}

func TestOpenedClientsHaveTheirCapabilities(t *testing.T) {
	tests := []struct {
		m      domain.Marketplace
		params map[string]string
		want   []string
	}{
		{domain.MarketplaceRakuten, nil, []string{"ConnectionTester", "CredentialExpiryChecker", "OrderConfirmer", "OrderFetcher", "OrderSearcher",
			"ProductFetcher", "ShipmentPusher", "ShipmentResultPoller", "StatusSnapshotter", "StockPusher"}},
		{domain.MarketplaceAmazon, map[string]string{domain.FieldAmazonMarketplace: "JP", domain.FieldAmazonClientID: "id",
			domain.FieldAmazonClientSecret: "s", domain.FieldAmazonRefreshToken: "Atzr|x"},
			[]string{"ConnectionTester", "FeedResultFetcher", "OrderFetcher", "OrderSearcher", "ShipmentPusher", "StatusSnapshotter", "StockPusher"}},
		{domain.MarketplaceFutureshop, map[string]string{domain.FieldFutureshopShopKey: "k", domain.FieldFutureshopClientID: "c",
			domain.FieldFutureshopClientSecret: "s"},
			[]string{"ConnectionTester", "OrderFetcher", "OrderSearcher", "ProductFetcher", "ShipmentPusher", "StockPusher"}},
		{domain.MarketplaceShopserve, nil, []string{"ConnectionTester", "OrderConfirmer", "OrderFetcher", "OrderSearcher",
			"ShipmentPusher", "StatusSnapshotter", "StockPusher"}},
		{domain.MarketplaceInterpark, nil, []string{"ConnectionTester", "OrderSearcher", "ShipmentPusher"}},
	}
	for _, tc := range tests {
		t.Run(string(tc.m), func(t *testing.T) {
			// Params and secrets share names here; each client reads its own.
			c := domain.Connection{Marketplace: tc.m, BaseURL: "https://api.example", Params: tc.params, Secrets: tc.params}
			a, err := registry.Clients{}.Open(c, nil)
			if err != nil {
				t.Fatal(err)
			}
			if a.Marketplace() != string(tc.m) {
				t.Errorf("Marketplace() = %q", a.Marketplace())
			}
			var got []string
			for _, name := range sortedKeys() {
				if capabilities[name](a) {
					got = append(got, name)
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("capabilities = %v, want %v", got, tc.want)
			}
		})
	}
}

func sortedKeys() []string {
	out := make([]string, 0, len(capabilities))
	for k := range capabilities {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestOpenRefusesWhatAClientCannotDo(t *testing.T) {
	c := domain.Connection{Marketplace: domain.MarketplaceInterpark, BaseURL: "https://api.example"}
	if _, err := registry.Open[marketplace.StockPusher](registry.Clients{}, c, nil); err != registry.ErrUnsupported {
		t.Errorf("Interpark StockPusher: err = %v, want ErrUnsupported", err)
	}
	if _, err := (registry.Clients{}).Open(domain.Connection{Marketplace: "yahoo"}, nil); err == nil {
		t.Error("an unknown marketplace opened")
	}
	amazonNoKey := domain.Connection{Marketplace: domain.MarketplaceAmazon, Params: map[string]string{domain.FieldAmazonMarketplace: "JP"}}
	if a, err := (registry.Clients{}).Open(amazonNoKey, nil); err == nil || a != nil {
		t.Errorf("Amazon without credentials: %v, %v; want nil and an error", a, err)
	}
}

// TestOpenCarriesTheTransport opens a Rakuten client on the sandbox: its
// call reaches the sandbox and lands with the recorder given to Open, and
// the interactive variant keeps the clock and pacer.
func TestOpenCarriesTheTransport(t *testing.T) {
	clock := kit.NewFrozenClock(time.Date(2026, 3, 2, 10, 0, 0, 0, marketplace.JST))
	sb := sandbox.New(sandbox.Options{Clock: clock, RateLimitsOff: true})
	srv := httptest.NewServer(sb)
	defer srv.Close()
	creds, _ := sb.Simulator(marketplace.Rakuten).(*rakutensim.Sim).ShopCreds(rakutensim.DemoShopID)
	c := domain.Connection{Marketplace: domain.MarketplaceRakuten, BaseURL: srv.URL + "/sandbox/rakuten",
		Secrets: map[string]string{domain.FieldRakutenServiceSecret: creds.ServiceSecret, domain.FieldRakutenLicenseKey: creds.LicenseKey}}
	pacer := marketplace.NewPacer(0)
	cl := registry.Clients{Transport: marketplace.Transport{Pacer: pacer, Now: clock.Now, MaxAttempts: 5}}

	var mu sync.Mutex
	var calls []marketplace.Call
	rec := marketplace.CallRecorderFunc(func(_ context.Context, call marketplace.Call) {
		mu.Lock()
		defer mu.Unlock()
		calls = append(calls, call)
	})
	tester, err := registry.Open[marketplace.ConnectionTester](cl.Interactive(), c, rec)
	if err != nil {
		t.Fatal(err)
	}
	info, err := tester.TestConnection(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if info.ExpiresAt.IsZero() {
		t.Error("no license key expiry from the sandbox")
	}
	if len(calls) == 0 || calls[0].Marketplace != marketplace.Rakuten {
		t.Errorf("recorded calls = %+v, want the test's calls", calls)
	}
	in := cl.Interactive().Transport
	if in.Pacer != pacer || in.Now == nil || !in.Now().Equal(clock.Now()) || in.MaxAttempts >= cl.Transport.MaxAttempts {
		t.Errorf("Interactive transport = %+v", in)
	}
}
