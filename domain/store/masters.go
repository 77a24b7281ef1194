package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/renkei-oss/renkei/domain"
)

// ErrDuplicateName: another row of the master already has the name.
var ErrDuplicateName = errors.New("store: duplicate name")

// ErrUnknownConnection: a mapping names a connection that does not exist
// (never created, or deleted meanwhile).
var ErrUnknownConnection = errors.New("store: unknown connection")

// unknownConnection turns a violation of a masters table's connection_id
// reference (migration 00210) into ErrUnknownConnection.
func unknownConnection(err error) error {
	var pe *pq.Error
	if errors.As(err, &pe) && pe.Code == "23503" && strings.HasSuffix(pe.Constraint, "_connection_id_fkey") {
		return ErrUnknownConnection
	}
	return err
}

// Carriers lists 配送会社 in display order.
func (s *Store) Carriers(ctx context.Context) ([]domain.Carrier, error) {
	var cs []domain.Carrier
	err := s.db.SelectContext(ctx, &cs, `
		SELECT id, name, rakuten_code, amazon_code, interpark_code, shopserve_name, sort_order, disabled
		FROM carriers ORDER BY sort_order, id`)
	return cs, err
}

// SaveCarrier inserts (ID 0) or updates a carrier.
func (s *Store) SaveCarrier(ctx context.Context, c *domain.Carrier) error {
	var err error
	if c.ID == 0 {
		err = s.db.QueryRowxContext(ctx, `
			INSERT INTO carriers (name, rakuten_code, amazon_code, interpark_code, shopserve_name, sort_order, disabled)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			c.Name, c.RakutenCode, c.AmazonCode, c.InterparkCode, c.ShopserveName, c.SortOrder, c.Disabled).Scan(&c.ID)
	} else {
		_, err = s.db.ExecContext(ctx, `
			UPDATE carriers SET name = $2, rakuten_code = $3, amazon_code = $4, interpark_code = $5,
			       shopserve_name = $6, sort_order = $7, disabled = $8, updated_at = now()
			WHERE id = $1`,
			c.ID, c.Name, c.RakutenCode, c.AmazonCode, c.InterparkCode, c.ShopserveName, c.SortOrder, c.Disabled)
	}
	if isUniqueViolation(err, "") {
		return ErrDuplicateName
	}
	return err
}

// DeliveryServices lists services with their carrier and time slots.
func (s *Store) DeliveryServices(ctx context.Context) ([]domain.DeliveryService, error) {
	var ds []domain.DeliveryService
	if err := s.db.SelectContext(ctx, &ds, `
		SELECT d.id, d.carrier_id, c.name AS carrier_name, d.name, d.disabled
		FROM delivery_services d JOIN carriers c ON c.id = d.carrier_id
		ORDER BY c.sort_order, c.id, d.id`); err != nil {
		return nil, fmt.Errorf("list delivery services: %w", err)
	}
	var slots []domain.TimeSlot
	if err := s.db.SelectContext(ctx, &slots, `
		SELECT id, delivery_service_id, name, rakuten_shipping_term, sort_order
		FROM time_slots ORDER BY delivery_service_id, sort_order, id`); err != nil {
		return nil, fmt.Errorf("list time slots: %w", err)
	}
	byID := make(map[int64]*domain.DeliveryService, len(ds))
	for i := range ds {
		byID[ds[i].ID] = &ds[i]
	}
	for _, t := range slots {
		if d := byID[t.ServiceID]; d != nil {
			d.TimeSlots = append(d.TimeSlots, t)
		}
	}
	return ds, nil
}

// DeliveryService returns one service with its slots.
func (s *Store) DeliveryService(ctx context.Context, id int64) (*domain.DeliveryService, error) {
	ds, err := s.DeliveryServices(ctx)
	if err != nil {
		return nil, err
	}
	for i := range ds {
		if ds[i].ID == id {
			return &ds[i], nil
		}
	}
	return nil, ErrNotFound
}

// SaveDeliveryService inserts or updates a service and makes its time slots
// exactly d.TimeSlots (matched by name, so slot ids survive an edit).
func (s *Store) SaveDeliveryService(ctx context.Context, d *domain.DeliveryService) error {
	return s.withMasterTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		if d.ID == 0 {
			err = tx.QueryRowxContext(ctx, `INSERT INTO delivery_services (carrier_id, name, disabled) VALUES ($1, $2, $3) RETURNING id`,
				d.CarrierID, d.Name, d.Disabled).Scan(&d.ID)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE delivery_services SET carrier_id = $2, name = $3, disabled = $4, updated_at = now() WHERE id = $1`,
				d.ID, d.CarrierID, d.Name, d.Disabled)
		}
		if isUniqueViolation(err, "") {
			return ErrDuplicateName
		}
		if err != nil {
			return err
		}
		names := make([]string, 0, len(d.TimeSlots))
		for i, t := range d.TimeSlots {
			names = append(names, t.Name)
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO time_slots (delivery_service_id, name, rakuten_shipping_term, sort_order) VALUES ($1, $2, $3, $4)
				ON CONFLICT (delivery_service_id, name) DO UPDATE SET rakuten_shipping_term = excluded.rakuten_shipping_term, sort_order = excluded.sort_order`,
				d.ID, t.Name, t.RakutenShippingTerm, i+1); err != nil {
				if isUniqueViolation(err, "") {
					return ErrDuplicateName
				}
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM time_slots WHERE delivery_service_id = $1 AND NOT (name = ANY($2))`, d.ID, pq.StringArray(names))
		return err
	})
}

// PaymentMethods lists 支払方法 in display order.
func (s *Store) PaymentMethods(ctx context.Context) ([]domain.PaymentMethod, error) {
	var ps []domain.PaymentMethod
	err := s.db.SelectContext(ctx, &ps, `SELECT id, name, kind, sort_order, disabled FROM payment_methods ORDER BY sort_order, id`)
	return ps, err
}

// SavePaymentMethod inserts (ID 0) or updates a payment method.
func (s *Store) SavePaymentMethod(ctx context.Context, p *domain.PaymentMethod) error {
	var err error
	if p.ID == 0 {
		err = s.db.QueryRowxContext(ctx, `INSERT INTO payment_methods (name, kind, sort_order, disabled) VALUES ($1, $2, $3, $4) RETURNING id`,
			p.Name, p.Kind, p.SortOrder, p.Disabled).Scan(&p.ID)
	} else {
		_, err = s.db.ExecContext(ctx, `UPDATE payment_methods SET name = $2, kind = $3, sort_order = $4, disabled = $5, updated_at = now() WHERE id = $1`,
			p.ID, p.Name, p.Kind, p.SortOrder, p.Disabled)
	}
	if isUniqueViolation(err, "") {
		return ErrDuplicateName
	}
	return err
}

// DeliveryMethodMappings lists channel delivery-method names → services.
func (s *Store) DeliveryMethodMappings(ctx context.Context) ([]domain.DeliveryMethodMapping, error) {
	var ms []domain.DeliveryMethodMapping
	err := s.db.SelectContext(ctx, &ms, `
		SELECT m.id, m.connection_id, m.channel_name, m.delivery_service_id, d.name AS service_name, c.name AS carrier_name
		FROM delivery_method_mappings m JOIN delivery_services d ON d.id = m.delivery_service_id
		JOIN carriers c ON c.id = d.carrier_id ORDER BY m.connection_id, m.channel_name`)
	return ms, err
}

// SaveDeliveryMethodMapping adds or re-points a channel's delivery-method name.
func (s *Store) SaveDeliveryMethodMapping(ctx context.Context, m *domain.DeliveryMethodMapping) error {
	return unknownConnection(s.db.QueryRowxContext(ctx, `
		INSERT INTO delivery_method_mappings (connection_id, channel_name, delivery_service_id) VALUES ($1, $2, $3)
		ON CONFLICT (connection_id, channel_name) DO UPDATE SET delivery_service_id = excluded.delivery_service_id
		RETURNING id`, m.ConnectionID, m.ChannelName, m.DeliveryServiceID).Scan(&m.ID))
}

// DeleteDeliveryMethodMapping removes one mapping.
func (s *Store) DeleteDeliveryMethodMapping(ctx context.Context, id int64) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM delivery_method_mappings WHERE id = $1`, id)
	return err
}

// DeliveryServiceForChannel resolves a channel's delivery-method name for
// order imports; ErrNotFound means "unknown delivery method" (park the order).
func (s *Store) DeliveryServiceForChannel(ctx context.Context, connectionID int64, channelName string) (int64, error) {
	var id int64
	err := s.db.GetContext(ctx, &id, `SELECT delivery_service_id FROM delivery_method_mappings WHERE connection_id = $1 AND channel_name = $2`,
		connectionID, channelName)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	return id, err
}

// PaymentMethodMappings lists channel payment methods → ours.
func (s *Store) PaymentMethodMappings(ctx context.Context) ([]domain.PaymentMethodMapping, error) {
	var ms []domain.PaymentMethodMapping
	err := s.db.SelectContext(ctx, &ms, `
		SELECT m.id, m.connection_id, m.channel_name, m.channel_code, m.payment_method_id, p.name AS method_name
		FROM payment_method_mappings m JOIN payment_methods p ON p.id = m.payment_method_id
		ORDER BY m.connection_id, m.channel_name, m.channel_code`)
	return ms, err
}

// SavePaymentMethodMapping adds or re-points a channel payment method.
func (s *Store) SavePaymentMethodMapping(ctx context.Context, m *domain.PaymentMethodMapping) error {
	return unknownConnection(s.db.QueryRowxContext(ctx, `
		INSERT INTO payment_method_mappings (connection_id, channel_name, channel_code, payment_method_id) VALUES ($1, $2, $3, $4)
		ON CONFLICT (connection_id, channel_name, channel_code) DO UPDATE SET payment_method_id = excluded.payment_method_id
		RETURNING id`, m.ConnectionID, m.ChannelName, m.ChannelCode, m.PaymentMethodID).Scan(&m.ID))
}

// DeletePaymentMethodMapping removes one mapping.
func (s *Store) DeletePaymentMethodMapping(ctx context.Context, id int64) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM payment_method_mappings WHERE id = $1`, id)
	return err
}

// PaymentMethodForChannel resolves a channel's payment method: by code when
// the channel sends one (Rakuten settlementMethodCode), else by name.
func (s *Store) PaymentMethodForChannel(ctx context.Context, connectionID int64, channelName, channelCode string) (*domain.PaymentMethod, error) {
	var p domain.PaymentMethod
	err := s.db.GetContext(ctx, &p, `
		SELECT p.id, p.name, p.kind, p.sort_order, p.disabled
		FROM payment_method_mappings m JOIN payment_methods p ON p.id = m.payment_method_id
		WHERE m.connection_id = $1 AND ((m.channel_code <> '' AND m.channel_code = $3) OR (m.channel_code = '' AND m.channel_name = $2))
		ORDER BY (m.channel_code <> '') DESC LIMIT 1`, connectionID, channelName, channelCode)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return &p, err
}
