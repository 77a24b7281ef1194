package jobs

import (
	"testing"
	"time"

	"github.com/renkei-oss/renkei/domain"
)

func TestSlotOf(t *testing.T) {
	jst := func(d, h, m, s int) time.Time { return time.Date(2026, 11, d, h, m, s, 0, domain.SyncJobZone) }
	tests := []struct {
		name string
		tr   domain.Trigger
		now  time.Time
		want time.Time
	}{
		{"interval on the tick", domain.Trigger{Kind: domain.TriggerInterval, IntervalMinutes: 15}, jst(5, 10, 15, 0), jst(5, 10, 15, 0)},
		{"interval late", domain.Trigger{Kind: domain.TriggerInterval, IntervalMinutes: 15}, jst(5, 10, 29, 59), jst(5, 10, 15, 0)},
		{"daily today", domain.Trigger{Kind: domain.TriggerDaily, TimesOfDay: []string{"09:00", "18:00"}}, jst(5, 18, 0, 1), jst(5, 18, 0, 0)},
		{"daily earlier today", domain.Trigger{Kind: domain.TriggerDaily, TimesOfDay: []string{"09:00", "18:00"}}, jst(5, 17, 0, 0), jst(5, 9, 0, 0)},
		{"daily yesterday", domain.Trigger{Kind: domain.TriggerDaily, TimesOfDay: []string{"09:00", "18:00"}}, jst(5, 8, 0, 0), jst(4, 18, 0, 0)},
		{"daily in UTC input", domain.Trigger{Kind: domain.TriggerDaily, TimesOfDay: []string{"09:00"}}, jst(5, 9, 0, 0).UTC(), jst(5, 9, 0, 0)},
		{"cron every second", domain.Trigger{Kind: domain.TriggerCron, Cron: "* * * * * *"}, jst(5, 10, 0, 7), jst(5, 10, 0, 7)},
		{"cron weekdays", domain.Trigger{Kind: domain.TriggerCron, Cron: "30 9 * * 1-5"}, jst(9, 8, 0, 0), jst(6, 9, 30, 0)}, // Mon 9 → Fri 6
		{"cron monthly", domain.Trigger{Kind: domain.TriggerCron, Cron: "0 0 1 * *"}, jst(20, 0, 0, 0), jst(1, 0, 0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := slotOf(tt.tr, tt.now)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tt.want) {
				t.Fatalf("slot %v, want %v", got, tt.want)
			}
		})
	}
}

// The schedule gocron follows and the slots agree: every tick is its own slot.
func TestDefinitionTicksAreSlots(t *testing.T) {
	now := time.Date(2026, 11, 5, 10, 7, 30, 0, domain.SyncJobZone)
	sched, _ := domain.ParseCron("*/20 * * * *")
	next := sched.Next(now)
	for range 5 {
		s, err := slotOf(domain.Trigger{Kind: domain.TriggerCron, Cron: "*/20 * * * *"}, next)
		if err != nil || !s.Equal(next) {
			t.Fatalf("tick %v has slot %v (%v)", next, s, err)
		}
		next = sched.Next(next)
	}
}
