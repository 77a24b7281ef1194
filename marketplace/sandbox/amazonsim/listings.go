package amazonsim

import (
	"encoding/json"
	"fmt"

	"github.com/renkei-oss/renkei/marketplace/amazon"
)

// Codes of the simulated listings issues. Amazon's real numeric codes for
// these cases are not published in the saved material; these are stand-ins
// ([I] in amazon.md terms) that keep the report schema-valid.
const (
	codeInvalidFeed    = "4000000"
	codeInvalidMessage = "4000001"
	codeUnknownSKU     = "4000002"
)

// processListings checks a JSON_LISTINGS_FEED document the way Amazon does:
// the whole document must parse and carry a v2.0 header for this seller
// (otherwise the feed is FATAL); each message is accepted or rejected on
// its own. It returns the processing report (per
// listings-feed-processing-report-schema-v2.json) and the stock the
// accepted messages set.
func (s *Sim) processListings(sl *seller, feedID string, doc []byte) (amazon.ProcessingReport, map[string]int, bool) {
	rep := amazon.ProcessingReport{Header: amazon.ReportHeader{SellerID: sl.id, Version: "2.0", FeedID: feedID}, Issues: []amazon.ReportIssue{}}
	var in struct {
		Header   *amazon.ListingsHeader `json:"header"`
		Messages []json.RawMessage      `json:"messages"`
	}
	fatal := func(msg string) (amazon.ProcessingReport, map[string]int, bool) {
		rep.Issues = append(rep.Issues, amazon.ReportIssue{Code: codeInvalidFeed, Severity: "ERROR", Message: msg})
		rep.Summary.Errors = 1
		return rep, nil, true
	}
	if err := json.Unmarshal(doc, &in); err != nil {
		return fatal("The feed document is not valid JSON: " + err.Error())
	}
	switch {
	case in.Header == nil || in.Header.Version != "2.0":
		return fatal("header.version must be \"2.0\".")
	case in.Header.SellerID != sl.id:
		return fatal("header.sellerId does not match the selling partner of this feed.")
	case len(in.Messages) < 1 || len(in.Messages) > amazon.MaxListingsMessages:
		return fatal(fmt.Sprintf("messages must have 1 to %d items.", amazon.MaxListingsMessages))
	}
	known := map[string]bool{}
	for _, it := range s.gen.Catalog() {
		for _, v := range it.Variants {
			known[v.SKU] = true
		}
	}
	stock := map[string]int{}
	seen := map[int]bool{}
	for _, raw := range in.Messages {
		rep.Summary.MessagesProcessed++
		var m amazon.ListingsMessage
		bad := func(code, msg string) {
			rep.Issues = append(rep.Issues, amazon.ReportIssue{MessageID: max(m.MessageID, 1), SKU: m.SKU, Code: code, Severity: "ERROR", Message: msg})
			rep.Summary.Errors++
			rep.Summary.MessagesInvalid++
		}
		if err := json.Unmarshal(raw, &m); err != nil {
			bad(codeInvalidMessage, "The message does not match the listings feed schema: "+err.Error())
			continue
		}
		q, msg := checkMessage(m, seen)
		switch {
		case msg != "":
			bad(codeInvalidMessage, msg)
		case !known[m.SKU]:
			bad(codeUnknownSKU, "SKU '"+m.SKU+"' does not match any listing of this seller.")
		default:
			rep.Summary.MessagesAccepted++
			if q != nil {
				stock[m.SKU] = *q
			}
		}
	}
	return rep, stock, false
}

// checkMessage validates one message against the schema's rules for the
// operations the simulator supports, returning the DEFAULT-channel quantity
// a PATCH sets.
func checkMessage(m amazon.ListingsMessage, seen map[int]bool) (*int, string) {
	switch {
	case m.MessageID < 1:
		return nil, "messageId must be between 1 and 2147483647."
	case seen[m.MessageID]:
		return nil, fmt.Sprintf("messageId %d is not unique in this feed.", m.MessageID)
	case m.SKU == "":
		return nil, "sku is required."
	}
	seen[m.MessageID] = true
	switch m.OperationType {
	case "DELETE":
		return nil, ""
	case "PATCH":
	case "UPDATE", "PARTIAL_UPDATE":
		return nil, "operationType " + m.OperationType + " is not simulated; use PATCH."
	default:
		return nil, "operationType must be one of UPDATE, PARTIAL_UPDATE, PATCH, DELETE."
	}
	if m.ProductType == "" || len(m.Patches) == 0 {
		return nil, "PATCH requires productType and patches."
	}
	var q *int
	for _, p := range m.Patches {
		switch p.Op {
		case "add", "replace", "merge", "delete":
		default:
			return nil, "Invalid patch op: " + p.Op
		}
		if p.Path != "/attributes/fulfillment_availability" {
			continue
		}
		for _, v := range p.Value {
			if v.FulfillmentChannelCode == "" {
				return nil, "fulfillment_channel_code is required."
			}
			if v.Quantity != nil && *v.Quantity < 0 {
				return nil, "quantity must not be negative."
			}
			if v.FulfillmentChannelCode == "DEFAULT" && v.Quantity != nil {
				q = v.Quantity
			}
		}
	}
	return q, ""
}
