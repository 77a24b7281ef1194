package domain

import (
	"fmt"
	"regexp"
	"sort"
	"time"
)

// Paper is a document printed for ship orders (出荷作業の帳票).
type Paper string

const (
	PaperPickingList Paper = "picking_list" // ピッキングリスト
	PaperPackingSlip Paper = "packing_slip" // 納品書
	PaperOwnLabel    Paper = "own_label"    // 送り状（自社発行）
	PaperCarrierCSV  Paper = "carrier_csv"  // 送り状CSV（配送会社ソフト用）
)

var paperLabels = map[Paper]string{
	PaperPickingList: "ピッキングリスト", PaperPackingSlip: "納品書",
	PaperOwnLabel: "送り状", PaperCarrierCSV: "送り状CSV",
}

// Label is the Japanese name shown to operators and written to 履歴.
func (p Paper) Label() string {
	if l, ok := paperLabels[p]; ok {
		return l
	}
	return string(p)
}

// Verb is what 履歴 says was done: a CSV is 出力, paper is 印刷.
func (p Paper) Verb() string {
	if p == PaperCarrierCSV {
		return "出力"
	}
	return "印刷"
}

// EventPrinted is the 履歴 kind of a print (reprints included).
const EventPrinted = "printed"

// PackingSlip (納品書) is what one order's slip shows: the order with its
// lines, the sender (the order's 発送元, else its connection's) and the
// names of its channel and delivery service.
type PackingSlip struct {
	Order       ShipOrder
	From        ShipFrom
	ChannelName string
	ServiceName string // "" when the order has no delivery service yet
	CarrierName string
}

// Subtotal is one line's 小計.
func (l ShipOrderLine) Subtotal() int64 { return l.UnitPrice * int64(l.Quantity) }

// LinesTotal sums the lines' 小計 (the order total may add shipping or discounts).
func (o ShipOrder) LinesTotal() int64 {
	var t int64
	for _, l := range o.Lines {
		t += l.Subtotal()
	}
	return t
}

// PickingRow is one SKU of a ピッキングリスト, summed over the chosen orders.
// Lines not mapped to a SKU are listed by their channel item code.
type PickingRow struct {
	SKU      string `db:"sku"`
	Name     string `db:"name"`
	JAN      string `db:"jan"`
	Quantity int64  `db:"quantity"`
	Unmapped bool   `db:"unmapped"`
}

// PickingList (ピッキングリスト) is the SKUs of a set of orders.
type PickingList struct {
	Orders    int
	Rows      []PickingRow
	PrintedAt time.Time
}

// SortPicking orders the rows by 商品コード, the order a picker walks the
// shelves in when locations follow the codes.
func SortPicking(rows []PickingRow) {
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].SKU < rows[j].SKU })
}

// TotalQuantity is the number of units to pick.
func (p PickingList) TotalQuantity() int64 {
	var n int64
	for _, r := range p.Rows {
		n += r.Quantity
	}
	return n
}

// ShippingLabel (送り状) is one of Renkei's own labels: one per parcel,
// with a number Renkei assigned and stored as the parcel's 問番.
type ShippingLabel struct {
	LabelNo     string
	Parcel      int // 1-based
	Parcels     int
	Order       ShipOrder
	From        ShipFrom
	ChannelName string
	ServiceName string
	CarrierName string // the delivery service's carrier, その他 when none
}

var ownLabelNoRe = regexp.MustCompile(`^RK[0-9]{10}$`)

// OwnLabelNo formats the n-th number of Renkei's own labels.
func OwnLabelNo(n int64) string { return fmt.Sprintf("RK%010d", n) }

// IsOwnLabelNo reports whether a parcel's 問番 is one of Renkei's own label
// numbers (so a reprint shows it again instead of assigning another).
func IsOwnLabelNo(carrier, no string) bool {
	return carrier == CarrierOther && ownLabelNoRe.MatchString(no)
}

// printMove is how printing a paper moves an order's APIステータス on one
// marketplace: from any of From to To.
type printMove struct {
	Papers []Paper
	From   []ApiStatus
	To     ApiStatus
}

// printMoves is each marketplace's rule; a marketplace without one keeps
// its APIステータス when papers are printed. Shopserve's 出荷実績戻し only
// takes orders at 印刷済み, so printing the slip or a label (ours or the
// carrier software's, through its CSV) is what lets the result go back.
// Amazon's waits at 印刷待ち and must not move.
var printMoves = map[Marketplace]printMove{
	MarketplaceShopserve: {
		Papers: []Paper{PaperPackingSlip, PaperOwnLabel, PaperCarrierCSV},
		From:   []ApiStatus{ApiUnlinked, ApiAwaitingLabel},
		To:     ApiLabelPrinted,
	},
}

// PrintMove is one marketplace's APIステータス move for a paper, for the store
// to apply to the printed orders of that marketplace.
type PrintMove struct {
	Marketplace Marketplace
	From        []ApiStatus
	To          ApiStatus
}

// PrintMovesFor lists the moves printing p makes, one per marketplace that has one.
func PrintMovesFor(p Paper) []PrintMove {
	var out []PrintMove
	for _, m := range Marketplaces {
		mv, ok := printMoves[m]
		if !ok || !paperIn(mv.Papers, p) {
			continue
		}
		out = append(out, PrintMove{Marketplace: m, From: mv.From, To: mv.To})
	}
	return out
}

// ApiStatusAfterPrint is the status an order of marketplace m at cur has
// after p is printed for it.
func ApiStatusAfterPrint(m Marketplace, p Paper, cur ApiStatus) ApiStatus {
	for _, mv := range PrintMovesFor(p) {
		if mv.Marketplace == m && apiIn(mv.From, cur) {
			return mv.To
		}
	}
	return cur
}

func paperIn(list []Paper, p Paper) bool {
	for _, v := range list {
		if v == p {
			return true
		}
	}
	return false
}

func apiIn(list []ApiStatus, s ApiStatus) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// OwnLabelAssignable reports whether an order at s may be given an own
// label number: a 問番 is only added to orders still to be shipped.
func OwnLabelAssignable(s Status) bool { return s == StatusReady || s == StatusAllocated }
