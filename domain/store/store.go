// Package store is Renkei's PostgreSQL store: plain SQL through sqlx, one
// file per aggregate.
package store

import (
	"context"
	"errors"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// ErrNotFound is returned when the row asked for does not exist.
var ErrNotFound = errors.New("store: not found")

// Store reads and writes Renkei's data.
type Store struct {
	db *sqlx.DB
}

// New returns a Store on db. The schema must be migrated (package
// migrations).
func New(db *sqlx.DB) *Store { return &Store{db: db} }

// DB is the underlying pool, for code that needs a transaction across
// aggregates.
func (s *Store) DB() *sqlx.DB { return s.db }

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// isUniqueViolation reports whether err is PostgreSQL's unique_violation,
// optionally on the named constraint ("" matches any).
func isUniqueViolation(err error, constraint string) bool {
	var pe *pq.Error
	if !errors.As(err, &pe) || pe.Code != "23505" {
		return false
	}
	return constraint == "" || pe.Constraint == constraint
}
