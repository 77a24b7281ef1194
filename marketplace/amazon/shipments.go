package amazon

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
)

var _ marketplace.ShipmentPusher = (*Client)(nil)

// CarrierOther is the carrier code for carriers outside Amazon's list;
// carrierName is then required (mandatory for JP since 2022-08-31).
const CarrierOther = "Other"

// ConfirmRequest builds the confirmShipment body for one shipment result.
// Amazon takes one tracking number per order here, and the seed says the
// first one wins (「先頭の1つのみを返します」), so every line of every package
// goes under the first package's tracking number. lines are used when the
// shipment does not list its own (a whole-order shipment).
func (c *Client) ConfirmRequest(s marketplace.ShipmentResult, wholeOrder []ConfirmOrderItem) (ConfirmShipmentRequest, error) {
	req := ConfirmShipmentRequest{MarketplaceID: c.mp.ID}
	if len(s.Packages) == 0 || s.Packages[0].TrackingNumber == "" {
		return req, invalidShipment(s.OrderNumber, "packageDetail.trackingNumber", "問番がありません")
	}
	p := s.Packages[0]
	code, name := s.CarrierCode, s.CarrierName
	if p.CarrierCode != "" {
		code, name = p.CarrierCode, p.CarrierName
	}
	if code == "" && name != "" {
		code = CarrierOther
	}
	if code == "" {
		return req, invalidShipment(s.OrderNumber, "packageDetail.carrierCode", "配送業者コードがありません")
	}
	if code == CarrierOther && name == "" {
		return req, invalidShipment(s.OrderNumber, "packageDetail.carrierName", "配送業者がOtherのときは配送業者名が必要です")
	}
	if code != CarrierOther {
		name = ""
	}
	qty := map[string]int{}
	var order []string
	for _, pk := range s.Packages {
		for _, l := range pk.Lines {
			if _, seen := qty[l.LineID]; !seen {
				order = append(order, l.LineID)
			}
			qty[l.LineID] += l.Quantity
		}
	}
	items := make([]ConfirmOrderItem, 0, len(order))
	for _, id := range order {
		items = append(items, ConfirmOrderItem{OrderItemID: id, Quantity: qty[id]})
	}
	if len(items) == 0 {
		items = wholeOrder
	}
	if len(items) == 0 {
		return req, invalidShipment(s.OrderNumber, "packageDetail.orderItems", "出荷明細がありません")
	}
	req.PackageDetail = PackageDetail{
		PackageReferenceID: "1",
		CarrierCode:        code,
		CarrierName:        name,
		ShippingMethod:     s.ShipMethod,
		TrackingNumber:     p.TrackingNumber,
		ShipDate:           c.shipDate(s.ShipDate),
		OrderItems:         items,
	}
	return req, nil
}

// shipDate: our ship date is a Japan calendar day. Amazon rejects a
// shipDate in the future and one before the order was placed, so "today"
// becomes now and an earlier day becomes that day's evening in Japan.
func (c *Client) shipDate(d time.Time) string {
	now := c.cfg.Now()
	if d.IsZero() || marketplace.JSTDate(d) == marketplace.JSTDate(now) {
		return FormatTime(now)
	}
	j := d.In(marketplace.JST)
	if j.Hour() == 0 && j.Minute() == 0 {
		j = time.Date(j.Year(), j.Month(), j.Day(), 18, 0, 0, 0, marketplace.JST)
	}
	if j.After(now) {
		j = now
	}
	return FormatTime(j)
}

func invalidShipment(order, field, msg string) error {
	return &marketplace.Error{Kind: marketplace.InvalidRequest, Marketplace: marketplace.Amazon,
		Operation: "confirmShipment", Field: field, Message: order + ": " + msg}
}

// PushShipments implements marketplace.ShipmentPusher with one
// confirmShipment (v0, 204 on success) per order. A rejection of one order
// is that order's result; throttling that outlasts the retries, and
// authentication failures, stop the run.
func (c *Client) PushShipments(ctx context.Context, shipments []marketplace.ShipmentResult) (marketplace.PushReceipt, error) {
	var rec marketplace.PushReceipt
	for i, s := range shipments {
		res := marketplace.ItemResult{Key: s.OrderNumber, Index: i}
		err := c.confirmOne(ctx, s)
		var me *marketplace.Error
		switch {
		case err == nil:
			res.OK = true
		case errors.As(err, &me) && (me.Kind == marketplace.InvalidRequest || me.Kind == marketplace.Malformed):
			res.Code, res.Message = me.Code, me.Message
			if res.Code == "" {
				res.Code = me.Field
			}
		default:
			return rec, err
		}
		rec.Results = append(rec.Results, res)
	}
	return rec, nil
}

func (c *Client) confirmOne(ctx context.Context, s marketplace.ShipmentResult) error {
	var whole []ConfirmOrderItem
	if !hasLines(s) {
		o, err := c.GetOrder(ctx, s.OrderNumber)
		if err != nil {
			return err
		}
		for _, it := range o.OrderItems {
			whole = append(whole, ConfirmOrderItem{OrderItemID: it.OrderItemID, Quantity: it.QuantityOrdered})
		}
	}
	req, err := c.ConfirmRequest(s, whole)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(req)
	// Not idempotent in general (it can edit an already-shipped order), so
	// the shared layer only retries when Amazon certainly did not act.
	_, err = c.call(ctx, "confirmShipment", http.MethodPost,
		PathOrdersV0+url.PathEscape(s.OrderNumber)+SuffixConfirmShip, nil, body, true)
	return err
}

func hasLines(s marketplace.ShipmentResult) bool {
	for _, p := range s.Packages {
		if len(p.Lines) > 0 {
			return true
		}
	}
	return false
}
