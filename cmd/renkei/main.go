// Command renkei is Renkei's one binary: the web application, its
// migrations and its administration commands.
//
//	renkei [serve]                                  serve the web UI (default)
//	renkei migrate                                  apply the database migrations
//	renkei user add --name NAME --role admin|operator   add a user; password on stdin
//	renkei sandbox                                  run the marketplace sandbox alone
//	renkei rotate-key                               re-seal stored credentials with a new RENKEI_SECRET_KEY
//
// Configuration comes from the environment only (see config.go and the
// README).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

// env is the process's outside world, passed in so tests can run commands
// in-process.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

const usage = `usage:
  renkei [serve]                                      serve the web UI (default)
  renkei migrate                                      apply the database migrations
  renkei user add --name NAME --role admin|operator   add a user (password on stdin)
  renkei sandbox                                      run the marketplace sandbox alone
  renkei rotate-key                                   re-seal stored credentials with RENKEI_SECRET_KEY
                                                      (old key in RENKEI_SECRET_KEY_PREVIOUS)
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e := env{getenv: os.Getenv, stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}
	if err := run(ctx, os.Args[1:], e); err != nil {
		if !errors.Is(err, errUsage) {
			fmt.Fprintln(os.Stderr, "renkei:", err)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

// run executes one sub-command.
func run(ctx context.Context, args []string, e env) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	logger := slog.New(slog.NewTextHandler(e.stderr, nil))
	switch cmd {
	case "serve":
		cfg, err := loadConfig(e.getenv, logger)
		if err != nil {
			return err
		}
		return serve(ctx, cfg, logger, nil)
	case "migrate":
		cfg, err := loadConfig(e.getenv, logger)
		if err != nil {
			return err
		}
		return migrate(ctx, cfg, logger, e)
	case "user":
		if len(args) == 0 || args[0] != "add" {
			fmt.Fprint(e.stderr, usage)
			return errUsage
		}
		cfg, err := loadConfig(e.getenv, logger)
		if err != nil {
			return err
		}
		return userAdd(ctx, cfg, args[1:], e)
	case "sandbox":
		cfg, err := loadConfig(e.getenv, logger)
		if err != nil {
			return err
		}
		return runSandbox(ctx, cfg, logger, args)
	case "rotate-key":
		cfg, err := loadConfig(e.getenv, logger)
		if err != nil {
			return err
		}
		return rotateKey(ctx, cfg, logger, e)
	case "help", "-h", "--help":
		fmt.Fprint(e.stdout, usage)
		return nil
	default:
		fmt.Fprintf(e.stderr, "unknown command %q\n%s", cmd, usage)
		return errUsage
	}
}
