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

func TestParcelsAddRemoveAndHistory(t *testing.T) {
	db := testdb.New(t)
	st := store.New(db)
	ctx := context.Background()
	conn := soConnection(t, db, domain.MarketplaceRakuten, "楽天店")
	insertOrders(t, st, soOrder(conn, "R-1", time.Now()), soOrder(conn, "R-2", time.Now()))
	o1, err := st.ShipOrderByNumber(ctx, conn, "R-1")
	if err != nil {
		t.Fatal(err)
	}
	o2, _ := st.ShipOrderByNumber(ctx, conn, "R-2")
	yamato := seededCarrier(t, st, "ヤマト運輸")

	for _, no := range []string{"123456789013", "111111111114"} {
		if err := st.AddParcel(ctx, o1.ID, yamato.ID, no, "山田"); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.AddParcel(ctx, o2.ID, yamato.ID, "123456789013", "山田"); !errors.Is(err, store.ErrTrackingNoTaken) {
		t.Fatalf("same number on another order: %v, want ErrTrackingNoTaken", err)
	}
	if err := st.AddParcel(ctx, 999999, yamato.ID, "222222222220", "山田"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown order: %v, want ErrNotFound", err)
	}
	ps, err := st.Parcels(ctx, o1.ID)
	if err != nil || len(ps) != 2 || ps[0].TrackingNo != "123456789013" || ps[0].CarrierName != "ヤマト運輸" {
		t.Fatalf("parcels: %+v %v", ps, err)
	}
	if o, _ := st.ShipOrder(ctx, o1.ID); o.TrackingNo != "123456789013" {
		t.Fatalf("order tracking number %q, want the first parcel's", o.TrackingNo)
	}

	if err := st.RemoveParcel(ctx, o1.ID, ps[0].ID, "山田"); err != nil {
		t.Fatal(err)
	}
	if err := st.RemoveParcel(ctx, o2.ID, ps[1].ID, "山田"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another order's parcel: %v, want ErrNotFound", err)
	}
	if o, _ := st.ShipOrder(ctx, o1.ID); o.TrackingNo != "111111111114" {
		t.Fatalf("order tracking number %q after removing the first parcel", o.TrackingNo)
	}
	evs, err := st.ShipOrderEvents(ctx, o1.ID)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range evs {
		if e.Kind == "問番登録" || e.Kind == "問番削除" {
			kinds = append(kinds, e.Kind+" "+e.Message)
		}
	}
	want := []string{"問番登録 ヤマト運輸 123456789013", "問番登録 ヤマト運輸 111111111114", "問番削除 ヤマト運輸 123456789013"}
	if len(kinds) != len(want) {
		t.Fatalf("履歴 %q, want %q", kinds, want)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Fatalf("履歴 %q, want %q", kinds, want)
		}
	}
}

func TestOwnLabelNumbersAreUnique(t *testing.T) {
	st := store.New(testdb.New(t))
	a, err := st.NextOwnLabelNo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := st.NextOwnLabelNo(context.Background())
	if a == b || len(a) != 12 || domain.NormalizeTrackingNo(a) != a {
		t.Fatalf("own label numbers %q %q: want distinct, 12 characters, unchanged by normalising", a, b)
	}
}

// seededCarrier finds a carrier the masters migration seeds.
func seededCarrier(t *testing.T, st *store.Store, name string) domain.Carrier {
	t.Helper()
	cs, err := st.Carriers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("carrier %s is not seeded", name)
	return domain.Carrier{}
}
