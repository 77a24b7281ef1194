package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Config is everything read from the environment.
type Config struct {
	DatabaseURL   string // DATABASE_URL
	Addr          string // RENKEI_ADDR
	SecretKey     []byte // RENKEI_SECRET_KEY, else .data/secret.key
	AdminPassword string // RENKEI_ADMIN_PASSWORD
	CookieSecure  bool   // RENKEI_COOKIE_SECURE
	Sandbox       bool   // RENKEI_SANDBOX

	PreviousSecretKeys []string      // RENKEI_SECRET_KEY_PREVIOUS (connections.go)
	APILogRetention    time.Duration // RENKEI_APILOG_RETENTION_DAYS (connections.go)
}

const (
	defaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/renkei?sslmode=disable"
	defaultAddr        = "127.0.0.1:8080"
	secretKeyFile      = ".data/secret.key"
	minSecretKeyLength = 32
)

func loadConfig(getenv func(string) string, logger *slog.Logger) (Config, error) {
	c := Config{
		DatabaseURL:   getenv("DATABASE_URL"),
		Addr:          getenv("RENKEI_ADDR"),
		AdminPassword: getenv("RENKEI_ADMIN_PASSWORD"),
	}
	if c.DatabaseURL == "" {
		c.DatabaseURL = defaultDatabaseURL
	}
	if c.Addr == "" {
		c.Addr = defaultAddr
	}
	var err error
	if c.CookieSecure, err = parseBool("RENKEI_COOKIE_SECURE", getenv("RENKEI_COOKIE_SECURE")); err != nil {
		return c, err
	}
	if c.Sandbox, err = parseBool("RENKEI_SANDBOX", getenv("RENKEI_SANDBOX")); err != nil {
		return c, err
	}
	c.PreviousSecretKeys = previousSecretKeys(getenv)
	if c.APILogRetention, err = apiLogRetention(getenv); err != nil {
		return c, err
	}
	if k := getenv("RENKEI_SECRET_KEY"); k != "" {
		if len(k) < minSecretKeyLength {
			return c, fmt.Errorf("RENKEI_SECRET_KEY is too short: use at least %d characters (for example: openssl rand -hex 32)", minSecretKeyLength)
		}
		c.SecretKey = []byte(k)
	} else {
		k, created, err := fileSecretKey(secretKeyFile)
		if err != nil {
			return c, err
		}
		if created {
			logger.Info("generated a secret key; keep this file, sessions and stored credentials depend on it", "file", secretKeyFile)
		}
		c.SecretKey = k
	}
	return c, nil
}

func parseBool(name, v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "0", "false", "no", "off":
		return false, nil
	case "1", "true", "yes", "on":
		return true, nil
	}
	return false, fmt.Errorf("%s=%q: use 1 or 0", name, v)
}

// fileSecretKey reads the secret key from path, generating it the first
// time. The new key is written to a temporary file and hard-linked into
// place, so two instances starting at once agree on one complete key.
func fileSecretKey(path string) (key []byte, created bool, err error) {
	if b, err := os.ReadFile(path); err == nil {
		k := strings.TrimSpace(string(b))
		if len(k) < minSecretKeyLength {
			return nil, false, fmt.Errorf("secret key: %s holds fewer than %d characters; delete it to generate a new one (sessions and stored credentials are lost)", path, minSecretKeyLength)
		}
		return []byte(k), false, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, fmt.Errorf("secret key: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, false, fmt.Errorf("secret key: %w", err)
	}
	f, err := os.CreateTemp(dir, ".secret-*")
	if err != nil {
		return nil, false, fmt.Errorf("secret key: %w", err)
	}
	defer os.Remove(f.Name())
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	k := hex.EncodeToString(b)
	_, werr := f.WriteString(k + "\n")
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return nil, false, fmt.Errorf("secret key: %w", werr)
	}
	if err := os.Link(f.Name(), path); errors.Is(err, fs.ErrExist) {
		return fileSecretKey(path) // another instance was first: use its key
	} else if err != nil {
		return nil, false, fmt.Errorf("secret key: %w", err)
	}
	return []byte(k), true, nil
}
