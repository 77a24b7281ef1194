package kit

import (
	"sync"
	"sync/atomic"

	"golang.org/x/time/rate"
)

// RateLimits enforces a marketplace's published limits per shop and
// bucket, the way its gateway would. Factor scales every rate (benchmarks
// run faster); Factor <= 0 switches enforcement off.
type RateLimits struct {
	mu       sync.Mutex
	factor   float64
	limiters map[string]*rate.Limiter
	rejected atomic.Int64
	allowed  atomic.Int64
}

// NewRateLimits returns limits scaled by factor.
func NewRateLimits(factor float64) *RateLimits {
	return &RateLimits{factor: factor, limiters: map[string]*rate.Limiter{}}
}

// SetFactor changes the scale (and resets the buckets).
func (l *RateLimits) SetFactor(f float64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.factor = f
	l.limiters = map[string]*rate.Limiter{}
}

// Factor is the current scale.
func (l *RateLimits) Factor() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.factor
}

// Allow spends one token of shop's bucket limited to r/s with burst, and
// reports whether the request may pass.
func (l *RateLimits) Allow(shop, bucket string, r float64, burst int) bool {
	l.mu.Lock()
	if l.factor <= 0 || r <= 0 {
		l.mu.Unlock()
		l.allowed.Add(1)
		return true
	}
	key := shop + "\x00" + bucket
	lim, ok := l.limiters[key]
	if !ok {
		lim = rate.NewLimiter(rate.Limit(r*l.factor), max(burst, 1))
		l.limiters[key] = lim
	}
	l.mu.Unlock()
	if lim.Allow() {
		l.allowed.Add(1)
		return true
	}
	l.rejected.Add(1)
	return false
}

// Rejected counts requests refused for exceeding a limit.
func (l *RateLimits) Rejected() int64 { return l.rejected.Load() }

// Allowed counts requests let through.
func (l *RateLimits) Allowed() int64 { return l.allowed.Load() }
