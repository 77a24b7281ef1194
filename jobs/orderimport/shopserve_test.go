package orderimport_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/secretbox"
	"github.com/renkei-oss/renkei/jobs"
	"github.com/renkei-oss/renkei/jobs/orderimport"
	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/registry"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
	"github.com/renkei-oss/renkei/marketplace/sandbox/shopservesim"
	"github.com/renkei-oss/renkei/marketplace/shopserve"
)

const ssStore = "import.wc" // jobtest's Shopserve test shop

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
	f := newFixtureWith(t, fixtureOptions{marketplace: domain.MarketplaceShopserve, orders: n, span: span, rateFactor: factor})
	// Expectations come from a client of our own that sees every order.
	f.search = shopserve.New(shopserve.Config{
		BaseURL:    f.conn.BaseURL,
		StoreID:    f.conn.Params[domain.FieldShopserveStoreID],
		ManagerKey: f.conn.Secrets[domain.FieldShopserveManagerKey],
		Transport:  marketplace.Transport{Pacer: marketplace.NewPacer(factor), Now: f.clock.Now, BackoffBase: 5 * time.Millisecond},
	})
	return &ssFixture{fixture: f, sim: f.Sim.(*shopservesim.Sim)}
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

// A diff imports the 未確認 orders that carry a provisional 問い合わせ番号
// and lists the others as waiting for it, with the reason.
func TestShopserveDiffListsOrdersWaitingForTheirNumber(t *testing.T) {
	f := newShopserveFixture(t, 200, 6*24*time.Hour)
	first := f.run(domain.ImportRequest{Mode: domain.ImportDiff})
	want := f.expected(t0.Add(-7*24*time.Hour), t0)
	f.assertStored(want)
	ship, waiting := classCount(want, domain.ClassShipOrder), classCount(want, domain.ClassAwaitingTrackingNo)
	if first.Counts.Created != ship || first.Counts.Held != 0 || first.Counts.Skipped != waiting {
		t.Fatalf("first diff: %s; want %d created, none held, %d skipped as waiting", describe(first), ship, waiting)
	}
}

// Every V2-M-0024 call of a range import asks for 未確認 orders of one
// week at most.
func TestShopserveRangeAsksOneWeekAtMost(t *testing.T) {
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
	a := orderimport.NewAction(f.st, box, registry.Clients{}, nil)
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

// serialCalls are the V2-M-0024 searches by serial_codes logged after API
// log row after, each with the codes it asked for.
func (f *ssFixture) serialCalls(after int) [][]string {
	f.t.Helper()
	var reqs []string
	must(f.t, f.db.Select(&reqs, `SELECT request FROM api_logs WHERE connection_id = $1 AND operation = $2 AND id > $3 ORDER BY id`,
		f.conn.ID, shopserve.OpOrderRetrieve, after))
	var out [][]string
	for _, r := range reqs {
		// "POST <url>\n<body>"; 100 codes fit in the logged summary.
		_, body, _ := strings.Cut(r, "\n")
		var q shopserve.RetrieveRequest
		if err := json.Unmarshal([]byte(body), &q); err != nil {
			f.t.Fatalf("logged request %q: %v", r, err)
		}
		if len(q.SerialCodes) > 0 {
			out = append(out, q.SerialCodes)
		}
	}
	return out
}

// lastLog is the newest API log row's id.
func (f *ssFixture) lastLog() int {
	return f.count(`SELECT coalesce(max(id), 0) FROM api_logs`)
}

// assertRechecked checks that the serial_codes calls after API log row
// mark asked for exactly nos, at most 100 at a time, in ceil(n/100) calls.
func (f *ssFixture) assertRechecked(mark int, nos []string) {
	f.t.Helper()
	calls := f.serialCalls(mark)
	var asked []string
	for _, c := range calls {
		if len(c) > shopserve.MaxSerialCodes {
			f.t.Fatalf("one call asked for %d serial codes", len(c))
		}
		asked = append(asked, c...)
	}
	want := (len(nos) + shopserve.MaxSerialCodes - 1) / shopserve.MaxSerialCodes
	if len(calls) != want || !slices.Equal(slices.Sorted(slices.Values(asked)), slices.Sorted(slices.Values(nos))) {
		f.t.Fatalf("re-check: %d serial_codes calls asking for %v, want %d calls asking for %v", len(calls), asked, want, nos)
	}
}

// skipReason is the open skip's reason of order no ("" when none is open).
func (f *ssFixture) skipReason(no string) string {
	f.t.Helper()
	var reasons []string
	must(f.t, f.db.Select(&reasons, `SELECT reason FROM import_skips WHERE connection_id = $1 AND channel_order_no = $2 AND resolved_at IS NULL`,
		f.conn.ID, no))
	if len(reasons) == 0 {
		return ""
	}
	return reasons[0]
}

// An order the shop has not given its provisional tracking number is
// listed as skipped, with a reason saying so, and is no ship order. The
// diff cursor moves on to the window's end regardless; every later diff
// run fetches the waiting orders again by serial_codes, even when its
// windows no longer cover them (and when it resumes after a stop), so
// once the shop enters the number the order is imported, once, and its
// skip entry is resolved. An order the shop confirms without a number is
// listed with its status and fetched no more.
func TestShopserveWaitingOrderIsRecheckedByNumber(t *testing.T) {
	f := newShopserveFixture(t, 120, 6*24*time.Hour)
	f.clock.Advance(2 * time.Hour) // buyers' cancellations have all happened
	diff := domain.ImportRequest{Mode: domain.ImportDiff}
	ctx := context.Background()

	mark := f.lastLog()
	first := f.run(diff)
	want := f.expected(f.clock.Now().Add(-8*24*time.Hour), f.clock.Now())
	f.assertStored(want)
	nos, at := f.waitingOrders()
	if first.Counts.Skipped != len(nos) || len(nos) != classCount(want, domain.ClassAwaitingTrackingNo) || len(nos) < 3 {
		t.Fatalf("first diff: %s; %d orders listed as waiting, want %d (at least 3)", describe(first), len(nos), classCount(want, domain.ClassAwaitingTrackingNo))
	}
	if got := f.cursor(); !got.Equal(first.Windows[len(first.Windows)-1].To) {
		t.Fatalf("cursor %s, want the window's end %s (not held at the oldest waiting order %s)", got, first.To, at[0])
	}
	// The run's windows saw them all: nothing to ask for again.
	if calls := f.serialCalls(mark); len(calls) != 0 {
		t.Fatalf("first diff re-checked %v", calls)
	}

	// Eight days later the next diff's windows start at the cursor, after
	// every waiting order. It stops after its first window, then resumes:
	// the re-check comes after the windows, also in the resumed run.
	f.clock.Advance(8 * 24 * time.Hour)
	mark = f.lastLog()
	cctx, cancel := context.WithCancel(ctx)
	f.runner.AfterWindow = func(_ domain.ImportRun, done int) {
		if done == 1 {
			cancel()
		}
	}
	stopped, err := f.runner.Run(cctx, f.conn, diff, "テスト")
	f.runner.AfterWindow = nil
	if err == nil || stopped.State != domain.ImportCancelled || stopped.Counts.WindowsTotal < 2 || stopped.Counts.WindowsDone != 1 {
		t.Fatalf("stopped diff: err %v state %s %s", err, stopped.State, describe(stopped))
	}
	if !stopped.From.After(at[len(at)-1]) {
		t.Fatalf("the diff reads from %s, which covers waiting orders up to %s", stopped.From, at[len(at)-1])
	}
	if calls := f.serialCalls(mark); len(calls) != 0 || !f.cursor().Equal(stopped.Windows[0].To) {
		t.Fatalf("stopped after its first window: %d serial_codes calls, cursor %s, want none and %s", len(calls), f.cursor(), stopped.Windows[0].To)
	}
	resumed := f.run(diff)
	if resumed.ID != stopped.ID || !f.cursor().Equal(resumed.To) {
		t.Fatalf("resumed run %d (of %d): cursor %s, want %s", resumed.ID, stopped.ID, f.cursor(), resumed.To)
	}
	f.assertRechecked(mark, nos)
	// Counted in the run as usual, still listed once each.
	if resumed.Counts.Fetched != len(nos) || resumed.Counts.Skipped != len(nos) || resumed.Counts.Created != 0 {
		t.Fatalf("resumed diff: %s; want %d fetched and skipped again", describe(resumed), len(nos))
	}
	if still, _ := f.waitingOrders(); !slices.Equal(still, nos) {
		t.Fatalf("still waiting %v, want %v", still, nos)
	}
	f.assertStored(want)
	// The run's own API log row says how many it re-checked.
	if n := f.count(`SELECT count(*) FROM api_logs WHERE connection_id = $1 AND operation = $2 AND message LIKE '%' || $3 || '%'`,
		f.conn.ID, fmt.Sprintf("出荷指示取込（実行ID %d）", resumed.ID), fmt.Sprintf("問い合わせ番号待ち再確認%d", len(nos))); n != 1 {
		t.Fatalf("%d API log rows of run %d naming the re-check", n, resumed.ID)
	}

	// The shop enters numbers for all but the last two, and confirms the
	// last one without a number.
	entered, waits, confirmed := nos[:len(nos)-2], nos[len(nos)-2], nos[len(nos)-1]
	for i, no := range entered {
		must(t, f.sim.SetSlipNumber(ssStore, no, fmt.Sprintf("4000%08d", i)))
	}
	if res, err := f.search.(*shopserve.Client).ConfirmOrders(ctx, []string{confirmed}); err != nil || len(res) != 1 || !res[0].OK {
		t.Fatalf("confirm in the shop: %+v %v", res, err)
	}
	shipBefore := f.shipOrders()
	f.clock.Advance(10 * time.Minute)
	mark = f.lastLog()
	third := f.run(diff)
	f.assertRechecked(mark, nos)
	if third.Counts.Created != len(entered) || f.shipOrders() != shipBefore+len(entered) || third.Counts.Skipped != 2 || !f.cursor().Equal(third.To) {
		t.Fatalf("third diff: %s, %d ship orders before, cursor %s", describe(third), shipBefore, f.cursor())
	}
	for _, no := range entered {
		if n := f.count(`SELECT count(*) FROM ship_orders WHERE connection_id = $1 AND channel_order_no = $2`, f.conn.ID, no); n != 1 {
			t.Fatalf("order %s: %d ship orders after its number was entered", no, n)
		}
		if n := f.count(`SELECT count(*) FROM import_skips WHERE connection_id = $1 AND channel_order_no = $2 AND resolved_at IS NOT NULL`, f.conn.ID, no); n != 1 {
			t.Fatalf("order %s: skip entry not resolved", no)
		}
	}
	if r := f.skipReason(waits); r != domain.ReasonAwaitingTrackingNo {
		t.Fatalf("order %s still without a number: reason %q", waits, r)
	}
	if r := f.skipReason(confirmed); !strings.Contains(r, "「"+shopserve.OrderConfirmed+"」") {
		t.Fatalf("order %s confirmed without a number: reason %q, want its status", confirmed, r)
	}

	// The next diff asks for the one still waiting only, and imports nothing twice.
	f.clock.Advance(10 * time.Minute)
	mark = f.lastLog()
	fourth := f.run(diff)
	f.assertRechecked(mark, []string{waits})
	if fourth.Counts.Created != 0 || fourth.Counts.Updated != 0 || fourth.Counts.Skipped != 1 || f.shipOrders() != shipBefore+len(entered) {
		t.Fatalf("fourth diff: %s", describe(fourth))
	}
}

// More than 100 waiting orders take ceil(n/100) serial_codes calls; one
// the buyer cancels while it waits gets the status reason and is not
// asked for again.
func TestShopserveRecheckBatchesAndDropsCancelled(t *testing.T) {
	// Orders of the last two hours: all still 未確認 (a buyer cancels two
	// hours after ordering), one in ten without a number.
	f := newShopserveFixture(t, 1500, 110*time.Minute)
	diff := domain.ImportRequest{Mode: domain.ImportDiff}
	first := f.run(diff)
	nos, _ := f.waitingOrders()
	if first.Counts.Skipped != len(nos) || len(nos) <= shopserve.MaxSerialCodes {
		t.Fatalf("first diff: %s; %d waiting, want more than %d", describe(first), len(nos), shopserve.MaxSerialCodes)
	}

	// Three hours on the cancellations have happened; the diff's window
	// starts after every order, so only the re-check sees them.
	f.clock.Advance(3 * time.Hour)
	got, err := f.search.(*shopserve.Client).FetchOrders(context.Background(), nos)
	must(t, err)
	cancelled := map[string]bool{}
	for _, o := range got {
		if o.Cancelled {
			cancelled[o.Number] = true
		}
	}
	if len(got) != len(nos) || len(cancelled) == 0 || len(cancelled) == len(nos) {
		t.Fatalf("%d of %d waiting orders fetched, %d cancelled: the store should have some cancelled and some not", len(got), len(nos), len(cancelled))
	}
	mark := f.lastLog()
	second := f.run(diff)
	f.assertRechecked(mark, nos)
	if second.Counts.Fetched != len(nos) || second.Counts.Skipped != len(nos) || second.Counts.Created != 0 {
		t.Fatalf("second diff: %s; want the %d waiting orders fetched and listed", describe(second), len(nos))
	}
	var left []string
	for _, no := range nos {
		r := f.skipReason(no)
		switch {
		case cancelled[no] && !strings.Contains(r, "「"+shopserve.OrderCancelled+"」"):
			t.Fatalf("cancelled order %s: reason %q, want its status", no, r)
		case !cancelled[no] && r != domain.ReasonAwaitingTrackingNo:
			t.Fatalf("order %s still waiting: reason %q", no, r)
		case !cancelled[no]:
			left = append(left, no)
		}
	}

	f.clock.Advance(10 * time.Minute)
	mark = f.lastLog()
	third := f.run(diff)
	f.assertRechecked(mark, left)
	if third.Counts.Skipped != len(left) || third.Counts.Created != 0 {
		t.Fatalf("third diff: %s; want the %d still waiting listed", describe(third), len(left))
	}
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
