package domain

import (
	"testing"
	"time"
)

func TestShipDate(t *testing.T) {
	tests := []struct {
		name string
		now  time.Time
		want string
	}{
		{"15:30 UTC is already the next day in Japan", time.Date(2026, 12, 7, 15, 30, 0, 0, time.UTC), "2026-12-08"},
		{"14:59 UTC is still the same day", time.Date(2026, 12, 7, 14, 59, 0, 0, time.UTC), "2026-12-07"},
		{"a Japan time stays its date", time.Date(2026, 12, 8, 0, 1, 0, 0, jst), "2026-12-08"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ShipDate(tt.now).Format(time.DateOnly); got != tt.want {
				t.Fatalf("ShipDate = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestUnshipRefusal(t *testing.T) {
	tests := []struct {
		name   string
		role   Role
		status Status
		api    ApiStatus
		want   string
	}{
		{"admin undoes a shipment not yet pushed", RoleAdmin, StatusShipped, ApiUnlinked, ""},
		{"admin undoes after printing", RoleAdmin, StatusShipped, ApiLabelPrinted, ""},
		{"operators may not", RoleOperator, StatusShipped, ApiUnlinked, "出荷取消は管理者だけが実行できます。"},
		{"not shipped", RoleAdmin, StatusAllocated, ApiUnlinked, "注文番号「R-1」は引当済のため出荷取消できません（出荷済みの注文だけが取り消せます）。"},
		{"問番戻し sent", RoleAdmin, StatusShipped, ApiTrackingReturned, "注文番号「R-1」はAPIステータスが問番戻しで、出荷実績をチャネルへ戻した後のため出荷取消できません。"},
		{"出荷実績戻し sent", RoleAdmin, StatusShipped, ApiShipped, "注文番号「R-1」はAPIステータスが出荷済みで、出荷実績をチャネルへ戻した後のため出荷取消できません。"},
		{"取引完了", RoleAdmin, StatusShipped, ApiCompleted, "注文番号「R-1」はAPIステータスが取引完了で、出荷実績をチャネルへ戻した後のため出荷取消できません。"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := ShipOrder{ChannelOrderNo: "R-1", Status: tt.status, ApiStatus: tt.api}
			if got := UnshipRefusal(o, tt.role); got != tt.want {
				t.Fatalf("UnshipRefusal = %q, want %q", got, tt.want)
			}
		})
	}
}
