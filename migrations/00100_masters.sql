-- Masters (SPEC §12): carriers, delivery services and time slots, payment
-- methods, products, the product mapping (対応表), and staged uploads.
--
-- connection_id columns have no foreign key here: the connections table comes
-- with its own migrations (00200+); 00210 adds the reference.

-- +goose Up
CREATE TABLE carriers (
    id             bigserial PRIMARY KEY,
    name           text    NOT NULL UNIQUE,
    rakuten_code   text    NOT NULL DEFAULT '', -- deliveryCompany 1000–1031
    amazon_code    text    NOT NULL DEFAULT '', -- CarrierCode ("Other" + name when unlisted)
    interpark_code text    NOT NULL DEFAULT '', -- delvEntrNo
    shopserve_name text    NOT NULL DEFAULT '', -- delivery_company
    sort_order     integer NOT NULL DEFAULT 0,
    disabled       boolean NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE delivery_services (
    id         bigserial PRIMARY KEY,
    carrier_id bigint  NOT NULL REFERENCES carriers (id),
    name       text    NOT NULL,
    disabled   boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (carrier_id, name)
);

CREATE TABLE time_slots (
    id                    bigserial PRIMARY KEY,
    delivery_service_id   bigint  NOT NULL REFERENCES delivery_services (id) ON DELETE CASCADE,
    name                  text    NOT NULL,
    rakuten_shipping_term text    NOT NULL DEFAULT '', -- 0/1/2/9 or h1h2 such as 1416
    sort_order            integer NOT NULL DEFAULT 0,
    UNIQUE (delivery_service_id, name)
);

-- A channel's own delivery-method name → our service.
CREATE TABLE delivery_method_mappings (
    id                  bigserial PRIMARY KEY,
    connection_id       bigint NOT NULL,
    channel_name        text   NOT NULL,
    delivery_service_id bigint NOT NULL REFERENCES delivery_services (id),
    created_at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (connection_id, channel_name)
);

CREATE TABLE payment_methods (
    id         bigserial PRIMARY KEY,
    name       text    NOT NULL UNIQUE,
    kind       text    NOT NULL CHECK (kind IN ('prepaid', 'credit_card', 'cod', 'deferred', 'other')),
    sort_order integer NOT NULL DEFAULT 0,
    disabled   boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- A channel's payment method (name and/or code, e.g. Rakuten settlementMethodCode) → ours.
CREATE TABLE payment_method_mappings (
    id                bigserial PRIMARY KEY,
    connection_id     bigint NOT NULL,
    channel_name      text   NOT NULL DEFAULT '',
    channel_code      text   NOT NULL DEFAULT '',
    payment_method_id bigint NOT NULL REFERENCES payment_methods (id),
    created_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (connection_id, channel_name, channel_code)
);

CREATE TABLE products (
    id                  bigserial PRIMARY KEY,
    sku                 text    NOT NULL UNIQUE,
    name                text    NOT NULL,
    jan                 text    NOT NULL DEFAULT '',
    has_options         boolean NOT NULL DEFAULT false,
    handling_days       integer,          -- NULL: the marketplace's default
    low_stock_threshold integer,
    disabled            boolean NOT NULL DEFAULT false,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX products_jan_idx ON products (jan) WHERE jan <> '';

-- Channel item (+ option) → our product. RESTRICT: a mapped product is
-- "used" and can only be disabled.
CREATE TABLE product_mappings (
    id            bigserial PRIMARY KEY,
    connection_id bigint NOT NULL,
    item_code     text   NOT NULL,
    option_code   text   NOT NULL DEFAULT '',
    product_id    bigint NOT NULL REFERENCES products (id) ON DELETE RESTRICT,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (connection_id, item_code, option_code)
);
CREATE INDEX product_mappings_product_idx ON product_mappings (product_id);

-- Items a channel has shown us (orders, product imports); those without a
-- mapping are listed on 外部商品対応表 for operators to map.
CREATE TABLE channel_items (
    connection_id bigint NOT NULL,
    item_code     text   NOT NULL,
    option_code   text   NOT NULL DEFAULT '',
    name          text   NOT NULL DEFAULT '',
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (connection_id, item_code, option_code)
);

-- Uploads between preview and apply live here, not in the session cookie.
CREATE TABLE master_uploads (
    id              bigserial PRIMARY KEY,
    kind            text    NOT NULL CHECK (kind IN ('products', 'mappings')),
    filename        text    NOT NULL DEFAULT '',
    layout          text    NOT NULL DEFAULT '',
    code_column     text    NOT NULL DEFAULT '',
    encoding        text    NOT NULL DEFAULT '',
    created_by      bigint REFERENCES users (id) ON DELETE SET NULL,
    new_count       integer NOT NULL DEFAULT 0,
    changed_count   integer NOT NULL DEFAULT 0,
    unchanged_count integer NOT NULL DEFAULT 0,
    invalid_count   integer NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    applied_at      timestamptz
);

CREATE TABLE product_upload_rows (
    upload_id           bigint  NOT NULL REFERENCES master_uploads (id) ON DELETE CASCADE,
    line                integer NOT NULL,
    status              text    NOT NULL,
    sku                 text    NOT NULL,
    name                text    NOT NULL,
    jan                 text    NOT NULL,
    has_options         boolean NOT NULL,
    handling_days       integer,
    low_stock_threshold integer,
    PRIMARY KEY (upload_id, line)
);

CREATE TABLE mapping_upload_rows (
    upload_id     bigint  NOT NULL REFERENCES master_uploads (id) ON DELETE CASCADE,
    line          integer NOT NULL,
    status        text    NOT NULL,
    connection_id bigint  NOT NULL,
    item_code     text    NOT NULL,
    option_code   text    NOT NULL,
    sku           text    NOT NULL,
    PRIMARY KEY (upload_id, line)
);

CREATE TABLE upload_errors (
    upload_id   bigint  NOT NULL REFERENCES master_uploads (id) ON DELETE CASCADE,
    seq         integer NOT NULL,
    line        integer NOT NULL,
    column_name text    NOT NULL,
    reason      text    NOT NULL,
    PRIMARY KEY (upload_id, seq)
);

-- Seeds: the carriers, services and payment methods the seed pages name,
-- with each marketplace's code (marketplaces/*.md). Interpark has no code
-- for Japanese carriers except Sagawa; 169167 is its "기타 (other)".
INSERT INTO carriers (name, rakuten_code, amazon_code, interpark_code, shopserve_name, sort_order) VALUES
    ('ヤマト運輸', '1001', 'YAMATO',               '169167', 'ヤマト運輸', 10),
    ('佐川急便',   '1002', 'SAGAWA',               '231491', '佐川急便',   20),
    ('日本郵便',   '1003', 'Japan Post',           '169167', '日本郵便',   30),
    ('西濃運輸',   '1004', 'SEINO TRANSPORTATION', '169167', '西濃運輸',   40),
    ('福山通運',   '1006', 'Other',                '169167', '福山通運',   50),
    ('名鉄NX運輸', '1031', 'Other',                '169167', 'その他',     60),
    ('トナミ運輸', '1008', 'Other',                '169167', 'その他',     70),
    ('日本通運',   '1021', 'NITTSU',               '169167', 'その他',     80),
    ('エコ配',     '1016', 'Other',                '169167', 'その他',     90),
    ('その他',     '1000', 'Other',                '169167', 'その他',    999);

INSERT INTO delivery_services (carrier_id, name)
SELECT c.id, s.name FROM carriers c JOIN (VALUES
    ('ヤマト運輸', '宅急便'), ('ヤマト運輸', 'ネコポス'), ('ヤマト運輸', '宅急便コンパクト'),
    ('佐川急便', '飛脚宅配便'),
    ('日本郵便', 'ゆうパック'), ('日本郵便', 'ゆうパケット'), ('日本郵便', 'ゆうメール'),
    ('西濃運輸', 'カンガルー便'), ('福山通運', 'フクツー宅配便'),
    ('その他', 'Amazon 仮配送方法')
) AS s (carrier, name) ON s.carrier = c.name;

INSERT INTO time_slots (delivery_service_id, name, rakuten_shipping_term, sort_order)
SELECT d.id, t.name, t.term, t.ord
FROM delivery_services d JOIN carriers c ON c.id = d.carrier_id
JOIN (VALUES
    ('ヤマト運輸', '宅急便', '午前中', '1', 1), ('ヤマト運輸', '宅急便', '14-16時', '1416', 2),
    ('ヤマト運輸', '宅急便', '16-18時', '1618', 3), ('ヤマト運輸', '宅急便', '18-20時', '1820', 4),
    ('ヤマト運輸', '宅急便', '19-21時', '1921', 5),
    ('佐川急便', '飛脚宅配便', '午前中', '1', 1), ('佐川急便', '飛脚宅配便', '12-14時', '1214', 2),
    ('佐川急便', '飛脚宅配便', '14-16時', '1416', 3), ('佐川急便', '飛脚宅配便', '16-18時', '1618', 4),
    ('佐川急便', '飛脚宅配便', '18-20時', '1820', 5), ('佐川急便', '飛脚宅配便', '19-21時', '1921', 6),
    ('日本郵便', 'ゆうパック', '午前中', '1', 1), ('日本郵便', 'ゆうパック', '12-14時', '1214', 2),
    ('日本郵便', 'ゆうパック', '14-16時', '1416', 3), ('日本郵便', 'ゆうパック', '16-18時', '1618', 4),
    ('日本郵便', 'ゆうパック', '18-20時', '1820', 5), ('日本郵便', 'ゆうパック', '19-21時', '1921', 6)
) AS t (carrier, service, name, term, ord) ON t.carrier = c.name AND t.service = d.name;

-- Payment methods named by the seeds (Shopserve's list, Amazon's three,
-- the deferred providers) with when each counts as paid.
INSERT INTO payment_methods (name, kind, sort_order) VALUES
    ('銀行振込', 'prepaid', 10),
    ('コンビニ(番号端末式)', 'prepaid', 20),
    ('銀行ATM・ネットバンキング決済', 'prepaid', 30),
    ('コンビニ決済(払込票)', 'prepaid', 40),
    ('郵便振替', 'prepaid', 50),
    ('コンビニ', 'prepaid', 60),
    ('クレジットカード', 'credit_card', 100),
    ('代金引換', 'cod', 200),
    ('後払い', 'deferred', 300),
    ('NP後払い', 'deferred', 310),
    ('Paidy', 'deferred', 320),
    ('自由決済', 'other', 400),
    ('その他発払い', 'other', 410),
    ('Amazon 仮支払方法', 'other', 420);

-- +goose Down
DROP TABLE upload_errors;
DROP TABLE mapping_upload_rows;
DROP TABLE product_upload_rows;
DROP TABLE master_uploads;
DROP TABLE channel_items;
DROP TABLE product_mappings;
DROP TABLE products;
DROP TABLE payment_method_mappings;
DROP TABLE payment_methods;
DROP TABLE time_slots;
DROP TABLE delivery_method_mappings;
DROP TABLE delivery_services;
DROP TABLE carriers;
