package domain

import (
	"strings"
	"testing"
)

func standardRuleSet(mappingID int64) []Rule {
	var rs []Rule
	for i, s := range StandardRules {
		rs = append(rs, Rule{ID: int64(i + 1), Standard: s, Enabled: true, Position: (i + 1) * 10, MappingIDs: []int64{mappingID}})
	}
	return rs
}

func ruleOrder(mod func(*ShipOrder)) ShipOrder {
	o := ShipOrder{
		ID: 1, ConnectionID: 3, Marketplace: MarketplaceRakuten, ChannelOrderNo: "R-1", ImportMappingID: 7,
		Status: StatusHold, PaymentStatus: PaymentUnpaid, PaymentMethodID: id64(41), PaymentKind: PaymentCard,
		DeliveryServiceID: id64(11), TotalAmount: 5000, Recipient: Party{Name: "A", PostalCode: "100-0005", Prefecture: "東京都", Address: "千代田区"},
		Lines: []ShipOrderLine{{LineNo: 1, SKU: "SKU-A", Quantity: 1}},
	}
	if mod != nil {
		mod(&o)
	}
	return o
}

func TestStandardRules(t *testing.T) {
	env := RuleEnv{KnownSKUs: map[string]bool{"SKU-A": true}, Duplicates: map[string]bool{"DUP-1": true}, AtImport: true}
	tests := []struct {
		name    string
		order   func(*ShipOrder)
		status  Status
		payment PaymentStatus
		skip    string // substring of the skip reason
		effects []string
	}{
		{"paid card order goes to 出荷待ち", func(o *ShipOrder) { o.ChannelPaid = true }, StatusReady, PaymentPaid, "",
			[]string{RuleCheckPayment.Label(), RulePaidToReady.Label()}},
		{"unpaid order goes to 入金確認", nil, StatusAwaitingPayment, PaymentUnpaid, "", []string{RuleUnpaidToAwaiting.Label()}},
		{"deferred payment with 与信OK counts as paid", func(o *ShipOrder) { o.PaymentKind = PaymentDeferred; o.CreditApproved = true }, StatusReady, PaymentPaid, "",
			[]string{RuleCheckPayment.Label(), RulePaidToReady.Label()}},
		{"credit approval means nothing for a card", func(o *ShipOrder) { o.CreditApproved = true }, StatusAwaitingPayment, PaymentUnpaid, "", []string{RuleUnpaidToAwaiting.Label()}},
		{"COD ships unpaid", func(o *ShipOrder) { o.PaymentKind = PaymentCOD }, StatusReady, PaymentUnpaid, "", []string{RulePaidToReady.Label()}},
		{"held with a reason stays on 保留", func(o *ShipOrder) { o.ChannelPaid = true; o.Hold(HoldByImport, "支払方法「X」") }, StatusHold, PaymentPaid, "",
			[]string{RuleCheckPayment.Label()}},
		{"unknown SKU is skipped", func(o *ShipOrder) { o.Lines = append(o.Lines, ShipOrderLine{SKU: "SKU-Z"}) }, StatusHold, PaymentUnpaid, "SKU-Z",
			[]string{RuleSkipUnknownSKU.Label()}},
		{"unmapped line is skipped naming the channel code", func(o *ShipOrder) { o.Lines[0] = ShipOrderLine{ItemCode: "item-q", OptionCode: "v2"} }, StatusHold, PaymentUnpaid, "item-q v2",
			[]string{RuleSkipUnknownSKU.Label()}},
		{"duplicate order number is skipped", func(o *ShipOrder) { o.ChannelOrderNo = "DUP-1" }, StatusHold, PaymentUnpaid, "別の販売チャネルで取込済み",
			[]string{RuleSkipDuplicate.Label()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := ruleOrder(tt.order)
			out := ApplyRules(&o, standardRuleSet(7), env)
			if tt.skip != "" {
				if !out.Skip || !strings.Contains(out.SkipReason, tt.skip) {
					t.Fatalf("skip = %v %q, want %q", out.Skip, out.SkipReason, tt.skip)
				}
			} else if out.Skip {
				t.Fatalf("skipped: %s", out.SkipReason)
			}
			if o.Status != tt.status || o.PaymentStatus != tt.payment {
				t.Fatalf("status %s payment %s, want %s %s", o.Status.Label(), o.PaymentStatus.Label(), tt.status.Label(), tt.payment.Label())
			}
			var names []string
			for _, e := range out.Effects {
				names = append(names, e.RuleName)
				if e.Action == "" {
					t.Errorf("effect of %s says nothing", e.RuleName)
				}
			}
			if strings.Join(names, "|") != strings.Join(tt.effects, "|") {
				t.Fatalf("effects %v, want %v", names, tt.effects)
			}
			if len(o.Effects) != len(out.Effects) {
				t.Fatal("effects not recorded on the order")
			}
		})
	}
}

func TestRulesOnlyForTheirRobotAndWhenEnabled(t *testing.T) {
	rs := standardRuleSet(99) // applied to another robot
	o := ruleOrder(func(o *ShipOrder) { o.ChannelPaid = true })
	if out := ApplyRules(&o, rs, RuleEnv{AtImport: true}); len(out.Effects) != 0 || o.Status != StatusHold {
		t.Fatalf("rules of robot 99 acted on robot 7: %+v", out)
	}
	rs = standardRuleSet(7)
	for i := range rs {
		rs[i].Enabled = false
	}
	if out := ApplyRules(&o, rs, RuleEnv{AtImport: true}); len(out.Effects) != 0 {
		t.Fatal("disabled rules acted")
	}
}

func TestCustomRules(t *testing.T) {
	okinawa := Rule{ID: 50, Name: "沖縄は保留", Enabled: true, Position: 1, MappingIDs: []int64{7},
		Conditions: []Condition{{Field: CondPrefecture, Op: OpEq, Value: "沖縄県"}},
		Action:     Action{Kind: ActHold, Reason: "離島配送の確認"}}
	big := Rule{ID: 51, Name: "高額は佐川", Enabled: true, Position: 2, StopAfter: true, MappingIDs: []int64{7},
		Conditions: []Condition{{Field: CondAmount, Op: OpGte, Value: "30000"}, {Field: CondPaymentKind, Op: OpIn, Value: "クレジットカード, 前払い"}},
		Action:     Action{Kind: ActSetDelivery, DeliveryServiceID: 22, DeliveryName: "佐川急便 飛脚宅配便"}}
	skipTest := Rule{ID: 52, Name: "テスト注文を除外", Enabled: true, Position: 3, MappingIDs: []int64{7},
		Conditions: []Condition{{Field: CondSKU, Op: OpEq, Value: "TEST"}},
		Action:     Action{Kind: ActSkip, Reason: "テスト注文"}}
	rules := append([]Rule{okinawa, big, skipTest}, standardRuleSet(7)...)
	for i := 3; i < len(rules); i++ {
		rules[i].Position += 100
	}
	env := RuleEnv{KnownSKUs: map[string]bool{"SKU-A": true, "TEST": true}, AtImport: true}

	o := ruleOrder(func(o *ShipOrder) { o.Recipient.Prefecture = "沖縄県"; o.ChannelPaid = true })
	ApplyRules(&o, rules, env)
	if o.Status != StatusHold || o.HoldReason != "離島配送の確認" || o.PaymentStatus != PaymentPaid {
		t.Fatalf("okinawa: %s %q %s", o.Status.Label(), o.HoldReason, o.PaymentStatus)
	}

	o = ruleOrder(func(o *ShipOrder) { o.TotalAmount = 50000; o.ChannelPaid = true })
	out := ApplyRules(&o, rules, env)
	if *o.DeliveryServiceID != 22 || len(out.Effects) != 1 || !strings.Contains(out.Effects[0].Action, "佐川急便") {
		t.Fatalf("stop-after rule: %+v", out.Effects)
	}
	if o.Status != StatusHold || o.PaymentStatus != PaymentUnpaid {
		t.Fatal("rules after a stopping rule ran")
	}

	o = ruleOrder(func(o *ShipOrder) { o.Lines = append(o.Lines, ShipOrderLine{SKU: "TEST"}) })
	if out := ApplyRules(&o, rules, env); !out.Skip || out.SkipReason != "テスト注文" || out.SkipRule != "テスト注文を除外" {
		t.Fatalf("skip rule: %+v", out)
	}

	// set status never lifts a hold that has a reason.
	toReady := Rule{ID: 60, Name: "全部出荷待ち", Enabled: true, MappingIDs: []int64{7}, Action: Action{Kind: ActSetStatus, Status: StatusReady}}
	o = ruleOrder(func(o *ShipOrder) { o.Hold(HoldByImport, "支払方法「X」") })
	ApplyRules(&o, []Rule{toReady}, env)
	if o.Status != StatusHold {
		t.Fatal("set status released a hold with a reason")
	}
}

func TestConditionMatch(t *testing.T) {
	o := ruleOrder(func(o *ShipOrder) { o.ChannelPaid = true; o.PaymentStatus = PaymentPaid })
	tests := []struct {
		c    Condition
		want bool
	}{
		{Condition{CondChannel, OpEq, "3"}, true},
		{Condition{CondChannel, OpNe, "3"}, false},
		{Condition{CondMarketplace, OpIn, "amazon,rakuten"}, true},
		{Condition{CondStatus, OpEq, "保留"}, true},
		{Condition{CondStatus, OpEq, "ready"}, false},
		{Condition{CondStatus, OpNotIn, "出荷待ち,引当済"}, true},
		{Condition{CondPaymentMethod, OpEq, "41"}, true},
		{Condition{CondPaymentKind, OpEq, "クレジットカード"}, true},
		{Condition{CondPaymentKind, OpEq, "cod"}, false},
		{Condition{CondPaid, OpEq, "true"}, true},
		{Condition{CondAmount, OpGte, "5000"}, true},
		{Condition{CondAmount, OpLte, "4999"}, false},
		{Condition{CondSKU, OpEq, "SKU-A"}, true},
		{Condition{CondSKU, OpNe, "SKU-A"}, false},
		{Condition{CondSKU, OpIn, "X,SKU-A"}, true},
		{Condition{CondDeliveryService, OpEq, "11"}, true},
		{Condition{CondDeliveryService, OpEq, ""}, false},
		{Condition{CondPrefecture, OpEq, "東京都"}, true},
	}
	for _, tt := range tests {
		if got := tt.c.Match(o); got != tt.want {
			t.Errorf("%+v = %v, want %v", tt.c, got, tt.want)
		}
	}
	none := o
	none.DeliveryServiceID = nil
	if !(Condition{CondDeliveryService, OpEq, ""}).Match(none) {
		t.Error("empty value should match an order with no delivery service")
	}
}

func TestRuleValidate(t *testing.T) {
	tests := []struct {
		r     Rule
		field string
	}{
		{Rule{Name: "", Action: Action{Kind: ActHold, Reason: "x"}}, "処理ロボット名"},
		{Rule{Name: "a", Action: Action{Kind: ActHold}}, "アクション"},
		{Rule{Name: "a", Action: Action{Kind: ActSetStatus, Status: StatusShipped}}, "アクション"},
		{Rule{Name: "a", Action: Action{Kind: ActSetDelivery}}, "アクション"},
		{Rule{Name: "a", Conditions: []Condition{{CondAmount, OpGte, "abc"}}, Action: Action{Kind: ActSkip, Reason: "r"}}, "条件1"},
		{Rule{Name: "a", Conditions: []Condition{{CondPrefecture, OpGte, "1"}}, Action: Action{Kind: ActSkip, Reason: "r"}}, "条件1"},
		{Rule{Name: "a", Conditions: []Condition{{CondStatus, OpEq, "なし"}}, Action: Action{Kind: ActSkip, Reason: "r"}}, "条件1"},
		{Rule{Name: "a", Conditions: []Condition{{"nope", OpEq, "1"}}, Action: Action{Kind: ActSkip, Reason: "r"}}, "条件1"},
		{Rule{Name: "a", Conditions: []Condition{{CondPrefecture, OpEq, strings.Repeat("東", 2001)}}, Action: Action{Kind: ActSkip, Reason: "r"}}, "条件1"},
		{Rule{Name: "a", Conditions: []Condition{{CondPrefecture, OpEq, "東\xff"}}, Action: Action{Kind: ActSkip, Reason: "r"}}, "条件1"},
		{Rule{Name: "a", Action: Action{Kind: ActHold, Reason: strings.Repeat("r", 201)}}, "アクション"},
		{Rule{Name: "a", Action: Action{Kind: ActHold, Reason: "r\x00"}}, "アクション"},
	}
	for _, tt := range tests {
		if errs := tt.r.Validate(); errs[tt.field] == "" {
			t.Errorf("%+v: no error on %s (%v)", tt.r, tt.field, errs)
		}
	}
	ok := Rule{Name: "ok", Conditions: []Condition{{CondAmount, OpGte, "100"}, {CondPaid, OpEq, "false"}}, Action: Action{Kind: ActSetStatus, Status: StatusAwaitingPayment}}
	if errs := ok.Validate(); len(errs) != 0 {
		t.Fatalf("valid rule rejected: %v", errs)
	}
}

func TestPreviewRule(t *testing.T) {
	orders := []ShipOrder{
		ruleOrder(func(o *ShipOrder) { o.ID = 1; o.ChannelOrderNo = "A"; o.Recipient.Prefecture = "沖縄県" }),
		ruleOrder(func(o *ShipOrder) { o.ID = 2; o.ChannelOrderNo = "B" }),
		ruleOrder(func(o *ShipOrder) {
			o.ID = 3
			o.ChannelOrderNo = "C"
			o.Recipient.Prefecture = "沖縄県"
			o.Status = StatusReady
		}),
	}
	r := Rule{ID: 9, Name: "沖縄は入金確認", Enabled: false, Conditions: []Condition{{CondPrefecture, OpEq, "沖縄県"}},
		Action: Action{Kind: ActSetStatus, Status: StatusAwaitingPayment}}
	rows := PreviewRule(r, orders, RuleEnv{})
	if len(rows) != 2 || rows[0].ChannelOrderNo != "A" || rows[0].After != StatusAwaitingPayment || rows[1].Before != StatusReady {
		t.Fatalf("preview rows: %+v", rows)
	}
	if orders[0].Status != StatusHold || len(orders[0].Effects) != 0 {
		t.Fatal("the preview changed the orders")
	}
	skip := Rule{Name: "除外", Conditions: []Condition{{CondPrefecture, OpEq, "沖縄県"}}, Action: Action{Kind: ActSkip, Reason: "テスト"}}
	rows = PreviewRule(skip, orders, RuleEnv{})
	if len(rows) != 2 || rows[0].WouldSkip || !strings.Contains(rows[0].Effect.Action, "取込時のみ") {
		t.Fatalf("skip preview on existing orders: %+v", rows)
	}
	std := PreviewRule(Rule{Standard: RulePaidToReady}, []ShipOrder{ruleOrder(func(o *ShipOrder) { o.PaymentStatus = PaymentPaid; o.Status = StatusAwaitingPayment })}, RuleEnv{})
	if len(std) != 1 || std[0].After != StatusReady || std[0].Effect.RuleName != RulePaidToReady.Label() {
		t.Fatalf("standard preview: %+v", std)
	}
}
