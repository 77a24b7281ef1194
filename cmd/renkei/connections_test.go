package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/secretbox"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/store/testdb"
)

func TestRotateKeyReSealsStoredCredentials(t *testing.T) {
	oldKey, newKey := strings.Repeat("o", 40), strings.Repeat("n", 40)
	dbURL := testdb.NewURL(t)
	st := store.New(testdb.Open(t, dbURL))
	ctx := context.Background()
	oldBox, _ := secretbox.New(oldKey)
	sf := domain.ShipFrom{Name: "本社", PostalCode: "100-0001", Prefecture: "東京都", Address: "千代田区1-1", Phone: "03-1234-5678"}
	if err := st.CreateShipFrom(ctx, &sf); err != nil {
		t.Fatal(err)
	}
	c := domain.NewConnection(domain.MarketplaceRakuten, time.Now())
	c.ChannelName, c.ShipFromID = "楽天", sf.ID
	c.Secrets = map[string]string{domain.FieldRakutenServiceSecret: "SP-rotate-me", domain.FieldRakutenLicenseKey: "SL-rotate-me"}
	if err := st.CreateConnection(ctx, oldBox, c); err != nil {
		t.Fatal(err)
	}

	var out, errOut bytes.Buffer
	e := env{stdout: &out, stderr: &errOut, getenv: envOf(map[string]string{"DATABASE_URL": dbURL, "RENKEI_SECRET_KEY": newKey})}
	if err := run(ctx, []string{"rotate-key"}, e); err == nil || !strings.Contains(err.Error(), "RENKEI_SECRET_KEY_PREVIOUS") {
		t.Errorf("without the previous key: %v", err)
	}
	e.getenv = envOf(map[string]string{"DATABASE_URL": dbURL, "RENKEI_SECRET_KEY": newKey, "RENKEI_SECRET_KEY_PREVIOUS": oldKey})
	if err := run(ctx, []string{"rotate-key"}, e); err != nil {
		t.Fatalf("rotate-key: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "re-sealed 2 stored credential(s)") {
		t.Errorf("output %q", out.String())
	}
	newBox, _ := secretbox.New(newKey)
	got, err := st.Connection(ctx, newBox, c.ID)
	if err != nil || got.Secret(domain.FieldRakutenLicenseKey) != "SL-rotate-me" {
		t.Errorf("with the new key alone: %q, %v", got.Secret(domain.FieldRakutenLicenseKey), err)
	}
	if _, err := st.Connection(ctx, oldBox, c.ID); !errors.Is(err, secretbox.ErrUnknownKey) {
		t.Errorf("old key still reads rotated rows: %v", err)
	}
}

func TestAPILogRetentionConfig(t *testing.T) {
	for v, want := range map[string]time.Duration{"": 90 * 24 * time.Hour, "30": 30 * 24 * time.Hour} {
		got, err := apiLogRetention(envOf(map[string]string{"RENKEI_APILOG_RETENTION_DAYS": v}))
		if err != nil || got != want {
			t.Errorf("%q: %v, %v", v, got, err)
		}
	}
	for _, v := range []string{"0", "-1", "ninety"} {
		if _, err := apiLogRetention(envOf(map[string]string{"RENKEI_APILOG_RETENTION_DAYS": v})); err == nil {
			t.Errorf("%q accepted", v)
		}
	}
}

func TestPurgeAPILogsOnStart(t *testing.T) {
	st := store.New(testdb.New(t))
	ctx, cancel := context.WithCancel(context.Background())
	old := domain.APILog{Action: domain.APIActionConnectionTest, OK: true, StartedAt: time.Now().AddDate(0, 0, -91)}
	recent := domain.APILog{Action: domain.APIActionConnectionTest, OK: true, StartedAt: time.Now().AddDate(0, 0, -89)}
	for _, l := range []*domain.APILog{&old, &recent} {
		if err := st.InsertAPILog(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan struct{})
	logs := &syncBuffer{}
	go func() {
		purgeAPILogs(ctx, st, domain.DefaultAPILogRetention, slog.New(slog.NewTextHandler(logs, nil)))
		close(done)
	}()
	// The bound only keeps a broken purge from hanging the run.
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(logs.String(), "api log purged"); {
		if time.Now().After(deadline) {
			t.Fatalf("no purge logged: %s", logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	if _, err := st.APILog(context.Background(), old.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("91-day-old row kept: %v", err)
	}
	if _, err := st.APILog(context.Background(), recent.ID); err != nil {
		t.Errorf("89-day-old row purged: %v", err)
	}
}
