package shopserve

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
)

var _ marketplace.OrderSearcher = (*Client)(nil)
var _ marketplace.OrderConfirmer = (*Client)(nil)
var _ marketplace.OrderFetcher = (*Client)(nil)
var _ marketplace.StatusSnapshotter = (*Client)(nil)

// RetrievePage runs one V2-M-0024 call for the inclusive seconds [since, until].
func (c *Client) RetrievePage(ctx context.Context, req RetrieveRequest) (Page, error) {
	resp, err := c.post(ctx, OpOrderRetrieve, PathOrderRetrieve, req, false)
	if err != nil {
		return Page{}, err
	}
	return ParseRetrieve(resp.Body)
}

// SearchOrders pages through every window of q, one week at most each
// (the seed's limit), from/size at a time. q.Statuses are order_status
// values (empty: all).
func (c *Client) SearchOrders(ctx context.Context, q marketplace.OrderQuery, each func(marketplace.OrderBatch) error) error {
	oldest := c.cfg.Now().Add(-MaxAgeDays * 24 * time.Hour)
	if q.Window.From.Before(oldest) {
		return &marketplace.Error{Kind: marketplace.InvalidRequest, Marketplace: marketplace.Shopserve, Operation: OpOrderRetrieve,
			Field: "since", Message: "範囲指定取得は2年前までです"}
	}
	dateType := DateTypeOrdered
	if q.DateKind == marketplace.ByUpdate {
		dateType = DateTypeUpdated
	}
	size := c.cfg.PageSize
	if q.PageSize > 0 && q.PageSize < size {
		size = q.PageSize
	}
	for _, w := range marketplace.SplitWindows(q.Window.From, q.Window.To, c.cfg.MaxWindow) {
		if err := c.searchWindow(ctx, w, dateType, q.Statuses, size, each); err != nil {
			return err
		}
	}
	return nil
}

func (c *Client) searchWindow(ctx context.Context, w marketplace.Window, dateType string, statuses []string, size int, each func(marketplace.OrderBatch) error) error {
	req := RetrieveRequest{
		Since: FormatTime(w.From),
		// Both ends are taken as inclusive seconds [I]; our windows are
		// half-open, so the last second is one before To.
		Until:       FormatTime(w.To.Add(-time.Second)),
		DateType:    dateType,
		OrderStatus: statuses,
		Size:        size,
	}
	total, restarts := -1, 0
	for {
		page, err := c.RetrievePage(ctx, req)
		if err != nil {
			return err
		}
		// Offsets move when orders leave the filtered set mid-search (an
		// order confirmed in the admin): had the count changed, a later
		// page may have skipped one. Read the window again from the start;
		// the importer merges what it sees twice.
		if total >= 0 && page.Total != total && restarts < maxRestarts {
			restarts++
			total, req.From = -1, 0
			continue
		}
		total = page.Total
		req.From += len(page.Orders)
		last := len(page.Orders) == 0 || req.From >= page.Total
		if err := each(marketplace.OrderBatch{Window: w, Orders: page.Orders, WindowDone: last}); err != nil {
			return err
		}
		if last {
			return nil
		}
	}
}

// maxRestarts bounds how often a window whose hit count moves is read again.
const maxRestarts = 3

// ConfirmOrders moves 未確認 orders to 確認済 with V2-M-0012, one call per
// serial_code (the API updates one order at a time [V3]).
func (c *Client) ConfirmOrders(ctx context.Context, serials []string) ([]marketplace.ItemResult, error) {
	out := make([]marketplace.ItemResult, 0, len(serials))
	for i, sc := range serials {
		path := strings.Replace(PathStatusUpdate, "{serial_code}", sc, 1)
		resp, err := c.post(ctx, OpStatusUpdate, path, StatusUpdateRequest{OrderStatus: OrderConfirmed}, false)
		if err != nil {
			// A refusal of this one order (cancelled, unknown) is its
			// result; anything else stops the batch.
			if e, ok := err.(*marketplace.Error); ok && e.Kind == marketplace.InvalidRequest {
				out = append(out, marketplace.ItemResult{Key: sc, Index: i, Code: e.Code, Message: e.OperatorMessage()})
				continue
			}
			return out, err
		}
		var r StatusUpdateResponse
		if err := json.Unmarshal(resp.Body, &r); err != nil || r.SerialCode == "" {
			return out, malformed(OpStatusUpdate, err)
		}
		out = append(out, marketplace.ItemResult{Key: sc, Index: i, OK: r.OrderStatus == OrderConfirmed})
	}
	return out, nil
}

// FetchOrders asks V2-M-0024 for given serial codes, 100 at a time.
func (c *Client) FetchOrders(ctx context.Context, serials []string) ([]marketplace.Order, error) {
	out := make([]marketplace.Order, 0, len(serials))
	for _, batch := range marketplace.Batches(serials, MaxSerialCodes) {
		for from := 0; ; {
			p, err := c.RetrievePage(ctx, RetrieveRequest{SerialCodes: batch, From: from, Size: MaxPageSize})
			if err != nil {
				return nil, err
			}
			out = append(out, p.Orders...)
			from += len(p.Orders)
			if len(p.Orders) == 0 || from >= p.Total {
				break
			}
		}
	}
	return out, nil
}

// OrderStatuses is the status snapshot for status sync (入金, キャンセル).
func (c *Client) OrderStatuses(ctx context.Context, serials []string) ([]marketplace.OrderStatus, error) {
	orders, err := c.FetchOrders(ctx, serials)
	if err != nil {
		return nil, err
	}
	out := make([]marketplace.OrderStatus, len(orders))
	for i := range orders {
		o := &orders[i]
		var raw OrderJSON
		_ = json.Unmarshal(o.RawPayload, &raw) // parsed once already
		out[i] = marketplace.OrderStatus{Number: o.Number, Status: o.Status, StatusName: o.StatusName, Paid: o.Paid,
			CreditApproved: o.CreditApproved, Cancelled: o.Cancelled,
			Shipped: raw.ShippingStatus == ShippingShipped || raw.ShippingStatus == ShippingArrived, Order: o}
	}
	return out, nil
}
