package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/store/testdb"
)

func TestImportMappingsStandardCopyAndConnection(t *testing.T) {
	db := testdb.New(t)
	st := store.New(db)
	ctx := context.Background()

	ms, err := st.ImportMappings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != len(domain.Marketplaces) {
		t.Fatalf("%d robots, want one standard per marketplace", len(ms))
	}
	std, err := st.StandardImportMapping(ctx, domain.MarketplaceAmazon)
	if err != nil || std.Name != "出荷指示登録(Amazon API用)" || !std.Standard {
		t.Fatalf("standard amazon robot: %+v %v", std, err)
	}
	std.Name = "変更"
	if err := st.SaveImportMapping(ctx, &std); !errors.Is(err, store.ErrStandardMapping) {
		t.Fatalf("editing a standard robot: %v", err)
	}

	cp, err := st.CopyImportMapping(ctx, std.ID)
	if err != nil {
		t.Fatal(err)
	}
	if cp.Standard || cp.Enabled || cp.Name != "出荷指示登録(Amazon API用) - コピー" {
		t.Fatalf("copy: %+v", cp)
	}
	cp2, err := st.CopyImportMapping(ctx, std.ID)
	if err != nil || cp2.Name != "出荷指示登録(Amazon API用) - コピー (2)" {
		t.Fatalf("second copy: %+v %v", cp2, err)
	}
	// A copy gets the rules of its original.
	rules, err := st.RulesForMapping(ctx, cp.ID)
	if err != nil || len(rules) != len(domain.StandardRules) {
		t.Fatalf("rules applied to copy: %d %v", len(rules), err)
	}

	var carrier, svc, pm int64
	must(t, db.Get(&carrier, `INSERT INTO carriers (name) VALUES ('テスト運輸') RETURNING id`))
	must(t, db.Get(&svc, `INSERT INTO delivery_services (carrier_id, name) VALUES ($1, '宅急便') RETURNING id`, carrier))
	must(t, db.Get(&pm, `INSERT INTO payment_methods (name, kind) VALUES ('テスト代引き', 'cod') RETURNING id`))
	cp.Name, cp.Enabled = "出荷指示登録(Amazon API用)- 独自", true
	cp.DefaultDeliveryServiceID = &svc
	cp.Payment = []domain.NameMapping{{ChannelName: "代引き", TargetID: pm}}
	if err := st.SaveImportMapping(ctx, &cp); err != nil {
		t.Fatal(err)
	}
	got, err := st.ImportMapping(ctx, cp.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != cp.Name || !got.Enabled || *got.DefaultDeliveryServiceID != svc || len(got.Payment) != 1 ||
		got.Payment[0].Kind != domain.PaymentCOD || got.Payment[0].TargetName != "テスト代引き" {
		t.Fatalf("saved robot: %+v", got)
	}

	conn := soConnection(t, db, domain.MarketplaceAmazon, "Amazon JP")
	state, err := st.ConnectionImportState(ctx, conn)
	if err != nil || state.MappingID != std.ID || state.Cursor != nil {
		t.Fatalf("default state %+v %v", state, err)
	}
	must(t, st.SetConnectionImportMapping(ctx, conn, cp.ID))
	if state, _ = st.ConnectionImportState(ctx, conn); state.MappingID != cp.ID {
		t.Fatalf("connection robot = %d, want %d", state.MappingID, cp.ID)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestRulesSaveAndStandardGuard(t *testing.T) {
	db := testdb.New(t)
	st := store.New(db)
	ctx := context.Background()
	rules, err := st.Rules(ctx)
	if err != nil || len(rules) != 5 {
		t.Fatalf("standard rules: %d %v", len(rules), err)
	}
	for i, s := range domain.StandardRules {
		if rules[i].Standard != s || rules[i].Name != s.Label() || !rules[i].Enabled || len(rules[i].MappingIDs) != 5 {
			t.Fatalf("rule %d = %+v", i, rules[i])
		}
	}
	if err := st.DeleteRule(ctx, rules[0].ID); !errors.Is(err, store.ErrStandardRule) {
		t.Fatalf("delete standard: %v", err)
	}
	// A standard rule can be disabled and re-applied but keeps its logic.
	r0 := rules[0]
	r0.Enabled, r0.MappingIDs = false, r0.MappingIDs[:1]
	r0.Action = domain.Action{Kind: domain.ActSkip, Reason: "x"}
	must(t, st.SaveRule(ctx, &r0))
	got, _ := st.Rule(ctx, r0.ID)
	if got.Enabled || len(got.MappingIDs) != 1 || got.Action.Kind != "" {
		t.Fatalf("standard rule after save: %+v", got)
	}

	std, _ := st.StandardImportMapping(ctx, domain.MarketplaceRakuten)
	custom := domain.Rule{Name: "沖縄は保留", Enabled: true, StopAfter: true, MappingIDs: []int64{std.ID},
		Conditions: []domain.Condition{{Field: domain.CondPrefecture, Op: domain.OpEq, Value: "沖縄県"}},
		Action:     domain.Action{Kind: domain.ActHold, Reason: "離島"}}
	must(t, st.SaveRule(ctx, &custom))
	if custom.Position != 60 {
		t.Fatalf("new rule position %d, want after the standard ones", custom.Position)
	}
	applied, err := st.RulesForMapping(ctx, std.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := applied[len(applied)-1]
	if last.ID != custom.ID || !last.StopAfter || last.Conditions[0].Value != "沖縄県" || last.Action.Reason != "離島" {
		t.Fatalf("custom rule round trip: %+v", last)
	}
	for _, r := range applied {
		if r.ID == r0.ID {
			t.Fatal("a disabled rule is listed for its robot")
		}
	}
	must(t, st.DeleteRule(ctx, custom.ID))
	if _, err := st.Rule(ctx, custom.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted rule: %v", err)
	}
}

func TestConversionMastersSkipsAndUnshipped(t *testing.T) {
	db := testdb.New(t)
	st := store.New(db)
	ctx := context.Background()
	conn := soConnection(t, db, domain.MarketplaceRakuten, "楽天A")
	var carrier, svc, pm, prod int64
	must(t, db.Get(&carrier, `INSERT INTO carriers (name) VALUES ('テスト運輸') RETURNING id`))
	must(t, db.Get(&svc, `INSERT INTO delivery_services (carrier_id, name) VALUES ($1, '宅急便') RETURNING id`, carrier))
	must(t, db.Get(&pm, `INSERT INTO payment_methods (name, kind) VALUES ('テストカード', 'credit_card') RETURNING id`))
	must(t, db.Get(&prod, `INSERT INTO products (sku, name) VALUES ('SKU-1', '商品1') RETURNING id`))
	_, err := db.Exec(`INSERT INTO delivery_method_mappings (connection_id, channel_name, delivery_service_id) VALUES ($1, '宅配便', $2);`, conn, svc)
	must(t, err)
	_, err = db.Exec(`INSERT INTO payment_method_mappings (connection_id, channel_name, channel_code, payment_method_id) VALUES ($1, 'クレジットカード', '1', $2)`, conn, pm)
	must(t, err)
	_, err = db.Exec(`INSERT INTO product_mappings (connection_id, item_code, option_code, product_id) VALUES ($1, 'item-1', 'v1', $2)`, conn, prod)
	must(t, err)

	ms, err := st.ConversionMasters(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	if ms.ShipFromID == nil || ms.Delivery["宅配便"].TargetID != svc || ms.Payment["1"].TargetID != pm ||
		ms.Payment["クレジットカード"].Kind != domain.PaymentCard || ms.Products[domain.ProductKey{ItemCode: "item-1", OptionCode: "v1"}] != "SKU-1" {
		t.Fatalf("masters: %+v", ms)
	}

	env, err := st.RuleEnvFor(ctx, []domain.ShipOrder{*soOrder(conn, "X", time.Now())}, true)
	if err != nil || !env.KnownSKUs["SKU-1"] || !env.AtImport {
		t.Fatalf("env %+v %v", env, err)
	}

	in := domain.IncomingOrder{Marketplace: domain.MarketplaceRakuten, OrderNo: "S-1", Status: "300", OrderedAt: time.Now().UTC().Truncate(time.Second),
		Lines: []domain.IncomingLine{{ItemCode: "item-9", Quantity: 1}}}
	must(t, st.InImportTx(ctx, func(tx *store.ImportTx) error {
		return tx.RecordSkips(ctx, []domain.SkippedOrder{{ConnectionID: conn, ChannelOrderNo: "S-1", Reason: "商品マスタに登録がない", RuleName: "r", Order: in}})
	}))
	// Skipped again: one row, the new reason.
	must(t, st.InImportTx(ctx, func(tx *store.ImportTx) error {
		return tx.RecordSkips(ctx, []domain.SkippedOrder{{ConnectionID: conn, ChannelOrderNo: "S-1", Reason: "理由2", Order: in}})
	}))
	sk, err := st.SkippedOrders(ctx, conn, 10)
	if err != nil || len(sk) != 1 || sk[0].Reason != "理由2" || sk[0].Order.Lines[0].ItemCode != "item-9" || !sk[0].Order.OrderedAt.Equal(in.OrderedAt) {
		t.Fatalf("skips %+v %v", sk, err)
	}
	must(t, st.InImportTx(ctx, func(tx *store.ImportTx) error { return tx.ResolveSkips(ctx, conn, []string{"S-1"}) }))
	if sk, _ = st.SkippedOrders(ctx, conn, 10); len(sk) != 0 {
		t.Fatalf("resolved skip still listed: %+v", sk)
	}
	// A batch in one statement: a number twice keeps its last reason, a
	// resolved skip skipped again is listed again.
	must(t, st.InImportTx(ctx, func(tx *store.ImportTx) error {
		return tx.RecordSkips(ctx, []domain.SkippedOrder{
			{ConnectionID: conn, ChannelOrderNo: "S-2", Reason: "最初", Order: in},
			{ConnectionID: conn, ChannelOrderNo: "S-1", Reason: "理由3", Order: in},
			{ConnectionID: conn, ChannelOrderNo: "S-2", Reason: "最後", RuleName: "r2", Order: in},
		})
	}))
	sk, err = st.SkippedOrders(ctx, conn, 10)
	reasons := map[string]string{}
	for _, s := range sk {
		reasons[s.ChannelOrderNo] = s.Reason + "/" + s.RuleName
	}
	if err != nil || len(sk) != 2 || reasons["S-1"] != "理由3/" || reasons["S-2"] != "最後/r2" {
		t.Fatalf("batch skips %v %v", reasons, err)
	}
	must(t, st.InImportTx(ctx, func(tx *store.ImportTx) error { return tx.ResolveSkips(ctx, conn, []string{"S-1", "S-2"}) }))

	must(t, st.InImportTx(ctx, func(tx *store.ImportTx) error {
		return tx.SaveUnshipped(ctx, conn, []domain.IncomingOrder{in, {OrderNo: "U-2", Status: "100", OrderedAt: time.Now()}})
	}))
	must(t, st.InImportTx(ctx, func(tx *store.ImportTx) error { return tx.SaveUnshipped(ctx, conn, []domain.IncomingOrder{in}) }))
	if n, _ := st.UnshippedCount(ctx, conn); n != 2 {
		t.Fatalf("unshipped = %d, want 2", n)
	}
	must(t, st.InImportTx(ctx, func(tx *store.ImportTx) error { return tx.DropUnshipped(ctx, conn, []string{"S-1"}) }))
	if n, _ := st.UnshippedCount(ctx, conn); n != 1 {
		t.Fatalf("unshipped after drop = %d, want 1", n)
	}
}
