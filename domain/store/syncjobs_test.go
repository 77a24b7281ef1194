package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/store/testdb"
)

// syncJobConn inserts a bare connection for robots to belong to.
func syncJobConn(t *testing.T, db *sqlx.DB, name string) int64 {
	t.Helper()
	var id int64
	err := db.Get(&id, `
		WITH sf AS (INSERT INTO ship_froms (name, postal_code, prefecture, address, phone)
			VALUES ($1, '100-0001', '東京都', '千代田区千代田1-1', '03-0000-0000') RETURNING id)
		INSERT INTO connections (channel_name, marketplace, base_url, ship_from_id)
		SELECT $1, 'rakuten', 'http://127.0.0.1:1', id FROM sf RETURNING id`, name)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestSyncJobsLifecycle(t *testing.T) {
	db := testdb.New(t)
	st := store.New(db)
	ctx := context.Background()
	conn := syncJobConn(t, db, "楽天 本店")
	now := time.Date(2026, 11, 5, 10, 0, 0, 0, domain.SyncJobZone)

	j, err := st.CreateSyncJob(ctx, domain.SyncJob{Name: "【自動連携】楽天 出荷指示取得(差分)", ConnectionID: conn,
		Action: domain.ActionOrderImport, Enabled: true,
		Trigger: domain.Trigger{Kind: domain.TriggerDaily, TimesOfDay: []string{"09:00", "18:00"}}})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := st.SyncJob(ctx, j.ID); got.Trigger.String() != "毎日 09:00, 18:00" || string(got.Params) != "{}" {
		t.Fatalf("read back %+v", got)
	}

	// A failure counts up and sets the backoff; the cursor survives an edit.
	run, claimed, err := st.ClaimSyncRun(ctx, j.ID, "s1", domain.SyncCauseSchedule, "a", now)
	if err != nil || !claimed {
		t.Fatalf("claim: %v %v", claimed, err)
	}
	if _, again, err := st.ClaimSyncRun(ctx, j.ID, "s1", domain.SyncCauseSchedule, "b", now); err != nil || again {
		t.Fatalf("second claim of one slot: claimed %v err %v", again, err)
	}
	if err := st.SaveSyncJobCursor(ctx, j.ID, "cursor-1"); err != nil {
		t.Fatal(err)
	}
	run.Status, run.Error, run.FinishedAt = domain.SyncRunFailed, "失敗しました。", &now
	retry := now.Add(time.Minute)
	if err := st.FinishSyncRun(ctx, run, &retry); err != nil {
		t.Fatal(err)
	}
	j.Trigger = domain.Trigger{Kind: domain.TriggerInterval, IntervalMinutes: 5}
	j, err = st.UpdateSyncJob(ctx, j)
	if err != nil {
		t.Fatal(err)
	}
	if j.Cursor != "cursor-1" || j.ConsecutiveFailures != 1 || j.RetryAfter == nil || !j.RetryAfter.Equal(retry) {
		t.Fatalf("after edit: cursor %q failures %d retry %v", j.Cursor, j.ConsecutiveFailures, j.RetryAfter)
	}

	// Switching off and on again clears the backoff.
	if err := st.SetSyncJobEnabled(ctx, j.ID, false); err != nil {
		t.Fatal(err)
	}
	if err := st.SetSyncJobEnabled(ctx, j.ID, true); err != nil {
		t.Fatal(err)
	}
	if j, _ = st.SyncJob(ctx, j.ID); j.ConsecutiveFailures != 0 || j.RetryAfter != nil || !j.Enabled {
		t.Fatalf("after re-enabling: %+v", j)
	}

	last, err := st.LastSyncRuns(ctx)
	if err != nil || last[j.ID].Error != "失敗しました。" {
		t.Fatalf("last runs %+v %v", last, err)
	}

	// Deleting the connection deletes its robots and their history.
	if _, err := db.Exec(`DELETE FROM connections WHERE id = $1`, conn); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SyncJob(ctx, j.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("robot of a deleted connection: %v", err)
	}
	if err := st.DeleteSyncJob(ctx, j.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("delete twice: %v", err)
	}
}

// Old runs go with the API log's retention, except each robot's latest run
// and runs still in progress; the options switch only the matching robots.
func TestPurgeSyncRunsAndSwitchByAction(t *testing.T) {
	db := testdb.New(t)
	st := store.New(db)
	ctx := context.Background()
	conn := syncJobConn(t, db, "楽天 本店")
	now := time.Now()
	mk := func(name string, a domain.ActionName) domain.SyncJob {
		j, err := st.CreateSyncJob(ctx, domain.SyncJob{Name: name, ConnectionID: conn, Action: a,
			Trigger: domain.Trigger{Kind: domain.TriggerInterval, IntervalMinutes: 15}})
		if err != nil {
			t.Fatal(err)
		}
		return j
	}
	busy, idle, stock := mk("取込", domain.ActionOrderImport), mk("取込2", domain.ActionOrderImport), mk("在庫", domain.ActionStockPush)
	claim := func(j domain.SyncJob, slot string, age time.Duration, status domain.SyncRunStatus) int64 {
		run, ok, err := st.ClaimSyncRun(ctx, j.ID, slot, domain.SyncCauseSchedule, "a", now.Add(-age))
		if err != nil || !ok {
			t.Fatal(ok, err)
		}
		if status != domain.SyncRunRunning {
			fin := now.Add(-age)
			run.Status, run.FinishedAt = status, &fin
			if err := st.FinishSyncRun(ctx, run, nil); err != nil {
				t.Fatal(err)
			}
		}
		return run.ID
	}
	const day = 24 * time.Hour
	oldDone := claim(busy, "1", 100*day, domain.SyncRunSucceeded)
	oldRunning := claim(busy, "2", 95*day, domain.SyncRunRunning)
	recent := claim(busy, "3", time.Hour, domain.SyncRunFailed)
	onlyOld := claim(idle, "1", 200*day, domain.SyncRunSucceeded)

	n, err := st.PurgeSyncRuns(ctx, now.Add(-90*day))
	if err != nil || n != 1 {
		t.Fatalf("purged %d (%v), want 1", n, err)
	}
	var left []int64
	if err := db.Select(&left, `SELECT id FROM sync_job_runs ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	want := []int64{oldRunning, recent, onlyOld}
	if len(left) != len(want) || left[0] != want[0] || left[1] != want[1] || left[2] != want[2] {
		t.Fatalf("left %v, want %v (purged %d)", left, want, oldDone)
	}

	ids, err := st.SetConnectionSyncJobsEnabled(ctx, conn, domain.ActionOrderImport, true)
	if err != nil || len(ids) != 2 {
		t.Fatalf("switched %v (%v)", ids, err)
	}
	if ids, _ := st.SetConnectionSyncJobsEnabled(ctx, conn, domain.ActionOrderImport, true); len(ids) != 0 {
		t.Fatalf("switched again %v", ids)
	}
	if j, _ := st.SyncJob(ctx, stock.ID); j.Enabled {
		t.Fatal("the stock robot was switched with the imports")
	}
}
