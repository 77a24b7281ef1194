package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/store/testdb"
)

func TestConfirmAndCancelShipment(t *testing.T) {
	db := testdb.New(t)
	st, ctx := store.New(db), context.Background()
	stockProducts(t, db, "SKU-A", "SKU-B")
	conn := soConnection(t, db, domain.MarketplaceRakuten, "楽天")
	for _, s := range []string{"SKU-A", "SKU-B"} {
		if err := st.AdjustStock(ctx, s, 5, "入荷", "admin"); err != nil {
			t.Fatal(err)
		}
	}
	withNo := readyOrder(t, db, conn, "R-1", time.Now(), "SKU-A", 2, "SKU-B", 1)
	withoutNo := readyOrder(t, db, conn, "R-2", time.Now(), "SKU-A", 1)
	ready := readyOrder(t, db, conn, "R-3", time.Now(), "SKU-B", 9) // stays 出荷待ち: too few
	if _, err := st.Allocate(ctx, nil, "引当"); err != nil {
		t.Fatal(err)
	}
	yamato := seededCarrier(t, st, "ヤマト運輸")
	if err := st.AddParcel(ctx, withNo, yamato.ID, "123456789013", "山田"); err != nil {
		t.Fatal(err)
	}

	day := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	res, err := st.ConfirmShipments(ctx, []int64{withNo, withoutNo, ready}, day, "山田")
	if err != nil {
		t.Fatal(err)
	}
	wantRefused := fmt.Sprint([]string{
		"注文番号「R-2」は問番が登録されていないため出荷確定できません。",
		"注文番号「R-3」は出荷待ちのため出荷確定できません（引当済の注文だけが出荷確定できます）。",
	})
	if res.Shipped != 1 || fmt.Sprint(res.Refused) != wantRefused {
		t.Fatalf("result %+v", res)
	}
	o, _ := st.ShipOrder(ctx, withNo)
	if o.Status != domain.StatusShipped || o.ShipDate == nil || o.ShipDate.Format(time.DateOnly) != "2026-12-07" {
		t.Fatalf("shipped order %s %v", o.Status, o.ShipDate)
	}
	if s, _ := orderState(t, db, withoutNo); s != "allocated" {
		t.Fatalf("the order without 問番 is %s", s)
	}
	levels := func() string {
		a, _ := st.StockLevel(ctx, "SKU-A")
		b, _ := st.StockLevel(ctx, "SKU-B")
		return fmt.Sprintf("A %d/%d B %d/%d", a.OnHand, a.Allocated, b.OnHand, b.Allocated)
	}
	if got := levels(); got != "A 3/1 B 4/0" {
		t.Fatalf("after shipping %s", got)
	}
	assertLedgerMatches(t, db)

	// Shipping twice changes nothing.
	if res, err := st.ConfirmShipments(ctx, []int64{withNo}, day, "山田"); err != nil || res.Shipped != 0 || len(res.Refused) != 1 {
		t.Fatalf("second 出荷確定 %+v %v", res, err)
	}

	var refused *store.RefusedError
	if err := st.CancelShipment(ctx, withNo, domain.RoleOperator, "山田"); !errors.As(err, &refused) {
		t.Fatalf("operator 出荷取消: %v", err)
	}
	if err := st.CancelShipment(ctx, withNo, domain.RoleAdmin, "管理者"); err != nil {
		t.Fatal(err)
	}
	o, _ = st.ShipOrder(ctx, withNo)
	if o.Status != domain.StatusAllocated || o.ShipDate != nil {
		t.Fatalf("after 出荷取消 %s %v", o.Status, o.ShipDate)
	}
	if got := levels(); got != "A 5/3 B 5/1" {
		t.Fatalf("after 出荷取消 %s", got)
	}
	assertLedgerMatches(t, db)
	if err := st.CancelShipment(ctx, withNo, domain.RoleAdmin, "管理者"); !errors.As(err, &refused) {
		t.Fatalf("出荷取消 of an allocated order: %v", err)
	}

	// Ship again, then the channel hears of it: no undo any more.
	if res, err := st.ConfirmShipments(ctx, []int64{withNo}, day, "山田"); err != nil || res.Shipped != 1 {
		t.Fatalf("ship again %+v %v", res, err)
	}
	if got := levels(); got != "A 3/1 B 4/0" {
		t.Fatalf("after shipping again %s", got)
	}
	if _, err := db.Exec(`UPDATE ship_orders SET api_status = 'shipped' WHERE id = $1`, withNo); err != nil {
		t.Fatal(err)
	}
	if err := st.CancelShipment(ctx, withNo, domain.RoleAdmin, "管理者"); !errors.As(err, &refused) {
		t.Fatalf("出荷取消 after 出荷実績戻し: %v", err)
	}
	es, _ := st.StockEntries(ctx, "SKU-A", 3, 0)
	var kinds []domain.StockKind
	for _, e := range es {
		kinds = append(kinds, e.Kind)
	}
	if fmt.Sprint(kinds) != fmt.Sprint([]domain.StockKind{domain.StockShip, domain.StockUnship, domain.StockShip}) {
		t.Fatalf("SKU-A ledger newest first %v", kinds)
	}
	assertLedgerMatches(t, db)
}
