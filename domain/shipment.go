package domain

import (
	"fmt"
	"time"
)

// ShipDate is 出荷日 for a shipment confirmed at now: the Japan date, since
// 出荷実績戻し qualifies orders by "出荷日がアクション実行日当日" in Japan.
func ShipDate(now time.Time) time.Time {
	y, m, d := now.In(jst).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// pushedToChannel reports whether a 出荷実績戻し (or 問番戻し) has reached the
// channel: after that the channel believes the parcel left, so undoing the
// shipment here would leave the two disagreeing.
func pushedToChannel(a ApiStatus) bool {
	return a == ApiTrackingReturned || a == ApiShipped || a == ApiCompleted
}

// UnshipRefusal says why 出荷取消 must refuse the order, or "" when it may
// be undone: only admins undo, only 出荷済み orders, and only before any
// 出荷実績戻し was sent for it.
func UnshipRefusal(o ShipOrder, role Role) string {
	switch {
	case role != RoleAdmin:
		return "出荷取消は管理者だけが実行できます。"
	case o.Status != StatusShipped:
		return fmt.Sprintf("注文番号「%s」は%sのため出荷取消できません（出荷済みの注文だけが取り消せます）。", o.ChannelOrderNo, o.Status.Label())
	case pushedToChannel(o.ApiStatus):
		return fmt.Sprintf("注文番号「%s」はAPIステータスが%sで、出荷実績をチャネルへ戻した後のため出荷取消できません。", o.ChannelOrderNo, o.ApiStatus.Label())
	}
	return ""
}

// TakesTracking reports whether 問番 may be uploaded for an order in s: the
// warehouse labels orders it is about to ship, 出荷待ち or 引当済.
func TakesTracking(s Status) bool { return s == StatusReady || s == StatusAllocated }
