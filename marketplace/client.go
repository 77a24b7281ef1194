package marketplace

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Pace is a published rate limit: Rate requests per second with Burst.
type Pace struct {
	Rate  rate.Limit
	Burst int
}

// Pacer keeps one token bucket per pacing key (marketplace + credential +
// bucket), shared by every Client that uses it, so two jobs on the same
// shop never add up to more than the shop's budget.
type Pacer struct {
	factor   float64
	mu       sync.Mutex
	limiters map[string]*rate.Limiter
}

// NewPacer returns a pacer whose rates are multiplied by factor (benchmarks
// against a sandbox with scaled limits use the same factor). factor <= 0
// switches pacing off.
func NewPacer(factor float64) *Pacer {
	return &Pacer{factor: factor, limiters: map[string]*rate.Limiter{}}
}

// DefaultPacer is the process-wide pacer used when a Client is given none.
var DefaultPacer = NewPacer(1)

// safety keeps us a little under the published rate: requests leave in
// order but arrive with network jitter, and the server counts arrivals.
// Jitter is milliseconds, so 5% is room enough (50 ms at Rakuten's 1/s,
// 9 s at Amazon searchOrders' 1 per 180 s); a larger margin only slows every
// long import by as much. The rare 429 that jitter still causes is retried
// after its Retry-After like any other.
const safety = 0.95

func (p *Pacer) limiter(key string, pace Pace) *rate.Limiter {
	p.mu.Lock()
	defer p.mu.Unlock()
	l, ok := p.limiters[key]
	if !ok {
		burst := max(pace.Burst, 1)
		l = rate.NewLimiter(pace.Rate*rate.Limit(p.factor*safety), burst)
		p.limiters[key] = l
	}
	return l
}

// Wait blocks until a request under key may leave.
func (p *Pacer) Wait(ctx context.Context, key string, pace Pace) error {
	if p == nil || p.factor <= 0 || pace.Rate <= 0 || key == "" {
		return nil
	}
	return p.limiter(key, pace).Wait(ctx)
}

// Adjust applies a rate the marketplace announced in a response header.
func (p *Pacer) Adjust(key string, pace Pace, r rate.Limit) {
	if p == nil || p.factor <= 0 || r <= 0 || key == "" {
		return
	}
	p.limiter(key, pace).SetLimit(r * rate.Limit(p.factor*safety))
}

// CredentialKey derives a pacing key from credential parts without keeping
// the secrets themselves in memory maps or logs.
func CredentialKey(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:8])
}

// ClientConfig configures the shared HTTP layer for one adapter.
type ClientConfig struct {
	Marketplace string
	Transport
	Redactor Redactor

	// Classify maps a complete response to nil (success) or a typed error.
	// It may also reject a 2xx body that is not what the protocol promises
	// (Malformed), so the API log sees the failure.
	Classify func(op string, status int, h http.Header, body []byte) *Error
	// RetryAfter reads how long to wait from a response; default: the
	// standard Retry-After header (seconds or HTTP date).
	RetryAfter func(h http.Header) time.Duration
	// RateHint reads a rate the marketplace announces (Amazon's
	// x-amzn-RateLimit-Limit); nil when the marketplace has none.
	RateHint func(h http.Header) (rate.Limit, bool)
}

// Request is one logical call; the client may send it several times.
type Request struct {
	Operation string
	Method    string
	URL       string
	Header    http.Header
	Body      []byte
	PaceKey   string // CredentialKey(...) + ":" + bucket; empty = no pacing
	Pace      Pace
	// NonIdempotent marks pushes that must not be repeated blindly: they
	// are retried only when the marketplace certainly did not process them
	// (throttled, or the connection was never made).
	NonIdempotent bool
}

// Response is the final answer to a Request.
type Response struct {
	Status   int
	Header   http.Header
	Body     []byte
	Attempts int
}

// Client is the shared HTTP layer. It is safe for concurrent use.
type Client struct {
	cfg ClientConfig
}

// NewClient fills in defaults.
func NewClient(cfg ClientConfig) *Client {
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 60 * time.Second
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 5
	}
	if cfg.BackoffBase <= 0 {
		cfg.BackoffBase = time.Second
	}
	if cfg.BackoffMax <= 0 {
		cfg.BackoffMax = 60 * time.Second
	}
	if cfg.Pacer == nil {
		cfg.Pacer = DefaultPacer
	}
	if cfg.RetryAfter == nil {
		cfg.RetryAfter = RetryAfterHeader
	}
	if cfg.Classify == nil {
		cfg.Classify = classifyStatus
	}
	return &Client{cfg: cfg}
}

// Redactor returns the client's redactor, for adapters building messages.
func (c *Client) Redactor() Redactor { return c.cfg.Redactor }

// maxBody bounds what we read from a marketplace (a getOrder page of 100
// orders is well under 1 MB).
const maxBody = 64 << 20

// Do sends req, pacing and retrying as configured, and returns the final
// response or a typed *Error.
func (c *Client) Do(ctx context.Context, req Request) (*Response, error) {
	var last *Error
	for attempt := 1; attempt <= c.cfg.MaxAttempts; attempt++ {
		if err := c.cfg.Pacer.Wait(ctx, req.PaceKey, req.Pace); err != nil {
			return nil, c.ctxError(req, err)
		}
		resp, e, dialFailed := c.once(ctx, req, attempt)
		if e == nil {
			return resp, nil
		}
		last = e
		if ctx.Err() != nil {
			return nil, e
		}
		retry := e.Retryable()
		if req.NonIdempotent {
			retry = e.Kind == Throttled || (e.Kind == Network && dialFailed)
		}
		if !retry || attempt == c.cfg.MaxAttempts {
			break
		}
		wait := c.backoff(attempt)
		if e.RetryAfter > wait {
			if e.RetryAfter > c.cfg.BackoffMax {
				break
			}
			wait = e.RetryAfter
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, c.ctxError(req, ctx.Err())
		case <-t.C:
		}
	}
	return nil, last
}

// backoff is capped exponential with jitter in [d/2, d).
func (c *Client) backoff(attempt int) time.Duration {
	d := c.cfg.BackoffBase << (attempt - 1)
	if d <= 0 || d > c.cfg.BackoffMax {
		d = c.cfg.BackoffMax
	}
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

func (c *Client) ctxError(req Request, err error) *Error {
	return &Error{Kind: Network, Marketplace: c.cfg.Marketplace, Operation: req.Operation, Message: "cancelled", Err: err}
}

func (c *Client) once(ctx context.Context, req Request, attempt int) (*Response, *Error, bool) {
	actx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	start := time.Now()
	call := Call{
		Marketplace:    c.cfg.Marketplace,
		Operation:      req.Operation,
		Method:         req.Method,
		URL:            c.cfg.Redactor.URL(req.URL),
		RequestHeader:  c.cfg.Redactor.Header(req.Header),
		RequestSummary: c.cfg.Redactor.Body(req.Body),
		StartedAt:      start,
		Attempt:        attempt,
	}
	finish := func(resp *Response, e *Error, dial bool) (*Response, *Error, bool) {
		call.Duration = time.Since(start)
		if e != nil {
			e.Message = c.cfg.Redactor.String(e.Message)
			if e.Marketplace == "" {
				e.Marketplace = c.cfg.Marketplace
			}
			if e.Operation == "" {
				e.Operation = req.Operation
			}
			call.Code = e.Code
			call.Err = e
		}
		if c.cfg.Recorder != nil {
			c.cfg.Recorder.RecordCall(ctx, call)
		}
		return resp, e, dial
	}

	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	hr, err := http.NewRequestWithContext(actx, req.Method, req.URL, body)
	if err != nil {
		return finish(nil, &Error{Kind: InvalidRequest, Message: "cannot build request"}, false)
	}
	for k, vs := range req.Header {
		hr.Header[k] = vs
	}
	res, err := c.cfg.HTTP.Do(hr)
	if err != nil {
		return finish(nil, c.networkError(err), isDialError(err))
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, maxBody))
	call.Status = res.StatusCode
	call.ResponseSummary = c.cfg.Redactor.Body(b)
	if err != nil {
		e := c.networkError(err)
		e.HTTPStatus = res.StatusCode
		return finish(nil, e, false)
	}
	if hint := c.cfg.RateHint; hint != nil {
		if r, ok := hint(res.Header); ok {
			c.cfg.Pacer.Adjust(req.PaceKey, req.Pace, r)
		}
	}
	resp := &Response{Status: res.StatusCode, Header: res.Header, Body: b, Attempts: attempt}
	e := c.cfg.Classify(req.Operation, res.StatusCode, res.Header, b)
	if e != nil {
		if e.HTTPStatus == 0 {
			e.HTTPStatus = res.StatusCode
		}
		if e.Kind == Throttled && e.RetryAfter == 0 {
			e.RetryAfter = c.cfg.RetryAfter(res.Header)
		}
		return finish(nil, e, false)
	}
	return finish(resp, nil, false)
}

func (c *Client) networkError(err error) *Error {
	msg := "connection failed"
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		msg = "timeout"
	}
	// The url.Error text repeats the URL, which may carry a secret query.
	return &Error{Kind: Network, Message: msg, Err: errors.New(c.cfg.Redactor.String(err.Error()))}
}

func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// RetryAfterHeader reads Retry-After as seconds or an HTTP date.
func RetryAfterHeader(h http.Header) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 {
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}

// classifyStatus is the fallback when an adapter gives no classifier.
func classifyStatus(op string, status int, _ http.Header, _ []byte) *Error {
	switch {
	case status < 300:
		return nil
	case status == 401:
		return &Error{Kind: AuthFailed}
	case status == 403:
		return &Error{Kind: FunctionNotEnabled}
	case status == 429:
		return &Error{Kind: Throttled}
	case status == 503:
		return &Error{Kind: Remote}
	case status >= 500:
		return &Error{Kind: Remote}
	}
	return &Error{Kind: InvalidRequest}
}
