package marketplace

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Call is one HTTP exchange with a marketplace, as the API log sees it.
// URL, headers and bodies are already redacted.
type Call struct {
	Marketplace     string
	Operation       string
	Method          string
	URL             string
	RequestHeader   http.Header
	RequestSummary  string
	Status          int // 0 when no response arrived
	ResponseSummary string
	Code            string // marketplace code from the typed error, if any
	Duration        time.Duration
	StartedAt       time.Time
	Attempt         int // 1 for the first try
	Err             error
}

// CallRecorder receives every call the shared HTTP layer makes, retries
// included. Implementations must be safe for concurrent use and should not
// block for long. The context is the caller's, so a recorder can pick up
// the connection or job it belongs to from context values.
type CallRecorder interface {
	RecordCall(ctx context.Context, c Call)
}

// CallRecorderFunc adapts a function to CallRecorder.
type CallRecorderFunc func(ctx context.Context, c Call)

func (f CallRecorderFunc) RecordCall(ctx context.Context, c Call) { f(ctx, c) }

const redacted = "***"

// SummaryLimit caps the body summaries kept in a Call.
const SummaryLimit = 2048

// Redactor removes secrets from what is logged or put into errors: named
// headers, query parameters and JSON/form body fields, and any literal
// secret value wherever it appears.
type Redactor struct {
	Headers []string // case-insensitive
	Fields  []string // query, form and JSON field names, case-insensitive
	Secrets []string // literal values (license keys, tokens)
}

// DefaultRedactor knows the secret-bearing names of every marketplace we
// speak to.
func DefaultRedactor(secrets ...string) Redactor {
	return Redactor{
		Headers: []string{"Authorization", "x-amz-access-token", "X-SHOP-KEY", "Cookie", "Set-Cookie"},
		Fields: []string{"licenseKey", "serviceSecret", "client_secret", "refresh_token", "access_token",
			"password", "token", "apiKey", "api_key", "sc.entrId"},
		Secrets: secrets,
	}
}

func (r Redactor) isField(name string) bool {
	for _, f := range r.Fields {
		if strings.EqualFold(f, name) {
			return true
		}
	}
	return false
}

// String replaces every literal secret in s.
func (r Redactor) String(s string) string {
	for _, sec := range r.Secrets {
		if len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, redacted)
		}
	}
	return s
}

// Header returns a copy of h with secret headers masked.
func (r Redactor) Header(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		masked := false
		for _, name := range r.Headers {
			if strings.EqualFold(name, k) {
				masked = true
			}
		}
		for _, v := range vs {
			if masked {
				v = redacted
			}
			out.Add(k, r.String(v))
		}
	}
	return out
}

// URL returns u with secret query parameters masked.
func (r Redactor) URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return r.String(raw)
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			if r.isField(k) {
				q[k] = []string{redacted}
			}
		}
		u.RawQuery = q.Encode()
	}
	u.User = nil
	return r.String(u.String())
}

// Body summarises a request or response body for the log: JSON and form
// bodies have secret fields masked; everything is cut to SummaryLimit.
func (r Redactor) Body(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	out := string(b)
	trimmed := bytes.TrimSpace(b)
	switch {
	case len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '['):
		var v any
		if json.Unmarshal(trimmed, &v) == nil {
			v = r.jsonValue(v)
			if enc, err := json.Marshal(v); err == nil {
				out = string(enc)
			}
		}
	case bytes.IndexByte(trimmed, '=') > 0 && !bytes.ContainsAny(trimmed, " <\n"):
		if q, err := url.ParseQuery(string(trimmed)); err == nil {
			for k := range q {
				if r.isField(k) {
					q[k] = []string{redacted}
				}
			}
			out = q.Encode()
		}
	}
	out = r.String(out)
	if len(out) > SummaryLimit {
		cut := SummaryLimit
		for cut > 0 && !utf8Start(out[cut]) {
			cut--
		}
		out = out[:cut] + "…"
	}
	return out
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

func (r Redactor) jsonValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if r.isField(k) {
				t[k] = redacted
				continue
			}
			t[k] = r.jsonValue(x)
		}
	case []any:
		for i, x := range t {
			t[i] = r.jsonValue(x)
		}
	}
	return v
}
