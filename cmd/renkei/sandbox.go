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
	"log/slog"
	"net/http"
)

// mountSandbox registers the sandbox on mux under /sandbox/.
// TODO(sandbox owner): mount marketplace/sandbox here.
func mountSandbox(mux *http.ServeMux, cfg Config, logger *slog.Logger) error {
	return errors.New("RENKEI_SANDBOX=1: the marketplace sandbox is not built into this binary yet")
}

// runSandbox is `renkei sandbox`.
// TODO(sandbox owner): serve marketplace/sandbox alone here.
func runSandbox(ctx context.Context, cfg Config, logger *slog.Logger, args []string) error {
	return errors.New("renkei sandbox: the marketplace sandbox is not built into this binary yet")
}
