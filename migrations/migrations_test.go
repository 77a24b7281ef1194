package migrations_test

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"testing"

	_ "github.com/lib/pq"

	"github.com/renkei-oss/renkei/domain/store/testdb"
	"github.com/renkei-oss/renkei/migrations"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// schema describes every column and index of the public schema plus the
// goose version rows, so two calls can be compared.
func schema(t *testing.T, db *sql.DB) string {
	t.Helper()
	var b strings.Builder
	rows, err := db.Query(`
		SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '')
		FROM information_schema.columns WHERE table_schema = 'public'
		UNION ALL
		SELECT indexdef FROM pg_indexes WHERE schemaname = 'public'
		UNION ALL
		SELECT 'goose ' || version_id || ' ' || is_applied FROM goose_db_version
		ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		b.WriteString(s + "\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestUpOnEmptyDatabaseThenAgainChangesNothing(t *testing.T) {
	db, err := sql.Open("postgres", testdb.NewEmpty(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()

	applied, err := migrations.UpLogged(ctx, db, nil)
	if err != nil {
		t.Fatalf("first Up: %v", err)
	}
	if applied == 0 {
		t.Fatal("first Up applied no migration on an empty database")
	}
	first := schema(t, db)
	for _, want := range []string{"users.name text NO", "users.password_hash text NO", "login_failures.failed_at timestamp with time zone NO", "goose 1 true"} {
		if !strings.Contains(first, want) {
			t.Errorf("schema after Up lacks %q:\n%s", want, first)
		}
	}

	applied, err = migrations.UpLogged(ctx, db, nil)
	if err != nil {
		t.Fatalf("second Up: %v", err)
	}
	if applied != 0 {
		t.Errorf("second Up applied %d migrations, want 0", applied)
	}
	if second := schema(t, db); second != first {
		t.Errorf("second Up changed the schema:\nbefore:\n%s\nafter:\n%s", first, second)
	}
}

// Several instances starting at once must not trip over each other.
func TestUpConcurrently(t *testing.T) {
	url := testdb.NewEmpty(t)
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := sql.Open("postgres", url)
			if err != nil {
				errs[i] = err
				return
			}
			defer db.Close()
			errs[i] = migrations.Up(context.Background(), db)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("instance %d: %v", i, err)
		}
	}
	db, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM goose_db_version WHERE version_id = 1`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("migration 1 recorded %d times, want once", n)
	}
}
