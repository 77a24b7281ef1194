package rakuten

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
)

var _ marketplace.OrderSearcher = (*Client)(nil)
var _ marketplace.OrderFetcher = (*Client)(nil)
var _ marketplace.StatusSnapshotter = (*Client)(nil)
var _ marketplace.OrderConfirmer = (*Client)(nil)

// SearchPage is one searchOrder page.
type SearchPage struct {
	Numbers []string
	Total   int
	Pages   int
}

// SearchOrderPage runs one searchOrder call.
func (c *Client) SearchOrderPage(ctx context.Context, dateType int, w marketplace.Window, progress []int, page, size int) (SearchPage, error) {
	req := SearchOrderRequest{
		DateType:          dateType,
		StartDatetime:     FormatTime(w.From),
		EndDatetime:       FormatTime(w.To.Add(-time.Second)), // RMS includes the end second; our windows are half-open
		OrderProgressList: progress,
		PaginationRequestModel: &PaginationRequest{
			RequestRecordsAmount: size,
			RequestPage:          page,
			SortModelList:        []SortModel{{SortColumn: 1, SortDirection: 1}},
		},
	}
	resp, err := c.do(ctx, "searchOrder", http.MethodPost, PathSearchOrder, req, paceOrder, "order", false)
	if err != nil {
		return SearchPage{}, err
	}
	r, err := ParseSearchOrder(resp.Body)
	if err != nil {
		return SearchPage{}, err
	}
	out := SearchPage{Numbers: r.OrderNumberList}
	if p := r.PaginationResponseModel; p != nil {
		if p.TotalRecordsAmount != nil {
			out.Total = *p.TotalRecordsAmount
		}
		if p.TotalPages != nil {
			out.Pages = *p.TotalPages
		}
	}
	return out, nil
}

// SearchOrders pages through every window of q (63 days at most each) and
// fetches the orders 100 at a time. RMS lets a search reach only its first
// 15,000 hits, sorted by order datetime: an order-date search goes on from
// the latest order datetime it reached (searchByOrderDate); a search by
// another date cannot, so its window is split (searchSplitting).
func (c *Client) SearchOrders(ctx context.Context, q marketplace.OrderQuery, each func(marketplace.OrderBatch) error) error {
	oldest := c.cfg.Now().Add(-MaxSearchAgeDays * 24 * time.Hour)
	if q.Window.From.Before(oldest) {
		return &marketplace.Error{Kind: marketplace.InvalidRequest, Marketplace: marketplace.Rakuten, Operation: "searchOrder",
			Field: "startDatetime", Message: fmt.Sprintf("RMS searches reach back %d days at most", MaxSearchAgeDays)}
	}
	dateType := DateTypeOrder
	if q.DateKind == marketplace.ByUpdate {
		dateType = DateTypePaymentFixed
	}
	var progress []int
	for _, s := range q.Statuses {
		p, err := strconv.Atoi(s)
		if err != nil {
			return &marketplace.Error{Kind: marketplace.InvalidRequest, Marketplace: marketplace.Rakuten, Operation: "searchOrder", Field: "orderProgressList", Message: "not a progress code: " + s}
		}
		progress = append(progress, p)
	}
	size := c.cfg.PageSize
	if q.PageSize > 0 && q.PageSize < size {
		size = q.PageSize
	}
	for _, w := range marketplace.SplitWindows(q.Window.From, q.Window.To, c.cfg.MaxWindow) {
		var err error
		if dateType == DateTypeOrder {
			err = c.searchByOrderDate(ctx, w, progress, size, each)
		} else {
			err = c.searchSplitting(ctx, dateType, w, progress, size, each)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// searchByOrderDate reads window w page by page. When a search has more
// hits than it can reach, the next one starts at the order datetime of
// the latest order fetched (RMS's start is inclusive to the second), and
// the orders of that second already fetched are left out of it, so every
// page read is used and no order is fetched twice. Only a single second
// holding more than a search can reach is cut (Truncated).
//
// Numbers wait in a queue until a getOrder batch of 100 is full, so only
// the window's end has a partial batch. When a search runs out, the
// queue's rest is either fetched as a short batch (wasting its empty
// places) or dropped, and the next search lists those orders again (they
// are no older than its start), costing their places on a page. Per call,
// a page holds ten batches, so only a rest nearly a batch is fetched.
func (c *Client) searchByOrderDate(ctx context.Context, w marketplace.Window, progress []int, size int, each func(marketplace.OrderBatch) error) error {
	from := w.From
	var seen map[string]bool // numbers fetched that are dated at the second from
	truncated := false
	for {
		sw := marketplace.Window{From: from, To: w.To}
		var (
			queue    []string
			latest   int64 = -1 << 62 // unix second of the latest order fetched by this search
			atLatest map[string]bool
		)
		fetch := func(numbers []string) ([]marketplace.Order, error) {
			orders, err := c.FetchOrders(ctx, numbers)
			for _, o := range orders {
				switch s := o.OrderedAt.Unix(); {
				case s > latest:
					latest, atLatest = s, map[string]bool{o.Number: true}
				case s == latest:
					atLatest[o.Number] = true
				}
			}
			return orders, err
		}
		for n := 1; ; n++ {
			page, err := c.SearchOrderPage(ctx, DateTypeOrder, sw, progress, n, size)
			if err != nil {
				return err
			}
			for _, num := range page.Numbers {
				if !seen[num] {
					queue = append(queue, num)
				}
			}
			end := len(page.Numbers) == 0 || n >= marketplace.Pages(min(page.Total, c.cfg.ReachableHits), size)
			more := end && len(page.Numbers) > 0 && page.Total > c.cfg.ReachableHits
			k := len(queue) - len(queue)%GetOrderBatch
			if end && !more {
				k = len(queue)
			}
			orders, err := fetch(queue[:k])
			if err != nil {
				return err
			}
			queue = queue[k:]
			// Nothing fetched yet past the start second: the queue's rest
			// decides whether this search got past it.
			stuck := latest <= from.Unix()
			if more && len(queue) > 0 && (stuck || (GetOrderBatch-len(queue))*size < GetOrderBatch*len(queue)) {
				rest, err := fetch(queue)
				if err != nil {
					return err
				}
				orders = append(orders, rest...)
			}
			next := time.Time{}
			if more {
				if latest > from.Unix() {
					next = time.Unix(latest, 0)
				} else {
					// Every hit this search reached is dated at its start
					// second; searching from there again would reach the
					// same ones, so the rest of that second is lost.
					truncated = true
					next = time.Unix(from.Unix()+1, 0)
					atLatest = nil
				}
			}
			done := end && (!more || !next.Before(w.To))
			if len(orders) > 0 || done {
				if err := each(marketplace.OrderBatch{Window: w, Orders: orders, WindowDone: done, Truncated: truncated && done}); err != nil {
					return err
				}
			}
			if done {
				return nil
			}
			if more {
				from, seen = next, atLatest
				break
			}
		}
	}
}

// searchSplitting reads window w for a date type other than the order
// date. Hits are still sorted by order datetime, so a search cannot go on
// from where the 15,000 reachable ones end: a window with more hits is
// split at once into enough equal parts for each to fit, with one to
// spare for uneven days, down to 2 minutes, below which it is cut.
func (c *Client) searchSplitting(ctx context.Context, dateType int, w marketplace.Window, progress []int, size int, each func(marketplace.OrderBatch) error) error {
	first, err := c.SearchOrderPage(ctx, dateType, w, progress, 1, size)
	if err != nil {
		return err
	}
	truncated := false
	if first.Total > c.cfg.ReachableHits {
		if w.Duration() > 2*time.Minute {
			for _, part := range splitEven(w, marketplace.Pages(first.Total, c.cfg.ReachableHits)+1) {
				if err := c.searchSplitting(ctx, dateType, part, progress, size, each); err != nil {
					return err
				}
			}
			return nil
		}
		truncated = true
	}
	pages := min(max(first.Pages, 1), marketplace.Pages(c.cfg.ReachableHits, size))
	page := first
	for n := 1; ; n++ {
		if n > 1 {
			if page, err = c.SearchOrderPage(ctx, dateType, w, progress, n, size); err != nil {
				return err
			}
		}
		orders, err := c.FetchOrders(ctx, page.Numbers)
		if err != nil {
			return err
		}
		last := n >= pages || len(page.Numbers) == 0
		if err := each(marketplace.OrderBatch{Window: w, Orders: orders, WindowDone: last, Truncated: truncated && last}); err != nil {
			return err
		}
		if last {
			return nil
		}
	}
}

// splitEven cuts w into n parts of about equal length on whole seconds.
func splitEven(w marketplace.Window, n int) []marketplace.Window {
	var out []marketplace.Window
	from := w.From
	for i := 1; i <= n; i++ {
		to := w.To
		if i < n {
			to = w.From.Add(w.Duration() / time.Duration(n) * time.Duration(i)).Truncate(time.Second)
		}
		if to.After(from) {
			out = append(out, marketplace.Window{From: from, To: to})
			from = to
		}
	}
	return out
}

// FetchOrders calls getOrder (version 7) in batches of 100.
func (c *Client) FetchOrders(ctx context.Context, numbers []string) ([]marketplace.Order, error) {
	out := make([]marketplace.Order, 0, len(numbers))
	for _, batch := range marketplace.Batches(numbers, GetOrderBatch) {
		resp, err := c.do(ctx, "getOrder", http.MethodPost, PathGetOrder, GetOrderRequest{OrderNumberList: batch, Version: GetOrderVersion}, paceOrder, "order", false)
		if err != nil {
			return nil, err
		}
		orders, _, err := ParseGetOrder(resp.Body)
		if err != nil {
			return nil, err
		}
		out = append(out, orders...)
	}
	return out, nil
}

// OrderStatuses is a status snapshot; RMS has no cheaper call than getOrder.
func (c *Client) OrderStatuses(ctx context.Context, numbers []string) ([]marketplace.OrderStatus, error) {
	orders, err := c.FetchOrders(ctx, numbers)
	if err != nil {
		return nil, err
	}
	out := make([]marketplace.OrderStatus, len(orders))
	for i := range orders {
		o := &orders[i]
		p, _ := strconv.Atoi(o.Status)
		out[i] = marketplace.OrderStatus{Number: o.Number, Status: o.Status, StatusName: o.StatusName, Paid: o.Paid,
			CreditApproved: o.CreditApproved, Cancelled: o.Cancelled, Shipped: p >= 500 && p <= 700, Order: o}
	}
	return out, nil
}

// ConfirmOrders moves orders from 100 注文確認待ち, 100 at a time.
func (c *Client) ConfirmOrders(ctx context.Context, numbers []string) ([]marketplace.ItemResult, error) {
	var out []marketplace.ItemResult
	for bi, batch := range marketplace.Batches(numbers, ConfirmBatch) {
		resp, err := c.do(ctx, "confirmOrder", http.MethodPost, PathConfirmOrder, ConfirmOrderRequest{OrderNumberList: batch}, paceOrder, "order", false)
		if err != nil {
			return out, err
		}
		var r MessagesResponse
		if err := json.Unmarshal(resp.Body, &r); err != nil {
			return out, malformed("confirmOrder", err)
		}
		index := map[string]int{}
		for i, n := range batch {
			index[n] = bi*ConfirmBatch + i
		}
		for _, m := range r.MessageModelList {
			out = append(out, marketplace.ItemResult{Key: m.OrderNumber, Index: index[m.OrderNumber], OK: m.MessageType != "ERROR", Code: m.MessageCode, Message: m.Message})
		}
	}
	return out, nil
}
