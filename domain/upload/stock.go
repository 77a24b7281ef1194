package upload

import (
	"fmt"
	"strconv"

	"github.com/renkei-oss/renkei/domain"
)

// StockMode is how 在庫アップロード applies its 数量 column.
type StockMode string

const (
	StockOverwrite StockMode = "overwrite" // 上書き（棚卸）: sets 実在庫数
	StockAdd       StockMode = "add"       // 加算（入庫）
	StockSubtract  StockMode = "subtract"  // 減算（出庫）
)

// StockModes lists the modes in the order of the form.
var StockModes = []StockMode{StockOverwrite, StockAdd, StockSubtract}

// Label is the Japanese name on the form.
func (m StockMode) Label() string {
	switch m {
	case StockOverwrite:
		return "上書き（棚卸）"
	case StockAdd:
		return "加算（入庫）"
	case StockSubtract:
		return "減算（出庫）"
	}
	return string(m)
}

// Valid reports whether m is one of StockModes.
func (m StockMode) Valid() bool {
	return m == StockOverwrite || m == StockAdd || m == StockSubtract
}

// Kind is the 在庫履歴 kind of the rows a mode writes.
func (m StockMode) Kind() domain.StockKind {
	switch m {
	case StockAdd:
		return domain.StockReceipt
	case StockSubtract:
		return domain.StockIssue
	}
	return domain.StockStocktake
}

// Stock upload columns.
const (
	StockColQuantity = "数量"
	StockColSafety   = "予備在庫数"
	StockColReason   = "理由"
)

// StockColumns are the columns of the stock template, required first.
var StockColumns = []string{domain.LabelSKU, StockColQuantity, StockColSafety, StockColReason}

// StockCSV is the stock template's row.
type StockCSV struct {
	SKU      string `csv:"商品コード"`
	Quantity string `csv:"数量"`
	Safety   string `csv:"予備在庫数"`
	Reason   string `csv:"理由"`
}

// StockRow is a parsed row of 在庫アップロード.
type StockRow struct {
	Line     int    `db:"line"`
	SKU      string `db:"sku"`
	Quantity int    `db:"quantity"`
	Safety   *int   `db:"safety"` // nil: column absent or empty, 予備在庫数 unchanged
	Reason   string `db:"reason"`
}

// ParseStock reads every row's cells: integers, not negative, each SKU
// once. Whether the SKU exists and the result is possible is PlanStock's.
func ParseStock(t *Table) ([]StockRow, []RowError, error) {
	sku, qty := t.Col(domain.LabelSKU, "SKU"), t.Col(StockColQuantity)
	for name, i := range map[string]int{domain.LabelSKU: sku, StockColQuantity: qty} {
		if i < 0 {
			return nil, nil, fileErr("1行目に「%s」列がありません。見出しは「商品コード, 数量」（任意で「予備在庫数」「理由」）です。", name)
		}
	}
	safety, reason := t.Col(StockColSafety), t.Col(StockColReason)
	var (
		rows []StockRow
		errs []RowError
		seen = make(map[string]int, len(t.Rows))
	)
	for _, r := range t.Rows {
		row := StockRow{Line: r.Line, SKU: r.Cell(sku), Reason: r.Cell(reason)}
		bad := false
		fail := func(col, reason string) { errs, bad = append(errs, RowError{r.Line, col, reason}), true }
		if row.SKU == "" {
			fail(domain.LabelSKU, "商品コードが空です")
		} else if first, dup := seen[row.SKU]; dup {
			fail(domain.LabelSKU, fmt.Sprintf("商品コード「%s」は%d行目と重複しています。どちらか一方にしてください。", row.SKU, first))
		} else {
			seen[row.SKU] = r.Line
		}
		if n, msg := nonNegative(r.Cell(qty)); msg != "" {
			fail(StockColQuantity, msg)
		} else {
			row.Quantity = n
		}
		if v := r.Cell(safety); v != "" {
			if n, msg := nonNegative(v); msg != "" {
				fail(StockColSafety, msg)
			} else {
				row.Safety = &n
			}
		}
		if !bad {
			rows = append(rows, row)
		}
	}
	return rows, errs, nil
}

func nonNegative(v string) (int, string) {
	if v == "" {
		return 0, "空です。0以上の整数を入力してください"
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Sprintf("「%s」は整数ではありません", v)
	}
	if n < 0 {
		return 0, "0以上の整数を入力してください"
	}
	if n > 100_000_000 {
		return 0, "100,000,000以下にしてください"
	}
	return n, ""
}

// PlanStock decides each row against the current levels (one per SKU of
// the 商品マスタ; an absent SKU is unknown): the ledger rows it writes and
// whether it changes anything. Rows that cannot apply are errors: unknown
// SKU, a 減算 below zero, a 上書き below 引当数, 予備在庫数 without the right.
func PlanStock(rows []StockRow, mode StockMode, levels map[string]domain.StockLevel, mayChangeSafety bool) ([][]domain.StockEntry, []Status, []RowError) {
	plans, st := make([][]domain.StockEntry, len(rows)), make([]Status, len(rows))
	var errs []RowError
	for i, r := range rows {
		l, ok := levels[r.SKU]
		if !ok {
			errs = append(errs, RowError{r.Line, domain.LabelSKU, fmt.Sprintf("商品コード「%s」は商品マスタにありません", r.SKU)})
			continue
		}
		delta := r.Quantity
		switch mode {
		case StockOverwrite:
			delta = r.Quantity - l.OnHand
		case StockSubtract:
			delta = -r.Quantity
		}
		switch {
		case mode == StockSubtract && l.OnHand+delta < 0:
			errs = append(errs, RowError{r.Line, StockColQuantity, fmt.Sprintf("減算すると実在庫数が0未満になります（実在庫数 %d）", l.OnHand)})
			continue
		case l.OnHand+delta < l.Allocated:
			errs = append(errs, RowError{r.Line, StockColQuantity, fmt.Sprintf("実在庫数を引当数 %d より少なくはできません", l.Allocated)})
			continue
		case r.Safety != nil && *r.Safety != l.Safety && !mayChangeSafety:
			errs = append(errs, RowError{r.Line, StockColSafety, "予備在庫数の一括変更は管理者だけができます"})
			continue
		}
		var es []domain.StockEntry
		if delta != 0 {
			es = append(es, domain.StockEntry{SKU: r.SKU, Kind: mode.Kind(), OnHandDelta: delta, Reason: r.Reason})
		}
		if r.Safety != nil && *r.Safety != l.Safety {
			es = append(es, domain.StockEntry{SKU: r.SKU, Kind: domain.StockSafety, SafetyDelta: *r.Safety - l.Safety, Reason: r.Reason})
		}
		plans[i], st[i] = es, StatusUnchanged
		if len(es) > 0 {
			st[i] = StatusChanged
		}
	}
	sortRowErrors(errs)
	return plans, st, errs
}

// StockExportCSV is a line of the 在庫一覧 export.
type StockExportCSV struct {
	SKU         string `csv:"商品コード"`
	Name        string `csv:"商品名"`
	JAN         string `csv:"JANコード"`
	OnHand      int    `csv:"実在庫数"`
	Allocated   int    `csv:"引当数"`
	Allocatable int    `csv:"引当可能数"`
	Unshipped   int    `csv:"未出荷予約数"`
	Safety      int    `csv:"予備在庫数"`
	Free        int    `csv:"フリー在庫数"`
}

// StockRecord is l as an export line.
func StockRecord(l domain.StockLine) StockExportCSV {
	return StockExportCSV{l.SKU, l.Name, l.JAN, l.OnHand, l.Allocated, l.Allocatable, l.Unshipped, l.Safety, l.Free}
}

// StockStep is a row's plan as 反映 writes it: the balances it was
// decided against, those after it, and its change to 実在庫数 (a row of the
// mode's kind) and to 予備在庫数 (a 予備在庫数変更 row), in that order.
type StockStep struct {
	Before, After            domain.StockLevel
	OnHandDelta, SafetyDelta int
}

// Step adds a row's planned entries to before, as the ledger will.
func Step(before domain.StockLevel, entries []domain.StockEntry) (StockStep, error) {
	s := StockStep{Before: before, After: before}
	for _, e := range entries {
		if err := s.After.Apply(&e); err != nil {
			return s, err
		}
		s.OnHandDelta += e.OnHandDelta
		s.SafetyDelta += e.SafetyDelta
	}
	return s, nil
}
