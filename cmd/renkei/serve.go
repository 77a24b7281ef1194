package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // the PostgreSQL driver

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/handlers"
	"github.com/renkei-oss/renkei/jobs"
	"github.com/renkei-oss/renkei/jobs/allocation"
	"github.com/renkei-oss/renkei/jobs/orderimport"
	"github.com/renkei-oss/renkei/jobs/productimport"
	"github.com/renkei-oss/renkei/marketplace/registry"
	"github.com/renkei-oss/renkei/migrations"
)

// serve runs the web application until ctx ends, then shuts down
// gracefully. ready, when set, is told the listening address (tests listen
// on port 0).
func serve(ctx context.Context, cfg Config, logger *slog.Logger, ready func(net.Addr)) error {
	db, err := openDB(ctx, cfg.DatabaseURL, logger)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := migrations.UpLogged(ctx, db.DB, logger); err != nil {
		return err
	}
	st := store.New(db)
	if err := ensureAdmin(ctx, st, cfg.AdminPassword, logger); err != nil {
		return err
	}

	// Linkage robots (連携ロボット). Robots whose action is not registered
	// fail with a message instead of running; each action registers here as
	// it lands.
	box, err := secretBox(cfg)
	if err != nil {
		return err
	}
	// One way to open marketplace clients for the robots and the pages.
	clients := registry.Clients{}
	actions := jobs.NewRegistry()
	actions.Register(domain.ActionOrderImport, orderimport.NewAction(st, box, clients, logger))
	actions.Register(domain.ActionAllocate, &allocation.Action{Store: st})
	actions.Register(domain.ActionProductImport, productimport.NewAction(st, box, clients, func(err error) { logger.Error("write api log", "err", err) }))
	robots, err := jobs.New(db, actions, jobs.Options{ListenURL: cfg.DatabaseURL, Logger: logger})
	if err != nil {
		return err
	}
	if err := robots.Start(ctx); err != nil {
		return err
	}
	defer func() {
		// Running robots get this long to finish, then resume next time.
		stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 20*time.Second)
		defer cancel()
		if err := robots.Stop(stopCtx); err != nil {
			logger.Warn("robots cut short at shutdown", "err", err)
		}
	}()

	go purgeAPILogs(ctx, st, cfg.APILogRetention, logger)

	mux := http.NewServeMux()
	mux.Handle("/", handlers.New(handlers.Deps{
		DB:           db,
		Store:        st,
		Logger:       logger,
		SecretKey:    cfg.SecretKey,
		CookieSecure: cfg.CookieSecure,
		Secrets:      box,
		Clients:      clients,
		// mountSandbox serves it beside the app; API接続設定 offers its URL.
		SandboxMounted: cfg.Sandbox,
		Scheduler:      robots,
	}))
	if cfg.Sandbox {
		if err := mountSandbox(mux, cfg, logger); err != nil {
			return err
		}
	}

	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s (RENKEI_ADDR): %w", cfg.Addr, err)
	}
	logger.Info("Renkei is serving", "url", "http://"+ln.Addr().String()+"/")
	if ready != nil {
		ready(ln.Addr())
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down: finishing requests in progress")
	shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	logger.Info("stopped")
	return nil
}

// openDB connects to PostgreSQL, waiting up to 30 seconds for it to come
// up (a database container starting next to us).
func openDB(ctx context.Context, url string, logger *slog.Logger) (*sqlx.DB, error) {
	db, err := sqlx.Open("postgres", url)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	db.SetMaxOpenConns(25)
	db.SetMaxIdleConns(5)
	db.SetConnMaxIdleTime(5 * time.Minute)
	deadline := time.Now().Add(30 * time.Second)
	for {
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err = db.PingContext(pctx)
		cancel()
		if err == nil {
			return db, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			db.Close()
			return nil, fmt.Errorf("cannot reach the database (DATABASE_URL): %w", err)
		}
		logger.Warn("database not reachable yet, retrying", "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

// adminName is the user created on first start.
const adminName = "admin"

// ensureAdmin creates the admin user on first start, with
// RENKEI_ADMIN_PASSWORD or a random password printed once to the log.
func ensureAdmin(ctx context.Context, st *store.Store, password string, logger *slog.Logger) error {
	if _, err := st.UserByName(ctx, adminName); err == nil {
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	generated := password == ""
	if generated {
		password = randomPassword()
	}
	hash, err := domain.HashPassword(password)
	if err != nil {
		return err
	}
	created, err := st.EnsureUser(ctx, adminName, domain.RoleAdmin, hash)
	if err != nil || !created {
		return err // not created: another instance just did
	}
	if generated {
		logger.Warn("created the admin user with a random password; it is shown only this once, change it under 設定 > ユーザー",
			"user", adminName, "password", password)
	} else {
		logger.Info("created the admin user with the password from RENKEI_ADMIN_PASSWORD", "user", adminName)
	}
	return nil
}

// randomPassword is 16 characters without look-alikes (0/O, 1/l/I).
func randomPassword() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

func migrate(ctx context.Context, cfg Config, logger *slog.Logger, e env) error {
	db, err := openDB(ctx, cfg.DatabaseURL, logger)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := migrations.UpLogged(ctx, db.DB, logger)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "migrations applied: %d\n", n)
	return nil
}
