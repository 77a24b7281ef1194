package upload

import (
	"bytes"
	"slices"
	"testing"

	"golang.org/x/text/encoding/japanese"

	"github.com/renkei-oss/renkei/domain"
)

// The row structs' tags are the headers the parsers look up by the domain
// labels (and name in their error messages): a renamed tag must fail here.
func TestLayoutHeadersAreTheUploadLabels(t *testing.T) {
	cases := []struct {
		name      string
		got, want []string
	}{
		{"自社形式", OwnColumns, []string{domain.LabelSKU, domain.LabelProductName, domain.LabelJAN, domain.LabelProductType, domain.LabelHandlingDays, domain.LabelLowStock}},
		{"商品マスタ出力", Header[ProductExportCSV](), append(slices.Clone(OwnColumns), "無効")},
		{"外部商品対応表", MappingColumns, []string{domain.LabelChannel, domain.LabelItemCode, domain.LabelOptionCode, domain.LabelMappedSKU}},
	}
	for _, c := range cases {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s header = %q, want %q", c.name, c.got, c.want)
		}
	}
}

// WriteCSV writes exactly what encoding/csv did before gocsv: BOM and CRLF
// for UTF-8, quoting where needed, and Shift_JIS with 〓 counted.
func TestWriteCSVBytes(t *testing.T) {
	rows := []ProductExportCSV{
		ProductRecord(domain.Product{SKU: "A-1", Name: `りんご, "ふじ"`, HasOptions: true}),
		ProductRecord(domain.Product{SKU: "B-2", Name: "改行\nあり😀", HandlingDays: new(2), Disabled: true}),
	}
	wantUTF8 := "\ufeff商品コード,商品名,JANコード,種別,出荷作業日数,在庫わずか通知の数,無効\r\n" +
		"A-1,\"りんご, \"\"ふじ\"\"\",,オプションあり,,,\r\n" +
		"B-2,\"改行\r\nあり😀\",,単品,2,,1\r\n"
	var buf bytes.Buffer
	rep, err := WriteCSV(&buf, ExportUTF8, rows)
	if err != nil || rep.Count != 0 {
		t.Fatalf("UTF-8: err=%v replaced=%+v", err, rep)
	}
	if buf.String() != wantUTF8 {
		t.Errorf("UTF-8 export =\n%q\nwant\n%q", buf.String(), wantUTF8)
	}

	buf.Reset()
	rep, err = WriteCSV(&buf, ExportShiftJIS, rows)
	if err != nil {
		t.Fatal(err)
	}
	back, _ := japanese.ShiftJIS.NewDecoder().Bytes(buf.Bytes())
	if want := bytes.ReplaceAll([]byte(wantUTF8[len("\ufeff"):]), []byte("😀"), []byte("〓")); !bytes.Equal(back, want) {
		t.Errorf("Shift_JIS export =\n%q\nwant\n%q", back, want)
	}
	if rep.Count != 1 || string(rep.Chars) != "😀" {
		t.Errorf("replaced = %+v, want one 😀", rep)
	}

	// No rows: the header alone, so an empty master still exports its layout.
	buf.Reset()
	if _, err := WriteCSV(&buf, ExportUTF8, []MappingCSV(nil)); err != nil {
		t.Fatal(err)
	}
	if want := "\ufeff販売チャネル,商品コード(チャネル),オプションコード,SKU\r\n"; buf.String() != want {
		t.Errorf("empty export = %q, want %q", buf.String(), want)
	}
}
