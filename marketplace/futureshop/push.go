package futureshop

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/renkei-oss/renkei/marketplace"
)

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

// PushShipments marks shipments shipped with 発送API [V]: 100 orders a
// request, the first tracking number as invoiceNo and the ship date as
// shippingDate (発送処理日), which flips the shipment to 発送済み. The
// values are absolute, so a repeated request changes nothing and the
// shared layer may retry it.
func (c *Client) PushShipments(ctx context.Context, shipments []marketplace.ShipmentResult) (marketplace.PushReceipt, error) {
	var receipt marketplace.PushReceipt
	orders := make([]ShippingOrder, 0, len(shipments))
	for i, s := range shipments {
		if s.OrderNumber == "" || len(s.OrderNumber) > MaxOrderNoBytes {
			return receipt, invalid(OpShipping, fmt.Sprintf("orderList[%d].orderNo", i), "受注番号は12バイト以内で必須です")
		}
		no := 1
		if s.DestinationID != "" {
			n, err := strconv.Atoi(s.DestinationID)
			if err != nil || n < 1 || n > 999 {
				return receipt, invalid(OpShipping, fmt.Sprintf("orderList[%d].shipmentList[0].shipmentNo", i), "お届け先番号は1〜999です")
			}
			no = n
		}
		info := ShippingInfoPush{ShippingDate: marketplace.JSTDate(s.ShipDate)}
		if len(s.Packages) > 0 {
			info.InvoiceNo = s.Packages[0].TrackingNumber
		}
		if len(info.InvoiceNo) > MaxInvoiceNoBytes {
			return receipt, invalid(OpShipping, fmt.Sprintf("orderList[%d].shipmentList[0].shippingInfo.invoiceNo", i), "伝票番号は100バイト以内です")
		}
		orders = append(orders, ShippingOrder{OrderNo: s.OrderNumber, ShipmentList: []ShippingShipmentIn{{ShipmentNo: no, ShippingInfo: info}}})
	}
	for bi, batch := range marketplace.Batches(orders, ShippingBatch) {
		resp, err := c.call(ctx, OpShipping, http.MethodPost, c.cfg.BaseURL+PathShipping, ShippingRequest{OrderList: batch})
		if err != nil {
			return receipt, err
		}
		keys := make([]string, len(batch))
		for i, o := range batch {
			keys[i] = o.OrderNo
		}
		results, err := parseResults(OpShipping, resp.Body, keys, bi*ShippingBatch)
		if err != nil {
			return receipt, err
		}
		receipt.Results = append(receipt.Results, results...)
	}
	return receipt, nil
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

// parseResults reads {"status","results":[…]}: a row is accepted when its
// status is success and it has no errors [V3]. Rows are matched by their
// key (orderNo/productNo), falling back to position.
func parseResults(op string, b []byte, keys []string, offset int) ([]marketplace.ItemResult, error) {
	var r ResultResponse
	if err := strictObject(b, &r); err != nil || r.Status == "" {
		return nil, malformed(op, err)
	}
	byKey := map[string]ItemResult{}
	for _, x := range r.Results {
		byKey[x.OrderNo+x.ProductNo] = x
	}
	out := make([]marketplace.ItemResult, len(keys))
	for i, k := range keys {
		x, ok := byKey[k]
		if !ok && i < len(r.Results) {
			x, ok = r.Results[i], true
		}
		res := marketplace.ItemResult{Key: k, Index: offset + i}
		switch {
		case !ok:
			// No verdict for the row: only a whole-request success says it passed.
			res.OK = r.Status == ResultSuccess
		default:
			res.OK = x.Status == ResultSuccess && len(x.Errors) == 0
			if len(x.Errors) > 0 {
				res.Code, res.Message = x.Errors[0].Code, x.Errors[0].Message
			}
		}
		out[i] = res
	}
	return out, nil
}

func invalid(op, field, msg string) *marketplace.Error {
	return &marketplace.Error{Kind: marketplace.InvalidRequest, Marketplace: marketplace.Futureshop, Operation: op, Field: field, Message: msg}
}

// FetchProducts pages through 在庫検索 [V3] (通常在庫) with its nextUrl
// cursor: each product with its variations and their JAN codes.
func (c *Client) FetchProducts(ctx context.Context, q marketplace.ProductQuery) (marketplace.ProductPage, error) {
	target := q.Cursor
	if target == "" {
		v := url.Values{QueryTypes: {InventoryTypeRegular}}
		target = c.cfg.BaseURL + PathInventory + "?" + v.Encode()
	} else if _, err := c.checkNextOn(target, PathInventory, OpStockSearch); err != nil {
		return marketplace.ProductPage{}, err
	}
	resp, err := c.get(ctx, OpStockSearch, target)
	if err != nil {
		return marketplace.ProductPage{}, err
	}
	var r InventorySearchResponse
	if err := strictObject(resp.Body, &r); err != nil || r.ProductList == nil {
		return marketplace.ProductPage{}, malformed(OpStockSearch, err)
	}
	next, err := c.checkNextOn(r.NextURL, PathInventory, OpStockSearch)
	if err != nil {
		return marketplace.ProductPage{}, err
	}
	page := marketplace.ProductPage{NextCursor: next, Done: next == ""}
	for _, p := range r.ProductList {
		prod := marketplace.Product{ItemCode: p.ProductNo, ItemNumber: p.ProductNo, Name: p.Name}
		if t, err := ParseTime(p.DateCreated); err == nil {
			prod.CreatedAt = t
		}
		prod.RawPayload, _ = json.Marshal(p)
		if p.InventoryInfo.Regular != nil {
			for _, row := range p.InventoryInfo.Regular.InventoryList {
				prod.Variants = append(prod.Variants, marketplace.ProductVariant{
					OptionCode: OptionCode(row.VerticalNo, row.HorizontalNo), SKU: row.SkuNo, JAN: row.JanCode,
				})
			}
		}
		page.Products = append(page.Products, prod)
	}
	page.Total = len(page.Products)
	return page, nil
}
