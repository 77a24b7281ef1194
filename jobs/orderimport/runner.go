// Package orderimport runs 出荷指示取込: it fetches a connection's orders
// window by window through its marketplace client, passes them through the
// connection's conversion robot (変換ロボット) and rules (処理ロボット), and
// writes them as ship orders, each window in one transaction together with
// the run's counts and the diff cursor.
//
// Exactly once rests on the database: ship orders are unique on
// (connection, channel order number), a re-import merges into the existing
// row, and a run stopped anywhere resumes at its first uncommitted window.
package orderimport

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/futureshop"
	"github.com/renkei-oss/renkei/marketplace/shopserve"
)

// SearcherFunc builds the marketplace client of a connection, recording
// every HTTP call with rec.
type SearcherFunc func(ctx context.Context, c domain.Connection, rec marketplace.CallRecorder) (marketplace.OrderSearcher, error)

// Runner imports orders. It is safe for concurrent use; runs of one
// connection exclude each other through the store's run lock.
type Runner struct {
	Store    *store.Store
	Searcher SearcherFunc
	Now      func() time.Time
	Logger   *slog.Logger
	// StaleAfter: a running run with no window committed for this long
	// belongs to a dead process and is taken over. Default 15 minutes.
	StaleAfter time.Duration
	// AfterWindow, when set, is called after each committed window.
	AfterWindow func(run domain.ImportRun, windowsDone int)
}

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Runner) logger() *slog.Logger {
	if r.Logger != nil {
		return r.Logger
	}
	return slog.Default()
}

// ErrAlreadyRunning is returned when the connection has a running import.
var ErrAlreadyRunning = errors.New("この販売チャネルの出荷指示取込は実行中です。終わるまでお待ちください。")

// Prepare plans a run for req, or resumes the connection's last run of the
// same mode if it stopped with windows left. Nothing is fetched yet.
func (r *Runner) Prepare(ctx context.Context, conn domain.Connection, req domain.ImportRequest, trigger string) (domain.ImportRun, error) {
	stale := r.StaleAfter
	if stale <= 0 {
		stale = 15 * time.Minute
	}
	if _, err := r.Store.AbandonStaleImportRuns(ctx, conn.ID, r.now().Add(-stale)); err != nil {
		return domain.ImportRun{}, err
	}
	if prev, err := r.Store.ResumableImportRun(ctx, conn.ID, req.Mode); err != nil {
		return domain.ImportRun{}, err
	} else if prev != nil {
		if err := r.Store.ResumeImportRun(ctx, prev.ID); errors.Is(err, store.ErrImportRunning) {
			return domain.ImportRun{}, ErrAlreadyRunning
		} else if err != nil {
			return domain.ImportRun{}, err
		}
		prev.State = domain.ImportRunning
		return *prev, nil
	}
	state, err := r.Store.ConnectionImportState(ctx, conn.ID)
	if err != nil {
		return domain.ImportRun{}, err
	}
	days := 0
	if v := conn.Param(domain.FieldRakutenOrderFetchDays); v != "" {
		fmt.Sscan(v, &days)
	}
	plan, err := domain.PlanImport(req, domain.PlanInput{Marketplace: conn.Marketplace, Cursor: state.Cursor, RakutenFetchDays: days, Now: r.now()})
	if err != nil {
		return domain.ImportRun{}, err
	}
	run := domain.ImportRun{ConnectionID: conn.ID, Mode: plan.Mode, From: plan.From, To: plan.To, Windows: plan.Windows, Trigger: trigger}
	if err := r.Store.StartImportRun(ctx, &run); errors.Is(err, store.ErrImportRunning) {
		return run, ErrAlreadyRunning
	} else if err != nil {
		return run, err
	}
	return run, nil
}

// Run prepares and executes an import.
func (r *Runner) Run(ctx context.Context, conn domain.Connection, req domain.ImportRequest, trigger string) (domain.ImportRun, error) {
	run, err := r.Prepare(ctx, conn, req, trigger)
	if err != nil {
		return run, err
	}
	return r.Execute(ctx, conn, run)
}

// setup is what every window of a run needs.
type setup struct {
	conn    domain.Connection
	runID   int64
	mapping domain.ImportMapping
	rules   []domain.Rule
	masters domain.ConversionMasters
}

func (r *Runner) setup(ctx context.Context, conn domain.Connection, runID int64) (setup, error) {
	st := setup{conn: conn, runID: runID}
	state, err := r.Store.ConnectionImportState(ctx, conn.ID)
	if err != nil {
		return st, err
	}
	if st.mapping, err = r.Store.ImportMapping(ctx, state.MappingID); err != nil {
		return st, err
	}
	if !st.mapping.Enabled {
		return st, fmt.Errorf("変換ロボット「%s」が無効です。変換ロボット画面で有効にするか、API接続設定で別の変換ロボットを選んでください。", st.mapping.Name)
	}
	if st.rules, err = r.Store.RulesForMapping(ctx, st.mapping.ID); err != nil {
		return st, err
	}
	st.masters, err = r.Store.ConversionMasters(ctx, conn.ID)
	return st, err
}

// Execute imports the run's remaining windows. A cancelled ctx stops it
// between or inside windows; what was committed stays, and the next Run
// of the same mode resumes at the first window not committed.
func (r *Runner) Execute(ctx context.Context, conn domain.Connection, run domain.ImportRun) (domain.ImportRun, error) {
	logCtx := store.WithAPILogScope(ctx, store.APILogScope{ConnectionID: conn.ID, ChannelName: conn.ChannelName, Action: string(domain.ActionOrderImport)})
	started := r.now()
	rechecked, err := r.execute(logCtx, conn, &run)
	state, msg := domain.ImportDone, ""
	switch {
	case err != nil && ctx.Err() != nil:
		state, msg = domain.ImportCancelled, "中断しました。もう一度実行すると、取り込み済みの期間の続きから取り込みます。"
	case marketplace.KindOf(err) == marketplace.Maintenance:
		// Nothing to fix on our side: the committed windows and the cursor
		// stay, and the next run resumes at the first window left.
		state, msg = domain.ImportMaintenance, operatorMessage(err)
	case err != nil:
		state, msg = domain.ImportFailed, operatorMessage(err)
	}
	// The outcome is recorded even when ctx is cancelled: that is when it matters.
	bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	// Allocated before the run shows 完了, so an operator who sees it
	// finished sees its orders 引当済 too.
	r.allocate(context.WithoutCancel(ctx), run)
	if ferr := r.Store.FinishImportRun(bg, run.ID, state, msg); ferr != nil {
		r.logger().Error("finish import run", "run", run.ID, "err", ferr)
	}
	final, gerr := r.Store.ImportRun(bg, run.ID)
	if gerr == nil {
		run = final
	}
	r.logRun(bg, conn, run, started, rechecked)
	return run, err
}

// allocate runs 引当 after an import, so new 出荷待ち orders take stock at
// once. Whatever windows were committed count, even when the run failed
// later; a failed allocation is retried by the next one.
func (r *Runner) allocate(ctx context.Context, run domain.ImportRun) {
	res, err := r.Store.Allocate(ctx, nil, "引当（取込後）")
	if err != nil {
		r.logger().Error("allocate after import", "run", run.ID, "err", err)
		return
	}
	if res.Allocated+res.Short > 0 {
		r.logger().Info("allocated after import", "run", run.ID, "allocated", res.Allocated, "short", res.Short)
	}
}

// execute imports the windows, then re-checks waiting orders; it returns
// how many orders it asked for again by number.
func (r *Runner) execute(ctx context.Context, conn domain.Connection, run *domain.ImportRun) (int, error) {
	st, err := r.setup(ctx, conn, run.ID)
	if err != nil {
		return 0, err
	}
	searcher, err := r.Searcher(ctx, conn, &store.APILogRecorder{Store: r.Store, OnError: func(err error) {
		r.logger().Error("write api log", "err", err)
	}})
	if err != nil {
		return 0, err
	}
	if searcher == nil {
		return 0, fmt.Errorf("%sの出荷指示取込にはまだ対応していません。", conn.Marketplace.Label())
	}
	for _, w := range run.Remaining() {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		if err := r.window(ctx, st, searcher, run.Mode, w); err != nil {
			return 0, err
		}
		run.Counts.WindowsDone++
		if r.AfterWindow != nil {
			r.AfterWindow(*run, run.Counts.WindowsDone)
		}
	}
	if !run.Mode.RechecksSkips() {
		return 0, nil
	}
	if f, ok := searcher.(marketplace.OrderFetcher); ok {
		return r.recheck(ctx, st, f)
	}
	return 0, nil
}

// recheck fetches again, by number, the connection's orders listed as
// waiting for the shop (domain.RecheckedSkipReasons) that this run's
// windows did not see, and passes them through the import like a
// window's page: those that now carry their provisional number become
// ship orders (their skip is resolved), those still waiting are listed
// again, and those that left 未確認 are listed with their status and
// re-checked no more. The cursor is not involved, so it never waits at an
// old order; the calls go to the API log like the windows' ones. A run
// stopped here has committed its windows: the next diff run re-checks.
func (r *Runner) recheck(ctx context.Context, st setup, f marketplace.OrderFetcher) (int, error) {
	nos, err := r.Store.OpenSkipNumbers(ctx, st.conn.ID, domain.RecheckedSkipReasons(), st.runID)
	if err != nil {
		return 0, err
	}
	// commitBatch is a multiple of the per-call limits (Shopserve's 100
	// serial codes), so the batches cost no extra call.
	for _, batch := range marketplace.Batches(nos, commitBatch) {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		orders, err := f.FetchOrders(ctx, batch)
		if err != nil {
			return 0, err
		}
		if err := r.commit(ctx, st, orders, nil); err != nil {
			return 0, err
		}
	}
	return len(nos), nil
}

// importStatuses asks the marketplace for the statuses an import can use:
// Rakuten's pre-shipping progress (100–300, the rest are never created),
// Amazon's default Pending and Unshipped, futureshop's 未発送.
func importStatuses(m domain.Marketplace) []string {
	switch m {
	case domain.MarketplaceRakuten:
		return []string{"100", "200", "300"}
	case domain.MarketplaceFutureshop:
		// 発送ステータス 未発送: shipped orders are past import.
		return []string{futureshop.ShippingNotShipped}
	case domain.MarketplaceShopserve:
		// 「未確認をみる」: confirmed orders were taken already (seed).
		return []string{shopserve.OrderUnconfirmed}
	}
	return nil
}

// window imports one window. Each page of orders is committed as it comes,
// by a committer goroutine so the next page is fetched meanwhile; the last
// page is held back and committed together with the window's completion
// and the cursor, so the cursor never passes an order that is not stored.
func (r *Runner) window(ctx context.Context, st setup, searcher marketplace.OrderSearcher, mode domain.ImportMode, w domain.ImportWindow) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pages := make(chan []marketplace.Order, 1)
	committed := make(chan error, 1)
	go func() {
		var err error
		for batch := range pages {
			if err == nil {
				if err = r.commit(ctx, st, batch, nil); err != nil {
					cancel() // stops the search; its error is ours
				}
			}
		}
		committed <- err
	}()
	var held []marketplace.Order
	q := marketplace.OrderQuery{Window: marketplace.Window{From: w.From, To: w.To}, DateKind: marketplace.ByOrderDate, Statuses: importStatuses(st.conn.Marketplace)}
	err := searcher.SearchOrders(ctx, q, func(b marketplace.OrderBatch) error {
		// Small pages (Amazon's 100) are grouped so a transaction carries
		// about commitBatch orders.
		if len(held) >= commitBatch {
			select {
			case pages <- held:
			case <-ctx.Done():
				return ctx.Err()
			}
			held = nil
		}
		held = append(held, b.Orders...)
		return nil
	})
	close(pages)
	if cerr := <-committed; cerr != nil {
		return cerr
	}
	if err != nil {
		return err
	}
	var cursor *time.Time
	if mode.AdvancesCursor() {
		c := domain.NextCursor(w)
		cursor = &c
	}
	return r.commit(ctx, st, held, &windowEnd{cursor: cursor})
}

// commitBatch is about how many orders one transaction writes.
const commitBatch = 1000

// windowEnd: the last commit of a window completes it and moves a diff
// run's cursor (nil: the cursor stays).
type windowEnd struct{ cursor *time.Time }

// commit stores a batch with the run's counts; end, when set, also
// completes the window.
func (r *Runner) commit(ctx context.Context, st setup, orders []marketplace.Order, end *windowEnd) error {
	ins := make([]domain.IncomingOrder, len(orders))
	for i, o := range orders {
		ins[i] = incoming(o)
	}
	return r.Store.InImportTx(ctx, func(tx *store.ImportTx) error {
		counts, err := r.apply(ctx, tx, st, ins)
		if err != nil {
			return err
		}
		if end == nil {
			return tx.AddCounts(ctx, st.runID, counts)
		}
		return tx.CompleteWindow(ctx, st.runID, st.conn.ID, counts, end.cursor)
	})
}

const actorImport = "出荷指示取込"

// apply turns channel orders into ship orders inside one transaction:
// existing ones are merged, new ones converted, passed through the rules
// and inserted, the rest kept as 未出荷 or listed as skipped.
func (r *Runner) apply(ctx context.Context, tx *store.ImportTx, st setup, ins []domain.IncomingOrder) (domain.ImportCounts, error) {
	var c domain.ImportCounts
	// A number seen twice in one batch (overlapping pages) counts once, last copy wins.
	idx := map[string]int{}
	var uniq []domain.IncomingOrder
	for _, in := range ins {
		if i, ok := idx[in.OrderNo]; ok {
			uniq[i] = in
			continue
		}
		idx[in.OrderNo] = len(uniq)
		uniq = append(uniq, in)
	}
	nos := make([]string, len(uniq))
	for i, in := range uniq {
		nos[i] = in.OrderNo
	}
	existing, err := tx.Existing(ctx, st.conn.ID, nos)
	if err != nil {
		return c, err
	}
	now := r.now()
	var (
		events    []domain.ShipOrderEvent
		fresh     []*domain.ShipOrder
		freshIn   = map[string]domain.IncomingOrder{}
		unshipped []domain.IncomingOrder
		drop      []string
		skips     []domain.SkippedOrder
	)
	for _, in := range uniq {
		c.Fetched++
		o := domain.Convert(in, st.mapping, st.masters, st.conn.ID)
		o.ImportRunID = st.runID
		if cur, ok := existing[in.OrderNo]; ok {
			merged, changes := domain.MergeReimport(cur, o)
			if len(changes) == 0 {
				c.Unchanged++
				continue
			}
			lines := false
			msgs := make([]string, len(changes))
			for i, ch := range changes {
				msgs[i] = ch.String()
				lines = lines || ch.Field == "明細"
			}
			if err := tx.Update(ctx, &merged, lines); err != nil {
				return c, err
			}
			events = append(events, domain.ShipOrderEvent{ShipOrderID: cur.ID, At: now, Actor: actorImport, Kind: domain.EventUpdated,
				Message: "再取込で更新: " + strings.Join(msgs, "、")})
			c.Updated++
			continue
		}
		switch domain.Classify(in, st.conn.PaymentStatuses) {
		case domain.ClassUnshipped:
			unshipped = append(unshipped, in)
			c.Unshipped++
		case domain.ClassLater:
			skips = append(skips, domain.SkippedOrder{ConnectionID: st.conn.ID, ChannelOrderNo: in.OrderNo, RunID: st.runID, Order: in,
				Reason: fmt.Sprintf("チャネルのステータス「%s」は取込対象ではないため取り込みません", in.Status)})
			c.Skipped++
		case domain.ClassAwaitingTrackingNo:
			skips = append(skips, domain.SkippedOrder{ConnectionID: st.conn.ID, ChannelOrderNo: in.OrderNo, RunID: st.runID, Order: in,
				Reason: domain.ReasonAwaitingTrackingNo})
			c.Skipped++
		default:
			fresh = append(fresh, &o)
			freshIn[in.OrderNo] = in
			drop = append(drop, in.OrderNo)
		}
	}
	if len(fresh) > 0 {
		plain := make([]domain.ShipOrder, len(fresh))
		for i, o := range fresh {
			plain[i] = *o
		}
		env, err := tx.RuleEnv(ctx, plain)
		if err != nil {
			return c, err
		}
		var keep []*domain.ShipOrder
		for _, o := range fresh {
			out := domain.ApplyRules(o, st.rules, env)
			if out.Skip {
				skips = append(skips, domain.SkippedOrder{ConnectionID: st.conn.ID, ChannelOrderNo: o.ChannelOrderNo, RunID: st.runID,
					Reason: out.SkipReason, RuleName: out.SkipRule, Order: freshIn[o.ChannelOrderNo]})
				c.Skipped++
				continue
			}
			keep = append(keep, o)
		}
		conflicts, err := tx.Insert(ctx, keep)
		if err != nil {
			return c, err
		}
		lost := map[string]bool{}
		for _, no := range conflicts {
			lost[no] = true
		}
		var created []string
		for _, o := range keep {
			if lost[o.ChannelOrderNo] {
				// Another run stored it between our read and insert: it exists once.
				c.Unchanged++
				continue
			}
			c.Created++
			created = append(created, o.ChannelOrderNo)
			events = append(events, domain.ShipOrderEvent{ShipOrderID: o.ID, At: now, Actor: actorImport, Kind: domain.EventCreated,
				Message: fmt.Sprintf("%sで取り込みました（変換ロボット「%s」）", st.conn.ChannelName, st.mapping.Name)})
			for _, e := range o.Effects {
				msg := e.Action
				if e.Reason != "" {
					msg += "（" + e.Reason + "）"
				}
				events = append(events, domain.ShipOrderEvent{ShipOrderID: o.ID, At: now, Actor: "処理ロボット「" + e.RuleName + "」", Kind: domain.EventRule, Message: msg})
			}
			if o.Status == domain.StatusHold && o.HoldReason != "" {
				c.Held++
				events = append(events, domain.ShipOrderEvent{ShipOrderID: o.ID, At: now, Actor: actorImport, Kind: domain.EventHeld, Message: "保留: " + o.HoldReason})
			}
		}
		if err := tx.ResolveSkips(ctx, st.conn.ID, created); err != nil {
			return c, err
		}
	}
	if err := tx.SaveUnshipped(ctx, st.conn.ID, unshipped); err != nil {
		return c, err
	}
	if err := tx.DropUnshipped(ctx, st.conn.ID, drop); err != nil {
		return c, err
	}
	if err := tx.RecordSkips(ctx, skips); err != nil {
		return c, err
	}
	return c, tx.Events(ctx, events)
}

// operatorMessage is the Japanese sentence shown for a failed run.
func operatorMessage(err error) string {
	var me *marketplace.Error
	if errors.As(err, &me) {
		return me.OperatorMessage()
	}
	msg := err.Error()
	for _, r := range msg {
		if r > 0x3000 { // already one of our Japanese sentences
			return msg
		}
	}
	return "出荷指示取込に失敗しました。時間をおいて再実行し、続く場合はAPIログを確認してください。"
}

// logRun writes the run itself to the API log, beside its calls.
// rechecked is how many waiting orders the run asked for again by number.
func (r *Runner) logRun(ctx context.Context, conn domain.Connection, run domain.ImportRun, started time.Time, rechecked int) {
	id := conn.ID
	c := run.Counts
	msg := fmt.Sprintf("%s %s: 期間 %d/%d 件 取得%d 登録%d 更新%d 変更なし%d 未出荷%d スキップ%d 保留%d エラー%d",
		run.Mode.Label(), run.State.Label(), c.WindowsDone, c.WindowsTotal, c.Fetched, c.Created, c.Updated, c.Unchanged, c.Unshipped, c.Skipped, c.Held, c.Errors)
	if rechecked > 0 {
		msg += fmt.Sprintf(" 問い合わせ番号待ち再確認%d", rechecked)
	}
	if run.Message != "" {
		msg += " — " + run.Message
	}
	l := domain.APILog{ConnectionID: &id, ChannelName: conn.ChannelName, Marketplace: conn.Marketplace,
		Action: string(domain.ActionOrderImport), Operation: fmt.Sprintf("出荷指示取込（実行ID %d）", run.ID),
		OK: run.State == domain.ImportDone, Message: msg, DurationMS: r.now().Sub(started).Milliseconds(), StartedAt: started}
	if err := r.Store.InsertAPILog(ctx, &l); err != nil {
		r.logger().Error("write import run to api log", "run", run.ID, "err", err)
	}
}
