-- Robots belong to their connection: deleting an API接続設定 deletes its
-- 連携ロボット and their history. Separate from 00400 because the
-- connections table (00200) was written in parallel.

-- +goose Up
ALTER TABLE sync_jobs
    ADD CONSTRAINT sync_jobs_connection_id_fkey
    FOREIGN KEY (connection_id) REFERENCES connections (id) ON DELETE CASCADE;

-- +goose Down
ALTER TABLE sync_jobs DROP CONSTRAINT sync_jobs_connection_id_fkey;
