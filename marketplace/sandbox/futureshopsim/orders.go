package futureshopsim

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/futureshop"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
)

// Life of an order on the sandbox clock [I]: cancellations happen two
// hours after the order; prepaid money arrives after the generator's delay.
const cancelAfter = 2 * time.Hour

// CODCharge is the 代引き手数料 the demo shop charges [I].
const CODCharge = 330

func (s *Sim) search(w http.ResponseWriter, r *http.Request, shopKey string, now time.Time) {
	q := r.URL.Query()
	var from, to time.Time
	var err error
	nos := splitList(q.Get(futureshop.QueryOrderNo))
	if v := q.Get(futureshop.QueryOrderDateStart); v != "" {
		if from, err = time.ParseInLocation(futureshop.DatetimeLayout, v, marketplace.JST); err != nil {
			apiError(w, http.StatusBadRequest, futureshop.CodeInvalidParam, "orderDateStart: yyyy-MM-ddTHH:mm:ss で指定してください")
			return
		}
	}
	if v := q.Get(futureshop.QueryOrderDateEnd); v != "" {
		if to, err = time.ParseInLocation(futureshop.DatetimeLayout, v, marketplace.JST); err != nil {
			apiError(w, http.StatusBadRequest, futureshop.CodeInvalidParam, "orderDateEnd: yyyy-MM-ddTHH:mm:ss で指定してください")
			return
		}
	}
	if len(nos) == 0 && (from.IsZero() || to.IsZero()) {
		apiError(w, http.StatusBadRequest, futureshop.CodeInvalidParam, "orderDateStart と orderDateEnd、または orderNo を指定してください") // [I]
		return
	}
	if !from.IsZero() && to.Sub(from) > futureshop.MaxSearchWindowDays*24*time.Hour {
		apiError(w, http.StatusBadRequest, futureshop.CodeInvalidParam, "検索期間は31日以内で指定してください") // [I]
		return
	}
	shipping := splitList(q.Get(futureshop.QueryShippingStatus))
	for _, v := range shipping {
		if v != futureshop.ShippingNotShipped && v != futureshop.ShippingShipped {
			apiError(w, http.StatusBadRequest, futureshop.CodeInvalidParam, "shippingStatus: "+v)
			return
		}
	}
	off, ok := cursorOffset(w, q)
	if !ok {
		return
	}

	s.Mu.Lock()
	defer s.Mu.Unlock()
	sh := s.Shop(shopKey)
	var hits []simOrder
	for _, o := range sh.orders {
		// Both ends inclusive to the second [I].
		if !from.IsZero() && (o.at.Before(from) || o.at.After(to)) {
			continue
		}
		if len(nos) > 0 && !contains(nos, sh.orderNo(o)) {
			continue
		}
		// Shipped once 発送API gave shipment 1 a shippingDate.
		state := futureshop.ShippingNotShipped
		if sh.shipped[sh.orderNo(o)].date != "" {
			state = futureshop.ShippingShipped
		}
		if len(shipping) > 0 && !contains(shipping, state) {
			continue
		}
		hits = append(hits, o)
	}

	resp := futureshop.SearchResponse{OrderList: []futureshop.WireOrder{}}
	end := min(off+PageSize, len(hits))
	for _, o := range hits[min(off, len(hits)):end] {
		resp.OrderList = append(resp.OrderList, sh.wire(o, now, false))
	}
	if end < len(hits) {
		q.Set(futureshop.QueryCursor, encodeCursor(end))
		resp.NextURL = selfURL(r) + "?" + q.Encode()
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Sim) detail(w http.ResponseWriter, r *http.Request, shopKey string, now time.Time) {
	no := strings.TrimPrefix(r.URL.Path, futureshop.PathOrderDetail)
	s.Mu.Lock()
	defer s.Mu.Unlock()
	sh := s.Shop(shopKey)
	o, ok := sh.find(no)
	if !ok {
		apiError(w, http.StatusNotFound, futureshop.CodeNotFound, "受注番号 "+no+" は存在しません")
		return
	}
	writeJSON(w, http.StatusOK, sh.wire(o, now, true))
}

// selfURL is the absolute URL of the request's path as the client sent it
// (the sandbox mounts us under a prefix), for nextUrl.
func selfURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	path := r.URL.Path
	if u, err := url.ParseRequestURI(r.RequestURI); err == nil {
		path = u.Path
	}
	return scheme + "://" + r.Host + path
}

func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func (sh *shop) orderNo(o simOrder) string {
	return strconv.FormatInt(sh.base+int64(o.idx), 10)
}

// paymentType maps the generator's payment to futureshop's enum [I].
func paymentType(p kit.PaymentMethod) string {
	switch {
	case p.COD:
		return futureshop.PaymentCOD
	case p.Deferred:
		return futureshop.PaymentDeferred
	case p.Prepaid && p.Name == "銀行振込":
		return futureshop.PaymentBankTransfer
	case p.Prepaid:
		return futureshop.PaymentConvenience
	}
	return futureshop.PaymentCreditCard
}

// wire builds the order as futureshop answers it at now; detail adds the
// detail-only fields.
func (sh *shop) wire(o simOrder, now time.Time, detail bool) futureshop.WireOrder {
	d := sh.gen.Order(o.idx)
	pt := paymentType(d.Payment)
	w := futureshop.WireOrder{
		OrderNo:     sh.orderNo(o),
		Type:        "REGULAR",
		Date:        jst(o.at),
		Status:      futureshop.StatusAwaitingShipment,
		PaymentType: pt,
		IsMember:    o.idx%3 != 0,
		Postage:     d.Postage,
		BuyerInfo: futureshop.BuyerInfo{
			LastName: d.Buyer.Family, FirstName: d.Buyer.Given, LastNameKana: d.Buyer.FamilyKana, FirstNameKana: d.Buyer.GivenKana,
			Mail: d.Buyer.MailLocal + "@example.jp", ZipCode: zip(d.Buyer.Postal), Prefecture: futureshop.PrefectureCode(d.Buyer.Pref),
			Address1: d.Buyer.City, Address2: d.Buyer.Street, Address3: d.Buyer.Building, TelNoMain: d.Buyer.Phone,
		},
	}
	paidAt := time.Time{}
	switch {
	case pt == futureshop.PaymentCreditCard:
		paidAt = o.at
	case d.Payment.Prepaid:
		paidAt = o.at.Add(d.PayDelay)
		if now.Before(paidAt) {
			w.Status, paidAt = futureshop.StatusAwaitingPayment, time.Time{}
		}
	}
	if !paidAt.IsZero() {
		w.ReceiptDate = jst(paidAt)
	}
	if d.Cancel && !now.Before(o.at.Add(cancelAfter)) {
		w.Status = futureshop.StatusCancelled
	}
	if pt == futureshop.PaymentCOD {
		w.PaymentChargeTotal = CODCharge
	}
	s := futureshop.WireShipment{
		ShipmentNo: 1,
		AddressInfo: futureshop.AddressInfo{
			LastName: d.Recipient.Family, FirstName: d.Recipient.Given, LastNameKana: d.Recipient.FamilyKana, FirstNameKana: d.Recipient.GivenKana,
			PostalCode: zip(d.Recipient.Postal), Prefecture: futureshop.PrefectureCode(d.Recipient.Pref),
			Address1: d.Recipient.City, Address2: d.Recipient.Street, Address3: d.Recipient.Building, PhoneNo: d.Recipient.Phone,
		},
		ShippingInfo: futureshop.ShippingInfo{
			DeliveryServiceName:   d.Delivery,
			IsCoolDelivery:        d.Delivery == "クール便",
			PreferredDeliveryTime: d.Slot.Name,
		},
		Postage: d.Postage,
	}
	if d.RequestedInDays > 0 {
		s.ShippingInfo.PreferredDeliveryDate = o.at.In(marketplace.JST).AddDate(0, 0, d.RequestedInDays).Format(futureshop.DateLayout)
	}
	for _, l := range d.Lines {
		code, rate := futureshop.TaxRateStandard, 0.10
		if l.Item.TaxRate < 0.09 {
			code, rate = futureshop.TaxRateReduced, 0.08
		}
		sum := l.Variant.Price * int64(l.Qty)
		tax := int64(float64(sum) * rate / (1 + rate)) // ROUND_DOWN [V3]
		p := futureshop.WireProduct{
			SkuNo: l.Variant.SKU, Name: l.Item.Name, VerticalVariationName: l.Variant.Options, JanCode: l.Variant.JAN,
			TaxRateCode: code, Price: l.Variant.Price, Count: l.Qty, TaxIncluded: futureshop.TaxIncluded, Tax: tax,
		}
		if detail {
			p.ProductNo = l.Item.ItemNumber
		}
		s.ProductList = append(s.ProductList, p)
		s.ProductTotal += sum
		s.TaxTotal += tax
	}
	w.ProductTotal, w.TaxTotal = s.ProductTotal, s.TaxTotal
	w.GrandTotal = w.ProductTotal + w.Postage + w.PaymentChargeTotal
	w.TotalCost = w.GrandTotal
	done := false
	if x := sh.shipped[w.OrderNo]; x.date != "" || x.invoiceNo != "" {
		s.ShippingInfo.InvoiceNo, s.ShippingInfo.ShippingDate, s.ShippingInfo.ExpectedArrival = x.invoiceNo, x.date, x.arrival
		if done = x.date != ""; done && w.Status != futureshop.StatusCancelled {
			w.Status = futureshop.StatusShipped
		}
	}
	if detail {
		s.Shipped = &done
		w.PaymentStatus = futureshop.PaymentStatusNotReceived
		if w.ReceiptDate != "" {
			w.PaymentStatus = futureshop.PaymentStatusReceived
		}
		w.Communication = d.Remarks
		w.DateLastUpdated = jst(o.at)
	}
	w.ShipmentList = []futureshop.WireShipment{s}
	return w
}

func jst(t time.Time) string { return t.In(marketplace.JST).Format(futureshop.DatetimeLayout) }

// zip writes a postal code as futureshop does: "000-0000" [V3].
func zip(p string) string {
	if len(p) == 7 {
		return p[:3] + "-" + p[3:]
	}
	return p
}
