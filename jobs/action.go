package jobs

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
)

// Action is one sync operation (order import, stock push, …) that robots
// run. Implementations live with their feature and are registered by name
// when the process is wired up, e.g.
//
//	reg.Register(domain.ActionOrderImport, orderimport.NewAction(st, clients))
//
// Run must watch ctx: on shutdown it is cancelled at the stop deadline, and
// the run is recorded as interrupted. Work done so far stays done; the action
// saves its progress with run.SaveCursor and reads it back from run.Cursor,
// so the next run resumes there. A returned error fails the run: make it a
// Japanese sentence an operator can act on (it is shown in the run history).
type Action interface {
	Run(ctx context.Context, run *Run) (domain.SyncCounts, error)
}

// Postponed is an action's answer when the work cannot be done now for a
// reason outside Renkei that passes by itself (a marketplace in
// maintenance). The run is recorded as interrupted with Reason, without
// counting a failure or backing off, so the next tick tries again.
type Postponed struct{ Reason string }

func (p *Postponed) Error() string { return p.Reason }

// ActionFunc adapts a function to Action.
type ActionFunc func(ctx context.Context, run *Run) (domain.SyncCounts, error)

// Run calls f.
func (f ActionFunc) Run(ctx context.Context, run *Run) (domain.SyncCounts, error) { return f(ctx, run) }

// Run is what an action gets to know about the run it is doing.
type Run struct {
	ID    int64
	Job   domain.SyncJob
	Cause domain.SyncRunCause
	Slot  string
	// Cursor is where the robot's previous run stopped ("" the first time).
	Cursor string
	// Resumed is true when the previous run was interrupted (shutdown, a
	// dead instance): the action continues from Cursor.
	Resumed bool

	store *store.Store
}

// SaveCursor records progress so that an interrupted run resumes here. It
// is saved even when ctx is already cancelled by shutdown: that is exactly
// when it matters.
func (r *Run) SaveCursor(ctx context.Context, cursor string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := r.store.SaveSyncJobCursor(ctx, r.Job.ID, cursor); err != nil {
		return err
	}
	r.Cursor = cursor
	return nil
}

// Registry maps action names to their implementations.
type Registry struct {
	mu      sync.RWMutex
	actions map[domain.ActionName]Action
}

// NewRegistry returns an empty registry: with no action registered, robots
// exist but every run fails saying the action is not available.
func NewRegistry() *Registry {
	return &Registry{actions: map[domain.ActionName]Action{}}
}

// Register adds an action; registering a name twice is a wiring bug.
func (r *Registry) Register(name domain.ActionName, a Action) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.actions[name]; dup {
		panic(fmt.Sprintf("jobs: action %q registered twice", name))
	}
	r.actions[name] = a
}

// Lookup returns the action registered under name.
func (r *Registry) Lookup(name domain.ActionName) (Action, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	a, ok := r.actions[name]
	return a, ok
}

// Names lists the registered actions, sorted: the robot form offers these.
func (r *Registry) Names() []domain.ActionName {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]domain.ActionName, 0, len(r.actions))
	for n := range r.actions {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
