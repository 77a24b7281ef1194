package orderimport_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/futureshop"
	"github.com/renkei-oss/renkei/marketplace/sandbox/futureshopsim"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
)

// fsFixture is the shared fixture over the futureshop simulator.
type fsFixture struct {
	*fixture
	sim  *futureshopsim.Sim
	shop string
}

// newFutureshopFixture is newFixture over the futureshop simulator, with
// n orders over the 21 days before t0 and the standard
// 出荷指示登録(futureshop API用).
func newFutureshopFixture(t *testing.T, n int) *fsFixture {
	t.Helper()
	f := newFixture(t, domain.MarketplaceFutureshop, n, "")
	return &fsFixture{fixture: f, sim: f.Sim.(*futureshopsim.Sim), shop: f.Shop}
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

// Recipients are in Japanese with the prefecture translated from
// futureshop's enum (TOKYO → 東京都).
func TestFutureshopPrefecturesInJapanese(t *testing.T) {
	f := newFutureshopFixture(t, 100)
	f.run(threeWeeks())
	if f.shipOrders() == 0 {
		t.Fatal("nothing imported")
	}
	if n := f.count(`SELECT count(*) FROM ship_orders WHERE coalesce(recipient->>'prefecture', '') !~ '(都|道|府|県)$'`); n != 0 {
		t.Fatalf("%d ship orders with a prefecture not in Japanese", n)
	}
}

// Maintenance while a resumed run fetches its last week stops it in its
// maintenance state, keeping what it had; the next run finishes it.
func TestFutureshopMaintenanceMidRunResumes(t *testing.T) {
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
