package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/renkei-oss/renkei/domain"
)

// ErrImportRunning: the connection already has a running import.
var ErrImportRunning = errors.New("store: an import is already running for this connection")

const importRunColumns = `id, connection_id, mode, from_at, to_at, windows, state, windows_total, windows_done,
	fetched, created, updated, unchanged, unshipped, skipped, held, errors, message, trigger, started_at, finished_at`

type importRunRow struct {
	ID           int64        `db:"id"`
	ConnectionID int64        `db:"connection_id"`
	Mode         string       `db:"mode"`
	From         time.Time    `db:"from_at"`
	To           time.Time    `db:"to_at"`
	Windows      []byte       `db:"windows"`
	State        string       `db:"state"`
	Message      string       `db:"message"`
	Trigger      string       `db:"trigger"`
	StartedAt    time.Time    `db:"started_at"`
	FinishedAt   sql.NullTime `db:"finished_at"`
	domain.ImportCounts
}

func (r importRunRow) run() (domain.ImportRun, error) {
	run := domain.ImportRun{
		ID: r.ID, ConnectionID: r.ConnectionID, Mode: domain.ImportMode(r.Mode), From: r.From, To: r.To,
		State: domain.ImportRunState(r.State), Counts: r.ImportCounts, Message: r.Message, Trigger: r.Trigger,
		StartedAt: r.StartedAt,
	}
	if r.FinishedAt.Valid {
		t := r.FinishedAt.Time
		run.FinishedAt = &t
	}
	if err := json.Unmarshal(r.Windows, &run.Windows); err != nil {
		return run, fmt.Errorf("store: import run %d windows: %w", r.ID, err)
	}
	return run, nil
}

// StartImportRun records a new running import. ErrImportRunning when the
// connection already has one: the partial unique index is the run lock.
func (s *Store) StartImportRun(ctx context.Context, r *domain.ImportRun) error {
	r.State = domain.ImportRunning
	r.Counts.WindowsTotal = len(r.Windows)
	err := s.db.QueryRowxContext(ctx, `
		INSERT INTO import_runs (connection_id, mode, from_at, to_at, windows, state, windows_total, trigger)
		VALUES ($1, $2, $3, $4, $5, 'running', $6, $7) RETURNING id, started_at`,
		r.ConnectionID, string(r.Mode), r.From, r.To, mustJSON(r.Windows), len(r.Windows), r.Trigger).Scan(&r.ID, &r.StartedAt)
	if isUniqueViolation(err, "import_runs_one_running_idx") {
		return ErrImportRunning
	}
	if err != nil {
		return fmt.Errorf("store: start import run: %w", err)
	}
	return nil
}

// ResumableImportRun is the connection's latest run if it stopped (was
// cancelled or failed) with windows left; nil when there is none.
func (s *Store) ResumableImportRun(ctx context.Context, connID int64, mode domain.ImportMode) (*domain.ImportRun, error) {
	var r importRunRow
	err := s.db.GetContext(ctx, &r, `SELECT `+importRunColumns+` FROM import_runs
		WHERE connection_id = $1 ORDER BY id DESC LIMIT 1`, connID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	run, err := r.run()
	if err != nil {
		return nil, err
	}
	if run.State == domain.ImportDone || run.State == domain.ImportRunning || run.Mode != mode || len(run.Remaining()) == 0 {
		return nil, nil
	}
	return &run, nil
}

// ResumeImportRun marks a stopped run running again.
func (s *Store) ResumeImportRun(ctx context.Context, id int64) error {
	res, err := s.db.ExecContext(ctx, `
		UPDATE import_runs SET state = 'running', message = '', finished_at = NULL, heartbeat_at = now()
		WHERE id = $1 AND state IN ('cancelled', 'failed', 'maintenance')`, id)
	if isUniqueViolation(err, "import_runs_one_running_idx") {
		return ErrImportRunning
	}
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// AbandonStaleImportRuns marks runs whose process died (no window committed
// since cutoff) as cancelled, so the lock frees and the next run resumes.
func (s *Store) AbandonStaleImportRuns(ctx context.Context, connID int64, cutoff time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `
		UPDATE import_runs SET state = 'cancelled', finished_at = now(),
			message = '実行していたプロセスが応答しないため中断しました。再実行すると続きから取り込みます。'
		WHERE connection_id = $1 AND state = 'running' AND heartbeat_at < $2`, connID, cutoff)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// FinishImportRun records how a run ended.
func (s *Store) FinishImportRun(ctx context.Context, id int64, state domain.ImportRunState, message string) error {
	_, err := s.db.ExecContext(ctx, `
		UPDATE import_runs SET state = $2, message = $3, finished_at = now() WHERE id = $1`, id, string(state), message)
	return err
}

// AddImportRunCounts adds counts that belong to no window (fetch errors).
func (s *Store) AddImportRunCounts(ctx context.Context, id int64, c domain.ImportCounts) error {
	_, err := s.db.ExecContext(ctx, `UPDATE import_runs SET fetched = fetched + $2, errors = errors + $3 WHERE id = $1`,
		id, c.Fetched, c.Errors)
	return err
}

// ImportRun returns one run.
func (s *Store) ImportRun(ctx context.Context, id int64) (domain.ImportRun, error) {
	var r importRunRow
	err := s.db.GetContext(ctx, &r, `SELECT `+importRunColumns+` FROM import_runs WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.ImportRun{}, ErrNotFound
	}
	if err != nil {
		return domain.ImportRun{}, err
	}
	return r.run()
}

// ImportRuns lists recent runs, newest first (タスク一覧); connID 0 = all.
func (s *Store) ImportRuns(ctx context.Context, connID int64, limit int) ([]domain.ImportRun, error) {
	var rows []importRunRow
	if err := s.db.SelectContext(ctx, &rows, `SELECT `+importRunColumns+` FROM import_runs
		WHERE ($1 = 0 OR connection_id = $1) ORDER BY id DESC LIMIT $2`, connID, limit); err != nil {
		return nil, err
	}
	out := make([]domain.ImportRun, 0, len(rows))
	for _, r := range rows {
		run, err := r.run()
		if err != nil {
			return nil, err
		}
		out = append(out, run)
	}
	return out, nil
}

// ImportTx is one window's transaction: the orders it writes, the run's
// counts and the cursor commit together or not at all, so a run stopped
// anywhere resumes at a window boundary with nothing lost or doubled.
type ImportTx struct {
	tx *sqlx.Tx
}

// InImportTx runs fn in one transaction. It commits without waiting for
// the WAL flush: a crash can lose only the last windows' transactions, and
// those lose their rows and their cursor together, so the next run fetches
// them again; exactly once does not depend on durability here.
//
// JIT is off: the transaction's statements are key lookups and inserts of
// about a thousand rows that run in milliseconds, but before autovacuum has
// analysed a growing ship_orders their estimated cost passes jit_above_cost
// and PostgreSQL spent ~33 ms compiling the duplicate-order check for every
// batch (EXPLAIN ANALYZE: execution 2 ms, JIT 33 ms), about 3 s of a
// 100,000-order import.
func (s *Store) InImportTx(ctx context.Context, fn func(*ImportTx) error) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `SET LOCAL synchronous_commit TO OFF; SET LOCAL jit TO OFF`); err != nil {
			return err
		}
		return fn(&ImportTx{tx: tx})
	})
}

// Existing locks and returns the connection's ship orders among nos.
//
// Each number is probed on its own in the unique key (the LIMIT keeps the
// planner from flattening the lateral into a join). With the plain
// "channel_order_no = ANY(...)" the planner, while ship_orders grows faster
// than autovacuum analyses it (a first import, a new connection), guesses
// that few rows belong to the connection and reads all of them for every
// batch, filtering the numbers: the import turned quadratic, and at 100,000
// orders this lookup was the largest part of the database time. Probing
// costs the same at any table size and whatever the statistics say.
func (t *ImportTx) Existing(ctx context.Context, connID int64, nos []string) (map[string]domain.ShipOrder, error) {
	out := map[string]domain.ShipOrder{}
	if len(nos) == 0 {
		return out, nil
	}
	// Sorted, so concurrent transactions lock shared numbers in one order.
	nos = slices.Sorted(slices.Values(nos))
	os, err := queryShipOrders(ctx, t.tx, `SELECT o.* FROM unnest($2::text[]) AS n(no), LATERAL (
			SELECT `+shipOrderColumns+` FROM ship_orders o
			WHERE o.connection_id = $1 AND o.channel_order_no = n.no LIMIT 1 FOR UPDATE) o`, connID, pq.Array(nos))
	if err != nil {
		return nil, fmt.Errorf("store: lock ship orders: %w", err)
	}
	for _, o := range os {
		out[o.ChannelOrderNo] = o
	}
	return out, nil
}

// RuleEnv is Store.RuleEnvFor inside the transaction.
func (t *ImportTx) RuleEnv(ctx context.Context, orders []domain.ShipOrder) (domain.RuleEnv, error) {
	return ruleEnv(ctx, t.tx, orders, true)
}

// Insert adds new ship orders; numbers that exist already come back as conflicts.
func (t *ImportTx) Insert(ctx context.Context, orders []*domain.ShipOrder) ([]string, error) {
	return insertShipOrders(ctx, t.tx, orders)
}

// Update writes a changed ship order.
func (t *ImportTx) Update(ctx context.Context, o *domain.ShipOrder, replaceLines bool) error {
	return updateShipOrder(ctx, t.tx, o, replaceLines)
}

// Events appends history rows.
func (t *ImportTx) Events(ctx context.Context, evs []domain.ShipOrderEvent) error {
	return addEvents(ctx, t.tx, evs)
}

// RecordSkips lists orders that were not imported with their reasons; a
// number skipped again replaces its earlier reason. One statement for the
// batch: a run can skip thousands (Shopserve orders waiting for their
// provisional number are re-checked on every diff run).
func (t *ImportTx) RecordSkips(ctx context.Context, skips []domain.SkippedOrder) error {
	if len(skips) == 0 {
		return nil
	}
	// One row per key, the last skip winning: ON CONFLICT cannot touch a
	// row twice in one statement.
	type key struct {
		conn int64
		no   string
	}
	idx := map[key]int{}
	var conns, runs []int64
	var nos, reasons, rules, payloads []string
	for _, sk := range skips {
		k := key{sk.ConnectionID, sk.ChannelOrderNo}
		if i, ok := idx[k]; ok {
			runs[i], reasons[i], rules[i], payloads[i] = sk.RunID, sk.Reason, sk.RuleName, mustJSON(sk.Order)
			continue
		}
		idx[k] = len(nos)
		conns, nos, runs = append(conns, sk.ConnectionID), append(nos, sk.ChannelOrderNo), append(runs, sk.RunID)
		reasons, rules, payloads = append(reasons, sk.Reason), append(rules, sk.RuleName), append(payloads, mustJSON(sk.Order))
	}
	if _, err := t.tx.ExecContext(ctx, `
		INSERT INTO import_skips (connection_id, channel_order_no, run_id, reason, rule_name, payload)
		SELECT c, no, NULLIF(run, 0), reason, rule, p::jsonb
		FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[]) AS t(c, no, run, reason, rule, p)
		ON CONFLICT (connection_id, channel_order_no) DO UPDATE SET run_id = EXCLUDED.run_id,
			reason = EXCLUDED.reason, rule_name = EXCLUDED.rule_name, payload = EXCLUDED.payload,
			skipped_at = now(), resolved_at = NULL`,
		pq.Array(conns), pq.Array(nos), pq.Array(runs), pq.Array(reasons), pq.Array(rules), pq.Array(payloads)); err != nil {
		return fmt.Errorf("store: record %d skipped orders (first %s): %w", len(nos), nos[0], err)
	}
	return nil
}

// ResolveSkips marks skipped orders as imported now.
func (t *ImportTx) ResolveSkips(ctx context.Context, connID int64, nos []string) error {
	if len(nos) == 0 {
		return nil
	}
	_, err := t.tx.ExecContext(ctx, `UPDATE import_skips SET resolved_at = now()
		WHERE connection_id = $1 AND channel_order_no = ANY($2) AND resolved_at IS NULL`, connID, pq.Array(nos))
	return err
}

// SaveUnshipped keeps Rakuten orders before their target status as 未出荷.
func (t *ImportTx) SaveUnshipped(ctx context.Context, connID int64, orders []domain.IncomingOrder) error {
	if len(orders) == 0 {
		return nil
	}
	nos, sts, ats, payloads := make([]string, len(orders)), make([]string, len(orders)), make([]string, len(orders)), make([]string, len(orders))
	for i, o := range orders {
		nos[i], sts[i], ats[i], payloads[i] = o.OrderNo, o.Status, o.OrderedAt.UTC().Format(time.RFC3339Nano), mustJSON(o)
	}
	_, err := t.tx.ExecContext(ctx, `
		INSERT INTO unshipped_orders (connection_id, channel_order_no, channel_status, ordered_at, payload)
		SELECT $1, no, st, at::timestamptz, p::jsonb FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS t(no, st, at, p)
		ON CONFLICT (connection_id, channel_order_no) DO UPDATE SET channel_status = EXCLUDED.channel_status,
			payload = EXCLUDED.payload, seen_at = now()`,
		connID, pq.Array(nos), pq.Array(sts), pq.Array(ats), pq.Array(payloads))
	if err != nil {
		return fmt.Errorf("store: save unshipped orders: %w", err)
	}
	return nil
}

// DropUnshipped removes 未出荷 rows that became ship orders or moved past.
func (t *ImportTx) DropUnshipped(ctx context.Context, connID int64, nos []string) error {
	if len(nos) == 0 {
		return nil
	}
	_, err := t.tx.ExecContext(ctx, `DELETE FROM unshipped_orders WHERE connection_id = $1 AND channel_order_no = ANY($2)`,
		connID, pq.Array(nos))
	return err
}

// AddCounts adds a batch's counts to the run (a window's earlier pages).
func (t *ImportTx) AddCounts(ctx context.Context, runID int64, c domain.ImportCounts) error {
	return t.addCounts(ctx, runID, c, 0)
}

// CompleteWindow adds the window's last counts to the run, counts the
// window as done and, for diff runs, moves the connection's cursor (never
// backwards), all in the transaction of the window's last orders.
func (t *ImportTx) CompleteWindow(ctx context.Context, runID, connID int64, c domain.ImportCounts, cursor *time.Time) error {
	if err := t.addCounts(ctx, runID, c, 1); err != nil {
		return err
	}
	if cursor == nil {
		return nil
	}
	_, err := t.tx.ExecContext(ctx, `
		INSERT INTO order_import_states (connection_id, cursor_at) VALUES ($1, $2)
		ON CONFLICT (connection_id) DO UPDATE SET cursor_at = GREATEST(order_import_states.cursor_at, EXCLUDED.cursor_at), updated_at = now()`,
		connID, *cursor)
	return err
}

func (t *ImportTx) addCounts(ctx context.Context, runID int64, c domain.ImportCounts, windows int) error {
	if runID == 0 {
		return nil // re-evaluation belongs to no run
	}
	if _, err := t.tx.ExecContext(ctx, `
		UPDATE import_runs SET windows_done = windows_done + $10, fetched = fetched + $2, created = created + $3,
			updated = updated + $4, unchanged = unchanged + $5, unshipped = unshipped + $6, skipped = skipped + $7,
			held = held + $8, errors = errors + $9, heartbeat_at = now()
		WHERE id = $1`, runID, c.Fetched, c.Created, c.Updated, c.Unchanged, c.Unshipped, c.Skipped, c.Held, c.Errors, windows); err != nil {
		return fmt.Errorf("store: import run counts: %w", err)
	}
	return nil
}

// SkippedOrders lists a connection's open skips, newest first (0 = all connections).
func (s *Store) SkippedOrders(ctx context.Context, connID int64, limit int) ([]domain.SkippedOrder, error) {
	var rows []struct {
		ID         int64         `db:"id"`
		Conn       int64         `db:"connection_id"`
		No         string        `db:"channel_order_no"`
		RunID      sql.NullInt64 `db:"run_id"`
		Reason     string        `db:"reason"`
		RuleName   string        `db:"rule_name"`
		Payload    []byte        `db:"payload"`
		SkippedAt  time.Time     `db:"skipped_at"`
		ResolvedAt sql.NullTime  `db:"resolved_at"`
	}
	if err := s.db.SelectContext(ctx, &rows, `
		SELECT id, connection_id, channel_order_no, run_id, reason, rule_name, payload, skipped_at, resolved_at
		FROM import_skips WHERE resolved_at IS NULL AND ($1 = 0 OR connection_id = $1)
		ORDER BY skipped_at DESC, id DESC LIMIT $2`, connID, limit); err != nil {
		return nil, fmt.Errorf("store: skipped orders: %w", err)
	}
	out := make([]domain.SkippedOrder, 0, len(rows))
	for _, r := range rows {
		sk := domain.SkippedOrder{ID: r.ID, ConnectionID: r.Conn, ChannelOrderNo: r.No, RunID: r.RunID.Int64,
			Reason: r.Reason, RuleName: r.RuleName, SkippedAt: r.SkippedAt}
		if err := json.Unmarshal(r.Payload, &sk.Order); err != nil {
			return nil, fmt.Errorf("store: skipped order %d: %w", r.ID, err)
		}
		out = append(out, sk)
	}
	return out, nil
}

// OpenSkipNumbers are the numbers of the connection's open skips whose
// reason is one of reasons, except those a run exceptRun (0: none)
// recorded: that run has just seen them.
func (s *Store) OpenSkipNumbers(ctx context.Context, connID int64, reasons []string, exceptRun int64) ([]string, error) {
	nos := []string{}
	if err := s.db.SelectContext(ctx, &nos, `
		SELECT channel_order_no FROM import_skips
		WHERE connection_id = $1 AND resolved_at IS NULL AND reason = ANY($2)
			AND ($3::bigint = 0 OR run_id IS DISTINCT FROM $3::bigint)
		ORDER BY channel_order_no`, connID, pq.Array(reasons), exceptRun); err != nil {
		return nil, fmt.Errorf("store: open skips: %w", err)
	}
	return nos, nil
}

// ImportHeldOrders are the connection's ship orders on 保留 because of the
// import (conversion robot or rule), the ones re-evaluation looks at.
func (s *Store) ImportHeldOrders(ctx context.Context, connID int64, limit int) ([]domain.ShipOrder, error) {
	return loadShipOrders(ctx, s.db, `o.connection_id = $1 AND o.status = 'hold' AND o.hold_source = 'import'
		ORDER BY o.id LIMIT $2`, connID, limit)
}

// UnshippedCount is how many 未出荷 orders the connection has.
func (s *Store) UnshippedCount(ctx context.Context, connID int64) (int, error) {
	var n int
	err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM unshipped_orders WHERE connection_id = $1`, connID)
	return n, err
}
