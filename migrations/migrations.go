// Package migrations holds the database schema as goose SQL files, embedded
// into the binary, and applies them.
//
// Version ranges keep parallel work from colliding:
//
//	00001–00099  base: users, sessions
//	00100–00199  masters: carriers, delivery services, payment methods,
//	             products and their per-channel mappings
//	00200–00299  connections, ship-from origins and the API log (00210 ties
//	             the masters mappings to their connection)
//	00300–00399  marketplaces (reserved, unused so far)
//	00400–00499  sync jobs (連携ロボット)
//	00500–00599  ship orders: 出荷指示取込, 変換ロボット, 処理ロボット, 出荷リスト
//	00600+       issue 8
//
// Out-of-order application is allowed, so a lower number merged after a
// higher one still runs.
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"log/slog"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed *.sql
var files embed.FS

// lockID is the PostgreSQL advisory lock key held while migrating, so several
// instances starting at once apply each migration exactly once.
const lockID = 5_712_004_001

// Up applies every pending migration. It is safe to call from several
// processes at the same time: they queue on a session advisory lock.
func Up(ctx context.Context, db *sql.DB) error {
	_, err := up(ctx, db, nil)
	return err
}

// UpLogged is Up, reporting each applied migration to logger.
func UpLogged(ctx context.Context, db *sql.DB, logger *slog.Logger) (applied int, err error) {
	return up(ctx, db, logger)
}

func up(ctx context.Context, db *sql.DB, logger *slog.Logger) (int, error) {
	locker, err := lock.NewPostgresSessionLocker(
		lock.WithLockID(lockID),
		// Wait up to 5 minutes for another instance's migration to finish.
		lock.WithLockTimeout(1, 300),
	)
	if err != nil {
		return 0, fmt.Errorf("migrations: locker: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, files,
		goose.WithSessionLocker(locker),
		goose.WithAllowOutofOrder(true),
		goose.WithDisableGlobalRegistry(true),
	)
	if err != nil {
		return 0, fmt.Errorf("migrations: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return 0, fmt.Errorf("migrations: %w", err)
	}
	if logger != nil {
		for _, r := range results {
			logger.Info("migration applied", "version", r.Source.Version, "file", r.Source.Path, "duration", r.Duration)
		}
	}
	return len(results), nil
}
