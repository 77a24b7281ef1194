package upload

import (
	"fmt"
	"strings"
	"testing"

	"github.com/renkei-oss/renkei/domain"
)

func TestParseStockReportsEveryBadCell(t *testing.T) {
	tab, err := Read(strings.NewReader("商品コード,数量,予備在庫数,理由\nA,10,,棚卸\nB,1.5,x,\n,3,,\nA,2,,\nC,-1,2,\n"))
	if err != nil {
		t.Fatal(err)
	}
	rows, errs, err := ParseStock(tab)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].SKU != "A" || rows[0].Quantity != 10 || rows[0].Reason != "棚卸" || rows[0].Safety != nil {
		t.Fatalf("rows %+v", rows)
	}
	want := []string{
		"3 数量 「1.5」は整数ではありません", "3 予備在庫数 「x」は整数ではありません", "4 商品コード 商品コードが空です",
		"5 商品コード 商品コード「A」は2行目と重複しています。どちらか一方にしてください。", "6 数量 0以上の整数を入力してください",
	}
	var got []string
	for _, e := range errs {
		got = append(got, fmt.Sprintf("%d %s %s", e.Line, e.Column, e.Reason))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("errors\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, _, err := ParseStock(&Table{Header: []string{"商品コード"}}); !IsFileError(err) {
		t.Fatalf("missing 数量 column: %v", err)
	}
}

func TestPlanStock(t *testing.T) {
	two := 2
	levels := map[string]domain.StockLevel{"A": {SKU: "A", OnHand: 5, Allocated: 3}, "B": {SKU: "B"}}
	tests := []struct {
		name   string
		row    StockRow
		mode   StockMode
		safety bool
		want   string // entries or the error
	}{
		{"overwrite records the difference", StockRow{SKU: "A", Quantity: 8}, StockOverwrite, false, "stocktake+3"},
		{"overwrite with the same figure changes nothing", StockRow{SKU: "A", Quantity: 5}, StockOverwrite, false, "unchanged"},
		{"overwrite below 引当数", StockRow{SKU: "A", Quantity: 2}, StockOverwrite, false, "数量: 実在庫数を引当数 3 より少なくはできません"},
		{"add", StockRow{SKU: "B", Quantity: 4}, StockAdd, false, "receipt+4"},
		{"subtract below zero", StockRow{SKU: "B", Quantity: 1}, StockSubtract, false, "数量: 減算すると実在庫数が0未満になります（実在庫数 0）"},
		{"subtract", StockRow{SKU: "A", Quantity: 2}, StockSubtract, false, "issue-2"},
		{"unknown SKU", StockRow{SKU: "Z", Quantity: 1}, StockAdd, false, "商品コード: 商品コード「Z」は商品マスタにありません"},
		{"safety needs an admin", StockRow{SKU: "B", Quantity: 0, Safety: &two}, StockAdd, false, "予備在庫数: 予備在庫数の一括変更は管理者だけができます"},
		{"safety by an admin", StockRow{SKU: "B", Quantity: 0, Safety: &two}, StockAdd, true, "safety+2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plans, st, errs := PlanStock([]StockRow{tt.row}, tt.mode, levels, tt.safety)
			var got string
			switch {
			case len(errs) > 0:
				got = errs[0].Column + ": " + errs[0].Reason
			case st[0] == StatusUnchanged:
				got = "unchanged"
			default:
				for _, e := range plans[0] {
					got += fmt.Sprintf("%s%+d", e.Kind, e.OnHandDelta+e.SafetyDelta)
				}
			}
			if got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
}
