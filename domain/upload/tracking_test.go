package upload

import (
	"fmt"
	"strings"
	"testing"

	"github.com/renkei-oss/renkei/domain"
)

var (
	testCarriers = map[string]int64{"ヤマト運輸": 1, "佐川急便": 2, "日本郵便": 3, "その他": 9}
	testChannels = map[string]int64{"楽天市場 本店": 11, "11": 11, "Amazon": 12, "12": 12}
)

func readTable(t *testing.T, csv string) *Table {
	t.Helper()
	tb, err := Read(strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

func TestParseTracking(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		wantRows string
		wantErrs string
	}{
		{"a good row per carrier, numbers folded",
			"R-1,1234-5678-9013,ヤマト運輸,2026/12/7,\nR-1,111111111112,ヤマト運輸,20261207,楽天市場 本店\nR-2,１２３４５６７８９０１３,佐川急便,2026-12-07,12\nR-3,12345678901,日本郵便,2026-12-08,\n",
			"[{2 R-1 0 1 ヤマト運輸 123456789013 2026-12-07} {3 R-1 11 1 ヤマト運輸 111111111112 2026-12-07} {4 R-2 12 2 佐川急便 123456789013 2026-12-07} {5 R-3 0 3 日本郵便 12345678901 2026-12-08}]",
			"[]"},
		{"malformed per carrier",
			"R-1,12345678901,ヤマト運輸,2026-12-07,\nR-2,123456789016,佐川急便,2026-12-07,\nR-3,1234567890,日本郵便,2026-12-07,\n",
			"[]",
			"[{2 問番 ヤマト運輸の問番「12345678901」は12桁の数字ではありません} {3 問番 佐川急便の問番「123456789016」はチェックデジットが合いません（打ち間違いの可能性があります）} {4 問番 日本郵便の問番「1234567890」は11〜13桁の数字ではありません}]"},
		{"empty and unknown cells, bad dates",
			",123456789013,ヤマト運輸,2026-02-30,\nR-2,123456789013,クロネコ,2026-12-07,\nR-3,123456789013,ヤマト運輸,,楽天\n",
			"[]",
			"[{2 注文番号 注文番号が空です} {2 出荷日 出荷日「2026-02-30」は日付ではありません（2026-12-07 や 2026/12/07 の形）} {3 配送会社 配送会社「クロネコ」は配送会社マスタにありません} {4 販売チャネル 販売チャネル「楽天」はAPI接続設定にありません} {4 出荷日 出荷日「」は日付ではありません（2026-12-07 や 2026/12/07 の形）} {4 問番 問番「123456789013」は2行目と重複しています}]"},
		{"the same number twice",
			"R-1,123456789013,ヤマト運輸,2026-12-07,\nR-2,1234-5678-9013,ヤマト運輸,2026-12-07,\n",
			"[{2 R-1 0 1 ヤマト運輸 123456789013 2026-12-07}]",
			"[{3 問番 問番「123456789013」は2行目と重複しています}]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, errs, err := ParseTracking(readTable(t, "注文番号,問番,配送会社,出荷日,販売チャネル\n"+tt.body), testCarriers, testChannels)
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(rows); got != tt.wantRows {
				t.Errorf("rows\n got %s\nwant %s", got, tt.wantRows)
			}
			if got := fmt.Sprint(errs); got != tt.wantErrs {
				t.Errorf("errors\n got %s\nwant %s", got, tt.wantErrs)
			}
		})
	}
}

func TestParseTrackingNeedsItsColumns(t *testing.T) {
	_, _, err := ParseTracking(readTable(t, "注文番号,問番,出荷日\nR-1,123456789013,2026-12-07\n"), testCarriers, testChannels)
	if !IsFileError(err) || !strings.Contains(err.Error(), "「配送会社」列がありません") {
		t.Fatalf("missing column: %v", err)
	}
}

func TestPlanTracking(t *testing.T) {
	orders := []TrackingOrder{
		{ID: 1, ConnectionID: 11, OrderNo: "R-1", Status: domain.StatusAllocated},
		{ID: 2, ConnectionID: 11, OrderNo: "R-2", Status: domain.StatusReady},
		{ID: 3, ConnectionID: 11, OrderNo: "R-3", Status: domain.StatusShipped},
		{ID: 4, ConnectionID: 11, OrderNo: "X", Status: domain.StatusAllocated},
		{ID: 5, ConnectionID: 12, OrderNo: "X", Status: domain.StatusAllocated},
	}
	taken := map[ParcelKey]int64{{1, "111111111112"}: 1, {1, "222222222221"}: 2}
	row := func(line int, no string, ch int64, tracking string) TrackingRow {
		return TrackingRow{Line: line, OrderNo: no, ChannelID: ch, CarrierID: 1, Carrier: "ヤマト運輸", TrackingNo: tracking, ShipDate: "2026-12-07"}
	}
	tests := []struct {
		name      string
		row       TrackingRow
		wantOrder int64
		wantSt    Status
		wantErr   string
	}{
		{"引当済 takes a new number", row(2, "R-1", 0, "123456789013"), 1, StatusNew, ""},
		{"出荷待ち too", row(3, "R-2", 11, "123456789013"), 2, StatusNew, ""},
		{"a number the order has is unchanged", row(4, "R-1", 0, "111111111112"), 1, StatusUnchanged, ""},
		{"another order's number", row(5, "R-1", 0, "222222222221"), 0, "", "{5 問番 ヤマト運輸の問番「222222222221」は別の注文に登録済みです}"},
		{"unknown order names the row", row(6, "R-9", 0, "123456789013"), 0, "", "{6 注文番号 注文番号「R-9」の出荷指示がありません}"},
		{"shipped orders take none", row(7, "R-3", 0, "123456789013"), 0, "", "{7 注文番号 注文番号「R-3」は出荷済みのため問番を登録できません（引当済・出荷待ちの注文だけ）}"},
		{"ambiguous without channel", row(8, "X", 0, "123456789013"), 0, "", "{8 注文番号 注文番号「X」は複数の販売チャネルにあります。「販売チャネル」列で指定してください}"},
		{"the channel decides", row(9, "X", 12, "123456789013"), 5, StatusNew, ""},
		{"not in that channel", row(10, "R-1", 12, "123456789013"), 0, "", "{10 注文番号 注文番号「R-1」はその販売チャネルの出荷指示にありません}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plans, errs := PlanTracking([]TrackingRow{tt.row}, orders, taken)
			if tt.wantErr != "" {
				if len(plans) != 0 || len(errs) != 1 || fmt.Sprint(errs[0]) != tt.wantErr {
					t.Fatalf("plans %v errors %v, want %s", plans, errs, tt.wantErr)
				}
				return
			}
			if len(errs) != 0 || len(plans) != 1 || plans[0].OrderID != tt.wantOrder || plans[0].Status != tt.wantSt {
				t.Fatalf("plans %+v errors %v", plans, errs)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{
		"2026-12-07": "2026-12-07", "2026/1/7": "2026-01-07", "20261207": "2026-12-07", " 2026/12/07 ": "2026-12-07",
		"2026-13-01": "", "26/12/07": "", "2026-12": "", "": "", "2026-12-07 10:00": "",
	} {
		got, ok := ParseDate(in)
		if got != want || ok != (want != "") {
			t.Errorf("ParseDate(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
}
