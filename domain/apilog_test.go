package domain

import (
	"net/url"
	"testing"
	"time"
)

func TestParseAPILogFilter(t *testing.T) {
	q := url.Values{"connection": {"3"}, "action": {APIActionConnectionTest}, "result": {"error"}, "from": {"2026-03-01"}, "to": {"2026-03-02"}}
	f, errs := ParseAPILogFilter(q)
	if len(errs) != 0 {
		t.Fatalf("errors %v", errs)
	}
	if f.ConnectionID != 3 || f.Action != APIActionConnectionTest || f.Result != APILogResultError {
		t.Errorf("filter %+v", f)
	}
	from, to := f.Range()
	// Japan midnight is 15:00 UTC the day before.
	if want := time.Date(2026, 2, 28, 15, 0, 0, 0, time.UTC); !from.Equal(want) {
		t.Errorf("from %v, want %v", from, want)
	}
	if want := time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC); !to.Equal(want) {
		t.Errorf("to %v, want %v", to, want)
	}
	if got := f.Query().Encode(); got != q.Encode() {
		t.Errorf("Query() = %s, want %s", got, q.Encode())
	}
}

func TestParseAPILogFilterErrors(t *testing.T) {
	tests := []struct {
		q     url.Values
		field string
	}{
		{url.Values{"connection": {"x"}}, "connection"},
		{url.Values{"action": {"drop"}}, "action"},
		{url.Values{"result": {"maybe"}}, "result"},
		{url.Values{"from": {"2026/03/01"}}, "from"},
		{url.Values{"from": {"2026-03-02"}, "to": {"2026-03-01"}}, "to"},
		{url.Values{"after": {"zzz"}}, "after"},
	}
	for _, tt := range tests {
		_, errs := ParseAPILogFilter(tt.q)
		if len(errs) != 1 || errs[tt.field] == "" {
			t.Errorf("%v: errors %v, want one on %s", tt.q, errs, tt.field)
		}
	}
}

func TestAPILogCursorRoundTrip(t *testing.T) {
	c := APILogCursor{StartedAt: time.Date(2026, 3, 1, 1, 2, 3, 456789000, time.UTC), ID: 42}
	got, err := ParseAPILogCursor(c.String())
	if err != nil || !got.StartedAt.Equal(c.StartedAt) || got.ID != 42 {
		t.Errorf("round trip %v, %v", got, err)
	}
}
