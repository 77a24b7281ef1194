package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/renkei-oss/renkei/domain"
)

// ErrUserNameTaken is returned when a user with that name already exists.
var ErrUserNameTaken = errors.New("store: user name taken")

// ErrLastAdmin is returned when a change would leave no enabled admin.
var ErrLastAdmin = errors.New("store: last enabled admin")

const userColumns = `id, name, password_hash, role, disabled, session_version, created_at, updated_at`

// CreateUser adds a user with an already hashed password.
func (s *Store) CreateUser(ctx context.Context, name string, role domain.Role, passwordHash string) (domain.User, error) {
	var u domain.User
	err := s.db.GetContext(ctx, &u, `
		INSERT INTO users (name, role, password_hash)
		VALUES ($1, $2, $3)
		RETURNING `+userColumns, name, role, passwordHash)
	if isUniqueViolation(err, "users_name_key") {
		return u, ErrUserNameTaken
	}
	if err != nil {
		return u, fmt.Errorf("store: create user %q: %w", name, err)
	}
	return u, nil
}

// EnsureUser creates the user unless one with that name exists. It reports
// whether it created it; concurrent callers agree on a single creator.
func (s *Store) EnsureUser(ctx context.Context, name string, role domain.Role, passwordHash string) (bool, error) {
	res, err := s.db.ExecContext(ctx, `
		INSERT INTO users (name, role, password_hash)
		VALUES ($1, $2, $3)
		ON CONFLICT (name) DO NOTHING`, name, role, passwordHash)
	if err != nil {
		return false, fmt.Errorf("store: ensure user %q: %w", name, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// UserByID returns the user, or ErrNotFound.
func (s *Store) UserByID(ctx context.Context, id int64) (domain.User, error) {
	var u domain.User
	err := s.db.GetContext(ctx, &u, `SELECT `+userColumns+` FROM users WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return u, ErrNotFound
	}
	return u, err
}

// UserByName returns the user, or ErrNotFound.
func (s *Store) UserByName(ctx context.Context, name string) (domain.User, error) {
	var u domain.User
	err := s.db.GetContext(ctx, &u, `SELECT `+userColumns+` FROM users WHERE name = $1`, name)
	if errors.Is(err, sql.ErrNoRows) {
		return u, ErrNotFound
	}
	return u, err
}

// Users lists every user by name.
func (s *Store) Users(ctx context.Context) ([]domain.User, error) {
	var us []domain.User
	err := s.db.SelectContext(ctx, &us, `SELECT `+userColumns+` FROM users ORDER BY name`)
	return us, err
}

// keepsAnAdmin is a condition on the user row $1 being changed: it holds
// when the row is not an enabled admin or another enabled admin remains.
// Checked in the UPDATE itself so two concurrent demotions cannot both pass.
const keepsAnAdmin = `(role <> 'admin' OR disabled OR EXISTS (
	SELECT 1 FROM users o WHERE o.role = 'admin' AND NOT o.disabled AND o.id <> $1))`

// SetUserRole changes a user's role. Demoting the last enabled admin fails
// with ErrLastAdmin.
func (s *Store) SetUserRole(ctx context.Context, id int64, role domain.Role) error {
	cond := "true"
	if role != domain.RoleAdmin {
		cond = keepsAnAdmin
	}
	return s.updateUser(ctx, id, `UPDATE users SET role = $2, updated_at = now() WHERE id = $1 AND `+cond, role)
}

// SetUserPassword replaces the password hash and ends the user's sessions.
func (s *Store) SetUserPassword(ctx context.Context, id int64, passwordHash string) error {
	return s.updateUser(ctx, id, `
		UPDATE users SET password_hash = $2, session_version = session_version + 1, updated_at = now()
		WHERE id = $1`, passwordHash)
}

// SetUserDisabled disables (ending the user's sessions) or re-enables a
// user. Disabling the last enabled admin fails with ErrLastAdmin.
func (s *Store) SetUserDisabled(ctx context.Context, id int64, disabled bool) error {
	if !disabled {
		return s.updateUser(ctx, id, `UPDATE users SET disabled = false, updated_at = now() WHERE id = $1`)
	}
	return s.updateUser(ctx, id, `
		UPDATE users SET disabled = true, session_version = session_version + 1, updated_at = now()
		WHERE id = $1 AND `+keepsAnAdmin)
}

// updateUser runs an UPDATE of user $1 whose WHERE may refuse the change
// (keepsAnAdmin); it tells a missing user from a refused change.
func (s *Store) updateUser(ctx context.Context, id int64, query string, args ...any) error {
	res, err := s.db.ExecContext(ctx, query, append([]any{id}, args...)...)
	if err != nil {
		return fmt.Errorf("store: update user %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return err
	}
	if _, err := s.UserByID(ctx, id); err != nil {
		return err
	}
	return ErrLastAdmin
}

// RecordLoginFailure notes a failed login for name at t, and forgets
// failures older than a day so the table stays small.
func (s *Store) RecordLoginFailure(ctx context.Context, name string, t time.Time) error {
	_, err := s.db.ExecContext(ctx, `
		WITH old AS (DELETE FROM login_failures WHERE failed_at < $2::timestamptz - interval '1 day')
		INSERT INTO login_failures (user_name, failed_at) VALUES ($1, $2)`, name, t)
	return err
}

// LoginFailuresSince counts failed logins for name at or after since.
func (s *Store) LoginFailuresSince(ctx context.Context, name string, since time.Time) (int, error) {
	var n int
	err := s.db.GetContext(ctx, &n, `
		SELECT count(*) FROM login_failures WHERE user_name = $1 AND failed_at >= $2`, name, since)
	return n, err
}

// ClearLoginFailures forgets name's failed logins, after a successful one.
func (s *Store) ClearLoginFailures(ctx context.Context, name string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM login_failures WHERE user_name = $1`, name)
	return err
}
