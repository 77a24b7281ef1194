package domain

import (
	"strings"
	"testing"
	"time"
)

func id64(v int64) *int64 { return &v }

func sampleIncoming(m Marketplace) IncomingOrder {
	return IncomingOrder{
		Marketplace: m, OrderNo: "502763-20261120-00000001", Status: "300",
		OrderedAt:   time.Date(2026, 11, 20, 10, 0, 0, 0, tokyoZone),
		PaymentCode: "1", PaymentName: "クレジットカード", Paid: true,
		Buyer:        Party{Name: "山田 太郎"},
		Recipient:    Party{Name: "山田 太郎", PostalCode: "100-0005", Prefecture: "東京都", Address: "千代田区丸の内1-1"},
		DeliveryName: "宅配便", Currency: "JPY", Total: 3300,
		Lines: []IncomingLine{{ItemCode: "item-a", OptionCode: "v1", Name: "A", Quantity: 1, UnitPrice: 3000}},
	}
}

func TestConvert(t *testing.T) {
	robot := ImportMapping{ID: 7, Name: "独自", Marketplace: MarketplaceRakuten,
		Delivery: []NameMapping{{ChannelName: "メール便", TargetID: 21}},
		Payment:  []NameMapping{{ChannelName: "銀行振込", TargetID: 31, Kind: PaymentPrepaid}},
	}
	masters := ConversionMasters{
		ShipFromID: id64(5),
		Delivery:   map[string]NameMapping{"宅配便": {ChannelName: "宅配便", TargetID: 11}},
		Payment:    map[string]NameMapping{"クレジットカード": {ChannelName: "クレジットカード", TargetID: 41, Kind: PaymentCard}},
		Products:   map[ProductKey]string{{"item-a", "v1"}: "SKU-A"},
	}
	tests := []struct {
		name       string
		edit       func(*IncomingOrder)
		robot      func(*ImportMapping)
		delivery   *int64
		payment    *int64
		holdReason string // substring; "" = not held for a reason
	}{
		{"all mapped via the connection's masters", nil, nil, id64(11), id64(41), ""},
		{"robot mapping wins", func(o *IncomingOrder) { o.DeliveryName = "メール便"; o.PaymentName = "銀行振込" }, nil, id64(21), id64(31), ""},
		{"unmapped payment holds with its name", func(o *IncomingOrder) { o.PaymentName = "楽天バンク決済"; o.PaymentCode = "99" }, nil, id64(11), nil, "支払方法「楽天バンク決済」"},
		{"unmapped delivery holds with its name", func(o *IncomingOrder) { o.DeliveryName = "クール便" }, nil, nil, id64(41), "配送方法「クール便」"},
		{"unknown delivery is not replaced by the default", func(o *IncomingOrder) { o.DeliveryName = "クール便" }, func(m *ImportMapping) { m.DefaultDeliveryServiceID = id64(99) }, nil, id64(41), "配送方法「クール便」"},
		{"missing delivery takes the default", func(o *IncomingOrder) { o.DeliveryName = "" }, func(m *ImportMapping) { m.DefaultDeliveryServiceID = id64(99) }, id64(99), id64(41), ""},
		{"missing delivery without default holds", func(o *IncomingOrder) { o.DeliveryName = "" }, nil, nil, id64(41), "配送方法が空"},
		{"missing payment takes the default", func(o *IncomingOrder) { o.PaymentName, o.PaymentCode = "", "" }, func(m *ImportMapping) { m.DefaultPaymentMethodID = id64(77); m.DefaultPaymentKind = PaymentOther }, id64(11), id64(77), ""},
		{"payment mapped by code", func(o *IncomingOrder) { o.PaymentName = "謎"; o.PaymentCode = "9" }, func(m *ImportMapping) { m.Payment = append(m.Payment, NameMapping{ChannelName: "9", TargetID: 31}) }, id64(11), id64(31), ""},
		{"no address holds (PII missing)", func(o *IncomingOrder) { o.Recipient.Address = "" }, nil, id64(11), id64(41), "住所がありません"},
		{"both unmapped lists both reasons", func(o *IncomingOrder) { o.DeliveryName = "X便"; o.PaymentName = "Y払い"; o.PaymentCode = "" }, nil, nil, nil, "X便"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := sampleIncoming(MarketplaceRakuten)
			if tt.edit != nil {
				tt.edit(&in)
			}
			m := robot
			if tt.robot != nil {
				tt.robot(&m)
			}
			o := Convert(in, m, masters, 3)
			if o.ConnectionID != 3 || o.ImportMappingID != 7 || o.ChannelOrderNo != in.OrderNo || o.Status != StatusHold || o.ApiStatus != ApiUnlinked {
				t.Fatalf("header wrong: %+v", o)
			}
			if !eqID(o.DeliveryServiceID, tt.delivery) || !eqID(o.PaymentMethodID, tt.payment) {
				t.Fatalf("delivery %s payment %s, want %s %s", idStr(o.DeliveryServiceID), idStr(o.PaymentMethodID), idStr(tt.delivery), idStr(tt.payment))
			}
			if tt.holdReason == "" && o.HoldReason != "" || tt.holdReason != "" && !strings.Contains(o.HoldReason, tt.holdReason) {
				t.Fatalf("hold reason %q, want %q", o.HoldReason, tt.holdReason)
			}
			if tt.holdReason != "" && o.HoldSource != HoldByImport {
				t.Fatalf("hold source %q", o.HoldSource)
			}
			if o.Lines[0].SKU != "SKU-A" || *o.ShipFromID != 5 {
				t.Fatalf("line sku %q shipfrom %v", o.Lines[0].SKU, o.ShipFromID)
			}
		})
	}
}

func TestConvertAmazonPendingPlaceholders(t *testing.T) {
	in := sampleIncoming(MarketplaceAmazon)
	in.Status, in.Buyer, in.Recipient, in.PaymentName, in.PaymentCode, in.DeliveryName, in.Paid = "Pending", Party{}, Party{}, "", "", "", false
	o := Convert(in, ImportMapping{ID: 1, Marketplace: MarketplaceAmazon, Standard: true}, ConversionMasters{}, 2)
	if !o.Placeholder || o.Buyer.Name != "Amazon 仮登録" || o.Recipient.Name != "Amazon 仮登録" ||
		o.PaymentName != "Amazon 仮支払方法" || o.DeliveryName != "Amazon 仮配送方法" {
		t.Fatalf("placeholders missing: %+v", o)
	}
	if o.HoldReason != "" {
		t.Fatalf("a Pending order is not held for its placeholders: %q", o.HoldReason)
	}

	// Unshipped without a delivery name still gets the placeholder name, and the
	// robot's default service when it has one.
	in = sampleIncoming(MarketplaceAmazon)
	in.Status, in.DeliveryName, in.PaymentName = "Unshipped", "", "クレジットカード"
	o = Convert(in, ImportMapping{ID: 1, DefaultDeliveryServiceID: id64(8)}, ConversionMasters{Payment: map[string]NameMapping{"クレジットカード": {TargetID: 4}}}, 2)
	if o.Placeholder || o.DeliveryName != "Amazon 仮配送方法" || !eqID(o.DeliveryServiceID, id64(8)) || o.HoldReason != "" {
		t.Fatalf("unshipped: %+v", o)
	}
}

func TestReevaluateAfterMappingAdded(t *testing.T) {
	in := sampleIncoming(MarketplaceRakuten)
	in.PaymentName, in.PaymentCode = "楽天バンク決済", "99"
	masters := ConversionMasters{Delivery: map[string]NameMapping{"宅配便": {TargetID: 11}}, Payment: map[string]NameMapping{}}
	o := Convert(in, ImportMapping{ID: 1}, masters, 1)
	if o.Status != StatusHold || !strings.Contains(o.HoldReason, "楽天バンク決済") {
		t.Fatalf("not held: %+v", o)
	}
	masters.Payment["楽天バンク決済"] = NameMapping{TargetID: 50, Kind: PaymentPrepaid}
	if !o.ResetImportHold() {
		t.Fatal("an import hold can be reset")
	}
	Resolve(&o, "", ImportMapping{ID: 1}, masters)
	if o.HoldReason != "" || !eqID(o.PaymentMethodID, id64(50)) || o.PaymentKind != PaymentPrepaid {
		t.Fatalf("still held: %+v", o)
	}

	// A user's hold is not reset by re-evaluation.
	o.Hold(HoldByUser, "お客様に確認中")
	if o.ResetImportHold() {
		t.Fatal("user hold reset")
	}
}

func TestImportMappingCopyAndValidate(t *testing.T) {
	std := StandardImportMappings()
	if len(std) != len(Marketplaces) {
		t.Fatalf("%d standard robots", len(std))
	}
	var amazon ImportMapping
	for _, m := range std {
		if m.Marketplace == MarketplaceAmazon {
			amazon = m
		}
	}
	if amazon.Name != "出荷指示登録(Amazon API用)" || !amazon.Standard {
		t.Fatalf("amazon standard robot: %+v", amazon)
	}
	if errs := amazon.Validate(); errs["変換ロボット"] == "" {
		t.Fatal("a standard robot must not validate as editable")
	}
	amazon.ID = 12
	c := amazon.Copy()
	if c.Standard || c.Enabled || c.ID != 0 || *c.CopiedFrom != 12 || c.Name != "出荷指示登録(Amazon API用) - コピー" {
		t.Fatalf("copy: %+v", c)
	}
	if errs := c.Validate(); len(errs) != 0 {
		t.Fatalf("copy invalid: %v", errs)
	}
	c.Delivery = []NameMapping{{ChannelName: "宅急便", TargetID: 1}, {ChannelName: "宅急便", TargetID: 2}}
	c.Name = ""
	errs := c.Validate()
	if errs["変換ロボット名"] == "" || !strings.Contains(errs["配送方法の対応"], "2回") {
		t.Fatalf("errs = %v", errs)
	}
}

func TestMergeReimport(t *testing.T) {
	base := Convert(sampleIncoming(MarketplaceAmazon), ImportMapping{ID: 1}, ConversionMasters{
		Delivery: map[string]NameMapping{"宅配便": {TargetID: 11}}, Payment: map[string]NameMapping{"クレジットカード": {TargetID: 41}},
	}, 1)
	base.Status = StatusReady

	// Pending → Unshipped: placeholders replaced.
	pending := sampleIncoming(MarketplaceAmazon)
	pending.Status = "Pending"
	cur := Convert(pending, ImportMapping{ID: 1}, ConversionMasters{}, 1)
	cur.ID = 9
	got, ch := MergeReimport(cur, base)
	if got.ID != 9 || got.Placeholder || got.Buyer.Name != "山田 太郎" || len(ch) == 0 {
		t.Fatalf("placeholders not filled: %+v %v", got, ch)
	}

	// Same data again: nothing changes.
	if _, ch := MergeReimport(got, base); len(ch) != 0 {
		t.Fatalf("changes on identical re-import: %v", ch)
	}

	// A stale Pending copy never overwrites real details.
	stale := Convert(pending, ImportMapping{ID: 1}, ConversionMasters{}, 1)
	if g, _ := MergeReimport(got, stale); g.Buyer.Name != "山田 太郎" {
		t.Fatal("stale copy overwrote the buyer")
	}

	// Once allocated only the channel's status and payment facts move.
	alloc := got
	alloc.Status = StatusAllocated
	moved := base
	moved.ChannelStatus, moved.Recipient.Address = "Shipped", "別の住所"
	g, ch := MergeReimport(alloc, moved)
	if g.ChannelStatus != "Shipped" || g.Recipient.Address == "別の住所" || len(ch) != 1 {
		t.Fatalf("allocated order changed: %+v %v", g.Recipient, ch)
	}
	// Our decisions stay: status and an operator's delivery service.
	mine := got
	mine.DeliveryServiceID, mine.Status = id64(500), StatusReady
	if g, _ := MergeReimport(mine, base); *g.DeliveryServiceID != 500 || g.Status != StatusReady {
		t.Fatal("our delivery service or status was overwritten")
	}
}
