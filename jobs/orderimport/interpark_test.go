package orderimport_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/store/testdb"
	"github.com/renkei-oss/renkei/jobs/orderimport"
	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/interpark"
	"github.com/renkei-oss/renkei/marketplace/registry"
	"github.com/renkei-oss/renkei/marketplace/sandbox"
	"github.com/renkei-oss/renkei/marketplace/sandbox/interparksim"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
)

const interparkShop = "IPTEST"

// newInterparkFixture is newFixture for Interpark: a seller with n orders
// over span before t0, the catalogue's SKUs in the product master and the
// two names every Interpark order carries mapped.
func newInterparkFixture(t testing.TB, n int, span time.Duration) (*fixture, *interparksim.Sim) {
	t.Helper()
	f := &fixture{t: t, db: testdb.New(t), clock: kit.NewFrozenClock(t0), ids: map[string]int64{}}
	f.st = store.New(f.db)
	sb := sandbox.New(sandbox.Options{Seed: 11, Clock: f.clock, RateFactor: rateFactor, Simulators: []sandbox.Factory{
		func(e kit.Env) sandbox.Simulator { return interparksim.New(e) },
	}})
	ts := httptest.NewServer(sb)
	t.Cleanup(ts.Close)
	sim := sb.Simulator("interpark").(*interparksim.Sim)
	creds := sim.NewShop(interparksim.ShopOptions{Creds: interparksim.Creds{ShopID: interparkShop}, Orders: n, Span: span})
	// The newest order is placed at t0; a minute on, diff runs (which end
	// at now) include it.
	f.clock.Advance(time.Minute)
	m := domain.MarketplaceInterpark
	f.conn = domain.Connection{ChannelName: "テスト Interpark", Marketplace: m, Enabled: true, BaseURL: ts.URL + "/sandbox/interpark",
		Params: map[string]string{domain.FieldInterparkShopID: creds.ShopID, domain.FieldInterparkCompanyNo: creds.CompanyNo,
			domain.FieldInterparkSupplyContract: creds.ContractNo}, Secrets: map[string]string{}}
	f.exec(`INSERT INTO ship_froms (name, postal_code, prefecture, address, phone) VALUES ('倉庫', '100-0001', '東京都', '千代田区1-1', '03-0000-0000')`)
	f.exec(`INSERT INTO connections (channel_name, marketplace, base_url, ship_from_id) SELECT $1, $2, $3, id FROM ship_froms`,
		f.conn.ChannelName, string(m), f.conn.BaseURL)
	must(t, f.db.Get(&f.conn.ID, `SELECT id FROM connections`))
	must(t, f.db.Get(&f.conn.ShipFromID, `SELECT id FROM ship_froms`))
	f.exec(`INSERT INTO carriers (name) VALUES ('国際宅配')`)
	f.ids["EMS"] = f.id(`INSERT INTO delivery_services (carrier_id, name) SELECT id, 'EMS' FROM carriers RETURNING id`)
	f.exec(`INSERT INTO delivery_method_mappings (connection_id, channel_name, delivery_service_id) VALUES ($1, $2, $3)`, f.conn.ID, interpark.DeliveryName, f.ids["EMS"])
	f.ids[interpark.PaymentName] = f.id(`INSERT INTO payment_methods (name, kind) VALUES ('当社 Interpark決済', 'credit_card') RETURNING id`)
	f.mapPayment(interpark.PaymentName)
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
	if s == nil {
		t.Fatal("orderimport.Searchers has no client for Interpark")
	}
	f.search = s
	return f, sim
}

// 差分取得 twice: the first imports the week's orders once each and turns
// every 新規注文 into 発送対象 on Interpark; the second finds nothing new;
// orders placed since arrive with the third.
func TestInterparkDiffTwice(t *testing.T) {
	t.Parallel()
	f, sim := newInterparkFixture(t, 150, 10*24*time.Hour)
	now := f.clock.Now()
	week := now.Add(-domain.FirstImportLookback)
	listable := sim.Listable(interparkShop, week, now)

	first := f.run(domain.ImportRequest{Mode: domain.ImportDiff})
	if first.Counts.Created != listable || sim.Acknowledged(interparkShop) != listable {
		t.Fatalf("first diff: %s; %d listable, %d acknowledged", describe(first), listable, sim.Acknowledged(interparkShop))
	}
	held := f.count(`SELECT count(*) FROM ship_orders WHERE connection_id = $1 AND status = $2`, f.conn.ID, string(domain.StatusHold))
	if held != 0 {
		var reasons []string
		must(t, f.db.Select(&reasons, `SELECT DISTINCT hold_reason FROM ship_orders WHERE connection_id = $1 AND status = $2`, f.conn.ID, string(domain.StatusHold)))
		t.Fatalf("%d of %d orders held: %v", held, first.Counts.Created, reasons)
	}

	f.clock.Advance(10 * time.Minute)
	second := f.run(domain.ImportRequest{Mode: domain.ImportDiff})
	if second.Counts.Created != 0 || second.Counts.Updated != 0 || f.shipOrders() != listable {
		t.Fatalf("second diff: %s, %d ship orders", describe(second), f.shipOrders())
	}

	must(t, sim.AddOrders(interparkShop, 7))
	f.clock.Advance(time.Minute)
	third := f.run(domain.ImportRequest{Mode: domain.ImportDiff})
	fresh := sim.Listable(interparkShop, now, now.Add(time.Hour))
	if third.Counts.Created != fresh || f.shipOrders() != listable+fresh || sim.Acknowledged(interparkShop) != listable+fresh {
		t.Fatalf("third diff: %s; %d new listable, %d ship orders", describe(third), fresh, f.shipOrders())
	}
	f.assertEveryOrderOnce(f.expected(week, now.Add(time.Hour)))
}

// 範囲指定取得 over three weeks: three one-week windows, each read in
// one-day calls; every order once; a repeat creates nothing.
func TestInterparkRangeWindows(t *testing.T) {
	t.Parallel()
	f, sim := newInterparkFixture(t, 300, 20*24*time.Hour)
	run := f.run(threeWeeks())
	if run.Counts.WindowsTotal != 3 {
		t.Fatalf("windows: %s", describe(run))
	}
	want := sim.Listable(interparkShop, t0.Add(-21*24*time.Hour), t0)
	if run.Counts.Created != want || sim.Acknowledged(interparkShop) != want {
		t.Fatalf("range: %s, want %d", describe(run), want)
	}
	again := f.run(threeWeeks())
	if again.Counts.Created != 0 || again.Counts.Unchanged != want {
		t.Fatalf("repeat: %s", describe(again))
	}
	f.assertEveryOrderOnce(f.expected(t0.Add(-21*24*time.Hour), t0))
}

// A run stopped after its first window resumes at the second; an earlier
// run that died after Interpark acknowledged orders (they are 発送対象 now,
// off the new-order list) loses none of them.
func TestInterparkCrashResumeExactlyOnce(t *testing.T) {
	t.Parallel()
	f, sim := newInterparkFixture(t, 240, 20*24*time.Hour)
	// The dead run: Interpark acknowledged the first week, nothing stored.
	first := marketplace.Window{From: t0.Add(-15 * 24 * time.Hour), To: t0.Add(-8 * 24 * time.Hour)}
	dead := errors.New("process died")
	err := f.search.SearchOrders(context.Background(), marketplace.OrderQuery{Window: first}, func(marketplace.OrderBatch) error { return dead })
	if !errors.Is(err, dead) || sim.Acknowledged(interparkShop) == 0 {
		t.Fatalf("dead run: %v, %d acknowledged", err, sim.Acknowledged(interparkShop))
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.runner.AfterWindow = func(_ domain.ImportRun, done int) {
		if done == 1 {
			cancel()
		}
	}
	stopped, err := f.runner.Run(ctx, f.conn, threeWeeks(), "テスト")
	if err == nil || stopped.State != domain.ImportCancelled || stopped.Counts.WindowsDone != 1 {
		t.Fatalf("stopped run: %v %+v", err, stopped)
	}
	f.runner.AfterWindow = nil
	resumed := f.run(threeWeeks())
	if resumed.ID != stopped.ID || resumed.Counts.WindowsDone != 3 {
		t.Fatalf("resumed run %d (stopped %d): %s", resumed.ID, stopped.ID, describe(resumed))
	}
	want := sim.Listable(interparkShop, t0.Add(-21*24*time.Hour), t0)
	if f.shipOrders() != want {
		t.Fatalf("%d ship orders, want %d", f.shipOrders(), want)
	}
	f.assertEveryOrderOnce(f.expected(t0.Add(-21*24*time.Hour), t0))
}

// Maintenance ends the run with the maintenance sentence; the next run
// imports everything.
func TestInterparkMaintenanceStopsRunCleanly(t *testing.T) {
	t.Parallel()
	f, sim := newInterparkFixture(t, 60, 5*24*time.Hour)
	sim.Faults().Set(interparkShop, kit.Fault{Kind: kit.FaultMaintenance, Times: 1})
	run, err := f.runner.Run(context.Background(), f.conn, domain.ImportRequest{Mode: domain.ImportDiff}, "テスト")
	if marketplace.KindOf(err) != marketplace.Maintenance || run.State != domain.ImportMaintenance || run.Message == "" {
		t.Fatalf("maintenance run: %v %+v", err, run)
	}
	next := f.run(domain.ImportRequest{Mode: domain.ImportDiff})
	if want := sim.Listable(interparkShop, f.clock.Now().Add(-domain.FirstImportLookback), f.clock.Now()); f.shipOrders() != want {
		t.Fatalf("after maintenance: %s, %d ship orders, want %d", describe(next), f.shipOrders(), want)
	}
}
