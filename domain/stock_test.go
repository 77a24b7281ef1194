package domain

import (
	"reflect"
	"testing"
	"time"
)

func TestStockFigures(t *testing.T) {
	tests := []struct {
		name              string
		f                 StockFigures
		allocatable, free int
	}{
		{"plain", StockFigures{OnHand: 10, Allocated: 3, Unshipped: 2, Safety: 1}, 7, 4},
		{"free never below zero", StockFigures{OnHand: 5, Allocated: 3, Unshipped: 2, Safety: 4}, 2, 0},
		{"safety only shrinks free", StockFigures{OnHand: 5, Safety: 5}, 5, 0},
		{"empty", StockFigures{}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.f.Allocatable(); got != tt.allocatable {
				t.Errorf("引当可能数 %d, want %d", got, tt.allocatable)
			}
			if got := tt.f.Free(); got != tt.free {
				t.Errorf("フリー在庫数 %d, want %d", got, tt.free)
			}
		})
	}
}

func TestStockLevelApply(t *testing.T) {
	tests := []struct {
		name    string
		l       StockLevel
		e       StockEntry
		want    StockLevel
		wantErr bool
	}{
		{"receipt", StockLevel{SKU: "A"}, StockEntry{Kind: StockReceipt, OnHandDelta: 5}, StockLevel{"A", 5, 0, 0}, false},
		{"allocate", StockLevel{"A", 5, 1, 0}, StockEntry{Kind: StockAllocate, AllocatedDelta: 4}, StockLevel{"A", 5, 5, 0}, false},
		{"over-allocate", StockLevel{"A", 5, 1, 0}, StockEntry{Kind: StockAllocate, AllocatedDelta: 5}, StockLevel{"A", 5, 1, 0}, true},
		{"issue below zero", StockLevel{"A", 2, 0, 0}, StockEntry{Kind: StockIssue, OnHandDelta: -3}, StockLevel{"A", 2, 0, 0}, true},
		{"issue below allocated", StockLevel{"A", 5, 4, 0}, StockEntry{Kind: StockAdjust, OnHandDelta: -2}, StockLevel{"A", 5, 4, 0}, true},
		{"ship", StockLevel{"A", 5, 4, 0}, StockEntry{Kind: StockShip, OnHandDelta: -4, AllocatedDelta: -4}, StockLevel{"A", 1, 0, 0}, false},
		{"release below zero", StockLevel{"A", 5, 1, 0}, StockEntry{Kind: StockRelease, AllocatedDelta: -2}, StockLevel{"A", 5, 1, 0}, true},
		{"safety", StockLevel{"A", 5, 0, 0}, StockEntry{Kind: StockSafety, SafetyDelta: 2}, StockLevel{"A", 5, 0, 2}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, e := tt.l, tt.e
			err := l.Apply(&e)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err %v, wantErr %v", err, tt.wantErr)
			}
			if l != tt.want {
				t.Fatalf("level %+v, want %+v", l, tt.want)
			}
			if err == nil && (e.OnHandAfter != l.OnHand || e.AllocatedAfter != l.Allocated || e.SKU != "A") {
				t.Fatalf("entry balances %+v", e)
			}
		})
	}
}

func TestReplay(t *testing.T) {
	es := []StockEntry{{OnHandDelta: 10}, {AllocatedDelta: 3}, {OnHandDelta: -3, AllocatedDelta: -3}, {SafetyDelta: 1}}
	if got := Replay("A", es); got != (StockLevel{"A", 7, 0, 1}) {
		t.Fatalf("replay %+v", got)
	}
}

func TestAllocate(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	line := func(sku string, q int) ShipOrderLine { return ShipOrderLine{SKU: sku, Quantity: q} }
	tests := []struct {
		name      string
		orders    []AllocOrder
		available map[string]int
		want      []AllocDecision
		left      map[string]int
	}{
		{
			name: "oldest first takes the last unit",
			orders: []AllocOrder{
				{ID: 2, OrderedAt: t0.Add(time.Hour), Lines: []ShipOrderLine{line("SKU-A", 1)}},
				{ID: 1, OrderedAt: t0, Lines: []ShipOrderLine{line("SKU-A", 1)}},
			},
			available: map[string]int{"SKU-A": 1},
			want: []AllocDecision{
				{OrderID: 1, Take: []SKUQty{{"SKU-A", 1}}},
				{OrderID: 2, Shortage: "在庫不足: SKU-A あと1個"},
			},
			left: map[string]int{"SKU-A": 0},
		},
		{
			name: "all lines or none",
			orders: []AllocOrder{
				{ID: 1, OrderedAt: t0, Lines: []ShipOrderLine{line("SKU-A", 2), line("SKU-B", 3)}},
				{ID: 2, OrderedAt: t0.Add(time.Minute), Lines: []ShipOrderLine{line("SKU-A", 2)}},
			},
			available: map[string]int{"SKU-A": 2, "SKU-B": 1},
			want: []AllocDecision{
				{OrderID: 1, Shortage: "在庫不足: SKU-B あと2個"},
				{OrderID: 2, Take: []SKUQty{{"SKU-A", 2}}},
			},
			left: map[string]int{"SKU-A": 0, "SKU-B": 1},
		},
		{
			name:      "lines of one SKU add up; unknown SKU has none",
			orders:    []AllocOrder{{ID: 1, OrderedAt: t0, Lines: []ShipOrderLine{line("SKU-A", 2), line("SKU-A", 2), line("SKU-C", 1)}}},
			available: map[string]int{"SKU-A": 3},
			want:      []AllocDecision{{OrderID: 1, Shortage: "在庫不足: SKU-A あと1個、SKU-C あと1個"}},
			left:      map[string]int{"SKU-A": 3},
		},
		{
			name:      "same date: lower id first",
			orders:    []AllocOrder{{ID: 9, OrderedAt: t0, Lines: []ShipOrderLine{line("X", 1)}}, {ID: 3, OrderedAt: t0, Lines: []ShipOrderLine{line("X", 1)}}},
			available: map[string]int{"X": 1},
			want:      []AllocDecision{{OrderID: 3, Take: []SKUQty{{"X", 1}}}, {OrderID: 9, Shortage: "在庫不足: X あと1個"}},
			left:      map[string]int{"X": 0},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Allocate(tt.orders, tt.available)
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("decisions\n%+v\nwant\n%+v", got, tt.want)
			}
			if !reflect.DeepEqual(tt.available, tt.left) {
				t.Fatalf("left %v, want %v", tt.available, tt.left)
			}
		})
	}
}

func TestAllocationMoves(t *testing.T) {
	for _, s := range Statuses {
		if CanAllocate(s) != (s == StatusReady) || CanRelease(s) != (s == StatusAllocated) {
			t.Errorf("%s: allocate %v release %v", s, CanAllocate(s), CanRelease(s))
		}
	}
}
