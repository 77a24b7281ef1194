package upload

import (
	"fmt"
	"strings"
	"testing"

	"github.com/renkei-oss/renkei/domain"
)

func TestRowShapeAndCharacterErrors(t *testing.T) {
	csv := "商品コード,商品名\n" +
		"S1,シャツ\n" +
		"S2,a,b,c,d,e,f,g,h\n" +
		"S3,マグ\x00カップ\n" +
		"S4,ペン,,\n"
	tab, err := Read(strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	rows, errs, err := ParseProducts(tab, LayoutOwn, "")
	if err != nil {
		t.Fatal(err)
	}
	var skus []string
	for _, r := range rows {
		skus = append(skus, r.SKU)
	}
	if got := strings.Join(skus, ","); got != "S1,S4" {
		t.Errorf("valid rows = %s, want S1,S4 (trailing empty cells are not extra columns)", got)
	}
	got := fmt.Sprint(errs)
	for _, want := range []string{"{3  列が多すぎます（見出し2列、この行9列）", "{4 商品名 使用できない文字が含まれています"} {
		if !strings.Contains(got, want) {
			t.Errorf("errors %s lack %q", got, want)
		}
	}
}

func TestMappingRowErrorsIncludeShape(t *testing.T) {
	tab, err := Read(strings.NewReader(domain.LabelItemCode + ",SKU\nA,S1\nB,S2,x\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, errs, err := ParseMappings(tab, nil, 1, func(string) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(errs); !strings.Contains(got, "列が多すぎます（見出し2列、この行3列）") {
		t.Errorf("errors = %s", got)
	}
}

func TestUnbalancedQuoteNamesQuoteAndLine(t *testing.T) {
	_, err := Read(strings.NewReader("商品コード,商品名\nS1,ok\nS2,\"open\nS3,x\n"))
	if err == nil || !strings.Contains(err.Error(), "3行目") || !strings.Contains(err.Error(), "「\"」") {
		t.Errorf("err = %v, want the quote and line 3 named", err)
	}
}
