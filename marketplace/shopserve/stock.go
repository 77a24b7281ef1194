package shopserve

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/renkei-oss/renkei/marketplace"
)

var _ marketplace.StockPusher = (*Client)(nil)

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
