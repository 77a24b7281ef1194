package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/renkei-oss/renkei/domain"
)

// ErrTrackingNoTaken is returned when the carrier's number is already a
// parcel (of this or another order): one number is one parcel.
var ErrTrackingNoTaken = errors.New("store: tracking number taken")

// Parcels lists an order's parcels in the order they were added.
func (s *Store) Parcels(ctx context.Context, orderID int64) ([]domain.Parcel, error) {
	var out []domain.Parcel
	err := s.db.SelectContext(ctx, &out, `
		SELECT p.id, p.ship_order_id, p.tracking_no, p.carrier_id, c.name AS carrier_name, p.created_at
		FROM ship_order_parcels p JOIN carriers c ON c.id = p.carrier_id
		WHERE p.ship_order_id = $1 ORDER BY p.id`, orderID)
	return out, err
}

// AddParcel adds a parcel with its (validated, normalised) tracking number
// and records it in the order's 履歴.
func (s *Store) AddParcel(ctx context.Context, orderID, carrierID int64, trackingNo, actor string) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		var carrier string
		err := tx.GetContext(ctx, &carrier, `
			INSERT INTO ship_order_parcels (ship_order_id, carrier_id, tracking_no)
			SELECT o.id, $2, $3 FROM ship_orders o WHERE o.id = $1
			RETURNING (SELECT name FROM carriers WHERE id = $2)`, orderID, carrierID, trackingNo)
		var pqErr *pq.Error
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return ErrNotFound
		case errors.As(err, &pqErr) && pqErr.Code == "23505":
			return ErrTrackingNoTaken
		case err != nil:
			return fmt.Errorf("store: add parcel: %w", err)
		}
		return afterParcels(ctx, tx, orderID, actor, "問番登録", carrier+" "+trackingNo)
	})
}

// RemoveParcel removes one parcel of the order and records it in 履歴.
func (s *Store) RemoveParcel(ctx context.Context, orderID, parcelID int64, actor string) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		var p domain.Parcel
		err := tx.GetContext(ctx, &p, `
			DELETE FROM ship_order_parcels p USING carriers c
			WHERE p.id = $1 AND p.ship_order_id = $2 AND c.id = p.carrier_id
			RETURNING p.tracking_no, c.name AS carrier_name`, parcelID, orderID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		} else if err != nil {
			return fmt.Errorf("store: remove parcel: %w", err)
		}
		return afterParcels(ctx, tx, orderID, actor, "問番削除", p.CarrierName+" "+p.TrackingNo)
	})
}

// afterParcels keeps ship_orders.tracking_no on the first parcel's number
// (what 出荷リスト shows and searches) and writes the 履歴 line.
func afterParcels(ctx context.Context, tx *sqlx.Tx, orderID int64, actor, kind, msg string) error {
	_, err := tx.ExecContext(ctx, `
		UPDATE ship_orders SET updated_at = now(), tracking_no = coalesce(
			(SELECT tracking_no FROM ship_order_parcels WHERE ship_order_id = $1 ORDER BY id LIMIT 1), '')
		WHERE id = $1`, orderID)
	if err != nil {
		return fmt.Errorf("store: order tracking number: %w", err)
	}
	return addEvents(ctx, tx, []domain.ShipOrderEvent{{ShipOrderID: orderID, Actor: actor, Kind: kind, Message: msg}})
}

// NextOwnLabelNo assigns the number printed on Renkei's own 送り状: digits
// behind a fixed prefix, unique because a sequence hands them out.
func (s *Store) NextOwnLabelNo(ctx context.Context) (string, error) {
	var n int64
	if err := s.db.GetContext(ctx, &n, `SELECT nextval('own_label_seq')`); err != nil {
		return "", fmt.Errorf("store: own label number: %w", err)
	}
	return domain.OwnLabelNo(n), nil
}
