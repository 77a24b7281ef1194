package futureshop

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/renkei-oss/renkei/marketplace"
)

var _ marketplace.StockPusher = (*Client)(nil)

// OptionCode is how a futureshop variation is named on our side: the
// vertical axis code, then "/" and the horizontal one when used. Renkei's
// channel item mapping stores it as the オプションコード.
func OptionCode(vertical, horizontal string) string {
	if horizontal == "" {
		return vertical
	}
	return vertical + "/" + horizontal
}

// SplitOptionCode undoes OptionCode.
func SplitOptionCode(code string) (vertical, horizontal string) {
	vertical, horizontal, _ = strings.Cut(code, "/")
	return vertical, horizontal
}

// PushStock sends absolute quantities with 在庫更新 [V3], grouping rows of
// one product. ItemCode is the productNo, OptionCode the variation (see
// OptionCode); Unlimited sends the largest quantity accepted.
func (c *Client) PushStock(ctx context.Context, updates []marketplace.StockUpdate) (marketplace.PushReceipt, error) {
	var receipt marketplace.PushReceipt
	var products []InventoryProduct
	index := map[string]int{}
	for i, u := range updates {
		if u.ItemCode == "" || len(u.ItemCode) > MaxProductNoBytes || strings.ContainsAny(u.ItemCode, ", \t\n") {
			return receipt, invalid(OpStockUpdate, fmt.Sprintf("productList[%d].productNo", i), "商品番号は32バイト以内で、カンマや空白を含められません")
		}
		v, h := SplitOptionCode(u.OptionCode)
		if len(v) > MaxVariationBytes || len(h) > MaxVariationBytes {
			return receipt, invalid(OpStockUpdate, fmt.Sprintf("productList[%d].inventoryInfo.regular.inventoryList.verticalNo", i), "バリエーションのコードは9バイト以内です")
		}
		q := min(max(u.Quantity, 0), MaxStock)
		if u.Unlimited {
			q = MaxStock
		}
		k, ok := index[u.ItemCode]
		if !ok {
			k = len(products)
			index[u.ItemCode] = k
			products = append(products, InventoryProduct{ProductNo: u.ItemCode, InventoryInfo: InventoryInfo{Regular: &InventoryRegular{}}})
		}
		reg := products[k].InventoryInfo.Regular
		reg.InventoryList = append(reg.InventoryList, InventoryRow{VerticalNo: v, HorizontalNo: h, Count: q})
	}
	for bi, batch := range marketplace.Batches(products, InventoryBatch) {
		resp, err := c.call(ctx, OpStockUpdate, http.MethodPost, c.cfg.BaseURL+PathInventory, InventoryRequest{ProductList: batch})
		if err != nil {
			return receipt, err
		}
		keys := make([]string, len(batch))
		for i, p := range batch {
			keys[i] = p.ProductNo
		}
		results, err := parseResults(OpStockUpdate, resp.Body, keys, bi*InventoryBatch)
		if err != nil {
			return receipt, err
		}
		receipt.Results = append(receipt.Results, results...)
	}
	return receipt, nil
}
