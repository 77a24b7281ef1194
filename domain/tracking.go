package domain

import (
	"fmt"
	"strings"
	"time"
)

// CarrierOther is the carrier (配送会社) of Renkei's own labels: the number
// printed on an own 送り状 is stored as the order's 問番 with this carrier.
const CarrierOther = "その他"

// Parcel (個口) is one package of a ship order with its own tracking number
// (問番); an order may leave in several parcels. The ship date (出荷日) is
// the order's, not the parcel's.
type Parcel struct {
	ID          int64     `db:"id"`
	ShipOrderID int64     `db:"ship_order_id"`
	TrackingNo  string    `db:"tracking_no"`
	CarrierID   int64     `db:"carrier_id"`
	CarrierName string    `db:"carrier_name"`
	CreatedAt   time.Time `db:"created_at"`
}

// trackingRule is how a carrier writes its tracking numbers. Lengths are the
// carriers' published ones; the check digits are noted per rule.
type trackingRule struct {
	min, max int
	mod7     bool // last digit = the preceding digits as a number mod 7
}

// trackingRules by carrier name. Yamato and Sagawa: 12 digits whose last is
// the first 11 mod 7 (assumed from the widely documented rule, not from a
// carrier specification). Japan Post: 11–13 digits, length only (assumed:
// its check digits differ by service, so none is checked).
var trackingRules = map[string]trackingRule{
	"ヤマト運輸": {12, 12, true},
	"佐川急便":  {12, 12, true},
	"日本郵便":  {11, 13, false},
}

// NormalizeTrackingNo drops the hyphens and spaces people and carriers'
// software put between digit groups, and folds full-width digits.
func NormalizeTrackingNo(s string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r == '-' || r == ' ' || r == '　' || r == 'ー' || r == '－':
		case r >= '０' && r <= '９':
			b.WriteRune('0' + (r - '０'))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// ValidateTrackingNo returns a Japanese message when no (already normalised)
// is not a tracking number of the named carrier, or "" when it is.
func ValidateTrackingNo(carrier, no string) string {
	if no == "" {
		return "問番を入力してください。"
	}
	rule, ok := trackingRules[carrier]
	if !ok {
		if len([]rune(no)) > 50 {
			return "問番は50文字以内で入力してください。"
		}
		return ""
	}
	if !masterDigits(no) || len(no) < rule.min || len(no) > rule.max {
		return fmt.Sprintf("%sの問番「%s」は%sの数字ではありません。", carrier, no, digitsSpan(rule))
	}
	if rule.mod7 && !mod7OK(no) {
		return fmt.Sprintf("%sの問番「%s」はチェックデジットが合いません（打ち間違いの可能性があります）。", carrier, no)
	}
	return ""
}

func digitsSpan(r trackingRule) string {
	if r.min == r.max {
		return fmt.Sprintf("%d桁", r.min)
	}
	return fmt.Sprintf("%d〜%d桁", r.min, r.max)
}

// mod7OK checks the last digit against the preceding digits mod 7, digit by
// digit so that no number overflows.
func mod7OK(no string) bool {
	rem := 0
	for _, r := range no[:len(no)-1] {
		rem = (rem*10 + int(r-'0')) % 7
	}
	return rem == int(no[len(no)-1]-'0')
}

// ShipmentRefusal says why 出荷確定 must refuse the order, or "" when it may
// ship: only 引当済 orders ship (their stock is reserved), and only with a
// 問番, since no 出荷実績戻し can be sent for an order without one.
func ShipmentRefusal(o ShipOrder, parcels int) string {
	switch {
	case o.Status != StatusAllocated:
		return fmt.Sprintf("注文番号「%s」は%sのため出荷確定できません（引当済の注文だけが出荷確定できます）。", o.ChannelOrderNo, o.Status.Label())
	case parcels == 0 && o.TrackingNo == "":
		return fmt.Sprintf("注文番号「%s」は問番が登録されていないため出荷確定できません。", o.ChannelOrderNo)
	}
	return ""
}
