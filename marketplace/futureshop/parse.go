package futureshop

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
)

// ParseToken reads the token answer; a token without a lifetime in
// 1..86400 s is refused [V3: one client rejects others].
func ParseToken(b []byte) (TokenResponse, error) {
	var tr TokenResponse
	if err := json.Unmarshal(b, &tr); err != nil {
		return tr, malformed(OpToken, err)
	}
	if tr.AccessToken == "" || tr.ExpiresIn < 1 || tr.ExpiresIn > MaxTokenLifetime {
		return tr, malformed(OpToken, fmt.Errorf("token missing or lifetime %d out of range", tr.ExpiresIn))
	}
	if tr.TokenType != "" && !strings.EqualFold(tr.TokenType, "bearer") {
		return tr, malformed(OpToken, fmt.Errorf("token type %q", tr.TokenType))
	}
	return tr, nil
}

// SearchPage is one parsed page of 受注検索.
type SearchPage struct {
	Orders  []marketplace.Order
	NextURL string
}

// ParseSearch reads one 受注検索 page. orderList must be present (an empty
// list is fine): a body without it is not an answer we understand.
func ParseSearch(b []byte) (SearchPage, error) {
	var raw struct {
		OrderList []json.RawMessage `json:"orderList"`
		NextURL   string            `json:"nextUrl"`
	}
	if err := strictObject(b, &raw); err != nil {
		return SearchPage{}, malformed(OpOrderSearch, err)
	}
	if raw.OrderList == nil && !bytes.Contains(b, []byte(`"orderList"`)) {
		return SearchPage{}, malformed(OpOrderSearch, errors.New("no orderList"))
	}
	page := SearchPage{NextURL: raw.NextURL, Orders: make([]marketplace.Order, 0, len(raw.OrderList))}
	for i, r := range raw.OrderList {
		o, err := parseOrder(r)
		if err != nil {
			return SearchPage{}, malformed(OpOrderSearch, fmt.Errorf("orderList[%d]: %w", i, err))
		}
		page.Orders = append(page.Orders, o)
	}
	return page, nil
}

// ParseOrder reads a 受注詳細 answer (one order, no wrapper).
func ParseOrder(b []byte) (marketplace.Order, error) {
	if err := strictObject(b, &struct{}{}); err != nil {
		return marketplace.Order{}, malformed(OpOrderDetail, err)
	}
	o, err := parseOrder(b)
	if err != nil {
		return marketplace.Order{}, malformed(OpOrderDetail, err)
	}
	return o, nil
}

// strictObject decodes a JSON object and refuses trailing data, so a
// truncated or doubled body is Malformed, never half-read.
func strictObject(b []byte, v any) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return errors.New("not a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data")
	}
	return nil
}

func parseOrder(raw []byte) (marketplace.Order, error) {
	var w WireOrder
	if err := json.Unmarshal(raw, &w); err != nil {
		return marketplace.Order{}, err
	}
	if w.OrderNo == "" {
		return marketplace.Order{}, errors.New("order without orderNo")
	}
	at, err := ParseTime(w.Date)
	if err != nil {
		return marketplace.Order{}, fmt.Errorf("order %s date: %w", w.OrderNo, err)
	}
	o := marketplace.Order{
		Marketplace:       marketplace.Futureshop,
		Number:            w.OrderNo,
		OrderedAt:         at,
		Status:            w.Status,
		StatusName:        StatusNames[w.Status],
		Cancelled:         w.Status == StatusCancelled,
		PaymentMethodCode: w.PaymentType,
		PaymentMethodName: PaymentNames[w.PaymentType],
		// 入金日 is empty until the money arrives [V3]; the detail form
		// also says RECEIVED [I].
		Paid:     w.ReceiptDate != "" || w.PaymentStatus == PaymentStatusReceived,
		Buyer:    buyer(w.BuyerInfo),
		Remarks:  w.Communication,
		Currency: "JPY",
		Totals: marketplace.Totals{
			Goods: w.ProductTotal, Tax: w.TaxTotal, Shipping: w.Postage + w.CoolDeliveryChargeTotal,
			PaymentCharge: w.PaymentChargeTotal, Discount: w.DiscountTotal, PointsUsed: w.UsedPointPrice,
			Total: w.GrandTotal, Billed: w.TotalCost, Fixed: true,
		},
		RawPayload: append([]byte(nil), raw...),
	}
	if o.PaymentMethodName == "" {
		o.PaymentMethodName = w.PaymentType
	}
	if w.PaymentType == PaymentCOD {
		o.Totals.CODFee = w.PaymentChargeTotal
	}
	if w.DateLastUpdated != "" {
		if t, err := ParseTime(w.DateLastUpdated); err == nil {
			o.UpdatedAt = t
		}
	}
	if o.Totals.Billed == 0 {
		o.Totals.Billed = w.GrandTotal
	}
	for _, s := range w.ShipmentList {
		if o.Recipient.Name == "" {
			// Renkei's ship order has one destination: the first shipment
			// gives the recipient and delivery; other shipments' lines are
			// kept with their DestinationID so a push can address them.
			o.Recipient = recipient(s.AddressInfo)
			o.DeliveryMethodName = s.ShippingInfo.DeliveryServiceName
			o.RequestedDate = s.ShippingInfo.PreferredDeliveryDate
			o.TimeSlot = s.ShippingInfo.PreferredDeliveryTime
			o.TimeSlotName = s.ShippingInfo.PreferredDeliveryTime
		}
		for _, p := range s.ProductList {
			if p.Count < 0 {
				return marketplace.Order{}, fmt.Errorf("order %s sku %s: count %d", w.OrderNo, p.SkuNo, p.Count)
			}
			rate := 0.10
			if p.TaxRateCode == TaxRateReduced {
				rate = 0.08
			}
			o.Lines = append(o.Lines, marketplace.OrderLine{
				LineID:        strconv.Itoa(s.ShipmentNo) + "-" + p.SkuNo,
				DestinationID: strconv.Itoa(s.ShipmentNo),
				ItemCode:      p.ProductNo,
				SKU:           p.SkuNo,
				Name:          p.Name,
				OptionText:    strings.TrimSpace(p.VerticalVariationName + " " + p.HorizontalVariationName),
				Quantity:      p.Count,
				UnitPrice:     p.Price,
				TaxIncluded:   p.TaxIncluded != TaxExcluded,
				TaxRate:       rate,
				Tax:           p.Tax,
			})
		}
	}
	if o.Recipient.Name == "" {
		o.Recipient = o.Buyer
	}
	return o, nil
}

// ParseTime reads a JST datetime without offset [V3]; a date alone is
// midnight JST.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{DatetimeLayout, "2006-01-02 15:04:05", DateLayout, time.RFC3339} {
		if t, err := time.ParseInLocation(layout, s, marketplace.JST); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("unreadable datetime %q", s)
}

func buyer(b BuyerInfo) marketplace.Party {
	return marketplace.Party{
		Name:           strings.TrimSpace(b.LastName + " " + b.FirstName),
		NameKana:       strings.TrimSpace(b.LastNameKana + " " + b.FirstNameKana),
		FamilyName:     b.LastName,
		GivenName:      b.FirstName,
		FamilyNameKana: b.LastNameKana,
		GivenNameKana:  b.FirstNameKana,
		Company:        b.CompanyName,
		PostalCode:     digits(b.ZipCode),
		Prefecture:     PrefectureName(b.Prefecture),
		City:           b.Address1,
		Address1:       b.Address2,
		Address2:       b.Address3,
		Phone:          b.TelNoMain,
		Email:          b.Mail,
		Country:        "JP",
	}
}

func recipient(a AddressInfo) marketplace.Party {
	return marketplace.Party{
		Name:           strings.TrimSpace(a.LastName + " " + a.FirstName),
		NameKana:       strings.TrimSpace(a.LastNameKana + " " + a.FirstNameKana),
		FamilyName:     a.LastName,
		GivenName:      a.FirstName,
		FamilyNameKana: a.LastNameKana,
		GivenNameKana:  a.FirstNameKana,
		Company:        a.CompanyName,
		PostalCode:     digits(a.PostalCode),
		Prefecture:     PrefectureName(a.Prefecture),
		City:           a.Address1,
		Address1:       a.Address2,
		Address2:       a.Address3,
		Phone:          a.PhoneNo,
		Country:        "JP",
	}
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func itoa(n int) string { return strconv.Itoa(n) }
