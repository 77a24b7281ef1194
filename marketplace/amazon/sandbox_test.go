package amazon_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/amazon"
	"github.com/renkei-oss/renkei/marketplace/sandbox"
	"github.com/renkei-oss/renkei/marketplace/sandbox/amazonsim"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
)

// t0 is the sandbox clock's start in every test: 2026-11-20 12:00 JST.
var t0 = time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC)

// rateFactor speeds Amazon's published limits up for tests; client and
// sandbox use the same factor, as they would the same published rate.
const rateFactor = 1000

// env is a sandbox with the Amazon simulator behind real HTTP, mounted by
// the composite server at /sandbox/amazon like in production.
type env struct {
	t     testing.TB
	sim   *amazonsim.Sim
	clock *kit.Clock
	base  string

	mu    sync.Mutex
	calls []marketplace.Call
}

func newEnv(t testing.TB) *env {
	t.Helper()
	clock := kit.NewFrozenClock(t0)
	sb := sandbox.New(sandbox.Options{Seed: 7, Clock: clock, RateFactor: rateFactor,
		Simulators: []sandbox.Factory{func(e kit.Env) sandbox.Simulator { return amazonsim.New(e) }}})
	ts := httptest.NewServer(sb)
	t.Cleanup(ts.Close)
	return &env{t: t, sim: sb.Simulator("amazon").(*amazonsim.Sim), clock: clock, base: ts.URL + "/sandbox/amazon"}
}

// seller adds a seller with exactly n orders spread over [from, to).
func (e *env) seller(id string, n int, from, to time.Time) amazon.Credentials {
	refresh := "Atzr|test-" + id
	e.sim.NewShop(amazonsim.ShopOptions{ID: id, Name: "テスト " + id, RefreshToken: refresh, MarketplaceID: amazon.MarketplaceJP})
	if err := e.sim.AddOrdersBetween(id, n, from, to); err != nil {
		e.t.Fatal(err)
	}
	return amazon.Credentials{ClientID: amazonsim.DemoClientID, ClientSecret: amazonsim.DemoClientSecret, RefreshToken: refresh}
}

func demoCreds() amazon.Credentials {
	return amazon.Credentials{ClientID: amazonsim.DemoClientID, ClientSecret: amazonsim.DemoClientSecret, RefreshToken: amazonsim.DemoRefreshToken}
}

func (e *env) client(cred amazon.Credentials, sellerID string) *amazon.Client {
	e.t.Helper()
	c, err := amazon.New(amazon.Config{
		Country:      "JP",
		Credentials:  cred,
		SellerID:     sellerID,
		Endpoint:     e.base,
		AuthEndpoint: e.base,
		Transport: marketplace.Transport{Pacer: marketplace.NewPacer(rateFactor), Now: e.clock.Now, BackoffBase: 5 * time.Millisecond, BackoffMax: 200 * time.Millisecond, Timeout: 5 * time.Second, Recorder: marketplace.CallRecorderFunc(func(_ context.Context, c marketplace.Call) {
			e.mu.Lock()
			e.calls = append(e.calls, c)
			e.mu.Unlock()
		})},
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// recorded returns the recorded calls of one operation.
func (e *env) recorded(op string) []marketplace.Call {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []marketplace.Call
	for _, c := range e.calls {
		if c.Operation == op {
			out = append(out, c)
		}
	}
	return out
}

func query(t testing.TB, c marketplace.Call) url.Values {
	u, err := url.Parse(c.URL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

// importAll runs a search and collects every order and batch.
func importAll(t testing.TB, c *amazon.Client, q marketplace.OrderQuery) ([]marketplace.Order, []marketplace.OrderBatch, error) {
	t.Helper()
	var orders []marketplace.Order
	var batches []marketplace.OrderBatch
	err := c.SearchOrders(context.Background(), q, func(b marketplace.OrderBatch) error {
		batches = append(batches, b)
		orders = append(orders, b.Orders...)
		return nil
	})
	return orders, batches, err
}

// allStatuses switches the import's default status filter off, so counts
// are exact whatever the sandbox clock did to the orders.
var allStatuses = []string{}
