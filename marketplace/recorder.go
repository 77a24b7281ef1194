package marketplace

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
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
//
// Only the part of the body that can reach the summary is looked at: a
// 1 MB order page is never decoded into maps and encoded again just to keep
// its first 2 KB (that round trip was a third of an import's CPU).
func (r Redactor) Body(b []byte) string {
	trimmed := bytes.TrimSpace(b)
	if len(trimmed) == 0 {
		return ""
	}
	// Enough text that every literal secret starting inside the summary
	// is whole, so String can replace it before the cut.
	need := SummaryLimit + r.longestSecret() + 1
	var out string
	complete := true
	switch {
	case trimmed[0] == '{' || trimmed[0] == '[':
		var buf []byte
		buf, complete = r.compactJSON(trimmed, need)
		out = string(buf)
	case bytes.IndexByte(trimmed, '=') > 0 && !bytes.ContainsAny(trimmed, " <\n"):
		out = string(trimmed)
		if q, err := url.ParseQuery(out); err == nil {
			for k := range q {
				if r.isField(k) {
					q[k] = []string{redacted}
				}
			}
			out = q.Encode()
		}
	default:
		if len(trimmed) > need {
			trimmed, complete = trimmed[:need], false
		}
		out = string(trimmed)
	}
	out = r.String(out)
	if len(out) <= SummaryLimit && complete {
		return out
	}
	cut := min(SummaryLimit, len(out))
	if !complete {
		// The tail may hold the start of a secret, or of a character, cut
		// off with the prefix.
		cut = max(min(cut, len(out)-max(r.longestSecret(), utf8.UTFMax)), 0)
	}
	for cut > 0 && !utf8Start(out[cut]) {
		cut--
	}
	return out[:cut] + "…"
}

func (r Redactor) longestSecret() int {
	n := 0
	for _, s := range r.Secrets {
		n = max(n, len(s))
	}
	return n
}

// compactJSON copies the JSON text b without insignificant whitespace and
// with the value of every secret field replaced, stopping once limit bytes
// are written (complete is then false). It never fails: text that is not
// JSON is copied as it comes.
func (r Redactor) compactJSON(b []byte, limit int) (out []byte, complete bool) {
	out = make([]byte, 0, min(len(b), limit+64))
	for i := 0; i < len(b); {
		if len(out) >= limit {
			return out, false
		}
		c := b[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '"':
			end := jsonStringEnd(b, i)
			tok := b[i:end]
			out = append(out, tok...)
			i = end
			j := skipSpace(b, i)
			if j < len(b) && b[j] == ':' && r.isJSONField(tok) {
				out = append(out, ':', '"')
				out = append(out, redacted...)
				out = append(out, '"')
				i = jsonValueEnd(b, skipSpace(b, j+1))
			}
		default:
			out = append(out, c)
			i++
		}
	}
	return out, true
}

// isJSONField reports whether a quoted JSON key names a secret field.
func (r Redactor) isJSONField(quoted []byte) bool {
	if len(quoted) < 2 || quoted[len(quoted)-1] != '"' {
		return false
	}
	name := string(quoted[1 : len(quoted)-1])
	if bytes.IndexByte(quoted, '\\') >= 0 {
		if json.Unmarshal(quoted, &name) != nil {
			return false
		}
	}
	return r.isField(name)
}

// jsonStringEnd returns the index just past the string starting at b[i].
func jsonStringEnd(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(b)
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// jsonValueEnd returns the index just past the value starting at b[i]:
// a string, a balanced object or array, or a literal or number.
func jsonValueEnd(b []byte, i int) int {
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '"':
		return jsonStringEnd(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				j = jsonStringEnd(b, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1
				}
			}
		}
		return len(b)
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\n' && b[j] != '\r' && b[j] != '\t' {
		j++
	}
	return j
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }
