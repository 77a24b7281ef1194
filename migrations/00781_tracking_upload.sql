-- 問番アップロード (issue 14): staged like the masters' uploads; each row is
-- one parcel of an order already resolved at preview.

-- +goose Up
ALTER TABLE master_uploads DROP CONSTRAINT master_uploads_kind_check;
ALTER TABLE master_uploads ADD CONSTRAINT master_uploads_kind_check CHECK (kind IN ('products', 'mappings', 'stock', 'tracking'));

CREATE TABLE tracking_upload_rows (
    upload_id     bigint  NOT NULL REFERENCES master_uploads (id) ON DELETE CASCADE,
    line          integer NOT NULL,
    status        text    NOT NULL,
    order_no      text    NOT NULL,
    ship_order_id bigint  NOT NULL,
    carrier_id    bigint  NOT NULL,
    carrier_name  text    NOT NULL,
    tracking_no   text    NOT NULL,
    ship_date     date    NOT NULL,
    PRIMARY KEY (upload_id, line)
);

-- +goose Down
DROP TABLE tracking_upload_rows;
DELETE FROM master_uploads WHERE kind = 'tracking';
ALTER TABLE master_uploads DROP CONSTRAINT master_uploads_kind_check;
ALTER TABLE master_uploads ADD CONSTRAINT master_uploads_kind_check CHECK (kind IN ('products', 'mappings', 'stock'));
