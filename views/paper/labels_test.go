package paper

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/views/paper/papertest"
)

func sampleLabel(no string, parcel, parcels int) domain.ShippingLabel {
	s := sampleSlip(7)
	return domain.ShippingLabel{LabelNo: no, Parcel: parcel, Parcels: parcels, Order: s.Order, From: s.From,
		ChannelName: "Interpark", ServiceName: "", CarrierName: domain.CarrierOther}
}

// One label per parcel; each barcode scans back to its label number, and
// the label shows carrier, 送付先 and 発送元.
func TestLabelsScanToLabelNumbers(t *testing.T) {
	l := NewLabels(printedAt)
	nos := []string{"RK0000000001", "RK0000000002"}
	for i, no := range nos {
		if err := l.Add(sampleLabel(no, i+1, len(nos))); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := l.Write(&b); err != nil {
		t.Fatal(err)
	}
	pdf := papertest.Save(t, b.Bytes())
	if n := papertest.Pages(t, pdf); n != 2 {
		t.Fatalf("%d labels, want 2", n)
	}
	for i, no := range nos {
		if got := papertest.Barcodes(t, pdf, i+1); len(got) != 1 || got[0] != no {
			t.Errorf("label %d barcodes %q, want [%s]", i+1, got, no)
		}
	}
	text := papertest.Text(t, pdf, 2)
	for _, want := range []string{"その他", "個口 2/2", "山田 花子 様", "〒150-0001", "東京都渋谷区神宮前1-2-8 メゾン原宿201",
		"連携倉庫 東京センター", "〒135-0061 東京都江東区豊洲6-1-1", "RK0000000002"} {
		if !strings.Contains(text, want) {
			t.Errorf("%q missing from the label:\n%s", want, text)
		}
	}
}

func TestPickingListPDF(t *testing.T) {
	pl := domain.PickingList{Orders: 3, PrintedAt: printedAt, Rows: []domain.PickingRow{
		{SKU: "SKU-A001", Name: "有機緑茶 ティーバッグ 20包", JAN: "4901234567894", Quantity: 5},
		{SKU: "item-9", Name: "未登録の商品", Quantity: 1, Unmapped: true},
	}}
	var b bytes.Buffer
	if err := PickingList(&b, pl); err != nil {
		t.Fatal(err)
	}
	text := papertest.Text(t, papertest.Save(t, b.Bytes()), 1)
	for _, want := range []string{"ピッキングリスト", "対象注文: 3件", "合計数量: 6", "1/1",
		"SKU-A001", "有機緑茶 ティーバッグ 20包", "4901234567894", "（SKU未対応）未登録の商品"} {
		if !strings.Contains(text, want) {
			t.Errorf("%q missing:\n%s", want, text)
		}
	}
}

// Over the per-file limit the run is a ZIP of PDFs, an order's labels
// never split between two files.
func TestBundleSplitsIntoZip(t *testing.T) {
	var out bytes.Buffer
	b := NewBundle(&out, "送り状", 3, printedAt, func() Doc[domain.ShippingLabel] { return NewLabels(printedAt) },
		func(l domain.ShippingLabel) int64 { return l.Order.ID })
	b.zw, b.per = zip.NewWriter(&out), 2
	for i, order := range []int64{1, 2, 2, 3} {
		l := sampleLabel("RK000000000"+string(rune('1'+i)), 1, 1)
		l.Order.ID = order
		if err := b.Add(l); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(out.Bytes()), int64(out.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var pages []int
	for _, f := range zr.File {
		rc, _ := f.Open()
		pdf, _ := io.ReadAll(rc)
		rc.Close()
		pages = append(pages, papertest.Pages(t, papertest.Save(t, pdf)))
	}
	if len(zr.File) != 2 || zr.File[0].Name != "送り状_001.pdf" || pages[0] != 3 || pages[1] != 1 {
		t.Errorf("files %d, pages %v (want 送り状_001.pdf with orders 1–2 = 3 labels, then 1)", len(zr.File), pages)
	}
}
