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

import "github.com/renkei-oss/renkei/domain"

// Marketplace keys, as used in connection rows, the API log and the
// sandbox's credentials.json.
const (
	Rakuten    = "rakuten"
	Amazon     = "amazon"
	Futureshop = "futureshop"
	Shopserve  = "shopserve"
	Interpark  = "interpark"
)

// DisplayName is the name shown to operators: the one domain.Marketplace's
// Label gives, so a marketplace is called the same on every page and in
// every message.
func DisplayName(key string) string { return domain.Marketplace(key).Label() }
