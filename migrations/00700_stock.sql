-- 在庫 (issue 13): stock per SKU and warehouse, the append-only ledger
-- 在庫履歴, the quantities allocated to each ship order, why an order could
-- not be allocated, and staged 在庫アップロード rows.

-- +goose Up
-- One warehouse (拠点) today; the key is in every stock row so more can
-- come without a rewrite.
CREATE TABLE warehouses (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO warehouses (id, name) VALUES (1, '本倉庫');
SELECT setval('warehouses_id_seq', 1);

-- The current figures: kept equal to the ledger's sums by the store, which
-- writes both in one transaction. The CHECKs make overselling impossible
-- whatever the Go code does: 引当数 can never exceed 実在庫数.
CREATE TABLE stock (
    warehouse_id bigint  NOT NULL DEFAULT 1 REFERENCES warehouses (id),
    sku          text    NOT NULL REFERENCES products (sku) ON UPDATE CASCADE ON DELETE RESTRICT,
    on_hand      integer NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
    allocated    integer NOT NULL DEFAULT 0 CHECK (allocated >= 0),
    safety       integer NOT NULL DEFAULT 0 CHECK (safety >= 0),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (warehouse_id, sku),
    CONSTRAINT stock_allocated_within_on_hand CHECK (allocated <= on_hand)
);
CREATE INDEX stock_sku_idx ON stock (sku);

-- 在庫履歴: every change, never updated or deleted (trigger below).
CREATE TABLE stock_ledger (
    id              bigserial PRIMARY KEY,
    at              timestamptz NOT NULL DEFAULT now(),
    warehouse_id    bigint  NOT NULL DEFAULT 1 REFERENCES warehouses (id),
    sku             text    NOT NULL,
    kind            text    NOT NULL CHECK (kind IN ('receipt', 'issue', 'stocktake', 'allocate', 'release', 'ship', 'adjust', 'safety')),
    on_hand_delta   integer NOT NULL DEFAULT 0,
    allocated_delta integer NOT NULL DEFAULT 0,
    safety_delta    integer NOT NULL DEFAULT 0,
    on_hand_after   integer NOT NULL CHECK (on_hand_after >= 0),
    allocated_after integer NOT NULL CHECK (allocated_after >= 0),
    safety_after    integer NOT NULL DEFAULT 0 CHECK (safety_after >= 0),
    actor           text    NOT NULL,
    reason          text    NOT NULL DEFAULT '',
    ship_order_id   bigint  REFERENCES ship_orders (id) ON DELETE SET NULL,
    upload_id       bigint  REFERENCES master_uploads (id) ON DELETE SET NULL
);
CREATE INDEX stock_ledger_sku_idx ON stock_ledger (warehouse_id, sku, id DESC);
CREATE INDEX stock_ledger_order_idx ON stock_ledger (ship_order_id) WHERE ship_order_id IS NOT NULL;

-- +goose StatementBegin
CREATE FUNCTION stock_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '在庫履歴は追記のみです (%)', TG_OP;
END $$;
-- +goose StatementEnd
CREATE TRIGGER stock_ledger_append_only BEFORE UPDATE OR DELETE ON stock_ledger
    FOR EACH ROW EXECUTE FUNCTION stock_ledger_append_only();

-- What each 引当済 order holds, so a release or 出荷確定 moves exactly it.
CREATE TABLE stock_allocations (
    ship_order_id bigint  NOT NULL REFERENCES ship_orders (id) ON DELETE RESTRICT,
    warehouse_id  bigint  NOT NULL DEFAULT 1 REFERENCES warehouses (id),
    sku           text    NOT NULL,
    quantity      integer NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (ship_order_id, warehouse_id, sku)
);
CREATE INDEX stock_allocations_sku_idx ON stock_allocations (warehouse_id, sku);

-- 「在庫不足: SKU-… あとN個」 of the last allocation attempt, '' otherwise.
ALTER TABLE ship_orders ADD COLUMN stock_shortage text NOT NULL DEFAULT '';
-- Allocation takes 出荷待ち oldest first.
CREATE INDEX ship_orders_ready_idx ON ship_orders (ordered_at, id) WHERE status = 'ready';

-- 在庫アップロード is staged like the masters' uploads.
ALTER TABLE master_uploads DROP CONSTRAINT master_uploads_kind_check;
ALTER TABLE master_uploads ADD CONSTRAINT master_uploads_kind_check CHECK (kind IN ('products', 'mappings', 'stock'));
ALTER TABLE master_uploads ADD COLUMN stock_mode text NOT NULL DEFAULT '';

CREATE TABLE stock_upload_rows (
    upload_id bigint  NOT NULL REFERENCES master_uploads (id) ON DELETE CASCADE,
    line      integer NOT NULL,
    sku       text    NOT NULL,
    quantity  integer NOT NULL,
    safety    integer,
    reason    text    NOT NULL DEFAULT '',
    PRIMARY KEY (upload_id, line)
);

-- +goose Down
DROP TABLE stock_upload_rows;
ALTER TABLE master_uploads DROP COLUMN stock_mode;
ALTER TABLE master_uploads DROP CONSTRAINT master_uploads_kind_check;
ALTER TABLE master_uploads ADD CONSTRAINT master_uploads_kind_check CHECK (kind IN ('products', 'mappings'));
DROP INDEX ship_orders_ready_idx;
ALTER TABLE ship_orders DROP COLUMN stock_shortage;
DROP TABLE stock_allocations;
DROP TABLE stock_ledger;
DROP FUNCTION stock_ledger_append_only;
DROP TABLE stock;
DROP TABLE warehouses;
