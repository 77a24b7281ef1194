// Package carrierfile is the 送り状 CSV exchanged with the carriers' own
// label software: ヤマト運輸 B2クラウド, 佐川急便 e飛伝 and 日本郵便
// ゆうパックプリントR. Each Format is one table of columns (header and value
// side by side) in the software's import order, so a correction is one line;
// Format.OrderNoCol and TrackingCol say where a file of the same layout
// read back (発行済みデータ) carries our order number and the tracking number.
package carrierfile

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/renkei-oss/renkei/domain"
)

// Shipment is what one row is made from: a 納品書's data and the day it leaves.
type Shipment struct {
	Slip     domain.PackingSlip
	ShipDate time.Time // 出荷予定日, Japan date
}

func (s Shipment) order() domain.ShipOrder { return s.Slip.Order }

// cod reports whether the carrier collects the amount on delivery (代引き).
func (s Shipment) cod() bool { return s.Slip.Order.PaymentKind.PayableOnDelivery() }

// service is the delivery service's name (ours, else the channel's).
func (s Shipment) service() string {
	if s.Slip.ServiceName != "" {
		return s.Slip.ServiceName
	}
	return s.Slip.Order.DeliveryName
}

// itemName is the 品名: the first line's name, "他N点" when there are more.
func (s Shipment) itemName() string {
	ls := s.Slip.Order.Lines
	if len(ls) == 0 {
		return ""
	}
	name := ls[0].Name
	if len(ls) > 1 {
		name += " 他" + strconv.Itoa(len(ls)-1) + "点"
	}
	return name
}

// column is one column of a layout: its header and how its value is made.
type column struct {
	name  string
	value func(Shipment) string
}

// Format is one carrier software's import layout.
type Format struct {
	Key         string // form value: b2, ehiden, yupri
	Name        string // Japanese name shown on the button
	Carrier     string // 配送会社 in our master
	OrderNoCol  int    // 0-based column of our order number
	TrackingCol int    // 0-based column the software fills with the 問番 (-1: none)
	cols        []column
}

// Header is the first row of the file.
func (f Format) Header() []string {
	h := make([]string, len(f.cols))
	for i, c := range f.cols {
		h[i] = c.name
	}
	return h
}

// Row is one shipment's row.
func (f Format) Row(s Shipment) []string {
	r := make([]string, len(f.cols))
	for i, c := range f.cols {
		if c.value != nil {
			r[i] = c.value(s)
		}
	}
	return r
}

// Formats lists the layouts in the order the UI offers them.
func Formats() []Format { return []Format{b2Cloud, eHiden, yuPrintR} }

// ByKey finds a layout by its form value.
func ByKey(key string) (Format, bool) {
	for _, f := range Formats() {
		if f.Key == key {
			return f, true
		}
	}
	return Format{}, false
}

// blank is a column Renkei leaves empty (the software's default applies).
func blank(name string) column { return column{name: name} }

func fixed(name, v string) column {
	return column{name: name, value: func(Shipment) string { return v }}
}

func val(name string, fn func(Shipment) string) column { return column{name: name, value: fn} }

// cut splits s into parts of at most n runes each, count parts, the last
// taking what is left: carriers print addresses in fixed-width fields.
func cut(s string, n, count int) []string {
	out := make([]string, count)
	for i := range count {
		if i == count-1 || utf8.RuneCountInString(s) <= n {
			out[i], s = s, ""
			continue
		}
		rs := []rune(s)
		out[i], s = string(rs[:n]), string(rs[n:])
	}
	return out
}

func recipientAddress(s Shipment) string {
	r := s.order().Recipient
	return r.Prefecture + r.Address
}

func senderAddress(s Shipment) string { return s.Slip.From.Prefecture + s.Slip.From.Address }

// slotHours reads a time slot as people and channels write it ("午前中",
// "14-16時", "14時～16時", "14:00-16:00", Rakuten's "1416") into hours.
func slotHours(slot string) (from, to int, ok bool) {
	s := strings.TrimSpace(slot)
	if s == "" {
		return 0, 0, false
	}
	if strings.Contains(s, "午前") {
		return 8, 12, true
	}
	var nums []int
	n, in := 0, false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			n, in = min(n*10+int(r-'0'), 10000), true // capped: no hour is that long
		case r >= '０' && r <= '９':
			n, in = min(n*10+int(r-'０'), 10000), true
		default:
			if in {
				nums = append(nums, n)
			}
			n, in = 0, false
			if r == ':' || r == '：' { // minutes follow: skip them
				nums = append(nums, -1)
			}
		}
	}
	if in {
		nums = append(nums, n)
	}
	var hours []int
	for i := 0; i < len(nums); i++ {
		if nums[i] == -1 {
			i++ // the minutes after ':'
			continue
		}
		hours = append(hours, nums[i])
	}
	if len(hours) == 1 && hours[0] >= 100 { // 1416
		hours = []int{hours[0] / 100, hours[0] % 100}
	}
	if len(hours) != 2 || hours[0] < 0 || hours[0] >= hours[1] || hours[1] > 24 {
		return 0, 0, false
	}
	return hours[0], hours[1], true
}

// slotCode maps a slot to a carrier's code from its table of hour pairs; ""
// when the slot is not one the carrier offers (the label then has none).
func slotCode(slot string, codes map[[2]int]string) string {
	from, to, ok := slotHours(slot)
	if !ok {
		return ""
	}
	return codes[[2]int{from, to}]
}

// date formats a YYYY-MM-DD delivery date in layout; "" stays "".
func date(s, layout string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return ""
	}
	return t.Format(layout)
}

// cool is the temperature a service name asks for: 冷凍, 冷蔵 (チルド) or none.
func cool(service string) string {
	switch {
	case strings.Contains(service, "冷凍"):
		return "frozen"
	case strings.Contains(service, "冷蔵"), strings.Contains(service, "チルド"), strings.Contains(service, "クール"):
		return "chilled"
	}
	return ""
}

func yenDigits(v int64) string { return strconv.FormatInt(v, 10) }
