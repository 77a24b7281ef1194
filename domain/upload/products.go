package upload

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/renkei-oss/renkei/domain"
)

// Layout names an upload file layout.
type Layout string

const (
	LayoutAuto    Layout = ""        // detect from the header row
	LayoutOwn     Layout = "own"     // 自社形式 (template downloadable)
	LayoutRakuten Layout = "rakuten" // 楽天RMS 商品CSV
)

// Label is the Japanese name of the layout.
func (l Layout) Label() string {
	switch l {
	case LayoutOwn:
		return "自社形式"
	case LayoutRakuten:
		return "楽天RMS 商品CSV"
	}
	return "自動判別"
}

// Rakuten RMS item CSV headers (SKU project format).
const (
	RakutenManageNumber = "商品管理番号（商品URL）"
	RakutenItemNumber   = "商品番号"
	RakutenItemName     = "商品名"
	RakutenVariantID    = "SKU管理番号"
	RakutenMerchantSKU  = "システム連携用SKU番号"
	RakutenCatalogID    = "カタログID"
)

// RakutenCodeColumns are the columns an operator may use as our product
// code, because shops fill them differently (seed rakuten-logiec).
var RakutenCodeColumns = []string{RakutenMerchantSKU, RakutenVariantID, RakutenItemNumber, RakutenManageNumber}

// RowError is one invalid row: row number, column label and a Japanese reason.
type RowError struct {
	Line   int    `db:"line"`
	Column string `db:"column_name"`
	Reason string `db:"reason"`
}

// ProductRow is a valid parsed product with its row number.
type ProductRow struct {
	Line int
	domain.Product
}

// DetectLayout picks our layout or Rakuten's from the header row.
func DetectLayout(t *Table) Layout {
	if t.Col(RakutenManageNumber, "商品管理番号") >= 0 {
		return LayoutRakuten
	}
	return LayoutOwn
}

// ParseProducts validates every row. A row with several problems is
// reported once per column. Rows whose SKU repeats an earlier row are errors:
// which of the two should win is the operator's call, not ours.
func ParseProducts(t *Table, layout Layout, codeColumn string) ([]ProductRow, []RowError, error) {
	if layout == LayoutAuto {
		layout = DetectLayout(t)
	}
	var (
		rows []ProductRow
		errs []RowError
		err  error
	)
	switch layout {
	case LayoutOwn:
		rows, errs, err = parseOwn(t)
	case LayoutRakuten:
		rows, errs, err = parseRakuten(t, codeColumn)
	default:
		return nil, nil, fileErr("ファイル形式「%s」はありません。", layout)
	}
	if err != nil {
		return nil, nil, err
	}
	// Validate and de-duplicate in one pass, keeping row order.
	seen := make(map[string]int, len(rows))
	valid := rows[:0]
	for _, r := range rows {
		bad := false
		for _, fe := range r.Validate() {
			errs = append(errs, RowError{r.Line, fe.Field, fe.Reason})
			bad = true
		}
		if first, dup := seen[r.SKU]; dup && r.SKU != "" {
			errs = append(errs, RowError{r.Line, domain.LabelSKU, fmt.Sprintf("商品コード「%s」は%d行目と重複しています。どちらか一方にしてください。", r.SKU, first)})
			bad = true
		} else if r.SKU != "" {
			seen[r.SKU] = r.Line
		}
		if !bad {
			valid = append(valid, r)
		}
	}
	errs = append(errs, t.RowErrors()...)
	sortRowErrors(errs)
	return valid, errs, nil
}

func parseOwn(t *Table) ([]ProductRow, []RowError, error) {
	col := map[string]int{}
	for _, name := range OwnColumns {
		col[name] = t.Col(name)
	}
	for _, req := range []string{domain.LabelSKU, domain.LabelProductName} {
		if col[req] < 0 {
			return nil, nil, fileErr("1行目に「%s」列がありません。自社形式のテンプレートの見出しを使うか、楽天の商品CSVならそのままアップロードしてください。", req)
		}
	}
	rows := make([]ProductRow, 0, len(t.Rows))
	var errs []RowError
	for _, r := range t.Rows {
		p := domain.Product{
			SKU:  r.Cell(col[domain.LabelSKU]),
			Name: r.Cell(col[domain.LabelProductName]),
			JAN:  r.Cell(col[domain.LabelJAN]),
		}
		bad := false
		hasOpt, ok := domain.ParseProductType(r.Cell(col[domain.LabelProductType]))
		if !ok {
			errs = append(errs, RowError{r.Line, domain.LabelProductType, fmt.Sprintf("種別「%s」は使えません。「単品」か「オプションあり」を入力してください。", r.Cell(col[domain.LabelProductType]))})
			bad = true
		}
		p.HasOptions = hasOpt
		for _, f := range []struct {
			label string
			dst   **int
		}{{domain.LabelHandlingDays, &p.HandlingDays}, {domain.LabelLowStock, &p.LowStockThreshold}} {
			v := r.Cell(col[f.label])
			if v == "" {
				continue
			}
			n, err := strconv.Atoi(v)
			if err != nil {
				errs = append(errs, RowError{r.Line, f.label, fmt.Sprintf("%s「%s」は数字ではありません。半角の整数で入力するか、空にしてください。", f.label, v)})
				bad = true
				continue
			}
			*f.dst = &n
		}
		if bad {
			// Still validate the rest so the operator sees every problem of the row at once.
			for _, fe := range p.Validate() {
				errs = append(errs, RowError{r.Line, fe.Field, fe.Reason})
			}
			continue
		}
		rows = append(rows, ProductRow{Line: r.Line, Product: p})
	}
	return rows, errs, nil
}

// parseRakuten reads RMS's item CSV. In the SKU-project format an item row
// (商品名 filled) is followed by its SKU rows (SKU管理番号 filled); a row may
// be both. Item-level codes give one product per item; SKU-level codes give
// one product per SKU, named after its item.
func parseRakuten(t *Table, codeColumn string) ([]ProductRow, []RowError, error) {
	if codeColumn == "" {
		codeColumn = RakutenMerchantSKU
	}
	if !contains(RakutenCodeColumns, codeColumn) {
		return nil, nil, fileErr("商品コードにする列「%s」は選べません。%s のいずれかを選んでください。", codeColumn, strings.Join(RakutenCodeColumns, "・"))
	}
	cManage := t.Col(RakutenManageNumber, "商品管理番号")
	cCode := t.Col(codeColumn)
	cName := t.Col(RakutenItemName)
	cVariant := t.Col(RakutenVariantID)
	cCatalog := t.Col(RakutenCatalogID)
	if cCode < 0 {
		return nil, nil, fileErr("1行目に商品コードにする列「%s」がありません。RMSからダウンロードした商品CSVか、選んだ列を確認してください。", codeColumn)
	}
	if cName < 0 {
		return nil, nil, fileErr("1行目に「%s」列がありません。RMSの商品CSVをそのままアップロードしてください。", RakutenItemName)
	}
	itemLevel := codeColumn == RakutenManageNumber || codeColumn == RakutenItemNumber

	type item struct {
		name, code, jan string
		line, skus      int
	}
	items := map[string]*item{}
	var order []*item
	rows := make([]ProductRow, 0, len(t.Rows))
	var errs []RowError
	var cur *item
	for _, r := range t.Rows {
		manage := r.Cell(cManage)
		if name := r.Cell(cName); name != "" || items[manage] == nil {
			cur = &item{name: name, code: r.Cell(cCode), jan: janOrEmpty(r.Cell(cCatalog)), line: r.Line}
			items[manage] = cur
			order = append(order, cur)
		} else {
			cur = items[manage]
		}
		isSKURow := cVariant >= 0 && r.Cell(cVariant) != ""
		if isSKURow {
			cur.skus++
		}
		if itemLevel || !isSKURow {
			continue
		}
		code := r.Cell(cCode)
		if code == "" {
			errs = append(errs, RowError{r.Line, codeColumn, fmt.Sprintf("%sが空です。RMSで入力するか、商品コードにする列を選び直してください。", codeColumn)})
			continue
		}
		jan := janOrEmpty(r.Cell(cCatalog))
		if jan == "" {
			jan = cur.jan
		}
		rows = append(rows, ProductRow{Line: r.Line, Product: domain.Product{SKU: code, Name: cur.name, JAN: jan}})
	}
	if itemLevel {
		for _, it := range order {
			if it.code == "" {
				errs = append(errs, RowError{it.line, codeColumn, fmt.Sprintf("%sが空です。RMSで入力するか、商品コードにする列を選び直してください。", codeColumn)})
				continue
			}
			rows = append(rows, ProductRow{Line: it.line, Product: domain.Product{SKU: it.code, Name: it.name, JAN: it.jan, HasOptions: it.skus > 1}})
		}
		return rows, errs, nil
	}
	// An item with several SKUs is an item "with options".
	skuCount := map[string]int{}
	for _, r := range t.Rows {
		if cVariant >= 0 && r.Cell(cVariant) != "" {
			skuCount[r.Cell(cManage)]++
		}
	}
	lineManage := make(map[int]string, len(t.Rows))
	for _, r := range t.Rows {
		lineManage[r.Line] = r.Cell(cManage)
	}
	for i := range rows {
		rows[i].HasOptions = skuCount[lineManage[rows[i].Line]] > 1
	}
	return rows, errs, nil
}

// janOrEmpty keeps a カタログID only when it is a JAN: RMS also uses the
// column for "no catalog ID" reasons.
func janOrEmpty(s string) string {
	if domain.ValidJAN(s) {
		return s
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// sortRowErrors orders by row; stable so a row's columns keep their order.
func sortRowErrors(errs []RowError) {
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Line < errs[j].Line })
}
