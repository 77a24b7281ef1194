package kit

import (
	"fmt"
	"maps"
	"sync"
	"time"
)

// Shop is what Base needs of a simulator's shop: its credentials (listed
// in credentials.json) and a way to take new orders.
type Shop[C any] interface {
	comparable
	Creds() C
	// Add adds n orders spread evenly from from to to (Mu held). Whether an
	// order falls at to follows the marketplace's search: RMS-like ends
	// inclusive to the second put the last one there (Spread); Amazon and
	// futureshop stop short of it, so a window [from, to) holds all n.
	Add(n int, from, to time.Time)
}

// Base is the plumbing every simulator shares: the environment, the faults
// and rate limits of its shops, and the shops themselves by id in the order
// they were added. Embed it and call Init from the simulator's New.
//
// Mu guards the shops and whatever state the simulator keeps in them; the
// methods that say "Mu held" expect the caller to hold it.
type Base[C any, S Shop[C]] struct {
	Env Env
	Mu  sync.Mutex

	faults *Faults
	limits *RateLimits
	shops  map[string]S
	ids    []string
}

// Init sets up the plumbing for env; a nil clock follows real time.
func (b *Base[C, S]) Init(env Env) {
	if env.Clock == nil {
		env.Clock = NewClock()
	}
	b.Env = env
	b.faults = NewFaults()
	b.limits = NewRateLimits(env.RateFactor)
	b.shops = map[string]S{}
}

// Now is the sandbox clock's time.
func (b *Base[C, S]) Now() time.Time { return b.Env.Clock.Now() }

// Faults implements sandbox.Simulator.
func (b *Base[C, S]) Faults() *Faults { return b.faults }

// Limits implements sandbox.Simulator.
func (b *Base[C, S]) Limits() *RateLimits { return b.limits }

// Shops implements sandbox.Simulator: the shop ids in the order added.
func (b *Base[C, S]) Shops() []string {
	b.Mu.Lock()
	defer b.Mu.Unlock()
	return append([]string(nil), b.ids...)
}

// Open adds the shop that build makes from the shop's position among the
// simulator's shops, a seed of its own (same sandbox seed, same shop) and
// the time now, with orders spread over the span ending now (span <= 0:
// defaultSpan).
func (b *Base[C, S]) Open(orders int, span, defaultSpan time.Duration, build func(n int, seed int64, now time.Time) (string, S)) S {
	if span <= 0 {
		span = defaultSpan
	}
	now := b.Now()
	b.Mu.Lock()
	defer b.Mu.Unlock()
	n := len(b.ids)
	id, sh := build(n, b.Env.Seed+int64(n)*7919, now)
	if _, ok := b.shops[id]; !ok {
		b.ids = append(b.ids, id)
	}
	b.shops[id] = sh
	sh.Add(orders, now.Add(-span), now)
	return sh
}

// Shop returns the shop id, the zero S (nil) when there is none (Mu held).
func (b *Base[C, S]) Shop(id string) S { return b.shops[id] }

// AllShops returns the shops in the order added (Mu held).
func (b *Base[C, S]) AllShops() []S {
	out := make([]S, 0, len(b.ids))
	for _, id := range b.ids {
		out = append(out, b.shops[id])
	}
	return out
}

// ShopCreds returns the credentials of shop id.
func (b *Base[C, S]) ShopCreds(id string) (C, bool) {
	b.Mu.Lock()
	defer b.Mu.Unlock()
	sh, ok := b.shops[id]
	if !ok {
		var zero C
		return zero, false
	}
	return sh.Creds(), true
}

// Listing is a simulator's entry in credentials.json: "simulated", its
// base URL, the demo shop's fields and every shop's credentials ("shops").
func (b *Base[C, S]) Listing(baseURL string, demo map[string]any) map[string]any {
	out := map[string]any{"simulated": true, "base_url": baseURL}
	maps.Copy(out, demo)
	b.Mu.Lock()
	defer b.Mu.Unlock()
	shops := make([]C, 0, len(b.ids))
	for _, id := range b.ids {
		shops = append(shops, b.shops[id].Creds())
	}
	out["shops"] = shops
	return out
}

// AddOrders implements sandbox.Simulator: n orders dated now.
func (b *Base[C, S]) AddOrders(id string, n int) error {
	now := b.Now()
	return b.AddOrdersBetween(id, n, now, now)
}

// AddOrdersBetween adds n orders to shop id spread evenly from from to to
// (Shop.Add says whether at to), so tests fill a window with an exact count.
func (b *Base[C, S]) AddOrdersBetween(id string, n int, from, to time.Time) error {
	return b.WithShop(id, func(sh S) { sh.Add(n, from, to) })
}

// Query returns what f reads of shop id with Mu held, the zero T when
// there is no such shop (accessors for tests and the sandbox page).
func Query[C any, S Shop[C], T any](b *Base[C, S], id string, f func(S) T) T {
	var out T
	_ = b.WithShop(id, func(sh S) { out = f(sh) })
	return out
}

// WithShop runs f on shop id with Mu held; an unknown id is an error that
// names it (the sandbox page shows it).
func (b *Base[C, S]) WithShop(id string, f func(S)) error {
	b.Mu.Lock()
	defer b.Mu.Unlock()
	sh, ok := b.shops[id]
	if !ok {
		return fmt.Errorf("ショップ %s はありません", id)
	}
	f(sh)
	return nil
}

// AppendSpread appends n records that mk makes (from the record's index
// and time) at times spread over [from, to], none before the time of the
// last record (at reads it), so a list sorted by time stays sorted.
func AppendSpread[R any](list []R, n int, from, to time.Time, at func(R) int64, mk func(i int, at int64) R) []R {
	var newest int64
	if len(list) > 0 {
		newest = at(list[len(list)-1])
	}
	for _, t := range Spread(n, from, to, newest) {
		list = append(list, mk(len(list), t))
	}
	return list
}

// Spread returns n times (unix seconds) spread evenly over [from, to], to
// included, none before newest, so orders appended to a sorted list keep it
// sorted. One order falls at to.
func Spread(n int, from, to time.Time, newest int64) []int64 {
	if n <= 0 {
		return nil
	}
	start, end := max(from.Unix(), newest), max(to.Unix(), newest)
	out := make([]int64, n)
	for i := range out {
		out[i] = end
		if n > 1 {
			out[i] = start + (end-start)*int64(i)/int64(n-1)
		}
	}
	return out
}
