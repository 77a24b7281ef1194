package main

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/secretbox"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/store/testdb"
)

// The daily purge trims 連携ロボット run history with the API log.
func TestPurgeTrimsRobotRunHistory(t *testing.T) {
	db := testdb.New(t)
	st := store.New(db)
	ctx := context.Background()
	sf := domain.ShipFrom{Name: "本社", PostalCode: "100-0001", Prefecture: "東京都", Address: "千代田区1-1", Phone: "03-1234-5678"}
	if err := st.CreateShipFrom(ctx, &sf); err != nil {
		t.Fatal(err)
	}
	c := domain.NewConnection(domain.MarketplaceRakuten, time.Now())
	c.ChannelName, c.ShipFromID = "楽天", sf.ID
	c.Secrets = map[string]string{domain.FieldRakutenServiceSecret: "SP-x", domain.FieldRakutenLicenseKey: "SL-x"}
	box, _ := secretbox.New(strings.Repeat("k", 40))
	if err := st.CreateConnection(ctx, box, c); err != nil {
		t.Fatal(err)
	}
	j, err := st.CreateSyncJob(ctx, domain.SyncJob{Name: "取込", ConnectionID: c.ID, Action: domain.ActionOrderImport,
		Trigger: domain.Trigger{Kind: domain.TriggerInterval, IntervalMinutes: 15}})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for i, age := range []int{120, 100, 1} { // days
		at := time.Now().AddDate(0, 0, -age)
		run, _, err := st.ClaimSyncRun(ctx, j.ID, string(rune('a'+i)), domain.SyncCauseSchedule, "t", at)
		if err != nil {
			t.Fatal(err)
		}
		run.Status, run.FinishedAt = domain.SyncRunSucceeded, &at
		if err := st.FinishSyncRun(ctx, run, nil); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, run.ID)
	}

	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	logs := &syncBuffer{}
	go func() {
		purgeAPILogs(ctx, st, domain.DefaultAPILogRetention, slog.New(slog.NewTextHandler(logs, nil)))
		close(done)
	}()
	// The bound only keeps a broken purge from hanging the run.
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(logs.String(), "robot run history purged"); {
		if time.Now().After(deadline) {
			t.Fatalf("no purge logged: %s", logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	runs, err := st.SyncRuns(context.Background(), j.ID, 10)
	if err != nil || len(runs) != 1 || runs[0].ID != ids[2] {
		t.Fatalf("runs left %+v (%v), want only the recent one", runs, err)
	}
}
