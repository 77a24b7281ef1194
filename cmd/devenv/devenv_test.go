package main

import (
	"context"
	"database/sql"
	"net"
	"os"
	"path/filepath"
	"testing"
)

// The tests talk to the same server the test suite uses.
func testServer(t *testing.T) *Postgres {
	t.Helper()
	u := os.Getenv("RENKEI_TEST_DATABASE_URL")
	if u == "" {
		u = localURL
	}
	pg, err := findPostgres(context.Background(), u)
	if err != nil {
		t.Fatalf("PostgreSQL for the tests: %v", err)
	}
	return pg
}

func exists(t *testing.T, pg *Postgres, name string) bool {
	t.Helper()
	db, err := sql.Open("postgres", pg.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var ok bool
	if err := db.QueryRow(`SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&ok); err != nil {
		t.Fatal(err)
	}
	return ok
}

func TestEnsureDatabaseThenDropByPrefix(t *testing.T) {
	pg := testServer(t)
	ctx := context.Background()
	prefix := "renkei_test_devenv_" + randomHex(3) + "_"
	other := "renkei_test_devenvother_" + randomHex(3)
	t.Cleanup(func() {
		_ = pg.DropDatabases(context.Background(), prefix)
		_ = pg.DropDatabases(context.Background(), other)
	})

	for _, name := range []string{prefix + "a", prefix + "b", other} {
		u, err := pg.EnsureDatabase(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if err := ping(ctx, u); err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		// A second call finds it and changes nothing.
		if _, err := pg.EnsureDatabase(ctx, name); err != nil {
			t.Fatalf("again: %v", err)
		}
	}
	if err := pg.DropDatabases(ctx, prefix); err != nil {
		t.Fatal(err)
	}
	if exists(t, pg, prefix+"a") || exists(t, pg, prefix+"b") {
		t.Error("databases with the prefix survived")
	}
	if !exists(t, pg, other) {
		t.Error("a database without the prefix was dropped")
	}
}

func TestUnreachableConfiguredServerIsAnError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	if _, err := findPostgres(context.Background(), "postgres://postgres@"+addr+"/postgres?sslmode=disable&connect_timeout=2"); err == nil {
		t.Error("no error for a server that does not answer")
	}
}

// The fallback when no server runs: a private cluster, initialised,
// started, usable, then stopped.
func TestPrivateCluster(t *testing.T) {
	if findBinDir() == "" {
		t.Fatal("this test needs the PostgreSQL server binaries (apt-get install postgresql)")
	}
	base := t.TempDir()
	if os.Geteuid() == 0 {
		// initdb runs as postgres, which must reach the directory.
		for d := base; d != "/" && d != os.TempDir(); d = filepath.Dir(d) {
			if err := os.Chmod(d, 0o711); err != nil {
				t.Fatal(err)
			}
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()

	ctx := context.Background()
	pg, err := startPrivate(ctx, filepath.Join(base, ".data", "pg"), port)
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			pg.Stop()
		}
	})
	u, err := pg.EnsureDatabase(ctx, "renkei")
	if err != nil {
		t.Fatal(err)
	}
	if err := ping(ctx, u); err != nil {
		t.Fatal(err)
	}
	pg.Stop()
	stopped = true
	if err := ping(ctx, pg.URL); err == nil {
		t.Error("the private cluster still answers after Stop")
	}
}

func TestFindBinDirPrefersNewest(t *testing.T) {
	if v := version("/usr/lib/postgresql/16/bin"); v != 16 {
		t.Errorf("version = %d", v)
	}
	if u, _ := withDatabase("postgres://postgres@h:1/postgres?sslmode=disable", "renkei"); u != "postgres://postgres@h:1/renkei?sslmode=disable" {
		t.Errorf("withDatabase = %s", u)
	}
}

func TestRunCommandExitCode(t *testing.T) {
	code, err := runCommand([]string{"sh", "-c", `test "$X" = y && exit 3`}, "X=y")
	if err != nil || code != 3 {
		t.Errorf("code %d, err %v; want 3", code, err)
	}
	if code, _ := run([]string{"nonsense"}); code != 2 {
		t.Errorf("usage error code %d", code)
	}
}
