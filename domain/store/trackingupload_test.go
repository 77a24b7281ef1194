package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/store/testdb"
	"github.com/renkei-oss/renkei/domain/upload"
)

func previewTracking(t testing.TB, st *store.Store, csv string) *store.Upload {
	t.Helper()
	tab, err := upload.Read(strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.PreviewTrackingUpload(context.Background(), store.Upload{Filename: "tracking.csv"}, tab, "own", upload.ParseTracking)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// 問番アップロード is all or nothing: a file with one bad row stages its
// errors and cannot be applied; a good one adds every parcel, sets 出荷日,
// and applying it again (or the same file again) adds nothing.
func TestTrackingUploadAllOrNothing(t *testing.T) {
	db := testdb.New(t)
	st, ctx := store.New(db), context.Background()
	conn := soConnection(t, db, domain.MarketplaceRakuten, "楽天")
	a := readyOrder(t, db, conn, "R-A", time.Now())
	b := readyOrder(t, db, conn, "R-B", time.Now())
	if _, err := db.Exec(`UPDATE ship_orders SET status = 'shipped' WHERE id = $1`, b); err != nil {
		t.Fatal(err)
	}
	head := "注文番号,問番,配送会社,出荷日\n"
	bad := previewTracking(t, st, head+"R-A,123456789013,ヤマト運輸,2026-12-07\nR-B,111111111112,ヤマト運輸,2026-12-07\nR-Z,222222222224,ヤマト運輸,2026-12-07\n")
	if bad.New != 1 || bad.Invalid != 2 || bad.Applicable() {
		t.Fatalf("bad file counts %+v", bad.Counts)
	}
	errs, _ := st.UploadErrors(ctx, bad.ID)
	if fmt.Sprint(errs) != "[{3 注文番号 注文番号「R-B」は出荷済みのため問番を登録できません（引当済・出荷待ちの注文だけ）} {4 注文番号 注文番号「R-Z」の出荷指示がありません}]" {
		t.Fatalf("errors %v", errs)
	}
	if _, err := st.ApplyTrackingUpload(ctx, bad.ID, "山田"); !errors.Is(err, store.ErrUploadNotApplicable) {
		t.Fatalf("apply of a bad file: %v", err)
	}

	good := head + "R-A,123456789013,ヤマト運輸,2026-12-07\nR-A,1111-1111-1112,ヤマト運輸,2026/12/07\n"
	u := previewTracking(t, st, good)
	if n, err := st.ApplyTrackingUpload(ctx, u.ID, "山田"); err != nil || n != 1 {
		t.Fatalf("apply: %d %v", n, err)
	}
	ps, _ := st.Parcels(ctx, a)
	o, _ := st.ShipOrder(ctx, a)
	if len(ps) != 2 || o.TrackingNo != "123456789013" || o.ShipDate == nil || o.ShipDate.Format(time.DateOnly) != "2026-12-07" {
		t.Fatalf("after apply: %d parcels, order %q %v", len(ps), o.TrackingNo, o.ShipDate)
	}
	if _, err := st.ApplyTrackingUpload(ctx, u.ID, "山田"); !errors.Is(err, store.ErrUploadNotApplicable) {
		t.Fatalf("second apply: %v", err)
	}
	again := previewTracking(t, st, good)
	if again.New != 0 || again.Unchanged != 2 || again.Applicable() {
		t.Fatalf("the same file again %+v", again.Counts)
	}

	// The order ships between preview and apply: nothing is applied.
	late := previewTracking(t, st, head+"R-A,333333333336,ヤマト運輸,2026-12-07\n")
	if _, err := db.Exec(`UPDATE ship_orders SET status = 'shipped' WHERE id = $1`, a); err != nil {
		t.Fatal(err)
	}
	var refused *store.RefusedError
	if _, err := st.ApplyTrackingUpload(ctx, late.ID, "山田"); !errors.As(err, &refused) || !strings.Contains(refused.Msg, "2行目") {
		t.Fatalf("apply after the order shipped: %v", err)
	}
	if ps, _ := st.Parcels(ctx, a); len(ps) != 2 {
		t.Fatalf("%d parcels after a refused apply", len(ps))
	}
}
