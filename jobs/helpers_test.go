package jobs

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/jonboulle/clockwork"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/store/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// t0 is the fake clock's start: on the hour, Japan time.
var t0 = time.Date(2026, 11, 5, 10, 0, 0, 0, domain.SyncJobZone)

// env is one test database shared by the schedulers ("instances") of a test.
type env struct {
	t     *testing.T
	url   string
	db    *sqlx.DB
	st    *store.Store
	clock *clockwork.FakeClock
}

func newEnv(t *testing.T) *env {
	t.Helper()
	url := testdb.NewURL(t)
	db := testdb.Open(t, url)
	// Connections 1–8 for the robots to belong to.
	db.MustExec(`INSERT INTO ship_froms (name, postal_code, prefecture, address, phone)
		VALUES ('テスト倉庫', '100-0001', '東京都', '千代田区千代田1-1', '03-0000-0000')`)
	db.MustExec(`INSERT INTO connections (id, channel_name, marketplace, base_url, ship_from_id)
		SELECT n, 'テスト店舗' || n, 'rakuten', 'http://127.0.0.1:1', (SELECT id FROM ship_froms)
		FROM generate_series(1, 8) AS n`)
	return &env{t: t, url: url, db: db, st: store.New(db), clock: clockwork.NewFakeClockAt(t0)}
}

// instance is one scheduler with its own connection pool, as a separate
// `renkei serve` process would have.
type instance struct {
	*Scheduler
	ticks chan int64 // robot ids, one per finished tick or RunNow
}

func (e *env) start(name string, reg *Registry) *instance {
	e.t.Helper()
	db := testdb.Open(e.t, e.url)
	s, err := New(db, reg, Options{Instance: name, Clock: e.clock, ListenURL: e.url, Logger: testLogger(e.t)})
	if err != nil {
		e.t.Fatal(err)
	}
	in := &instance{Scheduler: s, ticks: make(chan int64, 100)}
	s.afterTick = func(id int64) { in.ticks <- id }
	if err := s.Start(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Stop(ctx); err != nil {
			e.t.Errorf("stop %s: %v", name, err)
		}
	})
	return in
}

// testLogger shows the scheduler's log only for failed tests (and -v).
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), nil))
}

// advance moves the fake clock once all want timers (one per scheduled
// robot per instance) are armed, so no tick is missed.
func (e *env) advance(d time.Duration, want int) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.clock.BlockUntilContext(ctx, want); err != nil {
		e.t.Fatalf("waiting for %d armed timers: %v", want, err)
	}
	e.clock.Advance(d)
}

// waitTick waits for one finished tick on in (of any robot) and returns its robot.
func (in *instance) waitTick(t *testing.T) int64 {
	t.Helper()
	select {
	case id := <-in.ticks:
		return id
	case <-time.After(10 * time.Second):
		t.Fatal("no tick finished within 10 s")
		return 0
	}
}

// waitAnyTick waits for one finished tick on any of the instances.
func waitAnyTick(t *testing.T, ins ...*instance) *instance {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		for _, in := range ins {
			select {
			case <-in.ticks:
				return in
			default:
			}
		}
		select {
		case <-deadline:
			t.Fatal("no tick finished within 10 s")
			return nil
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// waitFor polls cond until it holds (the condition, not the time, is what
// is asserted; the limit only keeps a broken test from hanging).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (e *env) robot(j domain.SyncJob) domain.SyncJob {
	e.t.Helper()
	if j.Name == "" {
		j.Name = "テスト " + string(j.Action)
	}
	if errs := j.Validate(); len(errs) > 0 {
		e.t.Fatalf("robot %q invalid: %v", j.Name, errs)
	}
	j, err := e.st.CreateSyncJob(context.Background(), j)
	if err != nil {
		e.t.Fatal(err)
	}
	return j
}

func (e *env) runs(jobID int64) []domain.SyncRun {
	e.t.Helper()
	runs, err := e.st.SyncRuns(context.Background(), jobID, 1000)
	if err != nil {
		e.t.Fatal(err)
	}
	// oldest first reads better in assertions
	for i, j := 0, len(runs)-1; i < j; i, j = i+1, j-1 {
		runs[i], runs[j] = runs[j], runs[i]
	}
	return runs
}

func (e *env) count(query string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.Get(&n, query, args...); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// recorder is an action that records each call, in order, across instances.
type recorder struct {
	mu    sync.Mutex
	calls []call
	fail  error
}

type call struct {
	job  int64
	slot string
	run  *Run
}

func (r *recorder) Run(_ context.Context, run *Run) (domain.SyncCounts, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, call{job: run.Job.ID, slot: run.Slot, run: run})
	if r.fail != nil {
		return domain.SyncCounts{Fetched: 1, Failed: 1}, r.fail
	}
	return domain.SyncCounts{Fetched: 3, Created: 2, Skipped: 1}, nil
}

func (r *recorder) setFail(err error) {
	r.mu.Lock()
	r.fail = err
	r.mu.Unlock()
}

func (r *recorder) jobs() []int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]int64, len(r.calls))
	for i, c := range r.calls {
		out[i] = c.job
	}
	return out
}

func (r *recorder) len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.calls)
}

var errSandbox = errors.New("楽天RMSの注文検索(searchOrder)が503を返しました。時間をおいて自動で再実行します。")
