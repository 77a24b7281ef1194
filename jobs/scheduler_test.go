package jobs

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store/testdb"
)

func registry(rec Action, names ...domain.ActionName) *Registry {
	reg := NewRegistry()
	for _, n := range names {
		reg.Register(n, rec)
	}
	return reg
}

// A robot every second runs N times in N seconds, one run per second slot.
func TestEverySecondRunsNTimesInNSeconds(t *testing.T) {
	e := newEnv(t)
	rec := &recorder{}
	job := e.robot(domain.SyncJob{ConnectionID: 1, Action: domain.ActionOrderImport, Enabled: true,
		Trigger: domain.Trigger{Kind: domain.TriggerCron, Cron: "* * * * * *"}})
	in := e.start("a", registry(rec, domain.ActionOrderImport))

	const n = 10
	for range n {
		e.advance(time.Second, 1)
		in.waitTick(t)
	}
	if got := rec.len(); got < n-1 || got > n+1 {
		t.Fatalf("%d runs in %d seconds, want %d±1", got, n, n)
	}
	runs := e.runs(job.ID)
	if len(runs) != rec.len() {
		t.Fatalf("%d runs recorded, %d actions called", len(runs), rec.len())
	}
	for i, r := range runs {
		want := slotKey(t0.Add(time.Duration(i+1) * time.Second))
		if r.Slot != want || r.Status != domain.SyncRunSucceeded || r.Cause != domain.SyncCauseSchedule {
			t.Errorf("run %d: slot %s status %s cause %s, want slot %s succeeded by schedule", i, r.Slot, r.Status, r.Cause, want)
		}
		if r.Fetched != 3 || r.Created != 2 || r.Skipped != 1 || r.Failed != 0 {
			t.Errorf("run %d counts %+v, want the action's", i, r.SyncCounts)
		}
	}
}

// Two instances on one database for 20 ticks: 20 runs in all, none doubled.
func TestTwoInstancesRunEachTickOnce(t *testing.T) {
	e := newEnv(t)
	rec := &recorder{}
	reg := registry(rec, domain.ActionOrderImport)
	job := e.robot(domain.SyncJob{ConnectionID: 1, Action: domain.ActionOrderImport, Enabled: true,
		Trigger: domain.Trigger{Kind: domain.TriggerInterval, IntervalMinutes: 1}})
	a := e.start("a", reg)
	b := e.start("b", reg)

	const ticks = 20
	for range ticks {
		e.advance(time.Minute, 2) // one timer per instance
		waitAnyTick(t, a, b)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// Stop both: any run still in flight is finished and counted.
	if err := a.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.Stop(ctx); err != nil {
		t.Fatal(err)
	}

	if got := rec.len(); got != ticks {
		t.Errorf("action called %d times, want %d", got, ticks)
	}
	if got := e.count(`SELECT count(*) FROM sync_job_runs WHERE job_id = $1 AND status = 'succeeded'`, job.ID); got != ticks {
		t.Errorf("%d runs in the database, want %d", got, ticks)
	}
	if got := e.count(`SELECT count(DISTINCT slot) FROM sync_job_runs WHERE job_id = $1`, job.ID); got != ticks {
		t.Errorf("%d distinct slots, want %d", got, ticks)
	}
	if got := e.count(`SELECT count(DISTINCT instance) FROM sync_job_runs WHERE job_id = $1`, job.ID); got != 1 {
		t.Errorf("runs spread over %d instances, want all on the leader", got)
	}
}

// A tick that one instance already ran is not run again by another (the
// (job, slot) claim), e.g. by a new leader right after a hand-over.
func TestSlotClaimStopsASecondRunOfOneTick(t *testing.T) {
	e := newEnv(t)
	rec := &recorder{}
	reg := registry(rec, domain.ActionOrderImport)
	job := e.robot(domain.SyncJob{ConnectionID: 1, Action: domain.ActionOrderImport, Enabled: true,
		Trigger: domain.Trigger{Kind: domain.TriggerInterval, IntervalMinutes: 5}})
	a := e.start("a", reg)
	b := e.start("b", reg)

	e.advance(5*time.Minute, 2) // both timers fire; only the leader's tick runs
	waitAnyTick(t, a, b)
	// Both call the task directly for the same tick, as two leaders would.
	a.tick(job.ID)
	b.tick(job.ID)
	if got := rec.len(); got != 1 {
		t.Fatalf("action called %d times for one tick, want 1", got)
	}
	if got := e.count(`SELECT count(*) FROM sync_job_runs WHERE job_id = $1`, job.ID); got != 1 {
		t.Fatalf("%d run rows for one tick, want 1", got)
	}
}

// Killing the leader's database session hands the robots to the other instance.
func TestKilledLeaderSessionHandsOver(t *testing.T) {
	e := newEnv(t)
	rec := &recorder{}
	reg := registry(rec, domain.ActionOrderImport)
	job := e.robot(domain.SyncJob{ConnectionID: 1, Action: domain.ActionOrderImport, Enabled: true,
		Trigger: domain.Trigger{Kind: domain.TriggerInterval, IntervalMinutes: 1}})
	a := e.start("a", reg) // started first: the leader
	b := e.start("b", reg)
	if !a.Leading() || b.Leading() {
		t.Fatalf("leading: a=%v b=%v, want a only", a.Leading(), b.Leading())
	}

	e.advance(time.Minute, 2)
	a.waitTick(t)

	var pid int
	if err := e.db.Get(&pid, `SELECT pid FROM pg_locks
		WHERE locktype = 'advisory' AND classid = $1 AND objid = 0 AND objsubid = 2 AND granted
		  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`, leaderLockClass); err != nil {
		t.Fatalf("leader lock holder: %v", err)
	}
	if _, err := e.db.Exec(`SELECT pg_terminate_backend($1)`, pid); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the killed session to end", func() bool {
		return e.count(`SELECT count(*) FROM pg_stat_activity WHERE pid = $1`, pid) == 0
	})

	for range 3 {
		e.advance(time.Minute, 2)
		b.waitTick(t)
	}
	waitFor(t, "a to notice it lost its session", func() bool { return !a.Leading() })
	if !b.Leading() {
		t.Fatal("b does not lead after the leader's session was killed")
	}
	var got []string
	for _, r := range e.runs(job.ID) {
		got = append(got, r.Instance)
	}
	if want := []string{"a", "b", "b", "b"}; !slices.Equal(got, want) {
		t.Fatalf("runs by %v, want %v", got, want)
	}
}

// Chained robots run after their action finished, in order (by id, each
// followed by its own chain), only on the same connection and when enabled.
func TestChainedRobotsRunInOrder(t *testing.T) {
	e := newEnv(t)
	rec := &recorder{}
	reg := registry(rec, domain.ActionOrderImport, domain.ActionStatusSync, domain.ActionApplyRule, domain.ActionConfirm)
	after := func(a domain.ActionName) domain.Trigger {
		return domain.Trigger{Kind: domain.TriggerAfter, AfterAction: a}
	}
	imp := e.robot(domain.SyncJob{ConnectionID: 7, Action: domain.ActionOrderImport, Enabled: true,
		Trigger: domain.Trigger{Kind: domain.TriggerInterval, IntervalMinutes: 1}})
	sync := e.robot(domain.SyncJob{ConnectionID: 7, Action: domain.ActionStatusSync, Enabled: true, Trigger: after(domain.ActionOrderImport)})
	rule := e.robot(domain.SyncJob{ConnectionID: 7, Action: domain.ActionApplyRule, Enabled: true, Trigger: after(domain.ActionStatusSync)})
	confirm := e.robot(domain.SyncJob{ConnectionID: 7, Action: domain.ActionConfirm, Enabled: true, Trigger: after(domain.ActionOrderImport)})
	e.robot(domain.SyncJob{ConnectionID: 8, Action: domain.ActionStatusSync, Enabled: true, Trigger: after(domain.ActionOrderImport)})
	e.robot(domain.SyncJob{ConnectionID: 7, Name: "無効", Action: domain.ActionConfirm, Enabled: false, Trigger: after(domain.ActionOrderImport)})
	in := e.start("a", reg)

	e.advance(time.Minute, 1)
	in.waitTick(t)
	want := []int64{imp.ID, sync.ID, rule.ID, confirm.ID}
	if got := rec.jobs(); !slices.Equal(got, want) {
		t.Fatalf("ran %v, want %v (import, status sync, its rule, confirm)", got, want)
	}
	for _, id := range want[1:] {
		r := e.runs(id)
		if len(r) != 1 || r[0].Cause != domain.SyncCauseChain {
			t.Fatalf("robot %d runs %+v, want one chained run", id, r)
		}
	}

	// A failed import starts nothing after it.
	rec.setFail(errSandbox)
	e.advance(time.Minute, 1)
	in.waitTick(t)
	if got := rec.len(); got != len(want)+1 {
		t.Fatalf("%d calls after a failed import, want %d (no chain)", got, len(want)+1)
	}
}

// A failing robot records its error, runs again at the next tick, and then
// backs off without ever being switched off; a success clears the backoff.
func TestFailingRobotRetriesWithBackoff(t *testing.T) {
	e := newEnv(t)
	rec := &recorder{fail: errSandbox}
	job := e.robot(domain.SyncJob{ConnectionID: 1, Action: domain.ActionOrderImport, Enabled: true,
		Trigger: domain.Trigger{Kind: domain.TriggerInterval, IntervalMinutes: 1}})
	in := e.start("a", registry(rec, domain.ActionOrderImport))

	// Backoff with RetryBase 1 min: after 1 failure none, 2 → 1 min, 3 → 2 min.
	// So ticks 1, 2, 3 run, tick 4 is skipped, tick 5 runs.
	for range 5 {
		e.advance(time.Minute, 1)
		in.waitTick(t)
	}
	runs := e.runs(job.ID)
	var slots []string
	for _, r := range runs {
		slots = append(slots, r.Slot)
		if r.Status != domain.SyncRunFailed || r.Error != errSandbox.Error() || r.Failed != 1 {
			t.Errorf("run %s: status %s error %q failed %d, want the action's error recorded", r.Slot, r.Status, r.Error, r.Failed)
		}
	}
	want := []string{slotKey(t0.Add(1 * time.Minute)), slotKey(t0.Add(2 * time.Minute)), slotKey(t0.Add(3 * time.Minute)), slotKey(t0.Add(5 * time.Minute))}
	if !slices.Equal(slots, want) {
		t.Fatalf("ran at %v, want %v", slots, want)
	}
	j, err := e.st.SyncJob(context.Background(), job.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !j.Enabled || j.ConsecutiveFailures != 4 || j.RetryAfter == nil || !j.RetryAfter.Equal(t0.Add(5*time.Minute+4*time.Minute)) {
		t.Fatalf("robot after 4 failures: enabled %v failures %d retry after %v", j.Enabled, j.ConsecutiveFailures, j.RetryAfter)
	}

	// 今すぐ実行 ignores the backoff; its success clears it.
	rec.setFail(nil)
	if err := in.RunNow(context.Background(), job.ID); err != nil {
		t.Fatal(err)
	}
	in.waitTick(t)
	j, _ = e.st.SyncJob(context.Background(), job.ID)
	if j.ConsecutiveFailures != 0 || j.RetryAfter != nil {
		t.Fatalf("after a success: failures %d retry after %v, want cleared", j.ConsecutiveFailures, j.RetryAfter)
	}
	e.advance(time.Minute, 1)
	in.waitTick(t)
	if got := len(e.runs(job.ID)); got != 6 {
		t.Fatalf("%d runs, want 6: the next tick runs again", got)
	}
}

// A robot whose action is postponed (a marketplace in maintenance) records
// the reason as interrupted and runs again at every next tick: no failure
// is counted and no backoff starts. A later success chains as usual.
func TestPostponedRobotRetriesAtNextTickWithoutBackoff(t *testing.T) {
	e := newEnv(t)
	const reason = "メンテナンス期間中のためAPIは使用できません。"
	rec := &recorder{fail: fmt.Errorf("import: %w", &Postponed{Reason: reason})}
	job := e.robot(domain.SyncJob{ConnectionID: 1, Action: domain.ActionOrderImport, Enabled: true,
		Trigger: domain.Trigger{Kind: domain.TriggerInterval, IntervalMinutes: 1}})
	in := e.start("a", registry(rec, domain.ActionOrderImport))

	// With failures, tick 4 would be skipped (see the backoff test): here all run.
	for range 4 {
		e.advance(time.Minute, 1)
		in.waitTick(t)
	}
	runs := e.runs(job.ID)
	if len(runs) != 4 {
		t.Fatalf("%d runs, want one per tick (4)", len(runs))
	}
	for _, r := range runs {
		if r.Status != domain.SyncRunInterrupted || r.Error != reason {
			t.Errorf("run %s: status %s error %q, want interrupted with the reason", r.Slot, r.Status, r.Error)
		}
	}
	j, err := e.st.SyncJob(context.Background(), job.ID)
	if err != nil {
		t.Fatal(err)
	}
	if j.ConsecutiveFailures != 0 || j.RetryAfter != nil {
		t.Fatalf("after postponed runs: failures %d retry after %v, want none", j.ConsecutiveFailures, j.RetryAfter)
	}
	rec.setFail(nil)
	e.advance(time.Minute, 1)
	in.waitTick(t)
	if runs := e.runs(job.ID); len(runs) != 5 || runs[4].Status != domain.SyncRunSucceeded {
		t.Fatalf("tick after maintenance: %+v, want a fifth, succeeded run", runs)
	}
}

// Editing a robot reschedules it at once, here and on the other instance.
func TestEditingRobotReschedules(t *testing.T) {
	e := newEnv(t)
	rec := &recorder{}
	reg := registry(rec, domain.ActionOrderImport)
	job := e.robot(domain.SyncJob{ConnectionID: 1, Action: domain.ActionOrderImport, Enabled: true,
		Trigger: domain.Trigger{Kind: domain.TriggerInterval, IntervalMinutes: 30}})
	a := e.start("a", reg)
	b := e.start("b", reg)
	ctx := context.Background()
	if got := a.NextRun(job.ID); !got.Equal(t0.Add(30 * time.Minute)) {
		t.Fatalf("next run %v, want 10:30", got)
	}

	job.Trigger = domain.Trigger{Kind: domain.TriggerDaily, TimesOfDay: []string{"09:00", "10:02"}}
	if _, err := e.st.UpdateSyncJob(ctx, job); err != nil {
		t.Fatal(err)
	}
	if err := b.Reschedule(ctx, job.ID); err != nil { // edited through instance b
		t.Fatal(err)
	}
	if got := b.NextRun(job.ID); !got.Equal(t0.Add(2 * time.Minute)) {
		t.Fatalf("b: next run %v after the edit, want 10:02", got)
	}
	waitFor(t, "instance a to hear of the edit", func() bool { return a.NextRun(job.ID).Equal(t0.Add(2 * time.Minute)) })

	e.advance(2*time.Minute, 2)
	waitAnyTick(t, a, b)
	runs := e.runs(job.ID)
	if len(runs) != 1 || runs[0].Slot != slotKey(t0.Add(2*time.Minute)) {
		t.Fatalf("runs %+v, want one at 10:02", runs)
	}

	// Disabled: no longer scheduled anywhere.
	if err := e.st.SetSyncJobEnabled(ctx, job.ID, false); err != nil {
		t.Fatal(err)
	}
	if err := a.Reschedule(ctx, job.ID); err != nil {
		t.Fatal(err)
	}
	if !a.NextRun(job.ID).IsZero() {
		t.Fatal("a disabled robot is still scheduled")
	}
	waitFor(t, "instance b to unschedule the disabled robot", func() bool { return b.NextRun(job.ID).IsZero() })
}

// On shutdown a running robot gets until the deadline; cut short, its run is
// recorded as interrupted and the next run resumes from its cursor.
func TestShutdownInterruptsAndNextRunResumes(t *testing.T) {
	e := newEnv(t)
	started := make(chan struct{})
	var second *Run
	secondDone := make(chan struct{})
	first := true
	act := ActionFunc(func(ctx context.Context, run *Run) (domain.SyncCounts, error) {
		if first {
			first = false
			if err := run.SaveCursor(ctx, "2026-11-05T09:00:00+09:00"); err != nil {
				return domain.SyncCounts{}, err
			}
			close(started)
			<-ctx.Done() // a long import, cut short
			if err := run.SaveCursor(ctx, "2026-11-05T09:30:00+09:00"); err != nil {
				return domain.SyncCounts{}, err
			}
			return domain.SyncCounts{Fetched: 40, Created: 40}, ctx.Err()
		}
		second = run
		close(secondDone)
		return domain.SyncCounts{}, nil
	})
	reg := registry(act, domain.ActionOrderImport)
	job := e.robot(domain.SyncJob{ConnectionID: 1, Action: domain.ActionOrderImport, Enabled: true,
		Trigger: domain.Trigger{Kind: domain.TriggerInterval, IntervalMinutes: 60}})

	a, err := New(testdb.Open(t, e.url), reg, Options{Instance: "a", Clock: e.clock, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := a.RunNow(context.Background(), job.ID); err != nil {
		t.Fatal(err)
	}
	<-started
	if err := a.RunNow(context.Background(), job.ID); !errors.Is(err, ErrBusy) {
		t.Fatalf("second RunNow while running: %v, want ErrBusy", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 1200*time.Millisecond)
	defer cancel()
	if err := a.Stop(ctx); err != nil {
		t.Fatalf("stop: %v", err)
	}
	runs := e.runs(job.ID)
	if len(runs) != 1 || runs[0].Status != domain.SyncRunInterrupted || runs[0].Fetched != 40 {
		t.Fatalf("runs %+v, want one interrupted run with its counts", runs)
	}

	b := e.start("b", reg)
	if err := b.RunNow(context.Background(), job.ID); err != nil {
		t.Fatal(err)
	}
	<-secondDone
	b.waitTick(t)
	if !second.Resumed || second.Cursor != "2026-11-05T09:30:00+09:00" {
		t.Fatalf("next run: resumed %v cursor %q, want it to resume from the saved cursor", second.Resumed, second.Cursor)
	}
}

// A run left "running" by an instance that died is marked interrupted by
// the next run, which resumes.
func TestOrphanRunIsInterruptedAndResumed(t *testing.T) {
	e := newEnv(t)
	rec := &recorder{}
	job := e.robot(domain.SyncJob{ConnectionID: 1, Action: domain.ActionOrderImport, Enabled: true,
		Trigger: domain.Trigger{Kind: domain.TriggerInterval, IntervalMinutes: 1}})
	if _, claimed, err := e.st.ClaimSyncRun(context.Background(), job.ID, slotKey(t0), domain.SyncCauseSchedule, "dead", t0); err != nil || !claimed {
		t.Fatalf("claim: %v %v", claimed, err)
	}
	in := e.start("a", registry(rec, domain.ActionOrderImport))
	e.advance(time.Minute, 1)
	in.waitTick(t)

	runs := e.runs(job.ID)
	if len(runs) != 2 || runs[0].Status != domain.SyncRunInterrupted || runs[0].Error == "" || runs[1].Status != domain.SyncRunSucceeded {
		t.Fatalf("runs %+v, want the dead one interrupted, then a success", runs)
	}
	if !rec.calls[0].run.Resumed {
		t.Fatal("the run after a dead one does not know it resumes")
	}
}

// A robot whose action is not built into this Renkei fails with a message.
func TestUnregisteredActionFailsTheRun(t *testing.T) {
	e := newEnv(t)
	job := e.robot(domain.SyncJob{ConnectionID: 1, Action: domain.ActionStockPush, Enabled: true,
		Trigger: domain.Trigger{Kind: domain.TriggerInterval, IntervalMinutes: 1}})
	in := e.start("a", NewRegistry())
	e.advance(time.Minute, 1)
	in.waitTick(t)
	runs := e.runs(job.ID)
	if len(runs) != 1 || runs[0].Status != domain.SyncRunFailed || runs[0].Error == "" {
		t.Fatalf("runs %+v, want one failed run with a message", runs)
	}
}

// Robots of a switched-off connection do not run on schedule; 今すぐ実行 still works.
func TestSwitchedOffConnectionSkipsScheduledRuns(t *testing.T) {
	e := newEnv(t)
	rec := &recorder{}
	job := e.robot(domain.SyncJob{ConnectionID: 3, Action: domain.ActionOrderImport, Enabled: true,
		Trigger: domain.Trigger{Kind: domain.TriggerInterval, IntervalMinutes: 1}})
	e.db.MustExec(`UPDATE connections SET enabled = false WHERE id = 3`)
	in := e.start("a", registry(rec, domain.ActionOrderImport))
	e.advance(time.Minute, 1)
	in.waitTick(t)
	if n := len(e.runs(job.ID)); n != 0 {
		t.Fatalf("%d runs on a switched-off connection, want 0", n)
	}
	if err := in.RunNow(context.Background(), job.ID); err != nil {
		t.Fatal(err)
	}
	in.waitTick(t)
	if runs := e.runs(job.ID); len(runs) != 1 || runs[0].Cause != domain.SyncCauseManual {
		t.Fatalf("runs %+v, want one manual run", runs)
	}
}

// A robot never overlaps itself: a tick that comes while it runs is skipped.
func TestTickWhileRunningIsSkipped(t *testing.T) {
	e := newEnv(t)
	started, release := make(chan struct{}, 10), make(chan struct{})
	var calls atomic.Int32
	act := ActionFunc(func(ctx context.Context, run *Run) (domain.SyncCounts, error) {
		calls.Add(1)
		started <- struct{}{}
		<-release
		return domain.SyncCounts{}, nil
	})
	job := e.robot(domain.SyncJob{ConnectionID: 1, Action: domain.ActionOrderImport, Enabled: true,
		Trigger: domain.Trigger{Kind: domain.TriggerInterval, IntervalMinutes: 1}})
	in := e.start("a", registry(act, domain.ActionOrderImport))

	e.advance(time.Minute, 1)
	<-started
	e.advance(time.Minute, 1) // the robot is still running
	in.waitTick(t)            // that tick is done: skipped
	if n := calls.Load(); n != 1 {
		t.Fatalf("action started %d times while running, want 1", n)
	}
	close(release)
	in.waitTick(t)
	runs := e.runs(job.ID)
	if len(runs) != 1 || runs[0].Slot != slotKey(t0.Add(time.Minute)) {
		t.Fatalf("runs %+v, want only the first tick's", runs)
	}
}
