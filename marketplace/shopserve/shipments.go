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

var _ marketplace.ShipmentPusher = (*Client)(nil)

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
