package domain

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// StandardRule names one of the five standard 処理ロボット of SPEC §5; ""
// marks a rule an operator made from conditions and an action.
type StandardRule string

const (
	RuleSkipUnknownSKU   StandardRule = "skip_unknown_sku"
	RuleSkipDuplicate    StandardRule = "skip_duplicate"
	RuleCheckPayment     StandardRule = "check_payment"
	RuleUnpaidToAwaiting StandardRule = "unpaid_to_awaiting_payment"
	RulePaidToReady      StandardRule = "paid_to_ready"
)

// StandardRules in the order they are applied.
var StandardRules = []StandardRule{RuleSkipUnknownSKU, RuleSkipDuplicate, RuleCheckPayment, RuleUnpaidToAwaiting, RulePaidToReady}

// Label is the rule's name as the seeds spell it.
func (s StandardRule) Label() string {
	switch s {
	case RuleSkipUnknownSKU:
		return "商品マスタ登録がない場合注文を取り込みしない"
	case RuleSkipDuplicate:
		return "同一注文番号を取り込まない(重複注文のみ)"
	case RuleCheckPayment:
		return "出荷指示取込み時入金ステータス確認"
	case RuleUnpaidToAwaiting:
		return "未入金の注文を保留(入金確認)に振り分け"
	case RulePaidToReady:
		return "入金済みかつ、エラーが無くなったら出荷待ちへ移動"
	}
	return string(s)
}

// CondField is what a condition looks at.
type CondField string

const (
	CondChannel         CondField = "channel"          // 販売チャネル (connection id)
	CondMarketplace     CondField = "marketplace"      // モール
	CondStatus          CondField = "status"           // ステータス
	CondPaymentMethod   CondField = "payment_method"   // 支払方法 (id)
	CondPaymentKind     CondField = "payment_kind"     // 支払種別
	CondPaid            CondField = "paid"             // 入金済み (true/false)
	CondAmount          CondField = "amount"           // 合計金額
	CondSKU             CondField = "sku"              // 明細の商品コード
	CondDeliveryService CondField = "delivery_service" // 配送サービス (id, "" = 未設定)
	CondPrefecture      CondField = "prefecture"       // 送付先の都道府県
)

// CondFields in the order the rule form offers them.
var CondFields = []CondField{CondChannel, CondMarketplace, CondStatus, CondPaymentMethod, CondPaymentKind, CondPaid, CondAmount, CondSKU, CondDeliveryService, CondPrefecture}

// Label is the Japanese name of the field.
func (f CondField) Label() string {
	switch f {
	case CondChannel:
		return "販売チャネル"
	case CondMarketplace:
		return "モール"
	case CondStatus:
		return "ステータス"
	case CondPaymentMethod:
		return "支払方法"
	case CondPaymentKind:
		return "支払種別"
	case CondPaid:
		return "入金済み"
	case CondAmount:
		return "合計金額"
	case CondSKU:
		return "商品コード"
	case CondDeliveryService:
		return "配送サービス"
	case CondPrefecture:
		return "送付先都道府県"
	}
	return string(f)
}

// CondOp compares a field with the condition's value.
type CondOp string

const (
	OpEq    CondOp = "eq"     // と等しい (SKU: どれかの明細が)
	OpNe    CondOp = "ne"     // と等しくない (SKU: どの明細も)
	OpIn    CondOp = "in"     // のいずれか (comma-separated)
	OpNotIn CondOp = "not_in" // のいずれでもない
	OpGte   CondOp = "gte"    // 以上 (amount)
	OpLte   CondOp = "lte"    // 以下 (amount)
)

// Label is the Japanese name of the operator.
func (o CondOp) Label() string {
	switch o {
	case OpEq:
		return "と等しい"
	case OpNe:
		return "と等しくない"
	case OpIn:
		return "のいずれか"
	case OpNotIn:
		return "のいずれでもない"
	case OpGte:
		return "以上"
	case OpLte:
		return "以下"
	}
	return string(o)
}

// Condition is one test on a ship order; a rule's conditions all must hold.
type Condition struct {
	Field CondField `json:"field"`
	Op    CondOp    `json:"op"`
	Value string    `json:"value"`
}

// ActionKind is what a custom rule does to a matching order.
type ActionKind string

const (
	ActSetStatus   ActionKind = "set_status"   // ステータスを変更
	ActSetDelivery ActionKind = "set_delivery" // 配送サービスを設定
	ActHold        ActionKind = "hold"         // 理由を付けて保留
	ActSkip        ActionKind = "skip"         // 理由を付けて取り込まない
)

// Label is the Japanese name of the action.
func (a ActionKind) Label() string {
	switch a {
	case ActSetStatus:
		return "ステータスを変更"
	case ActSetDelivery:
		return "配送サービスを設定"
	case ActHold:
		return "理由を付けて保留"
	case ActSkip:
		return "理由を付けて取り込まない"
	}
	return string(a)
}

// Action of a custom rule.
type Action struct {
	Kind              ActionKind `json:"kind"`
	Status            Status     `json:"status,omitempty"`
	DeliveryServiceID int64      `json:"delivery_service_id,omitempty"`
	DeliveryName      string     `json:"delivery_name,omitempty"` // for messages
	Reason            string     `json:"reason,omitempty"`
}

// Rule (処理ロボット) is a standard rule or conditions → action, applied in
// Position order to the orders of the conversion robots it is applied to.
type Rule struct {
	ID         int64
	Name       string
	Standard   StandardRule
	Enabled    bool
	Position   int
	StopAfter  bool    // when it acts, the rules after it are not applied
	MappingIDs []int64 // 適用する変換ロボット
	Conditions []Condition
	Action     Action
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// AppliesTo reports whether the rule runs for orders of conversion robot mappingID.
func (r Rule) AppliesTo(mappingID int64) bool {
	return r.Enabled && slices.Contains(r.MappingIDs, mappingID)
}

// Caps on a rule's free text, like every other field's.
const (
	MaxConditionValue = 2000 // a list of values, one per line
	MaxRuleReason     = 200
)

// Validate checks a rule an operator made.
func (r Rule) Validate() map[string]string {
	errs := map[string]string{}
	if n := len([]rune(strings.TrimSpace(r.Name))); n == 0 || n > 100 {
		errs["処理ロボット名"] = "処理ロボット名を100文字以内で入力してください。"
	}
	if r.Standard != "" {
		if !slices.Contains(StandardRules, r.Standard) {
			errs["標準ルール"] = "標準の処理ロボットの種類が不正です。"
		}
		return errs
	}
	for i, c := range r.Conditions {
		if msg := c.validate(); msg != "" {
			errs[fmt.Sprintf("条件%d", i+1)] = fmt.Sprintf("条件%d行目: %s", i+1, msg)
		}
	}
	switch r.Action.Kind {
	case ActSetStatus:
		if !r.Action.Status.Valid() || !r.Action.Status.BeforeShipping() {
			errs["アクション"] = "変更先のステータスを 保留・入金確認・出荷待ち から選んでください。"
		}
	case ActSetDelivery:
		if r.Action.DeliveryServiceID == 0 {
			errs["アクション"] = "設定する配送サービスを選んでください。"
		}
	case ActHold, ActSkip:
		switch reason := strings.TrimSpace(r.Action.Reason); {
		case reason == "":
			errs["アクション"] = "保留・取り込まない理由を入力してください（出荷リストに表示されます）。"
		case !ValidText(reason):
			errs["アクション"] = "理由に" + MsgInvalidChars + "。"
		case utf8.RuneCountInString(reason) > MaxRuleReason:
			errs["アクション"] = fmt.Sprintf("理由は%d文字以内で入力してください。", MaxRuleReason)
		}
	default:
		errs["アクション"] = "アクションを選んでください。"
	}
	return errs
}

func (c Condition) validate() string {
	if !slices.Contains(CondFields, c.Field) {
		return "項目を選んでください。"
	}
	switch c.Op {
	case OpEq, OpNe, OpIn, OpNotIn:
	case OpGte, OpLte:
		if c.Field != CondAmount {
			return "以上・以下は合計金額にだけ使えます。"
		}
	default:
		return "比較方法を選んでください。"
	}
	switch {
	case !ValidText(c.Value):
		return "値に" + MsgInvalidChars + "。"
	case utf8.RuneCountInString(c.Value) > MaxConditionValue:
		return fmt.Sprintf("値は%d文字以内で入力してください。", MaxConditionValue)
	}
	for _, v := range c.values() {
		switch c.Field {
		case CondAmount, CondChannel, CondPaymentMethod:
			if _, err := strconv.ParseInt(v, 10, 64); err != nil {
				return fmt.Sprintf("%sの値「%s」は数字で入力してください。", c.Field.Label(), v)
			}
		case CondPaid:
			if v != "true" && v != "false" {
				return "入金済みの値は true か false にしてください。"
			}
		case CondStatus:
			if _, ok := ParseStatus(v); !ok {
				return fmt.Sprintf("ステータス「%s」はありません。", v)
			}
		case CondPaymentKind:
			if _, ok := PaymentKindFromLabel(v); !ok {
				return fmt.Sprintf("支払種別「%s」はありません。", v)
			}
		}
	}
	if len(c.values()) == 0 && c.Field != CondDeliveryService {
		return "値を入力してください。"
	}
	return ""
}

func (c Condition) values() []string {
	if c.Op != OpIn && c.Op != OpNotIn {
		if v := strings.TrimSpace(c.Value); v != "" {
			return []string{v}
		}
		return nil
	}
	var out []string
	for _, v := range strings.Split(c.Value, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// Match reports whether the order meets the condition.
func (c Condition) Match(o ShipOrder) bool {
	vals := c.values()
	if c.Field == CondAmount {
		n, _ := strconv.ParseInt(strings.TrimSpace(c.Value), 10, 64)
		switch c.Op {
		case OpGte:
			return o.TotalAmount >= n
		case OpLte:
			return o.TotalAmount <= n
		}
	}
	if c.Field == CondSKU {
		any := slices.ContainsFunc(o.Lines, func(l ShipOrderLine) bool { return slices.Contains(vals, l.SKU) })
		if c.Op == OpNe || c.Op == OpNotIn {
			return !any
		}
		return any
	}
	got := c.fieldValue(o)
	in := slices.Contains(vals, got) || (len(vals) == 0 && got == "")
	if c.Field == CondStatus || c.Field == CondPaymentKind {
		// Accept labels as well as codes in what operators typed.
		in = slices.ContainsFunc(vals, func(v string) bool {
			if s, ok := ParseStatus(v); ok && c.Field == CondStatus {
				return string(s) == got
			}
			if k, ok := PaymentKindFromLabel(v); ok && c.Field == CondPaymentKind {
				return string(k) == got
			}
			return false
		})
	}
	if c.Op == OpNe || c.Op == OpNotIn {
		return !in
	}
	return in
}

func (c Condition) fieldValue(o ShipOrder) string {
	switch c.Field {
	case CondChannel:
		return strconv.FormatInt(o.ConnectionID, 10)
	case CondMarketplace:
		return string(o.Marketplace)
	case CondStatus:
		return string(o.Status)
	case CondPaymentMethod:
		return idStr(o.PaymentMethodID)
	case CondPaymentKind:
		return string(o.PaymentKind)
	case CondPaid:
		return strconv.FormatBool(o.Paid())
	case CondAmount:
		return strconv.FormatInt(o.TotalAmount, 10)
	case CondDeliveryService:
		return idStr(o.DeliveryServiceID)
	case CondPrefecture:
		return o.Recipient.Prefecture
	}
	return ""
}

// RuleEnv is what the standard rules need to know beyond the order,
// looked up by the caller beforehand.
type RuleEnv struct {
	// KnownSKUs are the SKUs of the product master among the orders' lines.
	KnownSKUs map[string]bool
	// Duplicates are channel order numbers already imported as ship orders
	// under another connection of the same marketplace (the same shop
	// connected twice). The same connection is kept unique by the database.
	Duplicates map[string]bool
	// AtImport is true while importing: skip actions only apply then.
	AtImport bool
}

// RuleOutcome is what the rules decided for one order.
type RuleOutcome struct {
	Skip       bool
	SkipReason string
	SkipRule   string
	Effects    []RuleEffect
}

// ApplyRules runs the rules applied to the order's conversion robot, in
// order, changing o in place. Rules that do nothing leave no effect; a
// rule with StopAfter that acted ends the run.
func ApplyRules(o *ShipOrder, rules []Rule, env RuleEnv) RuleOutcome {
	var out RuleOutcome
	ordered := slices.Clone(rules)
	slices.SortStableFunc(ordered, func(a, b Rule) int { return a.Position - b.Position })
	for _, r := range ordered {
		if !r.AppliesTo(o.ImportMappingID) {
			continue
		}
		eff, acted := applyRule(o, r, env, &out)
		if !acted {
			continue
		}
		out.Effects = append(out.Effects, eff)
		if out.Skip || r.StopAfter {
			break
		}
	}
	o.Effects = append(o.Effects, out.Effects...)
	return out
}

func applyRule(o *ShipOrder, r Rule, env RuleEnv, out *RuleOutcome) (RuleEffect, bool) {
	eff := RuleEffect{RuleID: r.ID, RuleName: r.Name}
	if eff.RuleName == "" {
		eff.RuleName = r.Standard.Label()
	}
	skip := func(reason string) (RuleEffect, bool) {
		if !env.AtImport {
			eff.Action, eff.Reason = "取り込まない（取込時のみ）", reason
			return eff, true
		}
		out.Skip, out.SkipReason, out.SkipRule = true, reason, eff.RuleName
		eff.Action, eff.Reason = "取り込まない", reason
		return eff, true
	}
	switch r.Standard {
	case RuleSkipUnknownSKU:
		var missing []string
		for _, l := range o.Lines {
			if l.SKU == "" || !env.KnownSKUs[l.SKU] {
				code := l.SKU
				if code == "" {
					code = strings.TrimSpace(l.ItemCode + " " + l.OptionCode)
				}
				missing = append(missing, code)
			}
		}
		if len(missing) == 0 {
			return eff, false
		}
		return skip(fmt.Sprintf("商品マスタに登録がない商品コード: %s。商品マスタか対応表に登録してから再評価してください", strings.Join(missing, ", ")))
	case RuleSkipDuplicate:
		if !env.Duplicates[o.ChannelOrderNo] {
			return eff, false
		}
		return skip(fmt.Sprintf("注文番号 %s は別の販売チャネルで取込済みです（重複注文）", o.ChannelOrderNo))
	case RuleCheckPayment:
		paid := o.ChannelPaid || (o.PaymentKind.PaidOnCreditApproval() && o.CreditApproved)
		if !paid || o.PaymentStatus == PaymentPaid {
			return eff, false
		}
		o.PaymentStatus = PaymentPaid
		eff.Action = "入金ステータスを入金済みに変更"
		if o.CreditApproved && !o.ChannelPaid {
			eff.Reason = "与信OK"
		} else {
			eff.Reason = "チャネルで入金済み"
		}
		return eff, true
	case RuleUnpaidToAwaiting:
		if o.Paid() || o.PaymentKind.PayableOnDelivery() || o.Status != StatusHold || o.HoldReason != "" {
			return eff, false
		}
		o.Status = StatusAwaitingPayment
		eff.Action, eff.Reason = "ステータスを入金確認に変更", "未入金"
		return eff, true
	case RulePaidToReady:
		payable := o.Paid() || o.PaymentKind.PayableOnDelivery()
		if !payable || o.HoldReason != "" || (o.Status != StatusHold && o.Status != StatusAwaitingPayment) {
			return eff, false
		}
		o.Status = StatusReady
		eff.Action = "ステータスを出荷待ちに変更"
		eff.Reason = "入金済みでエラーなし"
		if !o.Paid() {
			eff.Reason = "代引きでエラーなし"
		}
		return eff, true
	}

	for _, c := range r.Conditions {
		if !c.Match(*o) {
			return eff, false
		}
	}
	eff.Reason = describeConditions(r.Conditions)
	switch r.Action.Kind {
	case ActSkip:
		return skip(r.Action.Reason)
	case ActHold:
		o.Hold(HoldByImport, r.Action.Reason)
		eff.Action, eff.Reason = "保留", r.Action.Reason
		return eff, true
	case ActSetStatus:
		if !o.Status.BeforeShipping() || o.Status == r.Action.Status {
			return eff, false
		}
		if o.HoldReason != "" {
			// A hold with a reason is released by fixing the cause, not by a rule.
			eff.Action = fmt.Sprintf("ステータスを%sに変更しません（保留理由あり）", r.Action.Status.Label())
			return eff, true
		}
		o.Status = r.Action.Status
		eff.Action = fmt.Sprintf("ステータスを%sに変更", r.Action.Status.Label())
		return eff, true
	case ActSetDelivery:
		id := r.Action.DeliveryServiceID
		if o.DeliveryServiceID != nil && *o.DeliveryServiceID == id {
			return eff, false
		}
		o.DeliveryServiceID = &id
		name := r.Action.DeliveryName
		if name == "" {
			name = fmt.Sprintf("ID %d", id)
		}
		eff.Action = fmt.Sprintf("配送サービスを%sに設定", name)
		return eff, true
	}
	return eff, false
}

func describeConditions(cs []Condition) string {
	if len(cs) == 0 {
		return "すべての注文"
	}
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = fmt.Sprintf("%sが%s%s", c.Field.Label(), c.Value, c.Op.Label())
	}
	return strings.Join(parts, "、")
}

// PreviewRow is what one rule would do to one ship order.
type PreviewRow struct {
	ShipOrderID    int64
	ChannelOrderNo string
	Before         Status
	After          Status
	Effect         RuleEffect
	WouldSkip      bool
}

// PreviewRule is the dry run: what r would do to each of orders if it were
// enabled and applied now, without changing them. Orders it leaves alone
// are not listed.
func PreviewRule(r Rule, orders []ShipOrder, env RuleEnv) []PreviewRow {
	r.Enabled, r.StopAfter = true, false
	var rows []PreviewRow
	for _, o := range orders {
		c := o
		c.Lines = slices.Clone(o.Lines)
		c.Effects = nil
		r.MappingIDs = []int64{c.ImportMappingID}
		var out RuleOutcome
		eff, acted := applyRule(&c, r, env, &out)
		if !acted {
			continue
		}
		rows = append(rows, PreviewRow{
			ShipOrderID: o.ID, ChannelOrderNo: o.ChannelOrderNo,
			Before: o.Status, After: c.Status, Effect: eff, WouldSkip: out.Skip,
		})
	}
	return rows
}
