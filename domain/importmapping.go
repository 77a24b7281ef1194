package domain

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// IncomingOrder is a channel order as the conversion robot sees it: the
// marketplace layer's normalised order, reduced to what a ship order needs.
// It is kept as JSON with skipped orders so they can be re-evaluated
// without calling the channel again.
type IncomingOrder struct {
	Marketplace    Marketplace    `json:"marketplace"`
	OrderNo        string         `json:"order_no"`
	Status         string         `json:"status"` // the channel's own status code
	Cancelled      bool           `json:"cancelled,omitempty"`
	OrderedAt      time.Time      `json:"ordered_at"`
	PaymentCode    string         `json:"payment_code,omitempty"`
	PaymentName    string         `json:"payment_name,omitempty"`
	Paid           bool           `json:"paid,omitempty"`
	CreditApproved bool           `json:"credit_approved,omitempty"`
	Buyer          Party          `json:"buyer"`
	Recipient      Party          `json:"recipient"`
	DeliveryName   string         `json:"delivery_name,omitempty"`
	DeliveryDate   string         `json:"delivery_date,omitempty"`
	TimeSlot       string         `json:"time_slot,omitempty"`
	Currency       string         `json:"currency,omitempty"`
	Total          int64          `json:"total"`
	Lines          []IncomingLine `json:"lines"`
	// TrackingNoMissing: Shopserve order without its provisional
	// 問い合わせ番号 (ClassifyShopserve). Stored skips from before the
	// field decode as false, which is what they were imported as.
	TrackingNoMissing bool `json:"tracking_no_missing,omitempty"`
}

// IncomingLine is one item line as the channel sent it.
type IncomingLine struct {
	ItemCode   string `json:"item_code"`
	OptionCode string `json:"option_code,omitempty"`
	SKU        string `json:"sku,omitempty"` // merchant SKU the channel knows
	Name       string `json:"name"`
	Quantity   int    `json:"quantity"`
	UnitPrice  int64  `json:"unit_price"`
}

// Amazon Pending orders expose no buyer, address or payment; the standard
// Amazon robot registers these placeholders (amazon seed, SPEC §4).
const (
	AmazonPlaceholderParty    = "Amazon 仮登録"
	AmazonPlaceholderPayment  = "Amazon 仮支払方法"
	AmazonPlaceholderDelivery = "Amazon 仮配送方法"
)

// NameMapping maps one channel name (delivery method or payment) to ours.
type NameMapping struct {
	ChannelName string      `json:"channel_name"`
	TargetID    int64       `json:"target_id"`
	TargetName  string      `json:"target_name,omitempty"`
	Kind        PaymentKind `json:"kind,omitempty"` // payment mappings only
}

// ImportMapping (変換ロボット) says how a channel's orders become ship
// orders. Standard robots are read-only; 複製 gives an editable copy.
type ImportMapping struct {
	ID          int64
	Name        string
	Marketplace Marketplace
	Standard    bool
	Enabled     bool
	CopiedFrom  *int64

	// ShipFromID overrides the connection's origin when set.
	ShipFromID *int64
	// Defaults fill what the channel leaves empty (not what it names but
	// we cannot map: that holds the order).
	DefaultDeliveryServiceID *int64
	DefaultPaymentMethodID   *int64
	DefaultPaymentKind       PaymentKind

	// Delivery and Payment take precedence over the connection's own
	// name mappings of the masters.
	Delivery []NameMapping
	Payment  []NameMapping

	CreatedAt time.Time
	UpdatedAt time.Time
}

// StandardMappingName is the standard robot's name for a marketplace, as
// the seeds spell it (「出荷指示登録(Amazon API用)」).
func StandardMappingName(m Marketplace) string {
	switch m {
	case MarketplaceRakuten:
		return "出荷指示登録(楽天API用)"
	case MarketplaceAmazon:
		return "出荷指示登録(Amazon API用)"
	case MarketplaceFutureshop:
		return "出荷指示登録(futureshop API用)"
	case MarketplaceShopserve:
		return "出荷指示登録(ショップサーブAPI用)"
	case MarketplaceInterpark:
		return "出荷指示登録(Interpark API用)"
	}
	return "出荷指示登録(" + string(m) + " API用)"
}

// StandardImportMappings are the read-only robots, one per marketplace.
func StandardImportMappings() []ImportMapping {
	out := make([]ImportMapping, 0, len(Marketplaces))
	for _, m := range Marketplaces {
		out = append(out, ImportMapping{Name: StandardMappingName(m), Marketplace: m, Standard: true, Enabled: true})
	}
	return out
}

// Copy is 複製: an editable, disabled copy named 「… - コピー」 as in the seeds.
func (m ImportMapping) Copy() ImportMapping {
	c := m
	c.ID = 0
	c.Standard = false
	c.Enabled = false
	id := m.ID
	c.CopiedFrom = &id
	c.Name = m.Name + " - コピー"
	c.Delivery = append([]NameMapping(nil), m.Delivery...)
	c.Payment = append([]NameMapping(nil), m.Payment...)
	return c
}

// Validate checks an edited robot; standard robots cannot be edited.
func (m ImportMapping) Validate() map[string]string {
	errs := map[string]string{}
	if m.Standard {
		errs["変換ロボット"] = "標準の変換ロボットは変更できません。複製してから編集してください。"
		return errs
	}
	switch n := utf8.RuneCountInString(strings.TrimSpace(m.Name)); {
	case n == 0:
		errs["変換ロボット名"] = "変換ロボット名を入力してください。"
	case n > 100:
		errs["変換ロボット名"] = "変換ロボット名は100文字以内で入力してください。"
	}
	if !m.Marketplace.Valid() {
		errs["販売チャネル"] = "対象のモールを選んでください。"
	}
	checkNames := func(label string, list []NameMapping) {
		seen := map[string]bool{}
		for i, nm := range list {
			name := strings.TrimSpace(nm.ChannelName)
			if name == "" || nm.TargetID == 0 {
				errs[label] = fmt.Sprintf("%sの%d行目: チャネル側の名前と対応先の両方を入力してください。", label, i+1)
				return
			}
			if seen[name] {
				errs[label] = fmt.Sprintf("%sの「%s」が2回あります。1行にまとめてください。", label, name)
				return
			}
			seen[name] = true
		}
	}
	checkNames("配送方法の対応", m.Delivery)
	checkNames("支払方法の対応", m.Payment)
	if m.DefaultPaymentKind != "" && !m.DefaultPaymentKind.Valid() {
		errs["既定の支払種別"] = "既定の支払種別を一覧から選んでください。"
	}
	return errs
}

// ProductKey is a channel item code with its option code.
type ProductKey struct{ ItemCode, OptionCode string }

// ConversionMasters are the connection's masters a conversion needs,
// loaded by the caller (the domain does no I/O).
type ConversionMasters struct {
	ShipFromID *int64                 // the connection's origin
	Delivery   map[string]NameMapping // connection's delivery-method mappings by channel name
	Payment    map[string]NameMapping // connection's payment mappings by channel name or code
	Products   map[ProductKey]string  // 対応表: channel item (+option) → SKU
}

// Hold reasons written by the conversion robot. The phrases name what to
// fix so the operator can act from the list.
func reasonUnmappedDelivery(name string) string {
	return fmt.Sprintf("配送方法「%s」に対応する配送サービスがありません。変換ロボットか配送方法の対応表に追加してください", name)
}

func reasonUnmappedPayment(name string) string {
	return fmt.Sprintf("支払方法「%s」に対応する支払方法がありません。変換ロボットか支払方法の対応表に追加してください", name)
}

const (
	reasonNoDelivery = "配送方法が空です。変換ロボットに既定の配送サービスを設定してください"
	reasonNoPayment  = "支払方法が空です。変換ロボットに既定の支払方法を設定してください"
	reasonNoAddress  = "送付先の住所がありません（チャネルが個人情報を返していません）。ステータス同期か再取込で埋まるのを待ってください"
)

// Convert builds a new ship order from a channel order through the robot.
// Names without a mapping put the order on 保留 with the reason; nothing is
// dropped.
func Convert(in IncomingOrder, m ImportMapping, ms ConversionMasters, connectionID int64) ShipOrder {
	o := ShipOrder{
		ConnectionID:    connectionID,
		Marketplace:     in.Marketplace,
		ChannelOrderNo:  in.OrderNo,
		ChannelStatus:   in.Status,
		ImportMappingID: m.ID,
		Status:          StatusHold,
		ApiStatus:       ApiUnlinked,
		PaymentStatus:   PaymentUnpaid,
		ChannelPaid:     in.Paid,
		CreditApproved:  in.CreditApproved,
		OrderedAt:       in.OrderedAt,
		DeliveryDate:    in.DeliveryDate,
		TimeSlot:        in.TimeSlot,
		Buyer:           in.Buyer,
		Recipient:       in.Recipient,
		DeliveryName:    in.DeliveryName,
		PaymentName:     in.PaymentName,
		Currency:        in.Currency,
		TotalAmount:     in.Total,
	}
	if o.Currency == "" {
		o.Currency = "JPY"
	}
	if in.Marketplace == MarketplaceAmazon && IsAmazonPending(in.Status) {
		o.Placeholder = true
		o.Buyer = Party{Name: AmazonPlaceholderParty}
		o.Recipient = Party{Name: AmazonPlaceholderParty}
		o.PaymentName = AmazonPlaceholderPayment
	}
	if in.Marketplace == MarketplaceAmazon && o.DeliveryName == "" {
		o.DeliveryName = AmazonPlaceholderDelivery
	}
	o.ShipFromID = ms.ShipFromID
	if m.ShipFromID != nil {
		o.ShipFromID = m.ShipFromID
	}
	for i, l := range in.Lines {
		o.Lines = append(o.Lines, ShipOrderLine{
			LineNo: i + 1, ItemCode: l.ItemCode, OptionCode: l.OptionCode,
			SKU: ms.sku(l), Name: l.Name, Quantity: l.Quantity, UnitPrice: l.UnitPrice,
		})
	}
	Resolve(&o, in.PaymentCode, m, ms)
	return o
}

func (ms ConversionMasters) sku(l IncomingLine) string {
	if s, ok := ms.Products[ProductKey{l.ItemCode, l.OptionCode}]; ok {
		return s
	}
	if s, ok := ms.Products[ProductKey{l.ItemCode, ""}]; ok && l.OptionCode == "" {
		return s
	}
	// Channels that carry the merchant SKU (Amazon SellerSKU, Rakuten
	// merchantDefinedSkuId) name ours directly.
	return l.SKU
}

// Resolve maps the order's channel delivery and payment names onto our
// masters and holds it for each one it cannot map. It is run again on held
// orders once a mapping is added (re-evaluation).
func Resolve(o *ShipOrder, paymentCode string, m ImportMapping, ms ConversionMasters) {
	placeholderDelivery := o.DeliveryName == AmazonPlaceholderDelivery
	switch nm, ok := lookupName(o.DeliveryName, "", m.Delivery, ms.Delivery); {
	case ok:
		id := nm.TargetID
		o.DeliveryServiceID = &id
	case (o.DeliveryName == "" || placeholderDelivery) && m.DefaultDeliveryServiceID != nil:
		id := *m.DefaultDeliveryServiceID
		o.DeliveryServiceID = &id
	case placeholderDelivery:
		// The seed's default: 「Amazon 仮配送方法」 stays until a rule or
		// an operator sets the service.
	case o.DeliveryName == "":
		o.Hold(HoldByImport, reasonNoDelivery)
	default:
		o.Hold(HoldByImport, reasonUnmappedDelivery(o.DeliveryName))
	}

	switch nm, ok := lookupName(o.PaymentName, paymentCode, m.Payment, ms.Payment); {
	case ok:
		id := nm.TargetID
		o.PaymentMethodID, o.PaymentKind = &id, nm.Kind
	case o.PaymentName == AmazonPlaceholderPayment:
		// Filled in by status sync once Amazon releases the order.
	case o.PaymentName == "" && m.DefaultPaymentMethodID != nil:
		id := *m.DefaultPaymentMethodID
		o.PaymentMethodID, o.PaymentKind = &id, m.DefaultPaymentKind
	case o.PaymentName == "":
		o.Hold(HoldByImport, reasonNoPayment)
	default:
		o.Hold(HoldByImport, reasonUnmappedPayment(o.PaymentName))
	}

	if !o.Placeholder && !o.Recipient.HasAddress() {
		o.Hold(HoldByImport, reasonNoAddress)
	}
}

func lookupName(name, code string, robot []NameMapping, conn map[string]NameMapping) (NameMapping, bool) {
	if name == "" && code == "" {
		return NameMapping{}, false
	}
	for _, nm := range robot {
		if nm.ChannelName == name || (code != "" && nm.ChannelName == code) {
			return nm, true
		}
	}
	if nm, ok := conn[name]; ok && name != "" {
		return nm, true
	}
	if nm, ok := conn[code]; ok && code != "" {
		return nm, true
	}
	return NameMapping{}, false
}

// ResetImportHold clears a hold the import made so Resolve and the rules
// can decide afresh; holds made by a user are left alone.
func (o *ShipOrder) ResetImportHold() bool {
	if o.Status != StatusHold || o.HoldSource == HoldByUser {
		return false
	}
	o.HoldReason, o.HoldSource = "", ""
	return true
}
