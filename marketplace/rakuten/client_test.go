package rakuten_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/rakuten"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
	"github.com/renkei-oss/renkei/marketplace/sandbox/rakutensim"
)

var ctx = context.Background()

func lastDays(days int) marketplace.OrderQuery {
	to := start.Add(time.Second) // include orders dated exactly now
	return marketplace.OrderQuery{Window: marketplace.Window{From: to.AddDate(0, 0, -days), To: to}}
}

func collect(t *testing.T, c *rakuten.Client, q marketplace.OrderQuery) ([]marketplace.Order, []marketplace.OrderBatch) {
	t.Helper()
	var orders []marketplace.Order
	var batches []marketplace.OrderBatch
	err := c.SearchOrders(ctx, q, func(b marketplace.OrderBatch) error {
		orders = append(orders, b.Orders...)
		batches = append(batches, b)
		return nil
	})
	if err != nil {
		t.Fatalf("SearchOrders: %v", err)
	}
	return orders, batches
}

func TestCredentialErrors(t *testing.T) {
	e := newEnv(t, 0)
	tests := []struct {
		name    string
		secret  string
		key     string
		fault   bool
		want    marketplace.Kind
		expires time.Time
	}{
		{"wrong license key", e.creds.ServiceSecret, "SL-not-a-key", false, marketplace.AuthFailed, time.Time{}},
		{"wrong service secret", "SP-wrong", e.creds.LicenseKey, false, marketplace.AuthFailed, time.Time{}},
		{"expired license key", e.creds.ServiceSecret, e.creds.ExpiredLicenseKey, false, marketplace.CredentialExpired, e.creds.ExpiredAt},
		{"valid key made expired", e.creds.ServiceSecret, e.creds.LicenseKey, true, marketplace.CredentialExpired, time.Date(2026, 11, 19, 23, 59, 59, 0, marketplace.JST)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.sim.Faults().Clear("")
			if tt.fault {
				e.sim.Faults().Set(rakutensim.DemoShopID, kit.Fault{Kind: kit.FaultExpiredCredential})
			}
			c := e.client(func(c *rakuten.Config) { c.ServiceSecret, c.LicenseKey = tt.secret, tt.key })
			_, err := c.FetchOrders(ctx, []string{"400001-20261120-00000001"})
			got := mustKind(t, err, tt.want)
			if !got.ExpiresAt.Equal(tt.expires) {
				t.Errorf("ExpiresAt = %v, want %v", got.ExpiresAt, tt.expires)
			}
			if tt.want == marketplace.AuthFailed && (got.Code != rakuten.CodeUnauthorised || got.HTTPStatus != http.StatusUnauthorized) {
				t.Errorf("want 401 %s, got %d %s", rakuten.CodeUnauthorised, got.HTTPStatus, got.Code)
			}
			if tt.want == marketplace.CredentialExpired && !strings.Contains(got.OperatorMessage(), tt.expires.Format("2006-01-02")) {
				t.Errorf("operator message lacks the expiry date: %s", got.OperatorMessage())
			}
			if strings.Contains(err.Error(), tt.key) || strings.Contains(err.Error(), tt.secret) {
				t.Errorf("error leaks a secret: %v", err)
			}
		})
	}
}

func TestConnectionTestReportsExpiry(t *testing.T) {
	e := newEnv(t, 0)
	info, err := e.client(nil).TestConnection(ctx)
	if err != nil {
		t.Fatalf("TestConnection: %v", err)
	}
	if !info.ExpiresAt.Equal(e.creds.LicenseExpiresAt) {
		t.Fatalf("ExpiresAt = %v, want %v", info.ExpiresAt, e.creds.LicenseExpiresAt)
	}
	e.sim.DisableFunction(rakutensim.DemoShopID, rakuten.FunctionGenreGet)
	_, err = e.client(nil).TestConnection(ctx)
	mustKind(t, err, marketplace.FunctionNotEnabled)
}

func TestPagingAcrossPages(t *testing.T) {
	e := newEnv(t, 0)
	e.sim.NewShop(rakutensim.ShopOptions{ID: "400002", Orders: 250, Span: 5 * 24 * time.Hour})
	creds, _ := e.sim.ShopCreds("400002")
	c := e.client(func(c *rakuten.Config) {
		c.ServiceSecret, c.LicenseKey, c.PageSize = creds.ServiceSecret, creds.LicenseKey, 100
	})
	orders, batches := collect(t, c, lastDays(6))
	want := e.sim.OrderNumbers("400002", start.AddDate(0, 0, -6), start)
	if len(orders) != len(want) || len(want) != 250 {
		t.Fatalf("got %d orders, sandbox has %d (want 250)", len(orders), len(want))
	}
	for i, o := range orders {
		if o.Number != want[i] {
			t.Fatalf("order %d = %s, want %s", i, o.Number, want[i])
		}
	}
	searches, _ := e.calls.count("searchOrder", 200)
	gets, _ := e.calls.count("getOrder", 200)
	if searches != 3 || gets != 3 || len(batches) != 3 || !batches[2].WindowDone || batches[0].WindowDone {
		t.Fatalf("searchOrder %d, getOrder %d, batches %d: want 3 pages of 100/100/50", searches, gets, len(batches))
	}
}

func TestSpanSplitIntoWindows(t *testing.T) {
	e := newEnv(t, 0)
	e.sim.NewShop(rakutensim.ShopOptions{ID: "400003", Orders: 420, Span: 140 * 24 * time.Hour})
	creds, _ := e.sim.ShopCreds("400003")
	tests := []struct {
		name    string
		window  time.Duration
		days    int
		windows int
	}{
		{"three weeks in SPEC one-week windows", 7 * 24 * time.Hour, 21, 3},
		{"130 days in RMS 63-day windows", 0, 130, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.calls.reset()
			c := e.client(func(c *rakuten.Config) {
				c.ServiceSecret, c.LicenseKey, c.MaxWindow = creds.ServiceSecret, creds.LicenseKey, tt.window
			})
			q := lastDays(tt.days)
			orders, batches := collect(t, c, q)
			want := e.sim.OrderNumbers("400003", q.Window.From, start)
			if len(orders) != len(want) || len(want) == 0 {
				t.Fatalf("got %d orders, want %d", len(orders), len(want))
			}
			seen := map[string]bool{}
			for _, o := range orders {
				if seen[o.Number] {
					t.Fatalf("order %s imported twice", o.Number)
				}
				seen[o.Number] = true
			}
			var windows []marketplace.Window
			for _, b := range batches {
				if b.WindowDone {
					windows = append(windows, b.Window)
				}
			}
			if len(windows) != tt.windows {
				t.Fatalf("got %d windows, want %d", len(windows), tt.windows)
			}
			for i, w := range windows {
				if max := c.MaxWindowForTest(); w.Duration() > max {
					t.Errorf("window %d lasts %v, over %v", i, w.Duration(), max)
				}
				if i > 0 && !w.From.Equal(windows[i-1].To) {
					t.Errorf("window %d starts %v, previous ended %v", i, w.From, windows[i-1].To)
				}
			}
			if searches, _ := e.calls.count("searchOrder", 200); searches != tt.windows {
				t.Errorf("searchOrder calls = %d, want one per window (%d)", searches, tt.windows)
			}
		})
	}
	_, err := e.client(nil).FetchOrders(ctx, nil)
	if err != nil {
		t.Fatalf("empty fetch: %v", err)
	}
	err = e.client(nil).SearchOrders(ctx, lastDays(800), func(marketplace.OrderBatch) error { return nil })
	if got := mustKind(t, err, marketplace.InvalidRequest); got.Field != "startDatetime" {
		t.Fatalf("field = %q", got.Field)
	}
}

func TestThrottlingAbsorbed(t *testing.T) {
	t.Run("injected 429s are retried", func(t *testing.T) {
		e := newEnv(t, 0)
		e.sim.Faults().Set(rakutensim.DemoShopID, kit.Fault{Kind: kit.FaultThrottle, Times: 2, Only: "searchOrder"})
		orders, _ := collect(t, e.client(nil), lastDays(3))
		if len(orders) == 0 {
			t.Fatal("no orders")
		}
		n, throttled := e.calls.count("searchOrder", http.StatusTooManyRequests)
		if throttled != 2 || n != 3 {
			t.Fatalf("searchOrder calls %d with %d throttled, want 3 with 2", n, throttled)
		}
	})
	t.Run("pacing keeps under the published limit", func(t *testing.T) {
		const factor = 5 // 5 req/s instead of 1 so the test is quick
		e := newEnv(t, factor)
		c := e.client(func(c *rakuten.Config) { c.Pacer = marketplace.NewPacer(factor) })
		numbers := e.sim.OrderNumbers(rakutensim.DemoShopID, start.AddDate(0, 0, -30), start)
		for i := range 8 {
			if _, err := c.FetchOrders(ctx, numbers[i:i+1]); err != nil {
				t.Fatalf("call %d: %v", i, err)
			}
		}
		if r := e.sim.Limits().Rejected(); r != 0 {
			t.Fatalf("sandbox refused %d requests over the limit", r)
		}
	})
	t.Run("unpaced bursts are absorbed", func(t *testing.T) {
		e := newEnv(t, 10)
		c := e.client(func(c *rakuten.Config) { c.MaxAttempts = 10 })
		numbers := e.sim.OrderNumbers(rakutensim.DemoShopID, start.AddDate(0, 0, -30), start)
		for i := range 6 {
			if _, err := c.FetchOrders(ctx, numbers[i:i+1]); err != nil {
				t.Fatalf("call %d reached the caller: %v", i, err)
			}
		}
		if _, throttled := e.calls.count("getOrder", http.StatusTooManyRequests); throttled == 0 || e.sim.Limits().Rejected() == 0 {
			t.Fatal("expected the unpaced client to hit the limit at least once")
		}
	})
}

func TestFaults(t *testing.T) {
	e := newEnv(t, 0)
	numbers := e.sim.OrderNumbers(rakutensim.DemoShopID, start.AddDate(0, 0, -30), start)[:3]
	tests := []struct {
		name  string
		fault kit.Fault
		want  marketplace.Kind // KindUnknown = success
		calls int
		mod   func(*rakuten.Config)
	}{
		{"5xx retried", kit.Fault{Kind: kit.FaultServerError, Times: 2}, marketplace.KindUnknown, 3, nil},
		{"5xx until give up", kit.Fault{Kind: kit.FaultServerError}, marketplace.Remote, 3, func(c *rakuten.Config) { c.MaxAttempts = 3 }},
		{"malformed body", kit.Fault{Kind: kit.FaultMalformed, Times: 1}, marketplace.Malformed, 1, nil},
		{"maintenance stops the run", kit.Fault{Kind: kit.FaultMaintenance, Times: 1}, marketplace.Maintenance, 1, nil},
		{"timeout", kit.Fault{Kind: kit.FaultTimeout}, marketplace.Network, 2, func(c *rakuten.Config) { c.Timeout, c.MaxAttempts = 100*time.Millisecond, 2 }},
		{"slow answer within timeout", kit.Fault{Kind: kit.FaultSlow, Times: 1, Delay: 50 * time.Millisecond}, marketplace.KindUnknown, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.sim.Faults().Clear("")
			e.calls.reset()
			e.sim.Faults().Set(rakutensim.DemoShopID, tt.fault)
			orders, err := e.client(tt.mod).FetchOrders(ctx, numbers)
			if tt.want == marketplace.KindUnknown {
				if err != nil || len(orders) != 3 {
					t.Fatalf("got %d orders, err %v", len(orders), err)
				}
			} else {
				mustKind(t, err, tt.want)
			}
			if n, _ := e.calls.count("getOrder", 0); n+0 != tt.calls {
				n2, _ := e.calls.count("getOrder", -1)
				t.Fatalf("getOrder attempts = %d (%d), want %d", n, n2, tt.calls)
			}
		})
	}
	e.sim.Faults().Clear("")
}

func TestShipmentPushAndPoll(t *testing.T) {
	e := newEnv(t, 0)
	c := e.client(nil)
	var target string
	statuses, err := c.OrderStatuses(ctx, e.sim.OrderNumbers(rakutensim.DemoShopID, start.AddDate(0, 0, -5), start.AddDate(0, 0, -1)))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range statuses {
		if s.Status == "300" {
			target = s.Number
			break
		}
	}
	if target == "" {
		t.Fatal("no order in 300 発送待ち in the sandbox data")
	}
	ship := marketplace.ShipmentResult{OrderNumber: target, ShipDate: start, CarrierCode: "1001",
		Packages: []marketplace.Package{{TrackingNumber: "123456789012"}, {TrackingNumber: "123456789013"}}}
	e.sim.Faults().Set(rakutensim.DemoShopID, kit.Fault{Kind: kit.FaultServerError, Times: 1, Only: "updateOrderShippingAsync"})
	_, err = c.PushShipments(ctx, []marketplace.ShipmentResult{ship})
	mustKind(t, err, marketplace.Remote)
	if n, _ := e.calls.count("updateOrderShippingAsync", 0); n != 1 || len(e.sim.Shipments(rakutensim.DemoShopID)) != 0 {
		t.Fatalf("a failed push was retried blindly: %d attempts", n)
	}
	receipt, err := c.PushShipments(ctx, []marketplace.ShipmentResult{ship})
	if err != nil || !receipt.Pending || receipt.RequestID == "" {
		t.Fatalf("push: %+v %v", receipt, err)
	}
	out, err := c.ShipmentPushResult(ctx, receipt.RequestID)
	if err != nil || out.Done {
		t.Fatalf("result before processing: %+v %v", out, err)
	}
	e.clock.Advance(10 * time.Second)
	out, err = c.ShipmentPushResult(ctx, receipt.RequestID)
	if err != nil || !out.Done || len(out.Results) != 2 {
		t.Fatalf("result: %+v %v", out, err)
	}
	for i, r := range out.Results {
		if !r.OK || r.Code != rakuten.MsgShipAdded || r.Ref == "" || r.Index != i {
			t.Errorf("row %d: %+v", i, r)
		}
	}
	if p, _ := e.sim.Progress(rakutensim.DemoShopID, target); p != 500 {
		t.Fatalf("progress after shipment = %d, want 500", p)
	}
	got := e.sim.Shipments(rakutensim.DemoShopID)
	if len(got) != 1 || got[0].Baskets[0].ShippingModelList[1].ShippingNumber != "123456789013" || got[0].Baskets[0].ShippingModelList[0].ShippingDate != "2026-11-20" {
		t.Fatalf("sandbox received %+v", got)
	}
}

func TestPushStockBatches(t *testing.T) {
	e := newEnv(t, 0)
	var ups []marketplace.StockUpdate
	for i := range 450 {
		ups = append(ups, marketplace.StockUpdate{ItemCode: "rk-001", OptionCode: "v" + string(rune('a'+i%26)) + strings.Repeat("x", i/26), Quantity: i})
	}
	receipt, err := e.client(nil).PushStock(ctx, ups)
	if err != nil || len(receipt.Results) != 450 {
		t.Fatalf("push: %d results, %v", len(receipt.Results), err)
	}
	stock, calls := e.sim.Stock(rakutensim.DemoShopID)
	if calls != 2 || len(stock) != 450 || stock["rk-001/vb"].Quantity != 1 {
		t.Fatalf("sandbox got %d rows in %d calls", len(stock), calls)
	}
	_, err = e.client(nil).PushStock(ctx, []marketplace.StockUpdate{{ItemCode: strings.Repeat("a", 40), OptionCode: "v1"}})
	if got := mustKind(t, err, marketplace.InvalidRequest); got.Code != "IE0004" || got.Field != "inventories[0].manageNumber" {
		t.Fatalf("got %+v", got)
	}
}

func TestConfirmAndStatusesFollowTheClock(t *testing.T) {
	e := newEnv(t, 0)
	e.sim.NewShop(rakutensim.ShopOptions{ID: "400004", ManualConfirm: true})
	creds, _ := e.sim.ShopCreds("400004")
	c := e.client(func(c *rakuten.Config) { c.ServiceSecret, c.LicenseKey = creds.ServiceSecret, creds.LicenseKey })
	if err := e.sim.AddOrders("400004", 5); err != nil {
		t.Fatal(err)
	}
	numbers := e.sim.OrderNumbers("400004", start, start)
	orders, err := c.FetchOrders(ctx, numbers)
	if err != nil || len(orders) != 5 {
		t.Fatalf("%d orders, %v", len(orders), err)
	}
	for _, o := range orders {
		if o.Status != "100" || o.Paid {
			t.Fatalf("new order %s is %s paid=%v", o.Number, o.Status, o.Paid)
		}
	}
	res, err := c.ConfirmOrders(ctx, numbers)
	if err != nil || len(res) != 5 || !res[0].OK || res[0].Code != rakuten.MsgConfirmOK {
		t.Fatalf("confirm: %+v %v", res, err)
	}
	res, _ = c.ConfirmOrders(ctx, numbers[:1])
	if res[0].OK || res[0].Code != rakuten.MsgConfirmMoved {
		t.Fatalf("second confirm: %+v", res)
	}
	e.clock.Advance(72 * time.Hour)
	orders, _ = c.FetchOrders(ctx, numbers)
	for _, o := range orders {
		if o.Status != "300" && o.Status != "900" {
			t.Errorf("after 3 days %s (%s) is %s", o.Number, o.PaymentMethodName, o.Status)
		}
		if o.Status == "300" && !o.Paid {
			t.Errorf("%s in 300 but not paid", o.Number)
		}
	}
}

func TestOrderMapping(t *testing.T) {
	e := newEnv(t, 0)
	numbers := e.sim.OrderNumbers(rakutensim.DemoShopID, start.AddDate(0, 0, -30), start)
	orders, err := e.client(nil).FetchOrders(ctx, numbers[:100])
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orders {
		var sum int64
		for _, l := range o.Lines {
			if l.SKU == "" || l.OptionCode == "" || l.ItemCode == "" || l.DestinationID == "" || l.Quantity < 1 {
				t.Fatalf("%s: incomplete line %+v", o.Number, l)
			}
			sum += l.UnitPrice * int64(l.Quantity)
		}
		b := o.Buyer
		if sum != o.Totals.Goods || !o.Totals.Fixed || o.Totals.Billed != o.Totals.Total-o.Totals.PointsUsed {
			t.Fatalf("%s: totals %+v, lines sum %d", o.Number, o.Totals, sum)
		}
		if len(b.PostalCode) != 7 || b.Prefecture == "" || b.NameKana == "" || b.Phone == "" || o.Recipient.Name == "" || o.PaymentMethodName == "" || o.DeliveryMethodName == "" {
			t.Fatalf("%s: incomplete parties %+v", o.Number, o)
		}
		if len(o.RawPayload) == 0 || !strings.Contains(string(o.RawPayload), o.Number) {
			t.Fatalf("%s: raw payload missing", o.Number)
		}
	}
}

func TestFetchProducts(t *testing.T) {
	e := newEnv(t, 0)
	c := e.client(nil)
	var all []marketplace.Product
	q := marketplace.ProductQuery{Limit: 5}
	for {
		page, err := c.FetchProducts(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page.Products...)
		if page.Done {
			break
		}
		q.Offset = page.NextOffset
	}
	if len(all) != 16 {
		t.Fatalf("got %d products, want the 16 of the catalogue", len(all))
	}
	for _, p := range all {
		if len(p.Variants) == 0 || len(p.Variants[0].JAN) != 13 || p.Variants[0].SKU == "" || p.UpdatedAt.IsZero() {
			t.Fatalf("incomplete product %+v", p)
		}
	}
	recent, err := c.FetchProducts(ctx, marketplace.ProductQuery{UpdatedFrom: all[10].UpdatedAt})
	if err != nil || recent.Total != 6 {
		t.Fatalf("updatedFrom: total %d, %v", recent.Total, err)
	}
}

func TestSecretsNeverRecorded(t *testing.T) {
	e := newEnv(t, 0)
	c := e.client(nil)
	if _, err := c.TestConnection(ctx); err != nil {
		t.Fatal(err)
	}
	collect(t, c, lastDays(2))
	header := rakuten.AuthHeader(e.creds.ServiceSecret, e.creds.LicenseKey)
	calls := e.calls.all()
	if len(calls) < 3 {
		t.Fatalf("only %d calls recorded", len(calls))
	}
	for _, call := range calls {
		dump := call.URL + call.RequestSummary + call.ResponseSummary + strings.Join(call.RequestHeader.Values("Authorization"), "")
		for _, secret := range []string{e.creds.LicenseKey, e.creds.ServiceSecret, strings.TrimPrefix(header, "ESA ")} {
			if strings.Contains(dump, secret) {
				t.Fatalf("%s call records a secret: %s", call.Operation, dump)
			}
		}
	}
}

func TestAuthHeader(t *testing.T) {
	if got := rakuten.AuthHeader("SP1", "SL1"); got != "ESA U1AxOlNMMQ==" {
		t.Fatalf("AuthHeader = %q", got)
	}
	if !errors.Is(&marketplace.Error{Kind: marketplace.Throttled, Code: "x"}, marketplace.ErrThrottled) {
		t.Fatal("errors.Is by kind")
	}
}

// TestHitCapReanchors: RMS reaches only the first 15,000 hits of a search,
// sorted by order datetime. An order-date search goes on from the latest
// order datetime it reached, leaving out the orders of that second it has
// already fetched, so every page it reads is used and no order is fetched
// twice; only a second holding more than the cap is cut. (Run with the
// cap lowered to capReach: see capped.)
func TestHitCapReanchors(t *testing.T) {
	const busy = 4 * time.Hour // how long before the search the busy second is
	tests := []struct {
		name string
		// seed builds the shop; block is the most orders it puts in one second.
		seed      func(e *env, id string)
		block     int
		truncated bool
	}{
		{"8,000 orders seconds apart", func(e *env, id string) {
			e.sim.NewShop(rakutensim.ShopOptions{ID: id, Orders: 8000, Span: 2 * 24 * time.Hour})
		}, 1, false},
		{"a busy second straddling the cap", func(e *env, id string) {
			e.sim.NewShop(rakutensim.ShopOptions{ID: id, Orders: 2840, Span: 24 * time.Hour})
			must(t, e.sim.AddOrders(id, 304)) // 305 at one second: the 2,840th to the 3,144th
			e.clock.Advance(busy)
			must(t, e.sim.AddOrdersBetween(id, 200, e.clock.Now().Add(-time.Hour), e.clock.Now()))
		}, 305, false},
		{"more orders in one second than the cap", func(e *env, id string) {
			e.sim.NewShop(rakutensim.ShopOptions{ID: id, Orders: 100, Span: 24 * time.Hour})
			must(t, e.sim.AddOrders(id, 3019))
			e.clock.Advance(busy)
			must(t, e.sim.AddOrdersBetween(id, 200, e.clock.Now().Add(-time.Hour), e.clock.Now()))
		}, 3020, true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, 0).capped()
			id := fmt.Sprintf("40050%d", i)
			tt.seed(e, id)
			creds, _ := e.sim.ShopCreds(id)
			c, wire := e.watched(creds)
			to := e.clock.Now().Add(time.Second)
			q := marketplace.OrderQuery{Window: marketplace.Window{From: to.AddDate(0, 0, -3), To: to}}
			orders, batches := collect(t, c, q)
			want := e.sim.Hits(id, rakuten.DateTypeOrder, q.Window.From, q.Window.To.Add(-time.Second))

			got := map[string]int{}
			for _, o := range orders {
				if got[o.Number]++; got[o.Number] > 1 {
					t.Fatalf("order %s emitted twice", o.Number)
				}
			}
			// The busy second is when the seed added its block, before the clock moved on.
			busyAt := e.clock.Now().Add(-busy)
			busyOrders := map[string]bool{}
			for _, n := range e.sim.OrderNumbers(id, busyAt, busyAt) {
				busyOrders[n] = true
			}
			if tt.block > 1 && len(busyOrders) != tt.block {
				t.Fatalf("the busy second holds %d orders, want %d", len(busyOrders), tt.block)
			}
			inBusySecond := 0
			for _, n := range want {
				if got[n] == 1 && busyOrders[n] {
					inBusySecond++
				}
				if got[n] == 0 && !(tt.truncated && busyOrders[n]) {
					t.Fatalf("order %s never emitted", n)
				}
			}
			if tt.truncated {
				// The search from the busy second reaches the cap of its
				// orders; the rest of that second is what is lost.
				if inBusySecond != capReach || len(orders) != len(want)-(tt.block-capReach) {
					t.Fatalf("%d orders (%d of the busy second), want %d with %d of it", len(orders), inBusySecond, len(want)-(tt.block-capReach), capReach)
				}
			} else if len(orders) != len(want) {
				t.Fatalf("%d orders, sandbox has %d", len(orders), len(want))
			}
			for k, b := range batches {
				if b.Window != q.Window || b.WindowDone != (k == len(batches)-1) || b.Truncated != (tt.truncated && b.WindowDone) {
					t.Fatalf("batch %d of %d: window %v done %v truncated %v", k, len(batches), b.Window, b.WindowDone, b.Truncated)
				}
			}

			// getOrder: each number once, in full batches but the last and,
			// where a search ran out, one nearly full (its rest costs less
			// fetched short than re-read by the next search).
			asked := map[string]bool{}
			short, starts := 0, 0
			for _, s := range wire.searches {
				if s.Page == 1 {
					starts++
				}
			}
			for k, batch := range wire.gets {
				if k < len(wire.gets)-1 && len(batch) != rakuten.GetOrderBatch {
					short++
					// Giving up on a second fetches what the search reached of it, however few.
					if len(batch) <= rakuten.GetOrderBatch*9/10 && !tt.truncated {
						t.Errorf("getOrder %d of %d asked for only %d orders", k, len(wire.gets), len(batch))
					}
				}
				for _, n := range batch {
					if asked[n] {
						t.Fatalf("getOrder asked for %s again", n)
					}
					asked[n] = true
				}
			}
			if short > starts-1 {
				t.Errorf("%d short getOrder batches in %d searches", short, starts)
			}

			// searchOrder: no probe thrown away, every page full but the
			// window's last; a new search re-reads only the orders of its
			// start second and the numbers that waited for a full getOrder
			// batch when the previous search ran out.
			read := 0
			for k, s := range wire.searches {
				read += len(s.Numbers)
				if k < len(wire.searches)-1 && len(s.Numbers) != capPage {
					t.Errorf("searchOrder %d (%s page %d) answered %d numbers", k, s.Start, s.Page, len(s.Numbers))
				}
			}
			reread := read - len(orders)
			if limit := (starts - 1) * (tt.block + rakuten.GetOrderBatch - 1); reread > limit || starts < 2 {
				t.Errorf("%d searches re-read %d hits, over %d", starts, reread, limit)
			}
			if len(wire.searches) != marketplace.Pages(len(orders)+reread, capPage) {
				t.Errorf("%d searchOrder calls for %d orders (%d re-read)", len(wire.searches), len(orders), reread)
			}
			// The protocol minimum is a page per page size of orders and a getOrder
			// per 100; going on from where a search ran out re-reads at
			// least the order it went on from, so each new search may cost
			// one call more.
			minimum := marketplace.Pages(len(orders), capPage) + marketplace.Pages(len(orders), rakuten.GetOrderBatch)
			if calls := len(wire.searches) + len(wire.gets); !tt.truncated && calls > minimum+starts-1 {
				t.Errorf("%d calls in %d searches, protocol minimum %d", calls, starts, minimum)
			}
			t.Logf("%d orders: %d searchOrder + %d getOrder in %d searches; protocol minimum %d + %d",
				len(orders), len(wire.searches), len(wire.gets), starts, marketplace.Pages(len(orders), capPage), marketplace.Pages(len(orders), rakuten.GetOrderBatch))
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestHitCapSplitsByUpdate: hits of a payment-date search are still sorted
// by order datetime, so the client cannot go on from where a search ran
// out; it splits the window into enough parts at once instead.
func TestHitCapSplitsByUpdate(t *testing.T) {
	e := newEnv(t, 0).capped()
	const id = "400510"
	e.sim.NewShop(rakutensim.ShopOptions{ID: id, Orders: 4400, Span: 24 * time.Hour})
	creds, _ := e.sim.ShopCreds(id)
	c, wire := e.watched(creds)
	to := e.clock.Now().Add(time.Second)
	q := marketplace.OrderQuery{Window: marketplace.Window{From: to.AddDate(0, 0, -1), To: to}, DateKind: marketplace.ByUpdate}
	want := e.sim.Hits(id, rakuten.DateTypePaymentFixed, q.Window.From, q.Window.To.Add(-time.Second))
	if len(want) <= capReach {
		t.Fatalf("only %d orders paid in the window: not over the cap", len(want))
	}
	orders, batches := collect(t, c, q)
	got := map[string]bool{}
	for _, o := range orders {
		if got[o.Number] {
			t.Fatalf("order %s emitted twice", o.Number)
		}
		got[o.Number] = true
	}
	for _, n := range want {
		if !got[n] {
			t.Fatalf("order %s never emitted", n)
		}
	}
	if len(orders) != len(want) {
		t.Fatalf("%d orders, sandbox has %d", len(orders), len(want))
	}
	// The parts tile the window, each closed by WindowDone.
	next := q.Window.From
	for _, b := range batches {
		if b.Truncated {
			t.Fatalf("batch of %v: truncated %v", b.Window, b.Truncated)
		}
		if b.WindowDone {
			if !b.Window.From.Equal(next) {
				t.Fatalf("part %v does not start where the last ended (%v)", b.Window, next)
			}
			next = b.Window.To
		}
	}
	if !next.Equal(q.Window.To) {
		t.Fatalf("parts end at %v, window at %v", next, q.Window.To)
	}
	probes := 0
	for _, s := range wire.searches {
		if s.DateType != rakuten.DateTypePaymentFixed {
			t.Fatalf("searched by dateType %d", s.DateType)
		}
		if s.Total > capReach {
			probes++
		}
	}
	// One probe over the whole window splits it into enough parts at once.
	if probes != 1 {
		t.Errorf("%d searches over the cap, want the one that split the window", probes)
	}
}
