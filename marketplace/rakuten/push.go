package rakuten

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
)

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

// PushStock sends absolute quantities with inventories bulk-upsert, 400
// rows a call. RMS answers 204 even for unknown SKUs, so success does not
// prove the SKU exists. ABSOLUTE upserts are idempotent and may be retried.
func (c *Client) PushStock(ctx context.Context, updates []marketplace.StockUpdate) (marketplace.PushReceipt, error) {
	var receipt marketplace.PushReceipt
	rows := make([]InventoryRow, 0, len(updates))
	for i, u := range updates {
		if u.ItemCode == "" || u.OptionCode == "" {
			return receipt, &marketplace.Error{Kind: marketplace.InvalidRequest, Marketplace: marketplace.Rakuten, Operation: FunctionInventoryUpsert,
				Field: fmt.Sprintf("inventories[%d].manageNumber", i), Message: "manageNumber and variantId are required"}
		}
		q := min(max(u.Quantity, 0), 99999)
		if u.Unlimited {
			q = 99999 // RMS has no "unlimited" in the inventory API: the maximum stands in
		}
		rows = append(rows, InventoryRow{ManageNumber: u.ItemCode, VariantID: u.OptionCode, Mode: "ABSOLUTE", Quantity: q})
	}
	for bi, batch := range marketplace.Batches(rows, InventoryUpsertBatch) {
		if _, err := c.do(ctx, FunctionInventoryUpsert, http.MethodPost, PathInventoryBulkUpsert, InventoryUpsertRequest{Inventories: batch}, paceInventory, "inventory", false); err != nil {
			return receipt, err
		}
		for i, r := range batch {
			receipt.Results = append(receipt.Results, marketplace.ItemResult{Key: r.ManageNumber + "/" + r.VariantID, Index: bi*InventoryUpsertBatch + i, OK: true})
		}
	}
	return receipt, nil
}

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
