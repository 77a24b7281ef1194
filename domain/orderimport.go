package domain

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ImportMode is one of the three ways of SPEC §4 to run 出荷指示取込.
type ImportMode string

const (
	ImportDiff  ImportMode = "diff"  // 差分取得
	ImportRange ImportMode = "range" // 範囲指定取得
	ImportHours ImportMode = "hours" // 時間指定取得
)

// ImportModes in the order the page shows them.
var ImportModes = []ImportMode{ImportDiff, ImportRange, ImportHours}

// Label is the Japanese name shown to operators.
func (m ImportMode) Label() string {
	switch m {
	case ImportDiff:
		return "差分取得"
	case ImportRange:
		return "範囲指定取得"
	case ImportHours:
		return "時間指定取得"
	}
	return string(m)
}

// Valid reports whether m is one of ImportModes.
func (m ImportMode) Valid() bool { return m == ImportDiff || m == ImportRange || m == ImportHours }

const (
	// ImportWindowMax: every request window is at most one week (SPEC §4).
	ImportWindowMax = 7 * 24 * time.Hour
	// FirstImportLookback: a first diff run takes the last 7 days.
	FirstImportLookback = 7 * 24 * time.Hour
	// MaxImportHours bounds 時間指定取得 to one week.
	MaxImportHours = 168
	// CursorOverlap re-reads a few minutes before the cursor: channels
	// index orders late and clocks differ (USER-NEEDS §5); the unique key
	// makes the overlap harmless.
	CursorOverlap = 5 * time.Minute
	// RangeMaxAge: Shopserve allows ranges up to 2 years back; Rakuten and
	// Amazon keep orders for about as long (730 days).
	RangeMaxAge = 730 * 24 * time.Hour
	// DefaultRakutenFetchDays is used when the connection has no 出荷指示取得期間.
	DefaultRakutenFetchDays = 7
)

// ImportRequest is what the operator (or a scheduled job) asked for.
type ImportRequest struct {
	Mode  ImportMode
	From  time.Time // 範囲指定取得
	To    time.Time // 範囲指定取得
	Hours int       // 時間指定取得
}

// ImportWindow is one request window [From, To).
type ImportWindow struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// ImportPlan is the span of an import and its windows, oldest first.
type ImportPlan struct {
	Mode    ImportMode
	From    time.Time
	To      time.Time
	Windows []ImportWindow
}

// PlanInput is the connection state a plan depends on.
type PlanInput struct {
	Marketplace      Marketplace
	Cursor           *time.Time // end of the last committed diff window; nil on a first run
	RakutenFetchDays int        // 出荷指示取得期間 (1–64)
	Now              time.Time
}

// PlanImport turns a request into windows of at most a week.
func PlanImport(req ImportRequest, in PlanInput) (ImportPlan, error) {
	now := in.Now
	var from, to time.Time
	switch req.Mode {
	case ImportDiff:
		to = now
		switch {
		case in.Marketplace == MarketplaceRakuten:
			// Rakuten orders reach the target status days after they were
			// placed, so a diff run re-reads the last 出荷指示取得期間 days
			// instead of starting at the cursor.
			days := in.RakutenFetchDays
			if days < 1 || days > 64 {
				days = DefaultRakutenFetchDays
			}
			from = now.AddDate(0, 0, -days)
		case in.Cursor == nil:
			from = now.Add(-FirstImportLookback)
		default:
			from = in.Cursor.Add(-CursorOverlap)
		}
	case ImportRange:
		from, to = req.From, req.To
		if from.IsZero() || to.IsZero() {
			return ImportPlan{}, errors.New("範囲指定取得の開始日時と終了日時を入力してください。")
		}
		if !to.After(from) {
			return ImportPlan{}, errors.New("範囲指定取得の終了日時は開始日時より後にしてください。")
		}
		if from.Before(now.Add(-RangeMaxAge)) {
			return ImportPlan{}, errors.New("範囲指定取得は2年前までです。開始日時を2年以内にしてください。")
		}
		if to.After(now) {
			to = now
		}
		if !to.After(from) {
			return ImportPlan{}, errors.New("範囲指定取得の開始日時が未来です。現在より前の日時を入力してください。")
		}
	case ImportHours:
		if req.Hours < 1 || req.Hours > MaxImportHours {
			return ImportPlan{}, fmt.Errorf("時間指定取得の時間は1〜%d（1週間）で入力してください。", MaxImportHours)
		}
		to = now
		from = now.Add(-time.Duration(req.Hours) * time.Hour)
	default:
		return ImportPlan{}, errors.New("取得方法を 差分取得・範囲指定取得・時間指定取得 から選んでください。")
	}
	p := ImportPlan{Mode: req.Mode, From: from, To: to}
	for start := from; start.Before(to); {
		end := start.Add(ImportWindowMax)
		if end.After(to) {
			end = to
		}
		p.Windows = append(p.Windows, ImportWindow{From: start, To: end})
		start = end
	}
	return p, nil
}

// AdvancesCursor reports whether committing a window of this mode moves
// the connection's diff cursor: only diff runs do, so a range over the
// past never winds it back.
func (m ImportMode) AdvancesCursor() bool { return m == ImportDiff }

// NextCursor is the diff cursor after committing window w (the store
// never moves it backwards). It is never held at an order that waits for
// the shop: those are re-checked by number (RechecksSkips), so a diff run
// reads only the time since the last one.
func NextCursor(w ImportWindow) time.Time { return w.To }

// RechecksSkips reports whether a run of this mode, after its windows,
// fetches again by number the skipped orders that wait for the shop
// (RecheckedSkipReasons): diff runs do, as they run every few minutes.
func (m ImportMode) RechecksSkips() bool { return m == ImportDiff }

// RecheckedSkipReasons are the reasons of the open skips a diff run
// fetches again by number: only an order waiting for the shop to enter
// something (ReasonAwaitingTrackingNo) can become one to import without
// anyone in Renkei acting; the other reasons need a fix in Renkei and 再評価.
func RecheckedSkipReasons() []string { return []string{ReasonAwaitingTrackingNo} }

// ImportClass is what an import does with a fetched channel order.
type ImportClass int

const (
	// ClassShipOrder: create or update the ship order.
	ClassShipOrder ImportClass = iota
	// ClassUnshipped: Rakuten order before its target status, kept as 未出荷
	// (it reserves stock) but not a ship order yet.
	ClassUnshipped
	// ClassLater: past the import statuses; never creates a ship order but
	// refreshes one that exists (its channel status moved on).
	ClassLater
	// ClassAwaitingTrackingNo: a Shopserve order in 未確認 the shop has not
	// given its provisional 問い合わせ番号 yet (SPEC §4 imports only those
	// that carry one). Listed as skipped, and fetched again by number by
	// every diff run (RecheckedSkipReasons) until it has one or leaves 未確認.
	ClassAwaitingTrackingNo
)

// ReasonAwaitingTrackingNo is the スキップ一覧 reason of ClassAwaitingTrackingNo.
// Diff runs find the skips to re-check by this text (RecheckedSkipReasons):
// changing it needs the stored import_skips.reason rows migrated too.
const ReasonAwaitingTrackingNo = "仮の問い合わせ番号（送り状番号）が未登録のため取り込みません。ショップサーブで登録後、次回の差分取得で取り込まれます"

// Label for counts and logs.
func (c ImportClass) Label() string {
	switch c {
	case ClassShipOrder:
		return "出荷指示"
	case ClassUnshipped:
		return "未出荷"
	case ClassAwaitingTrackingNo:
		return "問い合わせ番号待ち"
	}
	return "対象外"
}

// Classify sorts a fetched order by its marketplace's import rule.
func Classify(in IncomingOrder, rakutenTargets []PaymentStatusRule) ImportClass {
	switch in.Marketplace {
	case MarketplaceRakuten:
		return ClassifyRakuten(in.Status, in.PaymentCode, in.Cancelled, rakutenTargets)
	case MarketplaceAmazon:
		return ClassifyAmazon(in.Status)
	case MarketplaceShopserve:
		return ClassifyShopserve(in.Status, in.Cancelled, in.TrackingNoMissing)
	}
	if in.Cancelled {
		return ClassLater
	}
	return ClassShipOrder
}

// RakutenTargetStatus is the 連携対象支払方法ステータス for a Rakuten
// settlement code: its own row, else the mandatory デフォルト row, else 300.
func RakutenTargetStatus(paymentCode string, rules []PaymentStatusRule) int {
	def := RakutenStatusWaitingShipment
	for _, r := range rules {
		if r.PaymentMethod == paymentCode && paymentCode != "" {
			return r.Status
		}
		if r.PaymentMethod == PaymentMethodDefault {
			def = r.Status
		}
	}
	return def
}

// ClassifyRakuten: before the target status = 未出荷, at it = ship order,
// later (400 変更確定待ち onwards, cancellations) = ignored for creation.
func ClassifyRakuten(progress, paymentCode string, cancelled bool, rules []PaymentStatusRule) ImportClass {
	p, err := strconv.Atoi(strings.TrimSpace(progress))
	if err != nil || cancelled {
		return ClassLater
	}
	target := RakutenTargetStatus(paymentCode, rules)
	switch {
	case p < target:
		return ClassUnshipped
	case p == target:
		return ClassShipOrder
	case p <= RakutenStatusWaitingShipment:
		// Target 100 or 200 and the order has moved on to 300 before we saw
		// it: it is still waiting to ship, so it is a ship order.
		return ClassShipOrder
	}
	return ClassLater
}

// ShopserveStatusUnconfirmed is Shopserve's order_status 未確認, the only
// one imported: confirmed orders were taken already (seed).
const ShopserveStatusUnconfirmed = "unconfirmed"

// ClassifyShopserve: only 未確認 orders are imported. A window's search
// asks for those alone, but an order re-checked by number (RechecksSkips)
// may have been cancelled or confirmed in the shop meanwhile: it is past
// import, with or without a number, and is re-checked no more. Of the
// 未確認 ones, those with a provisional 問い合わせ番号 on every
// destination are ship orders, the others wait for the shop.
func ClassifyShopserve(status string, cancelled, trackingNoMissing bool) ImportClass {
	switch {
	case cancelled, status != ShopserveStatusUnconfirmed:
		return ClassLater
	case trackingNoMissing:
		return ClassAwaitingTrackingNo
	}
	return ClassShipOrder
}

// amazonStatus folds the two spellings (Orders v0 "Unshipped", v2026
// "UNSHIPPED") into one.
func amazonStatus(s string) string {
	return strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), "_", ""))
}

// IsAmazonPending: placed, payment not authorised, PII hidden.
func IsAmazonPending(s string) bool { return amazonStatus(s) == "PENDING" }

// ClassifyAmazon imports Pending and Unshipped (amazon seed 【連携対象】).
func ClassifyAmazon(status string) ImportClass {
	switch amazonStatus(status) {
	case "PENDING", "UNSHIPPED":
		return ClassShipOrder
	}
	return ClassLater
}

// ImportCounts are a run's figures, shown live and in タスク一覧.
type ImportCounts struct {
	WindowsTotal int `db:"windows_total" json:"windows_total"`
	WindowsDone  int `db:"windows_done" json:"windows_done"`
	Fetched      int `db:"fetched" json:"fetched"`
	Created      int `db:"created" json:"created"`
	Updated      int `db:"updated" json:"updated"`
	Unchanged    int `db:"unchanged" json:"unchanged"`
	Unshipped    int `db:"unshipped" json:"unshipped"`
	Skipped      int `db:"skipped" json:"skipped"`
	Held         int `db:"held" json:"held"`
	Errors       int `db:"errors" json:"errors"`
}

// Add sums counts (a window's into the run's).
func (c *ImportCounts) Add(o ImportCounts) {
	c.WindowsDone += o.WindowsDone
	c.Fetched += o.Fetched
	c.Created += o.Created
	c.Updated += o.Updated
	c.Unchanged += o.Unchanged
	c.Unshipped += o.Unshipped
	c.Skipped += o.Skipped
	c.Held += o.Held
	c.Errors += o.Errors
}

// ImportRunState is where a run stands.
type ImportRunState string

const (
	ImportRunning   ImportRunState = "running"   // 実行中
	ImportDone      ImportRunState = "done"      // 完了
	ImportFailed    ImportRunState = "failed"    // エラー
	ImportCancelled ImportRunState = "cancelled" // 中断
	// ImportMaintenance: the marketplace said it is in maintenance. Not an
	// error of Renkei or of the settings: what was committed stays, and the
	// next run (button or robot tick) resumes at the first window left.
	ImportMaintenance ImportRunState = "maintenance" // メンテナンスのため中断
)

// Label is the Japanese name shown in タスク一覧.
func (s ImportRunState) Label() string {
	switch s {
	case ImportRunning:
		return "実行中"
	case ImportDone:
		return "完了"
	case ImportFailed:
		return "エラー"
	case ImportCancelled:
		return "中断"
	case ImportMaintenance:
		return "メンテナンスのため中断"
	}
	return string(s)
}

// Finished reports whether the run will not move any more.
func (s ImportRunState) Finished() bool { return s != ImportRunning }

// ImportRun is one execution of 出荷指示取込 for a connection. Its windows
// are saved with it so a stopped run resumes at the first window not
// committed.
type ImportRun struct {
	ID           int64
	ConnectionID int64
	Mode         ImportMode
	From, To     time.Time
	Windows      []ImportWindow
	State        ImportRunState
	Counts       ImportCounts
	Message      string // why it stopped, in Japanese (failed, cancelled, maintenance)
	StartedAt    time.Time
	FinishedAt   *time.Time
	Trigger      string // "手動" or the sync job's name
}

// Remaining are the windows not yet committed.
func (r ImportRun) Remaining() []ImportWindow {
	if r.Counts.WindowsDone >= len(r.Windows) {
		return nil
	}
	return r.Windows[r.Counts.WindowsDone:]
}

// SkippedOrder is a channel order that did not become a ship order, kept
// with its reason and the order itself so it can be re-evaluated.
type SkippedOrder struct {
	ID             int64
	ConnectionID   int64
	ChannelOrderNo string
	RunID          int64
	Reason         string
	RuleName       string
	Order          IncomingOrder
	SkippedAt      time.Time
	ResolvedAt     *time.Time
}
