package interpark

import (
	"context"
	"fmt"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
)

var _ marketplace.ConnectionTester = (*Client)(nil)

// TestConnection reads the ship-target list of the last minute: it
// needs all three identifiers and, unlike the new-order list, changes
// nothing on Interpark.
func (c *Client) TestConnection(ctx context.Context) (marketplace.ConnectionInfo, error) {
	now := c.cfg.Now()
	p, err := c.ListOrders(ctx, MethodShipTargets, marketplace.Window{From: now.Add(-time.Minute), To: now}, 1)
	if err != nil {
		return marketplace.ConnectionInfo{}, err
	}
	return marketplace.ConnectionInfo{Detail: fmt.Sprintf("%s OK（直近1分の発送対象 %d件）", MethodShipTargets, len(p.Orders))}, nil
}
