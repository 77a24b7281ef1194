package marketplace

import (
	"time"
)

// JST is Japan time, the zone Rakuten and SPEC business dates use.
var JST = tokyo

// Window is a half-open time span [From, To).
type Window struct {
	From, To time.Time
}

// Duration of the window.
func (w Window) Duration() time.Duration { return w.To.Sub(w.From) }

// SplitWindows cuts [from, to) into consecutive windows of at most max,
// oldest first. SPEC §4 uses one week for import windows; Rakuten's
// searchOrder allows 63 days. An empty or inverted span yields nothing.
func SplitWindows(from, to time.Time, max time.Duration) []Window {
	if !to.After(from) || max <= 0 {
		return nil
	}
	var out []Window
	for start := from; start.Before(to); {
		end := start.Add(max)
		if end.After(to) {
			end = to
		}
		out = append(out, Window{From: start, To: end})
		start = end
	}
	return out
}

// Pages is how many pages of size pageSize total records take.
func Pages(total, pageSize int) int {
	if total <= 0 || pageSize <= 0 {
		return 0
	}
	return (total + pageSize - 1) / pageSize
}

// Batches cuts items into groups of at most n (getOrder's 100, bulk
// upsert's 400).
func Batches[T any](items []T, n int) [][]T {
	if n <= 0 {
		n = len(items)
	}
	var out [][]T
	for len(items) > 0 {
		k := min(n, len(items))
		out = append(out, items[:k:k])
		items = items[k:]
	}
	return out
}

// InJST returns t in Japan time.
func InJST(t time.Time) time.Time { return t.In(JST) }

// UTC returns t in UTC (Amazon wants ISO 8601 in UTC: a "+09:00" filter is
// rejected).
func UTC(t time.Time) time.Time { return t.UTC() }

// JSTDate is the calendar day of t in Japan, "2006-01-02".
func JSTDate(t time.Time) string { return t.In(JST).Format(time.DateOnly) }
