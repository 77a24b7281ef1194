-- 在庫一覧 (and 商品マスタ) search part of a SKU, 商品名 or JAN with ILIKE
-- '%…%'; at 100,000 SKUs a scan of every product per page is too slow,
-- trigram indexes answer it from three characters on.

-- +goose Up
CREATE INDEX products_sku_trgm_idx ON products USING gin (sku gin_trgm_ops);
CREATE INDEX products_name_trgm_idx ON products USING gin (name gin_trgm_ops);
CREATE INDEX products_jan_trgm_idx ON products USING gin (jan gin_trgm_ops);

-- +goose Down
DROP INDEX products_jan_trgm_idx;
DROP INDEX products_name_trgm_idx;
DROP INDEX products_sku_trgm_idx;
