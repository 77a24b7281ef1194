package futureshop

import (
	"context"
	"encoding/json"
	"net/url"

	"github.com/renkei-oss/renkei/marketplace"
)

var _ marketplace.ProductFetcher = (*Client)(nil)

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
