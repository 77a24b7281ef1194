package amazonsim

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/renkei-oss/renkei/marketplace/amazon"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
)

// seller is one selling partner's state.
type seller struct {
	sim           *Sim
	id, name      string
	refreshToken  string
	marketplaceID string
	prefix        int // first block of its order ids

	mu sync.Mutex
	// created is per order index, in the order orders were added; the
	// index is part of the order id, so ids never change. byTime lists the
	// indexes by creation time for window searches. 28 bytes an order keeps
	// a million-order benchmark shop small.
	created []time.Time
	byTime  []int32
	shipped map[int]*shipment
	// Confirmations received, in order, for tests and the sandbox page.
	confirmations []Confirmation
	docs          map[string]*document
	feeds         map[string]*feed
	feedOrder     []string
	stock         map[string]int // SKU → quantity after feeds were applied
}

type shipment struct {
	at  time.Time
	qty map[string]int // orderItemId → shipped quantity
}

// Confirmation is one accepted confirmShipment call.
type Confirmation struct {
	OrderID    string
	ReceivedAt time.Time
	Request    amazon.ConfirmShipmentRequest
}

func newSeller(s *Sim, id, name, refresh, mp string, n int) *seller {
	return &seller{sim: s, id: id, name: name, refreshToken: refresh, marketplaceID: mp, prefix: 250 + n,
		shipped: map[int]*shipment{}, docs: map[string]*document{},
		feeds: map[string]*feed{}, stock: map[string]int{}}
}

// Creds are what credentials.json lists of a seller.
type Creds struct {
	SellerID      string `json:"seller_id"`
	Name          string `json:"name"`
	RefreshToken  string `json:"refresh_token"`
	MarketplaceID string `json:"marketplace_id"`
	Country       string `json:"country"`
}

// Creds implements kit.Shop.
func (sl *seller) Creds() Creds {
	return Creds{SellerID: sl.id, Name: sl.name, RefreshToken: sl.refreshToken,
		MarketplaceID: sl.marketplaceID, Country: countryOf(sl.marketplaceID)}
}

// Add implements kit.Shop, with one difference: orders are created evenly
// over [from, to), to excluded as searchOrders' createdBefore excludes it,
// so a window [from, to) holds exactly n.
func (sl *seller) Add(n int, from, to time.Time) {
	sl.mu.Lock()
	defer sl.mu.Unlock()
	step := time.Duration(0)
	if n > 0 && to.After(from) {
		step = to.Sub(from) / time.Duration(n)
	}
	sorted := true
	for k := range n {
		t := from.Add(step * time.Duration(k)).Truncate(time.Second)
		i := len(sl.created)
		if i > 0 && t.Before(sl.created[sl.byTime[len(sl.byTime)-1]]) {
			sorted = false
		}
		sl.created = append(sl.created, t)
		sl.byTime = append(sl.byTime, int32(i))
	}
	if !sorted { // orders added into the past: rare, so a full re-sort
		sort.SliceStable(sl.byTime, func(a, b int) bool { return sl.created[sl.byTime[a]].Before(sl.created[sl.byTime[b]]) })
	}
}

// index finds an order by id: the last block is its index.
func (sl *seller) index(id string) (int, bool) {
	if len(id) != 19 {
		return 0, false
	}
	i, err := strconv.Atoi(id[12:])
	if err != nil || i < 0 || i >= len(sl.created) || sl.orderID(i) != id {
		return 0, false
	}
	return i, true
}

// orderID is Amazon's 3-7-7 format, unique per index.
func (sl *seller) orderID(i int) string {
	return fmt.Sprintf("%03d-%07d-%07d", sl.prefix, (i*7919+1234567)%10000000, i)
}

func itemID(i, line int) string { return fmt.Sprintf("%011d%03d", i, line+1) }

// life is where order i stands over time: Pending until payment is
// authorised (card/COD minutes, convenience-store prepayment hours), then
// Unshipped; a few are cancelled, some while Pending and some after.
type life struct {
	created, authorised, cancelled time.Time // cancelled zero = never
}

func (sl *seller) life(i int, d kit.OrderData) life {
	c := sl.created[i]
	l := life{created: c}
	switch {
	case d.Payment.Prepaid:
		l.authorised = c.Add(d.PayDelay)
	default:
		l.authorised = c.Add(time.Duration(2+i%28) * time.Minute)
	}
	if d.Cancel {
		if i%2 == 0 {
			l.cancelled = c.Add(l.authorised.Sub(c) / 2)
		} else {
			l.cancelled = l.authorised.Add(6 * time.Hour)
		}
	}
	return l
}

// status returns the fulfilment status of order i at now, and when it
// last changed.
func (sl *seller) status(i int, d kit.OrderData, now time.Time) (string, time.Time) {
	l := sl.life(i, d)
	if sh := sl.shipped[i]; sh != nil && !sh.at.After(now) {
		total, done := 0, 0
		for _, ln := range d.Lines {
			total += ln.Qty
		}
		for _, q := range sh.qty {
			done += q
		}
		if done >= total {
			return amazon.StatusShipped, sh.at
		}
		return amazon.StatusPartiallyShipped, sh.at
	}
	if !l.cancelled.IsZero() && !l.cancelled.After(now) {
		return amazon.StatusCancelled, l.cancelled
	}
	if l.authorised.After(now) {
		return amazon.StatusPending, l.created
	}
	return amazon.StatusUnshipped, l.authorised
}

// paymentMethod maps the generator's method to the names Amazon uses
// (orders_2026-01-01.json PaymentExecution examples).
func paymentMethod(p kit.PaymentMethod) string {
	switch {
	case p.COD:
		return "CashOnDelivery"
	case p.Prepaid:
		return "ConvenienceStore"
	}
	return "CreditCard"
}

// wire renders order i as Amazon would at now, with the datasets asked for.
func (sl *seller) wire(i int, now time.Time, inc map[string]bool) (amazon.Order, string, time.Time) {
	d := sl.sim.gen.Order(i)
	st, updated := sl.status(i, d, now)
	c := sl.created[i]
	country := countryOf(sl.marketplaceID)
	mp := amazon.Marketplaces[country]
	o := amazon.Order{
		OrderID:         sl.orderID(i),
		CreatedTime:     amazon.FormatTime(c),
		LastUpdatedTime: amazon.FormatTime(updated),
		SalesChannel:    amazon.SalesChannel{ChannelName: "AMAZON", MarketplaceID: sl.marketplaceID, MarketplaceName: mp.Name},
		OrderItems:      []amazon.OrderItem{},
	}
	pending := st == amazon.StatusPending
	money := func(v int64) *amazon.Money {
		return &amazon.Money{Amount: strconv.FormatInt(v, 10), CurrencyCode: mp.Currency}
	}
	var goods, tax int64
	for k, ln := range d.Lines {
		it := amazon.OrderItem{
			OrderItemID:     itemID(i, k),
			QuantityOrdered: ln.Qty,
			Product: amazon.ItemProduct{ASIN: asin(ln.Variant.SKU), Title: itemTitle(ln),
				SellerSKU: ln.Variant.SKU},
		}
		gross := ln.Variant.Price * int64(ln.Qty)
		lineTax := int64(float64(gross) * ln.Item.TaxRate / (1 + ln.Item.TaxRate))
		// Pending orders carry no prices yet (amazon.md §3.3).
		if !pending {
			it.Product.Price = &amazon.ItemPrice{UnitPrice: money(ln.Variant.Price)}
			goods += gross
			tax += lineTax
			if inc[amazon.IncludeProceeds] {
				it.Proceeds = &amazon.ItemProceeds{ProceedsTotal: money(gross), Breakdowns: []amazon.ProceedsBreakdown{
					{Type: amazon.BreakdownItem, Subtotal: *money(gross)},
					{Type: amazon.BreakdownTax, Subtotal: *money(lineTax)},
				}}
			}
		}
		if inc[amazon.IncludeFulfillment] {
			f := &amazon.ItemFulfillment{QuantityUnfulfilled: ln.Qty}
			if sh := sl.shipped[i]; sh != nil {
				f.QuantityFulfilled = sh.qty[it.OrderItemID]
				f.QuantityUnfulfilled = ln.Qty - f.QuantityFulfilled
			}
			if w := scheduled(c, d); w != nil {
				f.Shipping = &amazon.ItemShipping{ScheduledDeliveryWindow: w}
			}
			it.Fulfillment = f
		}
		if inc[amazon.IncludeCancel] && d.Cancel && st != amazon.StatusCancelled && !pending {
			it.Cancellation = &amazon.ItemCancellation{CancellationRequest: &amazon.CancellationRequest{Requester: "BUYER", CancelReason: "注文内容を変更したい"}}
		}
		o.OrderItems = append(o.OrderItems, it)
	}
	if inc[amazon.IncludeFulfillment] {
		level := "STANDARD"
		if d.Delivery == "クール便" {
			level = "EXPEDITED"
		}
		o.Fulfillment = &amazon.OrderFulfill{FulfillmentStatus: st, FulfilledBy: "MERCHANT", FulfillmentServiceLevel: level,
			ShipByWindow: &amazon.DateTimeRange{EarliestDateTime: amazon.FormatTime(c), LatestDateTime: amazon.FormatTime(c.Add(48 * time.Hour))}}
	}
	if pending {
		return o, st, updated // no buyer, recipient, payment or proceeds yet
	}
	if inc[amazon.IncludeProceeds] {
		b := []amazon.ProceedsBreakdown{{Type: amazon.BreakdownItem, Subtotal: *money(goods)}, {Type: amazon.BreakdownTax, Subtotal: *money(tax)}}
		total := goods
		if d.Postage > 0 {
			b = append(b, amazon.ProceedsBreakdown{Type: amazon.BreakdownShipping, Subtotal: *money(d.Postage)})
			total += d.Postage
		}
		if d.Payment.COD {
			b = append(b, amazon.ProceedsBreakdown{Type: amazon.BreakdownCODFee, Subtotal: *money(330)})
			total += 330
		}
		o.Proceeds = &amazon.OrderProceeds{GrandTotal: money(total), Breakdowns: b}
	}
	if inc[amazon.IncludeBuyer] {
		o.Buyer = &amazon.Buyer{BuyerName: d.Buyer.Family + " " + d.Buyer.Given,
			BuyerEmail: d.Buyer.MailLocal + "@marketplace.amazon.co.jp"}
	}
	if inc[amazon.IncludeRecipient] {
		p := d.Recipient
		o.Recipient = &amazon.Recipient{DeliveryAddress: &amazon.Address{
			Name: p.Family + " " + p.Given, AddressLine1: p.Street, AddressLine2: p.Building,
			City: p.City, StateOrRegion: p.Pref, PostalCode: p.Postal[:3] + "-" + p.Postal[3:],
			CountryCode: "JP", Phone: p.Phone, AddressType: "RESIDENTIAL"}}
	}
	if inc[amazon.IncludePayment] {
		o.Payment = &amazon.OrderPayment{PaymentExecutions: []amazon.PaymentExecution{{PaymentMethod: paymentMethod(d.Payment)}}}
	}
	return o, st, updated
}

// scheduled turns the generator's requested day and slot into Amazon's
// scheduled-delivery window (JST slot boundaries, sent in UTC).
func scheduled(created time.Time, d kit.OrderData) *amazon.DateTimeRange {
	if d.RequestedInDays == 0 {
		return nil
	}
	jst := time.FixedZone("JST", 9*3600)
	day := created.In(jst).AddDate(0, 0, d.RequestedInDays)
	from, to := 0, 24
	switch c := d.Slot.Code; {
	case c == "1":
		from, to = 8, 12
	case len(c) == 4:
		from, _ = strconv.Atoi(c[:2])
		to, _ = strconv.Atoi(c[2:])
	}
	start := time.Date(day.Year(), day.Month(), day.Day(), from, 0, 0, 0, jst)
	end := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, jst).Add(time.Duration(to) * time.Hour)
	if to == 24 {
		end = end.Add(-time.Second)
	}
	return &amazon.DateTimeRange{EarliestDateTime: amazon.FormatTime(start), LatestDateTime: amazon.FormatTime(end)}
}

func asin(sku string) string {
	h := uint32(2166136261)
	for i := 0; i < len(sku); i++ {
		h = (h ^ uint32(sku[i])) * 16777619
	}
	return fmt.Sprintf("B0%08X", h)
}

func itemTitle(ln kit.Line) string {
	if ln.Variant.Options == "" {
		return ln.Item.Name
	}
	return ln.Item.Name + "（" + ln.Variant.Options + "）"
}

// searchParams is a validated searchOrders query.
type searchParams struct {
	byUpdate      bool
	after, before time.Time
	statuses      map[string]bool
	pageSize      int
	offset        int // position in byTime the page resumes at
	included      map[string]bool
}

func badInput(msg string) (int, any) {
	return http.StatusBadRequest, amazon.ErrorList{Errors: []amazon.APIError{{Code: "InvalidInput", Message: msg}}}
}

func list(q url.Values, name string) []string {
	v := q.Get(name)
	if v == "" {
		return nil
	}
	return strings.Split(v, ",")
}

var validStatus = map[string]bool{amazon.StatusPendingAvailability: true, amazon.StatusPending: true, amazon.StatusUnshipped: true,
	amazon.StatusPartiallyShipped: true, amazon.StatusShipped: true, amazon.StatusCancelled: true, amazon.StatusUnfulfillable: true}

var validIncluded = map[string]bool{"BUYER": true, "RECIPIENT": true, "PROCEEDS": true, "EXPENSE": true, "PROMOTION": true,
	"CANCELLATION": true, "FULFILLMENT": true, "PACKAGES": true, "TAX": true, "PAYMENT": true, "FULFILLMENT_ORDERS": true}

func parseIncluded(q url.Values) (map[string]bool, string) {
	inc := map[string]bool{}
	for _, v := range list(q, amazon.QIncludedData) {
		if !validIncluded[v] {
			return nil, "Invalid includedData value: " + v
		}
		inc[v] = true
	}
	return inc, ""
}

// parseSearch applies the model's rules: exactly one of createdAfter and
// lastUpdatedAfter, no mixing of families, "before" at least two minutes
// before now, 1..100 per page, ≤ 50 marketplaces of this seller.
func (sl *seller) parseSearch(q url.Values, now time.Time) (*searchParams, string) {
	p := &searchParams{statuses: map[string]bool{}, pageSize: 100}
	ca, cb, ua, ub := q.Get(amazon.QCreatedAfter), q.Get(amazon.QCreatedBefore), q.Get(amazon.QLastUpdatedAfter), q.Get(amazon.QLastUpdatedBefore)
	switch {
	case (ca == "") == (ua == ""):
		return nil, "Exactly one of createdAfter and lastUpdatedAfter must be provided."
	case ca != "" && (ub != ""), ua != "" && cb != "":
		return nil, "createdAfter/createdBefore cannot be combined with lastUpdatedAfter/lastUpdatedBefore."
	}
	p.byUpdate = ua != ""
	afterS, beforeS := ca, cb
	if p.byUpdate {
		afterS, beforeS = ua, ub
	}
	var err error
	if p.after, err = time.Parse(time.RFC3339Nano, afterS); err != nil {
		return nil, "Invalid date-time for the After parameter: " + afterS
	}
	if beforeS != "" {
		if p.before, err = time.Parse(time.RFC3339Nano, beforeS); err != nil {
			return nil, "Invalid date-time for the Before parameter: " + beforeS
		}
		if p.before.Before(p.after) {
			return nil, "The Before date must be equal to or after the After date."
		}
		if p.before.After(now.Add(-2 * time.Minute)) {
			return nil, "The Before date must be at least two minutes before the time of the request."
		}
	}
	if ids := list(q, amazon.QMarketplaceIDs); len(ids) > 50 {
		return nil, "At most 50 marketplaceIds are allowed."
	} else if len(ids) > 0 && !contains(ids, sl.marketplaceID) {
		return nil, "The seller is not registered in the requested marketplace."
	}
	for _, st := range list(q, amazon.QFulfillmentStatuses) {
		if !validStatus[st] {
			return nil, "Invalid fulfillmentStatuses value: " + st
		}
		p.statuses[st] = true
	}
	for _, fb := range list(q, amazon.QFulfilledBy) {
		if fb != "MERCHANT" && fb != "AMAZON" {
			return nil, "Invalid fulfilledBy value: " + fb
		}
	}
	if v := q.Get(amazon.QMaxResultsPerPage); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return nil, "maxResultsPerPage must be between 1 and 100."
		}
		p.pageSize = n
	}
	var msg string
	if p.included, msg = parseIncluded(q); msg != "" {
		return nil, msg
	}
	if t := q.Get(amazon.QPaginationToken); t != "" {
		off, ok := decodeToken(t, q)
		if !ok {
			return nil, "Invalid paginationToken."
		}
		p.offset = off
	}
	return p, ""
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// The pagination token binds the offset to the query it came from, so a
// token replayed with other filters is refused rather than silently wrong.
func queryKey(q url.Values) string {
	c := url.Values{}
	for k, v := range q {
		if k != amazon.QPaginationToken {
			c[k] = v
		}
	}
	return c.Encode()
}

func encodeToken(off int, q url.Values) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(off) + "|" + queryKey(q)))
}

func decodeToken(t string, q url.Values) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(t)
	if err != nil {
		return 0, false
	}
	off, key, ok := strings.Cut(string(b), "|")
	n, err := strconv.Atoi(off)
	return n, ok && err == nil && n >= 0 && key == queryKey(q)
}

func (s *Sim) searchOrders(w http.ResponseWriter, r *http.Request, sl *seller) (int, any) {
	now := s.Now()
	q := r.URL.Query()
	p, msg := sl.parseSearch(q, now)
	if msg != "" {
		return badInput(msg)
	}
	before := p.before
	if before.IsZero() {
		before = now.Add(-2 * time.Minute)
	}
	sl.mu.Lock()
	defer sl.mu.Unlock()
	lo, hi := 0, len(sl.byTime)
	if !p.byUpdate {
		lo = sort.Search(len(sl.byTime), func(k int) bool { return !sl.created[sl.byTime[k]].Before(p.after) })
		hi = sort.Search(len(sl.byTime), func(k int) bool { return sl.created[sl.byTime[k]].After(before) })
	}
	// The token holds the index where the next page resumes, so paging
	// through N orders costs O(N), not O(N²).
	var orders []amazon.Order
	next := -1
	for k := max(lo, p.offset); k < hi; k++ {
		i := int(sl.byTime[k])
		if sl.created[i].After(now) {
			continue
		}
		st, updated := sl.status(i, s.gen.Order(i), now)
		if len(p.statuses) > 0 && !p.statuses[st] {
			continue
		}
		if p.byUpdate && (updated.Before(p.after) || updated.After(before)) {
			continue
		}
		if len(orders) == p.pageSize {
			next = k
			break
		}
		o, _, _ := sl.wire(i, now, p.included)
		orders = append(orders, o)
	}
	resp := amazon.SearchOrdersResponse{Orders: orders}
	if orders == nil {
		resp.Orders = []amazon.Order{}
	}
	if next >= 0 {
		resp.Pagination = &amazon.Pagination{NextToken: encodeToken(next, q)}
	}
	if p.byUpdate {
		resp.LastUpdatedBefore = amazon.FormatTime(before)
	} else {
		resp.CreatedBefore = amazon.FormatTime(before)
	}
	return http.StatusOK, resp
}

func (s *Sim) getOrder(w http.ResponseWriter, r *http.Request, sl *seller) (int, any) {
	inc, msg := parseIncluded(r.URL.Query())
	if msg != "" {
		return badInput(msg)
	}
	now := s.Now()
	sl.mu.Lock()
	defer sl.mu.Unlock()
	i, ok := sl.index(r.PathValue("orderId"))
	if !ok || sl.created[i].After(now) {
		return http.StatusNotFound, amazon.ErrorList{Errors: []amazon.APIError{{Code: "NotFound", Message: "The requested order was not found."}}}
	}
	o, _, _ := sl.wire(i, now, inc)
	return http.StatusOK, amazon.GetOrderResponse{Order: &o}
}
