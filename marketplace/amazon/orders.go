package amazon

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
)

var _ marketplace.OrderSearcher = (*Client)(nil)
var _ marketplace.OrderFetcher = (*Client)(nil)
var _ marketplace.StatusSnapshotter = (*Client)(nil)

// jsonFramed is a cheap check that a body is a complete JSON object or
// array: it catches truncated and HTML bodies at classification time, so the
// API log shows them, without paying for a full validation pass (the parser
// reports anything subtler with its field).
func jsonFramed(b []byte) bool {
	b = bytes.TrimSpace(b)
	if len(b) < 2 {
		return false
	}
	first, last := b[0], b[len(b)-1]
	return (first == '{' && last == '}') || (first == '[' && last == ']')
}

// ImportWindow is the largest window one import request covers (SPEC §4:
// one week per request window; the seed's 範囲指定 is "最大1週間単位").
const ImportWindow = 7 * 24 * time.Hour

// beforeMargin: createdBefore/lastUpdatedBefore must be at least two minutes
// before the request (orders_2026-01-01.json); a little more absorbs clock
// skew between us and Amazon.
const beforeMargin = 3 * time.Minute

// DefaultImportStatuses are the statuses imported as shipping instructions:
// 保留中 and 未出荷 (amazon-commercerobo seed).
var DefaultImportStatuses = []string{StatusPending, StatusUnshipped}

// SearchQuery builds the searchOrders query for one window page. It is
// exported so tests can check it against the model's parameters.
func (c *Client) SearchQuery(w marketplace.Window, kind marketplace.DateKind, statuses []string, pageSize int, token string) url.Values {
	q := url.Values{}
	after, before := QCreatedAfter, QCreatedBefore
	if kind == marketplace.ByUpdate {
		after, before = QLastUpdatedAfter, QLastUpdatedBefore
	}
	q.Set(after, FormatTime(w.From))
	if !w.To.IsZero() {
		// Amazon's "before" is inclusive and to the second, our windows are
		// half-open: stop one second short so an order placed exactly on a
		// boundary comes back once, not in both windows.
		end := w.To.Truncate(time.Second).Add(-time.Second)
		if end.Before(w.From) {
			end = w.From
		}
		q.Set(before, FormatTime(end))
	}
	q.Set(QMarketplaceIDs, c.mp.ID)
	if len(statuses) > 0 {
		q.Set(QFulfillmentStatuses, strings.Join(statuses, ","))
	}
	// The warehouse ships merchant-fulfilled orders only; FBA orders are
	// Amazon's to ship.
	q.Set(QFulfilledBy, "MERCHANT")
	q.Set(QIncludedData, strings.Join(DefaultIncludedData, ","))
	if pageSize <= 0 || pageSize > MaxResultsPerPage {
		pageSize = MaxResultsPerPage
	}
	q.Set(QMaxResultsPerPage, strconv.Itoa(pageSize))
	if token != "" {
		q.Set(QPaginationToken, token)
	}
	return q
}

// SearchOrders implements marketplace.OrderSearcher: the span is cut into
// one-week windows, each paged with paginationToken at 100 orders a page,
// so N orders cost ceil(N/100) calls per window and never one per order.
func (c *Client) SearchOrders(ctx context.Context, q marketplace.OrderQuery, each func(marketplace.OrderBatch) error) error {
	statuses := q.Statuses
	if statuses == nil && q.DateKind == marketplace.ByOrderDate {
		statuses = DefaultImportStatuses
	}
	to := q.Window.To
	if limit := c.cfg.Now().Add(-beforeMargin); to.IsZero() || to.After(limit) {
		to = limit
	}
	for _, w := range marketplace.SplitWindows(q.Window.From, to, ImportWindow) {
		token := ""
		for {
			page, err := c.searchPage(ctx, c.SearchQuery(w, q.DateKind, statuses, q.PageSize, token))
			if err != nil {
				return err
			}
			batch := marketplace.OrderBatch{Window: w, Orders: make([]marketplace.Order, 0, len(page.Orders))}
			for i := range page.Orders {
				o, err := Normalize(&page.Orders[i])
				if err != nil {
					return malformed("searchOrders", err)
				}
				batch.Orders = append(batch.Orders, o)
			}
			token = ""
			if page.Pagination != nil {
				token = page.Pagination.NextToken
			}
			batch.WindowDone = token == ""
			if err := each(batch); err != nil {
				return err
			}
			if token == "" {
				break
			}
		}
	}
	return nil
}

func (c *Client) searchPage(ctx context.Context, q url.Values) (*SearchOrdersResponse, error) {
	resp, err := c.call(ctx, "searchOrders", http.MethodGet, PathSearchOrders, q, nil, false)
	if err != nil {
		return nil, err
	}
	page, err := ParseSearchOrders(resp.Body)
	if err != nil {
		return nil, malformed("searchOrders", err)
	}
	return page, nil
}

// GetOrder fetches one order with lines, buyer and recipient in one call
// (v2026-01-01 needs no restricted data token for them).
func (c *Client) GetOrder(ctx context.Context, number string) (*Order, error) {
	q := url.Values{QIncludedData: {strings.Join(DefaultIncludedData, ",")}}
	resp, err := c.call(ctx, "getOrder", http.MethodGet, PathGetOrder+url.PathEscape(number), q, nil, false)
	if err != nil {
		return nil, err
	}
	o, err := ParseGetOrder(resp.Body)
	if err != nil {
		return nil, malformed("getOrder", err)
	}
	return o, nil
}

// FetchOrders implements marketplace.OrderFetcher with one getOrder per
// number: v2026-01-01 has no batch fetch, and searchOrders cannot filter by
// id.
func (c *Client) FetchOrders(ctx context.Context, numbers []string) ([]marketplace.Order, error) {
	out := make([]marketplace.Order, 0, len(numbers))
	for _, n := range numbers {
		o, err := c.GetOrder(ctx, n)
		if err != nil {
			return out, err
		}
		no, err := Normalize(o)
		if err != nil {
			return out, malformed("getOrder", err)
		}
		out = append(out, no)
	}
	return out, nil
}

// OrderStatuses implements marketplace.StatusSnapshotter. The full order
// comes back too: Pending → Unshipped is when buyer, recipient and payment
// appear, and status sync fills them in from it (SPEC §7).
func (c *Client) OrderStatuses(ctx context.Context, numbers []string) ([]marketplace.OrderStatus, error) {
	orders, err := c.FetchOrders(ctx, numbers)
	out := make([]marketplace.OrderStatus, 0, len(orders))
	for i := range orders {
		o := &orders[i]
		out = append(out, marketplace.OrderStatus{
			Number: o.Number, Status: o.Status, StatusName: o.StatusName,
			Paid: o.Paid, Cancelled: o.Cancelled,
			Shipped: o.Status == StatusShipped, Order: o,
		})
	}
	return out, err
}
