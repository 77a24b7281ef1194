-- The preview lists a stock upload's changed rows first.

-- +goose Up
ALTER TABLE stock_upload_rows ADD COLUMN status text NOT NULL DEFAULT 'changed';

-- +goose Down
ALTER TABLE stock_upload_rows DROP COLUMN status;
