// Package jobtest is what the tests of jobs share: a real PostgreSQL
// database, a marketplace simulator behind real HTTP with a test shop, one
// connection to it with the masters its orders need, and a contract suite
// that runs over every registered marketplace (Marketplaces). The inbound
// import runs it today; outbound jobs (出荷実績戻し, 在庫連携) take the same
// fixture, import, then act on what was imported.
package jobtest

import (
	"context"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/secretbox"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/store/testdb"
	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/registry"
	"github.com/renkei-oss/renkei/marketplace/sandbox"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
)

// RateFactor speeds the published limits up on both sides, as the
// marketplace tests do.
const RateFactor = 1000

// Options vary a fixture.
type Options struct {
	Orders int           // placed evenly over [T0-Span, T0-1h]
	Span   time.Duration // default 21 days
	// RateFactor scales limits and pacing on both sides; default
	// RateFactor, negative switches both off (benchmarks).
	RateFactor float64
	// UnmappedPayment is a payment name left out of the mappings.
	UnmappedPayment string
}

// Fixture is one marketplace's test shop and a database connected to it.
type Fixture struct {
	T          testing.TB
	Market     Marketplace
	DB         *sqlx.DB
	Store      *store.Store
	Box        *secretbox.Box
	Clock      *kit.Clock
	Sandbox    *sandbox.Server
	Sim        sandbox.Simulator
	Shop       string
	Conn       domain.Connection // stored, with its secrets
	Clients    registry.Clients  // the sandbox clock and the fixture's pace
	IDs        map[string]int64  // master ids by name
	rateFactor float64
}

// New starts m's simulator on a frozen clock at T0 with a test shop of
// o.Orders orders and stores a connection to it with the masters its
// orders need: delivery and payment mappings and the catalogue's SKUs.
func New(t testing.TB, m Marketplace, o Options) *Fixture {
	t.Helper()
	if o.Span == 0 {
		o.Span = 21 * 24 * time.Hour
	}
	if o.RateFactor == 0 {
		o.RateFactor = RateFactor
	}
	factor := max(o.RateFactor, 0)
	box, err := secretbox.New("jobtest secret key 0123456789abcdef")
	must(t, err)
	db := testdb.New(t)
	f := &Fixture{T: t, Market: m, DB: db, Store: store.New(db), Box: box, Clock: kit.NewFrozenClock(T0), IDs: map[string]int64{}, rateFactor: factor}
	f.Sandbox = sandbox.New(sandbox.Options{Seed: 11, Clock: f.Clock, RateFactor: factor, RateLimitsOff: factor == 0,
		Simulators: []sandbox.Factory{m.Simulator}})
	ts := httptest.NewServer(f.Sandbox)
	t.Cleanup(ts.Close)
	f.Sim = f.Sandbox.Simulator(string(m.Marketplace))
	if f.Sim == nil {
		t.Fatalf("no %s simulator in the sandbox", m.Marketplace)
	}
	shop, params, secrets := m.OpenShop(f.Sim)
	f.Shop = shop
	f.AddOrders(o.Orders, T0.Add(-o.Span), T0.Add(-time.Hour))
	f.Clients = registry.Clients{Transport: marketplace.Transport{Pacer: marketplace.NewPacer(factor), Now: f.Clock.Now,
		Timeout: 5 * time.Second, BackoffBase: 5 * time.Millisecond, BackoffMax: 100 * time.Millisecond}}
	f.connect(ts.URL+"/sandbox/"+string(m.Marketplace)+m.APIPath, params, secrets)
	f.masters(o.UnmappedPayment)
	return f
}

// AddOrders places n orders on the test shop over [from, to].
func (f *Fixture) AddOrders(n int, from, to time.Time) {
	f.T.Helper()
	must(f.T, f.Sim.AddOrdersBetween(f.Shop, n, from, to))
}

func (f *Fixture) connect(baseURL string, params, secrets map[string]string) {
	f.T.Helper()
	shipFrom := f.ID(`INSERT INTO ship_froms (name, postal_code, prefecture, address, phone)
		VALUES ('倉庫', '100-0001', '東京都', '千代田区1-1', '03-0000-0000') RETURNING id`)
	c := domain.NewConnection(f.Market.Marketplace, T0)
	c.ChannelName, c.BaseURL, c.ShipFromID = "テスト "+f.Market.Marketplace.Label(), baseURL, shipFrom
	for k, v := range params {
		c.Params[k] = v
	}
	for k, v := range secrets {
		c.Secrets[k] = v
	}
	if f.Market.Configure != nil {
		f.Market.Configure(c)
	}
	must(f.T, f.Store.CreateConnection(context.Background(), f.Box, c))
	f.Conn = *c
}

func (f *Fixture) masters(unmappedPayment string) {
	f.T.Helper()
	f.Exec(`INSERT INTO carriers (name) VALUES ('テスト運輸')`)
	for _, svc := range []string{"宅急便", "ネコポス", "クール宅急便", "コンビニ受取", "EMS"} {
		f.IDs[svc] = f.ID(`INSERT INTO delivery_services (carrier_id, name) SELECT id, $1 FROM carriers WHERE name = 'テスト運輸' RETURNING id`, svc)
	}
	for name, svc := range f.Market.Deliveries {
		f.Exec(`INSERT INTO delivery_method_mappings (connection_id, channel_name, delivery_service_id) VALUES ($1, $2, $3)`, f.Conn.ID, name, f.IDs[svc])
	}
	names := make([]string, 0, len(f.Market.Payments))
	for p := range f.Market.Payments {
		names = append(names, p)
	}
	slices.Sort(names) // ids in a stable order
	for _, p := range names {
		f.IDs[p] = f.ID(`INSERT INTO payment_methods (name, kind) VALUES ($1, $2) RETURNING id`, "当社 "+p, f.Market.Payments[p])
		if p != unmappedPayment {
			f.MapPayment(p)
		}
	}
	for _, it := range kit.NewGen(0, T0).Catalog() {
		for _, v := range it.Variants {
			f.Exec(`INSERT INTO products (sku, name) VALUES ($1, $2)`, v.SKU, it.Name)
		}
	}
}

// MapPayment maps the channel's payment name p to our method of that name.
func (f *Fixture) MapPayment(p string) {
	f.T.Helper()
	f.Exec(`INSERT INTO payment_method_mappings (connection_id, channel_name, payment_method_id) VALUES ($1, $2, $3)`, f.Conn.ID, p, f.IDs[p])
}

// Exec runs a statement, failing the test on error.
func (f *Fixture) Exec(q string, args ...any) {
	f.T.Helper()
	if _, err := f.DB.Exec(q, args...); err != nil {
		f.T.Fatal(err)
	}
}

// ID runs a statement returning one id.
func (f *Fixture) ID(q string, args ...any) int64 {
	f.T.Helper()
	var id int64
	must(f.T, f.DB.Get(&id, q, args...))
	return id
}

// Count runs a count query.
func (f *Fixture) Count(q string, args ...any) int {
	f.T.Helper()
	var n int
	must(f.T, f.DB.Get(&n, q, args...))
	return n
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
