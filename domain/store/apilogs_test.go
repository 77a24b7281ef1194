package store_test

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/marketplace"
)

var jst = time.FixedZone("JST", 9*3600)

func TestAPILogsFiltersAndKeysetPaging(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	box := mustBox(t, testKey)
	sf := mustShipFrom(t, st, "本社倉庫")
	r := newConnection(domain.MarketplaceRakuten, "楽天", sf.ID)
	a := newConnection(domain.MarketplaceAmazon, "Amazon", sf.ID)
	for _, c := range []*domain.Connection{r, a} {
		if err := st.CreateConnection(ctx, box, c); err != nil {
			t.Fatal(err)
		}
	}
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, jst)
	rows := []struct {
		conn   *domain.Connection
		action string
		ok     bool
		at     time.Time
	}{
		{r, domain.APIActionConnectionTest, true, base.Add(-30 * time.Minute)}, // 2/28 23:30 JST
		{r, domain.APIActionConnectionTest, false, base.Add(10 * time.Minute)}, // 3/1 00:10
		{a, domain.APIActionConnectionTest, false, base.Add(2 * time.Hour)},
		{r, string(domain.ActionOrderImport), true, base.Add(3 * time.Hour)},
		{r, string(domain.ActionOrderImport), true, base.Add(3 * time.Hour)}, // same instant: id breaks the tie
		{a, string(domain.ActionStockPush), true, base.Add(23*time.Hour + 59*time.Minute)},
		{a, string(domain.ActionStockPush), false, base.Add(24 * time.Hour)}, // 3/2 00:00
	}
	ids := make([]int64, len(rows))
	for i, row := range rows {
		id := row.conn.ID
		l := domain.APILog{ConnectionID: &id, ChannelName: row.conn.ChannelName, Marketplace: row.conn.Marketplace,
			Action: row.action, OK: row.ok, StartedAt: row.at, Operation: "op"}
		if err := st.InsertAPILog(ctx, &l); err != nil {
			t.Fatal(err)
		}
		ids[i] = l.ID
	}
	list := func(q url.Values) []int64 {
		t.Helper()
		f, errs := domain.ParseAPILogFilter(q)
		if len(errs) != 0 {
			t.Fatal(errs)
		}
		logs, _, err := st.APILogs(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, l := range logs {
			out = append(out, l.ID)
		}
		return out
	}
	tests := []struct {
		name string
		q    url.Values
		want []int
	}{
		{"all newest first", url.Values{}, []int{6, 5, 4, 3, 2, 1, 0}},
		{"channel", url.Values{"connection": {itoa(a.ID)}}, []int{6, 5, 2}},
		{"action", url.Values{"action": {domain.APIActionConnectionTest}}, []int{2, 1, 0}},
		{"errors", url.Values{"result": {"error"}}, []int{6, 2, 1}},
		{"successes", url.Values{"result": {"ok"}}, []int{5, 4, 3, 0}},
		{"one Japan day", url.Values{"from": {"2026-03-01"}, "to": {"2026-03-01"}}, []int{5, 4, 3, 2, 1}},
		{"from only", url.Values{"from": {"2026-03-02"}}, []int{6}},
		{"to only", url.Values{"to": {"2026-02-28"}}, []int{0}},
		{"combined", url.Values{"connection": {itoa(r.ID)}, "result": {"ok"}, "from": {"2026-03-01"}}, []int{4, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := list(tt.q)
			var want []int64
			for _, i := range tt.want {
				want = append(want, ids[i])
			}
			if !equalIDs(got, want) {
				t.Errorf("ids %v, want %v", got, want)
			}
		})
	}

	// Keyset paging in pages of 2 visits every row once, in order.
	var paged []int64
	f := domain.APILogFilter{Limit: 2}
	for pages := 0; ; pages++ {
		logs, next, err := st.APILogs(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range logs {
			paged = append(paged, l.ID)
		}
		if next == nil {
			if pages != 3 {
				t.Errorf("%d pages, want 4", pages+1)
			}
			break
		}
		c, err := domain.ParseAPILogCursor(next.String())
		if err != nil {
			t.Fatal(err)
		}
		f.After = c
	}
	if want := list(url.Values{}); !equalIDs(paged, want) {
		t.Errorf("paged ids %v, want %v", paged, want)
	}

	// Deleting a connection keeps its log rows, readable by channel name.
	if err := st.DeleteConnection(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	l, err := st.APILog(ctx, ids[2])
	if err != nil || l.ConnectionID != nil || l.ChannelName != "Amazon" {
		t.Errorf("log of a deleted connection = %+v, %v", l, err)
	}

	// Purge drops rows older than the cutoff only.
	n, err := st.PurgeAPILogs(ctx, base)
	if err != nil || n != 1 {
		t.Errorf("purged %d, %v; want 1", n, err)
	}
	if _, err := st.APILog(ctx, ids[0]); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("purged row still there: %v", err)
	}
	if len(list(url.Values{})) != 6 {
		t.Error("purge removed newer rows")
	}
}

func TestAPILogRecorder(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	box := mustBox(t, testKey)
	sf := mustShipFrom(t, st, "本社倉庫")
	c := newConnection(domain.MarketplaceRakuten, "楽天", sf.ID)
	if err := st.CreateConnection(ctx, box, c); err != nil {
		t.Fatal(err)
	}
	rec := &store.APILogRecorder{Store: st, OnError: func(err error) { t.Error(err) }}
	scoped := store.WithAPILogScope(ctx, store.APILogScope{ConnectionID: c.ID, ChannelName: c.ChannelName, Action: domain.APIActionConnectionTest})
	started := time.Date(2026, 3, 1, 10, 0, 0, 0, jst)
	rec.RecordCall(scoped, marketplace.Call{
		Marketplace: marketplace.Rakuten, Operation: "licenseExpiry", Method: "GET",
		URL: "https://api.example/es/1.0/license-management/license-key/expiry-date?licenseKey=***", Status: 401,
		ResponseSummary: `{"Results":{"errorCode":"ES01-01"}}`, Duration: 1234 * time.Millisecond, StartedAt: started, Attempt: 1,
		Err: &marketplace.Error{Kind: marketplace.AuthFailed, Marketplace: marketplace.Rakuten, Code: "ES01-01", Message: "Un-Authorised"},
	})
	rec.RecordCall(ctx, marketplace.Call{Marketplace: marketplace.Amazon, Operation: "getOrders", Status: 200, StartedAt: started.Add(time.Second), Attempt: 2})

	logs, _, err := st.APILogs(ctx, domain.APILogFilter{})
	if err != nil || len(logs) != 2 {
		t.Fatalf("logs %+v, %v", logs, err)
	}
	unscoped, l := logs[0], logs[1]
	if l.ConnectionID == nil || *l.ConnectionID != c.ID || l.ChannelName != "楽天" || l.Action != domain.APIActionConnectionTest ||
		l.OK || l.HTTPStatus != 401 || l.Code != "ES01-01" || l.Message != "Un-Authorised" || l.DurationMS != 1234 ||
		!l.StartedAt.Equal(started) || l.Marketplace != domain.MarketplaceRakuten || l.Response == "" {
		t.Errorf("recorded row = %+v", l)
	}
	if unscoped.ConnectionID != nil || !unscoped.OK || unscoped.Action != "unknown" || unscoped.Operation != "getOrders（再試行1回目）" {
		t.Errorf("unscoped row = %+v", unscoped)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
