package rakuten

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
)

// classify maps an RMS answer to nil or a typed error. Rakuten has three
// error shapes: the gateway's {"Results":{errorCode}}, the order API's
// MessageModelList and the inventory API's {"errors":[…]}.
func classify(op string, status int, h http.Header, body []byte) *marketplace.Error {
	if status >= 200 && status < 300 {
		if len(body) == 0 || op == FunctionGenreGet {
			return nil
		}
		// Only the shape's ends are checked here, so a cut-off or HTML
		// answer still reaches the API log as malformed; the parser of each
		// operation reads the body anyway and turns any other defect into
		// Malformed. A full json.Valid here scanned every body twice.
		if t := bytes.TrimSpace(body); len(t) == 0 || !(t[0] == '{' && t[len(t)-1] == '}' || t[0] == '[' && t[len(t)-1] == ']') {
			return &marketplace.Error{Kind: marketplace.Malformed, Message: "response is not a JSON object"}
		}
		return nil
	}
	e := &marketplace.Error{HTTPStatus: status}
	var gw GatewayError
	var inv InventoryErrors
	var msgs MessagesResponse
	trimmed := bytes.TrimSpace(body)
	switch {
	case json.Unmarshal(trimmed, &gw) == nil && gw.Results.ErrorCode != "":
		e.Code, e.Message = gw.Results.ErrorCode, gw.Results.Message
	case json.Unmarshal(trimmed, &inv) == nil && len(inv.Errors) > 0:
		e.Code, e.Message, e.Field = inv.Errors[0].Code, inv.Errors[0].Message, inv.Errors[0].Metadata.PropertyPath
	case json.Unmarshal(trimmed, &msgs) == nil && len(msgs.MessageModelList) > 0:
		for _, m := range msgs.MessageModelList {
			if m.MessageType == "ERROR" || e.Code == "" {
				e.Code, e.Message = m.MessageCode, m.Message
			}
			if m.MessageType == "ERROR" {
				break
			}
		}
	case len(trimmed) > 0 && trimmed[0] == '<':
		var x genreResult
		if xml.Unmarshal(trimmed, &x) == nil {
			e.Message = x.Status.Message
		}
	}
	lower := strings.ToLower(e.Message)
	switch {
	case e.Code == CodeUnauthorised || e.Code == "GE0011" || status == http.StatusUnauthorized:
		e.Kind = marketplace.AuthFailed
	case e.Code == CodeFunctionNotEnabled || status == http.StatusForbidden:
		e.Kind = marketplace.FunctionNotEnabled
	case e.Code == CodeTooManyRequests || status == http.StatusTooManyRequests:
		e.Kind = marketplace.Throttled
		e.RetryAfter = marketplace.RetryAfterHeader(h)
	case e.Code == CodeMaintenance || (status == http.StatusServiceUnavailable && (strings.Contains(lower, "maintenance") || strings.Contains(e.Message, "メンテナンス"))):
		e.Kind = marketplace.Maintenance
	case status >= 500:
		e.Kind = marketplace.Remote
	case status == http.StatusNotFound && e.Code == "":
		e.Kind = marketplace.Remote
	default:
		e.Kind = marketplace.InvalidRequest
	}
	return e
}

type genreResult struct {
	XMLName xml.Name `xml:"result"`
	Status  struct {
		InterfaceID  string `xml:"interfaceId"`
		SystemStatus string `xml:"systemStatus"`
		Message      string `xml:"message"`
	} `xml:"status"`
}

func malformed(op string, err error) *marketplace.Error {
	return &marketplace.Error{Kind: marketplace.Malformed, Marketplace: marketplace.Rakuten, Operation: op, Message: "unexpected response shape", Err: err}
}

// ParseSearchOrder decodes a searchOrder answer.
func ParseSearchOrder(body []byte) (SearchOrderResponse, error) {
	var r SearchOrderResponse
	if err := json.Unmarshal(body, &r); err != nil {
		return r, malformed("searchOrder", err)
	}
	if r.OrderNumberList == nil && r.PaginationResponseModel == nil && len(r.MessageModelList) == 0 {
		return r, malformed("searchOrder", fmt.Errorf("no orderNumberList, pagination or messages"))
	}
	return r, nil
}

// ParseGetOrder decodes a getOrder answer into normalised orders, keeping
// each order's own JSON as its raw payload.
//
// It walks the envelope with a json.Decoder and decodes each order straight
// into OrderModel, taking the raw payload from the decoder's offsets: with
// json.Unmarshal into []json.RawMessage and then again per order, every
// byte of an order was scanned four times, and getOrder answers are most of
// an import's CPU.
func ParseGetOrder(body []byte) ([]marketplace.Order, []Message, error) {
	fail := func(msgs []Message, err error) ([]marketplace.Order, []Message, error) {
		return nil, msgs, malformed("getOrder", err)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	tok, err := dec.Token()
	if err != nil {
		return fail(nil, err)
	}
	var msgs []Message
	var out []marketplace.Order
	switch tok {
	case nil: // null: no orders, as json.Unmarshal has it
	case json.Delim('{'):
		if out, msgs, err = decodeEnvelope(dec, body); err != nil {
			return fail(msgs, err)
		}
	default:
		return fail(nil, fmt.Errorf("answer is not a JSON object"))
	}
	if _, err := dec.Token(); err != io.EOF {
		return fail(msgs, fmt.Errorf("data after the answer"))
	}
	if out == nil {
		out = []marketplace.Order{}
	}
	return out, msgs, nil
}

// decodeEnvelope reads the answer's members after its opening brace.
func decodeEnvelope(dec *json.Decoder, body []byte) (out []marketplace.Order, msgs []Message, err error) {
	var bad error
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, msgs, err
		}
		key, _ := tok.(string)
		switch {
		case strings.EqualFold(key, "MessageModelList"):
			msgs = nil
			if err := dec.Decode(&msgs); err != nil {
				return nil, nil, err
			}
		case strings.EqualFold(key, "OrderModelList"):
			// A bad order fails the answer unless a later OrderModelList
			// replaces the list, as with json.Unmarshal.
			if out, bad, err = decodeOrders(dec, body); err != nil {
				return nil, msgs, err
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, msgs, err
			}
		}
	}
	if _, err = dec.Token(); err != nil { // the closing brace
		return nil, msgs, err
	}
	if bad != nil {
		return nil, msgs, bad
	}
	return out, msgs, nil
}

// decodeOrders reads OrderModelList (an array or null) from dec, which
// reads body. bad is the first order that does not fit (read past, so the
// answer can go on); err a broken answer.
func decodeOrders(dec *json.Decoder, body []byte) (out []marketplace.Order, bad, err error) {
	tok, err := dec.Token()
	if err != nil || tok == nil {
		return nil, nil, err
	}
	if tok != json.Delim('[') {
		return nil, nil, fmt.Errorf("OrderModelList is not an array")
	}
	for i := 0; dec.More(); i++ {
		from := dec.InputOffset()
		var m OrderModel
		if err := dec.Decode(&m); err != nil {
			var te *json.UnmarshalTypeError
			if !errors.As(err, &te) {
				return nil, nil, fmt.Errorf("order %d: %w", i, err)
			}
			if bad == nil {
				bad = fmt.Errorf("order %d: %w", i, err)
			}
			continue
		}
		if bad != nil {
			continue
		}
		o, err := toOrder(m)
		if err != nil {
			bad = fmt.Errorf("order %d: %w", i, err)
			continue
		}
		// The span read may start at the comma before the order.
		o.RawPayload = bytes.Clone(bytes.TrimLeft(body[from:dec.InputOffset()], ", \t\r\n"))
		out = append(out, o)
	}
	if _, err := dec.Token(); err != nil { // the closing bracket
		return nil, nil, err
	}
	if bad != nil {
		return nil, bad, nil
	}
	return out, nil, nil
}

// ParseTime reads RMS datetimes ("2017-10-14T00:00:00+0900"), tolerating
// RFC 3339 and bare dates.
func ParseTime(s string) (time.Time, error) {
	for _, layout := range []string{DatetimeLayout, time.RFC3339, "2006-01-02 15:04:05", DateLayout} {
		if t, err := time.ParseInLocation(layout, strings.TrimSpace(s), marketplace.JST); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("unrecognised datetime %q", s)
}

// FormatTime writes t as RMS expects: Japan time with +0900.
func FormatTime(t time.Time) string { return t.In(marketplace.JST).Format(DatetimeLayout) }

func unfixed(v int64) (int64, bool) {
	if v == -9999 {
		return 0, false
	}
	return v, true
}

func toOrder(m OrderModel) (marketplace.Order, error) {
	if m.OrderNumber == "" {
		return marketplace.Order{}, fmt.Errorf("order without orderNumber")
	}
	at, err := ParseTime(m.OrderDatetime)
	if err != nil {
		return marketplace.Order{}, err
	}
	o := marketplace.Order{
		Marketplace: marketplace.Rakuten,
		Number:      m.OrderNumber,
		OrderedAt:   at,
		Status:      strconv.Itoa(m.OrderProgress),
		StatusName:  ProgressName(m.OrderProgress),
		Cancelled:   m.OrderProgress == 800 || m.OrderProgress == 900,
		Buyer:       toParty(m.OrdererModel),
		Currency:    "JPY",
	}
	if m.SettlementModel != nil {
		o.PaymentMethodCode = strconv.Itoa(m.SettlementModel.SettlementMethodCode)
		o.PaymentMethodName = m.SettlementModel.SettlementMethod
	}
	// [I] getOrder carries no "paid" flag: RMS holds an order in 200 (楽天処理中)
	// until payment is authorised or received, so reaching 300 means paid.
	if m.OrderProgress >= 300 && !o.Cancelled {
		o.Paid = true
		if c := o.PaymentMethodCode; c == "3" || c == "21" {
			o.CreditApproved = true
		}
	}
	if m.DeliveryModel != nil {
		o.DeliveryMethodName = m.DeliveryModel.DeliveryName
	}
	if m.DeliveryDate != nil {
		o.RequestedDate = *m.DeliveryDate
	}
	if m.ShippingTerm != nil && *m.ShippingTerm != 0 {
		o.TimeSlot = strconv.Itoa(*m.ShippingTerm)
		o.TimeSlotName = TimeSlotName(*m.ShippingTerm)
	}
	if m.Remarks != nil {
		o.Remarks = *m.Remarks
	}
	for _, p := range m.PackageModelList {
		if o.Recipient.Name == "" {
			o.Recipient = toParty(p.SenderModel)
		}
		for _, it := range p.ItemModelList {
			l := marketplace.OrderLine{
				LineID:        strconv.FormatInt(it.ItemDetailID, 10),
				DestinationID: strconv.FormatInt(p.BasketID, 10),
				ItemCode:      it.ManageNumber,
				ItemNumber:    it.ItemNumber,
				Name:          it.ItemName,
				Quantity:      it.Units,
				UnitPrice:     it.Price,
				TaxIncluded:   it.IncludeTaxFlag == 1,
				TaxRate:       it.TaxRate,
			}
			if it.SelectedChoice != nil {
				l.OptionText = *it.SelectedChoice
			}
			if len(it.SkuModelList) > 0 {
				l.OptionCode = it.SkuModelList[0].VariantID
				if s := it.SkuModelList[0].MerchantDefinedSkuID; s != nil {
					l.SKU = *s
				}
			}
			o.Lines = append(o.Lines, l)
		}
	}
	fixed := true
	set := func(dst *int64, v int64) {
		x, ok := unfixed(v)
		*dst = x
		fixed = fixed && ok
	}
	t := &o.Totals
	set(&t.Goods, m.GoodsPrice)
	set(&t.Tax, m.GoodsTax)
	set(&t.Shipping, m.PostagePrice)
	set(&t.CODFee, m.DeliveryPrice)
	set(&t.PaymentCharge, m.PaymentCharge)
	set(&t.Total, m.TotalPrice)
	set(&t.Billed, m.RequestPrice)
	set(&t.Discount, m.CouponAllTotalPrice)
	if m.PointModel != nil {
		t.PointsUsed = m.PointModel.UsedPoint
	}
	t.Fixed = fixed
	return o, nil
}

func toParty(p PersonModel) marketplace.Party {
	phone := strings.Trim(strings.Join([]string{p.PhoneNumber1, p.PhoneNumber2, p.PhoneNumber3}, "-"), "-")
	return marketplace.Party{
		Name:           strings.TrimSpace(p.FamilyName + " " + p.FirstName),
		NameKana:       strings.TrimSpace(p.FamilyNameKana + " " + p.FirstNameKana),
		FamilyName:     p.FamilyName,
		GivenName:      p.FirstName,
		FamilyNameKana: p.FamilyNameKana,
		GivenNameKana:  p.FirstNameKana,
		PostalCode:     p.ZipCode1 + p.ZipCode2,
		Prefecture:     p.Prefecture,
		City:           p.City,
		Address1:       p.SubAddress, // the rest after the city: 町名・番地・建物

		Phone:   phone,
		Email:   p.EmailAddress,
		Country: "JP",
	}
}

// TimeSlotName renders shippingTerm: 0 none, 1 午前中, 2 午後, 9 その他,
// otherwise hhHH ("1416" → 14-16時).
func TimeSlotName(term int) string {
	switch {
	case term == 0:
		return ""
	case term == 1:
		return "午前中"
	case term == 2:
		return "午後"
	case term == 9:
		return "その他"
	case term >= 100 && term <= 2424:
		return fmt.Sprintf("%d-%d時", term/100, term%100)
	}
	return strconv.Itoa(term)
}
