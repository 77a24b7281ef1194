package orderimport_test

import (
	"context"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/secretbox"
	"github.com/renkei-oss/renkei/jobs"
	"github.com/renkei-oss/renkei/jobs/orderimport"
	"github.com/renkei-oss/renkei/marketplace/registry"
)

// The linkage robot's action imports the robot's connection by diff, with
// the credentials sealed in the store.
func TestScheduledActionImportsByDiff(t *testing.T) {
	f := newFixture(t, domain.MarketplaceAmazon, 80, "")
	ctx := context.Background()
	box, err := secretbox.New("orderimport test secret key 0123456789")
	must(t, err)
	c := domain.NewConnection(domain.MarketplaceAmazon, t0)
	c.ChannelName, c.BaseURL, c.ShipFromID = "Amazon 定期", f.conn.BaseURL, f.conn.ShipFromID
	for k, v := range f.conn.Params {
		c.Params[k] = v
	}
	for k, v := range f.conn.Secrets {
		c.Secrets[k] = v
	}
	must(t, f.st.CreateConnection(ctx, box, c))

	a := orderimport.NewAction(f.st, box, registry.Clients{}, nil)
	a.Runner.Searcher, a.Runner.Now = f.runner.Searcher, f.clock.Now
	counts, err := a.Run(ctx, &jobs.Run{Job: domain.SyncJob{Name: "【自動連携】Amazon 出荷指示取得(差分)", ConnectionID: c.ID}})
	must(t, err)
	if counts.Fetched == 0 || counts.Created == 0 {
		t.Fatalf("counts %+v", counts)
	}
	state, err := f.st.ConnectionImportState(ctx, c.ID)
	must(t, err)
	if state.Cursor == nil || !state.Cursor.Equal(t0) {
		t.Fatalf("cursor %v, want %s", state.Cursor, t0)
	}
	runs, err := f.st.ImportRuns(ctx, c.ID, 1)
	must(t, err)
	if len(runs) != 1 || runs[0].Mode != domain.ImportDiff || runs[0].Trigger != "連携ロボット「【自動連携】Amazon 出荷指示取得(差分)」" {
		t.Fatalf("runs %+v", runs)
	}
	f.clock.Advance(time.Hour)
	again, err := a.Run(ctx, &jobs.Run{Job: domain.SyncJob{Name: "x", ConnectionID: c.ID}})
	must(t, err)
	if again.Created != 0 {
		t.Fatalf("second tick created %d", again.Created)
	}
}
