-- 出荷指示取込 (issue 6): 変換ロボット, 処理ロボット, ship orders with their
-- lines and history, import runs with per-connection cursors, skipped
-- orders kept with their reasons, and Rakuten's 未出荷 orders.

-- +goose Up
-- Trusted since PostgreSQL 13: a database owner may install it. Trigram
-- indexes make 出荷リスト's partial search on names/phones usable at 1M rows.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE import_mappings (
    id                          bigserial PRIMARY KEY,
    name                        text    NOT NULL UNIQUE,
    marketplace                 text    NOT NULL CHECK (marketplace IN ('rakuten', 'amazon', 'futureshop', 'shopserve', 'interpark')),
    standard                    boolean NOT NULL DEFAULT false,
    enabled                     boolean NOT NULL DEFAULT true,
    copied_from                 bigint  REFERENCES import_mappings (id) ON DELETE SET NULL,
    ship_from_id                bigint  REFERENCES ship_froms (id) ON DELETE RESTRICT,
    default_delivery_service_id bigint  REFERENCES delivery_services (id) ON DELETE RESTRICT,
    default_payment_method_id   bigint  REFERENCES payment_methods (id) ON DELETE RESTRICT,
    -- [{channel_name, target_id}]: small lists edited as a whole with the robot.
    delivery_map                jsonb   NOT NULL DEFAULT '[]',
    payment_map                 jsonb   NOT NULL DEFAULT '[]',
    created_at                  timestamptz NOT NULL DEFAULT now(),
    updated_at                  timestamptz NOT NULL DEFAULT now()
);
-- One read-only standard robot per marketplace.
CREATE UNIQUE INDEX import_mappings_standard_idx ON import_mappings (marketplace) WHERE standard;

INSERT INTO import_mappings (name, marketplace, standard) VALUES
    ('出荷指示登録(楽天API用)', 'rakuten', true),
    ('出荷指示登録(Amazon API用)', 'amazon', true),
    ('出荷指示登録(futureshop API用)', 'futureshop', true),
    ('出荷指示登録(ショップサーブAPI用)', 'shopserve', true),
    ('出荷指示登録(Interpark API用)', 'interpark', true);

-- The connection's import state: which robot it uses (none = the standard
-- one of its marketplace) and the diff cursor, advanced in the same
-- transaction as the orders of the window it covers.
CREATE TABLE order_import_states (
    connection_id     bigint PRIMARY KEY REFERENCES connections (id) ON DELETE CASCADE,
    import_mapping_id bigint REFERENCES import_mappings (id) ON DELETE SET NULL,
    cursor_at         timestamptz,
    updated_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE rules (
    id         bigserial PRIMARY KEY,
    name       text    NOT NULL,
    standard   text    NOT NULL DEFAULT '',
    enabled    boolean NOT NULL DEFAULT false,
    position   integer NOT NULL,
    stop_after boolean NOT NULL DEFAULT false,
    conditions jsonb   NOT NULL DEFAULT '[]',
    action     jsonb   NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX rules_standard_idx ON rules (standard) WHERE standard <> '';

-- 適用: which conversion robots a rule runs for.
CREATE TABLE rule_mappings (
    rule_id           bigint NOT NULL REFERENCES rules (id) ON DELETE CASCADE,
    import_mapping_id bigint NOT NULL REFERENCES import_mappings (id) ON DELETE CASCADE,
    PRIMARY KEY (rule_id, import_mapping_id)
);

-- The five standard rules (SPEC §5), enabled and applied to the standard
-- robots so a fresh install imports sensibly; copies need them applied.
INSERT INTO rules (name, standard, enabled, position) VALUES
    ('商品マスタ登録がない場合注文を取り込みしない', 'skip_unknown_sku', true, 10),
    ('同一注文番号を取り込まない(重複注文のみ)', 'skip_duplicate', true, 20),
    ('出荷指示取込み時入金ステータス確認', 'check_payment', true, 30),
    ('未入金の注文を保留(入金確認)に振り分け', 'unpaid_to_awaiting_payment', true, 40),
    ('入金済みかつ、エラーが無くなったら出荷待ちへ移動', 'paid_to_ready', true, 50);
INSERT INTO rule_mappings (rule_id, import_mapping_id)
    SELECT r.id, m.id FROM rules r CROSS JOIN import_mappings m WHERE r.standard <> '' AND m.standard;

CREATE TABLE import_runs (
    id            bigserial PRIMARY KEY,
    connection_id bigint  NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    mode          text    NOT NULL CHECK (mode IN ('diff', 'range', 'hours')),
    from_at       timestamptz NOT NULL,
    to_at         timestamptz NOT NULL,
    windows       jsonb   NOT NULL,
    state         text    NOT NULL CHECK (state IN ('running', 'done', 'failed', 'cancelled')),
    windows_total integer NOT NULL DEFAULT 0,
    windows_done  integer NOT NULL DEFAULT 0,
    fetched       integer NOT NULL DEFAULT 0,
    created       integer NOT NULL DEFAULT 0,
    updated       integer NOT NULL DEFAULT 0,
    unchanged     integer NOT NULL DEFAULT 0,
    unshipped     integer NOT NULL DEFAULT 0,
    skipped       integer NOT NULL DEFAULT 0,
    held          integer NOT NULL DEFAULT 0,
    errors        integer NOT NULL DEFAULT 0,
    message       text    NOT NULL DEFAULT '',
    trigger       text    NOT NULL DEFAULT '',
    started_at    timestamptz NOT NULL DEFAULT now(),
    heartbeat_at  timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz
);
CREATE INDEX import_runs_connection_idx ON import_runs (connection_id, id DESC);
-- The run lock: at most one running import per connection (USER-NEEDS §1).
CREATE UNIQUE INDEX import_runs_one_running_idx ON import_runs (connection_id) WHERE state = 'running';

CREATE TABLE ship_orders (
    id                  bigserial PRIMARY KEY,
    -- RESTRICT: a channel with ship orders is not deleted under them.
    connection_id       bigint  NOT NULL REFERENCES connections (id) ON DELETE RESTRICT,
    marketplace         text    NOT NULL,
    channel_order_no    text    NOT NULL,
    channel_status      text    NOT NULL DEFAULT '',
    import_mapping_id   bigint  REFERENCES import_mappings (id) ON DELETE SET NULL,
    import_run_id       bigint  REFERENCES import_runs (id) ON DELETE SET NULL,
    status              text    NOT NULL CHECK (status IN ('hold', 'awaiting_payment', 'ready', 'allocated', 'shipped', 'cancelled', 'returned')),
    api_status          text    NOT NULL CHECK (api_status IN ('unlinked', 'awaiting_label', 'label_printed', 'tracking_returned', 'shipped', 'completed')),
    payment_status      text    NOT NULL CHECK (payment_status IN ('unpaid', 'paid')),
    hold_reason         text    NOT NULL DEFAULT '',
    hold_source         text    NOT NULL DEFAULT '',
    channel_paid        boolean NOT NULL DEFAULT false,
    credit_approved     boolean NOT NULL DEFAULT false,
    ordered_at          timestamptz NOT NULL,
    ship_date           date,
    delivery_date       text    NOT NULL DEFAULT '',
    time_slot           text    NOT NULL DEFAULT '',
    buyer               jsonb   NOT NULL DEFAULT '{}',
    recipient           jsonb   NOT NULL DEFAULT '{}',
    -- Searchable copies of buyer/recipient: names and phone digits.
    buyer_name          text    NOT NULL DEFAULT '',
    recipient_name      text    NOT NULL DEFAULT '',
    phones              text    NOT NULL DEFAULT '',
    delivery_name       text    NOT NULL DEFAULT '',
    delivery_service_id bigint  REFERENCES delivery_services (id) ON DELETE RESTRICT,
    payment_name        text    NOT NULL DEFAULT '',
    payment_method_id   bigint  REFERENCES payment_methods (id) ON DELETE RESTRICT,
    payment_kind        text    NOT NULL DEFAULT '',
    ship_from_id        bigint  REFERENCES ship_froms (id) ON DELETE RESTRICT,
    currency            text    NOT NULL DEFAULT 'JPY',
    total_amount        bigint  NOT NULL DEFAULT 0,
    tracking_no         text    NOT NULL DEFAULT '',
    placeholder         boolean NOT NULL DEFAULT false,
    effects             jsonb   NOT NULL DEFAULT '[]',
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    -- Exactly once: a channel order is one ship order, whatever the runs do.
    CONSTRAINT ship_orders_channel_order_key UNIQUE (connection_id, channel_order_no)
);
-- 出荷リスト: newest first with keyset paging on (ordered_at, id), plain and
-- per status/channel; the other filters narrow one of these scans.
CREATE INDEX ship_orders_list_idx ON ship_orders (ordered_at DESC, id DESC);
CREATE INDEX ship_orders_status_list_idx ON ship_orders (status, ordered_at DESC, id DESC);
CREATE INDEX ship_orders_connection_list_idx ON ship_orders (connection_id, ordered_at DESC, id DESC);
CREATE INDEX ship_orders_ship_date_idx ON ship_orders (ship_date) WHERE ship_date IS NOT NULL;
CREATE INDEX ship_orders_order_no_idx ON ship_orders (channel_order_no);
CREATE INDEX ship_orders_tracking_idx ON ship_orders (tracking_no) WHERE tracking_no <> '';
CREATE INDEX ship_orders_search_idx ON ship_orders USING gin ((buyer_name || ' ' || recipient_name || ' ' || phones) gin_trgm_ops);
-- Re-evaluation finds the import's holds quickly.
CREATE INDEX ship_orders_import_hold_idx ON ship_orders (connection_id) WHERE status = 'hold' AND hold_source = 'import';

CREATE TABLE ship_order_lines (
    ship_order_id bigint  NOT NULL REFERENCES ship_orders (id) ON DELETE CASCADE,
    line_no       integer NOT NULL,
    item_code     text    NOT NULL DEFAULT '',
    option_code   text    NOT NULL DEFAULT '',
    sku           text    NOT NULL DEFAULT '',
    name          text    NOT NULL DEFAULT '',
    quantity      integer NOT NULL,
    unit_price    bigint  NOT NULL DEFAULT 0,
    PRIMARY KEY (ship_order_id, line_no)
);
CREATE INDEX ship_order_lines_sku_idx ON ship_order_lines (sku);

-- History: who or what changed what, when.
CREATE TABLE ship_order_events (
    id            bigserial PRIMARY KEY,
    ship_order_id bigint NOT NULL REFERENCES ship_orders (id) ON DELETE CASCADE,
    at            timestamptz NOT NULL DEFAULT now(),
    actor         text   NOT NULL,
    kind          text   NOT NULL,
    message       text   NOT NULL DEFAULT ''
);
CREATE INDEX ship_order_events_order_idx ON ship_order_events (ship_order_id, id);

-- Orders that did not become ship orders, with the reason and the order
-- itself, until re-evaluation imports them (resolved_at set).
CREATE TABLE import_skips (
    id               bigserial PRIMARY KEY,
    connection_id    bigint NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    channel_order_no text   NOT NULL,
    run_id           bigint REFERENCES import_runs (id) ON DELETE SET NULL,
    reason           text   NOT NULL,
    rule_name        text   NOT NULL DEFAULT '',
    payload          jsonb  NOT NULL,
    skipped_at       timestamptz NOT NULL DEFAULT now(),
    resolved_at      timestamptz,
    UNIQUE (connection_id, channel_order_no)
);
CREATE INDEX import_skips_open_idx ON import_skips (connection_id, skipped_at DESC) WHERE resolved_at IS NULL;

-- Rakuten orders before their target status: 未出荷, kept for stock
-- reservation, not ship orders. Removed when they become one.
CREATE TABLE unshipped_orders (
    connection_id    bigint NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    channel_order_no text   NOT NULL,
    channel_status   text   NOT NULL,
    ordered_at       timestamptz NOT NULL,
    payload          jsonb  NOT NULL,
    seen_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (connection_id, channel_order_no)
);

-- +goose Down
DROP TABLE unshipped_orders;
DROP TABLE import_skips;
DROP TABLE ship_order_events;
DROP TABLE ship_order_lines;
DROP TABLE ship_orders;
DROP TABLE import_runs;
DROP TABLE rule_mappings;
DROP TABLE rules;
DROP TABLE order_import_states;
DROP TABLE import_mappings;
