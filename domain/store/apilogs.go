package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/marketplace"
)

const apiLogColumns = `id, connection_id, channel_name, marketplace, action, operation, request, response,
	ok, http_status, code, message, duration_ms, started_at`

// InsertAPILog appends one row to the API log and fills in its id.
func (s *Store) InsertAPILog(ctx context.Context, l *domain.APILog) error {
	err := s.db.QueryRowxContext(ctx, `
		INSERT INTO api_logs (connection_id, channel_name, marketplace, action, operation, request, response,
			ok, http_status, code, message, duration_ms, started_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		RETURNING id`,
		l.ConnectionID, l.ChannelName, l.Marketplace, l.Action, l.Operation, l.Request, l.Response,
		l.OK, l.HTTPStatus, l.Code, l.Message, l.DurationMS, l.StartedAt).Scan(&l.ID)
	if err != nil {
		return fmt.Errorf("store: insert api log: %w", err)
	}
	return nil
}

// APILogs returns one page of the API log, newest first, and the cursor of
// the next page (nil on the last page).
func (s *Store) APILogs(ctx context.Context, f domain.APILogFilter) ([]domain.APILog, *domain.APILogCursor, error) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.ConnectionID > 0 {
		where = append(where, "connection_id = "+arg(f.ConnectionID))
	}
	if f.Action != "" {
		where = append(where, "action = "+arg(f.Action))
	}
	switch f.Result {
	case domain.APILogResultOK:
		where = append(where, "ok")
	case domain.APILogResultError:
		where = append(where, "NOT ok")
	}
	from, to := f.Range()
	if !from.IsZero() {
		where = append(where, "started_at >= "+arg(from))
	}
	if !to.IsZero() {
		where = append(where, "started_at < "+arg(to))
	}
	if f.After != nil {
		where = append(where, fmt.Sprintf("(started_at, id) < (%s, %s)", arg(f.After.StartedAt), arg(f.After.ID)))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = domain.APILogPageSize
	}
	q := `SELECT ` + apiLogColumns + ` FROM api_logs`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	// One extra row tells whether a next page exists.
	q += " ORDER BY started_at DESC, id DESC LIMIT " + arg(limit+1)
	var out []domain.APILog
	if err := s.db.SelectContext(ctx, &out, q, args...); err != nil {
		return nil, nil, fmt.Errorf("store: api logs: %w", err)
	}
	if len(out) <= limit {
		return out, nil, nil
	}
	out = out[:limit]
	last := out[limit-1]
	return out, &domain.APILogCursor{StartedAt: last.StartedAt, ID: last.ID}, nil
}

// APILog returns one row, or ErrNotFound.
func (s *Store) APILog(ctx context.Context, id int64) (domain.APILog, error) {
	var l domain.APILog
	err := s.db.GetContext(ctx, &l, `SELECT `+apiLogColumns+` FROM api_logs WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return l, ErrNotFound
	}
	return l, err
}

// PurgeAPILogs deletes rows started before cutoff and returns how many.
func (s *Store) PurgeAPILogs(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM api_logs WHERE started_at < $1`, cutoff)
	if err != nil {
		return 0, fmt.Errorf("store: purge api logs: %w", err)
	}
	return res.RowsAffected()
}

// APILogScope says which channel and action the marketplace calls made
// under a context belong to; the recorder copies it into each row.
type APILogScope struct {
	ConnectionID int64
	ChannelName  string
	Action       string
}

type apiLogScopeKey struct{}

// WithAPILogScope returns a context whose marketplace calls are logged under scope.
func WithAPILogScope(ctx context.Context, scope APILogScope) context.Context {
	return context.WithValue(ctx, apiLogScopeKey{}, scope)
}

// APILogRecorder is the marketplace.CallRecorder that writes the API log.
type APILogRecorder struct {
	Store *Store
	// OnError is told when a row cannot be written (the call itself goes on).
	OnError func(error)
}

var _ marketplace.CallRecorder = (*APILogRecorder)(nil)

// recordTimeout bounds the insert: the recorder runs inside the call path.
const recordTimeout = 5 * time.Second

// RecordCall writes one row per HTTP attempt.
func (r *APILogRecorder) RecordCall(ctx context.Context, c marketplace.Call) {
	scope, _ := ctx.Value(apiLogScopeKey{}).(APILogScope)
	l := domain.APILog{
		ChannelName: scope.ChannelName,
		Marketplace: domain.Marketplace(c.Marketplace),
		Action:      scope.Action,
		Operation:   c.Operation,
		Request:     strings.TrimSpace(c.Method + " " + c.URL + "\n" + c.RequestSummary),
		Response:    c.ResponseSummary,
		OK:          c.Err == nil,
		HTTPStatus:  c.Status,
		Code:        c.Code,
		DurationMS:  c.Duration.Milliseconds(),
		StartedAt:   c.StartedAt,
	}
	if scope.ConnectionID > 0 {
		id := scope.ConnectionID
		l.ConnectionID = &id
	}
	if l.Action == "" {
		l.Action = "unknown"
	}
	if c.Attempt > 1 {
		l.Operation = fmt.Sprintf("%s（再試行%d回目）", c.Operation, c.Attempt-1)
	}
	if c.Err != nil {
		// The marketplace's own text when there is one; otherwise our plain
		// sentence. Never err.Error(): a transport error quotes the full URL.
		var me *marketplace.Error
		if errors.As(c.Err, &me) && me.Message != "" {
			l.Message = me.Message
			if l.Code == "" {
				l.Code = me.Code
			}
		} else {
			l.Message = marketplace.OperatorMessage(c.Err)
		}
	}
	if l.StartedAt.IsZero() {
		l.StartedAt = time.Now()
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	if err := r.Store.InsertAPILog(ctx, &l); err != nil && r.OnError != nil {
		r.OnError(err)
	}
}
