package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/renkei-oss/renkei/domain"
)

// ErrStandardMapping: standard conversion robots are read-only.
var ErrStandardMapping = errors.New("store: standard import mapping is read-only")

const importMappingColumns = `id, name, marketplace, standard, enabled, copied_from, ship_from_id,
	default_delivery_service_id, default_payment_method_id, delivery_map, payment_map, created_at, updated_at`

type importMappingRow struct {
	ID                       int64         `db:"id"`
	Name                     string        `db:"name"`
	Marketplace              string        `db:"marketplace"`
	Standard                 bool          `db:"standard"`
	Enabled                  bool          `db:"enabled"`
	CopiedFrom               sql.NullInt64 `db:"copied_from"`
	ShipFromID               sql.NullInt64 `db:"ship_from_id"`
	DefaultDeliveryServiceID sql.NullInt64 `db:"default_delivery_service_id"`
	DefaultPaymentMethodID   sql.NullInt64 `db:"default_payment_method_id"`
	DeliveryMap              []byte        `db:"delivery_map"`
	PaymentMap               []byte        `db:"payment_map"`
	CreatedAt                time.Time     `db:"created_at"`
	UpdatedAt                time.Time     `db:"updated_at"`
}

func (r importMappingRow) mapping() (domain.ImportMapping, error) {
	m := domain.ImportMapping{
		ID: r.ID, Name: r.Name, Marketplace: domain.Marketplace(r.Marketplace), Standard: r.Standard, Enabled: r.Enabled,
		CopiedFrom: ptrID(r.CopiedFrom), ShipFromID: ptrID(r.ShipFromID),
		DefaultDeliveryServiceID: ptrID(r.DefaultDeliveryServiceID), DefaultPaymentMethodID: ptrID(r.DefaultPaymentMethodID),
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
	if err := json.Unmarshal(r.DeliveryMap, &m.Delivery); err != nil {
		return m, fmt.Errorf("store: import mapping %d delivery map: %w", r.ID, err)
	}
	if err := json.Unmarshal(r.PaymentMap, &m.Payment); err != nil {
		return m, fmt.Errorf("store: import mapping %d payment map: %w", r.ID, err)
	}
	return m, nil
}

// ImportMappings lists the conversion robots, standard ones first.
func (s *Store) ImportMappings(ctx context.Context) ([]domain.ImportMapping, error) {
	var rows []importMappingRow
	if err := s.db.SelectContext(ctx, &rows, `SELECT `+importMappingColumns+` FROM import_mappings ORDER BY standard DESC, id`); err != nil {
		return nil, fmt.Errorf("store: list import mappings: %w", err)
	}
	out := make([]domain.ImportMapping, 0, len(rows))
	for _, r := range rows {
		m, err := r.mapping()
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, s.fillPaymentKinds(ctx, out)
}

// ImportMapping returns one conversion robot.
func (s *Store) ImportMapping(ctx context.Context, id int64) (domain.ImportMapping, error) {
	var r importMappingRow
	err := s.db.GetContext(ctx, &r, `SELECT `+importMappingColumns+` FROM import_mappings WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.ImportMapping{}, ErrNotFound
	}
	if err != nil {
		return domain.ImportMapping{}, err
	}
	m, err := r.mapping()
	if err != nil {
		return m, err
	}
	ms := []domain.ImportMapping{m}
	err = s.fillPaymentKinds(ctx, ms)
	return ms[0], err
}

// fillPaymentKinds looks the payment kinds and names up from the master,
// so a robot stores only ids and a renamed method shows its new name.
func (s *Store) fillPaymentKinds(ctx context.Context, ms []domain.ImportMapping) error {
	var pms []domain.PaymentMethod
	if err := s.db.SelectContext(ctx, &pms, `SELECT id, name, kind, sort_order, disabled FROM payment_methods`); err != nil {
		return fmt.Errorf("store: payment methods: %w", err)
	}
	byID := make(map[int64]domain.PaymentMethod, len(pms))
	for _, p := range pms {
		byID[p.ID] = p
	}
	for i := range ms {
		for j, nm := range ms[i].Payment {
			if p, ok := byID[nm.TargetID]; ok {
				ms[i].Payment[j].Kind, ms[i].Payment[j].TargetName = p.Kind, p.Name
			}
		}
		if id := ms[i].DefaultPaymentMethodID; id != nil {
			ms[i].DefaultPaymentKind = byID[*id].Kind
		}
	}
	return nil
}

// StandardImportMapping is the marketplace's read-only robot.
func (s *Store) StandardImportMapping(ctx context.Context, m domain.Marketplace) (domain.ImportMapping, error) {
	var id int64
	err := s.db.GetContext(ctx, &id, `SELECT id FROM import_mappings WHERE standard AND marketplace = $1`, string(m))
	if errors.Is(err, sql.ErrNoRows) {
		return domain.ImportMapping{}, ErrNotFound
	}
	if err != nil {
		return domain.ImportMapping{}, err
	}
	return s.ImportMapping(ctx, id)
}

// CopyImportMapping is 複製: an editable, disabled copy of robot id. The
// standard rules applied to the original are applied to the copy too, so
// a copy behaves like its original until edited.
func (s *Store) CopyImportMapping(ctx context.Context, id int64) (domain.ImportMapping, error) {
	orig, err := s.ImportMapping(ctx, id)
	if err != nil {
		return orig, err
	}
	c := orig.Copy()
	base := c.Name
	for i := 2; ; i++ {
		var taken bool
		if err := s.db.GetContext(ctx, &taken, `SELECT EXISTS (SELECT 1 FROM import_mappings WHERE name = $1)`, c.Name); err != nil {
			return c, err
		}
		if !taken {
			break
		}
		c.Name = fmt.Sprintf("%s (%d)", base, i)
	}
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := tx.QueryRowxContext(ctx, `
			INSERT INTO import_mappings (name, marketplace, standard, enabled, copied_from, ship_from_id,
				default_delivery_service_id, default_payment_method_id, delivery_map, payment_map)
			VALUES ($1, $2, false, false, $3, $4, $5, $6, $7, $8) RETURNING id, created_at, updated_at`,
			c.Name, string(c.Marketplace), id, nullID(c.ShipFromID), nullID(c.DefaultDeliveryServiceID),
			nullID(c.DefaultPaymentMethodID), nameMapJSON(c.Delivery), nameMapJSON(c.Payment)).
			Scan(&c.ID, &c.CreatedAt, &c.UpdatedAt); err != nil {
			return fmt.Errorf("store: copy import mapping: %w", err)
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO rule_mappings (rule_id, import_mapping_id)
			SELECT rule_id, $2 FROM rule_mappings WHERE import_mapping_id = $1`, id, c.ID)
		return err
	})
	return c, err
}

func nameMapJSON(nm []domain.NameMapping) string {
	if nm == nil {
		return "[]"
	}
	slim := make([]domain.NameMapping, len(nm))
	for i, m := range nm {
		slim[i] = domain.NameMapping{ChannelName: m.ChannelName, TargetID: m.TargetID}
	}
	return mustJSON(slim)
}

// SaveImportMapping updates an editable robot (name, enabled, origin,
// defaults, name mappings). Standard robots are refused.
func (s *Store) SaveImportMapping(ctx context.Context, m *domain.ImportMapping) error {
	res, err := s.db.ExecContext(ctx, `
		UPDATE import_mappings SET name = $2, enabled = $3, ship_from_id = $4, default_delivery_service_id = $5,
			default_payment_method_id = $6, delivery_map = $7, payment_map = $8, updated_at = now()
		WHERE id = $1 AND NOT standard`,
		m.ID, m.Name, m.Enabled, nullID(m.ShipFromID), nullID(m.DefaultDeliveryServiceID), nullID(m.DefaultPaymentMethodID),
		nameMapJSON(m.Delivery), nameMapJSON(m.Payment))
	if isUniqueViolation(err, "") {
		return ErrDuplicateName
	}
	if err != nil {
		return fmt.Errorf("store: save import mapping: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrStandardMapping
	}
	return nil
}

// ImportState is a connection's robot and diff cursor.
type ImportState struct {
	MappingID int64
	Cursor    *time.Time
}

// ConnectionImportState returns the robot the connection uses (its
// marketplace's standard one unless set) and its diff cursor.
func (s *Store) ConnectionImportState(ctx context.Context, connID int64) (ImportState, error) {
	var r struct {
		MappingID sql.NullInt64 `db:"import_mapping_id"`
		Cursor    sql.NullTime  `db:"cursor_at"`
		Standard  int64         `db:"standard_id"`
	}
	err := s.db.GetContext(ctx, &r, `
		SELECT st.import_mapping_id, st.cursor_at, m.id AS standard_id
		FROM connections c
		JOIN import_mappings m ON m.standard AND m.marketplace = c.marketplace
		LEFT JOIN order_import_states st ON st.connection_id = c.id
		WHERE c.id = $1`, connID)
	if errors.Is(err, sql.ErrNoRows) {
		return ImportState{}, ErrNotFound
	}
	if err != nil {
		return ImportState{}, fmt.Errorf("store: import state of connection %d: %w", connID, err)
	}
	st := ImportState{MappingID: r.Standard}
	if r.MappingID.Valid {
		st.MappingID = r.MappingID.Int64
	}
	if r.Cursor.Valid {
		t := r.Cursor.Time
		st.Cursor = &t
	}
	return st, nil
}

// SetConnectionImportMapping makes the connection use robot mappingID.
func (s *Store) SetConnectionImportMapping(ctx context.Context, connID, mappingID int64) error {
	_, err := s.db.ExecContext(ctx, `
		INSERT INTO order_import_states (connection_id, import_mapping_id) VALUES ($1, $2)
		ON CONFLICT (connection_id) DO UPDATE SET import_mapping_id = EXCLUDED.import_mapping_id, updated_at = now()`,
		connID, mappingID)
	return err
}

// ConversionMasters loads what converting the connection's orders needs:
// its origin and its delivery, payment and product mappings.
func (s *Store) ConversionMasters(ctx context.Context, connID int64) (domain.ConversionMasters, error) {
	ms := domain.ConversionMasters{
		Delivery: map[string]domain.NameMapping{},
		Payment:  map[string]domain.NameMapping{},
		Products: map[domain.ProductKey]string{},
	}
	var shipFrom sql.NullInt64
	if err := s.db.GetContext(ctx, &shipFrom, `SELECT ship_from_id FROM connections WHERE id = $1`, connID); err != nil {
		return ms, fmt.Errorf("store: connection %d: %w", connID, err)
	}
	ms.ShipFromID = ptrID(shipFrom)
	var dm []struct {
		Name string `db:"channel_name"`
		ID   int64  `db:"delivery_service_id"`
		Svc  string `db:"name"`
	}
	if err := s.db.SelectContext(ctx, &dm, `
		SELECT m.channel_name, m.delivery_service_id, d.name FROM delivery_method_mappings m
		JOIN delivery_services d ON d.id = m.delivery_service_id WHERE m.connection_id = $1`, connID); err != nil {
		return ms, fmt.Errorf("store: delivery mappings: %w", err)
	}
	for _, m := range dm {
		ms.Delivery[m.Name] = domain.NameMapping{ChannelName: m.Name, TargetID: m.ID, TargetName: m.Svc}
	}
	var pm []struct {
		Name string `db:"channel_name"`
		Code string `db:"channel_code"`
		ID   int64  `db:"payment_method_id"`
		PM   string `db:"name"`
		Kind string `db:"kind"`
	}
	if err := s.db.SelectContext(ctx, &pm, `
		SELECT m.channel_name, m.channel_code, m.payment_method_id, p.name, p.kind FROM payment_method_mappings m
		JOIN payment_methods p ON p.id = m.payment_method_id WHERE m.connection_id = $1`, connID); err != nil {
		return ms, fmt.Errorf("store: payment mappings: %w", err)
	}
	for _, m := range pm {
		nm := domain.NameMapping{ChannelName: m.Name, TargetID: m.ID, TargetName: m.PM, Kind: domain.PaymentKind(m.Kind)}
		if m.Name != "" {
			ms.Payment[m.Name] = nm
		}
		if m.Code != "" {
			ms.Payment[m.Code] = nm
		}
	}
	var prods []struct {
		Item string `db:"item_code"`
		Opt  string `db:"option_code"`
		SKU  string `db:"sku"`
	}
	if err := s.db.SelectContext(ctx, &prods, `
		SELECT m.item_code, m.option_code, p.sku FROM product_mappings m
		JOIN products p ON p.id = m.product_id WHERE m.connection_id = $1`, connID); err != nil {
		return ms, fmt.Errorf("store: product mappings: %w", err)
	}
	for _, p := range prods {
		ms.Products[domain.ProductKey{ItemCode: p.Item, OptionCode: p.Opt}] = p.SKU
	}
	return ms, nil
}
