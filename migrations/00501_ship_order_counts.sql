-- 「全N件」 of 出荷リスト without counting a million rows: per-channel
-- counts by status, payment status and API status, kept by statement-level
-- triggers (one grouped write per statement, also for COPY), so the common
-- filters are summed from a few rows. Date and text filters still count.

-- +goose Up
CREATE TABLE ship_order_counts (
    connection_id  bigint NOT NULL,
    status         text   NOT NULL,
    payment_status text   NOT NULL,
    api_status     text   NOT NULL,
    n              bigint NOT NULL,
    PRIMARY KEY (connection_id, status, payment_status, api_status)
);

-- +goose StatementBegin
CREATE FUNCTION ship_order_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM ship_order_counts;
        RETURN NULL;
    END IF;
    -- ORDER BY: concurrent statements lock counter rows in the same order.
    IF TG_OP = 'INSERT' THEN
        INSERT INTO ship_order_counts AS c (connection_id, status, payment_status, api_status, n)
        SELECT connection_id, status, payment_status, api_status, count(*)
        FROM new_rows GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
        ON CONFLICT (connection_id, status, payment_status, api_status) DO UPDATE SET n = c.n + EXCLUDED.n;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO ship_order_counts AS c (connection_id, status, payment_status, api_status, n)
        SELECT connection_id, status, payment_status, api_status, sum(d) FROM (
            SELECT connection_id, status, payment_status, api_status, -1 AS d FROM old_rows
            UNION ALL
            SELECT connection_id, status, payment_status, api_status, 1 FROM new_rows) x
        GROUP BY 1, 2, 3, 4 HAVING sum(d) <> 0 ORDER BY 1, 2, 3, 4
        ON CONFLICT (connection_id, status, payment_status, api_status) DO UPDATE SET n = c.n + EXCLUDED.n;
    ELSE
        INSERT INTO ship_order_counts AS c (connection_id, status, payment_status, api_status, n)
        SELECT connection_id, status, payment_status, api_status, -count(*)
        FROM old_rows GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
        ON CONFLICT (connection_id, status, payment_status, api_status) DO UPDATE SET n = c.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER ship_order_counts_insert AFTER INSERT ON ship_orders
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ship_order_counts_apply();
CREATE TRIGGER ship_order_counts_update AFTER UPDATE ON ship_orders
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ship_order_counts_apply();
CREATE TRIGGER ship_order_counts_delete AFTER DELETE ON ship_orders
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ship_order_counts_apply();
CREATE TRIGGER ship_order_counts_truncate AFTER TRUNCATE ON ship_orders
    FOR EACH STATEMENT EXECUTE FUNCTION ship_order_counts_apply();

INSERT INTO ship_order_counts (connection_id, status, payment_status, api_status, n)
SELECT connection_id, status, payment_status, api_status, count(*) FROM ship_orders GROUP BY 1, 2, 3, 4;

-- +goose Down
DROP TRIGGER ship_order_counts_truncate ON ship_orders;
DROP TRIGGER ship_order_counts_delete ON ship_orders;
DROP TRIGGER ship_order_counts_update ON ship_orders;
DROP TRIGGER ship_order_counts_insert ON ship_orders;
DROP FUNCTION ship_order_counts_apply();
DROP TABLE ship_order_counts;
