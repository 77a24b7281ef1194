package upload

import (
	"fmt"
	"strconv"

	"github.com/renkei-oss/renkei/domain"
)

// Accepted header aliases: marketplaces' and other tools' names for the same data.
var (
	itemCodeAliases   = []string{domain.LabelItemCode, "商品コード", "商品管理番号（商品URL）", "商品管理番号", "商品番号", "販売者商品番号", "seller-sku", "item_code"}
	optionCodeAliases = []string{domain.LabelOptionCode, "SKU管理番号", "管理コード", "option_code"}
	skuAliases        = []string{domain.LabelMappedSKU, domain.LabelSellerSKU, "自社SKU", "品番", "sku"}
	channelAliases    = []string{domain.LabelChannel, "チャネル", "connection_id"}
)

// MappingRow is a valid parsed mapping with its row number.
type MappingRow struct {
	Line int
	domain.ProductMapping
}

// ParseMappings reads a mapping file. channels resolves the 販売チャネル
// column (a channel name or its ID); defaultChannel is used when the file
// has no such column or the cell is empty (0: none chosen). knownSKU says
// whether a SKU is in 商品マスタ: a mapping to a missing SKU is an error.
func ParseMappings(t *Table, channels map[string]int64, defaultChannel int64, knownSKU func(string) bool) ([]MappingRow, []RowError, error) {
	cItem, cOpt, cSKU, cChan := t.Col(itemCodeAliases...), t.Col(optionCodeAliases...), t.Col(skuAliases...), t.Col(channelAliases...)
	if cItem < 0 {
		return nil, nil, fileErr("1行目に「%s」列がありません。テンプレートの見出しを使ってください。", domain.LabelItemCode)
	}
	if cSKU < 0 {
		return nil, nil, fileErr("1行目に「%s」列（または「%s」列）がありません。", domain.LabelMappedSKU, domain.LabelSellerSKU)
	}
	if cChan < 0 && defaultChannel == 0 {
		return nil, nil, fileErr("ファイルに「%s」列がありません。画面で販売チャネルを選んでからアップロードしてください。", domain.LabelChannel)
	}
	rows := make([]MappingRow, 0, len(t.Rows))
	var errs []RowError
	seen := make(map[string]int, len(t.Rows))
	for _, r := range t.Rows {
		m := domain.ProductMapping{ItemCode: r.Cell(cItem), OptionCode: r.Cell(cOpt), SKU: r.Cell(cSKU), ConnectionID: defaultChannel}
		bad := false
		if ch := r.Cell(cChan); ch != "" {
			id, ok := channels[ch]
			if !ok {
				if n, err := strconv.ParseInt(ch, 10, 64); err == nil {
					id, ok = channels[strconv.FormatInt(n, 10)]
				}
			}
			if !ok {
				errs = append(errs, RowError{r.Line, domain.LabelChannel, fmt.Sprintf("販売チャネル「%s」は登録されていません。API接続設定にある名前かIDを入れてください。", ch)})
				bad = true
			}
			m.ConnectionID = id
		}
		for _, fe := range m.Validate() {
			if fe.Field == domain.LabelChannel && bad {
				continue
			}
			errs = append(errs, RowError{r.Line, fe.Field, fe.Reason})
			bad = true
		}
		if !bad && knownSKU != nil && !knownSKU(m.SKU) {
			errs = append(errs, RowError{r.Line, domain.LabelMappedSKU, fmt.Sprintf("SKU「%s」は商品マスタにありません。先に商品マスタに登録してください。", m.SKU)})
			bad = true
		}
		if !bad {
			if first, dup := seen[m.Key()]; dup {
				errs = append(errs, RowError{r.Line, domain.LabelItemCode, fmt.Sprintf("同じチャネル商品が%d行目にもあります。どちらか一方にしてください。", first)})
				bad = true
			} else {
				seen[m.Key()] = r.Line
			}
		}
		if !bad {
			rows = append(rows, MappingRow{Line: r.Line, ProductMapping: m})
		}
	}
	errs = append(errs, t.RowErrors()...)
	sortRowErrors(errs)
	return rows, errs, nil
}

// SKUs returns the distinct SKU cells of a mapping table, for looking
// them up before ParseMappings.
func SKUs(t *Table) []string {
	c := t.Col(skuAliases...)
	if c < 0 {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, r := range t.Rows {
		if s := r.Cell(c); s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
