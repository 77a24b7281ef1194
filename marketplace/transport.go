package marketplace

import (
	"net/http"
	"time"
)

// Transport is how an adapter's calls travel: every adapter's Config
// embeds it, and the registry fills it the same way for every caller, so
// a connection test and an import reach a shop with the same clock, pacer
// and API log.
type Transport struct {
	HTTP        *http.Client  // default: a plain client; Timeout applies per attempt
	Timeout     time.Duration // per attempt; default 60s
	MaxAttempts int           // default 5
	BackoffBase time.Duration // default 1s
	BackoffMax  time.Duration // default 60s; a Retry-After beyond it is not waited for
	Pacer       *Pacer        // default DefaultPacer, shared by the process
	Recorder    CallRecorder  // the API log; nil records nothing
	// Now is the marketplace clock (token expiry, "not before now" rules,
	// look-back limits): the sandbox's in tests; default time.Now.
	Now func() time.Time
}
