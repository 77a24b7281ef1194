// Command devenv prepares the development machine for `make run` and
// `make test`, then runs the given command in it:
//
//	go run ./cmd/devenv run  -- CMD ARGS…   database `renkei` → DATABASE_URL
//	go run ./cmd/devenv test -- CMD ARGS…   test server, Chromium → RENKEI_TEST_*
//
// PostgreSQL is found in this order: DATABASE_URL (for tests
// RENKEI_TEST_DATABASE_URL first); a server on 127.0.0.1:5432 (user postgres,
// trust auth); else a private cluster under .data/pg on port 55432,
// initialised and started here (through runuser as root, since initdb
// refuses root; PostgreSQL installed with apt-get when root and missing).
// Whatever devenv starts it stops again when the command ends, and `test`
// drops every database its run created, so nothing is left behind.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
)

func main() {
	code, err := run(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "devenv:", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

func run(args []string) (int, error) {
	if len(args) < 3 || args[1] != "--" {
		return 2, errors.New("usage: devenv run|test -- COMMAND [ARGS…]")
	}
	mode, cmd := args[0], args[2:]
	ctx := context.Background()
	switch mode {
	case "run":
		pg, err := findPostgres(ctx, os.Getenv("DATABASE_URL"))
		if err != nil {
			return 1, err
		}
		defer pg.Stop()
		dbURL, err := pg.EnsureDatabase(ctx, "renkei")
		if err != nil {
			return 1, err
		}
		return runCommand(cmd, "DATABASE_URL="+dbURL)
	case "test":
		server := os.Getenv("RENKEI_TEST_DATABASE_URL")
		if server == "" {
			server = os.Getenv("DATABASE_URL")
		}
		pg, err := findPostgres(ctx, server)
		if err != nil {
			return 1, err
		}
		defer pg.Stop()
		if err := ensureChromium(); err != nil {
			return 1, err
		}
		prefix := "renkei_test_" + randomHex(3) + "_"
		defer func() {
			if err := pg.DropDatabases(context.Background(), prefix); err != nil {
				fmt.Fprintln(os.Stderr, "devenv: drop test databases:", err)
			}
		}()
		return runCommand(cmd, "RENKEI_TEST_DATABASE_URL="+pg.URL, "RENKEI_TEST_DB_PREFIX="+prefix)
	}
	return 2, fmt.Errorf("unknown mode %q: use run or test", mode)
}

// runCommand runs cmd with extra environment variables and returns its exit
// code. Ctrl-C reaches the child through the terminal's process group; we
// only wait for it, so the clean-up after it still runs.
func runCommand(cmd []string, env ...string) (int, error) {
	c := exec.Command(cmd[0], cmd[1:]...)
	c.Stdin, c.Stdout, c.Stderr = os.Stdin, os.Stdout, os.Stderr
	c.Env = append(os.Environ(), env...)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	if err := c.Start(); err != nil {
		return 1, err
	}
	go func() {
		for s := range sigs {
			// SIGTERM sent to us alone (not the group): pass it on.
			_ = c.Process.Signal(s)
		}
	}()
	err := c.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if code := exit.ExitCode(); code >= 0 {
			return code, nil
		}
		return 1, nil // killed by a signal
	}
	return 0, err
}
