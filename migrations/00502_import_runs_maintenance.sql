-- A run stopped because the marketplace is in maintenance gets its own
-- state: it is not a failure (nothing to fix), and the next run resumes it.

-- +goose Up
ALTER TABLE import_runs DROP CONSTRAINT import_runs_state_check;
ALTER TABLE import_runs ADD CONSTRAINT import_runs_state_check
    CHECK (state IN ('running', 'done', 'failed', 'cancelled', 'maintenance'));

-- +goose Down
UPDATE import_runs SET state = 'cancelled' WHERE state = 'maintenance';
ALTER TABLE import_runs DROP CONSTRAINT import_runs_state_check;
ALTER TABLE import_runs ADD CONSTRAINT import_runs_state_check
    CHECK (state IN ('running', 'done', 'failed', 'cancelled'));
