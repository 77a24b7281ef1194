package main

// Wiring of API接続設定 and the APIログ into the binary: the box sealing
// stored marketplace credentials (with the keys of a pending rotation),
// `renkei rotate-key`, and the API log purge.

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/secretbox"
	"github.com/renkei-oss/renkei/domain/store"
)

// previousSecretKeys reads RENKEI_SECRET_KEY_PREVIOUS: the old key(s),
// comma-separated, still needed to read credentials sealed before a rotation.
func previousSecretKeys(getenv func(string) string) []string {
	var out []string
	for _, k := range strings.Split(getenv("RENKEI_SECRET_KEY_PREVIOUS"), ",") {
		if k = strings.TrimSpace(k); k != "" {
			out = append(out, k)
		}
	}
	return out
}

// apiLogRetention reads RENKEI_APILOG_RETENTION_DAYS (default 90).
func apiLogRetention(getenv func(string) string) (time.Duration, error) {
	v := strings.TrimSpace(getenv("RENKEI_APILOG_RETENTION_DAYS"))
	if v == "" {
		return domain.DefaultAPILogRetention, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("RENKEI_APILOG_RETENTION_DAYS=%q: use a whole number of days, 1 or more", v)
	}
	return time.Duration(n) * 24 * time.Hour, nil
}

func secretBox(cfg Config) (*secretbox.Box, error) {
	b, err := secretbox.New(string(cfg.SecretKey), cfg.PreviousSecretKeys...)
	if err != nil {
		return nil, fmt.Errorf("RENKEI_SECRET_KEY / RENKEI_SECRET_KEY_PREVIOUS: %w", err)
	}
	return b, nil
}

// rotateKey is `renkei rotate-key`: re-seal every stored credential with
// RENKEI_SECRET_KEY, reading the old rows with RENKEI_SECRET_KEY_PREVIOUS.
// It runs in one transaction; afterwards the previous key can be dropped.
func rotateKey(ctx context.Context, cfg Config, logger *slog.Logger, e env) error {
	if len(cfg.PreviousSecretKeys) == 0 {
		return fmt.Errorf("rotate-key: set RENKEI_SECRET_KEY to the new key and RENKEI_SECRET_KEY_PREVIOUS to the old one")
	}
	box, err := secretBox(cfg)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, cfg.DatabaseURL, logger)
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := store.New(db).RotateSecrets(ctx, box)
	if err != nil {
		return fmt.Errorf("rotate-key: nothing changed: %w", err)
	}
	fmt.Fprintf(e.stdout, "re-sealed %d stored credential(s) with key %s; RENKEI_SECRET_KEY_PREVIOUS is no longer needed\n", n, box.KeyID())
	return nil
}

// purgeAPILogs deletes API log rows older than retention now and then once
// a day until ctx ends. (The scheduler issue will own periodic jobs; this
// is the simple stand-in.)
func purgeAPILogs(ctx context.Context, st *store.Store, retention time.Duration, logger *slog.Logger) {
	purge := func() {
		n, err := st.PurgeAPILogs(ctx, time.Now().Add(-retention))
		if err != nil {
			if ctx.Err() == nil {
				logger.Error("purge api logs", "err", err)
			}
			return
		}
		logger.Info("api log purged", "deleted", n, "retention_days", int(retention.Hours()/24))
		// 連携ロボット run history is kept as long as the API log it links to.
		if n, err := st.PurgeSyncRuns(ctx, time.Now().Add(-retention)); err != nil {
			if ctx.Err() == nil {
				logger.Error("purge robot runs", "err", err)
			}
		} else {
			logger.Info("robot run history purged", "deleted", n)
		}
	}
	purge()
	t := time.NewTicker(24 * time.Hour)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			purge()
		}
	}
}
