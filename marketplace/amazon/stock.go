package amazon

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/renkei-oss/renkei/marketplace"
)

var _ marketplace.StockPusher = (*Client)(nil)
var _ marketplace.FeedResultFetcher = (*Client)(nil)

// ListingsProductType is the productType sent with offer-only patches.
// Amazon's examples use PRODUCT for them; the exact type per listing is
// not verified (amazon.md §5 [I]).
const ListingsProductType = "PRODUCT"

// ListingsFeedDocument builds JSON_LISTINGS_FEED documents for stock
// updates: one PATCH of /attributes/fulfillment_availability per SKU on the
// DEFAULT (merchant) channel, at most 25,000 messages per document.
// Updates Amazon cannot express (unlimited stock, no SKU) come back as
// rejected results instead.
func ListingsFeedDocument(sellerID string, updates []marketplace.StockUpdate) (docs [][]byte, rejected []marketplace.ItemResult, err error) {
	var msgs []ListingsMessage
	for i, u := range updates {
		switch {
		case u.SKU == "":
			rejected = append(rejected, marketplace.ItemResult{Key: u.ItemCode, Index: i, Code: "NoSKU", Message: "AmazonのSKUが対応表にありません"})
			continue
		case u.Unlimited:
			rejected = append(rejected, marketplace.ItemResult{Key: u.SKU, Index: i, Code: "Unlimited", Message: "Amazonは在庫無制限を設定できません"})
			continue
		}
		q := max(u.Quantity, 0)
		val := FulfillmentAvailVal{FulfillmentChannelCode: "DEFAULT", Quantity: &q}
		// Unset handling days leave Amazon's own default in place (seed).
		if u.HandlingDays != nil {
			d := *u.HandlingDays
			val.LeadTimeToShipMaxDays = &d
		}
		msgs = append(msgs, ListingsMessage{
			SKU: u.SKU, OperationType: "PATCH", ProductType: ListingsProductType,
			Patches: []ListingsPatch{{Op: "replace", Path: "/attributes/fulfillment_availability", Value: []FulfillmentAvailVal{val}}},
		})
	}
	for _, chunk := range marketplace.Batches(msgs, MaxListingsMessages) {
		for j := range chunk {
			chunk[j].MessageID = j + 1
		}
		b, err := json.Marshal(ListingsFeed{
			Header:   ListingsHeader{SellerID: sellerID, Version: "2.0", IssueLocale: "ja_JP"},
			Messages: chunk,
		})
		if err != nil {
			return nil, nil, err
		}
		docs = append(docs, b)
	}
	return docs, rejected, nil
}

// PushStock implements marketplace.StockPusher with JSON_LISTINGS_FEED:
// createFeedDocument → PUT to the returned URL → createFeed. The receipt's
// RequestID is the feed id (comma-separated when more than 25,000 SKUs
// needed several feeds); FeedResult polls it.
func (c *Client) PushStock(ctx context.Context, updates []marketplace.StockUpdate) (marketplace.PushReceipt, error) {
	if c.cfg.SellerID == "" {
		return marketplace.PushReceipt{}, &marketplace.Error{Kind: marketplace.InvalidRequest, Marketplace: marketplace.Amazon,
			Operation: "createFeed", Field: "sellerId", Message: "出品者ID（マーチャントトークン）が設定されていません"}
	}
	docs, rejected, err := ListingsFeedDocument(c.cfg.SellerID, updates)
	if err != nil {
		return marketplace.PushReceipt{}, err
	}
	rec := marketplace.PushReceipt{Results: rejected}
	var ids []string
	for _, doc := range docs {
		id, err := c.SubmitFeed(ctx, FeedTypeJSONListings, ContentTypeJSON, doc)
		if err != nil {
			return rec, err
		}
		ids = append(ids, id)
	}
	rec.RequestID = strings.Join(ids, ",")
	rec.Pending = len(ids) > 0
	return rec, nil
}

// SubmitFeed runs the three submission steps and returns the feed id.
func (c *Client) SubmitFeed(ctx context.Context, feedType, contentType string, doc []byte) (string, error) {
	spec, _ := json.Marshal(CreateFeedDocumentSpecification{ContentType: contentType})
	resp, err := c.call(ctx, "createFeedDocument", http.MethodPost, PathFeedDocuments, nil, spec, false)
	if err != nil {
		return "", err
	}
	var fd CreateFeedDocumentResponse
	if err := decode("createFeedDocument", resp.Body, &fd); err != nil || fd.FeedDocumentID == "" || fd.URL == "" {
		return "", malformed("createFeedDocument", orMissing(err, "feedDocumentId/url"))
	}
	// The upload goes to a presigned URL: same Content-Type as declared,
	// and no SP-API token (the URL carries its own authorisation).
	h := http.Header{}
	h.Set("Content-Type", contentType)
	if _, err := c.http.Do(ctx, marketplace.Request{Operation: "uploadFeedDocument", Method: http.MethodPut, URL: fd.URL, Header: h, Body: doc}); err != nil {
		return "", err
	}
	body, _ := json.Marshal(CreateFeedSpecification{FeedType: feedType, MarketplaceIDs: []string{c.mp.ID}, InputFeedDocumentID: fd.FeedDocumentID})
	// createFeed is not idempotent: a blind retry would submit the feed twice.
	resp, err = c.call(ctx, "createFeed", http.MethodPost, PathFeeds, nil, body, true)
	if err != nil {
		return "", err
	}
	var cf CreateFeedResponse
	if err := decode("createFeed", resp.Body, &cf); err != nil || cf.FeedID == "" {
		return "", malformed("createFeed", orMissing(err, "feedId"))
	}
	return cf.FeedID, nil
}

// GetFeed returns a feed's processing state.
func (c *Client) GetFeed(ctx context.Context, feedID string) (*Feed, error) {
	resp, err := c.call(ctx, "getFeed", http.MethodGet, PathFeed+url.PathEscape(feedID), nil, nil, false)
	if err != nil {
		return nil, err
	}
	var f Feed
	if err := decode("getFeed", resp.Body, &f); err != nil || f.FeedID == "" || f.ProcessingStatus == "" {
		return nil, malformed("getFeed", orMissing(err, "feedId/processingStatus"))
	}
	return &f, nil
}

// FeedResult implements marketplace.FeedResultFetcher for listings feeds:
// Done stays false while Amazon is still working. Results carry one entry
// per message the report has issues for (the report names only those);
// messages without issues were accepted.
func (c *Client) FeedResult(ctx context.Context, feedIDs string) (marketplace.PushOutcome, error) {
	out := marketplace.PushOutcome{RequestID: feedIDs, Done: true}
	for _, id := range strings.Split(feedIDs, ",") {
		f, err := c.GetFeed(ctx, id)
		if err != nil {
			return out, err
		}
		switch f.ProcessingStatus {
		case FeedInQueue, FeedInProgress:
			out.Done = false
			continue
		case FeedCancelled:
			out.Results = append(out.Results, marketplace.ItemResult{Key: id, Code: FeedCancelled, Message: "フィードがキャンセルされました"})
			continue
		}
		if f.ResultFeedDocumentID == "" {
			if f.ProcessingStatus == FeedFatal {
				out.Results = append(out.Results, marketplace.ItemResult{Key: id, Code: FeedFatal, Message: "フィード全体が処理できませんでした"})
				continue
			}
			return out, malformed("getFeed", fmt.Errorf("feed %s is %s without resultFeedDocumentId", id, f.ProcessingStatus))
		}
		rep, err := c.ProcessingReport(ctx, f.ResultFeedDocumentID)
		if err != nil {
			return out, err
		}
		if f.ProcessingStatus == FeedFatal {
			out.Results = append(out.Results, marketplace.ItemResult{Key: id, Code: FeedFatal, Message: "フィード全体が処理できませんでした"})
		}
		out.Results = append(out.Results, reportResults(rep)...)
	}
	return out, nil
}

// reportResults folds a report's issues into one result per message.
func reportResults(rep *ProcessingReport) []marketplace.ItemResult {
	var out []marketplace.ItemResult
	at := map[int]int{}
	for _, is := range rep.Issues {
		i, seen := at[is.MessageID]
		if !seen || is.MessageID == 0 {
			out = append(out, marketplace.ItemResult{Key: is.SKU, Index: is.MessageID - 1, OK: true})
			i = len(out) - 1
			at[is.MessageID] = i
		}
		r := &out[i]
		if is.Severity == "ERROR" {
			r.OK = false
			r.Code = is.Code
		} else if r.Code == "" {
			r.Code = is.Code
		}
		if r.Message != "" {
			r.Message += " / "
		}
		r.Message += is.Message
	}
	return out
}

// ProcessingReport downloads and parses a listings processing report.
func (c *Client) ProcessingReport(ctx context.Context, docID string) (*ProcessingReport, error) {
	resp, err := c.call(ctx, "getFeedDocument", http.MethodGet, PathFeedDocument+url.PathEscape(docID), nil, nil, false)
	if err != nil {
		return nil, err
	}
	var fd FeedDocument
	if err := decode("getFeedDocument", resp.Body, &fd); err != nil || fd.URL == "" {
		return nil, malformed("getFeedDocument", orMissing(err, "url"))
	}
	dl, err := c.http.Do(ctx, marketplace.Request{Operation: "downloadFeedDocument", Method: http.MethodGet, URL: fd.URL})
	if err != nil {
		return nil, err
	}
	body := dl.Body
	if fd.CompressionAlgorithm == "GZIP" {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, malformed("downloadFeedDocument", err)
		}
		if body, err = io.ReadAll(io.LimitReader(zr, 256<<20)); err != nil {
			return nil, malformed("downloadFeedDocument", err)
		}
	}
	return ParseProcessingReport(body)
}

// ParseProcessingReport decodes a listings processing report.
func ParseProcessingReport(body []byte) (*ProcessingReport, error) {
	var rep ProcessingReport
	if err := decode("processingReport", body, &rep); err != nil {
		return nil, malformed("downloadFeedDocument", err)
	}
	if rep.Header.FeedID == "" {
		return nil, malformed("downloadFeedDocument", &BodyError{Op: "processingReport", Field: "header.feedId", Err: errMissing})
	}
	return &rep, nil
}

func orMissing(err error, field string) error {
	if err != nil {
		return err
	}
	return &BodyError{Field: field, Err: errMissing}
}
