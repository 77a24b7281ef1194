-- The masters tables (00100) were written before connections (00200) and
-- carry connection_id without a reference. A mapping, a seen channel item or
-- a staged upload row means nothing without its channel, so they go with
-- the connection (CASCADE). DeleteConnection still refuses while ship orders
-- reference the channel (ship_orders is RESTRICT), and the whole DELETE,
-- cascades included, is one statement, so a refused delete keeps them.
--
-- A fresh database has no rows in these tables when this runs (00100 seeds
-- none of them). An older database may hold rows of connections deleted
-- before this reference existed; they could never be used again, so they are
-- removed rather than left to block the constraint.

-- +goose Up
DELETE FROM delivery_method_mappings t WHERE NOT EXISTS (SELECT 1 FROM connections c WHERE c.id = t.connection_id);
DELETE FROM payment_method_mappings t WHERE NOT EXISTS (SELECT 1 FROM connections c WHERE c.id = t.connection_id);
DELETE FROM product_mappings t WHERE NOT EXISTS (SELECT 1 FROM connections c WHERE c.id = t.connection_id);
DELETE FROM channel_items t WHERE NOT EXISTS (SELECT 1 FROM connections c WHERE c.id = t.connection_id);
DELETE FROM mapping_upload_rows t WHERE NOT EXISTS (SELECT 1 FROM connections c WHERE c.id = t.connection_id);

ALTER TABLE delivery_method_mappings
    ADD CONSTRAINT delivery_method_mappings_connection_id_fkey
    FOREIGN KEY (connection_id) REFERENCES connections (id) ON DELETE CASCADE;
ALTER TABLE payment_method_mappings
    ADD CONSTRAINT payment_method_mappings_connection_id_fkey
    FOREIGN KEY (connection_id) REFERENCES connections (id) ON DELETE CASCADE;
ALTER TABLE product_mappings
    ADD CONSTRAINT product_mappings_connection_id_fkey
    FOREIGN KEY (connection_id) REFERENCES connections (id) ON DELETE CASCADE;
ALTER TABLE channel_items
    ADD CONSTRAINT channel_items_connection_id_fkey
    FOREIGN KEY (connection_id) REFERENCES connections (id) ON DELETE CASCADE;
ALTER TABLE mapping_upload_rows
    ADD CONSTRAINT mapping_upload_rows_connection_id_fkey
    FOREIGN KEY (connection_id) REFERENCES connections (id) ON DELETE CASCADE;

-- +goose Down
ALTER TABLE mapping_upload_rows DROP CONSTRAINT mapping_upload_rows_connection_id_fkey;
ALTER TABLE channel_items DROP CONSTRAINT channel_items_connection_id_fkey;
ALTER TABLE product_mappings DROP CONSTRAINT product_mappings_connection_id_fkey;
ALTER TABLE payment_method_mappings DROP CONSTRAINT payment_method_mappings_connection_id_fkey;
ALTER TABLE delivery_method_mappings DROP CONSTRAINT delivery_method_mappings_connection_id_fkey;
