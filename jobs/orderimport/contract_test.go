package orderimport_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/jobs/jobtest"
	"github.com/renkei-oss/renkei/jobs/orderimport"
)

// The import's contract, the same for every registered marketplace against
// its simulator: a diff run twice adds nothing, a range import takes every
// order once in one-week windows, and a run stopped part way resumes to
// exactly what an uninterrupted run stores. What only one marketplace does
// (placeholders, waiting for a tracking number, maintenance) is tested in
// its own file.

func TestContractDiffTwiceAddsNothing(t *testing.T) {
	for _, m := range jobtest.Marketplaces {
		t.Run(string(m.Marketplace), func(t *testing.T) {
			t.Parallel()
			f := jobtest.New(t, m, jobtest.Options{Orders: 150, Span: 6 * 24 * time.Hour})
			r := f.Runner()
			first := f.Import(r, domain.ImportRequest{Mode: domain.ImportDiff})
			if first.Counts.Created == 0 || !first.To.Equal(jobtest.T0) {
				t.Fatalf("first diff %s–%s: %s", first.From, first.To, jobtest.Describe(first))
			}
			before := f.Stored()

			f.Clock.Advance(time.Minute)
			second := f.Import(r, domain.ImportRequest{Mode: domain.ImportDiff})
			if second.Counts.Created != 0 || second.Counts.Updated != 0 {
				t.Fatalf("second diff changed something: %s", jobtest.Describe(second))
			}
			f.SameStored(f.Stored(), before)

			// Orders placed since come with the next diff, once.
			now := f.Clock.Now()
			f.AddOrders(5, now, now)
			f.Clock.Advance(10 * time.Minute) // Amazon lists orders two minutes old

			third := f.Import(r, domain.ImportRequest{Mode: domain.ImportDiff})
			after := f.Stored()
			for no, where := range before {
				if after[no] != where {
					t.Fatalf("order %s moved from %s to %q", no, where, after[no])
				}
			}
			if added := len(after) - len(before); added < 1 || added > 5 || third.Counts.Created > 5 {
				t.Fatalf("third diff stored %d new orders of 5 placed: %s", added, jobtest.Describe(third))
			}
			// Each run and the marketplace calls are in the API log.
			if n := f.Count(`SELECT count(*) FROM api_logs WHERE connection_id = $1 AND action = 'order_import' AND operation LIKE '出荷指示取込%'`, f.Conn.ID); n != 3 {
				t.Fatalf("%d run rows in the API log, want 3", n)
			}
			if n := f.Count(`SELECT count(*) FROM api_logs WHERE connection_id = $1 AND action = 'order_import' AND operation NOT LIKE '出荷指示取込%'`, f.Conn.ID); n == 0 {
				t.Fatal("no marketplace calls in the API log")
			}
		})
	}
}

func TestContractRangeImportsEveryOrderOnce(t *testing.T) {
	for _, m := range jobtest.Marketplaces {
		t.Run(string(m.Marketplace), func(t *testing.T) {
			t.Parallel()
			f := jobtest.New(t, m, jobtest.Options{Orders: 300, Span: 20 * 24 * time.Hour})
			r := f.Runner()
			run := f.Import(r, jobtest.ThreeWeeks())
			if len(run.Windows) != 3 {
				t.Fatalf("%d windows, want 3", len(run.Windows))
			}
			for i, w := range run.Windows {
				if w.To.Sub(w.From) != 7*24*time.Hour || (i > 0 && !w.From.Equal(run.Windows[i-1].To)) {
					t.Fatalf("window %d = %v", i, w)
				}
			}
			c := run.Counts
			if c.Fetched != c.Created+c.Updated+c.Unchanged+c.Unshipped+c.Skipped || c.Created != f.ShipOrders() || c.Created < 50 {
				t.Fatalf("counts do not add up to %d ship orders: %s", f.ShipOrders(), jobtest.Describe(run))
			}
			stored := f.Stored()
			// Standard rules acted on every order not held for a reason:
			// paid (or COD) → 出荷待ち, unpaid → 入金確認.
			if n := f.Count(`SELECT count(*) FROM ship_orders WHERE connection_id = $1 AND status = 'ready'`, f.Conn.ID); n == 0 {
				t.Fatal("no order ready to ship: rules did not act")
			}
			if n := f.Count(`SELECT count(*) FROM ship_orders WHERE connection_id = $1 AND hold_reason = '' AND NOT (
				(status = 'ready' AND (payment_status = 'paid' OR payment_kind = 'cod')) OR
				(status = 'awaiting_payment' AND payment_status = 'unpaid' AND payment_kind <> 'cod'))`, f.Conn.ID); n != 0 {
				t.Fatalf("%d orders where the standard rules did not put them", n)
			}
			// Addresses are whole and said once: no address starts with the
			// same part twice (a city given as both 市区町村 and 番地). Amazon's
			// Pending placeholders carry no address yet.
			if n := f.Count(`SELECT count(*) FROM ship_orders WHERE connection_id = $1 AND NOT placeholder AND (
				coalesce(recipient->>'address', '') = '' OR recipient->>'address' ~ '^(.{2,})\1')`, f.Conn.ID); n != 0 {
				var bad []string
				must(t, f.DB.Select(&bad, `SELECT channel_order_no || ' ' || coalesce(recipient->>'address', '') FROM ship_orders WHERE connection_id = $1 AND NOT placeholder AND (
				coalesce(recipient->>'address', '') = '' OR recipient->>'address' ~ '^(.{2,})\1') LIMIT 3`, f.Conn.ID))
				t.Fatalf("%d ship orders whose address is empty or repeats its start: %q", n, bad)
			}

			again := f.Import(r, jobtest.ThreeWeeks())
			if again.Counts.Created != 0 || again.Counts.Updated != 0 {
				t.Fatalf("the same range again: %s", jobtest.Describe(again))
			}
			f.SameStored(f.Stored(), stored)
			// Range runs do not move the diff cursor.
			state, err := f.Store.ConnectionImportState(context.Background(), f.Conn.ID)
			must(t, err)
			if state.Cursor != nil {
				t.Fatalf("range run moved the cursor to %s", state.Cursor)
			}
		})
	}
}

func TestContractStoppedRunResumesExactlyOnce(t *testing.T) {
	for _, m := range jobtest.Marketplaces {
		t.Run(string(m.Marketplace), func(t *testing.T) {
			t.Parallel()
			opts := jobtest.Options{Orders: 300, Span: 20 * 24 * time.Hour}
			f := jobtest.New(t, m, opts)
			r := f.Runner()
			ctx, cancel := context.WithCancel(context.Background())
			r.AfterWindow = func(_ domain.ImportRun, done int) {
				if done == 2 {
					cancel()
				}
			}
			run, err := r.Run(ctx, f.Conn, jobtest.ThreeWeeks(), "テスト")
			if err == nil || run.State != domain.ImportCancelled || run.Counts.WindowsDone != 2 {
				t.Fatalf("stopped run: err %v state %s %s", err, run.State, jobtest.Describe(run))
			}
			partial := f.ShipOrders()

			r.AfterWindow = nil
			resumed := f.Import(r, jobtest.ThreeWeeks())
			if resumed.ID != run.ID || resumed.Counts.WindowsDone != 3 || f.ShipOrders() <= partial {
				t.Fatalf("did not resume run %d: %s", run.ID, jobtest.Describe(resumed))
			}
			// The same shop imported without a stop stores the same orders
			// in the same places, and the resumed run counted each once.
			twin := jobtest.New(t, m, opts)
			twin.Import(twin.Runner(), jobtest.ThreeWeeks())
			f.SameStored(f.Stored(), twin.Stored())
			if resumed.Counts.Created != f.ShipOrders() {
				t.Fatalf("created %d over both parts, stored %d", resumed.Counts.Created, f.ShipOrders())
			}

			// A second import at once is refused while one runs.
			ctx2, cancel2 := context.WithCancel(context.Background())
			started, finished := make(chan struct{}), make(chan struct{})
			r.AfterWindow = func(domain.ImportRun, int) { close(started); <-ctx2.Done() }
			go func() {
				defer close(finished)
				r.Run(ctx2, f.Conn, domain.ImportRequest{Mode: domain.ImportHours, Hours: 1}, "テスト")
			}()
			defer func() { cancel2(); <-finished }()
			<-started
			if _, err := r.Run(context.Background(), f.Conn, domain.ImportRequest{Mode: domain.ImportHours, Hours: 1}, "テスト"); !errors.Is(err, orderimport.ErrAlreadyRunning) {
				t.Fatalf("concurrent run: %v", err)
			}
		})
	}
}
