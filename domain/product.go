package domain

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Product (商品マスタ) is one SKU of the warehouse's item master.
type Product struct {
	ID                int64     `db:"id"`
	SKU               string    `db:"sku"`
	Name              string    `db:"name"`
	JAN               string    `db:"jan"`
	HasOptions        bool      `db:"has_options"`         // false: 単品, true: オプションあり
	HandlingDays      *int      `db:"handling_days"`       // 出荷作業日数; nil = marketplace default
	LowStockThreshold *int      `db:"low_stock_threshold"` // 在庫わずか通知の数
	Disabled          bool      `db:"disabled"`
	CreatedAt         time.Time `db:"created_at"`
	UpdatedAt         time.Time `db:"updated_at"`
}

// Limits on product fields. SKU length follows what marketplaces accept
// as seller codes (Amazon SKU ≤ 40, Rakuten SKU番号 ≤ 32; we keep headroom).
const (
	MaxSKULen          = 64
	MaxProductNameLen  = 255
	MaxHandlingDays    = 30
	MaxLowStockThresho = 99999
)

// Field labels, shared by forms, the upload layout and error messages.
const (
	LabelSKU          = "商品コード"
	LabelProductName  = "商品名"
	LabelJAN          = "JANコード"
	LabelProductType  = "種別"
	LabelHandlingDays = "出荷作業日数"
	LabelLowStock     = "在庫わずか通知の数"
)

// ProductTypeLabel is the 種別 column value.
func (p Product) ProductTypeLabel() string {
	if p.HasOptions {
		return "オプションあり"
	}
	return "単品"
}

// ParseProductType reads the 種別 column; empty means 単品.
func ParseProductType(s string) (hasOptions bool, ok bool) {
	switch strings.TrimSpace(s) {
	case "", "単品", "0":
		return false, true
	case "オプションあり", "オプション", "1":
		return true, true
	}
	return false, false
}

// FieldError names the field (column label) and why it is wrong, in Japanese.
type FieldError struct {
	Field  string
	Reason string
}

// Validate checks a product and returns one error per bad field, in column order.
func (p Product) Validate() []FieldError {
	var errs []FieldError
	if err := ValidSKU(p.SKU); err != "" {
		errs = append(errs, FieldError{LabelSKU, err})
	}
	switch n := len([]rune(p.Name)); {
	case strings.TrimSpace(p.Name) == "":
		errs = append(errs, FieldError{LabelProductName, "商品名が空です。商品名を入力してください。"})
	case n > MaxProductNameLen:
		errs = append(errs, FieldError{LabelProductName, fmt.Sprintf("商品名が%d文字あります。%d文字以内にしてください。", n, MaxProductNameLen)})
	}
	if p.JAN != "" && !ValidJAN(p.JAN) {
		errs = append(errs, FieldError{LabelJAN, fmt.Sprintf("JANコード「%s」が正しくありません。8桁か13桁の数字で、チェックデジットが合っているか確認してください。", p.JAN)})
	}
	if p.HandlingDays != nil && (*p.HandlingDays < 0 || *p.HandlingDays > MaxHandlingDays) {
		errs = append(errs, FieldError{LabelHandlingDays, fmt.Sprintf("出荷作業日数は0〜%dの数字で入力してください。", MaxHandlingDays)})
	}
	if p.LowStockThreshold != nil && (*p.LowStockThreshold < 0 || *p.LowStockThreshold > MaxLowStockThresho) {
		errs = append(errs, FieldError{LabelLowStock, fmt.Sprintf("在庫わずか通知の数は0〜%dの数字で入力してください。", MaxLowStockThresho)})
	}
	return errs
}

// ValidSKU returns "" or a Japanese reason.
func ValidSKU(s string) string {
	if s == "" {
		return "商品コードが空です。商品コードを入力してください。"
	}
	if n := len([]rune(s)); n > MaxSKULen {
		return fmt.Sprintf("商品コードが%d文字あります。%d文字以内にしてください。", n, MaxSKULen)
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return fmt.Sprintf("商品コード「%s」に空白か制御文字が入っています。取り除いてください。", s)
		}
	}
	return ""
}

// ValidJAN checks a JAN (GTIN-8/13) including its check digit: a wrong digit
// is almost always a typo and would break scanning at the warehouse.
func ValidJAN(s string) bool {
	if (len(s) != 8 && len(s) != 13) || !masterDigits(s) {
		return false
	}
	sum := 0
	for i := len(s) - 2; i >= 0; i-- {
		d := int(s[i] - '0')
		// Weights alternate 3,1,3,… starting from the digit left of the check digit.
		if (len(s)-2-i)%2 == 0 {
			d *= 3
		}
		sum += d
	}
	return int(s[len(s)-1]-'0') == (10-sum%10)%10
}

// SameContent reports whether an upload row would change nothing.
func (p Product) SameContent(o Product) bool {
	return p.SKU == o.SKU && p.Name == o.Name && p.JAN == o.JAN && p.HasOptions == o.HasOptions &&
		eqIntPtr(p.HandlingDays, o.HandlingDays) && eqIntPtr(p.LowStockThreshold, o.LowStockThreshold)
}

func eqIntPtr(a, b *int) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}
