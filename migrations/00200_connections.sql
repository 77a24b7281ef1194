-- API接続設定 (connections), their sealed secrets, 発送元 (ship-from origins)
-- and the APIログ.

-- +goose Up
CREATE TABLE ship_froms (
    id          bigserial PRIMARY KEY,
    name        text        NOT NULL UNIQUE,
    postal_code text        NOT NULL,
    prefecture  text        NOT NULL,
    address     text        NOT NULL,
    phone       text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE connections (
    id                    bigserial PRIMARY KEY,
    channel_name          text        NOT NULL UNIQUE,
    marketplace           text        NOT NULL CHECK (marketplace IN ('rakuten', 'amazon', 'futureshop', 'shopserve', 'interpark')),
    enabled               boolean     NOT NULL DEFAULT true,
    base_url              text        NOT NULL,
    -- RESTRICT: an origin in use cannot be deleted out from under a connection.
    ship_from_id          bigint      NOT NULL REFERENCES ship_froms (id) ON DELETE RESTRICT,
    auto_import           boolean     NOT NULL DEFAULT false,
    auto_confirm          boolean     NOT NULL DEFAULT false,
    auto_ship_instruction boolean     NOT NULL DEFAULT false,
    auto_stock_sync       boolean     NOT NULL DEFAULT false,
    -- The marketplace's non-secret fields (domain.ConnectionFields); secrets
    -- are never here but in connection_secrets.
    params                jsonb       NOT NULL DEFAULT '{}',
    payment_statuses      jsonb       NOT NULL DEFAULT '[]',
    last_test_at          timestamptz,
    last_test_ok          boolean,
    last_test_message     text        NOT NULL DEFAULT '',
    -- Learned by 接続テスト (Rakuten license key); drives the expiry banner.
    credential_expires_at timestamptz,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);

-- One row per secret field, AES-GCM sealed (domain/secretbox). key_id names
-- the key that sealed it so `renkei rotate-key` can find rows to re-seal.
CREATE TABLE connection_secrets (
    connection_id bigint      NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
    name          text        NOT NULL,
    key_id        text        NOT NULL,
    ciphertext    bytea       NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (connection_id, name)
);

CREATE INDEX connection_secrets_key_id_idx ON connection_secrets (key_id);

CREATE TABLE api_logs (
    id            bigserial PRIMARY KEY,
    -- SET NULL: the log outlives a deleted connection; channel_name keeps it readable.
    connection_id bigint      REFERENCES connections (id) ON DELETE SET NULL,
    channel_name  text        NOT NULL DEFAULT '',
    marketplace   text        NOT NULL DEFAULT '',
    action        text        NOT NULL,
    operation     text        NOT NULL DEFAULT '',
    -- Summaries as the marketplace client recorded them, secrets already removed.
    request       text        NOT NULL DEFAULT '',
    response      text        NOT NULL DEFAULT '',
    ok            boolean     NOT NULL,
    http_status   integer     NOT NULL DEFAULT 0,
    code          text        NOT NULL DEFAULT '',
    message       text        NOT NULL DEFAULT '',
    duration_ms   bigint      NOT NULL DEFAULT 0,
    started_at    timestamptz NOT NULL
);

-- Newest first with keyset pagination on (started_at, id), overall and per channel.
CREATE INDEX api_logs_started_idx ON api_logs (started_at DESC, id DESC);
CREATE INDEX api_logs_connection_started_idx ON api_logs (connection_id, started_at DESC, id DESC);

-- +goose Down
DROP TABLE api_logs;
DROP TABLE connection_secrets;
DROP TABLE connections;
DROP TABLE ship_froms;
