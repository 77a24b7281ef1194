package shopserve

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/renkei-oss/renkei/marketplace"
)

var _ marketplace.ConnectionTester = (*Client)(nil)

// AuthHeader is HTTP Basic with the store ID and the manager key [V3].
func AuthHeader(storeID, managerKey string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(storeID+":"+managerKey))
}

// TestConnection asks for one item: cheap, authenticated, and on a
// verified endpoint [V3].
func (c *Client) TestConnection(ctx context.Context) (marketplace.ConnectionInfo, error) {
	var req ItemsSearchRequest
	req.Size = 1
	req.Sort.Order = "Asc"
	resp, err := c.post(ctx, OpItemsSearch, PathItemsSearch, req, false)
	if err != nil {
		return marketplace.ConnectionInfo{}, err
	}
	var r ItemsSearchResponse
	if err := json.Unmarshal(resp.Body, &r); err != nil || r.TotalCount == nil {
		return marketplace.ConnectionInfo{}, malformed(OpItemsSearch, err)
	}
	// The manager key has no expiry [V3], so there is no date to report.
	return marketplace.ConnectionInfo{Detail: fmt.Sprintf("店舗ID %s で認証されました（商品%d件）", c.cfg.StoreID, *r.TotalCount)}, nil
}
