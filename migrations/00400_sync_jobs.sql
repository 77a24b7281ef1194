-- 連携ロボット (SyncJob): connection + action + trigger, and their runs.

-- +goose Up
CREATE TABLE sync_jobs (
    id                   bigserial PRIMARY KEY,
    name                 text        NOT NULL,
    -- No foreign key yet: the connections table comes with its own
    -- migrations (00200+); a later migration adds the reference.
    connection_id        bigint      NOT NULL,
    action               text        NOT NULL,
    trigger_kind         text        NOT NULL CHECK (trigger_kind IN ('interval', 'daily', 'cron', 'after')),
    interval_minutes     integer     NOT NULL DEFAULT 0,
    times_of_day         text[]      NOT NULL DEFAULT '{}', -- 'HH:MM', Japan time
    cron_expr            text        NOT NULL DEFAULT '',
    after_action         text        NOT NULL DEFAULT '',
    params               jsonb       NOT NULL DEFAULT '{}',
    enabled              boolean     NOT NULL DEFAULT false,
    -- Where the action stopped; owned by the action, kept across runs.
    cursor               text        NOT NULL DEFAULT '',
    -- Retry backoff: a failing robot skips ticks until retry_after, never switched off.
    consecutive_failures integer     NOT NULL DEFAULT 0,
    retry_after          timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX sync_jobs_connection_idx ON sync_jobs (connection_id, trigger_kind, after_action);

-- One row per run. (job_id, slot) is the claim: the instance that inserts it
-- runs that tick, any other instance that tries the same tick gets a
-- conflict and skips, so no tick runs twice.
CREATE TABLE sync_job_runs (
    id          bigserial PRIMARY KEY,
    job_id      bigint      NOT NULL REFERENCES sync_jobs (id) ON DELETE CASCADE,
    slot        text        NOT NULL,
    cause       text        NOT NULL CHECK (cause IN ('schedule', 'manual', 'chain')),
    instance    text        NOT NULL,
    status      text        NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted')),
    fetched     integer     NOT NULL DEFAULT 0,
    created     integer     NOT NULL DEFAULT 0,
    skipped     integer     NOT NULL DEFAULT 0,
    failed      integer     NOT NULL DEFAULT 0,
    error       text        NOT NULL DEFAULT '',
    started_at  timestamptz NOT NULL,
    finished_at timestamptz,
    UNIQUE (job_id, slot)
);

CREATE INDEX sync_job_runs_job_idx ON sync_job_runs (job_id, id DESC);

-- +goose Down
DROP TABLE sync_job_runs;
DROP TABLE sync_jobs;
