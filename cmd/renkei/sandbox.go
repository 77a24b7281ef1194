package main

// The marketplace sandbox (simulated seller APIs under /sandbox/) is owned
// by package marketplace/sandbox. Its wiring into the binary lives in this
// file only:
//
//   - mountSandbox: with RENKEI_SANDBOX=1, `renkei serve` mounts the sandbox
//     under /sandbox/ next to the app (outside the app's login and
//     cross-origin checks: marketplace clients call it like a real API).
//   - runSandbox: `renkei sandbox` serves the sandbox alone.

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/renkei-oss/renkei/marketplace/sandbox"
)

// mountSandbox registers the sandbox on mux under /sandbox/.
func mountSandbox(mux *http.ServeMux, cfg Config, logger *slog.Logger) error {
	mux.Handle("/sandbox/", sandbox.New(sandbox.Options{}))
	logger.Info("marketplace sandbox mounted", "path", "/sandbox/")
	return nil
}

// runSandbox is `renkei sandbox [-addr host:port] [-seed n] [-rate-factor f] [-live]`.
func runSandbox(ctx context.Context, cfg Config, logger *slog.Logger, args []string) error {
	if len(args) > 0 && args[0] == "sandbox" {
		args = args[1:]
	}
	fs := flag.NewFlagSet("sandbox", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8081", "address to listen on")
	seed := fs.Int64("seed", 1, "seed of the generated shops and orders")
	factor := fs.Float64("rate-factor", 1, "scale of the published rate limits; 0 switches them off")
	live := fs.Bool("live", false, "add new orders over time")
	if err := fs.Parse(args); err != nil {
		return err
	}
	sb := sandbox.New(sandbox.Options{Seed: *seed, RateFactor: *factor, RateLimitsOff: *factor <= 0})
	defer sb.Close()
	sb.SetLive(*live)
	mux := http.NewServeMux()
	mux.Handle("/sandbox/", sb)
	mux.Handle("/{$}", http.RedirectHandler("/sandbox/", http.StatusFound))
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	logger.Info("marketplace sandbox is serving", "url", "http://"+ln.Addr().String()+"/sandbox/",
		"credentials", "http://"+ln.Addr().String()+"/sandbox/credentials.json")
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
