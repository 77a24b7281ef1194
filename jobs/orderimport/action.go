package orderimport

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/secretbox"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/jobs"
	"github.com/renkei-oss/renkei/marketplace/registry"
)

// Action is the linkage robots' 出荷指示取得(差分): the same import as the
// 「API連携登録」 button, in diff mode, for the robot's connection.
type Action struct {
	Runner *Runner
	// Secrets opens the connection's stored credentials.
	Secrets *secretbox.Box
}

// NewAction builds the scheduled import on st, opening clients through cl.
func NewAction(st *store.Store, box *secretbox.Box, cl registry.Clients, logger *slog.Logger) *Action {
	return &Action{Secrets: box, Runner: &Runner{Store: st, Searcher: Searchers(cl), Now: cl.Transport.Now, Logger: logger}}
}

var _ jobs.Action = (*Action)(nil)

// Run imports the robot's connection. A run interrupted by shutdown leaves
// its import run cancelled, one stopped by maintenance leaves it in
// maintenance; either way the next tick resumes it (Runner.Prepare).
func (a *Action) Run(ctx context.Context, run *jobs.Run) (domain.SyncCounts, error) {
	conn, err := a.Runner.Store.Connection(ctx, a.Secrets, run.Job.ConnectionID)
	if err != nil {
		return domain.SyncCounts{}, fmt.Errorf("販売チャネル（ID %d）を読み込めませんでした。API接続設定を確認してください。", run.Job.ConnectionID)
	}
	if !conn.Enabled {
		return domain.SyncCounts{}, fmt.Errorf("販売チャネル「%s」は無効です。API接続設定で有効にしてください。", conn.ChannelName)
	}
	res, err := a.Runner.Run(ctx, conn, domain.ImportRequest{Mode: domain.ImportDiff}, "連携ロボット「"+run.Job.Name+"」")
	c := res.Counts
	counts := domain.SyncCounts{Fetched: c.Fetched, Created: c.Created, Skipped: c.Skipped, Failed: c.Errors}
	if err == ErrAlreadyRunning {
		return counts, nil // the running import covers this tick
	}
	if res.State == domain.ImportMaintenance {
		// Not a failure: no backoff, the next tick resumes the import run.
		return counts, &jobs.Postponed{Reason: res.Message}
	}
	if err != nil {
		return counts, fmt.Errorf("%s", operatorMessage(err))
	}
	// What an earlier run held or skipped gets another look each tick, so
	// a mapping or product added since takes effect without a button.
	if res, err := a.Runner.Reevaluate(ctx, conn, "連携ロボット「"+run.Job.Name+"」"); err == nil {
		counts.Created += res.Imported
	} else {
		a.Runner.logger().Warn("re-evaluate after scheduled import", "connection", conn.ID, "err", err)
	}
	return counts, nil
}
