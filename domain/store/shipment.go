package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/renkei-oss/renkei/domain"
)

// RefusedError is a change the domain refused, with its message for the
// operator.
type RefusedError struct{ Msg string }

func (e *RefusedError) Error() string { return e.Msg }

// ShipResult is what one 出荷確定 did: how many orders shipped and, for
// each refused one, why.
type ShipResult struct {
	Shipped int
	Refused []string
}

// shipCandidate is what 出荷確定 needs to decide an order.
type shipCandidate struct {
	ID             int64  `db:"id"`
	ChannelOrderNo string `db:"channel_order_no"`
	Status         string `db:"status"`
	TrackingNo     string `db:"tracking_no"`
	Parcels        int    `db:"parcels"`
}

// ConfirmShipments is 出荷確定: each order among ids that the domain lets
// ship moves 引当済 → 出荷済み with 出荷日 shipDate, and what it holds
// leaves 引当数 and 実在庫数 as 出荷 rows of 在庫履歴, all in one
// transaction. The others stay as they are, each with its reason.
func (s *Store) ConfirmShipments(ctx context.Context, ids []int64, shipDate time.Time, actor string) (ShipResult, error) {
	var res ShipResult
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		res = ShipResult{}
		var cands []shipCandidate
		if err := tx.SelectContext(ctx, &cands, `
			SELECT o.id, o.channel_order_no, o.status, o.tracking_no,
				(SELECT count(*) FROM ship_order_parcels p WHERE p.ship_order_id = o.id) AS parcels
			FROM ship_orders o WHERE o.id = ANY($1) ORDER BY o.id FOR UPDATE`, pq.Array(ids)); err != nil {
			return fmt.Errorf("store: lock orders to ship: %w", err)
		}
		var ok []int64
		for _, c := range cands {
			o := domain.ShipOrder{ChannelOrderNo: c.ChannelOrderNo, Status: domain.Status(c.Status), TrackingNo: c.TrackingNo}
			if msg := domain.ShipmentRefusal(o, c.Parcels); msg != "" {
				res.Refused = append(res.Refused, msg)
				continue
			}
			ok = append(ok, c.ID)
		}
		if len(ok) == 0 {
			return nil
		}
		if _, err := ShipAllocatedStock(ctx, tx, ok, actor); err != nil {
			return err
		}
		day := shipDate.Format(time.DateOnly)
		if _, err := tx.ExecContext(ctx, `UPDATE ship_orders SET status = $2, ship_date = $3::date, stock_shortage = '', updated_at = now()
			WHERE id = ANY($1)`, pq.Array(ok), string(domain.StatusShipped), day); err != nil {
			return fmt.Errorf("store: ship orders: %w", err)
		}
		res.Shipped = len(ok)
		return addEvents(ctx, tx, statusEvents(ok, actor, "出荷確定: 引当済 → 出荷済み（出荷日 "+day+"）"))
	})
	return res, err
}

func statusEvents(ids []int64, actor, msg string) []domain.ShipOrderEvent {
	evs := make([]domain.ShipOrderEvent, len(ids))
	for i, id := range ids {
		evs[i] = domain.ShipOrderEvent{ShipOrderID: id, Actor: actor, Kind: domain.EventStatusChanged, Message: msg}
	}
	return evs
}

// CancelShipment is 出荷取消: when the domain allows it, the order goes back
// 出荷済み → 引当済 without 出荷日, and the units it shipped return to
// 実在庫数 and 引当数 (出荷取消 rows of 在庫履歴), so it holds them again.
func (s *Store) CancelShipment(ctx context.Context, id int64, role domain.Role, actor string) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		os, err := loadShipOrders(ctx, tx, "o.id = $1 FOR UPDATE", id)
		if err != nil {
			return err
		}
		if len(os) == 0 {
			return ErrNotFound
		}
		if msg := domain.UnshipRefusal(os[0], role); msg != "" {
			return &RefusedError{Msg: msg}
		}
		if err := unshipStock(ctx, tx, id, actor); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE ship_orders SET status = $2, ship_date = NULL, updated_at = now()
			WHERE id = $1`, id, string(domain.StatusAllocated)); err != nil {
			return fmt.Errorf("store: unship order: %w", err)
		}
		return addEvents(ctx, tx, statusEvents([]int64{id}, actor, "出荷取消: 出荷済み → 引当済"))
	})
}

// unshipStock reverses what the order's 出荷 rows (net of earlier 出荷取消)
// took from stock and allocates it to the order again.
func unshipStock(ctx context.Context, tx *sqlx.Tx, id int64, actor string) error {
	var shipped []domain.SKUQty
	if err := tx.SelectContext(ctx, &shipped, `
		SELECT sku, sum(-on_hand_delta)::int AS quantity FROM stock_ledger
		WHERE ship_order_id = $1 AND kind IN ('ship', 'unship')
		GROUP BY sku HAVING sum(-on_hand_delta) > 0 ORDER BY sku`, id); err != nil {
		return fmt.Errorf("store: shipped quantities: %w", err)
	}
	skus := make([]string, len(shipped))
	qty := make([]int64, len(shipped))
	entries := make([]domain.StockEntry, len(shipped))
	for i, q := range shipped {
		skus[i], qty[i] = q.SKU, int64(q.Quantity)
		entries[i] = domain.StockEntry{SKU: q.SKU, Kind: domain.StockUnship, OnHandDelta: q.Quantity, AllocatedDelta: q.Quantity,
			Actor: actor, Reason: "出荷取消", ShipOrderID: &id}
	}
	ls, err := lockStock(ctx, tx, skus, false)
	if err != nil {
		return err
	}
	if err := ls.apply(ctx, tx, entries); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO stock_allocations (ship_order_id, warehouse_id, sku, quantity)
		SELECT $1, $2, s, q FROM unnest($3::text[], $4::int[]) AS t(s, q)`,
		id, domain.DefaultWarehouse, pq.Array(skus), pq.Array(qty)); err != nil {
		return fmt.Errorf("store: allocate again: %w", err)
	}
	return nil
}
