package rakuten

import (
	"context"
	"fmt"
	"net/http"

	"github.com/renkei-oss/renkei/marketplace"
)

var _ marketplace.StockPusher = (*Client)(nil)

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
