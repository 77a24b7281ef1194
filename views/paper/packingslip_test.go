package paper

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/views/paper/papertest"
)

var printedAt = time.Date(2026, 12, 7, 10, 0, 0, 0, tokyo)

func slips(t *testing.T, ss ...domain.PackingSlip) string {
	t.Helper()
	p := NewPackingSlips(printedAt)
	for _, s := range ss {
		if err := p.Add(s); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := p.Write(&b); err != nil {
		t.Fatal(err)
	}
	return papertest.Save(t, b.Bytes())
}

// Each page's barcode scans back to that page's order number.
func TestPackingSlipBarcodeScansToOrderNumber(t *testing.T) {
	numbers := []string{"123456-20261207-0000001", "503-1234567-1234567", "SS20261207-42", "2026120700012345"}
	var ss []domain.PackingSlip
	for i, no := range numbers {
		s := sampleSlip(i)
		s.Order.ChannelOrderNo = no
		ss = append(ss, s)
	}
	pdf := slips(t, ss...)
	if n := papertest.Pages(t, pdf); n != len(numbers) {
		t.Fatalf("%d pages, want one per order (%d)", n, len(numbers))
	}
	for i, no := range numbers {
		got := papertest.Barcodes(t, pdf, i+1)
		if len(got) != 1 || got[0] != no {
			t.Errorf("page %d barcodes %q, want [%s]", i+1, got, no)
		}
	}
}

// The recipient's address is on the slip once, whole and correct; the
// other fields the issue lists are there too.
func TestPackingSlipText(t *testing.T) {
	s := sampleSlip(2)
	s.Order.Lines[0].Name = "有機緑茶 ティーバッグ 20包"
	pdf := slips(t, s)
	text := papertest.Text(t, pdf, 1)
	addr := "東京都渋谷区神宮前1-2-3 メゾン原宿201"
	if n := strings.Count(text, addr); n != 1 {
		t.Errorf("recipient address %q found %d times in:\n%s", addr, n, text)
	}
	for _, want := range []string{
		"納品書", "山田 花子 様", "〒150-0001", "03-1234-5678", // 送付先
		"山田 太郎", "大阪府大阪市北区梅田3-1-1", // 注文者
		"連携倉庫 東京センター", "〒135-0061 東京都江東区豊洲6-1-1", // 発送元
		"注文番号: 123456-20261207-0000002", "注文日: 2026年12月6日 21:30",
		"SKU-A001", "有機緑茶 ティーバッグ 20包", "¥980", "¥1,960", // line 1: 2 × 980
		"¥5,280", "ヤマト運輸 宅急便", "14-16時", "2026年12月10日",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("%q missing from the slip:\n%s", want, text)
		}
	}
}

// A buyer who is the recipient is not printed twice.
func TestPackingSlipBuyerSameAsRecipient(t *testing.T) {
	s := sampleSlip(3)
	s.Order.Buyer = s.Order.Recipient
	text := papertest.Text(t, slips(t, s), 1)
	if n := strings.Count(text, "神宮前1-2-4"); n != 1 {
		t.Errorf("address printed %d times:\n%s", n, text)
	}
	if !strings.Contains(text, "注文者: 送付先と同じ") {
		t.Errorf("no 送付先と同じ:\n%s", text)
	}
}

// Lines that do not fit continue on a second page naming the order.
func TestPackingSlipLongOrderContinues(t *testing.T) {
	s := sampleSlip(4)
	for i := range 40 {
		s.Order.Lines = append(s.Order.Lines, domain.ShipOrderLine{LineNo: i + 4, SKU: "SKU-X" + strconv.Itoa(100+i), Name: "追加商品", Quantity: 1, UnitPrice: 100})
	}
	pdf := slips(t, s)
	if n := papertest.Pages(t, pdf); n != 2 {
		t.Fatalf("%d pages, want 2", n)
	}
	p2 := papertest.Text(t, pdf, 2)
	for _, want := range []string{"納品書（続き） 注文番号: 123456-20261207-0000004", "SKU-X139"} {
		if !strings.Contains(p2, want) {
			t.Errorf("page 2 lacks %q:\n%s", want, p2)
		}
	}
}

// An order number Code128 cannot carry is printed as text, and the other
// pages keep their barcodes.
func TestPackingSlipUnbarcodableNumber(t *testing.T) {
	a, b := sampleSlip(1), sampleSlip(2)
	a.Order.ChannelOrderNo = "注文-１２３"
	pdf := slips(t, a, b)
	if got := papertest.Barcodes(t, pdf, 2); len(got) != 1 || got[0] != b.Order.ChannelOrderNo {
		t.Errorf("page 2 barcodes %q", got)
	}
	text := papertest.Text(t, pdf, 1)
	if !strings.Contains(text, "バーコードにできない番号です") || !strings.Contains(text, "注文-１２３") {
		t.Errorf("page 1:\n%s", text)
	}
}
