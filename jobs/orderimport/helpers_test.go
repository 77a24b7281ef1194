package orderimport_test

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/store/testdb"
	"github.com/renkei-oss/renkei/jobs/jobtest"
	"github.com/renkei-oss/renkei/jobs/orderimport"
	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/sandbox/amazonsim"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
	"github.com/renkei-oss/renkei/marketplace/sandbox/rakutensim"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// t0 is the sandbox clock at the start of every test: 2026-11-20 12:00 JST.
var t0 = jobtest.T0

// rateFactor speeds the published limits up on both sides, as the
// marketplace tests do.
const rateFactor = jobtest.RateFactor

// fixture is jobtest's fixture (a real PostgreSQL database, a simulator
// behind real HTTP with a test shop, one connection to it and its masters)
// under the short names these tests use, with the runner.
type fixture struct {
	*jobtest.Fixture
	t      testing.TB
	db     *sqlx.DB
	st     *store.Store
	clock  *kit.Clock
	conn   domain.Connection
	runner *orderimport.Runner
	search marketplace.OrderSearcher // a client of its own, for expectations

	rakuten *rakutensim.Sim
	amazon  *amazonsim.Sim
	ids     map[string]int64 // master ids by name
}

// newFixture starts a sandbox for m with n orders spread over the 21 days
// before t0. unmappedPayment is left out of the payment mappings.
func newFixture(t testing.TB, m domain.Marketplace, n int, unmappedPayment string) *fixture {
	t.Helper()
	return newFixtureWith(t, fixtureOptions{marketplace: m, orders: n, unmappedPayment: unmappedPayment, span: 21 * 24 * time.Hour, rateFactor: rateFactor})
}

// fixtureOptions vary the sandbox for benchmarks.
type fixtureOptions struct {
	marketplace     domain.Marketplace
	orders          int
	unmappedPayment string
	span            time.Duration // orders are spread over span before t0
	rateFactor      float64       // 0: rate limits off on both sides
}

func newFixtureWith(t testing.TB, o fixtureOptions) *fixture {
	t.Helper()
	m, ok := jobtest.Lookup(o.marketplace)
	if !ok {
		t.Fatalf("no test shop for %s", o.marketplace)
	}
	factor := o.rateFactor
	if factor == 0 {
		factor = -1
	}
	jf := jobtest.New(t, m, jobtest.Options{Orders: o.orders, Span: o.span, RateFactor: factor, UnmappedPayment: o.unmappedPayment})
	f := &fixture{Fixture: jf, t: t, db: jf.DB, st: jf.Store, clock: jf.Clock, conn: jf.Conn, runner: jf.Runner(), ids: jf.IDs}
	f.rakuten, _ = jf.Sim.(*rakutensim.Sim)
	f.amazon, _ = jf.Sim.(*amazonsim.Sim)
	s, err := orderimport.Searchers(jf.Clients)(context.Background(), f.conn, nil)
	must(t, err)
	f.search = s
	return f
}

func (f *fixture) mapPayment(p string) { f.MapPayment(p) }

func (f *fixture) exec(q string, args ...any) {
	f.t.Helper()
	f.Exec(q, args...)
}

func (f *fixture) id(q string, args ...any) int64 {
	f.t.Helper()
	return f.ID(q, args...)
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) run(req domain.ImportRequest) domain.ImportRun {
	f.t.Helper()
	return f.Import(f.runner, req)
}

func threeWeeks() domain.ImportRequest { return jobtest.ThreeWeeks() }

// expected asks the sandbox directly (same statuses the import asks for)
// which orders of [from, to) must end up as ship orders, 未出荷 or listed
// skips: the import may drop none.
func (f *fixture) expected(from, to time.Time) map[string]domain.ImportClass {
	f.t.Helper()
	var statuses []string
	if f.conn.Marketplace == domain.MarketplaceRakuten {
		statuses = []string{"100", "200", "300"}
	}
	out := map[string]domain.ImportClass{}
	err := f.search.SearchOrders(context.Background(), marketplace.OrderQuery{Window: marketplace.Window{From: from, To: to}, Statuses: statuses},
		func(b marketplace.OrderBatch) error {
			for _, o := range b.Orders {
				in := domain.IncomingOrder{Marketplace: f.conn.Marketplace, Status: o.Status, PaymentCode: o.PaymentMethodCode, Cancelled: o.Cancelled}
				out[o.Number] = domain.Classify(in, f.conn.PaymentStatuses)
			}
			return nil
		})
	must(f.t, err)
	return out
}

// stored is where each channel order landed, failing on any number stored twice.
func (f *fixture) stored() map[string]string {
	f.t.Helper()
	return f.Stored()
}

// assertEveryOrderOnce checks that each expected order is stored exactly
// once, in the place its class says, and nothing else is.
func (f *fixture) assertEveryOrderOnce(want map[string]domain.ImportClass) {
	f.t.Helper()
	got := f.stored()
	var missing, extra []string
	for no, class := range want {
		where, ok := got[no]
		switch {
		case !ok:
			missing = append(missing, no)
		case class == domain.ClassUnshipped && where != "unshipped",
			class == domain.ClassShipOrder && where == "unshipped":
			f.t.Errorf("order %s (%s) stored as %s", no, class.Label(), where)
		}
	}
	for no := range got {
		if _, ok := want[no]; !ok {
			extra = append(extra, no)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 || len(extra) > 0 {
		f.t.Fatalf("missing %d %v, unexpected %d %v", len(missing), head(missing), len(extra), head(extra))
	}
}

func head(s []string) []string {
	if len(s) > 5 {
		return s[:5]
	}
	return s
}

func (f *fixture) count(q string, args ...any) int {
	f.t.Helper()
	return f.Count(q, args...)
}

func (f *fixture) shipOrders() int { return f.ShipOrders() }

func describe(run domain.ImportRun) string { return jobtest.Describe(run) }

func storeQuery(connID int64) store.ShipOrderQuery {
	return store.ShipOrderQuery{ConnectionID: connID, Limit: 500}
}

// addRecent adds n orders placed just now, early in their life (Rakuten
// 100 注文確認待ち, Amazon Pending), and lets a minute pass.
func (f *fixture) addRecent(n int) {
	f.t.Helper()
	if f.rakuten != nil {
		must(f.t, f.rakuten.AddOrders("400100", n))
	} else {
		must(f.t, f.amazon.AddOrdersBetween("seller-a", n, t0.Add(-30*time.Minute), t0.Add(-5*time.Minute)))
	}
	f.clock.Advance(time.Minute)
}
