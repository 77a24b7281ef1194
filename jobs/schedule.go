package jobs

import (
	"fmt"
	"slices"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/robfig/cron/v3"

	"github.com/renkei-oss/renkei/domain"
)

// definition turns a robot's trigger into a gocron schedule. Interval ticks
// are aligned to multiples of the interval, so every instance computes the
// same ticks and the same slots.
func definition(t domain.Trigger, now time.Time) (gocron.JobDefinition, []gocron.JobOption, error) {
	switch t.Kind {
	case domain.TriggerInterval:
		d := time.Duration(t.IntervalMinutes) * time.Minute
		start := now.Truncate(d).Add(d)
		return gocron.DurationJob(d), []gocron.JobOption{gocron.WithStartAt(gocron.WithStartDateTime(start))}, nil
	case domain.TriggerDaily:
		var ats []gocron.AtTime
		for _, s := range t.TimesOfDay {
			h, m, err := domain.ParseTimeOfDay(s)
			if err != nil {
				return nil, nil, err
			}
			ats = append(ats, gocron.NewAtTime(uint(h), uint(m), 0))
		}
		if len(ats) == 0 {
			return nil, nil, fmt.Errorf("jobs: daily trigger without times")
		}
		return gocron.DailyJob(1, gocron.NewAtTimes(ats[0], ats[1:]...)), nil, nil
	case domain.TriggerCron:
		sched, err := domain.ParseCron(t.Cron)
		if err != nil {
			return nil, nil, err
		}
		c := &cronSchedule{sched}
		return gocron.CronJob(t.Cron, domain.CronHasSeconds(t.Cron)), []gocron.JobOption{gocron.WithCronImplementation(c)}, nil
	}
	return nil, nil, fmt.Errorf("jobs: trigger %q is not a schedule", t.Kind)
}

// cronSchedule hands gocron the schedule domain.ParseCron made, so the
// scheduler, the validation and the slots all read cron the same way (Japan
// time, optional seconds, no tzdata needed).
type cronSchedule struct{ s cron.Schedule }

func (c *cronSchedule) IsValid(string, *time.Location, time.Time) error { return nil }
func (c *cronSchedule) Next(last time.Time) time.Time                   { return c.s.Next(last) }

// slotOf returns the tick a scheduled run at now belongs to: the latest
// scheduled time not after now. Every instance computes the same value for
// the same tick, so claiming (job, slot) lets only one of them run it.
func slotOf(t domain.Trigger, now time.Time) (time.Time, error) {
	switch t.Kind {
	case domain.TriggerInterval:
		return now.Truncate(time.Duration(t.IntervalMinutes) * time.Minute), nil
	case domain.TriggerDaily:
		local := now.In(domain.SyncJobZone)
		times := slices.Clone(t.TimesOfDay)
		slices.Sort(times)
		slices.Reverse(times)
		for day := 0; day <= 1; day++ {
			y, mo, d := local.AddDate(0, 0, -day).Date()
			for _, s := range times {
				h, m, err := domain.ParseTimeOfDay(s)
				if err != nil {
					return time.Time{}, err
				}
				at := time.Date(y, mo, d, h, m, 0, 0, domain.SyncJobZone)
				if !at.After(now) {
					return at, nil
				}
			}
		}
		return time.Time{}, fmt.Errorf("jobs: daily trigger without times")
	case domain.TriggerCron:
		sched, err := domain.ParseCron(t.Cron)
		if err != nil {
			return time.Time{}, err
		}
		return cronPrev(sched, now), nil
	}
	return time.Time{}, fmt.Errorf("jobs: trigger %q is not a schedule", t.Kind)
}

// cronPrev finds the latest fire time ≤ now. Cron only answers "next after",
// so look back over growing windows and walk forward in the first one that
// holds a fire time: few steps for frequent and for rare schedules alike.
func cronPrev(s cron.Schedule, now time.Time) time.Time {
	for _, back := range []time.Duration{2 * time.Second, 2 * time.Minute, 2 * time.Hour, 50 * time.Hour, 32 * 24 * time.Hour, 400 * 24 * time.Hour, 5 * 366 * 24 * time.Hour} {
		t := s.Next(now.Add(-back))
		if t.IsZero() || t.After(now) {
			continue
		}
		for {
			n := s.Next(t)
			if n.IsZero() || n.After(now) {
				return t
			}
			t = n
		}
	}
	// No fire time in five years (e.g. 30 February): any stable value will do.
	return time.Time{}
}

// slotKey is the stored form of a slot.
func slotKey(t time.Time) string {
	return t.In(domain.SyncJobZone).Format(time.RFC3339)
}
