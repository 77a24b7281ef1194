package rakuten

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/renkei-oss/renkei/marketplace"
)

var _ marketplace.ShipmentPusher = (*Client)(nil)
var _ marketplace.ShipmentResultPoller = (*Client)(nil)

// PushShipments sends shipment results with updateOrderShippingAsync, 100
// orders a request, and returns the request ids to poll. Shipments without
// a DestinationID get their order's basketId from getOrder (single
// destination orders only). The push is never blindly retried.
func (c *Client) PushShipments(ctx context.Context, shipments []marketplace.ShipmentResult) (marketplace.PushReceipt, error) {
	var receipt marketplace.PushReceipt
	if err := c.fillBaskets(ctx, shipments); err != nil {
		return receipt, err
	}
	models, err := shippingModels(shipments)
	if err != nil {
		return receipt, err
	}
	for _, batch := range marketplace.Batches(models, ShippingAsyncBatch) {
		resp, err := c.do(ctx, "updateOrderShippingAsync", http.MethodPost, PathUpdateShippingAsync,
			UpdateShippingAsyncRequest{OrderShippingModelList: batch}, paceOrder, "order", true)
		if err != nil {
			return receipt, err
		}
		var r MessagesResponse
		if err := json.Unmarshal(resp.Body, &r); err != nil {
			return receipt, malformed("updateOrderShippingAsync", err)
		}
		id := ""
		for _, m := range r.MessageModelList {
			if m.RequestID != "" {
				id = m.RequestID
			}
		}
		if id == "" {
			return receipt, &marketplace.Error{Kind: marketplace.InvalidRequest, Marketplace: marketplace.Rakuten,
				Operation: "updateOrderShippingAsync", HTTPStatus: resp.Status, Code: firstCode(r.MessageModelList), Message: firstMessage(r.MessageModelList)}
		}
		receipt.RequestIDs = append(receipt.RequestIDs, id)
	}
	if len(receipt.RequestIDs) > 0 {
		receipt.RequestID = receipt.RequestIDs[0]
		receipt.Pending = true
	}
	return receipt, nil
}

func firstCode(ms []Message) string {
	if len(ms) > 0 {
		return ms[0].MessageCode
	}
	return ""
}

func firstMessage(ms []Message) string {
	if len(ms) > 0 {
		return ms[0].Message
	}
	return ""
}

func (c *Client) fillBaskets(ctx context.Context, shipments []marketplace.ShipmentResult) error {
	var missing []string
	for _, s := range shipments {
		if s.DestinationID == "" {
			missing = append(missing, s.OrderNumber)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	orders, err := c.FetchOrders(ctx, missing)
	if err != nil {
		return err
	}
	basket := map[string]string{}
	multi := map[string]bool{}
	for _, o := range orders {
		for _, l := range o.Lines {
			if b, ok := basket[o.Number]; ok && b != l.DestinationID {
				multi[o.Number] = true
			}
			basket[o.Number] = l.DestinationID
		}
	}
	for i := range shipments {
		s := &shipments[i]
		if s.DestinationID != "" {
			continue
		}
		if multi[s.OrderNumber] || basket[s.OrderNumber] == "" {
			return &marketplace.Error{Kind: marketplace.InvalidRequest, Marketplace: marketplace.Rakuten, Operation: "updateOrderShippingAsync",
				Field: "basketId", Message: "order " + s.OrderNumber + " has no single destination: give DestinationID"}
		}
		s.DestinationID = basket[s.OrderNumber]
	}
	return nil
}

// shippingModels groups shipments per order and basket: an order may
// appear only once in a request.
func shippingModels(shipments []marketplace.ShipmentResult) ([]OrderShippingModel, error) {
	var out []OrderShippingModel
	pos := map[string]int{}
	for _, s := range shipments {
		basket, err := strconv.ParseInt(s.DestinationID, 10, 64)
		if err != nil {
			return nil, &marketplace.Error{Kind: marketplace.InvalidRequest, Marketplace: marketplace.Rakuten, Operation: "updateOrderShippingAsync", Field: "basketId", Message: "basketId must be numeric"}
		}
		var rows []ShippingUpdate
		for _, p := range s.Packages {
			company := p.CarrierCode
			if company == "" {
				company = s.CarrierCode
			}
			if company == "" {
				company = "1000" // その他
			}
			rows = append(rows, ShippingUpdate{DeliveryCompany: company, ShippingNumber: p.TrackingNumber, ShippingDate: s.ShipDate.In(marketplace.JST).Format(DateLayout)})
		}
		if len(rows) == 0 {
			return nil, &marketplace.Error{Kind: marketplace.InvalidRequest, Marketplace: marketplace.Rakuten, Operation: "updateOrderShippingAsync", Field: "ShippingModelList", Message: "order " + s.OrderNumber + " has no package"}
		}
		i, ok := pos[s.OrderNumber]
		if !ok {
			i = len(out)
			pos[s.OrderNumber] = i
			out = append(out, OrderShippingModel{OrderNumber: s.OrderNumber})
		}
		out[i].BasketidModelList = append(out[i].BasketidModelList, BasketidModel{BasketID: basket, ShippingModelList: rows})
	}
	return out, nil
}

// ShipmentPushResult polls getResultUpdateOrderShippingAsync. RMS cannot
// tell "still processing" from "unknown id", so Done=false means "ask again
// later, up to a deadline".
func (c *Client) ShipmentPushResult(ctx context.Context, requestID string) (marketplace.PushOutcome, error) {
	out := marketplace.PushOutcome{RequestID: requestID}
	resp, err := c.do(ctx, "getResultUpdateOrderShippingAsync", http.MethodPost, PathGetResultShipAsync, GetResultRequest{RequestID: requestID}, paceOrder, "order", false)
	if err != nil {
		return out, err
	}
	var r GetResultResponse
	if err := json.Unmarshal(resp.Body, &r); err != nil {
		return out, malformed("getResultUpdateOrderShippingAsync", err)
	}
	for _, res := range r.ResultShippingModelList {
		if res.OrderNumber == "" {
			return out, nil // MsgShipResultNone: processing or unknown
		}
		for _, m := range res.MessageModelList {
			ir := marketplace.ItemResult{Key: res.OrderNumber, OK: m.MessageType != "ERROR", Code: m.MessageCode, Message: m.Message}
			if m.DataNumber != nil {
				ir.Index = *m.DataNumber - 1
			}
			if m.ShippingDetailID != nil {
				ir.Ref = strconv.FormatInt(*m.ShippingDetailID, 10)
			}
			out.Results = append(out.Results, ir)
		}
	}
	out.Done = len(r.ResultShippingModelList) > 0
	return out, nil
}
