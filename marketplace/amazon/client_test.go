package amazon_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/amazon"
	"github.com/renkei-oss/renkei/marketplace/sandbox/amazonsim"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
)

func TestWrongCredentialsAreTypedErrors(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		name  string
		cred  amazon.Credentials
		fault bool
		kind  marketplace.Kind
		code  string
	}{
		{"wrong refresh token", amazon.Credentials{ClientID: amazonsim.DemoClientID, ClientSecret: amazonsim.DemoClientSecret, RefreshToken: "Atzr|revoked"}, false, marketplace.AuthFailed, "invalid_grant"},
		{"wrong client secret", amazon.Credentials{ClientID: amazonsim.DemoClientID, ClientSecret: "amzn1.oa2-cs.v1.wrong", RefreshToken: amazonsim.DemoRefreshToken}, false, marketplace.AuthFailed, "invalid_client"},
		{"unknown client id", amazon.Credentials{ClientID: "amzn1.application-oa2-client.nobody", ClientSecret: amazonsim.DemoClientSecret, RefreshToken: amazonsim.DemoRefreshToken}, false, marketplace.AuthFailed, "invalid_client"},
		{"rotated-away secret", demoCreds(), true, marketplace.CredentialExpired, "invalid_client"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e.sim.Faults().Clear("")
			if tc.fault {
				e.sim.Faults().Set(amazonsim.DemoSellerID, kit.Fault{Kind: kit.FaultExpiredCredential})
			}
			_, err := e.client(tc.cred, "").TestConnection(context.Background())
			var me *marketplace.Error
			if !errors.As(err, &me) {
				t.Fatalf("want *marketplace.Error, got %v", err)
			}
			if me.Kind != tc.kind || me.Code != tc.code || me.Operation != "lwaToken" {
				t.Fatalf("got kind %v code %q op %q, want %v %q lwaToken", me.Kind, me.Code, me.Operation, tc.kind, tc.code)
			}
			msg := me.OperatorMessage()
			if tc.kind == marketplace.AuthFailed && !strings.Contains(msg, tc.code) {
				t.Errorf("operator message does not show the LWA code: %s", msg)
			}
			if !strings.Contains(me.Error(), tc.code) {
				t.Errorf("error does not keep the LWA code: %s", me.Error())
			}
			for _, secret := range []string{tc.cred.ClientSecret, tc.cred.RefreshToken} {
				if strings.Contains(err.Error(), secret) || strings.Contains(msg, secret) {
					t.Errorf("secret leaked into the error: %s", err)
				}
			}
		})
	}
	e.sim.Faults().Clear("")
	info, err := e.client(demoCreds(), "").TestConnection(context.Background())
	if err != nil || !strings.Contains(info.Detail, amazon.MarketplaceJP) {
		t.Fatalf("demo credentials: %v %q", err, info.Detail)
	}
}

func TestSearchPagesAcrossThreePages(t *testing.T) {
	e := newEnv(t)
	from := t0.Add(-72 * time.Hour)
	c := e.client(e.seller("A2PAGES", 250, from, from.Add(48*time.Hour)), "")
	orders, batches, err := importAll(t, c, marketplace.OrderQuery{Window: marketplace.Window{From: from, To: t0}, Statuses: allStatuses})
	if err != nil {
		t.Fatal(err)
	}
	if len(orders) != 250 || len(batches) != 3 || e.sim.Calls("searchOrders") != 3 {
		t.Fatalf("got %d orders in %d batches with %d calls, want 250 in 3 with 3", len(orders), len(batches), e.sim.Calls("searchOrders"))
	}
	seen := map[string]bool{}
	for _, o := range orders {
		if seen[o.Number] {
			t.Fatalf("order %s returned twice across pages", o.Number)
		}
		seen[o.Number] = true
	}
	calls := e.recorded("searchOrders")
	if query(t, calls[0]).Get(amazon.QPaginationToken) != "" || query(t, calls[1]).Get(amazon.QPaginationToken) == "" {
		t.Errorf("paging token not sent on the second page")
	}
	if !batches[2].WindowDone || batches[0].WindowDone {
		t.Errorf("WindowDone must mark only the last page")
	}
}

func TestThreeWeekSpanIsSplitIntoWeeklyWindows(t *testing.T) {
	e := newEnv(t)
	from := t0.Add(-22 * 24 * time.Hour)
	to := from.Add(21 * 24 * time.Hour)
	c := e.client(e.seller("A2WEEKS", 60, from, to), "")
	orders, batches, err := importAll(t, c, marketplace.OrderQuery{Window: marketplace.Window{From: from, To: to}, Statuses: allStatuses})
	if err != nil {
		t.Fatal(err)
	}
	if len(orders) != 60 {
		t.Fatalf("got %d orders, want 60", len(orders))
	}
	var windows []marketplace.Window
	for _, b := range batches {
		if b.WindowDone {
			windows = append(windows, b.Window)
		}
	}
	if len(windows) != 3 {
		t.Fatalf("got %d windows, want 3", len(windows))
	}
	calls := e.recorded("searchOrders")
	for i, w := range windows {
		if w.Duration() != 7*24*time.Hour {
			t.Errorf("window %d is %v, want one week", i, w.Duration())
		}
		q := query(t, calls[i])
		// Amazon wants UTC; a +09:00 filter is rejected.
		wantBefore := w.To.Add(-time.Second).UTC().Format("2006-01-02T15:04:05Z")
		if q.Get(amazon.QCreatedAfter) != w.From.UTC().Format("2006-01-02T15:04:05Z") || q.Get(amazon.QCreatedBefore) != wantBefore {
			t.Errorf("window %d sent as %s..%s", i, q.Get(amazon.QCreatedAfter), q.Get(amazon.QCreatedBefore))
		}
	}
}

func TestThrottlingIsAbsorbed(t *testing.T) {
	t.Run("injected 429s are retried", func(t *testing.T) {
		e := newEnv(t)
		c := e.client(demoCreds(), "")
		e.sim.Faults().Set(amazonsim.DemoSellerID, kit.Fault{Kind: kit.FaultThrottle, Times: 2, Only: "searchOrders"})
		orders, _, err := importAll(t, c, marketplace.OrderQuery{Window: marketplace.Window{From: t0.Add(-7 * 24 * time.Hour), To: t0}})
		if err != nil {
			t.Fatalf("a 429 reached the caller: %v", err)
		}
		if len(orders) == 0 || e.sim.Calls("searchOrders") < 3 {
			t.Fatalf("orders %d, calls %d", len(orders), e.sim.Calls("searchOrders"))
		}
	})
	t.Run("pacing keeps within the limit past the burst", func(t *testing.T) {
		e := newEnv(t)
		from := t0.Add(-24 * time.Hour)
		c := e.client(e.seller("A2PACE", 300, from, from.Add(12*time.Hour)), "")
		// 30 pages against a burst of 20: the last ten must be paced.
		orders, _, err := importAll(t, c, marketplace.OrderQuery{Window: marketplace.Window{From: from, To: t0}, Statuses: allStatuses, PageSize: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(orders) != 300 || e.sim.Calls("searchOrders") != 30 {
			t.Fatalf("orders %d calls %d", len(orders), e.sim.Calls("searchOrders"))
		}
		if r := e.sim.Limits().Rejected(); r != 0 {
			t.Fatalf("the client exceeded the published limit: %d requests refused", r)
		}
	})
}

func TestServerErrorIsRetried(t *testing.T) {
	e := newEnv(t)
	c := e.client(demoCreds(), "")
	orders, _, err := importAll(t, c, marketplace.OrderQuery{Window: marketplace.Window{From: t0.Add(-7 * 24 * time.Hour), To: t0}})
	if err != nil || len(orders) == 0 {
		t.Fatal(err)
	}
	number := orders[0].Number
	e.sim.Faults().Set(amazonsim.DemoSellerID, kit.Fault{Kind: kit.FaultServerError, Times: 2, Only: "getOrder"})
	got, err := c.FetchOrders(context.Background(), []string{number})
	if err != nil || len(got) != 1 || got[0].Number != number {
		t.Fatalf("5xx not absorbed: %v", err)
	}
	if n := len(e.recorded("getOrder")); n != 3 {
		t.Fatalf("want 3 attempts (two 500s, one 200), recorded %d", n)
	}
}

func TestMalformedBodyIsTypedError(t *testing.T) {
	e := newEnv(t)
	c := e.client(demoCreds(), "")
	e.sim.Faults().Set(amazonsim.DemoSellerID, kit.Fault{Kind: kit.FaultMalformed, Times: 1, Only: "searchOrders"})
	_, _, err := importAll(t, c, marketplace.OrderQuery{Window: marketplace.Window{From: t0.Add(-7 * 24 * time.Hour), To: t0}})
	if marketplace.KindOf(err) != marketplace.Malformed {
		t.Fatalf("want Malformed, got %v", err)
	}
	calls := e.recorded("searchOrders")
	if last := calls[len(calls)-1]; last.Err == nil || last.Status != 200 {
		t.Errorf("the API log should show the malformed 200: %+v", last)
	}
}

func TestAccessTokenFetchedOncePerHour(t *testing.T) {
	e := newEnv(t)
	c := e.client(demoCreds(), "")
	ctx := context.Background()
	// 20 concurrent first calls share one exchange.
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := c.TestConnection(ctx); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	// A call every five minutes and one at 58 minutes: still the same token.
	for range 11 {
		e.clock.Advance(5 * time.Minute)
		if _, err := c.TestConnection(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for range 1 {
		e.clock.Advance(3 * time.Minute)
		if _, err := c.TestConnection(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n := e.sim.TokenCalls(); n != 1 {
		t.Fatalf("%d token exchanges in 58 minutes, want 1", n)
	}
	e.clock.Advance(3 * time.Minute) // past the hour
	if _, err := c.TestConnection(ctx); err != nil {
		t.Fatal(err)
	}
	if n := e.sim.TokenCalls(); n != 2 {
		t.Fatalf("%d token exchanges after the hour, want 2", n)
	}
}

func TestImporting1000OrdersTakes10SearchCalls(t *testing.T) {
	e := newEnv(t)
	from := t0.Add(-6 * 24 * time.Hour)
	c := e.client(e.seller("A2THOUSAND", 1000, from, from.Add(5*24*time.Hour)), "")
	orders, _, err := importAll(t, c, marketplace.OrderQuery{Window: marketplace.Window{From: from, To: t0}, Statuses: allStatuses})
	if err != nil {
		t.Fatal(err)
	}
	if len(orders) != 1000 {
		t.Fatalf("imported %d orders", len(orders))
	}
	if s, g := e.sim.Calls("searchOrders"), e.sim.Calls("getOrder"); s != 10 || g != 0 {
		t.Fatalf("searchOrders %d getOrder %d, want 10 and 0", s, g)
	}
	for _, o := range orders[:5] {
		if len(o.Lines) == 0 || o.Lines[0].SKU == "" || len(o.RawPayload) == 0 {
			t.Fatalf("search results lack lines or raw payload: %+v", o)
		}
	}
}

func TestPendingOrderIsProvisionalUntilUnshipped(t *testing.T) {
	e := newEnv(t)
	from := t0.Add(-10 * time.Minute)
	c := e.client(e.seller("A2PENDING", 40, from, t0.Add(-5*time.Minute)), "")
	e.clock.Advance(3 * time.Minute) // "before" must be 2 minutes in the past
	orders, _, err := importAll(t, c, marketplace.OrderQuery{Window: marketplace.Window{From: from, To: e.clock.Now()}})
	if err != nil {
		t.Fatal(err)
	}
	var numbers []string
	for i := range orders {
		o := orders[i]
		if o.Status != amazon.StatusPending {
			continue
		}
		numbers = append(numbers, o.Number)
		if !amazon.Provisional(o) || o.Paid || o.Buyer.Name != "" || o.Recipient.PostalCode != "" || o.PaymentMethodName != "" || o.Totals.Fixed {
			t.Fatalf("Pending order must be provisional and empty: %+v", o)
		}
	}
	if len(numbers) == 0 {
		t.Fatal("no Pending order among fresh orders")
	}
	e.clock.Advance(3 * 24 * time.Hour)
	st, err := c.OrderStatuses(context.Background(), numbers)
	if err != nil || len(st) != len(numbers) {
		t.Fatalf("%d statuses for %d orders: %v", len(st), len(numbers), err)
	}
	unshipped := 0
	for _, s := range st {
		o := s.Order
		if s.Cancelled {
			if o.Status != amazon.StatusCancelled || o.Paid {
				t.Errorf("cancelled order %s: status %s paid %v", o.Number, o.Status, o.Paid)
			}
			continue
		}
		unshipped++
		if o.Status != amazon.StatusUnshipped || !o.Paid || amazon.Provisional(*o) {
			t.Fatalf("after payment: status %s paid %v", o.Status, o.Paid)
		}
		if o.Buyer.Name == "" || o.Recipient.Prefecture == "" || len(o.Recipient.PostalCode) != 7 || o.PaymentMethodName == "" || o.Totals.Total == 0 || o.Lines[0].UnitPrice == 0 {
			t.Fatalf("status sync data missing: %+v", o)
		}
	}
	if unshipped == 0 {
		t.Fatal("no Pending order became Unshipped")
	}
}

func TestSecretsNeverReachTheCallLog(t *testing.T) {
	e := newEnv(t)
	c := e.client(demoCreds(), "")
	if _, err := c.TestConnection(context.Background()); err != nil {
		t.Fatal(err)
	}
	bad := e.client(amazon.Credentials{ClientID: amazonsim.DemoClientID, ClientSecret: "amzn1.oa2-cs.v1.not-the-secret", RefreshToken: "Atzr|not-the-token"}, "")
	_, _ = bad.TestConnection(context.Background())
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.calls) < 3 {
		t.Fatalf("only %d calls recorded", len(e.calls))
	}
	for _, call := range e.calls {
		logged := call.URL + call.RequestSummary + call.ResponseSummary + strings.Join(call.RequestHeader.Values("x-amz-access-token"), "")
		if call.Err != nil {
			logged += call.Err.Error()
		}
		for _, secret := range []string{amazonsim.DemoClientSecret, amazonsim.DemoRefreshToken, "not-the-secret", "not-the-token", "Atza|"} {
			if strings.Contains(logged, secret) {
				t.Errorf("%s call logs a secret (%s): %s", call.Operation, secret, logged)
			}
		}
	}
}

func TestRevokedAccessTokenIsReplacedOnce(t *testing.T) {
	e := newEnv(t)
	// The client's clock stands still, so its cached token always looks
	// valid to it, while Amazon's hour runs out: 403 "expired".
	lag := func() time.Time { return t0 }
	c, err := amazon.New(amazon.Config{
		Country:      "JP",
		Credentials:  demoCreds(),
		Endpoint:     e.base,
		AuthEndpoint: e.base,
		Transport:    marketplace.Transport{Pacer: marketplace.NewPacer(rateFactor), Now: lag},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.TestConnection(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(90 * time.Minute)
	if _, err := c.TestConnection(context.Background()); err != nil {
		t.Fatalf("a 403 for an expired token must be answered with a new token: %v", err)
	}
	if n := e.sim.TokenCalls(); n != 2 {
		t.Fatalf("%d token exchanges, want 2", n)
	}
}

func TestUnknownOrderIsInvalidRequest(t *testing.T) {
	e := newEnv(t)
	_, err := e.client(demoCreds(), "").FetchOrders(context.Background(), []string{"999-0000000-0000000"})
	var me *marketplace.Error
	if !errors.As(err, &me) || me.Kind != marketplace.InvalidRequest || me.Code != "NotFound" || me.HTTPStatus != 404 {
		t.Fatalf("got %v", err)
	}
}

func TestFarEastMarketplaces(t *testing.T) {
	cases := map[string]string{"JP": amazon.MarketplaceJP, "au": amazon.MarketplaceAU, "SG": amazon.MarketplaceSG, amazon.MarketplaceSG: amazon.MarketplaceSG}
	for country, id := range cases {
		c, err := amazon.New(amazon.Config{Country: country, Credentials: demoCreds()})
		if err != nil || c.MarketplaceID() != id {
			t.Errorf("%s: %v %v", country, err, c)
		}
		q := c.SearchQuery(marketplace.Window{From: t0}, marketplace.ByOrderDate, nil, 0, "")
		if q.Get(amazon.QMarketplaceIDs) != id {
			t.Errorf("%s: searchOrders asks for %s", country, q.Get(amazon.QMarketplaceIDs))
		}
	}
	if _, err := amazon.New(amazon.Config{Country: "US", Credentials: demoCreds()}); marketplace.KindOf(err) != marketplace.InvalidRequest {
		t.Errorf("US accepted: %v", err)
	}
	if amazon.EndpointFarEast != "https://sellingpartnerapi-fe.amazon.com" {
		t.Error("Far East endpoint changed")
	}
}
