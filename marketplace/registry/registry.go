// Package registry is the one place that knows every marketplace: its
// label, default base URL, credential fields and policy (from domain) and
// how to open its client. Callers open a client for a connection through
// Clients and type-assert the capability they need, so no caller switches
// over marketplaces and every client gets the same transport.
package registry

import (
	"errors"
	"fmt"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/marketplace"
)

// Entry is one marketplace as Renkei knows it.
type Entry struct {
	Marketplace domain.Marketplace
	// Open builds the client of c on t. It fails only for settings the
	// client refuses before any call (a missing credential, a bad URL).
	Open func(c domain.Connection, t marketplace.Transport) (marketplace.Adapter, error)
}

// Label is the name operators know.
func (e Entry) Label() string { return e.Marketplace.Label() }

// DefaultBaseURL is the real API ("" when each shop has its own).
func (e Entry) DefaultBaseURL() string { return e.Marketplace.DefaultBaseURL() }

// Fields are the connection form's marketplace fields.
func (e Entry) Fields() []domain.ConnectionField { return domain.ConnectionFields(e.Marketplace) }

// Entries lists every marketplace, in the order domain.Marketplaces has.
func Entries() []Entry {
	out := make([]Entry, 0, len(domain.Marketplaces))
	for _, m := range domain.Marketplaces {
		if e, ok := Lookup(m); ok {
			out = append(out, e)
		}
	}
	return out
}

// Lookup finds m's entry.
func Lookup(m domain.Marketplace) (Entry, bool) {
	open, ok := openers[m]
	return Entry{Marketplace: m, Open: open}, ok
}

// ErrUnsupported says the marketplace's client lacks the capability asked for.
var ErrUnsupported = errors.New("registry: the marketplace's client has no such capability")

// Clients opens marketplace clients with one transport, whoever asks: the
// same clock, pacer, HTTP client and retry settings reach a 接続テスト, an
// import and a push. The zero value uses the defaults of marketplace.Transport.
type Clients struct {
	Transport marketplace.Transport
}

// Open builds the client of c, writing each HTTP call to rec (the API log).
func (cl Clients) Open(c domain.Connection, rec marketplace.CallRecorder) (marketplace.Adapter, error) {
	e, ok := Lookup(c.Marketplace)
	if !ok {
		return nil, fmt.Errorf("registry: unknown marketplace %q", c.Marketplace)
	}
	t := cl.Transport
	t.Recorder = rec
	return e.Open(c, t)
}

// Per-attempt settings of a call an operator waits for (接続テスト): one
// retry at most, so the answer comes in seconds, not the minutes a sync
// may spend.
const (
	interactiveTimeout  = 20 * time.Second
	interactiveAttempts = 2
	interactiveBackoff  = 500 * time.Millisecond
)

// Interactive is cl for calls an operator waits on: same clock, pacer and
// HTTP client, fewer and shorter attempts.
func (cl Clients) Interactive() Clients {
	cl.Transport.Timeout = interactiveTimeout
	cl.Transport.MaxAttempts = interactiveAttempts
	cl.Transport.BackoffBase = interactiveBackoff
	return cl
}

// Open opens c's client through cl and asserts capability T (for example
// marketplace.OrderSearcher). It returns ErrUnsupported when the
// marketplace's client lacks it.
func Open[T any](cl Clients, c domain.Connection, rec marketplace.CallRecorder) (T, error) {
	var zero T
	a, err := cl.Open(c, rec)
	if err != nil {
		return zero, err
	}
	t, ok := a.(T)
	if !ok {
		return zero, ErrUnsupported
	}
	return t, nil
}
