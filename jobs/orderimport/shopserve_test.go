package orderimport_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/secretbox"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/store/testdb"
	"github.com/renkei-oss/renkei/jobs"
	"github.com/renkei-oss/renkei/jobs/orderimport"
	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/sandbox"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
	"github.com/renkei-oss/renkei/marketplace/sandbox/shopservesim"
	"github.com/renkei-oss/renkei/marketplace/shopserve"
)

const ssStore = "import.wc"

// ssFixture is the shared fixture against the ShopServe simulator: a store
// with n orders spread over [t0-span, t0-1h], masters for its delivery and
// payment names and the catalogue's SKUs.
type ssFixture struct {
	*fixture
	sim *shopservesim.Sim
}

func newShopserveFixture(t testing.TB, n int, span time.Duration) *ssFixture {
	t.Helper()
	return newShopserveFixtureRate(t, n, span, rateFactor)
}

// newShopserveFixtureRate is newShopserveFixture with the rate factor of
// both sides; 0 switches limits and pacing off.
func newShopserveFixtureRate(t testing.TB, n int, span time.Duration, factor float64) *ssFixture {
	t.Helper()
	f := &fixture{t: t, db: testdb.New(t), clock: kit.NewFrozenClock(t0), ids: map[string]int64{}}
	f.st = store.New(f.db)
	sb := sandbox.New(sandbox.Options{Seed: 11, Clock: f.clock, RateFactor: factor, RateLimitsOff: factor == 0, Simulators: []sandbox.Factory{
		func(e kit.Env) sandbox.Simulator { return shopservesim.New(e) },
	}})
	ts := httptest.NewServer(sb)
	t.Cleanup(ts.Close)
	sim := sb.Simulator("shopserve").(*shopservesim.Sim)
	creds := sim.NewShop(shopservesim.ShopOptions{ID: ssStore})
	must(t, sim.AddOrdersBetween(ssStore, n, t0.Add(-span), t0.Add(-time.Hour)))

	m := domain.MarketplaceShopserve
	f.conn = domain.Connection{ChannelName: "テスト " + m.Label(), Marketplace: m, Enabled: true, BaseURL: ts.URL + "/sandbox/shopserve/v2",
		Params: map[string]string{domain.FieldShopserveStoreID: creds.StoreID}, Secrets: map[string]string{domain.FieldShopserveManagerKey: creds.ManagerKey}}
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
	kinds := map[string]string{"クレジットカード": "credit_card", "PayPay": "credit_card", "代金引換": "cod", "銀行振込": "prepaid",
		"コンビニ(番号端末式)": "prepaid", "後払い": "deferred"}
	for p, kind := range kinds {
		f.ids[p] = f.id(`INSERT INTO payment_methods (name, kind) VALUES ($1, $2) RETURNING id`, "当社 "+p, kind)
		f.mapPayment(p)
	}
	for _, it := range kit.NewGen(0, t0).Catalog() {
		for _, v := range it.Variants {
			f.exec(`INSERT INTO products (sku, name) VALUES ($1, $2)`, v.SKU, it.Name)
		}
	}
	opts := orderimport.ClientOptions{Pacer: marketplace.NewPacer(factor), Now: f.clock.Now, Timeout: 5 * time.Second,
		BackoffBase: 5 * time.Millisecond, BackoffMax: 100 * time.Millisecond}
	f.runner = &orderimport.Runner{Store: f.st, Searcher: orderimport.Searchers(opts), Now: f.clock.Now}
	// Expectations come from a client of our own that sees every order.
	f.search = shopserve.New(shopserve.Config{BaseURL: f.conn.BaseURL, StoreID: creds.StoreID, ManagerKey: creds.ManagerKey,
		Pacer: marketplace.NewPacer(factor), Now: f.clock.Now, BackoffBase: 5 * time.Millisecond})
	return &ssFixture{fixture: f, sim: sim}
}

// expected lists the orders of [from, to) an import must account for,
// read from the raw JSON of a client of our own: 未確認 ones carrying a
// provisional tracking number on every destination become ship orders
// (seed), 未確認 ones without are listed as waiting for it; confirmed and
// cancelled ones are left alone. It checks that the store has all three.
func (f *ssFixture) expected(from, to time.Time) map[string]domain.ImportClass {
	f.t.Helper()
	out := map[string]domain.ImportClass{}
	left := 0
	err := f.search.SearchOrders(context.Background(), marketplace.OrderQuery{Window: marketplace.Window{From: from, To: to}},
		func(b marketplace.OrderBatch) error {
			for _, o := range b.Orders {
				var raw shopserve.OrderJSON
				if err := json.Unmarshal(o.RawPayload, &raw); err != nil {
					return err
				}
				if o.Status != shopserve.OrderUnconfirmed {
					left++
					continue
				}
				out[o.Number] = domain.ClassShipOrder
				for _, d := range raw.Deliveries {
					if d.SlipNumber == "" {
						out[o.Number] = domain.ClassAwaitingTrackingNo
					}
				}
			}
			return nil
		})
	must(f.t, err)
	if left == 0 || classCount(out, domain.ClassShipOrder) == 0 || classCount(out, domain.ClassAwaitingTrackingNo) == 0 {
		f.t.Fatalf("the generated store should hold orders to import (%d), orders waiting for a tracking number (%d) and orders to leave (%d)",
			classCount(out, domain.ClassShipOrder), classCount(out, domain.ClassAwaitingTrackingNo), left)
	}
	return out
}

func classCount(want map[string]domain.ImportClass, c domain.ImportClass) int {
	n := 0
	for _, class := range want {
		if class == c {
			n++
		}
	}
	return n
}

// assertStored is assertEveryOrderOnce that also checks each waiting order
// is listed as skipped with the reason that says what to do, and no ship order.
func (f *ssFixture) assertStored(want map[string]domain.ImportClass) {
	f.t.Helper()
	f.assertEveryOrderOnce(want)
	got := f.stored()
	for no, class := range want {
		switch where := got[no]; {
		case class == domain.ClassAwaitingTrackingNo && where != "skip", class == domain.ClassShipOrder && where != "ship_order":
			f.t.Fatalf("order %s (%s) stored as %s", no, class.Label(), where)
		}
		if class == domain.ClassAwaitingTrackingNo {
			if n := f.count(`SELECT count(*) FROM import_skips WHERE connection_id = $1 AND channel_order_no = $2 AND reason = $3 AND resolved_at IS NULL`,
				f.conn.ID, no, domain.ReasonAwaitingTrackingNo); n != 1 {
				f.t.Fatalf("order %s waiting for its tracking number: %d open skips with the reason", no, n)
			}
		}
	}
}

func TestShopserveDiffTwiceAddsNothing(t *testing.T) {
	f := newShopserveFixture(t, 200, 6*24*time.Hour)
	first := f.run(domain.ImportRequest{Mode: domain.ImportDiff})
	want := f.expected(t0.Add(-7*24*time.Hour), t0)
	f.assertStored(want)
	ship, waiting := classCount(want, domain.ClassShipOrder), classCount(want, domain.ClassAwaitingTrackingNo)
	if first.Counts.Created != ship || first.Counts.Held != 0 || first.Counts.Skipped != waiting {
		t.Fatalf("first diff: %s; want %d created, none held, %d skipped as waiting", describe(first), ship, waiting)
	}
	again := f.run(domain.ImportRequest{Mode: domain.ImportDiff})
	if again.Counts.Created != 0 || again.Counts.Updated != 0 || f.shipOrders() != ship {
		t.Fatalf("second diff: %s", describe(again))
	}
	// New orders after the cursor: the next diff takes exactly those.
	f.clock.Advance(10 * time.Minute)
	must(t, f.sim.AddOrders(ssStore, 20))
	f.clock.Advance(time.Minute)
	third := f.run(domain.ImportRequest{Mode: domain.ImportDiff})
	want = f.expected(t0.Add(-7*24*time.Hour), f.clock.Now())
	f.assertStored(want)
	if third.Counts.Created == 0 || third.Counts.Created > 20 || f.shipOrders() != classCount(want, domain.ClassShipOrder) {
		t.Fatalf("third diff: %s, stored %d, want %d", describe(third), f.shipOrders(), classCount(want, domain.ClassShipOrder))
	}
}

func TestShopserveRangeInWeekWindows(t *testing.T) {
	f := newShopserveFixture(t, 300, 20*24*time.Hour)
	run := f.run(threeWeeks())
	if run.Counts.WindowsTotal != 3 {
		t.Fatalf("3 weeks in %d windows", run.Counts.WindowsTotal)
	}
	want := f.expected(run.From, run.To)
	f.assertStored(want)
	// Every V2-M-0024 call asked for one week at most.
	var reqs []string
	must(t, f.db.Select(&reqs, `SELECT request FROM api_logs WHERE connection_id = $1 AND operation = $2`, f.conn.ID, shopserve.OpOrderRetrieve))
	if len(reqs) < 3 {
		t.Fatalf("%d retrieve calls logged", len(reqs))
	}
	for _, r := range reqs {
		// "POST <url>\n<body>"
		_, body, _ := strings.Cut(r, "\n")
		var q shopserve.RetrieveRequest
		must(t, json.Unmarshal([]byte(body), &q))
		since, err1 := shopserve.ParseTime(q.Since)
		until, err2 := shopserve.ParseTime(q.Until)
		if err1 != nil || err2 != nil || until.Sub(since) >= 7*24*time.Hour || len(q.OrderStatus) != 1 || q.OrderStatus[0] != shopserve.OrderUnconfirmed {
			t.Fatalf("request %s", r)
		}
	}
	// The same range again stores nothing new.
	again := f.run(threeWeeks())
	if again.Counts.Created != 0 || f.shipOrders() != classCount(want, domain.ClassShipOrder) {
		t.Fatalf("second range: %s", describe(again))
	}
}

func TestShopserveCrashResumeExactlyOnce(t *testing.T) {
	f := newShopserveFixture(t, 300, 20*24*time.Hour)
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
	partial := f.shipOrders()
	f.runner.AfterWindow = nil
	resumed := f.run(threeWeeks())
	if resumed.ID != run.ID || resumed.Counts.WindowsDone != 3 || f.shipOrders() <= partial {
		t.Fatalf("did not resume run %d: %s", run.ID, describe(resumed))
	}
	f.assertStored(f.expected(run.From, run.To))
	if resumed.Counts.Created != f.shipOrders() {
		t.Fatalf("created %d over both parts, stored %d", resumed.Counts.Created, f.shipOrders())
	}
}

func TestShopserveMaintenanceEndsTheRunAndTheNextRunImports(t *testing.T) {
	f := newShopserveFixture(t, 100, 6*24*time.Hour)
	f.sim.Faults().Set(ssStore, kit.Fault{Kind: kit.FaultMaintenance})
	run, err := f.runner.Run(context.Background(), f.conn, domain.ImportRequest{Mode: domain.ImportDiff}, "テスト")
	if marketplace.KindOf(err) != marketplace.Maintenance || run.State != domain.ImportMaintenance || f.shipOrders() != 0 {
		t.Fatalf("under maintenance: err %v state %s %s", err, run.State, describe(run))
	}
	if !strings.Contains(run.Message, "メンテナンス中") {
		t.Fatalf("run message %q", run.Message)
	}
	// The run's own API log row names the state and the sentence.
	if n := f.count(`SELECT count(*) FROM api_logs WHERE connection_id = $1 AND message LIKE '%メンテナンスのため中断%' AND message LIKE '%' || $2 || '%'`,
		f.conn.ID, run.Message); n != 1 {
		t.Fatalf("%d API log rows for the run stopped by maintenance", n)
	}
	// The API log carries the seed's sentence, once: maintenance is not retried.
	if n := f.count(`SELECT count(*) FROM api_logs WHERE connection_id = $1 AND message = $2`, f.conn.ID, shopserve.MaintenanceMessage); n != 1 {
		t.Fatalf("%d API log rows with %q", n, shopserve.MaintenanceMessage)
	}
	f.sim.Faults().Clear(ssStore)
	f.clock.Advance(time.Hour)
	next := f.run(domain.ImportRequest{Mode: domain.ImportDiff})
	f.assertStored(f.expected(t0.Add(-7*24*time.Hour), t0))
	if next.Counts.Created != f.shipOrders() {
		t.Fatalf("next run: %s", describe(next))
	}
}

// The linkage robot's tick during maintenance is postponed (no failure, no
// backoff) with the maintenance sentence and stores nothing; the next tick
// resumes the same import run and imports as if nothing happened.
func TestShopserveScheduledTickDuringMaintenance(t *testing.T) {
	f := newShopserveFixture(t, 80, 5*24*time.Hour)
	ctx := context.Background()
	box, err := secretbox.New("orderimport test secret key 0123456789")
	must(t, err)
	c := domain.NewConnection(domain.MarketplaceShopserve, t0)
	c.ChannelName, c.BaseURL, c.ShipFromID = "ショップサーブ 定期", f.conn.BaseURL, f.conn.ShipFromID
	maps.Copy(c.Params, f.conn.Params)
	maps.Copy(c.Secrets, f.conn.Secrets)
	must(t, f.st.CreateConnection(ctx, box, c))
	a := orderimport.NewAction(f.st, box, nil)
	a.Runner.Searcher, a.Runner.Now = f.runner.Searcher, f.clock.Now
	job := &jobs.Run{Job: domain.SyncJob{Name: "【自動連携】ショップサーブ 出荷指示取得(差分)", ConnectionID: c.ID}}

	f.sim.Faults().Set(ssStore, kit.Fault{Kind: kit.FaultMaintenance})
	_, err = a.Run(ctx, job)
	var postponed *jobs.Postponed
	if !errors.As(err, &postponed) || !strings.Contains(postponed.Reason, shopserve.MaintenanceMessage) {
		t.Fatalf("tick during maintenance: %v, want jobs.Postponed with the maintenance sentence", err)
	}
	runs, err := f.st.ImportRuns(ctx, c.ID, 10)
	must(t, err)
	if len(runs) != 1 || runs[0].State != domain.ImportMaintenance || runs[0].State.Label() != "メンテナンスのため中断" {
		t.Fatalf("import runs after the tick: %+v", runs)
	}
	if n := f.count(`SELECT count(*) FROM ship_orders WHERE connection_id = $1`, c.ID); n != 0 {
		t.Fatalf("%d ship orders during maintenance", n)
	}
	f.sim.Faults().Clear(ssStore)
	f.clock.Advance(time.Hour)
	counts, err := a.Run(ctx, job)
	must(t, err)
	ship := classCount(f.expected(t0.Add(-7*24*time.Hour), t0), domain.ClassShipOrder)
	if counts.Created != ship || f.count(`SELECT count(*) FROM ship_orders WHERE connection_id = $1`, c.ID) != ship {
		t.Fatalf("next tick: %+v, want %d created", counts, ship)
	}
	if after, err := f.st.ImportRuns(ctx, c.ID, 10); err != nil || len(after) != 1 || after[0].ID != runs[0].ID || after[0].State != domain.ImportDone {
		t.Fatalf("next tick did not finish the stopped import run %d: %+v %v", runs[0].ID, after, err)
	}
}

// waitingOrders are the open skips of orders waiting for their tracking
// number, with their order datetimes, oldest first.
func (f *ssFixture) waitingOrders() (nos []string, at []time.Time) {
	f.t.Helper()
	var rows []struct {
		No string    `db:"channel_order_no"`
		At time.Time `db:"ordered_at"`
	}
	must(f.t, f.db.Select(&rows, `SELECT channel_order_no, (payload->>'ordered_at')::timestamptz AS ordered_at FROM import_skips
		WHERE connection_id = $1 AND reason = $2 AND resolved_at IS NULL ORDER BY 2, 1`, f.conn.ID, domain.ReasonAwaitingTrackingNo))
	for _, r := range rows {
		nos, at = append(nos, r.No), append(at, r.At)
	}
	return nos, at
}

func (f *ssFixture) cursor() time.Time {
	f.t.Helper()
	state, err := f.st.ConnectionImportState(context.Background(), f.conn.ID)
	must(f.t, err)
	if state.Cursor == nil {
		f.t.Fatal("no diff cursor")
	}
	return *state.Cursor
}

// An order the shop has not given its provisional tracking number is
// listed as skipped, with a reason saying so, and is no ship order; the
// diff cursor stays at it, so once the shop enters the number the next
// diff imports it, once, and its skip entry is resolved. An order that
// leaves 未確認 without a number holds the cursor no more.
func TestShopserveOrderWithoutTrackingNoWaitsThenImports(t *testing.T) {
	f := newShopserveFixture(t, 120, 6*24*time.Hour)
	f.clock.Advance(2 * time.Hour) // buyers' cancellations have all happened
	diff := domain.ImportRequest{Mode: domain.ImportDiff}
	span := func() map[string]domain.ImportClass { return f.expected(f.clock.Now().Add(-8*24*time.Hour), f.clock.Now()) }

	first := f.run(diff)
	want := span()
	f.assertStored(want)
	nos, at := f.waitingOrders()
	if first.Counts.Skipped != len(nos) || len(nos) != classCount(want, domain.ClassAwaitingTrackingNo) || len(nos) < 3 {
		t.Fatalf("first diff: %s; %d orders listed as waiting, want %d (at least 3)", describe(first), len(nos), classCount(want, domain.ClassAwaitingTrackingNo))
	}
	if got := f.cursor(); !got.Equal(at[0]) {
		t.Fatalf("cursor %s, want it held at the oldest waiting order %s", got, at[0])
	}

	// Nothing changed: listed again (one entry each), nothing created.
	f.clock.Advance(10 * time.Minute)
	again := f.run(diff)
	if again.Counts.Created != 0 || again.Counts.Skipped != len(nos) || !f.cursor().Equal(at[0]) {
		t.Fatalf("second diff: %s, cursor %s", describe(again), f.cursor())
	}
	f.assertStored(span())

	// The shop enters numbers for all but the newest waiting order.
	shipBefore := f.shipOrders()
	for i, no := range nos[:len(nos)-1] {
		must(t, f.sim.SetSlipNumber(ssStore, no, fmt.Sprintf("4000%08d", i)))
	}
	f.clock.Advance(10 * time.Minute)
	third := f.run(diff)
	f.assertStored(span())
	if third.Counts.Created != len(nos)-1 || f.shipOrders() != shipBefore+len(nos)-1 || third.Counts.Skipped != 1 {
		t.Fatalf("third diff: %s, %d ship orders before", describe(third), shipBefore)
	}
	for _, no := range nos[:len(nos)-1] {
		if n := f.count(`SELECT count(*) FROM ship_orders WHERE connection_id = $1 AND channel_order_no = $2`, f.conn.ID, no); n != 1 {
			t.Fatalf("order %s: %d ship orders after its number was entered", no, n)
		}
		if n := f.count(`SELECT count(*) FROM import_skips WHERE connection_id = $1 AND channel_order_no = $2 AND resolved_at IS NOT NULL`, f.conn.ID, no); n != 1 {
			t.Fatalf("order %s: skip entry not resolved", no)
		}
	}
	if left, leftAt := f.waitingOrders(); len(left) != 1 || left[0] != nos[len(nos)-1] || !f.cursor().Equal(leftAt[0]) {
		t.Fatalf("still waiting %v, cursor %s; want %s and the cursor at %v", left, f.cursor(), nos[len(nos)-1], leftAt)
	}

	// The shop confirms the last one without a number: it leaves 未確認,
	// the import no longer sees it, and the cursor moves on to the run's end.
	res, err := f.search.(*shopserve.Client).ConfirmOrders(context.Background(), nos[len(nos)-1:])
	if err != nil || len(res) != 1 || !res[0].OK {
		t.Fatalf("confirm in the shop: %+v %v", res, err)
	}
	f.clock.Advance(10 * time.Minute)
	fourth := f.run(diff)
	if fourth.Counts.Created != 0 || fourth.Counts.Skipped != 0 || !f.cursor().Equal(fourth.To) {
		t.Fatalf("fourth diff: %s, cursor %s, want %s", describe(fourth), f.cursor(), fourth.To)
	}
}

// A diff run stopped after a window that held the cursor at a waiting
// order keeps it held when it resumes, though its later windows have no
// waiting order.
func TestShopserveWaitingOrderHoldsTheCursorAcrossAResume(t *testing.T) {
	f := newShopserveFixture(t, 60, 6*24*time.Hour)
	f.clock.Advance(2 * time.Hour)
	diff := domain.ImportRequest{Mode: domain.ImportDiff}
	f.run(diff)
	_, at := f.waitingOrders()
	if len(at) == 0 || !f.cursor().Equal(at[0]) {
		t.Fatalf("cursor %s, waiting orders at %v", f.cursor(), at)
	}
	// Two weeks later, with new orders: the diff spans three windows.
	f.clock.Advance(14 * 24 * time.Hour)
	must(t, f.sim.AddOrdersBetween(ssStore, 40, f.clock.Now().Add(-13*24*time.Hour), f.clock.Now().Add(-3*time.Hour)))
	ctx, cancel := context.WithCancel(context.Background())
	f.runner.AfterWindow = func(_ domain.ImportRun, done int) {
		if done == 1 {
			cancel()
		}
	}
	run, err := f.runner.Run(ctx, f.conn, diff, "テスト")
	if err == nil || run.State != domain.ImportCancelled || run.Counts.WindowsTotal < 3 {
		t.Fatalf("cancelled run: err %v state %s %s", err, run.State, describe(run))
	}
	if !f.cursor().Equal(at[0]) {
		t.Fatalf("cursor %s after the first window, want %s", f.cursor(), at[0])
	}
	f.runner.AfterWindow = nil
	resumed := f.run(diff)
	if resumed.ID != run.ID || !f.cursor().Equal(at[0]) {
		t.Fatalf("resumed run %d (of %d): cursor %s, want it still at %s", resumed.ID, run.ID, f.cursor(), at[0])
	}
	f.assertStored(f.expected(t0.Add(-8*24*time.Hour), f.clock.Now()))
}

// BenchmarkShopserveImport10k imports three weeks of a 10,000-order store
// into a fresh database per iteration, limits off: the cost of the
// client, the conversion and the store, not of the published 1 request/s
// (at which the ~90 calls would take about a minute and a half).
func BenchmarkShopserveImport10k(b *testing.B) {
	var imported int
	for b.Loop() {
		b.StopTimer()
		f := newShopserveFixtureRate(b, 10000, 20*24*time.Hour, 0)
		b.StartTimer()
		run, err := f.runner.Run(context.Background(), f.conn, threeWeeks(), "bench")
		if err != nil || run.State != domain.ImportDone {
			b.Fatalf("%v %s", err, describe(run))
		}
		imported = run.Counts.Created
	}
	b.ReportMetric(float64(imported)*float64(b.N)/b.Elapsed().Seconds(), "orders/s")
}
