package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/renkei-oss/renkei/domain"
)

// StockError is a refused stock change, with a message for the operator.
type StockError struct{ Msg string }

func (e *StockError) Error() string { return e.Msg }

// IsStockError reports whether err is a refused stock change.
func IsStockError(err error) bool {
	var se *StockError
	return errors.As(err, &se)
}

// levels holds the locked balances of one transaction.
type levels map[string]*domain.StockLevel

// lockStock locks the stock rows of skus in SKU order, the one order every
// writer uses so concurrent writers never deadlock. With create, rows are
// made for SKUs of the 商品マスタ that have none yet; unknown SKUs are left
// out either way.
func lockStock(ctx context.Context, tx *sqlx.Tx, skus []string, create bool) (levels, error) {
	skus = sortedUnique(skus)
	if create {
		// The anti-join skips the rows that exist (most of them) before
		// ON CONFLICT has to probe for each; ON CONFLICT still covers a
		// concurrent writer creating the same row.
		if _, err := tx.ExecContext(ctx, `INSERT INTO stock (warehouse_id, sku)
			SELECT $1, p.sku FROM products p WHERE p.sku = ANY($2)
				AND NOT EXISTS (SELECT 1 FROM stock s WHERE s.warehouse_id = $1 AND s.sku = p.sku)
			ORDER BY p.sku ON CONFLICT DO NOTHING`, domain.DefaultWarehouse, pq.Array(skus)); err != nil {
			return nil, fmt.Errorf("store: create stock rows: %w", err)
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT sku, on_hand, allocated, safety FROM stock
		WHERE warehouse_id = $1 AND sku = ANY($2) ORDER BY sku FOR UPDATE`, domain.DefaultWarehouse, pq.Array(skus))
	if err != nil {
		return nil, fmt.Errorf("store: lock stock: %w", err)
	}
	defer rows.Close()
	ls := levels{}
	for rows.Next() {
		var l domain.StockLevel
		if err := rows.Scan(&l.SKU, &l.OnHand, &l.Allocated, &l.Safety); err != nil {
			return nil, err
		}
		ls[l.SKU] = &l
	}
	return ls, rows.Err()
}

func sortedUnique(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	n := 0
	for i, v := range out {
		if i == 0 || v != out[n-1] {
			out[n] = v
			n++
		}
	}
	return out[:n]
}

// apply adds the entries to the locked levels (filling their balances) and
// writes the ledger rows and the new balances: the two are always written
// together, so the figures stay the ledger's sums.
func (ls levels) apply(ctx context.Context, tx *sqlx.Tx, entries []domain.StockEntry) error {
	if len(entries) == 0 {
		return nil
	}
	n := len(entries)
	var (
		skus, kinds, actors, reasons = make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		don, dal, dsa, aon, aal, asa = make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
		orders, uploads              = make([]int64, n), make([]int64, n)
	)
	for i := range entries {
		e := &entries[i]
		l, ok := ls[e.SKU]
		if !ok {
			return &StockError{Msg: fmt.Sprintf("%s: 商品マスタに登録されていないSKUです", e.SKU)}
		}
		if err := l.Apply(e); err != nil {
			return &StockError{Msg: err.Error()}
		}
		skus[i], kinds[i], actors[i], reasons[i] = e.SKU, string(e.Kind), e.Actor, e.Reason
		don[i], dal[i], dsa[i] = int64(e.OnHandDelta), int64(e.AllocatedDelta), int64(e.SafetyDelta)
		aon[i], aal[i], asa[i] = int64(e.OnHandAfter), int64(e.AllocatedAfter), int64(e.SafetyAfter)
		if e.ShipOrderID != nil {
			orders[i] = *e.ShipOrderID
		}
		if e.UploadID != nil {
			uploads[i] = *e.UploadID
		}
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO stock_ledger (warehouse_id, sku, kind, on_hand_delta, allocated_delta, safety_delta,
			on_hand_after, allocated_after, safety_after, actor, reason, ship_order_id, upload_id)
		SELECT $1, sku, kind, don, dal, dsa, aon, aal, asa, actor, reason, NULLIF(so, 0), NULLIF(up, 0)
		FROM unnest($2::text[], $3::text[], $4::int[], $5::int[], $6::int[], $7::int[], $8::int[], $9::int[],
			$10::text[], $11::text[], $12::bigint[], $13::bigint[])
			AS t(sku, kind, don, dal, dsa, aon, aal, asa, actor, reason, so, up)`,
		domain.DefaultWarehouse, pq.Array(skus), pq.Array(kinds), pq.Array(don), pq.Array(dal), pq.Array(dsa),
		pq.Array(aon), pq.Array(aal), pq.Array(asa), pq.Array(actors), pq.Array(reasons), pq.Array(orders), pq.Array(uploads)); err != nil {
		return fmt.Errorf("store: append stock ledger: %w", err)
	}
	return ls.save(ctx, tx, skus)
}

// save writes the balances of the given (changed) SKUs.
func (ls levels) save(ctx context.Context, tx *sqlx.Tx, changed []string) error {
	changed = sortedUnique(changed)
	on, al, sa := make([]int64, len(changed)), make([]int64, len(changed)), make([]int64, len(changed))
	for i, s := range changed {
		l := ls[s]
		on[i], al[i], sa[i] = int64(l.OnHand), int64(l.Allocated), int64(l.Safety)
	}
	_, err := tx.ExecContext(ctx, `UPDATE stock s SET on_hand = t.oh, allocated = t.al, safety = t.sa, updated_at = now()
		FROM unnest($2::text[], $3::int[], $4::int[], $5::int[]) AS t(sku, oh, al, sa)
		WHERE s.warehouse_id = $1 AND s.sku = t.sku`,
		domain.DefaultWarehouse, pq.Array(changed), pq.Array(on), pq.Array(al), pq.Array(sa))
	if err != nil {
		return fmt.Errorf("store: update stock: %w", err)
	}
	return nil
}

// AdjustStock is 手動調整: it adds delta (±) to a SKU's 実在庫数 with the
// operator's reason, in one transaction with its ledger row.
func (s *Store) AdjustStock(ctx context.Context, sku string, delta int, reason, actor string) error {
	if delta == 0 {
		return &StockError{Msg: "数量は0以外の整数で入力してください"}
	}
	if reason == "" {
		return &StockError{Msg: "理由を入力してください"}
	}
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		ls, err := lockStock(ctx, tx, []string{sku}, true)
		if err != nil {
			return err
		}
		return ls.apply(ctx, tx, []domain.StockEntry{{SKU: sku, Kind: domain.StockAdjust, OnHandDelta: delta, Actor: actor, Reason: reason}})
	})
}

// StockLevel is one SKU's stored balances (zero when it has no stock row).
func (s *Store) StockLevel(ctx context.Context, sku string) (domain.StockLevel, error) {
	l := domain.StockLevel{SKU: sku}
	err := s.db.QueryRowxContext(ctx, `SELECT on_hand, allocated, safety FROM stock WHERE warehouse_id = $1 AND sku = $2`,
		domain.DefaultWarehouse, sku).Scan(&l.OnHand, &l.Allocated, &l.Safety)
	if errors.Is(err, sql.ErrNoRows) {
		return l, nil
	}
	return l, err
}

// StockEntries is a SKU's 在庫履歴, newest first, a page of limit rows
// from offset.
func (s *Store) StockEntries(ctx context.Context, sku string, limit, offset int) ([]domain.StockEntry, error) {
	var es []domain.StockEntry
	err := s.db.SelectContext(ctx, &es, `SELECT id, at, warehouse_id, sku, kind, on_hand_delta, allocated_delta,
		safety_delta, on_hand_after, allocated_after, safety_after, actor, reason, ship_order_id, upload_id
		FROM stock_ledger WHERE warehouse_id = $1 AND sku = $2 ORDER BY id DESC LIMIT $3 OFFSET $4`,
		domain.DefaultWarehouse, sku, limit, offset)
	return es, err
}

// CountStockEntries counts a SKU's 在庫履歴 rows, for paging.
func (s *Store) CountStockEntries(ctx context.Context, sku string) (int, error) {
	var n int
	err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM stock_ledger WHERE warehouse_id = $1 AND sku = $2`,
		domain.DefaultWarehouse, sku)
	return n, err
}
