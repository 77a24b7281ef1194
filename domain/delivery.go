package domain

import (
	"fmt"
	"strconv"
	"strings"
)

// DeliveryService (配送サービス) is one carrier's service, e.g. ヤマト運輸 宅急便.
type DeliveryService struct {
	ID          int64      `db:"id"`
	CarrierID   int64      `db:"carrier_id"`
	CarrierName string     `db:"carrier_name"`
	Name        string     `db:"name"`
	Disabled    bool       `db:"disabled"`
	TimeSlots   []TimeSlot `db:"-"`
}

// TimeSlot (配送時間帯) is a delivery window of a service with the code each
// marketplace uses for it. Rakuten sends it as shippingTerm.
type TimeSlot struct {
	ID                  int64  `db:"id"`
	ServiceID           int64  `db:"delivery_service_id"`
	Name                string `db:"name"`
	RakutenShippingTerm string `db:"rakuten_shipping_term"`
	SortOrder           int    `db:"sort_order"`
}

// DeliveryMethodMapping maps a channel's own delivery-method name (楽天
// 配送方法・送料設定, futureshop deliveryServiceName, …) to our service, so
// an imported order gets a service instead of an "unknown method" error.
type DeliveryMethodMapping struct {
	ID                int64  `db:"id"`
	ConnectionID      int64  `db:"connection_id"`
	ChannelName       string `db:"channel_name"`
	DeliveryServiceID int64  `db:"delivery_service_id"`
	ServiceName       string `db:"service_name"`
	CarrierName       string `db:"carrier_name"`
}

// Validate returns Japanese messages keyed by field label.
func (s DeliveryService) Validate() map[string]string {
	errs := map[string]string{}
	if s.CarrierID == 0 {
		errs["配送会社"] = "配送会社を選んでください。"
	}
	if strings.TrimSpace(s.Name) == "" {
		errs["配送サービス名"] = "配送サービス名を入力してください。"
	} else if len([]rune(s.Name)) > 100 {
		errs["配送サービス名"] = "配送サービス名は100文字以内で入力してください。"
	}
	return errs
}

// Validate checks the slot's name and its Rakuten shippingTerm.
func (t TimeSlot) Validate() map[string]string {
	errs := map[string]string{}
	if strings.TrimSpace(t.Name) == "" {
		errs["時間帯名"] = "時間帯名を入力してください（例: 午前中、14-16時）。"
	}
	if t.RakutenShippingTerm != "" {
		if err := ValidRakutenShippingTerm(t.RakutenShippingTerm); err != nil {
			errs["楽天shippingTerm"] = err.Error()
		}
	}
	return errs
}

// ValidRakutenShippingTerm accepts 0 (none), 1 (午前), 2 (午後), 9 (other) or
// "h1h2" hours such as 1416 for 14–16時 (rakuten.md §3.1).
func ValidRakutenShippingTerm(s string) error {
	switch s {
	case "0", "1", "2", "9":
		return nil
	}
	if len(s) == 4 && masterDigits(s) {
		from, _ := strconv.Atoi(s[:2])
		to, _ := strconv.Atoi(s[2:])
		if from >= 0 && to <= 24 && from < to {
			return nil
		}
	}
	return fmt.Errorf("楽天の shippingTerm「%s」は使えません。0・1（午前）・2（午後）・9 か、1416（14-16時）のような開始時・終了時の4桁を入力してください。", s)
}

// Validate checks a delivery-method mapping.
func (m DeliveryMethodMapping) Validate() map[string]string {
	errs := map[string]string{}
	if m.ConnectionID == 0 {
		errs["販売チャネル"] = "販売チャネルを選んでください。"
	}
	if strings.TrimSpace(m.ChannelName) == "" {
		errs["チャネルの配送方法名"] = "チャネル側の配送方法名を入力してください。"
	}
	if m.DeliveryServiceID == 0 {
		errs["配送サービス"] = "対応させる配送サービスを選んでください。"
	}
	return errs
}
