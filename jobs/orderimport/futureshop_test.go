package orderimport_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/store/testdb"
	"github.com/renkei-oss/renkei/jobs/orderimport"
	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/futureshop"
	"github.com/renkei-oss/renkei/marketplace/registry"
	"github.com/renkei-oss/renkei/marketplace/sandbox"
	"github.com/renkei-oss/renkei/marketplace/sandbox/futureshopsim"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
)

// fsFixture is the shared fixture over the futureshop simulator.
type fsFixture struct {
	*fixture
	sim  *futureshopsim.Sim
	shop string
}

// newFutureshopFixture mirrors newFixtureWith for futureshop: a real
// database, the simulator behind real HTTP with n orders over the 21 days
// before t0, one connection using the standard 出荷指示登録(futureshop API用).
func newFutureshopFixture(t *testing.T, n int) *fsFixture {
	t.Helper()
	f := &fixture{t: t, db: testdb.New(t), clock: kit.NewFrozenClock(t0), ids: map[string]int64{}}
	f.st = store.New(f.db)
	var sim *futureshopsim.Sim
	sb := sandbox.New(sandbox.Options{Seed: 11, Clock: f.clock, RateFactor: rateFactor, Simulators: []sandbox.Factory{
		func(e kit.Env) sandbox.Simulator { sim = futureshopsim.New(e); return sim },
	}})
	ts := httptest.NewServer(sb)
	t.Cleanup(ts.Close)
	creds := sim.NewShop(futureshopsim.ShopOptions{Orders: n, Span: 21 * 24 * time.Hour})

	m := domain.MarketplaceFutureshop
	f.conn = domain.Connection{ChannelName: "テスト futureshop", Marketplace: m, Enabled: true, BaseURL: ts.URL + "/sandbox/futureshop",
		Params:  map[string]string{domain.FieldFutureshopShopKey: creds.ShopKey, domain.FieldFutureshopClientID: creds.ClientID},
		Secrets: map[string]string{domain.FieldFutureshopClientSecret: creds.ClientSecret}}
	f.exec(`INSERT INTO ship_froms (name, postal_code, prefecture, address, phone) VALUES ('倉庫', '100-0001', '東京都', '千代田区1-1', '03-0000-0000')`)
	f.exec(`INSERT INTO connections (channel_name, marketplace, base_url, ship_from_id) SELECT $1, $2, $3, id FROM ship_froms`,
		f.conn.ChannelName, string(m), f.conn.BaseURL)
	must(t, f.db.Get(&f.conn.ID, `SELECT id FROM connections`))
	must(t, f.db.Get(&f.conn.ShipFromID, `SELECT id FROM ship_froms`))

	f.exec(`INSERT INTO carriers (name) VALUES ('テスト運輸')`)
	for _, name := range []string{"宅急便", "ネコポス", "クール宅急便", "コンビニ受取"} {
		f.ids[name] = f.id(`INSERT INTO delivery_services (carrier_id, name) SELECT id, $1 FROM carriers WHERE name = 'テスト運輸' RETURNING id`, name)
	}
	for ch, svc := range map[string]string{"宅配便": "宅急便", "メール便": "ネコポス", "クール便": "クール宅急便", "コンビニ受取": "コンビニ受取"} {
		f.exec(`INSERT INTO delivery_method_mappings (connection_id, channel_name, delivery_service_id) VALUES ($1, $2, $3)`, f.conn.ID, ch, f.ids[svc])
	}
	kinds := map[string]string{futureshop.PaymentCOD: "cod", futureshop.PaymentBankTransfer: "prepaid", futureshop.PaymentConvenience: "prepaid",
		futureshop.PaymentDeferred: "deferred", futureshop.PaymentCreditCard: "credit_card"}
	for code, kind := range kinds {
		p := futureshop.PaymentNames[code]
		f.ids[p] = f.id(`INSERT INTO payment_methods (name, kind) VALUES ($1, $2) RETURNING id`, "当社 "+p, kind)
		f.mapPayment(p)
	}
	for _, it := range kit.NewGen(0, t0).Catalog() {
		for _, v := range it.Variants {
			f.exec(`INSERT INTO products (sku, name) VALUES ($1, $2)`, v.SKU, it.Name)
		}
	}
	opts := registry.Clients{Transport: marketplace.Transport{Pacer: marketplace.NewPacer(rateFactor), Now: f.clock.Now, Timeout: 5 * time.Second,
		BackoffBase: 5 * time.Millisecond, BackoffMax: 100 * time.Millisecond}}
	f.runner = &orderimport.Runner{Store: f.st, Searcher: orderimport.Searchers(opts), Now: f.clock.Now}
	s, err := orderimport.Searchers(opts)(context.Background(), f.conn, nil)
	must(t, err)
	f.search = s
	return &fsFixture{fixture: f, sim: sim, shop: creds.ShopKey}
}

// expected asks the simulator directly for the 未発送 orders of [from, to)
// and where each must land.
func (f *fsFixture) expected(from, to time.Time) map[string]domain.ImportClass {
	f.t.Helper()
	out := map[string]domain.ImportClass{}
	err := f.search.SearchOrders(context.Background(), marketplace.OrderQuery{Window: marketplace.Window{From: from, To: to}, Statuses: []string{futureshop.ShippingNotShipped}},
		func(b marketplace.OrderBatch) error {
			for _, o := range b.Orders {
				// Cancelled ones are listed as skipped with the reason.
				out[o.Number] = domain.Classify(domain.IncomingOrder{Marketplace: domain.MarketplaceFutureshop, Status: o.Status, Cancelled: o.Cancelled}, nil)
			}
			return nil
		})
	must(f.t, err)
	return out
}

func TestFutureshopDiffTwiceAddsNothing(t *testing.T) {
	f := newFutureshopFixture(t, 150)
	first := f.run(domain.ImportRequest{Mode: domain.ImportDiff})
	if first.Counts.Created == 0 {
		t.Fatalf("first diff created nothing: %s", describe(first))
	}
	if want := t0.Add(-7 * 24 * time.Hour); !first.From.Equal(want) || !first.To.Equal(t0) {
		t.Fatalf("first diff span %s–%s, want %s–%s", first.From, first.To, want, t0)
	}
	f.assertEveryOrderOnce(f.expected(first.From, first.To))
	before := f.shipOrders()

	f.clock.Advance(time.Minute)
	second := f.run(domain.ImportRequest{Mode: domain.ImportDiff})
	if second.Counts.Created != 0 || second.Counts.Updated != 0 || f.shipOrders() != before {
		t.Fatalf("second diff changed something: %s", describe(second))
	}
	if want := first.To.Add(-domain.CursorOverlap); !second.From.Equal(want) {
		t.Fatalf("second diff from %s, want %s", second.From, want)
	}
	// New orders after the cursor come with the next diff, once.
	must(t, f.sim.AddOrders(f.shop, 5))
	f.clock.Advance(time.Minute)
	third := f.run(domain.ImportRequest{Mode: domain.ImportDiff})
	if third.Counts.Created+third.Counts.Skipped != 5 || f.shipOrders() != before+third.Counts.Created {
		t.Fatalf("third diff: %s", describe(third))
	}
	if n := f.count(`SELECT count(*) FROM api_logs WHERE connection_id = $1 AND action = 'order_import' AND operation = $2`, f.conn.ID, futureshop.OpOrderSearch); n == 0 {
		t.Fatal("no 受注検索API calls in the API log")
	}
	// The standard robot of futureshop converted them.
	if n := f.count(`SELECT count(*) FROM ship_orders o JOIN import_mappings m ON m.id = o.import_mapping_id
		WHERE m.name = '出荷指示登録(futureshop API用)'`); n != f.shipOrders() {
		t.Fatalf("%d of %d ship orders from the futureshop robot", n, f.shipOrders())
	}
}

func TestFutureshopRangeWindowsEveryOrderOnce(t *testing.T) {
	f := newFutureshopFixture(t, 400)
	run := f.run(threeWeeks())
	if len(run.Windows) != 3 {
		t.Fatalf("%d windows, want 3", len(run.Windows))
	}
	want := f.expected(run.From, run.To)
	if len(want) < 300 {
		t.Fatalf("sandbox returned only %d orders", len(want))
	}
	f.assertEveryOrderOnce(want)
	c := run.Counts
	if c.Fetched != c.Created+c.Updated+c.Unchanged+c.Unshipped+c.Skipped || c.Created != f.shipOrders() {
		t.Fatalf("counts: %s, stored %d", describe(run), f.shipOrders())
	}
	// Payment from 入金日: paid (or COD) → 出荷待ち, unpaid prepaid → 入金確認.
	if n := f.count(`SELECT count(*) FROM ship_orders WHERE status = 'ready'`); n == 0 {
		t.Fatal("no order ready to ship")
	}
	if n := f.count(`SELECT count(*) FROM ship_orders WHERE status = 'awaiting_payment'`); n == 0 {
		t.Fatal("no prepaid order awaiting payment")
	}
	// Recipients are in Japanese with the prefecture translated from the enum.
	if n := f.count(`SELECT count(*) FROM ship_orders WHERE coalesce(recipient->>'prefecture', '') !~ '(都|道|府|県)$'`); n != 0 {
		t.Fatalf("%d ship orders with a prefecture not in Japanese", n)
	}
	// Importing the same range again changes nothing.
	again := f.run(domain.ImportRequest{Mode: domain.ImportRange, From: run.From, To: run.To.Add(-time.Second)})
	if again.Counts.Created != 0 || again.Counts.Updated != 0 {
		t.Fatalf("re-import: %s", describe(again))
	}
}

func TestFutureshopStoppedRunResumesExactlyOnce(t *testing.T) {
	f := newFutureshopFixture(t, 300)
	// Cancelled after the first week…
	ctx, cancel := context.WithCancel(context.Background())
	f.runner.AfterWindow = func(_ domain.ImportRun, done int) {
		if done == 1 {
			cancel()
		}
	}
	run, err := f.runner.Run(ctx, f.conn, threeWeeks(), "テスト")
	if err == nil || run.State != domain.ImportCancelled || run.Counts.WindowsDone != 1 {
		t.Fatalf("cancelled run: err %v state %s %s", err, run.State, describe(run))
	}
	afterOne := f.shipOrders()

	// …resumed, and maintenance starts while the third week is fetched: the
	// run stops in its maintenance state with the sentence, keeping the second week.
	f.runner.AfterWindow = func(_ domain.ImportRun, done int) {
		if done == 2 {
			f.sim.Faults().Set(f.shop, kit.Fault{Kind: kit.FaultMaintenance, Times: 1, Only: futureshop.OpOrderSearch})
		}
	}
	failed, err := f.runner.Run(context.Background(), f.conn, threeWeeks(), "テスト")
	if marketplace.KindOf(err) != marketplace.Maintenance || failed.ID != run.ID || failed.State != domain.ImportMaintenance ||
		failed.Counts.WindowsDone != 2 || !strings.Contains(failed.Message, "メンテナンス中") {
		t.Fatalf("run under maintenance: err %v id %d state %s message %q %s", err, failed.ID, failed.State, failed.Message, describe(failed))
	}
	afterTwo := f.shipOrders()
	if afterTwo <= afterOne {
		t.Fatal("the second week added nothing")
	}

	// The next run, after maintenance, finishes the same run.
	f.runner.AfterWindow = nil
	final := f.run(threeWeeks())
	if final.ID != run.ID || final.Counts.WindowsDone != 3 {
		t.Fatalf("did not resume run %d: %+v", run.ID, final)
	}
	if f.shipOrders() <= afterTwo {
		t.Fatal("the third week added nothing")
	}
	f.assertEveryOrderOnce(f.expected(run.From, run.To))
	if final.Counts.Created != f.shipOrders() {
		t.Fatalf("created %d over all parts, stored %d", final.Counts.Created, f.shipOrders())
	}
	if n := f.count(`SELECT count(*) FROM api_logs WHERE connection_id = $1 AND NOT ok AND code = $2`, f.conn.ID, futureshop.CodeMaintenance); n != 1 {
		t.Fatalf("%d maintenance answers in the API log, want 1", n)
	}
}

// TestFutureshopImportThroughCopiedRobot follows the seed: the standard
// 「出荷指示登録(futureshop API用)」 cannot be edited, so it is copied,
// renamed 「…- 独自」, enabled and used by the connection.
func TestFutureshopImportThroughCopiedRobot(t *testing.T) {
	f := newFutureshopFixture(t, 100)
	ctx := context.Background()
	std, err := f.st.StandardImportMapping(ctx, domain.MarketplaceFutureshop)
	must(t, err)
	if std.Name != "出荷指示登録(futureshop API用)" {
		t.Fatalf("standard robot %q", std.Name)
	}
	cp, err := f.st.CopyImportMapping(ctx, std.ID)
	must(t, err)
	if cp.Name != "出荷指示登録(futureshop API用) - コピー" || cp.Enabled {
		t.Fatalf("copy %q enabled %v", cp.Name, cp.Enabled)
	}
	must(t, f.st.SetConnectionImportMapping(ctx, f.conn.ID, cp.ID))

	// Still disabled: the run stops and says what to do.
	run, err := f.runner.Run(ctx, f.conn, domain.ImportRequest{Mode: domain.ImportDiff}, "テスト")
	if err == nil || run.State != domain.ImportFailed || !strings.Contains(run.Message, "変換ロボット「出荷指示登録(futureshop API用) - コピー」が無効です") {
		t.Fatalf("disabled copy: %v %s %q", err, run.State, run.Message)
	}

	cp.Name = "出荷指示登録(futureshop API用)- 独自"
	cp.Enabled = true
	must(t, f.st.SaveImportMapping(ctx, &cp))
	done := f.run(domain.ImportRequest{Mode: domain.ImportDiff})
	if done.ID != run.ID || done.Counts.Created == 0 {
		t.Fatalf("import through the copy: %s", describe(done))
	}
	if n := f.count(`SELECT count(*) FROM ship_orders WHERE import_mapping_id = $1`, cp.ID); n != f.shipOrders() {
		t.Fatalf("%d of %d ship orders through 「- 独自」", n, f.shipOrders())
	}
	// The standard rules came with the copy: paid orders are ready to ship.
	if n := f.count(`SELECT count(*) FROM ship_orders WHERE status = 'ready'`); n == 0 {
		t.Fatal("no order ready to ship: the copy's rules did not act")
	}
}

// TestFutureshopPaymentArrivingUpdatesNotDoubles: prepaid orders imported
// while 入金待ち are updated in place once futureshop shows their 入金日
// (チャネル入金; our own 入金ステータス stays the rules' decision).
func TestFutureshopPaymentArrivingUpdatesNotDoubles(t *testing.T) {
	f := newFutureshopFixture(t, 100)
	must(t, f.sim.AddOrders(f.shop, 60))
	f.clock.Advance(time.Minute)
	recent := domain.ImportRequest{Mode: domain.ImportHours, Hours: 2}
	first := f.run(recent)
	unpaid := `SELECT count(*) FROM ship_orders WHERE NOT channel_paid AND payment_kind = 'prepaid'`
	awaiting := f.count(unpaid)
	if awaiting == 0 {
		t.Fatalf("no prepaid order imported unpaid: %s", describe(first))
	}

	f.clock.Advance(3 * 24 * time.Hour)
	second := f.run(domain.ImportRequest{Mode: domain.ImportRange, From: first.From, To: first.To})
	if second.Counts.Updated < awaiting || second.Counts.Created != 0 {
		t.Fatalf("re-import after payments (%d awaiting): %s", awaiting, describe(second))
	}
	if n := f.count(unpaid); n != 0 {
		t.Fatalf("%d prepaid orders without チャネル入金 after their 入金日", n)
	}
	if n := f.count(`SELECT count(*) FROM ship_order_events WHERE kind = 'updated' AND message LIKE '%チャネル入金%'`); n < awaiting {
		t.Fatalf("%d update events name チャネル入金, want %d", n, awaiting)
	}
	if n := f.count(`SELECT count(*) FROM (SELECT channel_order_no FROM ship_orders GROUP BY 1 HAVING count(*) > 1) d`); n != 0 {
		t.Fatalf("%d orders doubled", n)
	}
}
