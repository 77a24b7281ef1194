-- A staged stock row keeps the plan the preview decided: the balances it
-- was decided against and those after it. 反映 writes that plan as it is
-- when none of the upload's SKUs moved since (one set-based step), and
-- plans again otherwise. Rows staged before this migration are not
-- planned and take the slow way.

-- +goose Up
ALTER TABLE stock_upload_rows
    ADD COLUMN planned          boolean NOT NULL DEFAULT false,
    ADD COLUMN on_hand_before   integer NOT NULL DEFAULT 0,
    ADD COLUMN allocated_before integer NOT NULL DEFAULT 0,
    ADD COLUMN safety_before    integer NOT NULL DEFAULT 0,
    ADD COLUMN on_hand_delta    integer NOT NULL DEFAULT 0,
    ADD COLUMN safety_delta     integer NOT NULL DEFAULT 0,
    ADD COLUMN on_hand_after    integer NOT NULL DEFAULT 0,
    ADD COLUMN safety_after     integer NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE stock_upload_rows
    DROP COLUMN planned, DROP COLUMN on_hand_before, DROP COLUMN allocated_before, DROP COLUMN safety_before,
    DROP COLUMN on_hand_delta, DROP COLUMN safety_delta, DROP COLUMN on_hand_after, DROP COLUMN safety_after;
