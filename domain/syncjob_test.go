package domain

import (
	"strings"
	"testing"
	"time"
)

func TestSyncJobValidate(t *testing.T) {
	ok := SyncJob{Name: "【自動連携】楽天 出荷指示取得(差分)", ConnectionID: 1, Action: ActionOrderImport,
		Trigger: Trigger{Kind: TriggerInterval, IntervalMinutes: 15}}
	tests := []struct {
		name   string
		edit   func(*SyncJob)
		field  string // "" = valid
		reason string // part of the message
	}{
		{"valid interval", func(*SyncJob) {}, "", ""},
		{"valid daily", func(j *SyncJob) { j.Trigger = Trigger{Kind: TriggerDaily, TimesOfDay: []string{"09:00", "18:30"}} }, "", ""},
		{"valid cron", func(j *SyncJob) { j.Trigger = Trigger{Kind: TriggerCron, Cron: "*/15 9-18 * * 1-5"} }, "", ""},
		{"valid chain", func(j *SyncJob) {
			j.Action = ActionApplyRule
			j.Trigger = Trigger{Kind: TriggerAfter, AfterAction: ActionStatusSync}
		}, "", ""},
		{"no name", func(j *SyncJob) { j.Name = "  " }, LabelSyncJobName, "空です"},
		{"long name", func(j *SyncJob) { j.Name = strings.Repeat("あ", 101) }, LabelSyncJobName, "101文字"},
		{"no connection", func(j *SyncJob) { j.ConnectionID = 0 }, LabelSyncJobConn, "選ばれていません"},
		{"unknown action", func(j *SyncJob) { j.Action = "teleport" }, LabelSyncJobAction, "teleport"},
		{"bad params", func(j *SyncJob) { j.Params = []byte("{") }, LabelSyncJobAction, "読めません"},
		{"interval 0", func(j *SyncJob) { j.Trigger.IntervalMinutes = 0 }, LabelIntervalMinutes, "1〜"},
		{"interval too long", func(j *SyncJob) { j.Trigger.IntervalMinutes = MaxIntervalMinutes + 1 }, LabelIntervalMinutes, "1〜"},
		{"daily without times", func(j *SyncJob) { j.Trigger = Trigger{Kind: TriggerDaily} }, LabelTimesOfDay, "ありません"},
		{"daily bad time", func(j *SyncJob) { j.Trigger = Trigger{Kind: TriggerDaily, TimesOfDay: []string{"25:00"}} }, LabelTimesOfDay, "「25:00」"},
		{"cron bad", func(j *SyncJob) { j.Trigger = Trigger{Kind: TriggerCron, Cron: "every day"} }, LabelCron, "「every day」"},
		{"cron with zone", func(j *SyncJob) { j.Trigger = Trigger{Kind: TriggerCron, Cron: "TZ=UTC 0 9 * * *"} }, LabelCron, "読めません"},
		{"cron @every", func(j *SyncJob) { j.Trigger = Trigger{Kind: TriggerCron, Cron: "@every 5m"} }, LabelCron, "読めません"},
		{"chain without action", func(j *SyncJob) { j.Trigger = Trigger{Kind: TriggerAfter} }, LabelAfterAction, "選ばれていません"},
		{"chain after itself", func(j *SyncJob) { j.Trigger = Trigger{Kind: TriggerAfter, AfterAction: ActionOrderImport} }, LabelAfterAction, "自分自身"},
		{"no trigger", func(j *SyncJob) { j.Trigger = Trigger{} }, LabelTriggerKind, "選ばれていません"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := ok
			tt.edit(&j)
			errs := j.Validate()
			if tt.field == "" {
				if len(errs) != 0 {
					t.Fatalf("want valid, got %v", errs)
				}
				return
			}
			if len(errs) != 1 || errs[0].Field != tt.field || !strings.Contains(errs[0].Reason, tt.reason) {
				t.Fatalf("got %v, want one error on %s containing %q", errs, tt.field, tt.reason)
			}
		})
	}
}

func TestNormalizeTimesOfDay(t *testing.T) {
	got := NormalizeTimesOfDay("18:00, 9:00、09:00 25:99")
	want := []string{"09:00", "18:00", "25:99"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestChainCycle(t *testing.T) {
	after := func(a, b ActionName) SyncJob {
		return SyncJob{Action: a, Trigger: Trigger{Kind: TriggerAfter, AfterAction: b}}
	}
	timed := SyncJob{Action: ActionOrderImport, Trigger: Trigger{Kind: TriggerInterval, IntervalMinutes: 5}}
	if msg := ChainCycle([]SyncJob{timed, after(ActionStatusSync, ActionOrderImport), after(ActionApplyRule, ActionStatusSync)}); msg != "" {
		t.Fatalf("a straight chain reported as a loop: %s", msg)
	}
	msg := ChainCycle([]SyncJob{timed, after(ActionStatusSync, ActionApplyRule), after(ActionApplyRule, ActionStatusSync)})
	if !strings.Contains(msg, "輪になっています") || !strings.Contains(msg, ActionStatusSync.Label()) || !strings.Contains(msg, ActionApplyRule.Label()) {
		t.Fatalf("loop not named: %q", msg)
	}
}

func TestRetryBackoff(t *testing.T) {
	base, max := time.Minute, time.Hour
	for n, want := range map[int]time.Duration{0: 0, 1: 0, 2: time.Minute, 3: 2 * time.Minute, 4: 4 * time.Minute, 7: 32 * time.Minute, 8: time.Hour, 100: time.Hour} {
		if got := RetryBackoff(n, base, max); got != want {
			t.Errorf("RetryBackoff(%d) = %v, want %v", n, got, want)
		}
	}
}

func TestTriggerString(t *testing.T) {
	for tr, want := range map[*Trigger]string{
		{Kind: TriggerInterval, IntervalMinutes: 15}:                 "15分ごと",
		{Kind: TriggerInterval, IntervalMinutes: 120}:                "2時間ごと",
		{Kind: TriggerDaily, TimesOfDay: []string{"09:00", "18:00"}}: "毎日 09:00, 18:00",
		{Kind: TriggerAfter, AfterAction: ActionStatusSync}:          "「ステータス同期」の後",
	} {
		if got := tr.String(); got != want {
			t.Errorf("%+v: %q, want %q", *tr, got, want)
		}
	}
}
