package amazonsim

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/renkei-oss/renkei/marketplace/amazon"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
)

// Carriers the simulator accepts (amazon.md §3.6: the third-party copies of
// Amazon's CarrierCode list, plus Other with a name).
var carriers = map[string]bool{
	"Japan Post": true, "YAMATO": true, "YamatoTransport": true, "Yamato Transport": true, "SAGAWA": true,
	"SagawaExpress": true, "NITTSU": true, "NipponExpress": true, "SEINO TRANSPORTATION": true, "Seino": true,
	"FEDEX_JP": true, "JP_EXPRESS": true, "Australia Post": true, "Singapore Post": true, "Qxpress": true,
	"DHL": true, "FedEx": true, "UPS": true, amazon.CarrierOther: true,
}

func (s *Sim) confirmShipment(w http.ResponseWriter, r *http.Request, sl *seller) (int, any) {
	var req amazon.ConfirmShipmentRequest
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	if err := dec.Decode(&req); err != nil {
		return badInput("The request body is not valid JSON.")
	}
	pd := req.PackageDetail
	now := s.Now()
	switch {
	case req.MarketplaceID == "":
		return badInput("Missing required field: marketplaceId")
	case req.MarketplaceID != sl.marketplaceID:
		return badInput("Invalid marketplaceId: " + req.MarketplaceID)
	case req.CodCollectionMethod != "" && req.CodCollectionMethod != "DirectPayment":
		return badInput("Invalid codCollectionMethod.")
	case pd.PackageReferenceID == "" || pd.CarrierCode == "" || pd.TrackingNumber == "" || pd.ShipDate == "" || len(pd.OrderItems) == 0:
		return badInput("Missing required field in packageDetail (packageReferenceId, carrierCode, trackingNumber, shipDate, orderItems).")
	case !positiveNumeric(pd.PackageReferenceID):
		return badInput("packageReferenceId must be a positive numeric string.")
	case !carriers[pd.CarrierCode]:
		return badInput("Invalid carrierCode: " + pd.CarrierCode)
	case pd.CarrierCode == amazon.CarrierOther && pd.CarrierName == "":
		return badInput("carrierName is required when carrierCode is Other.")
	}
	shipAt, err := time.Parse(time.RFC3339Nano, pd.ShipDate)
	if err != nil {
		return badInput("Invalid shipDate: " + pd.ShipDate)
	}
	if shipAt.After(now.Add(5 * time.Minute)) {
		return badInput("shipDate cannot be in the future.")
	}
	sl.mu.Lock()
	defer sl.mu.Unlock()
	i, ok := sl.index(r.PathValue("orderId"))
	if !ok || sl.created[i].After(now) {
		return http.StatusNotFound, amazon.ErrorList{Errors: []amazon.APIError{{Code: "NotFound", Message: "The requested order was not found."}}}
	}
	d := s.gen.Order(i)
	st, _ := sl.status(i, d, now)
	switch st {
	case amazon.StatusPending:
		return badInput("The order is Pending: payment is not authorised and it cannot be shipped.")
	case amazon.StatusCancelled:
		return badInput("The order has been canceled.")
	}
	if shipAt.Before(sl.created[i]) {
		return badInput("shipDate cannot be before the order date.")
	}
	ordered := map[string]int{}
	for k, ln := range d.Lines {
		ordered[itemID(i, k)] = ln.Qty
	}
	sh := sl.shipped[i]
	if sh == nil {
		sh = &shipment{qty: map[string]int{}}
	}
	next := map[string]int{}
	for id, q := range sh.qty {
		next[id] = q
	}
	for _, it := range pd.OrderItems {
		max, ok := ordered[it.OrderItemID]
		if !ok {
			return badInput("Invalid orderItemId: " + it.OrderItemID)
		}
		if it.Quantity < 1 || next[it.OrderItemID]+it.Quantity > max {
			// A second confirmation of a shipped order edits it instead of
			// adding to it (Amazon allows correcting shipped orders).
			if st != amazon.StatusShipped || it.Quantity > max || it.Quantity < 1 {
				return badInput(fmt.Sprintf("Invalid quantity %d for orderItemId %s.", it.Quantity, it.OrderItemID))
			}
			next[it.OrderItemID] = it.Quantity
			continue
		}
		next[it.OrderItemID] += it.Quantity
	}
	sl.shipped[i] = &shipment{at: now, qty: next}
	sl.confirmations = append(sl.confirmations, Confirmation{OrderID: sl.orderID(i), ReceivedAt: now, Request: req})
	return http.StatusNoContent, nil
}

func positiveNumeric(s string) bool {
	n, err := strconv.ParseUint(s, 10, 64)
	return err == nil && n > 0
}

// Shipments returns what confirmShipment accepted for a seller.
func (s *Sim) Shipments(shop string) []Confirmation {
	sl := s.seller(shop)
	if sl == nil {
		return nil
	}
	sl.mu.Lock()
	defer sl.mu.Unlock()
	return append([]Confirmation(nil), sl.confirmations...)
}

// document is a feed document: an input the seller uploads, or a result
// the simulator writes.
type document struct {
	id          string
	contentType string
	expires     time.Time // presigned URL validity (5 minutes)
	data        []byte
	uploaded    bool
	gzip        bool
}

// feed is a submitted feed. Its processing status follows the sandbox
// clock: queued for 30 s, processing for 60 s, then done. The report is
// worked out on submission so the result never depends on when it is read.
type feed struct {
	amazon.Feed
	created    time.Time
	reportDoc  string
	fatal      bool
	stockAfter map[string]int
	applied    bool
}

const (
	queueFor   = 30 * time.Second
	processFor = 60 * time.Second
	urlFor     = 5 * time.Minute
)

func (s *Sim) docURL(r *http.Request, id string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/sandbox/amazon/_documents/" + id
}

func (s *Sim) createFeedDocument(w http.ResponseWriter, r *http.Request, sl *seller) (int, any) {
	var spec amazon.CreateFeedDocumentSpecification
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&spec); err != nil || spec.ContentType == "" {
		return badInput("contentType is required.")
	}
	d := &document{id: "amzn1.tortuga.4." + kit.RandHex(32), contentType: spec.ContentType, expires: s.Now().Add(urlFor)}
	sl.mu.Lock()
	sl.docs[d.id] = d
	sl.mu.Unlock()
	return http.StatusCreated, amazon.CreateFeedDocumentResponse{FeedDocumentID: d.id, URL: s.docURL(r, d.id)}
}

func (s *Sim) findDoc(id string) (*seller, *document) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	for _, sl := range s.AllShops() {
		sl.mu.Lock()
		d := sl.docs[id]
		sl.mu.Unlock()
		if d != nil {
			return sl, d
		}
	}
	return nil, nil
}

// s3Err mimics S3's XML error answers on presigned URLs.
func s3Err(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message></Error>`, code, msg)
}

func (s *Sim) upload(w http.ResponseWriter, r *http.Request) {
	sl, d := s.findDoc(r.PathValue("docId"))
	if d == nil {
		s3Err(w, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
		return
	}
	sl.mu.Lock()
	defer sl.mu.Unlock()
	switch {
	case s.Now().After(d.expires):
		s3Err(w, http.StatusForbidden, "AccessDenied", "Request has expired")
		return
	case r.Header.Get("Content-Type") != d.contentType:
		s3Err(w, http.StatusForbidden, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.")
		return
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	if err != nil {
		s3Err(w, http.StatusBadRequest, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header.")
		return
	}
	d.data, d.uploaded = b, true
	w.WriteHeader(http.StatusOK)
}

func (s *Sim) download(w http.ResponseWriter, r *http.Request) {
	sl, d := s.findDoc(r.PathValue("docId"))
	if d == nil || !d.uploaded {
		s3Err(w, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
		return
	}
	sl.mu.Lock()
	data, ct := d.data, d.contentType
	sl.mu.Unlock()
	w.Header().Set("Content-Type", ct)
	_, _ = w.Write(data)
}

func (s *Sim) createFeed(w http.ResponseWriter, r *http.Request, sl *seller) (int, any) {
	var spec amazon.CreateFeedSpecification
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&spec); err != nil {
		return badInput("The request body is not valid JSON.")
	}
	switch {
	case spec.FeedType == "" || spec.InputFeedDocumentID == "":
		return badInput("feedType and inputFeedDocumentId are required.")
	case len(spec.MarketplaceIDs) < 1 || len(spec.MarketplaceIDs) > 25:
		return badInput("marketplaceIds must have 1 to 25 items.")
	case !contains(spec.MarketplaceIDs, sl.marketplaceID):
		return badInput("Invalid marketplaceIds.")
	}
	if spec.FeedType == amazon.FeedTypeJSONListings && !s.Limits().Allow(sl.id, "createFeed:"+amazon.FeedTypeJSONListings, 5.0/300, 5) {
		// JSON_LISTINGS_FEED has its own quota: 5 submissions per 5 minutes.
		return http.StatusTooManyRequests, amazon.ErrorList{Errors: []amazon.APIError{{Code: "QuotaExceeded", Message: "You exceeded your quota for the requested resource."}}}
	}
	now := s.Now()
	sl.mu.Lock()
	defer sl.mu.Unlock()
	d := sl.docs[spec.InputFeedDocumentID]
	if d == nil || !d.uploaded {
		return badInput("Invalid inputFeedDocumentId: the document does not exist or was not uploaded.")
	}
	f := &feed{created: now}
	f.FeedID = strconv.FormatInt(50000000000+int64(len(sl.feedOrder))+1, 10)
	f.FeedType, f.MarketplaceIDs, f.CreatedTime = spec.FeedType, spec.MarketplaceIDs, amazon.FormatTime(now)
	var report []byte
	switch spec.FeedType {
	case amazon.FeedTypeJSONListings:
		var rep amazon.ProcessingReport
		rep, f.stockAfter, f.fatal = s.processListings(sl, f.FeedID, d.data)
		report, _ = json.Marshal(rep)
	default:
		// XML/flat-file listings feeds end FATAL since 2025-07-31; other
		// types are not simulated.
		f.fatal = true
		report, _ = json.Marshal(amazon.ProcessingReport{
			Header: amazon.ReportHeader{SellerID: sl.id, Version: "2.0", FeedID: f.FeedID},
			Issues: []amazon.ReportIssue{{Code: "4000000", Severity: "ERROR", Message: "Feed type " + spec.FeedType + " is not supported."}},
		})
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(report)
	_ = zw.Close()
	res := &document{id: "amzn1.tortuga.4." + kit.RandHex(32), contentType: "application/json", data: gz.Bytes(), uploaded: true, gzip: true}
	sl.docs[res.id] = res
	f.reportDoc = res.id
	sl.feeds[f.FeedID] = f
	sl.feedOrder = append(sl.feedOrder, f.FeedID)
	return http.StatusAccepted, amazon.CreateFeedResponse{FeedID: f.FeedID}
}

// view renders a feed as it stands at now, applying its stock once done.
func (sl *seller) view(f *feed, now time.Time) amazon.Feed {
	out := f.Feed
	switch {
	case now.Before(f.created.Add(queueFor)):
		out.ProcessingStatus = amazon.FeedInQueue
	case now.Before(f.created.Add(queueFor + processFor)):
		out.ProcessingStatus = amazon.FeedInProgress
		out.ProcessingStartTime = amazon.FormatTime(f.created.Add(queueFor))
	default:
		out.ProcessingStatus = amazon.FeedDone
		if f.fatal {
			out.ProcessingStatus = amazon.FeedFatal
		}
		out.ProcessingStartTime = amazon.FormatTime(f.created.Add(queueFor))
		out.ProcessingEndTime = amazon.FormatTime(f.created.Add(queueFor + processFor))
		out.ResultFeedDocumentID = f.reportDoc
		if !f.applied {
			for sku, q := range f.stockAfter {
				sl.stock[sku] = q
			}
			f.applied = true
		}
	}
	return out
}

func (s *Sim) getFeed(w http.ResponseWriter, r *http.Request, sl *seller) (int, any) {
	sl.mu.Lock()
	defer sl.mu.Unlock()
	f := sl.feeds[r.PathValue("feedId")]
	if f == nil {
		return http.StatusNotFound, amazon.ErrorList{Errors: []amazon.APIError{{Code: "NotFound", Message: "The requested feed was not found."}}}
	}
	return http.StatusOK, sl.view(f, s.Now())
}

func (s *Sim) getFeedDocument(w http.ResponseWriter, r *http.Request, sl *seller) (int, any) {
	sl.mu.Lock()
	defer sl.mu.Unlock()
	d := sl.docs[r.PathValue("docId")]
	if d == nil || !d.uploaded {
		return http.StatusNotFound, amazon.ErrorList{Errors: []amazon.APIError{{Code: "NotFound", Message: "The requested document was not found."}}}
	}
	out := amazon.FeedDocument{FeedDocumentID: d.id, URL: s.docURL(r, d.id)}
	if d.gzip {
		out.CompressionAlgorithm = "GZIP"
	}
	return http.StatusOK, out
}

// Feeds returns the seller's feeds as they stand now, oldest first.
func (s *Sim) Feeds(shop string) []amazon.Feed {
	sl := s.seller(shop)
	if sl == nil {
		return nil
	}
	now := s.Now()
	sl.mu.Lock()
	defer sl.mu.Unlock()
	out := make([]amazon.Feed, 0, len(sl.feedOrder))
	for _, id := range sl.feedOrder {
		out = append(out, sl.view(sl.feeds[id], now))
	}
	return out
}

// Stock returns a SKU's merchant-fulfilled quantity after processed feeds.
func (s *Sim) Stock(shop, sku string) (int, bool) {
	sl := s.seller(shop)
	if sl == nil {
		return 0, false
	}
	sl.mu.Lock()
	defer sl.mu.Unlock()
	q, ok := sl.stock[sku]
	return q, ok
}
