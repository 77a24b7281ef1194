// Package marketplace is the one door through which Renkei talks to a
// marketplace's seller API.
//
// It holds the normalised types every adapter returns (Order, ShipmentResult,
// StockUpdate, Product), one small interface per capability so each adapter
// implements only what its marketplace offers, the typed *Error every caller
// branches on, the shared HTTP layer (Client: timeouts, pacing per
// credential, retry with jittered backoff, call recording with secrets
// removed) and window planning (SplitWindows, time conversion).
//
// One sub-package per marketplace speaks its wire protocol
// (marketplace/rakuten, marketplace/amazon, …); local simulators of those
// protocols live under marketplace/sandbox.
package marketplace

// Marketplace keys, as used in connection rows, the API log and the
// sandbox's credentials.json.
const (
	Rakuten    = "rakuten"
	Amazon     = "amazon"
	Futureshop = "futureshop"
	Shopserve  = "shopserve"
	Interpark  = "interpark"
)

// DisplayName is the Japanese name shown to operators.
func DisplayName(key string) string {
	switch key {
	case Rakuten:
		return "楽天市場"
	case Amazon:
		return "Amazon"
	case Futureshop:
		return "futureshop"
	case Shopserve:
		return "Eストアー（ショップサーブ）"
	case Interpark:
		return "Interpark"
	}
	return key
}
