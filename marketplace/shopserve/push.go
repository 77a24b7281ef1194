package shopserve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/renkei-oss/renkei/marketplace"
)

var _ interface {
	marketplace.OrderFetcher
	marketplace.StatusSnapshotter
	marketplace.ShipmentPusher
	marketplace.StockPusher
} = (*Client)(nil)

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

// PushShipments registers 配送会社 and 問い合わせ番号 and moves each order
// (or delivery) to 出荷済 with V2-M-0012, one call per shipment. The API
// keeps one slip per delivery: the first package's number is sent.
// Refusals of one order are its result; other failures stop the push.
func (c *Client) PushShipments(ctx context.Context, shipments []marketplace.ShipmentResult) (marketplace.PushReceipt, error) {
	var rc marketplace.PushReceipt
	for i, s := range shipments {
		req, reason := shipmentRequest(s)
		if reason != "" {
			rc.Results = append(rc.Results, marketplace.ItemResult{Key: s.OrderNumber, Index: i, Code: CodeInvalidParameter, Message: reason})
			continue
		}
		path := strings.Replace(PathStatusUpdate, "{serial_code}", url.PathEscape(s.OrderNumber), 1)
		resp, err := c.post(ctx, OpStatusUpdate, path, req, false)
		if err != nil {
			var me *marketplace.Error
			if errors.As(err, &me) && me.Kind == marketplace.InvalidRequest {
				rc.Results = append(rc.Results, marketplace.ItemResult{Key: s.OrderNumber, Index: i, Code: me.Code, Message: me.OperatorMessage()})
				continue
			}
			return rc, err
		}
		var r StatusUpdateResponse
		if err := json.Unmarshal(resp.Body, &r); err != nil || r.SerialCode == "" {
			return rc, malformed(OpStatusUpdate, err)
		}
		rc.Results = append(rc.Results, marketplace.ItemResult{Key: s.OrderNumber, Index: i, OK: r.ShippingStatus == ShippingShipped, Ref: req.SlipNumber})
	}
	return rc, nil
}

// shipmentRequest builds the V2-M-0012 body, or says in Japanese why the
// shipment cannot be sent as it is.
func shipmentRequest(s marketplace.ShipmentResult) (StatusUpdateRequest, string) {
	if len(s.Packages) == 0 || strings.TrimSpace(s.Packages[0].TrackingNumber) == "" {
		return StatusUpdateRequest{}, "問い合わせ番号がありません。出荷実績に問い合わせ番号を登録してください。"
	}
	p := s.Packages[0]
	slip := strings.TrimSpace(p.TrackingNumber)
	if len(slip) > MaxSlipLength || strings.Trim(slip, "0123456789-") != "" {
		return StatusUpdateRequest{}, fmt.Sprintf("問い合わせ番号「%s」は%d文字以内の数字とハイフンで入力してください。", slip, MaxSlipLength)
	}
	carrier := p.CarrierName
	if carrier == "" {
		carrier = s.CarrierName
	}
	if !slices.Contains(CarrierNames, carrier) {
		return StatusUpdateRequest{}, fmt.Sprintf("配送会社「%s」はショップサーブに送れません。配送会社マスタのShopserve配送会社を %s のいずれかにしてください。", carrier, strings.Join(CarrierNames, "・"))
	}
	if s.ShipDate.IsZero() {
		return StatusUpdateRequest{}, "出荷日がありません。"
	}
	req := StatusUpdateRequest{ShippingStatus: ShippingShipped, ShippedOn: marketplace.JSTDate(s.ShipDate), SlipNumber: slip, DeliveryCompany: carrier}
	if s.DestinationID != "" {
		if n, err := strconv.Atoi(s.DestinationID); err == nil {
			req.DeliveryNo = n
		}
	}
	return req, ""
}

// PushStock sends free stock, one V2-M-0019 call per item or option.
// OptionCode, when set, is the option axes as text ("カラー:赤 サイズ:M").
func (c *Client) PushStock(ctx context.Context, updates []marketplace.StockUpdate) (marketplace.PushReceipt, error) {
	var rc marketplace.PushReceipt
	for i, u := range updates {
		key := u.ItemCode
		if u.OptionCode != "" {
			key += " " + u.OptionCode
		}
		req := StockRequest{Unlimited: No, Quantity: strconv.Itoa(max(u.Quantity, 0)), Option: optionAxes(u.OptionCode)}
		if u.Unlimited {
			req.Unlimited = Yes
		}
		if u.LowStockThreshold != nil {
			req.LowStockQuantity = strconv.Itoa(*u.LowStockThreshold)
		}
		path := strings.Replace(PathItemStock, "{item_code}", url.PathEscape(u.ItemCode), 1)
		resp, err := c.post(ctx, OpItemStock, path, req, false)
		if err != nil {
			var me *marketplace.Error
			if errors.As(err, &me) && me.Kind == marketplace.InvalidRequest {
				rc.Results = append(rc.Results, marketplace.ItemResult{Key: key, Index: i, Code: me.Code, Message: me.OperatorMessage()})
				continue
			}
			return rc, err
		}
		var r StockResponse
		if err := json.Unmarshal(resp.Body, &r); err != nil || r.ItemCode == "" {
			return rc, malformed(OpItemStock, err)
		}
		rc.Results = append(rc.Results, marketplace.ItemResult{Key: key, Index: i, OK: true})
	}
	return rc, nil
}

// optionAxes reads "カラー:赤 サイズ:M" into {"カラー":"赤","サイズ":"M"}.
func optionAxes(s string) map[string]string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	out := map[string]string{}
	for _, f := range strings.Fields(s) {
		if k, v, ok := strings.Cut(f, ":"); ok && k != "" {
			out[k] = v
		}
	}
	return out
}
