package domain

import (
	"reflect"
	"testing"
)

func TestApiStatusAfterPrint(t *testing.T) {
	tests := []struct {
		m    Marketplace
		p    Paper
		cur  ApiStatus
		want ApiStatus
	}{
		{MarketplaceShopserve, PaperPackingSlip, ApiUnlinked, ApiLabelPrinted},
		{MarketplaceShopserve, PaperOwnLabel, ApiAwaitingLabel, ApiLabelPrinted},
		{MarketplaceShopserve, PaperCarrierCSV, ApiUnlinked, ApiLabelPrinted},
		{MarketplaceShopserve, PaperPickingList, ApiUnlinked, ApiUnlinked},                 // not per order
		{MarketplaceShopserve, PaperPackingSlip, ApiTrackingReturned, ApiTrackingReturned}, // never back
		{MarketplaceShopserve, PaperPackingSlip, ApiLabelPrinted, ApiLabelPrinted},         // reprint
		{MarketplaceAmazon, PaperPackingSlip, ApiAwaitingLabel, ApiAwaitingLabel},          // its result waits at 印刷待ち
		{MarketplaceRakuten, PaperOwnLabel, ApiUnlinked, ApiUnlinked},
	}
	for _, tt := range tests {
		if got := ApiStatusAfterPrint(tt.m, tt.p, tt.cur); got != tt.want {
			t.Errorf("%s %s from %s: %s, want %s", tt.m, tt.p, tt.cur, got, tt.want)
		}
	}
}

func TestPrintMovesFor(t *testing.T) {
	got := PrintMovesFor(PaperOwnLabel)
	want := []PrintMove{{Marketplace: MarketplaceShopserve, From: []ApiStatus{ApiUnlinked, ApiAwaitingLabel}, To: ApiLabelPrinted}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("moves %+v, want %+v", got, want)
	}
	if got := PrintMovesFor(PaperPickingList); len(got) != 0 {
		t.Errorf("picking list moves %+v", got)
	}
}

func TestIsOwnLabelNo(t *testing.T) {
	tests := []struct {
		carrier, no string
		want        bool
	}{
		{CarrierOther, OwnLabelNo(42), true},
		{CarrierOther, "RK0000000042", true},
		{"ヤマト運輸", "RK0000000042", false}, // another carrier's number
		{CarrierOther, "RK42", false},
		{CarrierOther, "QSP123", false},
	}
	for _, tt := range tests {
		if got := IsOwnLabelNo(tt.carrier, tt.no); got != tt.want {
			t.Errorf("IsOwnLabelNo(%s, %s) = %v", tt.carrier, tt.no, got)
		}
	}
}

func TestPickingAndTotals(t *testing.T) {
	rows := []PickingRow{{SKU: "B", Quantity: 1}, {SKU: "A-2", Quantity: 3}, {SKU: "A-10", Quantity: 2}}
	SortPicking(rows)
	var order []string
	for _, r := range rows {
		order = append(order, r.SKU)
	}
	if !reflect.DeepEqual(order, []string{"A-10", "A-2", "B"}) {
		t.Errorf("order %v", order)
	}
	if n := (PickingList{Rows: rows}).TotalQuantity(); n != 6 {
		t.Errorf("total %d", n)
	}
	o := ShipOrder{Lines: []ShipOrderLine{{Quantity: 2, UnitPrice: 980}, {Quantity: 1, UnitPrice: 2500}}}
	if o.LinesTotal() != 4460 {
		t.Errorf("lines total %d", o.LinesTotal())
	}
}
