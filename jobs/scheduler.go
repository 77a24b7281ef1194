// Package jobs runs the linkage robots (連携ロボット, domain.SyncJob): gocron
// schedules them inside `renkei serve`, and PostgreSQL keeps several
// instances on one database from running a robot twice.
//
// Three mechanisms, each covering what the others cannot:
//
//   - Leader election (Elector): only the instance holding an advisory lock
//     on a pinned connection runs schedules. When its session dies another
//     instance takes over at its next tick.
//   - Run lock: every run, scheduled, chained or 今すぐ実行, holds an advisory
//     lock on the robot, so a robot never overlaps itself, not even across
//     instances (a manual run on one, a tick on the leader; an old leader
//     still finishing a run while the new one ticks).
//   - Slot claim: a scheduled run first inserts its (robot, tick) row; a
//     tick that was already run (by the old leader before a hand-over) is
//     skipped, so no tick runs twice.
//
// Actions are registered by name in a Registry; the scheduler knows nothing
// of marketplaces.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
	"github.com/jonboulle/clockwork"
	"github.com/lib/pq"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
)

// notifyChannel carries the id of an edited robot to every instance.
const notifyChannel = "renkei_sync_jobs"

// ErrBusy is returned by RunNow while the robot is running somewhere.
var ErrBusy = errors.New("このロボットは実行中です。終わってからもう一度実行してください。")

// ErrStopped is returned once Stop has begun.
var ErrStopped = errors.New("jobs: scheduler stopped")

// Options tune a Scheduler; the zero value is fine in production.
type Options struct {
	// Instance names this process in the run history (default host:pid).
	Instance string
	// Clock drives schedules and run times; tests pass a fake clock.
	Clock  clockwork.Clock
	Logger *slog.Logger
	// ListenURL, when set, is the database URL used to LISTEN for robots
	// edited on other instances, so they are rescheduled everywhere at once.
	ListenURL string
	// ResyncEvery reloads every robot from the database (real time), in case
	// a notification was missed. Default 1 minute.
	ResyncEvery time.Duration
	// RetryBase and RetryMax bound the backoff of a failing robot
	// (domain.RetryBackoff). Defaults 1 minute and 1 hour.
	RetryBase, RetryMax time.Duration
	// LeaderGrace is how long an instance that lost its leader session waits
	// before campaigning again. Default 30 seconds.
	LeaderGrace time.Duration
}

// Scheduler runs the robots of one process.
type Scheduler struct {
	db       *sqlx.DB
	store    *store.Store
	registry *Registry
	opt      Options
	log      *slog.Logger
	clock    clockwork.Clock
	elector  *Elector
	cron     gocron.Scheduler

	mu       sync.Mutex
	entries  map[int64]entry // robots scheduled in gocron, by robot id
	stopping bool
	runs     sync.WaitGroup // runs in progress in this process

	// runCtx is the parent of every action's context; it is cancelled when
	// the stop deadline comes, not before.
	runCtx     context.Context
	cancelRuns context.CancelFunc

	// afterTick, when set (tests), is called once a tick or RunNow is
	// done with the robot and its chain, whether it ran or was skipped.
	afterTick func(jobID int64)

	bgCancel context.CancelFunc
	bgDone   sync.WaitGroup
	listener *pq.Listener
}

type entry struct {
	job gocron.Job
	key string // the trigger it was scheduled with
}

// New returns a scheduler over db running the actions in reg.
func New(db *sqlx.DB, reg *Registry, opt Options) (*Scheduler, error) {
	if opt.Clock == nil {
		opt.Clock = clockwork.NewRealClock()
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.Instance == "" {
		host, _ := os.Hostname()
		opt.Instance = host + ":" + strconv.Itoa(os.Getpid())
	}
	if opt.ResyncEvery <= 0 {
		opt.ResyncEvery = time.Minute
	}
	if opt.RetryBase <= 0 {
		opt.RetryBase = time.Minute
	}
	if opt.RetryMax <= 0 {
		opt.RetryMax = time.Hour
	}
	if opt.LeaderGrace <= 0 {
		opt.LeaderGrace = 30 * time.Second
	}
	s := &Scheduler{
		db:       db,
		store:    store.New(db),
		registry: reg,
		opt:      opt,
		log:      opt.Logger.With("component", "jobs", "instance", opt.Instance),
		clock:    opt.Clock,
		entries:  map[int64]entry{},
	}
	s.elector = NewElector(db.DB, opt.Clock, opt.LeaderGrace)
	s.runCtx, s.cancelRuns = context.WithCancel(context.Background())
	c, err := gocron.NewScheduler(
		gocron.WithClock(opt.Clock),
		gocron.WithLocation(domain.SyncJobZone),
		gocron.WithDistributedElector(s.elector),
		// No gocron singleton mode: the run lock (an advisory lock per robot,
		// see attempt) already keeps a robot from overlapping itself, on all
		// instances; a tick that comes while it runs is skipped. gocron's
		// singleton slot is freed only some time after the task returned, so
		// with it a tick right after a run could be dropped as well.
		// Runs are waited for in Stop; gocron itself need not wait long.
		gocron.WithStopTimeout(time.Second),
	)
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	s.cron = c
	return s, nil
}

// Start schedules every enabled robot and starts ticking. Robots edited
// later are picked up by Reschedule (and by notifications from other
// instances).
func (s *Scheduler) Start(ctx context.Context) error {
	if err := s.resync(ctx); err != nil {
		return err
	}
	// Campaign once now so that an idle cluster has a leader before the
	// first tick; losing is normal.
	if err := s.elector.IsLeader(ctx); err != nil && !errors.Is(err, ErrNotLeader) {
		s.log.Warn("leader election failed", "err", err)
	}
	s.cron.Start()

	bg, cancel := context.WithCancel(context.Background())
	s.bgCancel = cancel
	if s.opt.ListenURL != "" {
		s.listener = pq.NewListener(s.opt.ListenURL, time.Second, 30*time.Second, func(ev pq.ListenerEventType, err error) {
			if err != nil {
				s.log.Warn("robot notifications", "event", ev, "err", err)
			}
		})
		if err := s.listener.Listen(notifyChannel); err != nil {
			s.listener.Close()
			s.listener = nil
			cancel()
			return fmt.Errorf("jobs: listen %s: %w", notifyChannel, err)
		}
		s.bgDone.Add(1)
		go s.listen(bg)
	}
	s.bgDone.Add(1)
	go s.resyncLoop(bg)
	return nil
}

// Stop stops ticking and gives running robots until ctx's deadline to
// finish. Shortly before it, their contexts are cancelled so they can save
// their cursor; runs cut short are recorded as interrupted and resume next
// time. Stop returns ctx.Err() if some action still had not returned.
func (s *Scheduler) Stop(ctx context.Context) error {
	s.mu.Lock()
	if s.stopping {
		s.mu.Unlock()
		return nil
	}
	s.stopping = true
	s.mu.Unlock()

	if s.bgCancel != nil {
		s.bgCancel()
	}
	if s.listener != nil {
		s.listener.Close()
	}
	s.bgDone.Wait()

	done := make(chan struct{})
	go func() { s.runs.Wait(); close(done) }()
	var err error
	select {
	case <-done:
	case <-s.cancelAt(ctx):
		s.cancelRuns()
		select {
		case <-done:
		case <-ctx.Done():
			err = ctx.Err()
		}
	}
	s.cancelRuns()
	if e := s.cron.Shutdown(); e != nil && err == nil && !errors.Is(e, gocron.ErrStopExecutorTimedOut) {
		err = e
	}
	s.elector.Resign(ctx)
	return err
}

// cancelAt fires a little before ctx's deadline, leaving the actions time
// to record where they stopped; without a deadline, when ctx is done.
func (s *Scheduler) cancelAt(ctx context.Context) <-chan struct{} {
	dl, ok := ctx.Deadline()
	if !ok {
		return ctx.Done()
	}
	margin := min(2*time.Second, time.Until(dl)/4)
	c, cancel := context.WithDeadline(ctx, dl.Add(-margin))
	context.AfterFunc(c, cancel)
	return c.Done()
}

// Reschedule applies a robot's saved state here at once and tells the
// other instances to do the same. Call it after creating, editing,
// enabling, disabling or deleting a robot.
func (s *Scheduler) Reschedule(ctx context.Context, jobID int64) error {
	if err := s.apply(ctx, jobID); err != nil {
		return err
	}
	if _, err := s.db.ExecContext(ctx, `SELECT pg_notify($1, $2)`, notifyChannel, strconv.FormatInt(jobID, 10)); err != nil {
		return fmt.Errorf("jobs: notify robot %d: %w", jobID, err)
	}
	return nil
}

// RunNow runs a robot once, now, on this instance (今すぐ実行), whether or
// not it is enabled or backing off. It returns once the run has started;
// the outcome is in the run history. ErrBusy means it is running already.
func (s *Scheduler) RunNow(ctx context.Context, jobID int64) error {
	if _, err := s.store.SyncJob(ctx, jobID); err != nil {
		return err
	}
	conn, ok, err := tryLock(ctx, s.db.DB, runLockClass, int32(jobID))
	if err != nil {
		return fmt.Errorf("jobs: run lock of robot %d: %w", jobID, err)
	}
	if !ok {
		return ErrBusy
	}
	if !s.begin() {
		unlock(ctx, conn, runLockClass, int32(jobID))
		return ErrStopped
	}
	slot := "manual:" + uuid.NewString()
	go func() {
		defer s.runs.Done()
		defer s.notifyTick(jobID)
		s.runWithChain(jobID, domain.SyncCauseManual, func(domain.SyncJob, time.Time) (string, error) { return slot, nil }, conn)
	}()
	return nil
}

// NextRun is when the robot runs next here (zero if it is not scheduled).
func (s *Scheduler) NextRun(jobID int64) time.Time {
	s.mu.Lock()
	e, ok := s.entries[jobID]
	s.mu.Unlock()
	if !ok {
		return time.Time{}
	}
	t, _ := e.job.NextRun()
	return t
}

// Leading reports whether this instance runs the schedules.
func (s *Scheduler) Leading() bool { return s.elector.Leading() }

// begin registers a run in progress, unless stopping.
func (s *Scheduler) begin() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopping {
		return false
	}
	s.runs.Add(1)
	return true
}

// apply brings the gocron schedule of one robot in line with the database.
func (s *Scheduler) apply(ctx context.Context, jobID int64) error {
	j, err := s.store.SyncJob(ctx, jobID)
	if errors.Is(err, store.ErrNotFound) {
		s.unschedule(jobID)
		return nil
	}
	if err != nil {
		return err
	}
	return s.schedule(j)
}

func (s *Scheduler) schedule(j domain.SyncJob) error {
	if !j.Enabled || !j.Trigger.Scheduled() {
		s.unschedule(j.ID)
		return nil
	}
	key := triggerKey(j.Trigger)
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.entries[j.ID]
	if ok && old.key == key {
		return nil
	}
	def, opts, err := definition(j.Trigger, s.clock.Now())
	if err != nil {
		return fmt.Errorf("jobs: robot %d: %w", j.ID, err)
	}
	opts = append(opts, gocron.WithName("sync_job:"+strconv.FormatInt(j.ID, 10)), gocron.WithTags("sync_job"))
	task := gocron.NewTask(s.tick, j.ID)
	var gj gocron.Job
	if ok {
		gj, err = s.cron.Update(old.job.ID(), def, task, opts...)
	} else {
		gj, err = s.cron.NewJob(def, task, opts...)
	}
	if err != nil {
		return fmt.Errorf("jobs: schedule robot %d: %w", j.ID, err)
	}
	s.entries[j.ID] = entry{job: gj, key: key}
	return nil
}

func (s *Scheduler) unschedule(jobID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.entries[jobID]; ok {
		_ = s.cron.RemoveJob(e.job.ID())
		delete(s.entries, jobID)
	}
}

func triggerKey(t domain.Trigger) string {
	return fmt.Sprintf("%s|%d|%v|%s", t.Kind, t.IntervalMinutes, t.TimesOfDay, t.Cron)
}

// resync applies every robot in the database and drops deleted ones.
func (s *Scheduler) resync(ctx context.Context) error {
	all, err := s.store.SyncJobs(ctx)
	if err != nil {
		return fmt.Errorf("jobs: load robots: %w", err)
	}
	seen := map[int64]bool{}
	for _, j := range all {
		seen[j.ID] = true
		if err := s.schedule(j); err != nil {
			// One bad robot must not keep the others from running.
			s.log.Error("robot not scheduled", "robot", j.ID, "err", err)
		}
	}
	s.mu.Lock()
	var gone []int64
	for id := range s.entries {
		if !seen[id] {
			gone = append(gone, id)
		}
	}
	s.mu.Unlock()
	for _, id := range gone {
		s.unschedule(id)
	}
	return nil
}

func (s *Scheduler) resyncLoop(ctx context.Context) {
	defer s.bgDone.Done()
	t := time.NewTicker(s.opt.ResyncEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.resync(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("resync robots", "err", err)
			}
		}
	}
}

func (s *Scheduler) listen(ctx context.Context) {
	defer s.bgDone.Done()
	for {
		select {
		case <-ctx.Done():
			return
		case n, ok := <-s.listener.Notify:
			if !ok {
				return
			}
			if n == nil {
				// Reconnected: notifications may have been lost.
				if err := s.resync(ctx); err != nil && ctx.Err() == nil {
					s.log.Warn("resync robots", "err", err)
				}
				continue
			}
			id, err := strconv.ParseInt(n.Extra, 10, 64)
			if err != nil {
				continue
			}
			if err := s.apply(ctx, id); err != nil && ctx.Err() == nil {
				s.log.Warn("reschedule robot", "robot", id, "err", err)
			}
		}
	}
}

// Registry is the actions this scheduler can run: the robot pages offer
// these, and かんたん設定 creates robots only for them.
func (s *Scheduler) Registry() *Registry { return s.registry }
