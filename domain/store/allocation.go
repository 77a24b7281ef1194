package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/renkei-oss/renkei/domain"
)

// allocBatch is how many 出荷待ち orders one allocation transaction takes:
// big enough for set-based writes, small enough to hold row locks briefly.
const allocBatch = 2000

// AllocResult counts what an allocation did.
type AllocResult struct {
	Allocated int // moved to 引当済
	Short     int // stayed 出荷待ち for 在庫不足
}

// Allocate is 引当: it takes 出荷待ち orders oldest order date first (only
// ids when given) and moves each to 引当済 with all its lines' quantities
// in 引当数, or leaves it with its 在庫不足 reason. Each batch is one
// transaction. Orders another instance is allocating are skipped (SKIP
// LOCKED) and stock rows are locked in SKU order, so several instances
// may run at once without overselling.
func (s *Store) Allocate(ctx context.Context, ids []int64, actor string) (AllocResult, error) {
	var res AllocResult
	after := struct {
		at time.Time
		id int64
	}{time.Time{}, 0}
	for {
		var n int
		var last domain.AllocOrder
		err := s.inTx(ctx, func(tx *sqlx.Tx) error {
			orders, err := lockReady(ctx, tx, ids, after.at, after.id)
			if err != nil || len(orders) == 0 {
				n = 0
				return err
			}
			n, last = len(orders), orders[len(orders)-1]
			return allocateLocked(ctx, tx, orders, actor, &res)
		})
		if err != nil {
			return res, err
		}
		if n < allocBatch {
			return res, nil
		}
		after.at, after.id = last.OrderedAt, last.ID
	}
}

// lockReady locks the next batch of 出荷待ち orders after (at, id) with
// their lines, oldest first.
func lockReady(ctx context.Context, tx *sqlx.Tx, ids []int64, at time.Time, id int64) ([]domain.AllocOrder, error) {
	var heads []struct {
		ID        int64     `db:"id"`
		OrderedAt time.Time `db:"ordered_at"`
	}
	q := `SELECT id, ordered_at FROM ship_orders WHERE status = $1 AND (ordered_at, id) > ($2, $3)`
	args := []any{string(domain.StatusReady), at, id}
	if ids != nil {
		q += ` AND id = ANY($4)`
		args = append(args, pq.Array(ids))
	}
	q += fmt.Sprintf(` ORDER BY ordered_at, id LIMIT %d FOR UPDATE SKIP LOCKED`, allocBatch)
	if err := tx.SelectContext(ctx, &heads, q, args...); err != nil {
		return nil, fmt.Errorf("store: lock ready orders: %w", err)
	}
	if len(heads) == 0 {
		return nil, nil
	}
	orders := make([]domain.AllocOrder, len(heads))
	idx := make(map[int64]int, len(heads))
	oids := make([]int64, len(heads))
	for i, h := range heads {
		orders[i] = domain.AllocOrder{ID: h.ID, OrderedAt: h.OrderedAt}
		idx[h.ID], oids[i] = i, h.ID
	}
	rows, err := tx.QueryContext(ctx, `SELECT ship_order_id, sku, quantity FROM ship_order_lines
		WHERE ship_order_id = ANY($1)`, pq.Array(oids))
	if err != nil {
		return nil, fmt.Errorf("store: load order lines: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var oid int64
		var l domain.ShipOrderLine
		if err := rows.Scan(&oid, &l.SKU, &l.Quantity); err != nil {
			return nil, err
		}
		o := &orders[idx[oid]]
		o.Lines = append(o.Lines, l)
	}
	return orders, rows.Err()
}

func allocateLocked(ctx context.Context, tx *sqlx.Tx, orders []domain.AllocOrder, actor string, res *AllocResult) error {
	var skus []string
	for _, o := range orders {
		for _, l := range o.Lines {
			skus = append(skus, l.SKU)
		}
	}
	ls, err := lockStock(ctx, tx, skus, false)
	if err != nil {
		return err
	}
	avail := make(map[string]int, len(ls))
	for sku, l := range ls {
		avail[sku] = domain.StockFigures{OnHand: l.OnHand, Allocated: l.Allocated}.Allocatable()
	}
	var (
		entries             []domain.StockEntry
		took, short         []int64
		reasons             []string
		aOrders, aQty, aSKU = []int64{}, []int64{}, []string{}
	)
	for _, d := range domain.Allocate(orders, avail) {
		if d.Shortage != "" {
			short, reasons = append(short, d.OrderID), append(reasons, d.Shortage)
			continue
		}
		took = append(took, d.OrderID)
		oid := d.OrderID
		for _, t := range d.Take {
			entries = append(entries, domain.StockEntry{SKU: t.SKU, Kind: domain.StockAllocate, AllocatedDelta: t.Quantity, Actor: actor, ShipOrderID: &oid})
			aOrders, aSKU, aQty = append(aOrders, oid), append(aSKU, t.SKU), append(aQty, int64(t.Quantity))
		}
	}
	if err := ls.apply(ctx, tx, entries); err != nil {
		return err
	}
	if len(took) > 0 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO stock_allocations (ship_order_id, warehouse_id, sku, quantity)
			SELECT o, $1, s, q FROM unnest($2::bigint[], $3::text[], $4::int[]) AS t(o, s, q)`,
			domain.DefaultWarehouse, pq.Array(aOrders), pq.Array(aSKU), pq.Array(aQty)); err != nil {
			return fmt.Errorf("store: record allocations: %w", err)
		}
		if err := moveOrders(ctx, tx, took, domain.StatusAllocated, actor, "引当: 出荷待ち → 引当済"); err != nil {
			return err
		}
	}
	if len(short) > 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE ship_orders o SET stock_shortage = t.r, updated_at = now()
			FROM unnest($1::bigint[], $2::text[]) AS t(id, r) WHERE o.id = t.id AND o.stock_shortage <> t.r`,
			pq.Array(short), pq.Array(reasons)); err != nil {
			return fmt.Errorf("store: record shortages: %w", err)
		}
	}
	res.Allocated += len(took)
	res.Short += len(short)
	return nil
}

// moveOrders sets the status of locked orders and records the history row.
func moveOrders(ctx context.Context, tx *sqlx.Tx, ids []int64, to domain.Status, actor, message string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE ship_orders SET status = $2, stock_shortage = '', updated_at = now()
		WHERE id = ANY($1)`, pq.Array(ids), string(to)); err != nil {
		return fmt.Errorf("store: move orders to %s: %w", to, err)
	}
	evs := make([]domain.ShipOrderEvent, len(ids))
	for i, id := range ids {
		evs[i] = domain.ShipOrderEvent{ShipOrderID: id, Actor: actor, Kind: domain.EventStatusChanged, Message: message}
	}
	return addEvents(ctx, tx, evs)
}

// Deallocate is 引当解除: 引当済 orders (only ids when given) go back to
// 出荷待ち and their quantities leave 引当数. It returns how many moved.
func (s *Store) Deallocate(ctx context.Context, ids []int64, actor string) (int, error) {
	var n int
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		locked, err := lockOrders(ctx, tx, ids, domain.StatusAllocated)
		if err != nil || len(locked) == 0 {
			return err
		}
		if err := releaseLocked(ctx, tx, locked, domain.StockRelease, actor, "引当解除"); err != nil {
			return err
		}
		n = len(locked)
		return moveOrders(ctx, tx, locked, domain.StatusReady, actor, "引当解除: 引当済 → 出荷待ち")
	})
	return n, err
}

// lockOrders locks the orders among ids that are in status (all of them
// with ids nil), in id order, and returns their ids.
func lockOrders(ctx context.Context, tx *sqlx.Tx, ids []int64, status domain.Status) ([]int64, error) {
	q, args := `SELECT id FROM ship_orders WHERE status = $1`, []any{string(status)}
	if ids != nil {
		q += ` AND id = ANY($2)`
		args = append(args, pq.Array(ids))
	}
	var out []int64
	if err := tx.SelectContext(ctx, &out, q+` ORDER BY id FOR UPDATE`, args...); err != nil {
		return nil, fmt.Errorf("store: lock orders: %w", err)
	}
	return out, nil
}

// releaseLocked moves what locked orders hold out of 引当数: back to
// 引当可能数 (StockRelease, 確保数の再計算) or out of 実在庫数 as well
// (StockShip, 出荷確定).
func releaseLocked(ctx context.Context, tx *sqlx.Tx, orderIDs []int64, kind domain.StockKind, actor, reason string) error {
	var held []struct {
		OrderID  int64  `db:"ship_order_id"`
		SKU      string `db:"sku"`
		Quantity int    `db:"quantity"`
	}
	if err := tx.SelectContext(ctx, &held, `DELETE FROM stock_allocations WHERE ship_order_id = ANY($1)
		RETURNING ship_order_id, sku, quantity`, pq.Array(orderIDs)); err != nil {
		return fmt.Errorf("store: take allocations: %w", err)
	}
	skus := make([]string, len(held))
	for i, h := range held {
		skus[i] = h.SKU
	}
	ls, err := lockStock(ctx, tx, skus, false)
	if err != nil {
		return err
	}
	entries := make([]domain.StockEntry, len(held))
	for i, h := range held {
		oid := h.OrderID
		entries[i] = domain.StockEntry{SKU: h.SKU, Kind: kind, AllocatedDelta: -h.Quantity, Actor: actor, Reason: reason, ShipOrderID: &oid}
		if kind == domain.StockShip {
			entries[i].OnHandDelta = -h.Quantity
		}
	}
	return ls.apply(ctx, tx, entries)
}

// ReleaseAllocations is 確保数の再計算 inside a caller's transaction: the
// allocated orders among ids give their quantities back (cancel by an
// operator or by ステータス同期). The caller changes their status; it
// must hold no stock row locks yet (orders are locked first, then stock).
func ReleaseAllocations(ctx context.Context, tx *sqlx.Tx, ids []int64, actor, reason string) error {
	locked, err := lockAllocated(ctx, tx, ids)
	if err != nil || len(locked) == 0 {
		return err
	}
	return releaseLocked(ctx, tx, locked, domain.StockRelease, actor, reason)
}

// ShipAllocatedStock is 出荷確定's stock half inside the caller's
// transaction: what the 引当済 orders among ids hold leaves 引当数 and
// 実在庫数 as 出荷 rows of 在庫履歴. The caller moves the orders to 出荷済み.
// Orders with nothing allocated are left alone; it returns the ids it shipped.
func ShipAllocatedStock(ctx context.Context, tx *sqlx.Tx, ids []int64, actor string) ([]int64, error) {
	locked, err := lockAllocated(ctx, tx, ids)
	if err != nil || len(locked) == 0 {
		return nil, err
	}
	return locked, releaseLocked(ctx, tx, locked, domain.StockShip, actor, "出荷確定")
}

// lockAllocated locks all of ids whatever their status, then picks the
// 引当済 ones: an allocation committing meanwhile is waited for and seen,
// so its quantities are never left behind by the caller's status change.
func lockAllocated(ctx context.Context, tx *sqlx.Tx, ids []int64) ([]int64, error) {
	if _, err := tx.ExecContext(ctx, `SELECT 1 FROM ship_orders WHERE id = ANY($1) ORDER BY id FOR UPDATE`, pq.Array(ids)); err != nil {
		return nil, fmt.Errorf("store: lock orders: %w", err)
	}
	return lockOrders(ctx, tx, ids, domain.StatusAllocated)
}
