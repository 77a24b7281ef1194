package jobs

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
)

// Advisory lock keys (two int4 form). The first number marks the lock as
// ours ("RENK"); the second is 0 for the leader lock and the robot's id for
// its run lock. Robot ids stay below 2³¹ for years of use.
const (
	leaderLockClass = 0x52454e4b
	runLockClass    = 0x52454e4c
)

// ErrNotLeader is what IsLeader answers on instances that must not run robots now.
var ErrNotLeader = errors.New("jobs: another instance runs the robots")

// Elector elects the instance that runs the robots: the one holding a
// PostgreSQL session advisory lock on a connection pinned out of the pool.
// When that session dies (the process died, the network dropped,
// pg_terminate_backend), PostgreSQL releases the lock and the next instance
// asking gets it. It implements gocron.Elector.
type Elector struct {
	db    *sql.DB
	clock clockwork.Clock
	// grace keeps an instance that just lost its session from campaigning
	// at once: its own database link is suspect, and the others should get
	// the first chance.
	grace time.Duration

	mu     sync.Mutex
	conn   *sql.Conn
	lostAt time.Time
}

// NewElector returns an elector on db.
func NewElector(db *sql.DB, clock clockwork.Clock, grace time.Duration) *Elector {
	return &Elector{db: db, clock: clock, grace: grace}
}

// IsLeader returns nil when this instance holds (or just won) the leader
// lock, and ErrNotLeader otherwise. gocron asks it before every run.
func (e *Elector) IsLeader(ctx context.Context) error {
	// gocron passes the job's context, which shutdown cancels; a cancelled
	// check must not be mistaken for a lost session.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()

	e.mu.Lock()
	defer e.mu.Unlock()
	if e.conn != nil {
		if _, err := e.conn.ExecContext(ctx, `SELECT 1`); err == nil {
			return nil
		}
		// The session is gone, and the lock with it.
		discard(e.conn)
		e.conn = nil
		e.lostAt = e.clock.Now()
	}
	if !e.lostAt.IsZero() && e.clock.Since(e.lostAt) < e.grace {
		return ErrNotLeader
	}
	conn, ok, err := tryLock(ctx, e.db, leaderLockClass, 0)
	if err != nil {
		return fmt.Errorf("jobs: leader election: %w", err)
	}
	if !ok {
		return ErrNotLeader
	}
	e.conn = conn
	return nil
}

// Leading reports whether this instance held the leader lock at the last check.
func (e *Elector) Leading() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.conn != nil
}

// Resign releases the leader lock so another instance takes over at its
// next tick instead of waiting for this session to time out.
func (e *Elector) Resign(ctx context.Context) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.conn != nil {
		unlock(ctx, e.conn, leaderLockClass, 0)
		e.conn = nil
	}
}

// tryLock pins a connection and tries the advisory lock on it. On success
// the caller owns conn and must unlock it.
func tryLock(ctx context.Context, db *sql.DB, class, id int32) (*sql.Conn, bool, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, false, err
	}
	var ok bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1::int4, $2::int4)`, class, id).Scan(&ok); err != nil {
		discard(conn)
		return nil, false, err
	}
	if !ok {
		conn.Close()
		return nil, false, nil
	}
	return conn, true, nil
}

// unlock releases the lock and hands conn back to the pool; if the session
// is broken it is thrown away (its locks went with it).
func unlock(ctx context.Context, conn *sql.Conn, class, id int32) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	var released bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_advisory_unlock($1::int4, $2::int4)`, class, id).Scan(&released); err != nil || !released {
		discard(conn)
		return
	}
	conn.Close()
}

// discard closes the pinned connection for good instead of returning it to
// the pool: returning driver.ErrBadConn from Raw tells database/sql so.
func discard(conn *sql.Conn) {
	_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	conn.Close()
}
