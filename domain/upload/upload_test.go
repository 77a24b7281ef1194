package upload

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/japanese"

	"github.com/renkei-oss/renkei/domain"
)

func sjis(t *testing.T, s string) []byte {
	t.Helper()
	b, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("fixture not encodable in Shift_JIS: %v", err)
	}
	return b
}

// rakutenCSV is an RMS-style item CSV: item rows followed by SKU rows.
const rakutenCSV = "商品管理番号（商品URL）,商品番号,商品名,SKU管理番号,システム連携用SKU番号,カタログID\r\n" +
	"shirt-01,S-001,髙島屋コラボ Tシャツ①～限定,,,\r\n" +
	"shirt-01,,,red-m,SHIRT-RED-M,4901234567894\r\n" +
	"shirt-01,,,red-l,SHIRT-RED-L,\r\n" +
	"mug-02,M-002,マグカップ　ﾊﾝｶｸ,,,\r\n" +
	"mug-02,,,std,MUG-STD,\r\n"

func TestReadDetectsEncoding(t *testing.T) {
	own := "商品コード,商品名\r\nA-1,髙①～テスト\r\n"
	cases := []struct {
		name string
		data []byte
		enc  string
	}{
		{"utf8", []byte(own), EncUTF8},
		{"utf8 bom", append([]byte{0xEF, 0xBB, 0xBF}, own...), EncUTF8BOM},
		{"shift_jis", sjis(t, own), EncShiftJIS},
		{"xlsx", xlsx(t, [][]string{{"商品コード", "商品名"}, {"A-1", "髙①～テスト"}}), EncXLSX},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tab, err := Read(bytes.NewReader(c.data))
			if err != nil {
				t.Fatal(err)
			}
			if tab.Encoding != c.enc {
				t.Errorf("encoding = %q, want %q", tab.Encoding, c.enc)
			}
			if got := tab.Rows[0].Cell(tab.Col("商品名")); got != "髙①～テスト" {
				t.Errorf("name = %q", got)
			}
			if tab.Rows[0].Line != 2 {
				t.Errorf("first data row line = %d, want 2", tab.Rows[0].Line)
			}
		})
	}
}

func xlsx(t *testing.T, rows [][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		vals := make([]any, len(r))
		for j, v := range r {
			vals[j] = v
		}
		if err := f.SetSheetRow("Sheet1", cell, &vals); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRakutenLayoutShiftJISRoundTrip(t *testing.T) {
	tab, err := Read(bytes.NewReader(sjis(t, rakutenCSV)))
	if err != nil {
		t.Fatal(err)
	}
	if DetectLayout(tab) != LayoutRakuten {
		t.Fatalf("layout not detected as Rakuten")
	}
	rows, errs, err := ParseProducts(tab, LayoutAuto, RakutenMerchantSKU)
	if err != nil || len(errs) != 0 {
		t.Fatalf("err=%v rowErrors=%v", err, errs)
	}
	want := []domain.Product{
		{SKU: "SHIRT-RED-M", Name: "髙島屋コラボ Tシャツ①～限定", JAN: "4901234567894", HasOptions: true},
		{SKU: "SHIRT-RED-L", Name: "髙島屋コラボ Tシャツ①～限定", HasOptions: true},
		{SKU: "MUG-STD", Name: "マグカップ　ﾊﾝｶｸ"},
	}
	if len(rows) != len(want) {
		t.Fatalf("got %d rows, want %d: %+v", len(rows), len(want), rows)
	}
	type codeName struct {
		SKU  string `csv:"商品コード"`
		Name string `csv:"商品名"`
	}
	var out []codeName
	for i, w := range want {
		if !rows[i].SameContent(w) {
			t.Errorf("row %d = %+v, want %+v", i, rows[i].Product, w)
		}
		out = append(out, codeName{rows[i].SKU, rows[i].Name})
	}
	// Export back in Shift_JIS and read it again: the same text, nothing replaced.
	var buf bytes.Buffer
	rep, err := WriteCSV(&buf, ExportShiftJIS, out)
	if err != nil || rep.Count != 0 {
		t.Fatalf("export err=%v replaced=%+v", err, rep)
	}
	back, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if back.Encoding != EncShiftJIS {
		t.Errorf("export encoding read back as %s", back.Encoding)
	}
	for i, r := range back.Rows {
		if r.Cell(1) != out[i].Name {
			t.Errorf("row %d exported as %q, want %q", i, r.Cell(1), out[i].Name)
		}
	}
}

func TestRakutenCodeColumnChoice(t *testing.T) {
	tab, err := Read(strings.NewReader(rakutenCSV))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		col  string
		skus []string
		opts []bool
	}{
		{RakutenMerchantSKU, []string{"SHIRT-RED-M", "SHIRT-RED-L", "MUG-STD"}, []bool{true, true, false}},
		{RakutenVariantID, []string{"red-m", "red-l", "std"}, []bool{true, true, false}},
		{RakutenItemNumber, []string{"S-001", "M-002"}, []bool{true, false}},
		{RakutenManageNumber, []string{"shirt-01", "mug-02"}, []bool{true, false}},
	}
	for _, c := range cases {
		t.Run(c.col, func(t *testing.T) {
			rows, errs, err := ParseProducts(tab, LayoutRakuten, c.col)
			if err != nil || len(errs) > 0 {
				t.Fatalf("err=%v rowErrors=%v", err, errs)
			}
			var got []string
			var opts []bool
			for _, r := range rows {
				got = append(got, r.SKU)
				opts = append(opts, r.HasOptions)
			}
			if fmt.Sprint(got) != fmt.Sprint(c.skus) || fmt.Sprint(opts) != fmt.Sprint(c.opts) {
				t.Errorf("got %v %v, want %v %v", got, opts, c.skus, c.opts)
			}
		})
	}
	if _, _, err := ParseProducts(tab, LayoutRakuten, "商品名"); !IsFileError(err) {
		t.Errorf("choosing 商品名 as code column: err = %v, want a refusal", err)
	}
}

// ownFile builds n rows of our layout; bad maps a row index to a broken row.
func ownFile(n int, bad map[int][]string) string {
	var b strings.Builder
	b.WriteString(strings.Join(OwnColumns, ",") + "\r\n")
	for i := 0; i < n; i++ {
		row := []string{fmt.Sprintf("SKU-%05d", i), fmt.Sprintf("商品 %d", i), "", "単品", "2", "5"}
		if r, ok := bad[i]; ok {
			row = r
		}
		b.WriteString(strings.Join(row, ",") + "\r\n")
	}
	return b.String()
}

func TestOwnLayoutReportsEveryBadRow(t *testing.T) {
	bad := map[int][]string{
		10:  {"", "名前だけ", "", "単品", "", ""},                    // row 12: no SKU
		500: {"SKU-X", "JAN違い", "4901234567890", "単品", "", ""}, // row 502: bad check digit
		998: {"SKU-00001", "重複", "", "単品", "x", ""},            // row 1000: duplicate SKU and bad number
	}
	tab, err := Read(strings.NewReader(ownFile(1000, bad)))
	if err != nil {
		t.Fatal(err)
	}
	rows, errs, err := ParseProducts(tab, LayoutAuto, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 997 {
		t.Errorf("valid rows = %d, want 997", len(rows))
	}
	got := fmt.Sprint(errs)
	for _, want := range []string{"{12 商品コード 商品コードが空です", "{502 JANコード", "{1000 出荷作業日数"} {
		if !strings.Contains(got, want) {
			t.Errorf("errors %s lack %q", got, want)
		}
	}
	if n := InvalidLines(errs); n != 3 {
		t.Errorf("invalid rows = %d, want 3: %v", n, errs)
	}
}

func TestLimits(t *testing.T) {
	big := bytes.Repeat([]byte("a"), MaxBytes+1)
	if _, err := Read(bytes.NewReader(big)); !IsFileError(err) || !strings.Contains(err.Error(), "20MB") {
		t.Errorf("over 20MB: err = %v", err)
	}
	var b strings.Builder
	b.WriteString("商品コード,商品名\n")
	for i := 0; i <= MaxRows; i++ {
		fmt.Fprintf(&b, "S%d,n\n", i)
	}
	if _, err := Read(strings.NewReader(b.String())); !IsFileError(err) || !strings.Contains(err.Error(), "200000行") {
		t.Errorf("over %d rows: err = %v", MaxRows, err)
	}
	if _, err := Read(bytes.NewReader([]byte{0x82, 0xa0, 0xff, 0xfe, 0xfd})); !IsFileError(err) {
		t.Errorf("undecodable bytes: err = %v", err)
	}
}

func TestToShiftJISReplacesVisibly(t *testing.T) {
	out, rep := ToShiftJIS([]byte("波〜ダッシュ−と絵文字😀と😀とÅ"))
	back, _ := japanese.ShiftJIS.NewDecoder().Bytes(out)
	if string(back) != "波～ダッシュ－と絵文字〓と〓と〓" {
		t.Errorf("got %q", back)
	}
	if rep.Count != 3 || string(rep.Chars) != "😀Å" {
		t.Errorf("replaced = %+v, want 2 × 😀 and Å (Latin Å is not in CP932)", rep)
	}
}

func TestClassifyProducts(t *testing.T) {
	two := 2
	rows := []ProductRow{
		{2, domain.Product{SKU: "A", Name: "a"}},
		{3, domain.Product{SKU: "B", Name: "b", HandlingDays: &two}},
		{4, domain.Product{SKU: "C", Name: "c"}},
	}
	existing := map[string]domain.Product{"B": {SKU: "B", Name: "b"}, "C": {SKU: "C", Name: "c"}}
	st, c := ClassifyProducts(rows, existing)
	if fmt.Sprint(st) != "[new changed unchanged]" || c != (Counts{New: 1, Changed: 1, Unchanged: 1}) {
		t.Errorf("got %v %+v", st, c)
	}
}

func TestParseMappings(t *testing.T) {
	csv := "販売チャネル,商品コード(チャネル),オプションコード,SKU販売者管理コード\n" +
		"楽天本店,shirt-01,red-m,SHIRT-RED-M\n" +
		"楽天本店,mug-02,,NOPE\n" +
		"知らない店,x,,SHIRT-RED-M\n" +
		"7,shirt-01,red-m,SHIRT-RED-M\n"
	tab, err := Read(strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{"SHIRT-RED-M": true}
	rows, errs, err := ParseMappings(tab, map[string]int64{"楽天本店": 7, "7": 7}, 0, func(s string) bool { return known[s] })
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].ConnectionID != 7 || rows[0].OptionCode != "red-m" {
		t.Errorf("rows = %+v", rows)
	}
	got := fmt.Sprint(errs)
	for _, want := range []string{"{3 SKU SKU「NOPE」は商品マスタにありません", "{4 販売チャネル", "{5 商品コード(チャネル) 同じチャネル商品が2行目"} {
		if !strings.Contains(got, want) {
			t.Errorf("errors %s lack %q", got, want)
		}
	}
}
