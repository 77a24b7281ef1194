-- 出荷作業 (issue 14): an order leaves in one or more parcels (個口), each
-- with its own tracking number (問番) and carrier. ship_orders.tracking_no
-- keeps the first parcel's number so 出荷リスト and its search stay as they are.

-- +goose Up
CREATE TABLE ship_order_parcels (
    id            bigserial PRIMARY KEY,
    ship_order_id bigint NOT NULL REFERENCES ship_orders (id) ON DELETE CASCADE,
    tracking_no   text   NOT NULL CHECK (tracking_no <> ''),
    -- RESTRICT: a carrier named by a parcel is not deleted under it.
    carrier_id    bigint NOT NULL REFERENCES carriers (id) ON DELETE RESTRICT,
    created_at    timestamptz NOT NULL DEFAULT now(),
    -- A number is one parcel of one carrier, whichever order names it.
    CONSTRAINT ship_order_parcels_tracking_key UNIQUE (carrier_id, tracking_no)
);
CREATE INDEX ship_order_parcels_order_idx ON ship_order_parcels (ship_order_id, id);

-- Renkei's own 送り状 numbers: unique by construction.
CREATE SEQUENCE own_label_seq;

-- +goose Down
DROP SEQUENCE own_label_seq;
DROP TABLE ship_order_parcels;
