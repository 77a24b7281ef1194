package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/lib/pq"

	"github.com/renkei-oss/renkei/domain"
)

const syncJobColumns = `id, name, connection_id, action, trigger_kind, interval_minutes, times_of_day,
	cron_expr, after_action, params, enabled, cursor, consecutive_failures, retry_after, created_at, updated_at`

// syncJobRow is the flat row; domain.SyncJob groups the trigger columns.
type syncJobRow struct {
	domain.SyncJob
	TriggerKind     string         `db:"trigger_kind"`
	IntervalMinutes int            `db:"interval_minutes"`
	TimesOfDay      pq.StringArray `db:"times_of_day"`
	CronExpr        string         `db:"cron_expr"`
	AfterAction     string         `db:"after_action"`
}

func (r syncJobRow) job() domain.SyncJob {
	j := r.SyncJob
	j.Trigger = domain.Trigger{
		Kind:            domain.TriggerKind(r.TriggerKind),
		IntervalMinutes: r.IntervalMinutes,
		TimesOfDay:      []string(r.TimesOfDay),
		Cron:            r.CronExpr,
		AfterAction:     domain.ActionName(r.AfterAction),
	}
	return j
}

func params(j domain.SyncJob) []byte {
	if len(j.Params) == 0 {
		return []byte("{}")
	}
	return j.Params
}

// times keeps an empty list as '{}' (never NULL).
func times(t domain.Trigger) pq.StringArray {
	if t.TimesOfDay == nil {
		return pq.StringArray{}
	}
	return pq.StringArray(t.TimesOfDay)
}

// CreateSyncJob adds a robot. It does not validate: call j.Validate first.
func (s *Store) CreateSyncJob(ctx context.Context, j domain.SyncJob) (domain.SyncJob, error) {
	var r syncJobRow
	t := j.Trigger
	err := s.db.GetContext(ctx, &r, `
		INSERT INTO sync_jobs (name, connection_id, action, trigger_kind, interval_minutes, times_of_day,
			cron_expr, after_action, params, enabled)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		RETURNING `+syncJobColumns,
		j.Name, j.ConnectionID, j.Action, t.Kind, t.IntervalMinutes, times(t), t.Cron, t.AfterAction, params(j), j.Enabled)
	if err != nil {
		return domain.SyncJob{}, fmt.Errorf("store: create sync job %q: %w", j.Name, err)
	}
	return r.job(), nil
}

// UpdateSyncJob saves what the operator can edit (name, action, trigger,
// params, enabled). The cursor and the backoff state are kept: changing the
// schedule must not make an import start over.
func (s *Store) UpdateSyncJob(ctx context.Context, j domain.SyncJob) (domain.SyncJob, error) {
	var r syncJobRow
	t := j.Trigger
	err := s.db.GetContext(ctx, &r, `
		UPDATE sync_jobs SET name = $2, connection_id = $3, action = $4, trigger_kind = $5,
			interval_minutes = $6, times_of_day = $7, cron_expr = $8, after_action = $9,
			params = $10, enabled = $11, updated_at = now()
		WHERE id = $1
		RETURNING `+syncJobColumns,
		j.ID, j.Name, j.ConnectionID, j.Action, t.Kind, t.IntervalMinutes, times(t), t.Cron, t.AfterAction, params(j), j.Enabled)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.SyncJob{}, ErrNotFound
	}
	if err != nil {
		return domain.SyncJob{}, fmt.Errorf("store: update sync job %d: %w", j.ID, err)
	}
	return r.job(), nil
}

// SetSyncJobEnabled switches a robot on or off; a robot switched on starts
// with a clean backoff.
func (s *Store) SetSyncJobEnabled(ctx context.Context, id int64, enabled bool) error {
	res, err := s.db.ExecContext(ctx, `
		UPDATE sync_jobs SET enabled = $2, updated_at = now(),
			consecutive_failures = CASE WHEN $2 AND NOT enabled THEN 0 ELSE consecutive_failures END,
			retry_after = CASE WHEN $2 AND NOT enabled THEN NULL ELSE retry_after END
		WHERE id = $1`, id, enabled)
	return oneRow(res, err, "store: enable sync job %d: %w", id)
}

// DeleteSyncJob removes a robot and its run history.
func (s *Store) DeleteSyncJob(ctx context.Context, id int64) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM sync_jobs WHERE id = $1`, id)
	return oneRow(res, err, "store: delete sync job %d: %w", id)
}

func oneRow(res sql.Result, err error, format string, id int64) error {
	if err != nil {
		return fmt.Errorf(format, id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// SyncJob returns one robot, or ErrNotFound.
func (s *Store) SyncJob(ctx context.Context, id int64) (domain.SyncJob, error) {
	var r syncJobRow
	err := s.db.GetContext(ctx, &r, `SELECT `+syncJobColumns+` FROM sync_jobs WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.SyncJob{}, ErrNotFound
	}
	if err != nil {
		return domain.SyncJob{}, fmt.Errorf("store: sync job %d: %w", id, err)
	}
	return r.job(), nil
}

// SyncJobs lists every robot, by connection then id.
func (s *Store) SyncJobs(ctx context.Context) ([]domain.SyncJob, error) {
	return s.selectSyncJobs(ctx, `SELECT `+syncJobColumns+` FROM sync_jobs ORDER BY connection_id, id`)
}

// SyncJobsOfConnection lists one connection's robots by id.
func (s *Store) SyncJobsOfConnection(ctx context.Context, connectionID int64) ([]domain.SyncJob, error) {
	return s.selectSyncJobs(ctx, `SELECT `+syncJobColumns+` FROM sync_jobs WHERE connection_id = $1 ORDER BY id`, connectionID)
}

// ChainedSyncJobs lists the enabled robots of the connection that run after
// action finished, in the order they run (by id: the order they were made).
func (s *Store) ChainedSyncJobs(ctx context.Context, connectionID int64, action domain.ActionName) ([]domain.SyncJob, error) {
	return s.selectSyncJobs(ctx, `SELECT `+syncJobColumns+` FROM sync_jobs
		WHERE connection_id = $1 AND trigger_kind = 'after' AND after_action = $2 AND enabled
		ORDER BY id`, connectionID, action)
}

func (s *Store) selectSyncJobs(ctx context.Context, query string, args ...any) ([]domain.SyncJob, error) {
	var rows []syncJobRow
	if err := s.db.SelectContext(ctx, &rows, query, args...); err != nil {
		return nil, fmt.Errorf("store: sync jobs: %w", err)
	}
	out := make([]domain.SyncJob, len(rows))
	for i, r := range rows {
		out[i] = r.job()
	}
	return out, nil
}

// SyncJobConnectionEnabled reports whether the connection is switched on: robots
// of a switched-off connection do not run on schedule.
func (s *Store) SyncJobConnectionEnabled(ctx context.Context, id int64) (bool, error) {
	var on bool
	err := s.db.GetContext(ctx, &on, `SELECT enabled FROM connections WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, ErrNotFound
	}
	return on, err
}

// SaveSyncJobCursor records how far the running action got, so that an
// interrupted run resumes there.
func (s *Store) SaveSyncJobCursor(ctx context.Context, id int64, cursor string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE sync_jobs SET cursor = $2 WHERE id = $1`, id, cursor)
	return oneRow(res, err, "store: save cursor of sync job %d: %w", id)
}

// ClaimSyncRun inserts the run row for (job, slot) as running. claimed is
// false when another instance (or an earlier attempt) already has that slot:
// the caller must then not run the action.
func (s *Store) ClaimSyncRun(ctx context.Context, jobID int64, slot string, cause domain.SyncRunCause, instance string, now time.Time) (run domain.SyncRun, claimed bool, err error) {
	err = s.db.GetContext(ctx, &run, `
		INSERT INTO sync_job_runs (job_id, slot, cause, instance, status, started_at)
		VALUES ($1, $2, $3, $4, 'running', $5)
		ON CONFLICT (job_id, slot) DO NOTHING
		RETURNING `+syncRunColumns, jobID, slot, cause, instance, now)
	if errors.Is(err, sql.ErrNoRows) {
		return run, false, nil
	}
	if err != nil {
		return run, false, fmt.Errorf("store: claim run of sync job %d slot %s: %w", jobID, slot, err)
	}
	return run, true, nil
}

// InterruptOrphanRuns marks the job's runs still "running" as interrupted.
// Call it only while holding the job's run lock: then no live process can be
// running them, they belong to an instance that died.
func (s *Store) InterruptOrphanRuns(ctx context.Context, jobID int64, now time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `
		UPDATE sync_job_runs SET status = 'interrupted', finished_at = $2,
			error = CASE WHEN error = '' THEN '実行中のインスタンスが止まったため中断しました。次の実行で続きから再開します。' ELSE error END
		WHERE job_id = $1 AND status = 'running'`, jobID, now)
	if err != nil {
		return 0, fmt.Errorf("store: interrupt orphan runs of sync job %d: %w", jobID, err)
	}
	return res.RowsAffected()
}

// FinishSyncRun records a run's outcome and updates the robot's backoff in
// one transaction: failures count up and push retry_after out, a success
// resets them, an interruption leaves them alone.
func (s *Store) FinishSyncRun(ctx context.Context, run domain.SyncRun, retryAfter *time.Time) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: finish sync run %d: %w", run.ID, err)
	}
	defer tx.Rollback()
	_, err = tx.ExecContext(ctx, `
		UPDATE sync_job_runs SET status = $2, fetched = $3, created = $4, skipped = $5, failed = $6,
			error = $7, finished_at = $8
		WHERE id = $1`, run.ID, run.Status, run.Fetched, run.Created, run.Skipped, run.Failed, run.Error, run.FinishedAt)
	if err != nil {
		return fmt.Errorf("store: finish sync run %d: %w", run.ID, err)
	}
	switch run.Status {
	case domain.SyncRunSucceeded:
		_, err = tx.ExecContext(ctx, `UPDATE sync_jobs SET consecutive_failures = 0, retry_after = NULL WHERE id = $1`, run.JobID)
	case domain.SyncRunFailed:
		_, err = tx.ExecContext(ctx, `UPDATE sync_jobs SET consecutive_failures = consecutive_failures + 1, retry_after = $2 WHERE id = $1`, run.JobID, retryAfter)
	}
	if err != nil {
		return fmt.Errorf("store: backoff of sync job %d: %w", run.JobID, err)
	}
	return tx.Commit()
}

const syncRunColumns = `id, job_id, slot, cause, instance, status, error, started_at, finished_at, fetched, created, skipped, failed`

// SyncRuns returns a robot's latest runs, newest first.
func (s *Store) SyncRuns(ctx context.Context, jobID int64, limit int) ([]domain.SyncRun, error) {
	var runs []domain.SyncRun
	err := s.db.SelectContext(ctx, &runs, `SELECT `+syncRunColumns+` FROM sync_job_runs
		WHERE job_id = $1 ORDER BY id DESC LIMIT $2`, jobID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: runs of sync job %d: %w", jobID, err)
	}
	return runs, nil
}

// LastSyncRuns returns each robot's latest run, by job id, for the list.
func (s *Store) LastSyncRuns(ctx context.Context) (map[int64]domain.SyncRun, error) {
	var runs []domain.SyncRun
	err := s.db.SelectContext(ctx, &runs, `SELECT DISTINCT ON (job_id) `+syncRunColumns+`
		FROM sync_job_runs ORDER BY job_id, id DESC`)
	if err != nil {
		return nil, fmt.Errorf("store: last sync runs: %w", err)
	}
	out := make(map[int64]domain.SyncRun, len(runs))
	for _, r := range runs {
		out[r.JobID] = r
	}
	return out, nil
}

// PurgeSyncRuns deletes finished runs that started before cutoff (the run
// history is kept as long as the API log). Each robot's latest run is kept
// whatever its age, so the list still shows how it last went.
func (s *Store) PurgeSyncRuns(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `
		DELETE FROM sync_job_runs r WHERE r.started_at < $1 AND r.status <> 'running'
		AND r.id <> (SELECT max(id) FROM sync_job_runs l WHERE l.job_id = r.job_id)`, cutoff)
	if err != nil {
		return 0, fmt.Errorf("store: purge sync runs: %w", err)
	}
	return res.RowsAffected()
}

// SetConnectionSyncJobsEnabled switches the connection's robots of action
// on or off and returns the ids it changed (to reschedule them).
func (s *Store) SetConnectionSyncJobsEnabled(ctx context.Context, connectionID int64, action domain.ActionName, enabled bool) ([]int64, error) {
	var ids []int64
	err := s.db.SelectContext(ctx, &ids, `
		UPDATE sync_jobs SET enabled = $3, updated_at = now(),
			consecutive_failures = CASE WHEN $3 THEN 0 ELSE consecutive_failures END,
			retry_after = CASE WHEN $3 THEN NULL ELSE retry_after END
		WHERE connection_id = $1 AND action = $2 AND enabled <> $3
		RETURNING id`, connectionID, action, enabled)
	if err != nil {
		return nil, fmt.Errorf("store: switch %s robots of connection %d: %w", action, connectionID, err)
	}
	return ids, nil
}
