-- 出荷確定 / 出荷取消 (issue 14): undoing a shipment puts the shipped units
-- back into 実在庫数 and 引当数 as its own kind of 在庫履歴 row.

-- +goose Up
ALTER TABLE stock_ledger DROP CONSTRAINT stock_ledger_kind_check;
ALTER TABLE stock_ledger ADD CONSTRAINT stock_ledger_kind_check
    CHECK (kind IN ('receipt', 'issue', 'stocktake', 'allocate', 'release', 'ship', 'unship', 'adjust', 'safety'));

-- +goose Down
ALTER TABLE stock_ledger DROP CONSTRAINT stock_ledger_kind_check;
ALTER TABLE stock_ledger ADD CONSTRAINT stock_ledger_kind_check
    CHECK (kind IN ('receipt', 'issue', 'stocktake', 'allocate', 'release', 'ship', 'adjust', 'safety'));
