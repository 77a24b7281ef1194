package store

import (
	"context"
	"fmt"
	"slices"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/renkei-oss/renkei/domain"
)

// ownLabelPattern matches Renkei's own label numbers in SQL (domain.IsOwnLabelNo).
const ownLabelPattern = `^RK[0-9]{10}$`

// AssignOwnLabels gives each order in ids that may still get a 問番
// (domain.OwnLabelAssignable) and has no own label yet one parcel with a
// new own label number under the carrier その他, recorded in its 履歴.
// Orders that have one keep it: a reprint shows the same number. It returns
// the number of labels assigned.
func (s *Store) AssignOwnLabels(ctx context.Context, ids []int64, actor string) (int, error) {
	var statuses []string
	for _, st := range domain.Statuses {
		if domain.OwnLabelAssignable(st) {
			statuses = append(statuses, string(st))
		}
	}
	assigned := 0
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var added []domain.Parcel
		err := tx.SelectContext(ctx, &added, `
			INSERT INTO ship_order_parcels (ship_order_id, carrier_id, tracking_no)
			SELECT o.id, c.id, 'RK' || lpad(nextval('own_label_seq')::text, 10, '0')
			FROM ship_orders o JOIN carriers c ON c.name = $2
			WHERE o.id = ANY($1) AND o.status = ANY($3)
			  AND NOT EXISTS (SELECT 1 FROM ship_order_parcels p
				WHERE p.ship_order_id = o.id AND p.carrier_id = c.id AND p.tracking_no ~ $4)
			ORDER BY o.id
			RETURNING ship_order_id, tracking_no`,
			pq.Array(ids), domain.CarrierOther, pq.Array(statuses), ownLabelPattern)
		if err != nil {
			return fmt.Errorf("store: assign own labels: %w", err)
		}
		assigned = len(added)
		return afterOwnLabels(ctx, tx, added, actor)
	})
	return assigned, err
}

// afterOwnLabels is afterParcels for many orders at once.
func afterOwnLabels(ctx context.Context, tx *sqlx.Tx, added []domain.Parcel, actor string) error {
	if len(added) == 0 {
		return nil
	}
	ids := make([]int64, len(added))
	evs := make([]domain.ShipOrderEvent, len(added))
	for i, p := range added {
		ids[i] = p.ShipOrderID
		evs[i] = domain.ShipOrderEvent{ShipOrderID: p.ShipOrderID, Actor: actor, Kind: "問番登録",
			Message: domain.CarrierOther + " " + p.TrackingNo + "（送り状を発行）"}
	}
	_, err := tx.ExecContext(ctx, `
		UPDATE ship_orders o SET updated_at = now(), tracking_no = (
			SELECT tracking_no FROM ship_order_parcels WHERE ship_order_id = o.id ORDER BY id LIMIT 1)
		WHERE o.id = ANY($1)`, pq.Array(ids))
	if err != nil {
		return fmt.Errorf("store: order tracking numbers: %w", err)
	}
	return addEvents(ctx, tx, evs)
}

// ShippingLabels calls fn with one 送り状 per own-label parcel of the orders
// in ids, in the order of ids (AssignOwnLabels first gives them numbers),
// loading paperBatch orders at a time.
func (s *Store) ShippingLabels(ctx context.Context, ids []int64, fn func(domain.ShippingLabel) error) error {
	for batch := range slices.Chunk(ids, paperBatch) {
		slips, err := s.packingSlips(ctx, batch)
		if err != nil {
			return err
		}
		var nos []struct {
			ShipOrderID int64  `db:"ship_order_id"`
			TrackingNo  string `db:"tracking_no"`
		}
		err = s.db.SelectContext(ctx, &nos, `
			SELECT p.ship_order_id, p.tracking_no FROM ship_order_parcels p JOIN carriers c ON c.id = p.carrier_id
			WHERE p.ship_order_id = ANY($1) AND c.name = $2 AND p.tracking_no ~ $3
			ORDER BY p.ship_order_id, p.id`, pq.Array(batch), domain.CarrierOther, ownLabelPattern)
		if err != nil {
			return fmt.Errorf("store: own label numbers: %w", err)
		}
		byOrder := map[int64][]string{}
		for _, n := range nos {
			byOrder[n.ShipOrderID] = append(byOrder[n.ShipOrderID], n.TrackingNo)
		}
		for _, sl := range slips {
			if err := emitLabels(sl, byOrder[sl.Order.ID], fn); err != nil {
				return err
			}
		}
	}
	return nil
}

func emitLabels(sl domain.PackingSlip, nos []string, fn func(domain.ShippingLabel) error) error {
	carrier := sl.CarrierName
	if carrier == "" {
		carrier = domain.CarrierOther
	}
	for i, no := range nos {
		err := fn(domain.ShippingLabel{LabelNo: no, Parcel: i + 1, Parcels: len(nos), Order: sl.Order, From: sl.From,
			ChannelName: sl.ChannelName, ServiceName: sl.ServiceName, CarrierName: carrier})
		if err != nil {
			return err
		}
	}
	return nil
}

// OwnLabelCount is how many own labels the orders in ids have.
func (s *Store) OwnLabelCount(ctx context.Context, ids []int64) (int, error) {
	var n int
	err := s.db.GetContext(ctx, &n, `
		SELECT count(*) FROM ship_order_parcels p JOIN carriers c ON c.id = p.carrier_id
		WHERE p.ship_order_id = ANY($1) AND c.name = $2 AND p.tracking_no ~ $3`,
		pq.Array(ids), domain.CarrierOther, ownLabelPattern)
	if err != nil {
		return 0, fmt.Errorf("store: own labels: %w", err)
	}
	return n, nil
}
