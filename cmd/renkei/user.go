package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/migrations"
)

// userAdd is `renkei user add --name NAME --role admin|operator`, reading
// the password from the first line of stdin (so it stays out of the shell
// history and the process list).
func userAdd(ctx context.Context, cfg Config, args []string, e env) error {
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	name := fs.String("name", "", "login name")
	role := fs.String("role", "", "admin or operator")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if err := domain.ValidateUserName(*name); err != nil {
		return fmt.Errorf("--name: %w", err)
	}
	r, err := domain.ParseRole(*role)
	if err != nil {
		return fmt.Errorf("--role: %w", err)
	}
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read the password from stdin: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	if err := domain.ValidatePassword(password); err != nil {
		return fmt.Errorf("password (stdin): %w", err)
	}
	hash, err := domain.HashPassword(password)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(e.stderr, nil))
	db, err := openDB(ctx, cfg.DatabaseURL, logger)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := migrations.UpLogged(ctx, db.DB, logger); err != nil {
		return err
	}
	u, err := store.New(db).CreateUser(ctx, *name, r, hash)
	if errors.Is(err, store.ErrUserNameTaken) {
		return fmt.Errorf("a user named %q already exists", *name)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "user %s added (%s)\n", u.Name, u.Role)
	return nil
}
