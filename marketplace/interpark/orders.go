package interpark

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
)

var _ marketplace.OrderSearcher = (*Client)(nil)

// ListPage is one answer of a list operation.
type ListPage struct {
	Orders []marketplace.Order
	Pages  int
}

// ListOrders calls a list operation (MethodNewOrders, MethodShipTargets)
// for one window and page. Windows are half-open; Interpark's end is
// inclusive to the second, so the last second is To-1s.
func (c *Client) ListOrders(ctx context.Context, method string, w marketplace.Window, page int) (ListPage, error) {
	q := c.params(method)
	q.Set(ParamStartDate, FormatTime(w.From))
	q.Set(ParamEndDate, FormatTime(w.To.Add(-time.Second)))
	if page > 1 {
		q.Set(ParamPageNo, strconv.Itoa(page))
	}
	resp, err := c.http.Do(ctx, marketplace.Request{
		Operation: method,
		Method:    http.MethodGet,
		URL:       c.cfg.BaseURL + PathOrderAPI + "?" + q.Encode(),
		Header:    http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
		PaceKey:   c.key + ":order",
		Pace:      pace,
		// orderListForSingle acknowledges what it returns; repeating it is
		// still safe: acknowledged orders are read back from the ship-target list.
	})
	if err != nil {
		return ListPage{}, err
	}
	utf, err := DecodeBody(resp.Header.Get("Content-Type"), resp.Body)
	if err != nil {
		return ListPage{}, malformed(method, err)
	}
	orders, pages, err := ParseOrderList(method, utf)
	if err != nil {
		return ListPage{}, err
	}
	return ListPage{Orders: orders, Pages: pages}, nil
}

// SearchOrders imports what the seed says Smartship imports: 新規注文 and
// 発送対象 orders. Per window (one day at most) it first reads the
// ship-target list, then the new-order list, which acknowledges what it
// returns (新規注文 → 発送対象 on Interpark). The order matters for
// crash-resume: an order acknowledged by a run that died before storing it
// is 発送対象 now and the next run reads it from the first list.
// Query statuses are ignored: the two lists are the import's statuses.
func (c *Client) SearchOrders(ctx context.Context, q marketplace.OrderQuery, each func(marketplace.OrderBatch) error) error {
	for _, w := range marketplace.SplitWindows(q.Window.From, q.Window.To, c.cfg.MaxWindow) {
		seen := map[string]bool{}
		var pending []marketplace.Order
		flush := func(done bool) error {
			b := marketplace.OrderBatch{Window: w, Orders: pending, WindowDone: done}
			pending = nil
			return each(b)
		}
		add := func(orders []marketplace.Order) int {
			n := 0
			for _, o := range orders {
				if !seen[o.Number] {
					seen[o.Number] = true
					pending = append(pending, o)
					n++
				}
			}
			return n
		}
		// Ship targets do not move while we read: page through them.
		for page, pages := 1, 1; page <= pages; page++ {
			p, err := c.ListOrders(ctx, MethodShipTargets, w, page)
			if err != nil {
				return err
			}
			pages = p.Pages
			add(p.Orders)
			if len(pending) > 0 {
				if err := flush(false); err != nil {
					return err
				}
			}
		}
		// New orders leave the list as they are read, so the next unread
		// page is always page 1 [I]. Stop when a page brings nothing new,
		// which also ends the loop against a list that does not drain.
		for {
			p, err := c.ListOrders(ctx, MethodNewOrders, w, 1)
			if err != nil {
				return err
			}
			acknowledged(p.Orders)
			fresh := add(p.Orders)
			if p.Pages <= 1 || fresh == 0 {
				break
			}
			if err := flush(false); err != nil {
				return err
			}
		}
		if err := flush(true); err != nil {
			return err
		}
	}
	return nil
}

// acknowledged marks orders the new-order list returned as 発送対象: the
// call itself moved them there on Interpark (seed), whatever state the
// answer still shows. A re-import then sees no change.
func acknowledged(orders []marketplace.Order) {
	for i := range orders {
		if orders[i].Status < StateConfirmed {
			orders[i].Status, orders[i].StatusName = StateConfirmed, StateName(StateConfirmed)
		}
	}
}
