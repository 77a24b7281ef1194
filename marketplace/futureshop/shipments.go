package futureshop

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/renkei-oss/renkei/marketplace"
)

var _ marketplace.ShipmentPusher = (*Client)(nil)

// PushShipments marks shipments shipped with 発送API [V]: 100 orders a
// request, the first tracking number as invoiceNo and the ship date as
// shippingDate (発送処理日), which flips the shipment to 発送済み. The
// values are absolute, so a repeated request changes nothing and the
// shared layer may retry it.
func (c *Client) PushShipments(ctx context.Context, shipments []marketplace.ShipmentResult) (marketplace.PushReceipt, error) {
	var receipt marketplace.PushReceipt
	orders := make([]ShippingOrder, 0, len(shipments))
	for i, s := range shipments {
		if s.OrderNumber == "" || len(s.OrderNumber) > MaxOrderNoBytes {
			return receipt, invalid(OpShipping, fmt.Sprintf("orderList[%d].orderNo", i), "受注番号は12バイト以内で必須です")
		}
		no := 1
		if s.DestinationID != "" {
			n, err := strconv.Atoi(s.DestinationID)
			if err != nil || n < 1 || n > 999 {
				return receipt, invalid(OpShipping, fmt.Sprintf("orderList[%d].shipmentList[0].shipmentNo", i), "お届け先番号は1〜999です")
			}
			no = n
		}
		info := ShippingInfoPush{ShippingDate: marketplace.JSTDate(s.ShipDate)}
		if len(s.Packages) > 0 {
			info.InvoiceNo = s.Packages[0].TrackingNumber
		}
		if len(info.InvoiceNo) > MaxInvoiceNoBytes {
			return receipt, invalid(OpShipping, fmt.Sprintf("orderList[%d].shipmentList[0].shippingInfo.invoiceNo", i), "伝票番号は100バイト以内です")
		}
		orders = append(orders, ShippingOrder{OrderNo: s.OrderNumber, ShipmentList: []ShippingShipmentIn{{ShipmentNo: no, ShippingInfo: info}}})
	}
	for bi, batch := range marketplace.Batches(orders, ShippingBatch) {
		resp, err := c.call(ctx, OpShipping, http.MethodPost, c.cfg.BaseURL+PathShipping, ShippingRequest{OrderList: batch})
		if err != nil {
			return receipt, err
		}
		keys := make([]string, len(batch))
		for i, o := range batch {
			keys[i] = o.OrderNo
		}
		results, err := parseResults(OpShipping, resp.Body, keys, bi*ShippingBatch)
		if err != nil {
			return receipt, err
		}
		receipt.Results = append(receipt.Results, results...)
	}
	return receipt, nil
}
