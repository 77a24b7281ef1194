package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/lib/pq"

	"github.com/renkei-oss/renkei/domain"
)

// ErrShipFromNameTaken is returned when another origin has the same name.
var ErrShipFromNameTaken = errors.New("store: ship-from name taken")

// ShipFromInUseError is returned when deleting an origin that connections name.
type ShipFromInUseError struct {
	Channels []string
}

func (e *ShipFromInUseError) Error() string {
	return fmt.Sprintf("store: ship-from used by %d connection(s)", len(e.Channels))
}

const shipFromColumns = `id, name, postal_code, prefecture, address, phone, created_at, updated_at`

// ShipFroms lists every origin by name.
func (s *Store) ShipFroms(ctx context.Context) ([]domain.ShipFrom, error) {
	var out []domain.ShipFrom
	err := s.db.SelectContext(ctx, &out, `SELECT `+shipFromColumns+` FROM ship_froms ORDER BY name, id`)
	return out, err
}

// ShipFrom returns one origin, or ErrNotFound.
func (s *Store) ShipFrom(ctx context.Context, id int64) (domain.ShipFrom, error) {
	var sf domain.ShipFrom
	err := s.db.GetContext(ctx, &sf, `SELECT `+shipFromColumns+` FROM ship_froms WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return sf, ErrNotFound
	}
	return sf, err
}

// CreateShipFrom inserts sf and fills in its id and times.
func (s *Store) CreateShipFrom(ctx context.Context, sf *domain.ShipFrom) error {
	err := s.db.QueryRowxContext(ctx, `
		INSERT INTO ship_froms (name, postal_code, prefecture, address, phone)
		VALUES ($1, $2, $3, $4, $5)
		RETURNING id, created_at, updated_at`,
		sf.Name, sf.PostalCode, sf.Prefecture, sf.Address, sf.Phone).Scan(&sf.ID, &sf.CreatedAt, &sf.UpdatedAt)
	if isUniqueViolation(err, "ship_froms_name_key") {
		return ErrShipFromNameTaken
	}
	if err != nil {
		return fmt.Errorf("store: create ship-from %q: %w", sf.Name, err)
	}
	return nil
}

// UpdateShipFrom saves sf, or returns ErrNotFound.
func (s *Store) UpdateShipFrom(ctx context.Context, sf *domain.ShipFrom) error {
	err := s.db.QueryRowxContext(ctx, `
		UPDATE ship_froms SET name = $2, postal_code = $3, prefecture = $4, address = $5, phone = $6, updated_at = now()
		WHERE id = $1
		RETURNING updated_at`,
		sf.ID, sf.Name, sf.PostalCode, sf.Prefecture, sf.Address, sf.Phone).Scan(&sf.UpdatedAt)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return ErrNotFound
	case isUniqueViolation(err, "ship_froms_name_key"):
		return ErrShipFromNameTaken
	case err != nil:
		return fmt.Errorf("store: update ship-from %d: %w", sf.ID, err)
	}
	return nil
}

// DeleteShipFrom removes an origin no connection names; otherwise it
// returns *ShipFromInUseError listing the channels that use it.
func (s *Store) DeleteShipFrom(ctx context.Context, id int64) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM ship_froms WHERE id = $1`, id)
	var pe *pq.Error
	if errors.As(err, &pe) && pe.Code == "23503" { // foreign_key_violation
		var names []string
		if err := s.db.SelectContext(ctx, &names, `SELECT channel_name FROM connections WHERE ship_from_id = $1 ORDER BY channel_name`, id); err != nil {
			return err
		}
		return &ShipFromInUseError{Channels: names}
	}
	if err != nil {
		return fmt.Errorf("store: delete ship-from %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}
