// Package kit holds the pieces every marketplace simulator shares: a
// controllable clock, per-shop fault injection, the published rate limits,
// and a deterministic generator of Japanese order data.
package kit

import (
	"sync"
	"time"
)

// Clock is the sandbox's own time. By default it follows real time; tests
// move it forward (Advance) or pin it (Freeze) so status changes that
// depend on time are reproducible.
type Clock struct {
	mu     sync.Mutex
	offset time.Duration
	frozen bool
	at     time.Time
}

// NewClock follows real time.
func NewClock() *Clock { return &Clock{} }

// NewFrozenClock stands still at t until advanced.
func NewFrozenClock(t time.Time) *Clock { return &Clock{frozen: true, at: t} }

// Now is the sandbox's current time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen {
		return c.at
	}
	return time.Now().Add(c.offset)
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen {
		c.at = c.at.Add(d)
		return
	}
	c.offset += d
}

// Freeze stops the clock where it is.
func (c *Clock) Freeze() {
	now := c.Now()
	c.mu.Lock()
	c.frozen, c.at = true, now
	c.mu.Unlock()
}

// Resume makes a frozen clock follow real time again from where it stands.
func (c *Clock) Resume() {
	now := c.Now()
	c.mu.Lock()
	c.frozen, c.offset = false, time.Until(now)
	c.mu.Unlock()
}

// Frozen reports whether the clock stands still.
func (c *Clock) Frozen() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.frozen
}
