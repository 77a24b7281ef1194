// Package testdb gives each test a fresh, migrated database on a real
// PostgreSQL server.
//
// The first call in a test binary creates a template database and migrates
// it; every test then gets its own clone (CREATE DATABASE … TEMPLATE …, a
// file copy, much faster than migrating), dropped when the test ends. Use
// Main in TestMain so the template is dropped when the binary exits:
//
//	func TestMain(m *testing.M) { testdb.Main(m) }
//
//	func TestSomething(t *testing.T) {
//		db := testdb.New(t) // *sqlx.DB on a fresh, migrated database
//		st := store.New(db)
//		…
//	}
//
// The server is RENKEI_TEST_DATABASE_URL (default
// postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable), a role that
// may create databases. Database names start with RENKEI_TEST_DB_PREFIX
// (default "renkei_test_") and carry the process id, so test binaries run
// in parallel without clashing; `make test` sets a prefix per run and drops
// whatever is left with it afterwards.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // the PostgreSQL driver

	"github.com/renkei-oss/renkei/migrations"
)

// Environment variables read by this package.
const (
	EnvURL    = "RENKEI_TEST_DATABASE_URL"
	EnvPrefix = "RENKEI_TEST_DB_PREFIX"
)

// DefaultURL is used when RENKEI_TEST_DATABASE_URL is unset.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

var (
	adminOnce sync.Once
	adminDB   *sql.DB
	adminErr  error

	tmplOnce sync.Once
	tmplName string
	tmplErr  error

	// cloneMu serialises clones of the template: PostgreSQL refuses to copy
	// a database while another CREATE DATABASE reads it.
	cloneMu sync.Mutex
	counter atomic.Int64
	run     = randomToken()
)

// New returns a connection pool on a fresh, migrated database that is
// dropped when t ends.
func New(t testing.TB) *sqlx.DB {
	t.Helper()
	u := NewURL(t)
	return open(t, u)
}

// NewURL creates a fresh, migrated database dropped when t ends, and returns
// its connection URL, for code under test that opens its own connections.
func NewURL(t testing.TB) string {
	t.Helper()
	tmpl := template(t)
	name := newName("")
	cloneMu.Lock()
	err := createDB(name, tmpl)
	cloneMu.Unlock()
	if err != nil {
		t.Fatalf("testdb: clone the template database: %v", err)
	}
	t.Cleanup(func() { dropDB(t, name) })
	return dbURL(name)
}

// NewEmpty creates a fresh database with no tables at all (for testing
// migrations), dropped when t ends, and returns its URL.
func NewEmpty(t testing.TB) string {
	t.Helper()
	admin(t)
	name := newName("")
	if err := createDB(name, ""); err != nil {
		t.Fatalf("testdb: create an empty database: %v", err)
	}
	t.Cleanup(func() { dropDB(t, name) })
	return dbURL(name)
}

// Open returns a sqlx pool on url, closed when t ends.
func Open(t testing.TB, url string) *sqlx.DB {
	t.Helper()
	return open(t, url)
}

// Main runs the tests, then drops this binary's template database. Call it
// from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if tmplName != "" && adminDB != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		if _, err := adminDB.ExecContext(ctx, `DROP DATABASE IF EXISTS `+quote(tmplName)+` WITH (FORCE)`); err != nil {
			fmt.Fprintf(os.Stderr, "testdb: drop template %s: %v\n", tmplName, err)
		}
		cancel()
	}
	os.Exit(code)
}

// Prefix is the name prefix of every database this process creates.
func Prefix() string {
	if p := os.Getenv(EnvPrefix); p != "" {
		return p
	}
	return "renkei_test_"
}

func serverURL() string {
	if u := os.Getenv(EnvURL); u != "" {
		return u
	}
	return DefaultURL
}

func admin(t testing.TB) *sql.DB {
	t.Helper()
	adminOnce.Do(func() {
		db, err := sql.Open("postgres", serverURL())
		if err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			err = db.PingContext(ctx)
			cancel()
		}
		if err != nil {
			adminErr = fmt.Errorf("PostgreSQL is not reachable at %s (%v). The tests need a real PostgreSQL server: run `make test`, which finds or starts one, or set %s", redact(serverURL()), err, EnvURL)
			return
		}
		db.SetMaxOpenConns(4)
		adminDB = db
	})
	if adminErr != nil {
		t.Fatalf("testdb: %v", adminErr)
	}
	return adminDB
}

func template(t testing.TB) string {
	t.Helper()
	admin(t)
	tmplOnce.Do(func() {
		sweepOrphans()
		name := newName("tmpl_")
		if err := createDB(name, ""); err != nil {
			tmplErr = fmt.Errorf("create the template database: %w", err)
			return
		}
		tmplName = name
		db, err := sql.Open("postgres", dbURL(name))
		if err != nil {
			tmplErr = err
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		err = migrations.Up(ctx, db)
		// Close before cloning: PostgreSQL copies only a database nobody is
		// connected to.
		db.Close()
		if err != nil {
			tmplErr = fmt.Errorf("migrate the template database: %w", err)
		}
	})
	if tmplErr != nil {
		t.Fatalf("testdb: %v", tmplErr)
	}
	return tmplName
}

// sweepOrphans drops databases left by test processes of this machine that
// died before cleaning up (a panic skips Main and t.Cleanup). Names carry
// the creating process id; only a local server is swept, since a process
// id means nothing for databases made from another machine.
func sweepOrphans() {
	u, err := url.Parse(serverURL())
	if err != nil || (u.Hostname() != "127.0.0.1" && u.Hostname() != "localhost" && u.Hostname() != "::1") {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rows, err := adminDB.QueryContext(ctx, `SELECT datname FROM pg_database WHERE starts_with(datname, $1)`, Prefix())
	if err != nil {
		return
	}
	var orphans []string
	for rows.Next() {
		var name string
		if rows.Scan(&name) == nil && orphaned(strings.TrimPrefix(name, Prefix())) {
			orphans = append(orphans, name)
		}
	}
	rows.Close()
	for _, name := range orphans {
		_, _ = adminDB.ExecContext(ctx, `DROP DATABASE IF EXISTS `+quote(name)+` WITH (FORCE)`)
	}
}

// orphaned reports whether rest ("tmpl_PID_RUN_N" or "PID_RUN_N") names a
// database whose creating process is gone.
func orphaned(rest string) bool {
	parts := strings.Split(strings.TrimPrefix(rest, "tmpl_"), "_")
	if len(parts) != 3 {
		return false
	}
	pid, err := strconv.Atoi(parts[0])
	if err != nil || pid <= 0 {
		return false
	}
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}

func newName(kind string) string {
	return fmt.Sprintf("%s%s%d_%s_%d", Prefix(), kind, os.Getpid(), run, counter.Add(1))
}

func createDB(name, tmpl string) error {
	q := `CREATE DATABASE ` + quote(name)
	if tmpl != "" {
		q += ` TEMPLATE ` + quote(tmpl)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := adminDB.ExecContext(ctx, q)
	return err
}

func dropDB(t testing.TB, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// FORCE ends connections the test left open (a server still shutting down).
	if _, err := adminDB.ExecContext(ctx, `DROP DATABASE IF EXISTS `+quote(name)+` WITH (FORCE)`); err != nil {
		t.Errorf("testdb: drop database %s: %v", name, err)
	}
}

func open(t testing.TB, u string) *sqlx.DB {
	t.Helper()
	db, err := sqlx.Open("postgres", u)
	if err != nil {
		t.Fatalf("testdb: open %s: %v", redact(u), err)
	}
	// Many test databases live at once; keep each pool small so parallel
	// packages stay under the server's max_connections.
	db.SetMaxOpenConns(10)
	db.SetMaxIdleConns(2)
	t.Cleanup(func() { db.Close() })
	return db
}

// dbURL is the server URL with the database name replaced.
func dbURL(name string) string {
	u, err := url.Parse(serverURL())
	if err != nil {
		panic(fmt.Sprintf("testdb: %s is not a URL: %v", EnvURL, err))
	}
	u.Path = "/" + name
	return u.String()
}

func quote(ident string) string { return `"` + strings.ReplaceAll(ident, `"`, `""`) + `"` }

func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(unparsable URL)"
	}
	return p.Redacted()
}

func randomToken() string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
