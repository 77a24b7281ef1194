package orderimport_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/sandbox/interparksim"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
)

const interparkShop = "IPTEST" // jobtest's Interpark test shop

// newInterparkFixture is newFixture for Interpark: a seller with n orders
// over span before t0, the catalogue's SKUs in the product master and the
// two names every Interpark order carries mapped.
func newInterparkFixture(t testing.TB, n int, span time.Duration) (*fixture, *interparksim.Sim) {
	t.Helper()
	f := newFixtureWith(t, fixtureOptions{marketplace: domain.MarketplaceInterpark, orders: n, span: span, rateFactor: rateFactor})
	return f, f.Sim.(*interparksim.Sim)
}

// 差分取得 turns every 新規注文 it reads into 発送対象 on Interpark, and
// imports each once.
func TestInterparkDiffAcknowledgesWhatItImports(t *testing.T) {
	t.Parallel()
	f, sim := newInterparkFixture(t, 150, 10*24*time.Hour)
	now := f.clock.Now()
	listable := sim.Listable(interparkShop, now.Add(-domain.FirstImportLookback), now)
	first := f.run(domain.ImportRequest{Mode: domain.ImportDiff})
	if first.Counts.Created != listable || sim.Acknowledged(interparkShop) != listable {
		t.Fatalf("first diff: %s; %d listable, %d acknowledged", describe(first), listable, sim.Acknowledged(interparkShop))
	}
	if held := f.count(`SELECT count(*) FROM ship_orders WHERE connection_id = $1 AND status = $2`, f.conn.ID, string(domain.StatusHold)); held != 0 {
		t.Fatalf("%d of %d orders held", held, first.Counts.Created)
	}
}

// A run that died after Interpark acknowledged orders (they are 発送対象
// now, off the new-order list) loses none of them: the next run, stopped
// and resumed, reads them back from 発送対象.
func TestInterparkAcknowledgedByADeadRunAreNotLost(t *testing.T) {
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
