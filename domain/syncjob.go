package domain

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// SyncJob (連携ロボット) is one action against a connection's channel plus the
// trigger that starts it. The scheduler in package jobs runs it.
type SyncJob struct {
	ID           int64           `db:"id"`
	Name         string          `db:"name"` // 連携ロボット名
	ConnectionID int64           `db:"connection_id"`
	Action       ActionName      `db:"action"`
	Trigger      Trigger         `db:"-"`
	Params       json.RawMessage `db:"params"` // action-specific settings (e.g. the 変換ロボット to use)
	Enabled      bool            `db:"enabled"`

	// Cursor is where the action stopped last time (its own format, e.g. the
	// last order date fetched); an interrupted run resumes from it.
	Cursor string `db:"cursor"`
	// ConsecutiveFailures and RetryAfter implement the retry backoff: a
	// failing robot is never switched off, it only skips ticks for a while.
	ConsecutiveFailures int        `db:"consecutive_failures"`
	RetryAfter          *time.Time `db:"retry_after"`

	CreatedAt time.Time `db:"created_at"`
	UpdatedAt time.Time `db:"updated_at"`
}

// ActionName is the code name of a sync action (アクション).
type ActionName string

// The actions of SPEC §13. Only the ones a package registers can run.
const (
	ActionOrderImport         ActionName = "order_import"
	ActionProductImport       ActionName = "product_import"
	ActionConfirm             ActionName = "confirm"
	ActionStatusSync          ActionName = "status_sync"
	ActionShipmentResult      ActionName = "shipment_result"
	ActionTransactionComplete ActionName = "transaction_complete"
	ActionStockPush           ActionName = "stock_push"
	ActionFeedResults         ActionName = "feed_results"
	ActionApplyRule           ActionName = "apply_rule"
	ActionAllocate            ActionName = "allocate" // 引当 of every 出荷待ち order
)

var actionLabels = map[ActionName]string{
	ActionOrderImport:         "出荷指示取得(差分)",
	ActionProductImport:       "商品取込",
	ActionConfirm:             "確認ステータス更新",
	ActionStatusSync:          "ステータス同期",
	ActionShipmentResult:      "出荷実績戻し",
	ActionTransactionComplete: "取引完了フォルダ移動",
	ActionStockPush:           "在庫連携",
	ActionFeedResults:         "フィード送信結果取得",
	ActionApplyRule:           "出荷指示 処理ロボット適用",
	ActionAllocate:            "引当",
}

// Label is the action's name on screen.
func (a ActionName) Label() string {
	if l, ok := actionLabels[a]; ok {
		return l
	}
	return string(a)
}

// Known reports whether a is one of the actions above.
func (a ActionName) Known() bool {
	_, ok := actionLabels[a]
	return ok
}

// TriggerKind says what starts a robot.
type TriggerKind string

const (
	TriggerInterval TriggerKind = "interval" // every N minutes
	TriggerDaily    TriggerKind = "daily"    // at times of day, Japan time
	TriggerCron     TriggerKind = "cron"     // a cron expression, Japan time
	TriggerAfter    TriggerKind = "after"    // after another action of the same connection finished
)

// Trigger is the schedule of a robot. Only the fields of its Kind are used.
type Trigger struct {
	Kind            TriggerKind `db:"trigger_kind"`
	IntervalMinutes int         `db:"interval_minutes"`
	TimesOfDay      []string    `db:"-"` // "HH:MM", Japan time, sorted
	Cron            string      `db:"cron_expr"`
	AfterAction     ActionName  `db:"after_action"`
}

// SyncJobZone is Japan time: times of day and cron expressions are read in
// it whatever the server's zone is. Japan has no daylight saving, so a
// fixed zone is exact and needs no tzdata.
var SyncJobZone = time.FixedZone("Asia/Tokyo", 9*60*60)

// Labels of the robot form's fields, shared by forms and error messages.
const (
	LabelSyncJobName     = "連携ロボット名"
	LabelSyncJobConn     = "API接続設定"
	LabelSyncJobAction   = "アクション"
	LabelTriggerKind     = "トリガー"
	LabelIntervalMinutes = "実行間隔(分)"
	LabelTimesOfDay      = "実行時刻"
	LabelCron            = "cron式"
	LabelAfterAction     = "前のアクション"
)

// MaxSyncJobNameLen keeps names readable in the list.
const MaxSyncJobNameLen = 100

// MaxIntervalMinutes is one week: longer gaps are better said as times of day.
const MaxIntervalMinutes = 7 * 24 * 60

// Validate checks a robot and returns one error per bad field, in form order.
func (j SyncJob) Validate() []FieldError {
	var errs []FieldError
	switch n := len([]rune(j.Name)); {
	case strings.TrimSpace(j.Name) == "":
		errs = append(errs, FieldError{LabelSyncJobName, "連携ロボット名が空です。一覧で見分けられる名前を入力してください。"})
	case n > MaxSyncJobNameLen:
		errs = append(errs, FieldError{LabelSyncJobName, fmt.Sprintf("連携ロボット名が%d文字あります。%d文字以内にしてください。", n, MaxSyncJobNameLen)})
	}
	if j.ConnectionID <= 0 {
		errs = append(errs, FieldError{LabelSyncJobConn, "API接続設定が選ばれていません。このロボットが使うAPI接続設定を選んでください。"})
	}
	if !j.Action.Known() {
		errs = append(errs, FieldError{LabelSyncJobAction, fmt.Sprintf("アクション「%s」はありません。一覧からアクションを選んでください。", j.Action)})
	}
	if len(j.Params) > 0 && !json.Valid(j.Params) {
		errs = append(errs, FieldError{LabelSyncJobAction, "アクションの設定が読めません。設定をやり直してください。"})
	}
	errs = append(errs, j.Trigger.validate(j.Action)...)
	return errs
}

func (t Trigger) validate(own ActionName) []FieldError {
	switch t.Kind {
	case TriggerInterval:
		if t.IntervalMinutes < 1 || t.IntervalMinutes > MaxIntervalMinutes {
			return []FieldError{{LabelIntervalMinutes, fmt.Sprintf("実行間隔は1〜%d分の整数で入力してください。", MaxIntervalMinutes)}}
		}
	case TriggerDaily:
		if len(t.TimesOfDay) == 0 {
			return []FieldError{{LabelTimesOfDay, "実行時刻がありません。「09:00」のように1つ以上入力してください。"}}
		}
		for _, s := range t.TimesOfDay {
			if _, _, err := ParseTimeOfDay(s); err != nil {
				return []FieldError{{LabelTimesOfDay, fmt.Sprintf("実行時刻「%s」が読めません。「09:00」のように24時間制の時:分で入力してください。", s)}}
			}
		}
	case TriggerCron:
		if _, err := ParseCron(t.Cron); err != nil {
			return []FieldError{{LabelCron, fmt.Sprintf("cron式「%s」が読めません。「分 時 日 月 曜日」の5項目(例: 「*/15 9-18 * * 1-5」)で入力してください。", t.Cron)}}
		}
	case TriggerAfter:
		if !t.AfterAction.Known() {
			return []FieldError{{LabelAfterAction, "前のアクションが選ばれていません。このロボットの前に終わるべきアクションを選んでください。"}}
		}
		if t.AfterAction == own {
			return []FieldError{{LabelAfterAction, "自分自身のアクションの後には実行できません。別のアクションを選んでください。"}}
		}
	default:
		return []FieldError{{LabelTriggerKind, "トリガーが選ばれていません。「N分ごと」「毎日決まった時刻」「cron式」「他のアクションの後」から選んでください。"}}
	}
	return nil
}

// ParseTimeOfDay reads "H:MM" or "HH:MM" (24-hour).
func ParseTimeOfDay(s string) (hour, minute int, err error) {
	hs, ms, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || len(ms) != 2 || len(hs) < 1 || len(hs) > 2 {
		return 0, 0, fmt.Errorf("time of day %q: want HH:MM", s)
	}
	h, err1 := strconv.Atoi(hs)
	m, err2 := strconv.Atoi(ms)
	if err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 {
		return 0, 0, fmt.Errorf("time of day %q: want HH:MM", s)
	}
	return h, m, nil
}

// NormalizeTimesOfDay parses "9:00, 13:30 09:00" style input into sorted,
// de-duplicated "HH:MM" values; bad entries are kept as typed so that
// Validate can name them.
func NormalizeTimesOfDay(in string) []string {
	fields := strings.FieldsFunc(in, func(r rune) bool { return r == ',' || r == '、' || r == ' ' || r == '\n' || r == '　' })
	var out []string
	for _, f := range fields {
		if h, m, err := ParseTimeOfDay(f); err == nil {
			f = fmt.Sprintf("%02d:%02d", h, m)
		}
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	slices.Sort(out)
	return out
}

// cronParser takes the usual five fields, or six with seconds first: the
// seconds form exists for tests and fine-grained internal schedules.
var cronParser = cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseCron parses a cron expression in Japan time. A TZ= prefix is refused:
// every schedule on screen is Japan time.
func ParseCron(expr string) (cron.Schedule, error) {
	expr = strings.TrimSpace(expr)
	// @every is refused: its ticks are not aligned across instances; the
	// interval trigger says the same thing and is aligned.
	if expr == "" || strings.HasPrefix(expr, "TZ=") || strings.HasPrefix(expr, "CRON_TZ=") || strings.HasPrefix(expr, "@every") {
		return nil, fmt.Errorf("cron %q: empty, with a time zone or @every", expr)
	}
	s, err := cronParser.Parse(expr)
	if err != nil {
		return nil, err
	}
	// Set the zone here rather than with a CRON_TZ prefix, which would need
	// tzdata on the machine.
	if sp, ok := s.(*cron.SpecSchedule); ok {
		sp.Location = SyncJobZone
	}
	return s, nil
}

// CronHasSeconds reports whether expr uses the six-field form.
func CronHasSeconds(expr string) bool {
	f := strings.Fields(expr)
	return len(f) == 6 && !strings.HasPrefix(expr, "@")
}

// String describes the trigger in Japanese for lists ("15分ごと", "毎日 09:00, 18:00", …).
func (t Trigger) String() string {
	switch t.Kind {
	case TriggerInterval:
		if t.IntervalMinutes%60 == 0 {
			return fmt.Sprintf("%d時間ごと", t.IntervalMinutes/60)
		}
		return fmt.Sprintf("%d分ごと", t.IntervalMinutes)
	case TriggerDaily:
		return "毎日 " + strings.Join(t.TimesOfDay, ", ")
	case TriggerCron:
		return "cron: " + t.Cron
	case TriggerAfter:
		return "「" + t.AfterAction.Label() + "」の後"
	}
	return "未設定"
}

// Scheduled reports whether the trigger is a clock schedule (not a chain).
func (t Trigger) Scheduled() bool {
	return t.Kind == TriggerInterval || t.Kind == TriggerDaily || t.Kind == TriggerCron
}

// ChainCycle finds a loop among one connection's chained robots (A after B,
// B after A): such robots would start each other forever. It returns the
// Japanese message naming the actions, or "".
func ChainCycle(jobs []SyncJob) string {
	next := map[ActionName][]ActionName{} // after X → actions started by X
	for _, j := range jobs {
		if j.Trigger.Kind == TriggerAfter {
			next[j.Trigger.AfterAction] = append(next[j.Trigger.AfterAction], j.Action)
		}
	}
	const (
		unseen = iota
		active
		done
	)
	state := map[ActionName]int{}
	var path []ActionName
	var visit func(a ActionName) []ActionName
	visit = func(a ActionName) []ActionName {
		state[a] = active
		path = append(path, a)
		for _, b := range next[a] {
			switch state[b] {
			case active:
				i := slices.Index(path, b)
				return append(slices.Clone(path[i:]), b)
			case unseen:
				if c := visit(b); c != nil {
					return c
				}
			}
		}
		path = path[:len(path)-1]
		state[a] = done
		return nil
	}
	keys := make([]ActionName, 0, len(next))
	for a := range next {
		keys = append(keys, a)
	}
	slices.Sort(keys)
	for _, a := range keys {
		if state[a] == unseen {
			if c := visit(a); c != nil {
				labels := make([]string, len(c))
				for i, x := range c {
					labels[i] = "「" + x.Label() + "」"
				}
				return "連携ロボットの「他のアクションの後」が輪になっています(" + strings.Join(labels, "→") + ")。どれか1つのトリガーを時刻か間隔に変えてください。"
			}
		}
	}
	return ""
}

// SyncCounts are what one run did (SPEC §13: fetched, created, skipped, failed).
type SyncCounts struct {
	Fetched int `db:"fetched"`
	Created int `db:"created"`
	Skipped int `db:"skipped"`
	Failed  int `db:"failed"`
}

// SyncRunStatus is where one run stands.
type SyncRunStatus string

const (
	SyncRunRunning     SyncRunStatus = "running"
	SyncRunSucceeded   SyncRunStatus = "succeeded"
	SyncRunFailed      SyncRunStatus = "failed"
	SyncRunInterrupted SyncRunStatus = "interrupted" // stopped by shutdown, a dead instance or a marketplace's maintenance; the next run resumes from the cursor
)

// Label is the status on screen.
func (s SyncRunStatus) Label() string {
	switch s {
	case SyncRunRunning:
		return "実行中"
	case SyncRunSucceeded:
		return "成功"
	case SyncRunFailed:
		return "失敗"
	case SyncRunInterrupted:
		return "中断"
	}
	return string(s)
}

// SyncRunCause says what started a run.
type SyncRunCause string

const (
	SyncCauseSchedule SyncRunCause = "schedule"
	SyncCauseManual   SyncRunCause = "manual" // 今すぐ実行
	SyncCauseChain    SyncRunCause = "chain"  // after another action finished
)

// SyncRun is one run of a robot: its counts, error and status.
type SyncRun struct {
	ID         int64         `db:"id"`
	JobID      int64         `db:"job_id"`
	Slot       string        `db:"slot"` // the tick it belongs to; unique per job so no tick runs twice
	Cause      SyncRunCause  `db:"cause"`
	Instance   string        `db:"instance"`
	Status     SyncRunStatus `db:"status"`
	Error      string        `db:"error"`
	StartedAt  time.Time     `db:"started_at"`
	FinishedAt *time.Time    `db:"finished_at"`
	SyncCounts
}

// RetryBackoff is how long a robot that failed n times in a row waits
// before its next scheduled run: the first retry is at the next tick, then
// the wait doubles from base up to max. A robot is never switched off.
func RetryBackoff(n int, base, max time.Duration) time.Duration {
	if n <= 1 {
		return 0
	}
	d := base
	for i := 2; i < n && d < max; i++ {
		d *= 2
	}
	return min(d, max)
}
