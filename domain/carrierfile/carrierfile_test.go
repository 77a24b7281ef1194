package carrierfile

import (
	"bytes"
	"encoding/csv"
	"testing"
	"time"

	"golang.org/x/text/encoding/japanese"

	"github.com/renkei-oss/renkei/domain"
)

func sample() Shipment {
	return Shipment{
		ShipDate: time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC),
		Slip: domain.PackingSlip{
			Order: domain.ShipOrder{
				ID: 42, ChannelOrderNo: "123456-20261207-0000001", DeliveryDate: "2026-12-10", TimeSlot: "14時～16時",
				TotalAmount: 5280, PaymentKind: domain.PaymentCard,
				Recipient: domain.Party{Name: "山田 花子", Kana: "ﾔﾏﾀﾞ ﾊﾅｺ", PostalCode: "150-0001", Prefecture: "東京都",
					Address: "渋谷区神宮前1-2-3 メゾン原宿201", Phone: "03-1234-5678"},
				Lines: []domain.ShipOrderLine{{Name: "有機緑茶", Quantity: 2}, {Name: "急須", Quantity: 1}},
			},
			From:        domain.ShipFrom{Name: "連携倉庫", PostalCode: "135-0061", Prefecture: "東京都", Address: "江東区豊洲6-1-1", Phone: "03-9999-0000"},
			ServiceName: "宅急便", CarrierName: "ヤマト運輸",
		},
	}
}

func cell(t *testing.T, f Format, s Shipment, header string) string {
	t.Helper()
	for i, h := range f.Header() {
		if h == header {
			return f.Row(s)[i]
		}
	}
	t.Fatalf("%s has no column %s", f.Name, header)
	return ""
}

func TestLayoutsWidthAndKeyColumns(t *testing.T) {
	tests := []struct {
		key               string
		cols, ref, track  int
		refName, trackCol string
	}{
		{"b2", 95, 0, 3, "お客様管理番号", "伝票番号"},
		{"ehiden", 42, 8, -1, "お客様管理ナンバー", ""},
		{"yupri", 24, 0, 23, "お客様側管理番号", "お問い合わせ番号"},
	}
	for _, tt := range tests {
		f, ok := ByKey(tt.key)
		if !ok {
			t.Fatalf("no format %s", tt.key)
		}
		h := f.Header()
		if len(h) != tt.cols || len(f.Row(sample())) != tt.cols {
			t.Errorf("%s: %d columns, want %d", tt.key, len(h), tt.cols)
		}
		if h[f.OrderNoCol] != tt.refName || f.Row(sample())[f.OrderNoCol] != "42" {
			t.Errorf("%s: order column %d is %s", tt.key, f.OrderNoCol, h[f.OrderNoCol])
		}
		if f.TrackingCol != tt.track || (tt.track >= 0 && h[tt.track] != tt.trackCol) {
			t.Errorf("%s: tracking column %d", tt.key, f.TrackingCol)
		}
	}
}

// 送り状種類/便種 come from our 配送サービス and payment; time slots and
// dates are written in each carrier's codes.
func TestCodes(t *testing.T) {
	b2, _ := ByKey("b2")
	eh, _ := ByKey("ehiden")
	yu, _ := ByKey("yupri")
	tests := []struct {
		service string
		kind    domain.PaymentKind
		slot    string
		f       Format
		col     string
		want    string
	}{
		{"宅急便", domain.PaymentCard, "", b2, "送り状種類", "0"},
		{"宅急便", domain.PaymentCOD, "", b2, "送り状種類", "2"},
		{"ネコポス", domain.PaymentCard, "", b2, "送り状種類", "7"},
		{"宅急便コンパクト", domain.PaymentCard, "", b2, "送り状種類", "8"},
		{"宅急便コンパクト", domain.PaymentCOD, "", b2, "送り状種類", "9"},
		{"クール宅急便（冷凍）", domain.PaymentCard, "", b2, "クール区分", "1"},
		{"クール宅急便（冷蔵）", domain.PaymentCard, "", b2, "クール区分", "2"},
		{"宅急便", domain.PaymentCard, "午前中", b2, "配達時間帯", "0812"},
		{"宅急便", domain.PaymentCard, "14:00-16:00", b2, "配達時間帯", "1416"},
		{"宅急便", domain.PaymentCard, "1921", b2, "配達時間帯", "1921"},
		{"宅急便", domain.PaymentCard, "10-12時", b2, "配達時間帯", ""}, // not a Yamato slot
		{"宅急便", domain.PaymentCOD, "", b2, "ｺﾚｸﾄ代金引換額（税込)", "5280"},
		{"飛脚宅配便", domain.PaymentCard, "午前中", eh, "配達指定時間帯", "01"},
		{"飛脚宅配便", domain.PaymentCard, "18-21時", eh, "配達指定時間帯", "04"},
		{"飛脚クール便 冷凍", domain.PaymentCard, "", eh, "便種（商品）", "003"},
		{"飛脚宅配便", domain.PaymentCard, "", eh, "便種（商品）", "001"},
		{"ゆうパック", domain.PaymentCard, "", yu, "配達時間帯区分", "00"},
		{"ゆうパック", domain.PaymentCard, "12時～14時", yu, "配達時間帯区分", "52"},
		{"ゆうパケット", domain.PaymentCard, "", yu, "郵便種別", "9"},
		{"チルドゆうパック", domain.PaymentCOD, "", yu, "保冷種別", "1"},
		{"ゆうパック", domain.PaymentCOD, "", yu, "元/着払/代引", "2"},
	}
	for _, tt := range tests {
		s := sample()
		s.Slip.ServiceName, s.Slip.Order.PaymentKind, s.Slip.Order.TimeSlot = tt.service, tt.kind, tt.slot
		if got := cell(t, tt.f, s, tt.col); got != tt.want {
			t.Errorf("%s %s/%s/%q: %s = %q, want %q", tt.f.Key, tt.service, tt.kind, tt.slot, tt.col, got, tt.want)
		}
	}
	s := sample()
	for _, c := range []struct {
		f         Format
		col, want string
	}{
		{b2, "出荷予定日", "2026/12/07"}, {b2, "お届け予定日", "2026/12/10"}, {b2, "記事", "123456-20261207-0000001"},
		{b2, "お届け先住所", "東京都渋谷区神宮前1-2-3 メゾン原宿201"}, {b2, "品名１", "有機緑茶 他1点"},
		{eh, "配達日", "20261210"}, {eh, "お届け先住所１", "東京都渋谷区神宮前1-2-3 メ"}, {eh, "お届け先住所２", "ゾン原宿201"},
		{yu, "発送予定日", "20261207"}, {yu, "ご依頼主 名称1", "連携倉庫"},
	} {
		if got := cell(t, c.f, s, c.col); got != c.want {
			t.Errorf("%s %s = %q, want %q", c.f.Key, c.col, got, c.want)
		}
	}
}

func TestSlotHours(t *testing.T) {
	tests := []struct {
		in       string
		from, to int
		ok       bool
	}{
		{"午前中", 8, 12, true}, {"14-16時", 14, 16, true}, {"１４時～１６時", 14, 16, true},
		{"14:00-16:00", 14, 16, true}, {"1416", 14, 16, true}, {"19時〜21時", 19, 21, true},
		{"", 0, 0, false}, {"指定なし", 0, 0, false}, {"16-14", 0, 0, false},
	}
	for _, tt := range tests {
		f, to, ok := slotHours(tt.in)
		if f != tt.from || to != tt.to || ok != tt.ok {
			t.Errorf("slotHours(%q) = %d, %d, %v", tt.in, f, to, ok)
		}
	}
}

// The file is Shift_JIS CSV that decodes back to the header and the rows.
func TestWriterShiftJIS(t *testing.T) {
	var out bytes.Buffer
	f, _ := ByKey("b2")
	w, err := NewWriter(&out, f)
	if err != nil {
		t.Fatal(err)
	}
	s := sample()
	s.Slip.Order.Recipient.Name = "髙橋 花子" // 髙 is CP932, not JIS X 0208
	if err := w.Add(s); err != nil {
		t.Fatal(err)
	}
	utf, err := japanese.ShiftJIS.NewDecoder().Bytes(out.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(out.Bytes(), []byte("\r\n")) {
		t.Error("no CRLF")
	}
	rows, err := csv.NewReader(bytes.NewReader(utf)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0][0] != "お客様管理番号" || rows[1][0] != "42" || rows[1][15] != "髙橋 花子" {
		t.Errorf("rows %q", rows)
	}
	if id, ok := ParseOrderRef(rows[1][0]); !ok || id != 42 {
		t.Errorf("ParseOrderRef = %d %v", id, ok)
	}
}

// Time slots come from channels as free text: any text either reads as a
// window within the day or as none, and every layout's row keeps its width.
func FuzzSlotHours(f *testing.F) {
	for _, s := range []string{"午前中", "14-16時", "１４時～１６時", "14:00-16:00", "1416", "", "9999", "::"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, slot string) {
		from, to, ok := slotHours(slot)
		if ok && !(from >= 0 && from < to && to <= 24) {
			t.Fatalf("slotHours(%q) = %d, %d", slot, from, to)
		}
		s := sample()
		s.Slip.Order.TimeSlot = slot
		for _, fm := range Formats() {
			if len(fm.Row(s)) != len(fm.Header()) {
				t.Fatalf("%s: row width changed for %q", fm.Key, slot)
			}
		}
	})
}
