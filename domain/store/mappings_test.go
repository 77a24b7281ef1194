package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/store/testdb"
	"github.com/renkei-oss/renkei/domain/upload"
)

func TestMappingUpload(t *testing.T) {
	st := store.New(testdb.New(t))
	ctx := context.Background()
	honten, ip := mustChannel(t, st, "楽天本店"), mustChannel(t, st, "Interpark")
	for _, sku := range []string{"S-1", "S-2"} {
		if err := st.CreateProduct(ctx, &domain.Product{SKU: sku, Name: sku}); err != nil {
			t.Fatal(err)
		}
	}
	channels := store.ChannelLookup([]domain.Connection{{ID: honten, ChannelName: "楽天本店"}, {ID: ip, ChannelName: "Interpark"}})
	file := "販売チャネル,商品コード(チャネル),オプションコード,SKU販売者管理コード\n" +
		"楽天本店,item-1,red,S-1\n" +
		"楽天本店,item-1,blue,S-2\n" +
		",ip-100,,S-1\n" // default channel
	tab, err := upload.Read(strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	u, err := st.PreviewMappingUpload(ctx, store.Upload{}, tab, channels, ip)
	if err != nil {
		t.Fatal(err)
	}
	if u.Counts != (upload.Counts{New: 3}) {
		t.Fatalf("counts = %+v", u.Counts)
	}
	if n, err := st.ApplyMappingUpload(ctx, u.ID); err != nil || n != 3 {
		t.Fatalf("apply: n=%d err=%v", n, err)
	}
	if sku, err := st.MappedSKU(ctx, ip, "ip-100", ""); err != nil || sku != "S-1" {
		t.Errorf("ip-100 → %q, %v", sku, err)
	}

	// Same file again: nothing to do. A changed SKU and an unknown SKU: refused as a whole.
	tab, _ = upload.Read(strings.NewReader(file))
	u, _ = st.PreviewMappingUpload(ctx, store.Upload{}, tab, channels, ip)
	if u.Counts != (upload.Counts{Unchanged: 3}) {
		t.Errorf("second preview = %+v", u.Counts)
	}
	tab, _ = upload.Read(strings.NewReader(strings.Replace(file, "blue,S-2", "blue,S-1", 1) + "楽天本店,item-2,,NOPE\n"))
	u, _ = st.PreviewMappingUpload(ctx, store.Upload{}, tab, channels, ip)
	if u.Counts != (upload.Counts{Changed: 1, Unchanged: 2, Invalid: 1}) {
		t.Errorf("third preview = %+v", u.Counts)
	}
	errs, _ := st.UploadErrors(ctx, u.ID)
	if len(errs) != 1 || errs[0].Line != 5 || errs[0].Column != domain.LabelMappedSKU {
		t.Errorf("errors = %+v", errs)
	}
	if _, err := st.ApplyMappingUpload(ctx, u.ID); !errors.Is(err, store.ErrUploadNotApplicable) {
		t.Errorf("apply with an invalid row: err = %v", err)
	}
	if sku, _ := st.MappedSKU(ctx, honten, "item-1", "blue"); sku != "S-2" {
		t.Errorf("refused upload changed item-1/blue to %q", sku)
	}
}

func TestUnmappedChannelItems(t *testing.T) {
	st := store.New(testdb.New(t))
	ctx := context.Background()
	c3, c4 := mustChannel(t, st, "楽天本店"), mustChannel(t, st, "楽天2号店")
	st.CreateProduct(ctx, &domain.Product{SKU: "S-1", Name: "x"})
	if err := st.SaveProductMapping(ctx, &domain.ProductMapping{ConnectionID: c3, ItemCode: "a", SKU: "S-1"}); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveProductMapping(ctx, &domain.ProductMapping{ConnectionID: c3, ItemCode: "z", SKU: "NOPE"}); !errors.Is(err, store.ErrUnknownSKU) {
		t.Errorf("mapping to unknown SKU: err = %v", err)
	}
	items := []domain.ChannelItem{
		{ConnectionID: c3, ItemCode: "a", Name: "mapped"},
		{ConnectionID: c3, ItemCode: "b", Name: "まだ"},
		{ConnectionID: c3, ItemCode: "b", OptionCode: "opt", Name: "まだ opt"},
		{ConnectionID: c4, ItemCode: "a", Name: "other channel"},
	}
	if err := st.RecordChannelItems(ctx, items); err != nil {
		t.Fatal(err)
	}
	got, err := st.UnmappedChannelItems(ctx, c3, 100)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, it := range got {
		keys = append(keys, it.ItemCode+"/"+it.OptionCode)
	}
	if fmt.Sprint(keys) != "[b/ b/opt]" {
		t.Errorf("unmapped = %v, want [b/ b/opt]", keys)
	}
}

func TestSeededMasters(t *testing.T) {
	st := store.New(testdb.New(t))
	ctx := context.Background()
	cs, err := st.Carriers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]string{}
	for _, c := range cs {
		codes[c.Name] = c.RakutenCode + "/" + c.AmazonCode
	}
	for name, want := range map[string]string{"ヤマト運輸": "1001/YAMATO", "佐川急便": "1002/SAGAWA", "日本郵便": "1003/Japan Post", "西濃運輸": "1004/SEINO TRANSPORTATION", "福山通運": "1006/Other", "その他": "1000/Other"} {
		if codes[name] != want {
			t.Errorf("%s codes = %q, want %q", name, codes[name], want)
		}
	}
	ds, err := st.DeliveryServices(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var takkyubin *domain.DeliveryService
	for i := range ds {
		if ds[i].CarrierName == "ヤマト運輸" && ds[i].Name == "宅急便" {
			takkyubin = &ds[i]
		}
	}
	if takkyubin == nil || len(takkyubin.TimeSlots) != 5 || takkyubin.TimeSlots[1].RakutenShippingTerm != "1416" {
		t.Fatalf("宅急便 = %+v", takkyubin)
	}
	// Editing slots keeps the ones still there (same id) and drops the rest.
	keep := takkyubin.TimeSlots[1]
	takkyubin.TimeSlots = []domain.TimeSlot{keep, {Name: "20-21時", RakutenShippingTerm: "2021"}}
	if err := st.SaveDeliveryService(ctx, takkyubin); err != nil {
		t.Fatal(err)
	}
	again, _ := st.DeliveryService(ctx, takkyubin.ID)
	if len(again.TimeSlots) != 2 || again.TimeSlots[0].ID != keep.ID || again.TimeSlots[1].Name != "20-21時" {
		t.Errorf("slots after edit = %+v", again.TimeSlots)
	}

	pms, err := st.PaymentMethods(ctx)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]domain.PaymentKind{}
	for _, p := range pms {
		kinds[p.Name] = p.Kind
	}
	for name, want := range map[string]domain.PaymentKind{"銀行振込": domain.PaymentPrepaid, "クレジットカード": domain.PaymentCard, "代金引換": domain.PaymentCOD, "NP後払い": domain.PaymentDeferred, "Paidy": domain.PaymentDeferred, "郵便振替": domain.PaymentPrepaid} {
		if kinds[name] != want {
			t.Errorf("%s kind = %q, want %q", name, kinds[name], want)
		}
	}
	// Channel mappings: Rakuten code 1 → クレジットカード wins over the name.
	c5 := mustChannel(t, st, "楽天本店")
	var card, cod int64
	for _, p := range pms {
		switch p.Name {
		case "クレジットカード":
			card = p.ID
		case "代金引換":
			cod = p.ID
		}
	}
	st.SavePaymentMethodMapping(ctx, &domain.PaymentMethodMapping{ConnectionID: c5, ChannelName: "クレジットカード", ChannelCode: "1", PaymentMethodID: card})
	st.SavePaymentMethodMapping(ctx, &domain.PaymentMethodMapping{ConnectionID: c5, ChannelName: "代引き", PaymentMethodID: cod})
	if p, err := st.PaymentMethodForChannel(ctx, c5, "何か", "1"); err != nil || p.ID != card {
		t.Errorf("by code: %+v %v", p, err)
	}
	if p, err := st.PaymentMethodForChannel(ctx, c5, "代引き", ""); err != nil || p.ID != cod {
		t.Errorf("by name: %+v %v", p, err)
	}
	if _, err := st.PaymentMethodForChannel(ctx, c5, "謎", ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown: %v", err)
	}
	st.SaveDeliveryMethodMapping(ctx, &domain.DeliveryMethodMapping{ConnectionID: c5, ChannelName: "宅配便", DeliveryServiceID: takkyubin.ID})
	if id, err := st.DeliveryServiceForChannel(ctx, c5, "宅配便"); err != nil || id != takkyubin.ID {
		t.Errorf("delivery mapping: %d %v", id, err)
	}
}
