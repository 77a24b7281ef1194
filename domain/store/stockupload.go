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
	plans, statuses, planErrs := upload.PlanStock(rows, mode, levels, mayChangeSafety)
	errs = append(errs, planErrs...)
	steps := make([]upload.StockStep, len(rows))
	for i, r := range rows {
		before, ok := levels[r.SKU]
		if !ok {
			before = domain.StockLevel{SKU: r.SKU}
		}
		if steps[i], err = upload.Step(before, plans[i]); err != nil {
			return nil, err
		}
	}
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
		if err := stageStockRows(ctx, tx, meta.ID, rows, statuses, steps); err != nil {
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

func stageStockRows(ctx context.Context, tx *sqlx.Tx, id int64, rows []upload.StockRow, statuses []upload.Status, steps []upload.StockStep) error {
	for lo := 0; lo < len(rows); lo += stageChunk {
		hi := min(lo+stageChunk, len(rows))
		n := hi - lo
		lines, qty := make(pq.Int64Array, n), make(pq.Int64Array, n)
		sku, reason, st := make(pq.StringArray, n), make(pq.StringArray, n), make(pq.StringArray, n)
		safety := make([]sql.NullInt64, n)
		var b [7]pq.Int64Array // on_hand/allocated/safety before, deltas, on_hand/safety after
		for k := range b {
			b[k] = make(pq.Int64Array, n)
		}
		for i, r := range rows[lo:hi] {
			lines[i], qty[i], sku[i], reason[i], st[i] = int64(r.Line), int64(r.Quantity), r.SKU, r.Reason, string(statuses[lo+i])
			safety[i] = mstNullInt(r.Safety)
			p := steps[lo+i]
			for k, v := range []int{p.Before.OnHand, p.Before.Allocated, p.Before.Safety, p.OnHandDelta, p.SafetyDelta, p.After.OnHand, p.After.Safety} {
				b[k][i] = int64(v)
			}
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO stock_upload_rows (upload_id, line, sku, quantity, safety, reason, status, planned,
				on_hand_before, allocated_before, safety_before, on_hand_delta, safety_delta, on_hand_after, safety_after)
			SELECT $1, line, sku, qty, safety, reason, st, true, ob, ab, sb, od, sd, oa, sa
			FROM unnest($2::int[], $3::text[], $4::int[], $5::int[], $6::text[], $7::text[],
				$8::int[], $9::int[], $10::int[], $11::int[], $12::int[], $13::int[], $14::int[])
				AS t(line, sku, qty, safety, reason, st, ob, ab, sb, od, sd, oa, sa)`,
			id, lines, sku, qty, pq.Array(safety), reason, st, b[0], b[1], b[2], b[3], b[4], b[5], b[6]); err != nil {
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
// double click applies once. When none of its SKUs moved since the
// preview, the plan staged with the rows is written as it is; otherwise the
// rows are planned again against the locked stock, so a 上書き of figures
// already there writes nothing. It returns the SKUs it changed.
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
		mode := upload.StockMode(u.StockMode)
		var planned bool
		if changed, planned, err = applyPlanned(ctx, tx, id, mode, actor, mayChangeSafety); err == nil && !planned {
			changed, err = applyReplanned(ctx, tx, id, mode, actor, mayChangeSafety)
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE master_uploads SET applied_at = now() WHERE id = $1`, id)
		return err
	})
	return sortedUnique(changed), err
}

// applyPlanned locks the upload's stock rows (in SKU order, creating the
// missing ones) and, when every one still holds the balances its row was
// planned against, writes the staged plan: the ledger rows in file order
// and the balances after them. planned is false, with nothing written,
// when a SKU moved, a row predates staged plans, or the plan changes
// 予備在庫数 that this user may not.
func applyPlanned(ctx context.Context, tx *sqlx.Tx, id int64, mode upload.StockMode, actor string, mayChangeSafety bool) (changed []string, planned bool, err error) {
	if _, err := tx.ExecContext(ctx, `INSERT INTO stock (warehouse_id, sku)
		SELECT $1, r.sku FROM stock_upload_rows r JOIN products p ON p.sku = r.sku
		WHERE r.upload_id = $2 AND NOT EXISTS (SELECT 1 FROM stock s WHERE s.warehouse_id = $1 AND s.sku = r.sku)
		ORDER BY r.sku ON CONFLICT DO NOTHING`, domain.DefaultWarehouse, id); err != nil {
		return nil, false, fmt.Errorf("store: create stock rows: %w", err)
	}
	var moved int
	if err := tx.GetContext(ctx, &moved, `
		WITH locked AS (
			SELECT s.sku, s.on_hand, s.allocated, s.safety FROM stock s
			WHERE s.warehouse_id = $1 AND s.sku IN (SELECT sku FROM stock_upload_rows WHERE upload_id = $2)
			ORDER BY s.sku FOR UPDATE
		)
		SELECT count(*) FROM stock_upload_rows r LEFT JOIN locked l ON l.sku = r.sku
		WHERE r.upload_id = $2 AND (NOT r.planned OR l.sku IS NULL
			OR (l.on_hand, l.allocated, l.safety) <> (r.on_hand_before, r.allocated_before, r.safety_before)
			OR (r.safety_delta <> 0 AND NOT $3))`, domain.DefaultWarehouse, id, mayChangeSafety); err != nil {
		return nil, false, fmt.Errorf("store: lock stock of upload: %w", err)
	}
	if moved > 0 {
		return nil, false, nil
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO stock_ledger (warehouse_id, sku, kind, on_hand_delta, safety_delta,
			on_hand_after, allocated_after, safety_after, actor, reason, upload_id)
		SELECT $1, sku, kind, don, dsa, on_hand_after, allocated_before, sa, $4, reason, $2 FROM (
			SELECT line, 1 AS seq, sku, $3::text AS kind, on_hand_delta AS don, 0 AS dsa,
				on_hand_after, allocated_before, safety_before AS sa, reason
			FROM stock_upload_rows WHERE upload_id = $2 AND on_hand_delta <> 0
			UNION ALL
			SELECT line, 2, sku, $5, 0, safety_delta, on_hand_after, allocated_before, safety_after, reason
			FROM stock_upload_rows WHERE upload_id = $2 AND safety_delta <> 0
		) e ORDER BY line, seq`,
		domain.DefaultWarehouse, id, string(mode.Kind()), actor, string(domain.StockSafety)); err != nil {
		return nil, false, fmt.Errorf("store: append stock ledger: %w", err)
	}
	if err := tx.SelectContext(ctx, &changed, `
		UPDATE stock s SET on_hand = r.on_hand_after, safety = r.safety_after, updated_at = now()
		FROM stock_upload_rows r
		WHERE r.upload_id = $2 AND s.warehouse_id = $1 AND s.sku = r.sku AND (r.on_hand_delta <> 0 OR r.safety_delta <> 0)
		RETURNING s.sku`, domain.DefaultWarehouse, id); err != nil {
		return nil, false, fmt.Errorf("store: update stock: %w", err)
	}
	return changed, true, nil
}

// applyReplanned plans the staged rows again against the locked stock and
// writes that plan; a row that no longer fits refuses the whole upload.
func applyReplanned(ctx context.Context, tx *sqlx.Tx, id int64, mode upload.StockMode, actor string, mayChangeSafety bool) ([]string, error) {
	var rows []upload.StockRow
	if err := tx.SelectContext(ctx, &rows, `SELECT line, sku, quantity, safety, reason FROM stock_upload_rows
		WHERE upload_id = $1 ORDER BY line`, id); err != nil {
		return nil, err
	}
	skus := make([]string, len(rows))
	for i, r := range rows {
		skus[i] = r.SKU
	}
	ls, err := lockStock(ctx, tx, skus, true)
	if err != nil {
		return nil, err
	}
	cur := make(map[string]domain.StockLevel, len(ls))
	for k, l := range ls {
		cur[k] = *l
	}
	plans, _, errs := upload.PlanStock(rows, mode, cur, mayChangeSafety)
	if len(errs) > 0 {
		e := errs[0]
		msg := fmt.Sprintf("%d行目の%s: %s", e.Line, e.Column, e.Reason)
		if e.Column != upload.StockColSafety {
			// The preview had no errors, so the stock moved since.
			msg += "（在庫が確認後に変わりました。もう一度アップロードしてください）"
		}
		return nil, &StockError{Msg: msg + "。1行も反映していません。"}
	}
	var entries []domain.StockEntry
	var changed []string
	for _, p := range plans {
		for _, e := range p {
			e.Actor, e.UploadID = actor, &id
			entries = append(entries, e)
			changed = append(changed, e.SKU)
		}
	}
	return changed, ls.apply(ctx, tx, entries)
}
