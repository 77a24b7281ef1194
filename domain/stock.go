package domain

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// DefaultWarehouse is the one warehouse (拠点) there is today; every stock
// row carries a warehouse key so more can follow.
const DefaultWarehouse int64 = 1

// StockFigures are one SKU's counts as 在庫一覧 shows them.
type StockFigures struct {
	OnHand    int // 実在庫数
	Allocated int // 引当数: held by 引当済 ship orders
	Unshipped int // 未出荷予約数: orders the channel holds as 未出荷
	Safety    int // 予備在庫数: kept back from every channel
}

// Allocatable is 引当可能数 = 実在庫数 − 引当数: what orders already in hand
// may take, including the units kept back as 予備在庫数 or for 未出荷 orders.
func (f StockFigures) Allocatable() int { return max(f.OnHand-f.Allocated, 0) }

// Free is フリー在庫数 = 実在庫数 − 引当数 − 未出荷予約数 − 予備在庫数, never
// below 0: what the channels are offered.
func (f StockFigures) Free() int {
	return max(f.OnHand-f.Allocated-f.Unshipped-f.Safety, 0)
}

// StockKind is the kind of a 在庫履歴 row.
type StockKind string

const (
	StockReceipt   StockKind = "receipt"   // 入庫
	StockIssue     StockKind = "issue"     // 出庫
	StockStocktake StockKind = "stocktake" // 棚卸調整
	StockAllocate  StockKind = "allocate"  // 引当
	StockRelease   StockKind = "release"   // 引当解除
	StockShip      StockKind = "ship"      // 出荷
	StockUnship    StockKind = "unship"    // 出荷取消
	StockAdjust    StockKind = "adjust"    // 手動調整
	StockSafety    StockKind = "safety"    // 予備在庫数変更
)

var stockKindLabels = map[StockKind]string{
	StockReceipt: "入庫", StockIssue: "出庫", StockStocktake: "棚卸調整", StockAllocate: "引当",
	StockRelease: "引当解除", StockShip: "出荷", StockUnship: "出荷取消", StockAdjust: "手動調整", StockSafety: "予備在庫数変更",
}

// Label is the Japanese name shown in 在庫履歴.
func (k StockKind) Label() string {
	if l, ok := stockKindLabels[k]; ok {
		return l
	}
	return string(k)
}

// StockEntry is one row of 在庫履歴: what changed, the balances after it,
// and where it came from.
type StockEntry struct {
	ID             int64     `db:"id"`
	At             time.Time `db:"at"`
	WarehouseID    int64     `db:"warehouse_id"`
	SKU            string    `db:"sku"`
	Kind           StockKind `db:"kind"`
	OnHandDelta    int       `db:"on_hand_delta"`
	AllocatedDelta int       `db:"allocated_delta"`
	SafetyDelta    int       `db:"safety_delta"`
	OnHandAfter    int       `db:"on_hand_after"`
	AllocatedAfter int       `db:"allocated_after"`
	SafetyAfter    int       `db:"safety_after"`
	Actor          string    `db:"actor"`
	Reason         string    `db:"reason"`
	ShipOrderID    *int64    `db:"ship_order_id"`
	UploadID       *int64    `db:"upload_id"`
}

// StockLevel is a SKU's stored balances, what the ledger rows are added to.
type StockLevel struct {
	SKU       string
	OnHand    int
	Allocated int
	Safety    int
}

// Apply adds e's changes to l and fills e's balances; it refuses what the
// database constraints would refuse, with a message for the operator.
func (l *StockLevel) Apply(e *StockEntry) error {
	on, al, sa := l.OnHand+e.OnHandDelta, l.Allocated+e.AllocatedDelta, l.Safety+e.SafetyDelta
	switch {
	case on < 0:
		return fmt.Errorf("%s: 実在庫数が0未満になります（現在 %d、変更 %+d）", l.SKU, l.OnHand, e.OnHandDelta)
	case al < 0:
		return fmt.Errorf("%s: 引当数が0未満になります（現在 %d、変更 %+d）", l.SKU, l.Allocated, e.AllocatedDelta)
	case al > on:
		return fmt.Errorf("%s: 実在庫数が引当数 %d を下回ります（実在庫数 %d）", l.SKU, al, on)
	case sa < 0:
		return fmt.Errorf("%s: 予備在庫数が0未満になります", l.SKU)
	}
	l.OnHand, l.Allocated, l.Safety = on, al, sa
	e.SKU, e.OnHandAfter, e.AllocatedAfter, e.SafetyAfter = l.SKU, on, al, sa
	return nil
}

// Replay sums a SKU's ledger rows, oldest first, into its balances; the
// stored figures must always equal it.
func Replay(sku string, entries []StockEntry) StockLevel {
	l := StockLevel{SKU: sku}
	for _, e := range entries {
		l.OnHand += e.OnHandDelta
		l.Allocated += e.AllocatedDelta
		l.Safety += e.SafetyDelta
	}
	return l
}

// CanAllocate and CanRelease are the two moves allocation makes:
// 出荷待ち → 引当済 and back (release on 引当解除; cancel releases too).
func CanAllocate(s Status) bool { return s == StatusReady }

// CanRelease reports whether an order in s holds stock to release.
func CanRelease(s Status) bool { return s == StatusAllocated }

// AllocOrder is a 出荷待ち order as allocation sees it.
type AllocOrder struct {
	ID        int64
	OrderedAt time.Time
	Lines     []ShipOrderLine
}

// Need sums the order's quantities per SKU, sorted by SKU.
func (o AllocOrder) Need() []SKUQty {
	m := map[string]int{}
	for _, l := range o.Lines {
		m[l.SKU] += l.Quantity
	}
	out := make([]SKUQty, 0, len(m))
	for s, q := range m {
		out = append(out, SKUQty{s, q})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].SKU < out[j].SKU })
	return out
}

// SKUQty is a quantity of one SKU.
type SKUQty struct {
	SKU      string
	Quantity int
}

// AllocDecision is what allocation does with one order: Take (all its
// lines) or stay 出荷待ち with Shortage as the reason.
type AllocDecision struct {
	OrderID  int64
	Take     []SKUQty
	Shortage string
}

// Allocate decides, oldest order date first, which orders get stock:
// an order takes all its lines from 引当可能数 or nothing. available is
// changed in place to what is left.
func Allocate(orders []AllocOrder, available map[string]int) []AllocDecision {
	sorted := append([]AllocOrder(nil), orders...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if !sorted[i].OrderedAt.Equal(sorted[j].OrderedAt) {
			return sorted[i].OrderedAt.Before(sorted[j].OrderedAt)
		}
		return sorted[i].ID < sorted[j].ID
	})
	out := make([]AllocDecision, 0, len(sorted))
	for _, o := range sorted {
		need := o.Need()
		d := AllocDecision{OrderID: o.ID}
		var short []string
		for _, n := range need {
			if n.SKU == "" {
				short = append(short, "SKU未設定の明細があります")
			} else if have := available[n.SKU]; have < n.Quantity {
				short = append(short, fmt.Sprintf("%s あと%d個", n.SKU, n.Quantity-max(have, 0)))
			}
		}
		if len(short) > 0 {
			d.Shortage = ShortageReason(short)
		} else {
			for _, n := range need {
				available[n.SKU] -= n.Quantity
			}
			d.Take = need
		}
		out = append(out, d)
	}
	return out
}

// ShortageReason is the reason shown on 出荷リスト and the order page.
func ShortageReason(parts []string) string { return "在庫不足: " + strings.Join(parts, "、") }

// StockLine is one line of 在庫一覧: a SKU of the 商品マスタ with its figures.
type StockLine struct {
	SKU       string     `db:"sku"`
	Name      string     `db:"name"`
	JAN       string     `db:"jan"`
	OnHand    int        `db:"on_hand"`
	Allocated int        `db:"allocated"`
	Unshipped int        `db:"unshipped"`
	Safety    int        `db:"safety"`
	UpdatedAt *time.Time `db:"updated_at"` // last change; nil before the first
	// Allocatable and Free are computed by the query with the formulas of
	// StockFigures, so lists can filter and sort on them.
	Allocatable int `db:"allocatable"`
	Free        int `db:"free"`
}
