package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/upload"
)

// stockLevels returns the balances of the SKUs of 商品マスタ among skus
// (zero for those without a stock row); unknown SKUs are absent.
func stockLevels(ctx context.Context, q sqlx.QueryerContext, skus []string) (map[string]domain.StockLevel, error) {
	rows, err := q.QueryContext(ctx, `SELECT p.sku, coalesce(s.on_hand, 0), coalesce(s.allocated, 0), coalesce(s.safety, 0)
		FROM products p LEFT JOIN stock s ON s.sku = p.sku AND s.warehouse_id = $1
		WHERE p.sku = ANY($2)`, domain.DefaultWarehouse, pq.Array(skus))
	if err != nil {
		return nil, fmt.Errorf("store: stock levels: %w", err)
	}
	defer rows.Close()
	out := make(map[string]domain.StockLevel, len(skus))
	for rows.Next() {
		var l domain.StockLevel
		if err := rows.Scan(&l.SKU, &l.OnHand, &l.Allocated, &l.Safety); err != nil {
			return nil, err
		}
		out[l.SKU] = l
	}
	return out, rows.Err()
}

// PreviewStockUpload validates 在庫アップロード against the current stock
// and stages it under a new upload id. Nothing touches stock yet.
func (s *Store) PreviewStockUpload(ctx context.Context, meta Upload, t *upload.Table, mode upload.StockMode, mayChangeSafety bool) (*Upload, error) {
	if !mode.Valid() {
		return nil, &upload.FileError{Msg: "反映方法を選んでください"}
	}
	rows, errs, err := upload.ParseStock(t)
	if err != nil {
		return nil, err
	}
	skus := make([]string, len(rows))
	for i, r := range rows {
		skus[i] = r.SKU
	}
	levels, err := stockLevels(ctx, s.db, skus)
	if err != nil {
		return nil, err
	}
	_, statuses, planErrs := upload.PlanStock(rows, mode, levels, mayChangeSafety)
	errs = append(errs, planErrs...)
	for _, st := range statuses {
		switch st {
		case upload.StatusChanged:
			meta.Changed++
		case upload.StatusUnchanged:
			meta.Unchanged++
		}
	}
	meta.Invalid = upload.InvalidLines(errs)
	meta.Kind, meta.Encoding, meta.StockMode = UploadStock, t.Encoding, string(mode)
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := insertUpload(ctx, tx, &meta); err != nil {
			return err
		}
		if err := stageStockRows(ctx, tx, meta.ID, rows, statuses); err != nil {
			return err
		}
		return insertUploadErrors(ctx, tx, meta.ID, sortedErrors(errs))
	})
	if err != nil {
		return nil, err
	}
	return &meta, nil
}

func sortedErrors(errs []upload.RowError) []upload.RowError {
	out := append([]upload.RowError(nil), errs...)
	for i := 1; i < len(out); i++ { // insertion sort keeps columns in order within a row
		for j := i; j > 0 && out[j].Line < out[j-1].Line; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func stageStockRows(ctx context.Context, tx *sqlx.Tx, id int64, rows []upload.StockRow, statuses []upload.Status) error {
	for lo := 0; lo < len(rows); lo += stageChunk {
		hi := min(lo+stageChunk, len(rows))
		n := hi - lo
		lines, qty := make(pq.Int64Array, n), make(pq.Int64Array, n)
		sku, reason, st := make(pq.StringArray, n), make(pq.StringArray, n), make(pq.StringArray, n)
		safety := make([]sql.NullInt64, n)
		for i, r := range rows[lo:hi] {
			lines[i], qty[i], sku[i], reason[i], st[i] = int64(r.Line), int64(r.Quantity), r.SKU, r.Reason, string(statuses[lo+i])
			safety[i] = mstNullInt(r.Safety)
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO stock_upload_rows (upload_id, line, sku, quantity, safety, reason, status)
			SELECT $1, * FROM unnest($2::int[], $3::text[], $4::int[], $5::int[], $6::text[], $7::text[])`,
			id, lines, sku, qty, pq.Array(safety), reason, st); err != nil {
			return fmt.Errorf("stage stock rows: %w", err)
		}
	}
	return nil
}

// StagedStock returns up to limit changed rows of a stock upload, for the preview.
func (s *Store) StagedStock(ctx context.Context, id int64, limit int) ([]upload.StockRow, error) {
	var rows []upload.StockRow
	err := s.db.SelectContext(ctx, &rows, `SELECT line, sku, quantity, safety, reason FROM stock_upload_rows
		WHERE upload_id = $1 AND status = 'changed' ORDER BY line LIMIT $2`, id, limit)
	return rows, err
}

// ApplyStockUpload is 反映: every staged row in one transaction or none.
// The upload row is locked and marked applied in that transaction, so a
// double click applies once; rows are planned again against the locked
// stock, so a 上書き of figures already there writes nothing. It returns
// the SKUs it changed.
func (s *Store) ApplyStockUpload(ctx context.Context, id int64, actor string, mayChangeSafety bool) ([]string, error) {
	var changed []string
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var u Upload
		err := tx.GetContext(ctx, &u, `SELECT * FROM master_uploads WHERE id = $1 AND kind = $2 FOR UPDATE`, id, UploadStock)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if !u.Applicable() {
			return ErrUploadNotApplicable
		}
		var rows []upload.StockRow
		if err := tx.SelectContext(ctx, &rows, `SELECT line, sku, quantity, safety, reason FROM stock_upload_rows
			WHERE upload_id = $1 ORDER BY line`, id); err != nil {
			return err
		}
		skus := make([]string, len(rows))
		for i, r := range rows {
			skus[i] = r.SKU
		}
		ls, err := lockStock(ctx, tx, skus, true)
		if err != nil {
			return err
		}
		cur := make(map[string]domain.StockLevel, len(ls))
		for k, l := range ls {
			cur[k] = *l
		}
		plans, _, errs := upload.PlanStock(rows, upload.StockMode(u.StockMode), cur, mayChangeSafety)
		if len(errs) > 0 {
			e := errs[0]
			msg := fmt.Sprintf("%d行目の%s: %s", e.Line, e.Column, e.Reason)
			if e.Column != upload.StockColSafety {
				// The preview had no errors, so the stock moved since.
				msg += "（在庫が確認後に変わりました。もう一度アップロードしてください）"
			}
			return &StockError{Msg: msg + "。1行も反映していません。"}
		}
		var entries []domain.StockEntry
		for _, p := range plans {
			for _, e := range p {
				e.Actor, e.UploadID = actor, &id
				entries = append(entries, e)
				changed = append(changed, e.SKU)
			}
		}
		if err := ls.apply(ctx, tx, entries); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE master_uploads SET applied_at = now() WHERE id = $1`, id)
		return err
	})
	return sortedUnique(changed), err
}
