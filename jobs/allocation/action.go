// Package allocation runs 引当 for linkage robots: the action 「引当」,
// schedulable or chained after 出荷指示取得 like any other action.
package allocation

import (
	"context"
	"fmt"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/jobs"
)

// Action allocates every 出荷待ち order, oldest order date first.
type Action struct{ Store *store.Store }

var _ jobs.Action = (*Action)(nil)

// Run reports allocated orders as 作成 and those short of stock as スキップ.
// Allocation is safe to run on several instances at once, so a tick that
// runs twice does no harm.
func (a *Action) Run(ctx context.Context, run *jobs.Run) (domain.SyncCounts, error) {
	res, err := a.Store.Allocate(ctx, nil, "連携ロボット「"+run.Job.Name+"」")
	counts := domain.SyncCounts{Fetched: res.Allocated + res.Short, Created: res.Allocated, Skipped: res.Short}
	if err != nil {
		return counts, fmt.Errorf("引当できませんでした: %v", err)
	}
	return counts, nil
}
