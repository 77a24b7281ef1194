package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/secretbox"
)

// ErrChannelNameTaken is returned when another connection has the same channel name.
var ErrChannelNameTaken = errors.New("store: channel name taken")

// ErrShipFromMissing is returned when a connection names an origin that does not exist.
var ErrShipFromMissing = errors.New("store: ship-from does not exist")

// ErrConnectionHasOpenOrders is returned when deleting a connection whose
// channel still has ship orders in progress; disable it instead.
var ErrConnectionHasOpenOrders = errors.New("store: connection has open ship orders")

// ErrConnectionHasShipOrders is returned when deleting a connection whose
// channel has only finished ship orders, which still reference it.
var ErrConnectionHasShipOrders = errors.New("store: connection has ship orders")

const connectionColumns = `id, channel_name, marketplace, enabled, base_url, ship_from_id,
	auto_import, auto_confirm, auto_ship_instruction, auto_stock_sync, params, payment_statuses,
	last_test_at, last_test_ok, last_test_message, credential_expires_at, created_at, updated_at`

type connectionRow struct {
	domain.Connection
	ParamsJSON   []byte `db:"params"`
	PaymentsJSON []byte `db:"payment_statuses"`
}

func (r *connectionRow) connection() (domain.Connection, error) {
	c := r.Connection
	c.Params = map[string]string{}
	c.Secrets = map[string]string{}
	if err := json.Unmarshal(r.ParamsJSON, &c.Params); err != nil {
		return c, fmt.Errorf("store: connection %d params: %w", c.ID, err)
	}
	if err := json.Unmarshal(r.PaymentsJSON, &c.PaymentStatuses); err != nil {
		return c, fmt.Errorf("store: connection %d payment statuses: %w", c.ID, err)
	}
	return c, nil
}

// secretAAD binds a sealed secret to its row and field, so a ciphertext
// copied to another connection or field does not open.
func secretAAD(connID int64, name string) []byte {
	return fmt.Appendf(nil, "renkei connection %d %s", connID, name)
}

// Connections lists every connection by channel name, without secrets.
func (s *Store) Connections(ctx context.Context) ([]domain.Connection, error) {
	var rows []connectionRow
	if err := s.db.SelectContext(ctx, &rows, `SELECT `+connectionColumns+` FROM connections ORDER BY channel_name, id`); err != nil {
		return nil, err
	}
	out := make([]domain.Connection, 0, len(rows))
	for i := range rows {
		c, err := rows[i].connection()
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// Connection returns one connection with its secrets opened with box, or ErrNotFound.
func (s *Store) Connection(ctx context.Context, box *secretbox.Box, id int64) (domain.Connection, error) {
	var row connectionRow
	err := s.db.GetContext(ctx, &row, `SELECT `+connectionColumns+` FROM connections WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.Connection{}, ErrNotFound
	}
	if err != nil {
		return domain.Connection{}, err
	}
	c, err := row.connection()
	if err != nil {
		return c, err
	}
	var secrets []struct {
		Name       string `db:"name"`
		KeyID      string `db:"key_id"`
		Ciphertext []byte `db:"ciphertext"`
	}
	if err := s.db.SelectContext(ctx, &secrets, `SELECT name, key_id, ciphertext FROM connection_secrets WHERE connection_id = $1`, id); err != nil {
		return c, err
	}
	for _, sec := range secrets {
		pt, err := box.Open(sec.KeyID, sec.Ciphertext, secretAAD(id, sec.Name))
		if err != nil {
			return c, fmt.Errorf("store: connection %d secret %s: %w", id, sec.Name, err)
		}
		c.Secrets[sec.Name] = string(pt)
	}
	return c, nil
}

// CreateConnection inserts c with its secrets sealed by box and fills in its id.
func (s *Store) CreateConnection(ctx context.Context, box *secretbox.Box, c *domain.Connection) error {
	params, payments, err := connectionJSON(c)
	if err != nil {
		return err
	}
	return s.connTx(ctx, func(tx *sqlx.Tx) error {
		err := tx.QueryRowxContext(ctx, `
			INSERT INTO connections (channel_name, marketplace, enabled, base_url, ship_from_id,
				auto_import, auto_confirm, auto_ship_instruction, auto_stock_sync, params, payment_statuses,
				credential_expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
			RETURNING id, created_at, updated_at`,
			c.ChannelName, c.Marketplace, c.Enabled, c.BaseURL, c.ShipFromID,
			c.AutoImport, c.AutoConfirm, c.AutoShipInstruction, c.AutoStockSync, params, payments,
			c.CredentialExpiresAt,
		).Scan(&c.ID, &c.CreatedAt, &c.UpdatedAt)
		if err := connectionWriteError(err); err != nil {
			return err
		}
		return sealSecrets(ctx, tx, box, c)
	})
}

// UpdateConnection saves c's fields. Secrets given non-empty in c.Secrets
// replace the stored ones; the others are kept (a blank field keeps its secret).
// Likewise a nil CredentialExpiresAt keeps the stored expiry (one a 接続テスト
// learned, say), and c gets the stored one back.
// The marketplace of a connection never changes.
func (s *Store) UpdateConnection(ctx context.Context, box *secretbox.Box, c *domain.Connection) error {
	params, payments, err := connectionJSON(c)
	if err != nil {
		return err
	}
	return s.connTx(ctx, func(tx *sqlx.Tx) error {
		err := tx.QueryRowxContext(ctx, `
			UPDATE connections SET channel_name = $2, enabled = $3, base_url = $4, ship_from_id = $5,
				auto_import = $6, auto_confirm = $7, auto_ship_instruction = $8, auto_stock_sync = $9,
				params = $10, payment_statuses = $11,
				credential_expires_at = coalesce($12, credential_expires_at), updated_at = now()
			WHERE id = $1
			RETURNING updated_at, credential_expires_at`,
			c.ID, c.ChannelName, c.Enabled, c.BaseURL, c.ShipFromID,
			c.AutoImport, c.AutoConfirm, c.AutoShipInstruction, c.AutoStockSync, params, payments,
			c.CredentialExpiresAt,
		).Scan(&c.UpdatedAt, &c.CredentialExpiresAt)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err := connectionWriteError(err); err != nil {
			return err
		}
		return sealSecrets(ctx, tx, box, c)
	})
}

func connectionJSON(c *domain.Connection) (params, payments []byte, err error) {
	p := c.Params
	if p == nil {
		p = map[string]string{}
	}
	ps := c.PaymentStatuses
	if ps == nil {
		ps = []domain.PaymentStatusRule{}
	}
	if params, err = json.Marshal(p); err != nil {
		return nil, nil, err
	}
	payments, err = json.Marshal(ps)
	return params, payments, err
}

func connectionWriteError(err error) error {
	var pe *pq.Error
	switch {
	case err == nil:
		return nil
	case isUniqueViolation(err, "connections_channel_name_key"):
		return ErrChannelNameTaken
	case errors.As(err, &pe) && pe.Code == "23503": // foreign_key_violation: ship_from_id
		return ErrShipFromMissing
	}
	return fmt.Errorf("store: save connection: %w", err)
}

// sealSecrets writes the non-empty secrets of c.
func sealSecrets(ctx context.Context, tx *sqlx.Tx, box *secretbox.Box, c *domain.Connection) error {
	for name, v := range c.Secrets {
		if v == "" {
			continue
		}
		keyID, ct, err := box.Seal([]byte(v), secretAAD(c.ID, name))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO connection_secrets (connection_id, name, key_id, ciphertext)
			VALUES ($1, $2, $3, $4)
			ON CONFLICT (connection_id, name) DO UPDATE
			SET key_id = excluded.key_id, ciphertext = excluded.ciphertext, updated_at = now()`,
			c.ID, name, keyID, ct); err != nil {
			return fmt.Errorf("store: save secret %s of connection %d: %w", name, c.ID, err)
		}
	}
	return nil
}

// SetConnectionEnabled switches a connection on or off.
func (s *Store) SetConnectionEnabled(ctx context.Context, id int64, enabled bool) error {
	res, err := s.db.ExecContext(ctx, `UPDATE connections SET enabled = $2, updated_at = now() WHERE id = $1`, id, enabled)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// OpenShipOrderCount counts the channel's ship orders still in progress
// (not shipped, cancelled or returned).
func (s *Store) OpenShipOrderCount(ctx context.Context, connID int64) (int, error) {
	var n int
	err := s.db.GetContext(ctx, &n, `
		SELECT count(*) FROM ship_orders
		WHERE connection_id = $1 AND status NOT IN ('shipped', 'cancelled', 'returned')`, connID)
	return n, err
}

// DeleteConnection removes a connection and its secrets; its API log rows
// stay with the channel name. Refused with ErrConnectionHasOpenOrders while
// the channel has open ship orders, and with ErrConnectionHasShipOrders
// while finished ones still reference it (their history must stay whole).
func (s *Store) DeleteConnection(ctx context.Context, id int64) error {
	n, err := s.OpenShipOrderCount(ctx, id)
	if err != nil {
		return err
	}
	if n > 0 {
		return ErrConnectionHasOpenOrders
	}
	res, err := s.db.ExecContext(ctx, `DELETE FROM connections WHERE id = $1`, id)
	var pe *pq.Error
	if errors.As(err, &pe) && pe.Code == "23503" { // foreign_key_violation
		return ErrConnectionHasShipOrders
	}
	if err != nil {
		return fmt.Errorf("store: delete connection %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// RecordConnectionTest stores the outcome of a 接続テスト. A non-nil expiresAt
// (Rakuten's license key expiry) replaces the stored expiry.
func (s *Store) RecordConnectionTest(ctx context.Context, id int64, at time.Time, ok bool, message string, expiresAt *time.Time) error {
	_, err := s.db.ExecContext(ctx, `
		UPDATE connections SET last_test_at = $2, last_test_ok = $3, last_test_message = $4,
			credential_expires_at = coalesce($5, credential_expires_at)
		WHERE id = $1`, id, at, ok, message, expiresAt)
	return err
}

// ExpiringConnections lists enabled connections whose credential expires
// within domain.CredentialWarnDays of now (or has expired), soonest first.
func (s *Store) ExpiringConnections(ctx context.Context, now time.Time) ([]domain.Connection, error) {
	var rows []connectionRow
	err := s.db.SelectContext(ctx, &rows, `
		SELECT `+connectionColumns+` FROM connections
		WHERE enabled AND credential_expires_at < $1
		ORDER BY credential_expires_at, channel_name`, now.AddDate(0, 0, domain.CredentialWarnDays))
	if err != nil {
		return nil, err
	}
	out := make([]domain.Connection, 0, len(rows))
	for i := range rows {
		c, err := rows[i].connection()
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// RotateSecrets re-seals with box's primary key every secret sealed under
// another key (box must hold the old keys as previous keys). It runs in one
// transaction, so a failure leaves every row as it was. It returns how many
// rows were re-sealed.
func (s *Store) RotateSecrets(ctx context.Context, box *secretbox.Box) (int, error) {
	n := 0
	err := s.connTx(ctx, func(tx *sqlx.Tx) error {
		var rows []struct {
			ConnectionID int64  `db:"connection_id"`
			Name         string `db:"name"`
			KeyID        string `db:"key_id"`
			Ciphertext   []byte `db:"ciphertext"`
		}
		if err := tx.SelectContext(ctx, &rows, `
			SELECT connection_id, name, key_id, ciphertext FROM connection_secrets
			WHERE key_id <> $1 FOR UPDATE`, box.KeyID()); err != nil {
			return err
		}
		for _, r := range rows {
			aad := secretAAD(r.ConnectionID, r.Name)
			pt, err := box.Open(r.KeyID, r.Ciphertext, aad)
			if err != nil {
				return fmt.Errorf("store: rotate secret %s of connection %d: %w", r.Name, r.ConnectionID, err)
			}
			keyID, ct, err := box.Seal(pt, aad)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `
				UPDATE connection_secrets SET key_id = $3, ciphertext = $4, updated_at = now()
				WHERE connection_id = $1 AND name = $2`, r.ConnectionID, r.Name, keyID, ct); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// connTx runs fn in a transaction, committing when it returns nil.
func (s *Store) connTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}
