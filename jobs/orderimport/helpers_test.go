package orderimport_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"sort"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/store/testdb"
	"github.com/renkei-oss/renkei/jobs/orderimport"
	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/amazon"
	"github.com/renkei-oss/renkei/marketplace/registry"
	"github.com/renkei-oss/renkei/marketplace/sandbox"
	"github.com/renkei-oss/renkei/marketplace/sandbox/amazonsim"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
	"github.com/renkei-oss/renkei/marketplace/sandbox/rakutensim"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// t0 is the sandbox clock at the start of every test: 2026-11-20 12:00 JST.
var t0 = time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC)

// rateFactor speeds the published limits up on both sides, as the
// marketplace tests do.
const rateFactor = 1000

// fixture is a real PostgreSQL database, a sandbox marketplace behind real
// HTTP, one connection to it and the runner.
type fixture struct {
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
	m, n, unmappedPayment := o.marketplace, o.orders, o.unmappedPayment
	f := &fixture{t: t, db: testdb.New(t), clock: kit.NewFrozenClock(t0), ids: map[string]int64{}}
	f.st = store.New(f.db)
	ctx := context.Background()
	factory := func(e kit.Env) sandbox.Simulator { return rakutensim.New(e) }
	if m == domain.MarketplaceAmazon {
		factory = func(e kit.Env) sandbox.Simulator { return amazonsim.New(e) }
	}
	sb := sandbox.New(sandbox.Options{Seed: 11, Clock: f.clock, RateFactor: o.rateFactor, RateLimitsOff: o.rateFactor == 0, Simulators: []sandbox.Factory{factory}})
	ts := httptest.NewServer(sb)
	t.Cleanup(ts.Close)

	f.conn = domain.Connection{ChannelName: "テスト " + m.Label(), Marketplace: m, Enabled: true,
		BaseURL: ts.URL + "/sandbox/" + string(m), Params: map[string]string{}, Secrets: map[string]string{}}
	var payments []string
	switch m {
	case domain.MarketplaceRakuten:
		f.rakuten = sb.Simulator("rakuten").(*rakutensim.Sim)
		creds := f.rakuten.NewShop(rakutensim.ShopOptions{ID: "400100", Orders: n, Span: o.span})
		f.conn.Secrets[domain.FieldRakutenServiceSecret] = creds.ServiceSecret
		f.conn.Secrets[domain.FieldRakutenLicenseKey] = creds.LicenseKey
		f.conn.Params[domain.FieldRakutenOrderFetchDays] = "21"
		// COD ships at once (target 100); everything else at 発送待ち.
		f.conn.PaymentStatuses = []domain.PaymentStatusRule{{PaymentMethod: domain.PaymentMethodDefault, Status: 300}, {PaymentMethod: "2", Status: 100}}
		payments = []string{"クレジットカード", "代金引換", "銀行振込", "後払い", "Apple Pay", "ローソン、郵便局ATM等（前払）"}
	case domain.MarketplaceAmazon:
		f.amazon = sb.Simulator("amazon").(*amazonsim.Sim)
		f.amazon.NewShop(amazonsim.ShopOptions{ID: "seller-a", Name: "テスト出品者", RefreshToken: "Atzr|seller-a", MarketplaceID: amazon.MarketplaceJP})
		if err := f.amazon.AddOrdersBetween("seller-a", n, t0.Add(-o.span), t0.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		f.conn.Params[domain.FieldAmazonMarketplace] = "JP"
		f.conn.Params[domain.FieldAmazonClientID] = amazonsim.DemoClientID
		f.conn.Secrets[domain.FieldAmazonClientSecret] = amazonsim.DemoClientSecret
		f.conn.Secrets[domain.FieldAmazonRefreshToken] = "Atzr|seller-a"
		payments = []string{amazon.PaymentCOD, amazon.PaymentCVS, amazon.PaymentOther}
	}
	f.exec(`INSERT INTO ship_froms (name, postal_code, prefecture, address, phone) VALUES ('倉庫', '100-0001', '東京都', '千代田区1-1', '03-0000-0000')`)
	f.exec(`INSERT INTO connections (channel_name, marketplace, base_url, ship_from_id) SELECT $1, $2, $3, id FROM ship_froms`,
		f.conn.ChannelName, string(m), f.conn.BaseURL)
	must(t, f.db.Get(&f.conn.ID, `SELECT id FROM connections`))
	must(t, f.db.Get(&f.conn.ShipFromID, `SELECT id FROM ship_froms`))

	// Masters: the catalogue's SKUs, the shop's delivery names, its payments.
	f.exec(`INSERT INTO carriers (name) VALUES ('テスト運輸')`)
	for _, name := range []string{"宅急便", "ネコポス", "クール宅急便", "コンビニ受取"} {
		f.ids[name] = f.id(`INSERT INTO delivery_services (carrier_id, name) SELECT id, $1 FROM carriers WHERE name = 'テスト運輸' RETURNING id`, name)
	}
	for ch, svc := range map[string]string{"宅配便": "宅急便", "メール便": "ネコポス", "クール便": "クール宅急便", "コンビニ受取": "コンビニ受取"} {
		f.exec(`INSERT INTO delivery_method_mappings (connection_id, channel_name, delivery_service_id) VALUES ($1, $2, $3)`, f.conn.ID, ch, f.ids[svc])
	}
	kinds := map[string]string{"代金引換": "cod", amazon.PaymentCOD: "cod", "銀行振込": "prepaid", "ローソン、郵便局ATM等（前払）": "prepaid",
		"後払い": "deferred", amazon.PaymentCVS: "prepaid", amazon.PaymentOther: "other"}
	for _, p := range payments {
		kind := kinds[p]
		if kind == "" {
			kind = "credit_card"
		}
		f.ids[p] = f.id(`INSERT INTO payment_methods (name, kind) VALUES ($1, $2) RETURNING id`, "当社 "+p, kind)
		if p != unmappedPayment {
			f.mapPayment(p)
		}
	}
	for _, it := range kit.NewGen(0, t0).Catalog() {
		for _, v := range it.Variants {
			f.exec(`INSERT INTO products (sku, name) VALUES ($1, $2)`, v.SKU, it.Name)
		}
	}

	opts := registry.Clients{Transport: marketplace.Transport{Pacer: marketplace.NewPacer(o.rateFactor), Now: f.clock.Now, Timeout: 5 * time.Second,
		BackoffBase: 5 * time.Millisecond, BackoffMax: 100 * time.Millisecond}}
	f.runner = &orderimport.Runner{Store: f.st, Searcher: orderimport.Searchers(opts), Now: f.clock.Now}
	s, err := orderimport.Searchers(opts)(ctx, f.conn, nil)
	must(t, err)
	f.search = s
	return f
}

func (f *fixture) mapPayment(p string) {
	f.exec(`INSERT INTO payment_method_mappings (connection_id, channel_name, payment_method_id) VALUES ($1, $2, $3)`, f.conn.ID, p, f.ids[p])
}

func (f *fixture) exec(q string, args ...any) {
	f.t.Helper()
	if _, err := f.db.Exec(q, args...); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) id(q string, args ...any) int64 {
	f.t.Helper()
	var id int64
	must(f.t, f.db.Get(&id, q, args...))
	return id
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) run(req domain.ImportRequest) domain.ImportRun {
	f.t.Helper()
	run, err := f.runner.Run(context.Background(), f.conn, req, "テスト")
	if err != nil {
		f.t.Fatalf("import: %v (run %+v)", err, run)
	}
	if run.State != domain.ImportDone || run.Counts.WindowsDone != run.Counts.WindowsTotal {
		f.t.Fatalf("run not done: %+v", run)
	}
	return run
}

func threeWeeks() domain.ImportRequest {
	return domain.ImportRequest{Mode: domain.ImportRange, From: t0.Add(-21 * 24 * time.Hour), To: t0}
}

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
	out := map[string]string{}
	for _, q := range []struct{ where, sql string }{
		{"ship_order", `SELECT channel_order_no FROM ship_orders WHERE connection_id = $1`},
		{"skip", `SELECT channel_order_no FROM import_skips WHERE connection_id = $1 AND resolved_at IS NULL`},
		{"unshipped", `SELECT channel_order_no FROM unshipped_orders WHERE connection_id = $1`},
	} {
		var nos []string
		must(f.t, f.db.Select(&nos, q.sql, f.conn.ID))
		for _, no := range nos {
			if prev, dup := out[no]; dup {
				f.t.Fatalf("order %s stored as %s and as %s", no, prev, q.where)
			}
			out[no] = q.where
		}
	}
	return out
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
	var n int
	must(f.t, f.db.Get(&n, q, args...))
	return n
}

func (f *fixture) shipOrders() int {
	return f.count(`SELECT count(*) FROM ship_orders WHERE connection_id = $1`, f.conn.ID)
}

func describe(run domain.ImportRun) string {
	c := run.Counts
	return fmt.Sprintf("windows %d/%d fetched %d created %d updated %d unchanged %d unshipped %d skipped %d held %d",
		c.WindowsDone, c.WindowsTotal, c.Fetched, c.Created, c.Updated, c.Unchanged, c.Unshipped, c.Skipped, c.Held)
}

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
