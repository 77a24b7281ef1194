package domain

import (
	"fmt"
	"strings"
)

// ProductMapping (外部商品対応表) ties a channel's item code (and option code
// for items with options) to our SKU; stock pushes and order imports use it.
type ProductMapping struct {
	ID           int64  `db:"id"`
	ConnectionID int64  `db:"connection_id"`
	ItemCode     string `db:"item_code"`
	OptionCode   string `db:"option_code"` // "" for single items
	SKU          string `db:"sku"`
	ProductName  string `db:"product_name"`
}

// ChannelItem is an item a channel has shown us (in an order or a product
// import), whether mapped or not; the unmapped ones are listed for operators.
type ChannelItem struct {
	ConnectionID int64  `db:"connection_id"`
	ItemCode     string `db:"item_code"`
	OptionCode   string `db:"option_code"`
	Name         string `db:"name"`
}

// Mapping column labels (upload layout and messages).
const (
	LabelChannel    = "販売チャネル"
	LabelItemCode   = "商品コード(チャネル)"
	LabelOptionCode = "オプションコード"
	LabelMappedSKU  = "SKU"
	// LabelSellerSKU is Interpark/Smartship's column name for our SKU.
	LabelSellerSKU = "SKU販売者管理コード"
)

// Validate checks the codes, not whether the SKU exists (the store does).
func (m ProductMapping) Validate() []FieldError {
	var errs []FieldError
	if m.ConnectionID == 0 {
		errs = append(errs, FieldError{LabelChannel, "販売チャネルが空か、登録されていません。API接続設定にある販売チャネル名かIDを入れてください。"})
	}
	switch {
	case strings.TrimSpace(m.ItemCode) == "":
		errs = append(errs, FieldError{LabelItemCode, "チャネルの商品コードが空です。入力してください。"})
	case len([]rune(m.ItemCode)) > 255:
		errs = append(errs, FieldError{LabelItemCode, "チャネルの商品コードは255文字以内にしてください。"})
	}
	if len([]rune(m.OptionCode)) > 255 {
		errs = append(errs, FieldError{LabelOptionCode, "オプションコードは255文字以内にしてください。"})
	}
	if r := ValidSKU(m.SKU); r != "" {
		errs = append(errs, FieldError{LabelMappedSKU, r})
	}
	return errs
}

// Key identifies the channel item a mapping is for.
func (m ProductMapping) Key() string {
	return fmt.Sprintf("%d\x00%s\x00%s", m.ConnectionID, m.ItemCode, m.OptionCode)
}
