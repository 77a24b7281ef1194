package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/store/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

func envOf(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// syncBuffer collects log output written from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestConfigDefaultsAndGeneratedSecretKey(t *testing.T) {
	t.Chdir(t.TempDir())
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	c, err := loadConfig(envOf(nil), logger)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DatabaseURL != defaultDatabaseURL || c.CookieSecure || c.Sandbox {
		t.Errorf("defaults = %+v", c)
	}
	if len(c.SecretKey) != 64 {
		t.Errorf("generated key has %d characters, want 64 hex digits", len(c.SecretKey))
	}
	fi, err := os.Stat(".data/secret.key")
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf(".data/secret.key mode %v, want 0600", fi.Mode().Perm())
	}
	again, err := loadConfig(envOf(nil), logger)
	if err != nil {
		t.Fatal(err)
	}
	if string(again.SecretKey) != string(c.SecretKey) {
		t.Error("the secret key changed between two starts")
	}

	c, err = loadConfig(envOf(map[string]string{
		"RENKEI_SECRET_KEY": strings.Repeat("k", 40), "RENKEI_COOKIE_SECURE": "1", "RENKEI_SANDBOX": "true",
		"RENKEI_ADDR": "0.0.0.0:9000", "DATABASE_URL": "postgres://x/y",
	}), logger)
	if err != nil {
		t.Fatal(err)
	}
	if string(c.SecretKey) != strings.Repeat("k", 40) || !c.CookieSecure || !c.Sandbox || c.Addr != "0.0.0.0:9000" || c.DatabaseURL != "postgres://x/y" {
		t.Errorf("from env = %+v", c)
	}
}

func TestConfigRefusesBadValues(t *testing.T) {
	t.Chdir(t.TempDir())
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, vars := range []map[string]string{
		{"RENKEI_SECRET_KEY": "short"},
		{"RENKEI_COOKIE_SECURE": "maybe"},
		{"RENKEI_SANDBOX": "2"},
	} {
		if _, err := loadConfig(envOf(vars), logger); err == nil {
			t.Errorf("%v: no error", vars)
		}
	}
}

func TestConcurrentStartsAgreeOnOneSecretKey(t *testing.T) {
	t.Chdir(t.TempDir())
	keys := make([]string, 4)
	var wg sync.WaitGroup
	for i := range keys {
		wg.Go(func() {
			k, _, err := fileSecretKey(secretKeyFile)
			if err != nil {
				t.Error(err)
			}
			keys[i] = string(k)
		})
	}
	wg.Wait()
	for _, k := range keys[1:] {
		if k != keys[0] {
			t.Fatalf("instances got different keys: %q", keys)
		}
	}
}

func TestMigrateCommandTwice(t *testing.T) {
	t.Chdir(t.TempDir())
	vars := map[string]string{"DATABASE_URL": testdb.NewEmpty(t)}
	for i, want := range []string{"migrations applied: ", "migrations applied: 0\n"} {
		var out bytes.Buffer
		err := run(context.Background(), []string{"migrate"}, env{getenv: envOf(vars), stdin: strings.NewReader(""), stdout: &out, stderr: io.Discard})
		if err != nil {
			t.Fatalf("run %d: %v", i+1, err)
		}
		if !strings.HasPrefix(out.String(), want) || (i == 0 && out.String() == "migrations applied: 0\n") {
			t.Errorf("run %d printed %q", i+1, out.String())
		}
	}
}

func TestUserAddCommand(t *testing.T) {
	t.Chdir(t.TempDir())
	dbURL := testdb.NewURL(t)
	vars := map[string]string{"DATABASE_URL": dbURL}
	userAdd := func(stdin string, args ...string) (string, error) {
		var out bytes.Buffer
		err := run(context.Background(), append([]string{"user", "add"}, args...),
			env{getenv: envOf(vars), stdin: strings.NewReader(stdin), stdout: &out, stderr: io.Discard})
		return out.String(), err
	}
	out, err := userAdd("s3cret-pass\n", "--name", "tanaka", "--role", "operator")
	if err != nil {
		t.Fatal(err)
	}
	if out != "user tanaka added (operator)\n" {
		t.Errorf("output %q", out)
	}
	st := store.New(testdb.Open(t, dbURL))
	u, err := st.UserByName(context.Background(), "tanaka")
	if err != nil {
		t.Fatal(err)
	}
	if u.Role != domain.RoleOperator || !domain.CheckPassword(u.PasswordHash, "s3cret-pass") {
		t.Errorf("stored user %+v does not match", u)
	}

	for _, tt := range []struct {
		stdin string
		args  []string
	}{
		{"s3cret-pass\n", []string{"--name", "tanaka", "--role", "admin"}},        // name taken
		{"s3cret-pass\n", []string{"--name", "suzuki", "--role", "boss"}},         // bad role
		{"short\n", []string{"--name", "suzuki", "--role", "admin"}},              // weak password
		{"s3cret-pass\n", []string{"--name", "鈴木", "--role", "admin"}},            // bad name
		{"s3cret-pass\n", []string{"--role", "admin"}},                            // no name
		{"s3cret-pass\n", []string{"--name", "suzuki", "--role", "admin", "--x"}}, // unknown flag
	} {
		if _, err := userAdd(tt.stdin, tt.args...); err == nil {
			t.Errorf("user add %v: no error", tt.args)
		}
	}
}

// startServe runs `renkei serve` in the background and returns its base URL
// and a func that stops it gracefully and returns serve's error.
func startServe(t *testing.T, vars map[string]string, logs io.Writer) (string, func() error) {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(logs, nil))
	cfg, err := loadConfig(envOf(vars), logger)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Addr = "127.0.0.1:0"
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan net.Addr, 1)
	errc := make(chan error, 1)
	go func() { errc <- serve(ctx, cfg, logger, func(a net.Addr) { addrc <- a }) }()
	select {
	case a := <-addrc:
		stop := func() error { cancel(); return <-errc }
		t.Cleanup(func() { cancel() })
		return "http://" + a.String(), stop
	case err := <-errc:
		cancel()
		t.Fatalf("serve did not start: %v", err)
	}
	return "", nil
}

func TestServeFirstStartHealthLoginAndGracefulStop(t *testing.T) {
	t.Chdir(t.TempDir())
	vars := map[string]string{"DATABASE_URL": testdb.NewEmpty(t)}
	var logs syncBuffer
	base, stop := startServe(t, vars, &logs)

	res, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || string(body) != "ok" {
		t.Errorf("healthz: %d %q", res.StatusCode, body)
	}

	// The admin's random password is in the log, once.
	_, after, ok := strings.Cut(logs.String(), "password=")
	if !ok {
		t.Fatalf("no admin password in the log:\n%s", logs.String())
	}
	password := strings.Fields(after)[0]
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest("POST", base+"/login", strings.NewReader(url.Values{"username": {"admin"}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	res, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Errorf("admin login with the logged password: %d → %q", res.StatusCode, res.Header.Get("Location"))
	}

	if err := stop(); err != nil {
		t.Errorf("graceful stop: %v", err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("server still answers after stop")
	}

	// A second start reuses the admin and prints no password.
	var logs2 syncBuffer
	_, stop = startServe(t, vars, &logs2)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(logs2.String(), "password=") {
		t.Errorf("second start logged a password again:\n%s", logs2.String())
	}
}

func TestServeWithAdminPasswordFromEnv(t *testing.T) {
	t.Chdir(t.TempDir())
	dbURL := testdb.NewEmpty(t)
	vars := map[string]string{"DATABASE_URL": dbURL, "RENKEI_ADMIN_PASSWORD": "from-the-env-1"}
	var logs syncBuffer
	_, stop := startServe(t, vars, &logs)
	defer stop()
	st := store.New(testdb.Open(t, dbURL))
	u, err := st.UserByName(context.Background(), "admin")
	if err != nil {
		t.Fatal(err)
	}
	if u.Role != domain.RoleAdmin || !domain.CheckPassword(u.PasswordHash, "from-the-env-1") {
		t.Errorf("admin %+v does not have the password from RENKEI_ADMIN_PASSWORD", u)
	}
	if strings.Contains(logs.String(), "from-the-env-1") {
		t.Error("the configured password was written to the log")
	}
}

// Several instances starting at once on an empty database all come up
// (migrations queue on a lock), and exactly one admin is created.
func TestConcurrentServeStarts(t *testing.T) {
	t.Chdir(t.TempDir())
	dbURL := testdb.NewEmpty(t)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg, err := loadConfig(envOf(map[string]string{"DATABASE_URL": dbURL, "RENKEI_ADMIN_PASSWORD": "concurrent-1"}), logger)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Addr = "127.0.0.1:0"
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const n = 3
	ready := make(chan net.Addr, n)
	errc := make(chan error, n)
	for range n {
		go func() { errc <- serve(ctx, cfg, logger, func(a net.Addr) { ready <- a }) }()
	}
	for range n {
		select {
		case <-ready:
		case err := <-errc:
			t.Fatalf("an instance failed to start: %v", err)
		}
	}
	cancel()
	for range n {
		if err := <-errc; err != nil {
			t.Errorf("instance stop: %v", err)
		}
	}
	db := testdb.Open(t, dbURL)
	var admins int
	if err := sqlx.Get(db, &admins, `SELECT count(*) FROM users WHERE name = 'admin'`); err != nil || admins != 1 {
		t.Errorf("admins: %d, %v", admins, err)
	}
}
