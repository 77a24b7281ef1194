package rakuten

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
)

var _ marketplace.ProductFetcher = (*Client)(nil)

// FetchProducts pages through Item API 2.0 items.search by update date
// (商品マスタ最終取得期間) from a start position (商品マスタ取得開始位置).
func (c *Client) FetchProducts(ctx context.Context, q marketplace.ProductQuery) (marketplace.ProductPage, error) {
	hits := q.Limit
	if hits <= 0 || hits > ItemsSearchMaxHits {
		hits = ItemsSearchMaxHits
	}
	v := url.Values{"hits": {strconv.Itoa(hits)}, "offset": {strconv.Itoa(max(q.Offset, 0))}, "sortKey": {"updated"}, "sortOrder": {"asc"}}
	if !q.UpdatedFrom.IsZero() {
		v.Set("updatedFrom", q.UpdatedFrom.In(marketplace.JST).Format(time.RFC3339))
	}
	resp, err := c.do(ctx, FunctionItemsSearch, http.MethodGet, PathItemsSearch+"?"+v.Encode(), nil, paceOther, "item", false)
	if err != nil {
		return marketplace.ProductPage{}, err
	}
	return ParseItemsSearch(resp.Body, max(q.Offset, 0))
}

// ParseItemsSearch decodes an items.search page.
func ParseItemsSearch(body []byte, offset int) (marketplace.ProductPage, error) {
	var env struct {
		NumFound       int    `json:"numFound"`
		NextCursorMark string `json:"nextCursorMark"`
		Results        []struct {
			Item json.RawMessage `json:"item"`
		} `json:"results"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return marketplace.ProductPage{}, malformed(FunctionItemsSearch, err)
	}
	page := marketplace.ProductPage{Total: env.NumFound, NextCursor: env.NextCursorMark}
	for _, r := range env.Results {
		if len(r.Item) == 0 || string(r.Item) == "null" {
			continue
		}
		var it Item
		if err := json.Unmarshal(r.Item, &it); err != nil {
			return marketplace.ProductPage{}, malformed(FunctionItemsSearch, err)
		}
		page.Products = append(page.Products, toProduct(it, r.Item))
	}
	page.NextOffset = offset + len(env.Results)
	page.Done = len(env.Results) == 0 || page.NextOffset >= env.NumFound
	return page, nil
}

func toProduct(it Item, raw []byte) marketplace.Product {
	p := marketplace.Product{ItemCode: it.ManageNumber, ItemNumber: it.ItemNumber, Name: it.Title, RawPayload: raw}
	p.CreatedAt, _ = ParseTime(it.Created)
	p.UpdatedAt, _ = ParseTime(it.Updated)
	ids := make([]string, 0, len(it.Variants))
	for id := range it.Variants {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		v := it.Variants[id]
		pv := marketplace.ProductVariant{OptionCode: id, SKU: v.MerchantDefinedSkuID}
		if v.ArticleNumber != nil {
			pv.JAN = v.ArticleNumber.Value
		}
		pv.Price, _ = strconv.ParseInt(v.StandardPrice, 10, 64)
		keys := make([]string, 0, len(v.SelectorValues))
		for k := range v.SelectorValues {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		var opts []string
		for _, k := range keys {
			opts = append(opts, k+":"+v.SelectorValues[k])
		}
		pv.Options = strings.Join(opts, " ")
		p.Variants = append(p.Variants, pv)
	}
	return p
}
