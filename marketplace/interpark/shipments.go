package interpark

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/renkei-oss/renkei/marketplace"
)

var _ marketplace.ShipmentPusher = (*Client)(nil)

// PushShipments reports shipments with delvCompForComm, one call per
// order line [V3]. The answer is per line: Interpark's refusals become
// failed ItemResults (Key "order-seq", Index the shipment's position);
// "already shipped" counts as done, so a repeated push is harmless.
// Authentication, throttling, maintenance and server trouble stop the
// push with the error, keeping the results so far.
func (c *Client) PushShipments(ctx context.Context, shipments []marketplace.ShipmentResult) (marketplace.PushReceipt, error) {
	var out marketplace.PushReceipt
	for i, s := range shipments {
		lines := 0
		for _, p := range s.Packages {
			carrier := firstNonEmpty(p.CarrierCode, s.CarrierCode, CarrierOther)
			tracking := digits(p.TrackingNumber)
			for _, l := range p.Lines {
				lines++
				key := s.OrderNumber + "-" + l.LineID
				if tracking == "" || l.LineID == "" {
					out.Results = append(out.Results, marketplace.ItemResult{Key: key, Index: i, Message: "送り状番号（数字）と明細番号（ORD_SEQ）が必要です"})
					continue
				}
				r, err := c.shipLine(ctx, s, l.LineID, carrier, tracking)
				if err != nil {
					return out, err
				}
				r.Key, r.Index = key, i
				out.Results = append(out.Results, r)
			}
		}
		if lines == 0 {
			out.Results = append(out.Results, marketplace.ItemResult{Key: s.OrderNumber, Index: i, Message: "出荷実績に明細がありません: Interparkは明細ごとに発送完了を送ります"})
		}
	}
	return out, nil
}

func (c *Client) shipLine(ctx context.Context, s marketplace.ShipmentResult, seq, carrier, tracking string) (marketplace.ItemResult, error) {
	// Write operations take the shop ID and the order keys only [V3].
	q := url.Values{
		ParamMethod: {MethodShipComplete}, ParamShopID: {c.cfg.ShopID},
		ParamOrderNo: {s.OrderNumber}, ParamOrderSeq: {seq},
		ParamShipDate: {s.ShipDate.In(KST).Format(DateLayout)}, ParamCarrier: {carrier}, ParamTrackingNo: {tracking},
		ParamOptPrdType: {OptPrdTypeSingle}, ParamOptSeqList: {seq},
	}
	resp, err := c.http.Do(ctx, marketplace.Request{
		Operation: MethodShipComplete,
		Method:    http.MethodGet,
		URL:       c.cfg.BaseURL + PathOrderAPI + "?" + q.Encode(),
		Header:    http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
		PaceKey:   c.key + ":order",
		Pace:      pace,
	})
	var me *marketplace.Error
	switch {
	case err == nil:
		// CODE 000 or an empty body [V3: some successful calls answer nothing].
		r, _ := ParseResult(resp.Body)
		return marketplace.ItemResult{OK: true, Code: r.Code, Message: r.Message}, nil
	case errors.As(err, &me) && me.Kind == marketplace.InvalidRequest && me.HTTPStatus < 300:
		if strings.Contains(me.Message, MsgAlreadyShipped) {
			return marketplace.ItemResult{OK: true, Code: me.Code, Message: me.Message}, nil
		}
		return marketplace.ItemResult{Code: me.Code, Message: me.Message}, nil
	}
	return marketplace.ItemResult{}, err
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
