package kit

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// Pace is a published rate limit: requests a second and the burst allowed.
type Pace struct {
	Rate  float64
	Burst int
}

// Replies are a marketplace's own answers to the injected faults that end a
// request. Throttle also answers requests over the rate limit.
type Replies struct {
	Throttle    func(w http.ResponseWriter) // 429 the marketplace's way
	ServerError func(w http.ResponseWriter)
	Maintenance func(w http.ResponseWriter)
	// Timeout answers after TimeoutHold (default 2 minutes) unless the
	// client has hung up; default a plain 504.
	Timeout     func(w http.ResponseWriter)
	TimeoutHold time.Duration
	// Malformed is a truncated body served as 200 with MalformedType.
	Malformed, MalformedType string
}

// Admit is the gateway in front of every operation of an authenticated
// shop: its rate limit, then the fault injected for op. It reports whether
// the request goes on to the operation; when not, the answer is written.
func (b *Base[C, S]) Admit(w http.ResponseWriter, r *http.Request, shop, op, bucket string, p Pace, rp Replies) bool {
	if !b.limits.Allow(shop, bucket, p.Rate, p.Burst) {
		rp.Throttle(w)
		return false
	}
	f, ok := b.faults.Take(shop, op)
	return !ok || !rp.serve(w, r, f)
}

// serve answers fault f; false means the request carries on (slow).
func (rp Replies) serve(w http.ResponseWriter, r *http.Request, f Fault) bool {
	switch f.Kind {
	case FaultThrottle:
		rp.Throttle(w)
	case FaultServerError:
		rp.ServerError(w)
	case FaultMaintenance:
		rp.Maintenance(w)
	case FaultTimeout:
		hold := rp.TimeoutHold
		if hold <= 0 {
			hold = 2 * time.Minute
		}
		Hold(r, hold)
		if rp.Timeout != nil {
			rp.Timeout(w)
		} else {
			http.Error(w, "Gateway Timeout", http.StatusGatewayTimeout)
		}
	case FaultMalformed:
		w.Header().Set("Content-Type", rp.MalformedType)
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(rp.Malformed))
	case FaultSlow:
		Hold(r, f.Delay)
		return false
	default:
		return false
	}
	return true
}

// WriteJSON writes v as the body with status and content type.
func WriteJSON(w http.ResponseWriter, status int, contentType string, v any) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// SchemeCredentials reads an Authorization header of the form
// "<scheme> base64(user:secret)" (Basic, Rakuten's ESA).
func SchemeCredentials(r *http.Request, scheme string) (user, secret string, ok bool) {
	raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), scheme+" ")
	if !ok {
		return "", "", false
	}
	dec, err := base64.StdEncoding.DecodeString(strings.TrimSpace(raw))
	if err != nil {
		return "", "", false
	}
	if user, secret, ok = strings.Cut(string(dec), ":"); !ok {
		return "", "", false
	}
	return user, secret, true
}

// RandHex returns n random hex digits (tokens, generated secrets).
func RandHex(n int) string {
	b := make([]byte, (n+1)/2)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)[:n]
}
