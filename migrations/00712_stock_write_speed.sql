-- Writing 100,000 stock rows at once (在庫アップロード, 引当) is mostly
-- PostgreSQL's per-row work; two pieces of it buy nothing here.
--
-- stock: room on each page, so changing a figure (no indexed column) is a
-- HOT update that leaves the two indexes alone.
--
-- stock_ledger: its warehouse is the warehouse of the stock row written in
-- the same transaction, which stock's own key already checks; a second
-- check per ledger row only costs. Its upload and ship order references
-- stay, but as RESTRICT: the ledger is append-only, so ON DELETE SET NULL
-- could only ever fail in the append-only trigger with a confusing message.

-- +goose Up
ALTER TABLE stock SET (fillfactor = 80);
ALTER TABLE stock_ledger DROP CONSTRAINT stock_ledger_warehouse_id_fkey;
ALTER TABLE stock_ledger DROP CONSTRAINT stock_ledger_upload_id_fkey,
    ADD CONSTRAINT stock_ledger_upload_id_fkey FOREIGN KEY (upload_id) REFERENCES master_uploads (id) ON DELETE RESTRICT;
ALTER TABLE stock_ledger DROP CONSTRAINT stock_ledger_ship_order_id_fkey,
    ADD CONSTRAINT stock_ledger_ship_order_id_fkey FOREIGN KEY (ship_order_id) REFERENCES ship_orders (id) ON DELETE RESTRICT;

-- +goose Down
ALTER TABLE stock_ledger DROP CONSTRAINT stock_ledger_ship_order_id_fkey,
    ADD CONSTRAINT stock_ledger_ship_order_id_fkey FOREIGN KEY (ship_order_id) REFERENCES ship_orders (id) ON DELETE SET NULL;
ALTER TABLE stock_ledger DROP CONSTRAINT stock_ledger_upload_id_fkey,
    ADD CONSTRAINT stock_ledger_upload_id_fkey FOREIGN KEY (upload_id) REFERENCES master_uploads (id) ON DELETE SET NULL;
ALTER TABLE stock_ledger ADD CONSTRAINT stock_ledger_warehouse_id_fkey FOREIGN KEY (warehouse_id) REFERENCES warehouses (id);
ALTER TABLE stock RESET (fillfactor);
