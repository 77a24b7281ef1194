package jobtest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/jobs/orderimport"
)

// Runner is an import runner for the fixture's connection on its clients.
func (f *Fixture) Runner() *orderimport.Runner {
	return &orderimport.Runner{Store: f.Store, Searcher: orderimport.Searchers(f.Clients), Now: f.Clock.Now}
}

// Import runs req to the end on r, failing the test unless it is done.
func (f *Fixture) Import(r *orderimport.Runner, req domain.ImportRequest) domain.ImportRun {
	f.T.Helper()
	run, err := r.Run(context.Background(), f.Conn, req, "テスト")
	if err != nil {
		f.T.Fatalf("import: %v (run %+v)", err, run)
	}
	if run.State != domain.ImportDone || run.Counts.WindowsDone != run.Counts.WindowsTotal {
		f.T.Fatalf("run not done: %+v", run)
	}
	return run
}

// ThreeWeeks is a range import of the 21 days before T0.
func ThreeWeeks() domain.ImportRequest {
	return domain.ImportRequest{Mode: domain.ImportRange, From: T0.Add(-21 * 24 * time.Hour), To: T0}
}

// Where an import put a channel order.
const (
	AsShipOrder = "ship_order"
	AsSkip      = "skip"
	AsUnshipped = "unshipped"
)

// Stored is where each channel order of the connection landed (AsShipOrder,
// AsSkip, AsUnshipped), failing on any order stored twice.
func (f *Fixture) Stored() map[string]string {
	f.T.Helper()
	out := map[string]string{}
	for _, q := range []struct{ where, sql string }{
		{AsShipOrder, `SELECT channel_order_no FROM ship_orders WHERE connection_id = $1`},
		{AsSkip, `SELECT channel_order_no FROM import_skips WHERE connection_id = $1 AND resolved_at IS NULL`},
		{AsUnshipped, `SELECT channel_order_no FROM unshipped_orders WHERE connection_id = $1`},
	} {
		var nos []string
		must(f.T, f.DB.Select(&nos, q.sql, f.Conn.ID))
		for _, no := range nos {
			if prev, dup := out[no]; dup {
				f.T.Fatalf("order %s stored as %s and as %s", no, prev, q.where)
			}
			out[no] = q.where
		}
	}
	return out
}

// ShipOrders counts the connection's ship orders.
func (f *Fixture) ShipOrders() int {
	return f.Count(`SELECT count(*) FROM ship_orders WHERE connection_id = $1`, f.Conn.ID)
}

// SameStored fails unless got and want hold the same orders in the same places.
func (f *Fixture) SameStored(got, want map[string]string) {
	f.T.Helper()
	if maps.Equal(got, want) {
		return
	}
	var diff []string
	for no, w := range want {
		if got[no] != w {
			diff = append(diff, fmt.Sprintf("%s: %q, want %q", no, got[no], w))
		}
	}
	for no, g := range got {
		if _, ok := want[no]; !ok {
			diff = append(diff, fmt.Sprintf("%s: %q, want none", no, g))
		}
	}
	slices.Sort(diff)
	f.T.Fatalf("%d of %d orders differ: %v", len(diff), len(want), diff[:min(len(diff), 5)])
}

// Describe renders a run's counts for failure messages.
func Describe(run domain.ImportRun) string {
	c := run.Counts
	return fmt.Sprintf("windows %d/%d fetched %d created %d updated %d unchanged %d unshipped %d skipped %d held %d",
		c.WindowsDone, c.WindowsTotal, c.Fetched, c.Created, c.Updated, c.Unchanged, c.Unshipped, c.Skipped, c.Held)
}
