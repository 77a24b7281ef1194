package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/store/testdb"
	"github.com/renkei-oss/renkei/domain/upload"
)

// mustChannel creates a Rakuten connection for tests that only need a real
// connection id to hang masters rows on (migration 00210 references it).
func mustChannel(t *testing.T, st *store.Store, name string) int64 {
	t.Helper()
	sf := mustShipFrom(t, st, name+" 倉庫")
	c := newConnection(domain.MarketplaceRakuten, name, sf.ID)
	if err := st.CreateConnection(context.Background(), mustBox(t, testKey), c); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// Deleting a connection removes its name mappings, product mappings, seen
// channel items and staged upload rows; the other channel's stay.
func TestDeleteConnectionRemovesItsMappings(t *testing.T) {
	db := testdb.New(t)
	st := store.New(db)
	ctx := context.Background()
	gone, kept := mustChannel(t, st, "楽天本店"), mustChannel(t, st, "楽天2号店")
	if err := st.CreateProduct(ctx, &domain.Product{SKU: "S-1", Name: "シャツ"}); err != nil {
		t.Fatal(err)
	}
	pms, err := st.PaymentMethods(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := st.DeliveryServices(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tab, err := upload.Read(strings.NewReader("商品コード(チャネル),SKU販売者管理コード\nstaged-1,S-1\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{gone, kept} {
		if err := st.SaveDeliveryMethodMapping(ctx, &domain.DeliveryMethodMapping{ConnectionID: id, ChannelName: "宅配便", DeliveryServiceID: ds[0].ID}); err != nil {
			t.Fatal(err)
		}
		if err := st.SavePaymentMethodMapping(ctx, &domain.PaymentMethodMapping{ConnectionID: id, ChannelName: "代引き", PaymentMethodID: pms[0].ID}); err != nil {
			t.Fatal(err)
		}
		if err := st.SaveProductMapping(ctx, &domain.ProductMapping{ConnectionID: id, ItemCode: "item-1", SKU: "S-1"}); err != nil {
			t.Fatal(err)
		}
		if err := st.RecordChannelItems(ctx, []domain.ChannelItem{{ConnectionID: id, ItemCode: "item-2", Name: "未対応"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.PreviewMappingUpload(ctx, store.Upload{}, tab, nil, id); err != nil {
			t.Fatal(err)
		}
	}

	if err := st.DeleteConnection(ctx, gone); err != nil {
		t.Fatal(err)
	}
	tables := []string{"delivery_method_mappings", "payment_method_mappings", "product_mappings", "channel_items", "mapping_upload_rows"}
	for _, table := range tables {
		var left, other int
		if err := db.Get(&left, `SELECT count(*) FROM `+table+` WHERE connection_id = $1`, gone); err != nil {
			t.Fatal(err)
		}
		if err := db.Get(&other, `SELECT count(*) FROM `+table+` WHERE connection_id = $1`, kept); err != nil {
			t.Fatal(err)
		}
		if left != 0 || other != 1 {
			t.Errorf("%s: %d rows of the deleted connection left (want 0), %d of the other (want 1)", table, left, other)
		}
	}
	if _, err := st.DeliveryServiceForChannel(ctx, gone, "宅配便"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("delivery mapping of the deleted connection: %v", err)
	}

	// A mapping for a connection that does not exist is refused by the database.
	err = st.SaveDeliveryMethodMapping(ctx, &domain.DeliveryMethodMapping{ConnectionID: gone, ChannelName: "宅配便", DeliveryServiceID: ds[0].ID})
	if err == nil {
		t.Error("mapping saved for a deleted connection")
	}
}

// A refused delete (ship orders still reference the channel) keeps its mappings.
func TestRefusedConnectionDeleteKeepsMappings(t *testing.T) {
	db := testdb.New(t)
	st := store.New(db)
	ctx := context.Background()
	id := mustChannel(t, st, "楽天本店")
	if err := st.CreateProduct(ctx, &domain.Product{SKU: "S-1", Name: "シャツ"}); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveProductMapping(ctx, &domain.ProductMapping{ConnectionID: id, ItemCode: "item-1", SKU: "S-1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO ship_orders (connection_id, marketplace, channel_order_no, status, api_status, payment_status, ordered_at)
		VALUES ($1, 'rakuten', '400001-20260301-0000001', 'shipped', 'unlinked', 'paid', now())`, id); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteConnection(ctx, id); !errors.Is(err, store.ErrConnectionHasShipOrders) {
		t.Fatalf("delete with a shipped order: %v", err)
	}
	if sku, err := st.MappedSKU(ctx, id, "item-1", ""); err != nil || sku != "S-1" {
		t.Errorf("mapping after a refused delete: %q, %v", sku, err)
	}
}
