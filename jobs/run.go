package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
)

// slotFunc names the slot a run claims, from the robot as loaded under its
// run lock and the current time.
type slotFunc func(j domain.SyncJob, now time.Time) (string, error)

// tick is the gocron task of a scheduled robot. gocron has already asked
// the elector: this instance is the leader.
func (s *Scheduler) tick(jobID int64) {
	if !s.begin() {
		return
	}
	defer s.runs.Done()
	defer s.notifyTick(jobID)
	s.runWithChain(jobID, domain.SyncCauseSchedule, func(j domain.SyncJob, now time.Time) (string, error) {
		t, err := slotOf(j.Trigger, now)
		return slotKey(t), err
	}, nil)
}

// runWithChain runs the robot, then, if it succeeded, the robots of the same
// connection chained after its action, one after another in id order, each
// followed by its own chain (depth first). seen stops loops that slipped
// past validation.
func (s *Scheduler) runWithChain(jobID int64, cause domain.SyncRunCause, slot slotFunc, lock *sql.Conn) {
	job, run, ran := s.attempt(jobID, cause, slot, lock)
	if !ran || run.Status != domain.SyncRunSucceeded {
		return
	}
	s.chain(job, run, map[int64]bool{jobID: true})
}

func (s *Scheduler) chain(parent domain.SyncJob, parentRun domain.SyncRun, seen map[int64]bool) {
	ctx := s.runCtx
	next, err := s.store.ChainedSyncJobs(ctx, parent.ConnectionID, parent.Action)
	if err != nil {
		s.log.Error("chained robots", "robot", parent.ID, "err", err)
		return
	}
	// The parent run's id names the slot: a chained robot runs once per
	// finished parent run, whoever asks.
	slot := "after:" + strconv.FormatInt(parentRun.ID, 10)
	for _, j := range next {
		if seen[j.ID] || s.isStopping() {
			continue
		}
		seen[j.ID] = true
		cj, crun, ran := s.attempt(j.ID, domain.SyncCauseChain, func(domain.SyncJob, time.Time) (string, error) { return slot, nil }, nil)
		if ran && crun.Status == domain.SyncRunSucceeded {
			s.chain(cj, crun, seen)
		}
	}
}

func (s *Scheduler) notifyTick(jobID int64) {
	if s.afterTick != nil {
		s.afterTick(jobID)
	}
}

func (s *Scheduler) isStopping() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stopping
}

// attempt runs the robot once if it may: under its run lock, with its slot
// claimed. ran is false when it was skipped (running elsewhere, disabled,
// backing off, slot already run).
func (s *Scheduler) attempt(jobID int64, cause domain.SyncRunCause, slotFn slotFunc, lock *sql.Conn) (domain.SyncJob, domain.SyncRun, bool) {
	ctx := context.WithoutCancel(s.runCtx) // bookkeeping outlives the stop deadline
	log := s.log.With("robot", jobID, "cause", cause)
	if lock == nil {
		var ok bool
		var err error
		lock, ok, err = tryLock(ctx, s.db.DB, runLockClass, int32(jobID))
		if err != nil {
			log.Error("run lock", "err", err)
			return domain.SyncJob{}, domain.SyncRun{}, false
		}
		if !ok {
			log.Info("skipped: running elsewhere")
			return domain.SyncJob{}, domain.SyncRun{}, false
		}
	}
	defer unlock(ctx, lock, runLockClass, int32(jobID))

	job, err := s.store.SyncJob(ctx, jobID)
	if errors.Is(err, store.ErrNotFound) {
		s.unschedule(jobID)
		return job, domain.SyncRun{}, false
	}
	if err != nil {
		log.Error("load robot", "err", err)
		return job, domain.SyncRun{}, false
	}
	now := s.clock.Now()
	switch cause {
	case domain.SyncCauseSchedule:
		if !job.Enabled || !job.Trigger.Scheduled() {
			// Edited on another instance and the notification not seen yet.
			_ = s.schedule(job)
			return job, domain.SyncRun{}, false
		}
		if job.RetryAfter != nil && now.Before(*job.RetryAfter) {
			log.Info("skipped: backing off after failures", "failures", job.ConsecutiveFailures, "retry_after", *job.RetryAfter)
			return job, domain.SyncRun{}, false
		}
	case domain.SyncCauseChain:
		if !job.Enabled {
			return job, domain.SyncRun{}, false
		}
	}
	if cause != domain.SyncCauseManual {
		on, err := s.store.SyncJobConnectionEnabled(ctx, job.ConnectionID)
		if err != nil {
			log.Error("connection of robot", "connection", job.ConnectionID, "err", err)
			return job, domain.SyncRun{}, false
		}
		if !on {
			log.Info("skipped: connection switched off", "connection", job.ConnectionID)
			return job, domain.SyncRun{}, false
		}
	}
	slot, err := slotFn(job, now)
	if err != nil {
		log.Error("slot", "err", err)
		return job, domain.SyncRun{}, false
	}

	// We hold the run lock, so a run still marked running has no live
	// owner: its instance died. Mark it, and resume from the cursor.
	orphans, err := s.store.InterruptOrphanRuns(ctx, jobID, now)
	if err != nil {
		log.Error("orphan runs", "err", err)
		return job, domain.SyncRun{}, false
	}
	resumed := orphans > 0 || s.lastInterrupted(ctx, jobID)

	run, claimed, err := s.store.ClaimSyncRun(ctx, jobID, slot, cause, s.opt.Instance, now)
	if err != nil {
		log.Error("claim slot", "slot", slot, "err", err)
		return job, domain.SyncRun{}, false
	}
	if !claimed {
		log.Info("skipped: slot already run", "slot", slot)
		return job, domain.SyncRun{}, false
	}

	counts, runErr := s.perform(job, &Run{
		ID: run.ID, Job: job, Cause: cause, Slot: slot,
		Cursor: job.Cursor, Resumed: resumed, store: s.store,
	})
	run.SyncCounts = counts
	finished := s.clock.Now()
	run.FinishedAt = &finished
	var retryAfter *time.Time
	var postponed *Postponed
	switch {
	case runErr == nil:
		run.Status = domain.SyncRunSucceeded
	case s.runCtx.Err() != nil:
		run.Status = domain.SyncRunInterrupted
		run.Error = "停止のため中断しました。次の実行で続きから再開します。(" + runErr.Error() + ")"
	case errors.As(runErr, &postponed):
		run.Status = domain.SyncRunInterrupted
		run.Error = postponed.Reason
	default:
		run.Status = domain.SyncRunFailed
		run.Error = runErr.Error()
		if d := domain.RetryBackoff(job.ConsecutiveFailures+1, s.opt.RetryBase, s.opt.RetryMax); d > 0 {
			t := run.StartedAt.Add(d)
			retryAfter = &t
		}
	}
	if err := s.store.FinishSyncRun(ctx, run, retryAfter); err != nil {
		log.Error("record run", "run", run.ID, "err", err)
	}
	log.Info("run finished", "run", run.ID, "slot", slot, "status", run.Status, "fetched", counts.Fetched, "created", counts.Created, "skipped", counts.Skipped, "failed", counts.Failed, "err", run.Error)
	return job, run, true
}

// perform calls the action; a panic fails the run instead of the process.
func (s *Scheduler) perform(job domain.SyncJob, run *Run) (counts domain.SyncCounts, err error) {
	a, ok := s.registry.Lookup(job.Action)
	if !ok {
		return counts, fmt.Errorf("アクション「%s」はこのRenkeiではまだ使えません。ロボットのアクションを確認してください。", job.Action.Label())
	}
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("action panicked", "robot", job.ID, "panic", p)
			err = fmt.Errorf("アクション「%s」が異常終了しました(%v)。管理者に連絡してください。", job.Action.Label(), p)
		}
	}()
	return a.Run(s.runCtx, run)
}

// lastInterrupted reports whether the robot's latest finished run was cut short.
func (s *Scheduler) lastInterrupted(ctx context.Context, jobID int64) bool {
	runs, err := s.store.SyncRuns(ctx, jobID, 1)
	return err == nil && len(runs) == 1 && runs[0].Status == domain.SyncRunInterrupted
}
