package futureshop

import (
	"context"
	"net/url"
	"strings"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
)

var _ marketplace.OrderSearcher = (*Client)(nil)
var _ marketplace.OrderFetcher = (*Client)(nil)

// searchQuery is the 受注検索 filter for w. Both ends are inclusive to the
// second [I], so the half-open window ends one second early.
func searchQuery(w marketplace.Window, statuses []string) url.Values {
	q := url.Values{
		QueryOrderDateStart: {w.From.In(marketplace.JST).Format(DatetimeLayout)},
		QueryOrderDateEnd:   {w.To.Add(-time.Second).In(marketplace.JST).Format(DatetimeLayout)},
	}
	if len(statuses) > 0 {
		q.Set(QueryShippingStatus, strings.Join(statuses, ","))
	}
	return q
}

// SearchOrders implements marketplace.OrderSearcher. Statuses are
// shippingStatus values (notShipped, shipped); empty means both.
func (c *Client) SearchOrders(ctx context.Context, q marketplace.OrderQuery, each func(marketplace.OrderBatch) error) error {
	if q.DateKind != marketplace.ByOrderDate {
		return &marketplace.Error{Kind: marketplace.InvalidRequest, Marketplace: marketplace.Futureshop, Operation: OpOrderSearch,
			Message: "受注検索APIは注文日時でのみ検索できます"}
	}
	for _, w := range marketplace.SplitWindows(q.Window.From, q.Window.To, c.cfg.MaxWindow) {
		next := c.cfg.BaseURL + PathOrderSearch + "?" + searchQuery(w, q.Statuses).Encode()
		for next != "" {
			resp, err := c.get(ctx, OpOrderSearch, next)
			if err != nil {
				return err
			}
			page, err := ParseSearch(resp.Body)
			if err != nil {
				return err
			}
			if next, err = c.checkNext(page.NextURL); err != nil {
				return err
			}
			orders := make([]marketplace.Order, 0, len(page.Orders))
			for _, o := range page.Orders {
				// The search ends to the second; drop what lies outside the
				// half-open window should the API round differently.
				if o.OrderedAt.Before(w.From) || !o.OrderedAt.Before(w.To) {
					continue
				}
				orders = append(orders, o)
			}
			if err := each(marketplace.OrderBatch{Window: w, Orders: orders, WindowDone: next == ""}); err != nil {
				return err
			}
		}
	}
	return nil
}

// FetchOrders implements marketplace.OrderFetcher with 受注詳細, one call
// per order (the API has no batch form).
func (c *Client) FetchOrders(ctx context.Context, numbers []string) ([]marketplace.Order, error) {
	out := make([]marketplace.Order, 0, len(numbers))
	for _, no := range numbers {
		resp, err := c.get(ctx, OpOrderDetail, c.cfg.BaseURL+PathOrderDetail+url.PathEscape(no))
		if err != nil {
			return out, err
		}
		o, err := ParseOrder(resp.Body)
		if err != nil {
			return out, err
		}
		out = append(out, o)
	}
	return out, nil
}
