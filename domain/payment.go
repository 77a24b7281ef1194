package domain

import "strings"

// PaymentKind groups payment methods by when an order counts as paid.
type PaymentKind string

const (
	PaymentPrepaid  PaymentKind = "prepaid"     // 前払い: paid when the channel says so
	PaymentCard     PaymentKind = "credit_card" // クレジットカード
	PaymentCOD      PaymentKind = "cod"         // 代引き: payable on delivery
	PaymentDeferred PaymentKind = "deferred"    // 後払い: paid on 与信OK
	PaymentOther    PaymentKind = "other"       // その他
)

// PaymentKinds lists the kinds in the order the UI shows them.
var PaymentKinds = []PaymentKind{PaymentPrepaid, PaymentCard, PaymentCOD, PaymentDeferred, PaymentOther}

// Label is the Japanese name shown to operators.
func (k PaymentKind) Label() string {
	switch k {
	case PaymentPrepaid:
		return "前払い"
	case PaymentCard:
		return "クレジットカード"
	case PaymentCOD:
		return "代引き"
	case PaymentDeferred:
		return "後払い"
	case PaymentOther:
		return "その他"
	}
	return string(k)
}

// Valid reports whether k is one of PaymentKinds.
func (k PaymentKind) Valid() bool {
	for _, v := range PaymentKinds {
		if v == k {
			return true
		}
	}
	return false
}

// PaymentKindFromLabel accepts the Japanese label or the code.
func PaymentKindFromLabel(s string) (PaymentKind, bool) {
	s = strings.TrimSpace(s)
	for _, k := range PaymentKinds {
		if s == k.Label() || s == string(k) {
			return k, true
		}
	}
	return "", false
}

// PaidOnCreditApproval: deferred payments (後払い, NP後払い, Paidy) count as
// paid once the provider approves credit (与信OK), per the Shopserve seed.
func (k PaymentKind) PaidOnCreditApproval() bool { return k == PaymentDeferred }

// PayableOnDelivery: COD orders ship unpaid.
func (k PaymentKind) PayableOnDelivery() bool { return k == PaymentCOD }

// PaymentMethod (支払方法) is one of our payment methods.
type PaymentMethod struct {
	ID        int64       `db:"id"`
	Name      string      `db:"name"`
	Kind      PaymentKind `db:"kind"`
	SortOrder int         `db:"sort_order"`
	Disabled  bool        `db:"disabled"`
}

// PaymentMethodMapping maps a channel's payment method (name and, where the
// marketplace has one, code such as Rakuten's settlementMethodCode) to ours.
type PaymentMethodMapping struct {
	ID              int64  `db:"id"`
	ConnectionID    int64  `db:"connection_id"`
	ChannelName     string `db:"channel_name"`
	ChannelCode     string `db:"channel_code"`
	PaymentMethodID int64  `db:"payment_method_id"`
	MethodName      string `db:"method_name"`
}

// Validate returns Japanese messages keyed by field label.
func (p PaymentMethod) Validate() map[string]string {
	errs := map[string]string{}
	if strings.TrimSpace(p.Name) == "" {
		errs["支払方法名"] = "支払方法名を入力してください。"
	} else if len([]rune(p.Name)) > 100 {
		errs["支払方法名"] = "支払方法名は100文字以内で入力してください。"
	}
	if !p.Kind.Valid() {
		errs["種別"] = "種別を 前払い・クレジットカード・代引き・後払い・その他 から選んでください。"
	}
	return errs
}

// Validate checks a payment-method mapping.
func (m PaymentMethodMapping) Validate() map[string]string {
	errs := map[string]string{}
	if m.ConnectionID == 0 {
		errs["販売チャネル"] = "販売チャネルを選んでください。"
	}
	if strings.TrimSpace(m.ChannelName) == "" && strings.TrimSpace(m.ChannelCode) == "" {
		errs["チャネルの支払方法名"] = "チャネル側の支払方法名かコードを入力してください。"
	}
	if m.PaymentMethodID == 0 {
		errs["支払方法"] = "対応させる支払方法を選んでください。"
	}
	return errs
}
