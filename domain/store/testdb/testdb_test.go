package testdb

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
)

func TestMain(m *testing.M) { Main(m) }

func dbExists(t *testing.T, name string) bool {
	t.Helper()
	var ok bool
	if err := adminDB.QueryRow(`SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&ok); err != nil {
		t.Fatal(err)
	}
	return ok
}

func TestNewGivesSeparateMigratedDatabases(t *testing.T) {
	a, b := New(t), New(t)
	if _, err := a.Exec(`INSERT INTO users (name, role, password_hash) VALUES ('x', 'admin', 'h')`); err != nil {
		t.Fatalf("database is not migrated: %v", err)
	}
	var n int
	if err := b.Get(&n, `SELECT count(*) FROM users`); err != nil || n != 0 {
		t.Errorf("second database sees %d users (%v), want its own empty table", n, err)
	}
}

// Databases of a test process that died are dropped by the next one;
// those of live processes are left alone.
func TestSweepOrphans(t *testing.T) {
	admin(t)
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	dead := fmt.Sprintf("%s%d_%s_1", Prefix(), cmd.Process.Pid, "0dead0")
	alive := fmt.Sprintf("%stmpl_%d_%s_1", Prefix(), os.Getpid(), "a11ve0")
	for _, name := range []string{dead, alive} {
		if err := createDB(name, ""); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { dropDB(t, name) })
	}
	sweepOrphans()
	if dbExists(t, dead) {
		t.Errorf("%s of a dead process survived", dead)
	}
	if !dbExists(t, alive) {
		t.Errorf("%s of a live process was dropped", alive)
	}
}
