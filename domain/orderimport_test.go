package domain

import (
	"slices"
	"strings"
	"testing"
	"time"
)

var tokyoZone = time.FixedZone("JST", 9*3600)

func TestPlanImport(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, tokyoZone)
	cursor := now.Add(-30 * time.Hour)
	day := 24 * time.Hour
	tests := []struct {
		name     string
		req      ImportRequest
		in       PlanInput
		from, to time.Time
		windows  int
		err      string
	}{
		{"diff first run is the last 7 days", ImportRequest{Mode: ImportDiff}, PlanInput{Marketplace: MarketplaceAmazon},
			now.Add(-7 * day), now, 1, ""},
		{"diff from the cursor minus the overlap", ImportRequest{Mode: ImportDiff}, PlanInput{Marketplace: MarketplaceAmazon, Cursor: &cursor},
			cursor.Add(-CursorOverlap), now, 1, ""},
		{"diff after a month away splits into weeks", ImportRequest{Mode: ImportDiff}, PlanInput{Marketplace: MarketplaceAmazon, Cursor: ptrTime(now.Add(-30*day + CursorOverlap))},
			now.Add(-30 * day), now, 5, ""},
		{"rakuten diff re-reads 出荷指示取得期間", ImportRequest{Mode: ImportDiff}, PlanInput{Marketplace: MarketplaceRakuten, Cursor: &cursor, RakutenFetchDays: 20},
			now.AddDate(0, 0, -20), now, 3, ""},
		{"rakuten diff without a period uses 7 days", ImportRequest{Mode: ImportDiff}, PlanInput{Marketplace: MarketplaceRakuten},
			now.AddDate(0, 0, -7), now, 1, ""},
		{"three-week range is three windows", ImportRequest{Mode: ImportRange, From: now.Add(-30 * day), To: now.Add(-9 * day)}, PlanInput{},
			now.Add(-30 * day), now.Add(-9 * day), 3, ""},
		{"range into the future is cut at now", ImportRequest{Mode: ImportRange, From: now.Add(-2 * day), To: now.Add(5 * day)}, PlanInput{},
			now.Add(-2 * day), now, 1, ""},
		{"range inverted", ImportRequest{Mode: ImportRange, From: now, To: now.Add(-day)}, PlanInput{}, time.Time{}, time.Time{}, 0, "終了日時は開始日時より後"},
		{"range missing", ImportRequest{Mode: ImportRange}, PlanInput{}, time.Time{}, time.Time{}, 0, "開始日時と終了日時"},
		{"range older than 2 years", ImportRequest{Mode: ImportRange, From: now.AddDate(-3, 0, 0), To: now.AddDate(-3, 0, 7)}, PlanInput{}, time.Time{}, time.Time{}, 0, "2年前まで"},
		{"hours 168 is one window", ImportRequest{Mode: ImportHours, Hours: 168}, PlanInput{}, now.Add(-168 * time.Hour), now, 1, ""},
		{"hours 3", ImportRequest{Mode: ImportHours, Hours: 3}, PlanInput{}, now.Add(-3 * time.Hour), now, 1, ""},
		{"hours 169 refused", ImportRequest{Mode: ImportHours, Hours: 169}, PlanInput{}, time.Time{}, time.Time{}, 0, "1〜168"},
		{"hours 0 refused", ImportRequest{Mode: ImportHours}, PlanInput{}, time.Time{}, time.Time{}, 0, "1〜168"},
		{"unknown mode", ImportRequest{Mode: "x"}, PlanInput{}, time.Time{}, time.Time{}, 0, "取得方法"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.Now = now
			p, err := PlanImport(tt.req, tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !p.From.Equal(tt.from) || !p.To.Equal(tt.to) {
				t.Fatalf("span = %s–%s, want %s–%s", p.From, p.To, tt.from, tt.to)
			}
			if len(p.Windows) != tt.windows {
				t.Fatalf("windows = %d, want %d: %v", len(p.Windows), tt.windows, p.Windows)
			}
			// Windows tile the span exactly, none longer than a week.
			at := p.From
			for _, w := range p.Windows {
				if !w.From.Equal(at) || w.To.Sub(w.From) > ImportWindowMax || !w.To.After(w.From) {
					t.Fatalf("bad window %v after %s", w, at)
				}
				at = w.To
			}
			if !at.Equal(p.To) {
				t.Fatalf("windows end at %s, want %s", at, p.To)
			}
		})
	}
}

func ptrTime(t time.Time) *time.Time { return &t }

func TestNextCursor(t *testing.T) {
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	w := ImportWindow{From: now.Add(-7 * 24 * time.Hour), To: now}
	if got := NextCursor(w); !got.Equal(w.To) {
		t.Errorf("cursor %s, want the window's end %s", got, w.To)
	}
	if ImportRange.AdvancesCursor() || ImportHours.AdvancesCursor() || !ImportDiff.AdvancesCursor() {
		t.Fatal("only diff runs move the cursor")
	}
}

func TestRecheckedSkips(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		want   bool
	}{
		{"waiting for the provisional tracking number", ReasonAwaitingTrackingNo, true},
		{"past the import statuses", "チャネルのステータス「cancelled」は取込対象ではないため取り込みません", false},
		{"skipped by a rule", "商品マスタに登録がない", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		if got := slices.Contains(RecheckedSkipReasons(), tt.reason); got != tt.want {
			t.Errorf("%s: re-checked %v, want %v", tt.name, got, tt.want)
		}
	}
	if ImportRange.RechecksSkips() || ImportHours.RechecksSkips() || !ImportDiff.RechecksSkips() {
		t.Fatal("only diff runs re-check skipped orders")
	}
}

func TestClassifyRakuten(t *testing.T) {
	rules := []PaymentStatusRule{
		{PaymentMethod: PaymentMethodDefault, Status: 300},
		{PaymentMethod: "2", Status: 100}, // COD ships at once
		{PaymentMethod: "9", Status: 200},
	}
	tests := []struct {
		progress, code string
		cancelled      bool
		want           ImportClass
	}{
		{"100", "1", false, ClassUnshipped},
		{"200", "1", false, ClassUnshipped},
		{"300", "1", false, ClassShipOrder},
		{"400", "1", false, ClassLater},
		{"500", "1", false, ClassLater},
		{"700", "1", false, ClassLater},
		{"900", "1", false, ClassLater},
		{"300", "1", true, ClassLater},
		{"100", "2", false, ClassShipOrder},
		{"200", "2", false, ClassShipOrder}, // moved past a 100 target before we saw it
		{"300", "2", false, ClassShipOrder},
		{"500", "2", false, ClassLater},
		{"100", "9", false, ClassUnshipped},
		{"200", "9", false, ClassShipOrder},
		{"100", "", false, ClassUnshipped},
		{"abc", "1", false, ClassLater},
	}
	for _, tt := range tests {
		if got := ClassifyRakuten(tt.progress, tt.code, tt.cancelled, rules); got != tt.want {
			t.Errorf("ClassifyRakuten(%s, %s, %v) = %s, want %s", tt.progress, tt.code, tt.cancelled, got.Label(), tt.want.Label())
		}
	}
	if got := RakutenTargetStatus("1", nil); got != 300 {
		t.Errorf("no rules: target %d, want 300", got)
	}
}

func TestClassifyAmazon(t *testing.T) {
	for s, want := range map[string]ImportClass{
		"Pending": ClassShipOrder, "PENDING": ClassShipOrder, "Unshipped": ClassShipOrder, "UNSHIPPED": ClassShipOrder,
		"PendingAvailability": ClassLater, "PENDING_AVAILABILITY": ClassLater, "Shipped": ClassLater,
		"Canceled": ClassLater, "CANCELLED": ClassLater, "PartiallyShipped": ClassLater,
	} {
		if got := ClassifyAmazon(s); got != want {
			t.Errorf("ClassifyAmazon(%s) = %s, want %s", s, got.Label(), want.Label())
		}
	}
	if !IsAmazonPending("PENDING") || IsAmazonPending("PENDING_AVAILABILITY") {
		t.Error("IsAmazonPending")
	}
}

func TestClassifyShopserve(t *testing.T) {
	tests := []struct {
		name              string
		status            string
		cancelled, noSlip bool
		want              ImportClass
	}{
		{"with its provisional tracking number", "unconfirmed", false, false, ClassShipOrder},
		{"without one: waits for the shop", "unconfirmed", false, true, ClassAwaitingTrackingNo},
		{"cancelled", "cancelled", true, false, ClassLater},
		{"cancelled without a number", "cancelled", true, true, ClassLater},
		// Seen again by number after the shop confirmed it: past import.
		{"confirmed with a number", "confirmed", false, false, ClassLater},
		{"confirmed without a number", "confirmed", false, true, ClassLater},
	}
	for _, tt := range tests {
		in := IncomingOrder{Marketplace: MarketplaceShopserve, Status: tt.status, Cancelled: tt.cancelled, TrackingNoMissing: tt.noSlip}
		if got := Classify(in, nil); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got.Label(), tt.want.Label())
		}
	}
	// Other marketplaces never wait for a tracking number.
	in := IncomingOrder{Marketplace: MarketplaceFutureshop, TrackingNoMissing: true}
	if got := Classify(in, nil); got != ClassShipOrder {
		t.Errorf("futureshop order: %s", got.Label())
	}
}

func TestImportRunRemaining(t *testing.T) {
	ws := []ImportWindow{{}, {}, {}}
	r := ImportRun{Windows: ws}
	r.Counts.WindowsDone = 2
	if got := len(r.Remaining()); got != 1 {
		t.Fatalf("remaining = %d, want 1", got)
	}
	r.Counts.WindowsDone = 3
	if r.Remaining() != nil {
		t.Fatal("a finished run has nothing left")
	}
}
