package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "github.com/lib/pq"
)

const (
	localURL    = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	privatePort = 55432
	privateDir  = ".data/pg"
)

// Postgres is a reachable server; URL names its maintenance database.
type Postgres struct {
	URL     string
	binDir  string // set when we started a private cluster: stop it
	dataDir string
}

// findPostgres returns a reachable server: url if given, else the local
// one on 5432, else a private cluster it starts.
func findPostgres(ctx context.Context, given string) (*Postgres, error) {
	if given != "" {
		if err := ping(ctx, given); err != nil {
			return nil, fmt.Errorf("the configured database %s is not reachable: %w", redact(given), err)
		}
		return &Postgres{URL: given}, nil
	}
	err := ping(ctx, localURL)
	if err == nil {
		return &Postgres{URL: localURL}, nil
	}
	fmt.Fprintf(os.Stderr, "devenv: no PostgreSQL on 127.0.0.1:5432 (%v); using a private cluster in %s\n", err, privateDir)
	return startPrivate(ctx, privateDir, privatePort)
}

func ping(ctx context.Context, u string) error {
	db, err := sql.Open("postgres", u)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	return db.PingContext(ctx)
}

// EnsureDatabase creates the database name when missing and returns its URL.
func (p *Postgres) EnsureDatabase(ctx context.Context, name string) (string, error) {
	db, err := sql.Open("postgres", p.URL)
	if err != nil {
		return "", err
	}
	defer db.Close()
	var exists bool
	if err := db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", fmt.Errorf("look for database %s: %w", name, err)
	}
	if !exists {
		if _, err := db.ExecContext(ctx, `CREATE DATABASE `+quoteIdent(name)); err != nil {
			return "", fmt.Errorf("create database %s: %w", name, err)
		}
		fmt.Fprintf(os.Stderr, "devenv: created database %s\n", name)
	}
	return withDatabase(p.URL, name)
}

// DropDatabases drops every database whose name starts with prefix.
func (p *Postgres) DropDatabases(ctx context.Context, prefix string) error {
	db, err := sql.Open("postgres", p.URL)
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT datname FROM pg_database WHERE starts_with(datname, $1)`, prefix)
	if err != nil {
		return err
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		names = append(names, n)
	}
	rows.Close()
	var errs []error
	for _, n := range names {
		if _, err := db.ExecContext(ctx, `DROP DATABASE IF EXISTS `+quoteIdent(n)+` WITH (FORCE)`); err != nil {
			errs = append(errs, err)
		}
	}
	if len(names) > 0 {
		fmt.Fprintf(os.Stderr, "devenv: dropped %d leftover test database(s)\n", len(names)-len(errs))
	}
	return errors.Join(errs...)
}

// Stop stops the private cluster if this process started it.
func (p *Postgres) Stop() {
	if p.binDir == "" {
		return
	}
	cmd := asPostgres(filepath.Join(p.binDir, "pg_ctl"), "-D", p.dataDir, "-m", "fast", "-w", "stop")
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "devenv: stop the private PostgreSQL: %v\n%s", err, out)
		return
	}
	fmt.Fprintln(os.Stderr, "devenv: stopped the private PostgreSQL")
}

func startPrivate(ctx context.Context, dataDir string, port int) (*Postgres, error) {
	bin, err := postgresBinaries()
	if err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(dataDir)
	if err != nil {
		return nil, err
	}
	p := &Postgres{URL: fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port), dataDir: dir}

	if _, err := os.Stat(filepath.Join(dir, "PG_VERSION")); err != nil {
		if err := prepareDir(dir); err != nil {
			return nil, err
		}
		fmt.Fprintf(os.Stderr, "devenv: initialising a PostgreSQL cluster in %s\n", dir)
		cmd := asPostgres(filepath.Join(bin, "initdb"), "-D", dir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8")
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("initdb: %v\n%s", err, out)
		}
	}
	// Already running (left from an interrupted run): reuse it as it is.
	if err := ping(ctx, p.URL); err == nil {
		return p, nil
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1", port, dir)
	cmd := asPostgres(filepath.Join(bin, "pg_ctl"), "-D", dir, "-o", opts, "-l", filepath.Join(dir, "server.log"), "-w", "start")
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("start the private PostgreSQL (log: %s): %v\n%s", filepath.Join(dir, "server.log"), err, out)
	}
	p.binDir = bin
	fmt.Fprintf(os.Stderr, "devenv: started a private PostgreSQL on 127.0.0.1:%d\n", port)
	return p, nil
}

// prepareDir creates the cluster directory. As root, initdb runs as the
// postgres user, which must own it and be able to reach it through .data.
func prepareDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if os.Geteuid() != 0 {
		return nil
	}
	pu, err := user.Lookup("postgres")
	if err != nil {
		return fmt.Errorf("no postgres user to run the private cluster as: %w", err)
	}
	uid, _ := strconv.Atoi(pu.Uid)
	gid, _ := strconv.Atoi(pu.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		return err
	}
	// Let postgres traverse (not list) .data, which also holds secret.key (0600).
	return os.Chmod(filepath.Dir(dir), 0o711)
}

// asPostgres runs a PostgreSQL tool as the postgres user when we are root.
func asPostgres(name string, args ...string) *exec.Cmd {
	if os.Geteuid() == 0 {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", name}, args...)...)
	}
	return exec.Command(name, args...)
}

// postgresBinaries finds initdb and pg_ctl, installing PostgreSQL with
// apt-get when they are missing and we are root.
func postgresBinaries() (string, error) {
	if dir := findBinDir(); dir != "" {
		return dir, nil
	}
	if os.Geteuid() != 0 {
		return "", errors.New("PostgreSQL is not installed and no server answers on 127.0.0.1:5432: install it (sudo apt-get install -y postgresql) or set DATABASE_URL")
	}
	fmt.Fprintln(os.Stderr, "devenv: installing PostgreSQL with apt-get")
	for _, args := range [][]string{
		{"update"},
		{"install", "-y", "--no-install-recommends", "postgresql"},
	} {
		cmd := exec.Command("apt-get", append([]string{"-o", "DPkg::Lock::Timeout=300"}, args...)...)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if err := cmd.Run(); err != nil {
			return "", fmt.Errorf("apt-get %s: %w", args[0], err)
		}
	}
	if dir := findBinDir(); dir != "" {
		return dir, nil
	}
	return "", errors.New("PostgreSQL was installed but initdb/pg_ctl are not under /usr/lib/postgresql/*/bin")
}

// findBinDir returns the newest /usr/lib/postgresql/N/bin with initdb and
// pg_ctl, else a PATH directory holding both.
func findBinDir() string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if isExec(filepath.Join(d, "initdb")) && isExec(filepath.Join(d, "pg_ctl")) {
			return d
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		d := filepath.Dir(p)
		if isExec(filepath.Join(d, "pg_ctl")) {
			return d
		}
	}
	return ""
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func isExec(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode()&0o111 != 0
}

func withDatabase(server, name string) (string, error) {
	u, err := url.Parse(server)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(unparsable URL)"
	}
	return p.Redacted()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
