package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/store/testdb"
)

func paperOrders(t *testing.T, st *store.Store, conn int64, m domain.Marketplace, nos ...string) []int64 {
	t.Helper()
	var orders []*domain.ShipOrder
	for _, no := range nos {
		o := soOrder(conn, no, time.Now())
		o.Marketplace, o.Status = m, domain.StatusAllocated
		orders = append(orders, o)
	}
	insertOrders(t, st, orders...)
	var ids []int64
	for _, no := range nos {
		o, err := st.ShipOrderByNumber(context.Background(), conn, no)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, o.ID)
	}
	return ids
}

// 納品書 come in the order asked for, with lines, the connection's 発送元
// and the channel's name.
func TestPackingSlipsInOrderWithSender(t *testing.T) {
	db := testdb.New(t)
	st := store.New(db)
	conn := soConnection(t, db, domain.MarketplaceRakuten, "楽天店")
	ids := paperOrders(t, st, conn, domain.MarketplaceRakuten, "P-1", "P-2", "P-3")
	want := []int64{ids[2], ids[0], 999999, ids[1]}
	var got []string
	err := st.PackingSlips(context.Background(), want, func(s domain.PackingSlip) error {
		if s.From.Name != "発送元 楽天店" || s.ChannelName != "楽天店" || len(s.Order.Lines) != 1 || s.Order.Lines[0].SKU != "SKU-1" {
			t.Errorf("slip %+v", s)
		}
		got = append(got, s.Order.ChannelOrderNo)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, ",") != "P-3,P-1,P-2" {
		t.Errorf("order %v, want P-3,P-1,P-2 (unknown id left out)", got)
	}
}

func TestPickingListSumsBySKU(t *testing.T) {
	db := testdb.New(t)
	st := store.New(db)
	ctx := context.Background()
	if _, err := db.Exec(`INSERT INTO products (sku, name, jan) VALUES ('SKU-1', '商品マスタの名前', '4901234567894'), ('SKU-0', 'ゼロ', '')`); err != nil {
		t.Fatal(err)
	}
	conn := soConnection(t, db, domain.MarketplaceRakuten, "楽天店")
	ids := paperOrders(t, st, conn, domain.MarketplaceRakuten, "P-1", "P-2")
	if _, err := db.Exec(`INSERT INTO ship_order_lines (ship_order_id, line_no, item_code, sku, name, quantity)
		VALUES ($1, 2, 'i-0', 'SKU-0', 'x', 4), ($1, 3, 'raw-item', '', 'チャネルの名前', 1)`, ids[1]); err != nil {
		t.Fatal(err)
	}
	pl, err := st.PickingList(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	want := []domain.PickingRow{
		{SKU: "SKU-0", Name: "ゼロ", Quantity: 4},
		{SKU: "SKU-1", Name: "商品マスタの名前", JAN: "4901234567894", Quantity: 4}, // 2 + 2
		{SKU: "raw-item", Name: "チャネルの名前", Quantity: 1, Unmapped: true},
	}
	if pl.Orders != 2 || len(pl.Rows) != len(want) {
		t.Fatalf("picking list %+v", pl)
	}
	for i := range want {
		if pl.Rows[i] != want[i] {
			t.Errorf("row %d %+v, want %+v", i, pl.Rows[i], want[i])
		}
	}
}

// Own labels: one number per order, kept on reprint, only for orders still
// to ship; 履歴 and the order's 問番 say so.
func TestAssignOwnLabels(t *testing.T) {
	db := testdb.New(t)
	st := store.New(db)
	ctx := context.Background()
	conn := soConnection(t, db, domain.MarketplaceInterpark, "Interpark")
	ids := paperOrders(t, st, conn, domain.MarketplaceInterpark, "I-1", "I-2", "I-3")
	if _, err := db.Exec(`UPDATE ship_orders SET status = 'cancelled' WHERE id = $1`, ids[2]); err != nil {
		t.Fatal(err)
	}
	n, err := st.AssignOwnLabels(ctx, ids, "山田")
	if err != nil || n != 2 {
		t.Fatalf("assigned %d, %v; want 2 (not the cancelled order)", n, err)
	}
	if n, err := st.AssignOwnLabels(ctx, ids, "山田"); err != nil || n != 0 {
		t.Fatalf("second run assigned %d, %v; want 0", n, err)
	}
	var labels []domain.ShippingLabel
	if err := st.ShippingLabels(ctx, ids, func(l domain.ShippingLabel) error { labels = append(labels, l); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(labels) != 2 || labels[0].LabelNo == labels[1].LabelNo || !domain.IsOwnLabelNo(domain.CarrierOther, labels[0].LabelNo) ||
		labels[0].CarrierName != domain.CarrierOther || labels[0].Parcels != 1 {
		t.Fatalf("labels %+v", labels)
	}
	if c, err := st.OwnLabelCount(ctx, ids); err != nil || c != 2 {
		t.Fatalf("OwnLabelCount %d %v", c, err)
	}
	o, _ := st.ShipOrder(ctx, ids[0])
	if o.TrackingNo != labels[0].LabelNo {
		t.Errorf("order 問番 %q, want %q", o.TrackingNo, labels[0].LabelNo)
	}
	evs, _ := st.ShipOrderEvents(ctx, ids[0])
	if last := evs[len(evs)-1]; last.Kind != "問番登録" || last.Message != "その他 "+labels[0].LabelNo+"（送り状を発行）" {
		t.Errorf("履歴 %+v", last)
	}
}

// Printing is in 履歴 each time (reprints counted); Shopserve orders move
// to 印刷済み once, the others keep their APIステータス.
func TestRecordPrinted(t *testing.T) {
	db := testdb.New(t)
	st := store.New(db)
	ctx := context.Background()
	ss := paperOrders(t, st, soConnection(t, db, domain.MarketplaceShopserve, "ショップサーブ"), domain.MarketplaceShopserve, "S-1")
	az := paperOrders(t, st, soConnection(t, db, domain.MarketplaceAmazon, "Amazon"), domain.MarketplaceAmazon, "A-1")
	if _, err := db.Exec(`UPDATE ship_orders SET api_status = 'awaiting_label' WHERE id = $1`, az[0]); err != nil {
		t.Fatal(err)
	}
	ids := []int64{ss[0], az[0]}
	for i, want := range []int{1, 0} {
		n, err := st.RecordPrinted(ctx, ids, domain.PaperPackingSlip, "山田")
		if err != nil || n != want {
			t.Fatalf("print %d moved %d, %v; want %d", i+1, n, err, want)
		}
	}
	if _, err := st.RecordPrinted(ctx, ids, domain.PaperPickingList, "山田"); err != nil {
		t.Fatal(err)
	}
	s, _ := st.ShipOrder(ctx, ss[0])
	a, _ := st.ShipOrder(ctx, az[0])
	if s.ApiStatus != domain.ApiLabelPrinted || a.ApiStatus != domain.ApiAwaitingLabel {
		t.Errorf("APIステータス shopserve %s, amazon %s", s.ApiStatus, a.ApiStatus)
	}
	evs, _ := st.ShipOrderEvents(ctx, ss[0])
	var msgs []string
	for _, e := range evs {
		if e.Kind == domain.EventPrinted || strings.HasPrefix(e.Message, "APIステータス") {
			msgs = append(msgs, e.Message)
		}
	}
	want := "納品書を印刷|APIステータス: 未連携 → 印刷済み（納品書の印刷）|納品書を再印刷（2回目）|ピッキングリストを印刷"
	if strings.Join(msgs, "|") != want {
		t.Errorf("履歴 %q\nwant %q", strings.Join(msgs, "|"), want)
	}
}
