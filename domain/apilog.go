package domain

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// APILog (APIログ) is one marketplace call or, later, one action run.
// ChannelName and Marketplace are copied in so the row stays readable after
// its connection is deleted.
type APILog struct {
	ID           int64       `db:"id"`
	ConnectionID *int64      `db:"connection_id"`
	ChannelName  string      `db:"channel_name"`
	Marketplace  Marketplace `db:"marketplace"`
	Action       string      `db:"action"`    // APIActionConnectionTest or an ActionName
	Operation    string      `db:"operation"` // the marketplace's operation, e.g. searchOrder
	Request      string      `db:"request"`   // method, URL and body summary, secrets removed
	Response     string      `db:"response"`  // body summary, secrets removed
	OK           bool        `db:"ok"`
	HTTPStatus   int         `db:"http_status"` // 0 when no response arrived
	Code         string      `db:"code"`        // the marketplace's error code
	Message      string      `db:"message"`     // the marketplace's message / our plain reason
	DurationMS   int64       `db:"duration_ms"`
	StartedAt    time.Time   `db:"started_at"`
}

// APIActionConnectionTest is the 接続テスト call; the other actions of the log
// are the sync actions (ActionName), so a robot's calls and its runs share codes.
const APIActionConnectionTest = "connection_test"

// APIActions in the order the filter lists them.
var APIActions = apiActions()

func apiActions() []Option {
	opts := []Option{{APIActionConnectionTest, "接続テスト"}}
	for _, a := range []ActionName{ActionOrderImport, ActionProductImport, ActionConfirm, ActionStatusSync,
		ActionShipmentResult, ActionTransactionComplete, ActionStockPush, ActionFeedResults} {
		opts = append(opts, Option{string(a), a.Label()})
	}
	return opts
}

// ActionLabel is the Japanese name of an action code (the code itself if unknown).
func ActionLabel(code string) string {
	if l := OptionLabel(APIActions, code); l != "" {
		return l
	}
	return code
}

// ResultLabel is 成功 or エラー.
func (l APILog) ResultLabel() string {
	if l.OK {
		return "成功"
	}
	return "エラー"
}

// DefaultAPILogRetention is how long API log rows are kept unless configured.
const DefaultAPILogRetention = 90 * 24 * time.Hour

// APILogPageSize is the number of rows per page of the API log.
const APILogPageSize = 50

// API log filter values of Result.
const (
	APILogResultOK    = "ok"
	APILogResultError = "error"
)

// APILogFilter selects API log rows. From and To are Japan dates, inclusive.
type APILogFilter struct {
	ConnectionID int64
	Action       string
	Result       string // "", APILogResultOK or APILogResultError
	From, To     string // YYYY-MM-DD, Japan time; "" = open
	After        *APILogCursor
	Limit        int
}

// APILogCursor is the keyset position of the last row shown: the next page
// holds rows strictly older than (StartedAt, ID).
type APILogCursor struct {
	StartedAt time.Time
	ID        int64
}

// String encodes the cursor for a URL.
func (c APILogCursor) String() string {
	return strconv.FormatInt(c.StartedAt.UnixMicro(), 10) + "-" + strconv.FormatInt(c.ID, 10)
}

// ParseAPILogCursor decodes String's output.
func ParseAPILogCursor(s string) (*APILogCursor, error) {
	ts, id, ok := strings.Cut(s, "-")
	if !ok {
		return nil, fmt.Errorf("bad cursor %q", s)
	}
	us, err1 := strconv.ParseInt(ts, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if err1 != nil || err2 != nil || n <= 0 {
		return nil, fmt.Errorf("bad cursor %q", s)
	}
	return &APILogCursor{StartedAt: time.UnixMicro(us), ID: n}, nil
}

// ParseAPILogFilter reads the filter from a query string, with a Japanese
// message per bad field (the bad fields are left open).
func ParseAPILogFilter(q url.Values) (APILogFilter, map[string]string) {
	f := APILogFilter{Limit: APILogPageSize}
	errs := map[string]string{}
	if v := q.Get("connection"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			errs["connection"] = "販売チャネルは一覧から選んでください。"
		} else {
			f.ConnectionID = n
		}
	}
	if v := q.Get("action"); v != "" {
		if OptionLabel(APIActions, v) == "" {
			errs["action"] = "アクションは一覧から選んでください。"
		} else {
			f.Action = v
		}
	}
	switch v := q.Get("result"); v {
	case "", APILogResultOK, APILogResultError:
		f.Result = v
	default:
		errs["result"] = "結果は「成功」か「エラー」を選んでください。"
	}
	for _, d := range []struct {
		name string
		dst  *string
	}{{"from", &f.From}, {"to", &f.To}} {
		v := strings.TrimSpace(q.Get(d.name))
		if v == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			errs[d.name] = "日付は「2026-01-31」の形式で入力してください。"
			continue
		}
		*d.dst = v
	}
	if f.From != "" && f.To != "" && f.From > f.To {
		errs["to"] = "終了日は開始日と同じか後の日付にしてください。"
		f.To = ""
	}
	if v := q.Get("after"); v != "" {
		c, err := ParseAPILogCursor(v)
		if err != nil {
			errs["after"] = "ページの指定が正しくありません。最初のページから開き直してください。"
		} else {
			f.After = c
		}
	}
	return f, errs
}

// Range returns the filter's dates as a half-open [from, to) interval of
// instants: from Japan midnight of From to Japan midnight after To.
// A zero time means open.
func (f APILogFilter) Range() (from, to time.Time) {
	if f.From != "" {
		from, _ = time.ParseInLocation(time.DateOnly, f.From, jst)
	}
	if f.To != "" {
		t, _ := time.ParseInLocation(time.DateOnly, f.To, jst)
		to = t.AddDate(0, 0, 1)
	}
	return from, to
}

// Query encodes the filter (without the cursor) for links.
func (f APILogFilter) Query() url.Values {
	q := url.Values{}
	if f.ConnectionID > 0 {
		q.Set("connection", strconv.FormatInt(f.ConnectionID, 10))
	}
	for k, v := range map[string]string{"action": f.Action, "result": f.Result, "from": f.From, "to": f.To} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q
}
