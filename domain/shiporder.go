package domain

import (
	"fmt"
	"strings"
	"time"
)

// Status (ステータス) is where a ship order stands in the warehouse (SPEC §2).
type Status string

const (
	StatusHold            Status = "hold"             // 保留
	StatusAwaitingPayment Status = "awaiting_payment" // 入金確認
	StatusReady           Status = "ready"            // 出荷待ち
	StatusAllocated       Status = "allocated"        // 引当済
	StatusShipped         Status = "shipped"          // 出荷済み
	StatusCancelled       Status = "cancelled"        // キャンセル
	StatusReturned        Status = "returned"         // 返品
)

// Statuses lists the warehouse statuses in life-cycle order, side exits last.
var Statuses = []Status{StatusHold, StatusAwaitingPayment, StatusReady, StatusAllocated, StatusShipped, StatusCancelled, StatusReturned}

var statusLabels = map[Status]string{
	StatusHold: "保留", StatusAwaitingPayment: "入金確認", StatusReady: "出荷待ち",
	StatusAllocated: "引当済", StatusShipped: "出荷済み", StatusCancelled: "キャンセル", StatusReturned: "返品",
}

// Label is the Japanese name shown to operators.
func (s Status) Label() string {
	if l, ok := statusLabels[s]; ok {
		return l
	}
	return string(s)
}

// Valid reports whether s is one of Statuses.
func (s Status) Valid() bool { _, ok := statusLabels[s]; return ok }

// BeforeShipping is "保留〜出荷待ち" of the seeds: the statuses in which the
// channel may still change the order and status sync applies.
func (s Status) BeforeShipping() bool {
	return s == StatusHold || s == StatusAwaitingPayment || s == StatusReady
}

// ParseStatus accepts the code or the Japanese label.
func ParseStatus(v string) (Status, bool) {
	v = strings.TrimSpace(v)
	for s, l := range statusLabels {
		if v == string(s) || v == l {
			return s, true
		}
	}
	return "", false
}

// ApiStatus (APIステータス) is where a ship order stands in the round-trip with its channel.
type ApiStatus string

const (
	ApiUnlinked         ApiStatus = "unlinked"          // 未連携
	ApiAwaitingLabel    ApiStatus = "awaiting_label"    // 印刷待ち
	ApiLabelPrinted     ApiStatus = "label_printed"     // 印刷済み
	ApiTrackingReturned ApiStatus = "tracking_returned" // 問番戻し
	ApiShipped          ApiStatus = "shipped"           // 出荷済み
	ApiCompleted        ApiStatus = "completed"         // 取引完了
)

// ApiStatuses lists the API statuses in round-trip order.
var ApiStatuses = []ApiStatus{ApiUnlinked, ApiAwaitingLabel, ApiLabelPrinted, ApiTrackingReturned, ApiShipped, ApiCompleted}

var apiStatusLabels = map[ApiStatus]string{
	ApiUnlinked: "未連携", ApiAwaitingLabel: "印刷待ち", ApiLabelPrinted: "印刷済み",
	ApiTrackingReturned: "問番戻し", ApiShipped: "出荷済み", ApiCompleted: "取引完了",
}

// Label is the Japanese name shown to operators.
func (s ApiStatus) Label() string {
	if l, ok := apiStatusLabels[s]; ok {
		return l
	}
	return string(s)
}

// Valid reports whether s is one of ApiStatuses.
func (s ApiStatus) Valid() bool { _, ok := apiStatusLabels[s]; return ok }

// PaymentStatus (入金ステータス): a ship order is paid when it is 入金済み.
type PaymentStatus string

const (
	PaymentUnpaid PaymentStatus = "unpaid" // 未入金
	PaymentPaid   PaymentStatus = "paid"   // 入金済み
)

// PaymentStatuses lists the payment statuses for filters.
var PaymentStatuses = []PaymentStatus{PaymentUnpaid, PaymentPaid}

// Label is the Japanese name shown to operators.
func (p PaymentStatus) Label() string {
	switch p {
	case PaymentPaid:
		return "入金済み"
	case PaymentUnpaid:
		return "未入金"
	}
	return string(p)
}

// Valid reports whether p is one of PaymentStatuses.
func (p PaymentStatus) Valid() bool { return p == PaymentPaid || p == PaymentUnpaid }

// Party is a buyer (注文者) or a recipient (送付先).
type Party struct {
	Name       string `json:"name"`
	Kana       string `json:"kana,omitempty"`
	PostalCode string `json:"postal_code,omitempty"`
	Prefecture string `json:"prefecture,omitempty"`
	Address    string `json:"address,omitempty"`
	Phone      string `json:"phone,omitempty"`
	Email      string `json:"email,omitempty"`
}

// HasAddress reports whether the party can be shipped to; Amazon sometimes
// sends orders without the address (USER-NEEDS §4).
func (p Party) HasAddress() bool {
	return strings.TrimSpace(p.Name) != "" && strings.TrimSpace(p.PostalCode) != "" && strings.TrimSpace(p.Address) != ""
}

// ShipOrderLine is one line (明細) of a ship order.
type ShipOrderLine struct {
	LineNo     int    `json:"line_no" db:"line_no"`
	ItemCode   string `json:"item_code" db:"item_code"`     // channel item code
	OptionCode string `json:"option_code" db:"option_code"` // channel option code, "" for single items
	SKU        string `json:"sku" db:"sku"`                 // our SKU, "" when not mapped
	Name       string `json:"name" db:"name"`
	Quantity   int    `json:"quantity" db:"quantity"`
	UnitPrice  int64  `json:"unit_price" db:"unit_price"` // minor units of the order currency
}

// RuleEffect records what a conversion robot or a rule did to an order and
// why; the ship order page lists them ("the rules that acted and why").
type RuleEffect struct {
	RuleID   int64  `json:"rule_id,omitempty"`
	RuleName string `json:"rule_name"`
	Action   string `json:"action"` // Japanese description of the action taken
	Reason   string `json:"reason,omitempty"`
}

// ShipOrder (出荷指示) is an order imported from a channel, to be shipped.
type ShipOrder struct {
	ID              int64
	ConnectionID    int64
	Marketplace     Marketplace
	ChannelOrderNo  string
	ChannelStatus   string // the marketplace's own status (楽天 300, Amazon Unshipped…)
	ImportMappingID int64
	ImportRunID     int64

	Status        Status
	ApiStatus     ApiStatus
	PaymentStatus PaymentStatus
	HoldReason    string // why it is on 保留; "" when it is not held for a reason
	// HoldSource says who held it: HoldByImport (conversion robot or rule,
	// re-evaluated when the cause is fixed) or HoldByUser (stays until released).
	HoldSource string
	// StockShortage is why the last allocation left it 出荷待ち
	// (「在庫不足: SKU-… あとN個」), "" otherwise.
	StockShortage string

	// ChannelPaid and CreditApproved are what the channel said about payment;
	// standard rule 3 turns them into PaymentStatus.
	ChannelPaid    bool
	CreditApproved bool

	OrderedAt    time.Time
	ShipDate     *time.Time // 出荷日, set by the warehouse
	DeliveryDate string     // requested delivery date, YYYY-MM-DD or ""
	TimeSlot     string

	Buyer     Party
	Recipient Party

	DeliveryName      string // the channel's delivery-method name
	DeliveryServiceID *int64
	PaymentName       string // the channel's payment name
	PaymentMethodID   *int64
	PaymentKind       PaymentKind
	ShipFromID        *int64

	Currency    string
	TotalAmount int64 // minor units
	TrackingNo  string
	Placeholder bool // Amazon Pending: buyer/recipient/payment are placeholders

	Lines   []ShipOrderLine
	Effects []RuleEffect

	CreatedAt time.Time
	UpdatedAt time.Time
}

// Paid reports whether the order counts as paid.
func (o ShipOrder) Paid() bool { return o.PaymentStatus == PaymentPaid }

// SKUs lists the distinct SKUs of the order's lines ("" for unmapped lines is kept out).
func (o ShipOrder) SKUs() []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range o.Lines {
		if l.SKU != "" && !seen[l.SKU] {
			seen[l.SKU] = true
			out = append(out, l.SKU)
		}
	}
	return out
}

// Who put an order on 保留.
const (
	HoldByImport = "import"
	HoldByUser   = "user"
)

// Hold puts the order on 保留 with a reason, keeping earlier reasons so an
// operator sees everything to fix at once.
func (o *ShipOrder) Hold(source, reason string) {
	o.Status = StatusHold
	if o.HoldSource != HoldByUser {
		o.HoldSource = source
	}
	if reason == "" || strings.Contains(o.HoldReason, reason) {
		return
	}
	if o.HoldReason != "" {
		o.HoldReason += " / "
	}
	o.HoldReason += reason
}

// Event kinds of the ship-order history.
const (
	EventCreated       = "created"        // 取込
	EventUpdated       = "updated"        // 再取込で更新
	EventStatusChanged = "status_changed" // ステータス変更
	EventHeld          = "held"           // 保留
	EventReleased      = "released"       // 保留解除
	EventRule          = "rule"           // 処理ロボット
)

// ShipOrderEvent is one row of a ship order's history: who or what changed
// what, when.
type ShipOrderEvent struct {
	ID          int64     `db:"id"`
	ShipOrderID int64     `db:"ship_order_id"`
	At          time.Time `db:"at"`
	Actor       string    `db:"actor"` // "取込", "処理ロボット:名前", user name…
	Kind        string    `db:"kind"`
	Message     string    `db:"message"`
}

// Change is one field a re-import changed.
type Change struct {
	Field string // Japanese label
	From  string
	To    string
}

func (c Change) String() string { return fmt.Sprintf("%s: %s → %s", c.Field, c.From, c.To) }

// MergeReimport applies a re-imported version of an order to the stored
// one. Only what the channel may still change is taken: its status and
// payment facts always; buyer, recipient, payment and lines only while the
// order has not reached 引当済 (the warehouse has not started on it). Our
// own decisions (status, delivery service chosen by a rule, tracking) stay.
func MergeReimport(cur, in ShipOrder) (ShipOrder, []Change) {
	out := cur
	var ch []Change
	setS := func(label string, dst *string, v string) {
		if *dst != v {
			ch = append(ch, Change{label, *dst, v})
			*dst = v
		}
	}
	setB := func(label string, dst *bool, v bool) {
		if *dst != v {
			ch = append(ch, Change{label, yesNo(*dst), yesNo(v)})
			*dst = v
		}
	}
	setS("チャネルステータス", &out.ChannelStatus, in.ChannelStatus)
	setB("チャネル入金", &out.ChannelPaid, in.ChannelPaid)
	setB("与信OK", &out.CreditApproved, in.CreditApproved)
	if !cur.Status.BeforeShipping() {
		return out, ch
	}
	if in.Placeholder && !cur.Placeholder {
		// A stale Pending copy must not overwrite details we already have.
		return out, ch
	}
	if out.Buyer != in.Buyer {
		ch = append(ch, Change{"注文者", out.Buyer.Name, in.Buyer.Name})
		out.Buyer = in.Buyer
	}
	if out.Recipient != in.Recipient {
		ch = append(ch, Change{"送付先", partyLine(out.Recipient), partyLine(in.Recipient)})
		out.Recipient = in.Recipient
	}
	setS("支払方法(チャネル)", &out.PaymentName, in.PaymentName)
	if in.PaymentMethodID != nil && !eqID(out.PaymentMethodID, in.PaymentMethodID) {
		ch = append(ch, Change{"支払方法", idStr(out.PaymentMethodID), idStr(in.PaymentMethodID)})
		out.PaymentMethodID, out.PaymentKind = in.PaymentMethodID, in.PaymentKind
	}
	if out.DeliveryServiceID == nil && in.DeliveryServiceID != nil {
		ch = append(ch, Change{"配送サービス", "", idStr(in.DeliveryServiceID)})
		out.DeliveryServiceID = in.DeliveryServiceID
	}
	setS("配送方法(チャネル)", &out.DeliveryName, in.DeliveryName)
	setS("お届け希望日", &out.DeliveryDate, in.DeliveryDate)
	setS("配送時間帯", &out.TimeSlot, in.TimeSlot)
	if out.TotalAmount != in.TotalAmount {
		ch = append(ch, Change{"合計金額", fmt.Sprint(out.TotalAmount), fmt.Sprint(in.TotalAmount)})
		out.TotalAmount = in.TotalAmount
	}
	if !sameLines(out.Lines, in.Lines) {
		ch = append(ch, Change{"明細", fmt.Sprintf("%d行", len(out.Lines)), fmt.Sprintf("%d行", len(in.Lines))})
		out.Lines = in.Lines
	}
	setB("仮登録", &out.Placeholder, in.Placeholder)
	return out, ch
}

func sameLines(a, b []ShipOrderLine) bool {
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

func partyLine(p Party) string {
	return strings.TrimSpace(p.Name + " " + p.PostalCode + " " + p.Prefecture + p.Address)
}

func yesNo(b bool) string {
	if b {
		return "はい"
	}
	return "いいえ"
}

func eqID(a, b *int64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

func idStr(p *int64) string {
	if p == nil {
		return ""
	}
	return fmt.Sprint(*p)
}
