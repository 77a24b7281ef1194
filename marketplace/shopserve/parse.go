package shopserve

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
)

func malformed(op string, err error) *marketplace.Error {
	return &marketplace.Error{Kind: marketplace.Malformed, Marketplace: marketplace.Shopserve, Operation: op, Message: "unexpected response shape", Err: err}
}

// classify maps an answer to nil or a typed error. A 2xx that is not a JSON
// object is Malformed here, so the API log records the failure.
func classify(op string, status int, _ http.Header, body []byte) *marketplace.Error {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) > 0 && trimmed[0] == '<' && bytes.Contains(body, []byte("メンテナンス")) {
		// E-Store serves a maintenance page while closed [V3]; whatever its
		// status, an HTML page saying so is maintenance [I].
		return &marketplace.Error{Kind: marketplace.Maintenance, Marketplace: marketplace.Shopserve, Operation: op, HTTPStatus: status,
			Code: CodeMaintenance, Message: MaintenanceMessage}
	}
	if status >= 200 && status < 300 {
		if len(trimmed) == 0 || trimmed[0] != '{' || !json.Valid(trimmed) {
			return malformed(op, fmt.Errorf("HTTP %d body is not a JSON object", status))
		}
		return nil
	}
	var env ErrorResponse
	isJSON := json.Unmarshal(trimmed, &env) == nil
	var first ErrorItem
	if len(env.Errors) > 0 {
		first = env.Errors[0]
	}
	e := &marketplace.Error{Marketplace: marketplace.Shopserve, Operation: op, HTTPStatus: status, Code: first.Code, Message: first.Message, Field: first.Field}
	switch {
	case first.Code == CodeMaintenance || (status == http.StatusServiceUnavailable && !isJSON):
		// During maintenance E-Store serves its maintenance page; an HTML
		// 503 is taken as the same thing [I].
		e.Kind = marketplace.Maintenance
		e.Code = CodeMaintenance
		e.Message = MaintenanceMessage
	case status == http.StatusUnauthorized:
		e.Kind = marketplace.AuthFailed
	case status == http.StatusForbidden:
		e.Kind = marketplace.FunctionNotEnabled
	case status == http.StatusTooManyRequests:
		e.Kind = marketplace.Throttled
	case status >= 500:
		e.Kind = marketplace.Remote
	default:
		e.Kind = marketplace.InvalidRequest
	}
	return e
}

// Page is one decoded page of V2-M-0024.
type Page struct {
	Total  int
	Orders []marketplace.Order
}

// ParseRetrieve decodes one page of V2-M-0024 into normalised orders,
// keeping each order's JSON as its raw payload, and the total hit count.
func ParseRetrieve(body []byte) (Page, error) {
	var env struct {
		TotalCount *int              `json:"total_count"`
		Orders     []json.RawMessage `json:"orders"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return Page{}, malformed(OpOrderRetrieve, err)
	}
	if env.TotalCount == nil || *env.TotalCount < 0 {
		return Page{}, malformed(OpOrderRetrieve, fmt.Errorf("no total_count"))
	}
	out := Page{Total: *env.TotalCount, Orders: make([]marketplace.Order, 0, len(env.Orders))}
	for i, raw := range env.Orders {
		var o OrderJSON
		if err := json.Unmarshal(raw, &o); err != nil {
			return Page{}, malformed(OpOrderRetrieve, fmt.Errorf("order %d: %w", i, err))
		}
		n, err := normalize(o)
		if err != nil {
			return Page{}, malformed(OpOrderRetrieve, fmt.Errorf("order %d: %w", i, err))
		}
		n.RawPayload = append([]byte(nil), raw...)
		out.Orders = append(out.Orders, n)
	}
	return out, nil
}

func normalize(o OrderJSON) (marketplace.Order, error) {
	if strings.TrimSpace(o.SerialCode) == "" {
		return marketplace.Order{}, fmt.Errorf("no serial_code")
	}
	at, err := ParseTime(o.OrderedAt)
	if err != nil {
		return marketplace.Order{}, fmt.Errorf("ordered_at: %w", err)
	}
	out := marketplace.Order{
		Marketplace:       marketplace.Shopserve,
		Number:            o.SerialCode, // the unique key; 注文番号 may repeat [V3]
		OrderedAt:         at,
		Status:            o.OrderStatus,
		StatusName:        OrderStatusName(o.OrderStatus),
		Cancelled:         o.OrderStatus == OrderCancelled,
		PaymentMethodCode: o.Payment.MethodCode,
		PaymentMethodName: o.Basic.PaymentMethodName,
		Paid:              o.PaymentStatus == PaymentPaid,
		CreditApproved:    o.Payment.MethodCode == PayDeferred && o.Payment.CreditStatus == CreditApproved,
		Buyer:             party(o.Orderer),
		Remarks:           o.Basic.Note,
		// Only orders the shop gave a provisional 問い合わせ番号 are
		// imported (seed); the importer lists the others as waiting.
		TrackingNoMissing: !hasSlip(o),
		Currency:          "JPY",
		Totals: marketplace.Totals{
			Goods: o.Basic.ItemTotal, Tax: o.Basic.Tax, Shipping: o.Basic.Postage, CODFee: o.Basic.CODFee,
			Discount: o.Basic.Discount, PointsUsed: o.Basic.PointUsed, Total: o.Basic.TotalPrice,
			Billed: o.Basic.TotalPrice - o.Basic.PointUsed, Fixed: true,
		},
	}
	if o.UpdatedAt != "" {
		if u, err := ParseTime(o.UpdatedAt); err == nil {
			out.UpdatedAt = u
		}
	}
	for di, d := range o.Deliveries {
		if di == 0 {
			out.Recipient = party(d.PersonJSON)
			out.DeliveryMethodName = d.DeliveryMethodName
			out.RequestedDate = d.DesiredDate
			out.TimeSlot = d.DesiredTime
			out.TimeSlotName = d.DesiredTime
		}
		dest := strconv.Itoa(d.DeliveryNo)
		for li, it := range d.Items {
			if it.Quantity < 0 {
				return marketplace.Order{}, fmt.Errorf("delivery %d item %d: negative quantity", d.DeliveryNo, li+1)
			}
			out.Lines = append(out.Lines, marketplace.OrderLine{
				LineID:        fmt.Sprintf("%d-%d", d.DeliveryNo, li+1),
				DestinationID: dest,
				ItemCode:      it.ItemCode,
				OptionCode:    it.OptionCode,
				SKU:           it.OriginalCode,
				Name:          it.Name,
				OptionText:    it.OptionText,
				Quantity:      it.Quantity,
				UnitPrice:     it.UnitPrice,
				TaxIncluded:   true,
				TaxRate:       it.TaxRate / 100,
			})
		}
	}
	if len(o.Deliveries) == 0 {
		out.Recipient = out.Buyer
	}
	return out, nil
}

func party(p PersonJSON) marketplace.Party {
	return marketplace.Party{
		Name:       p.Name,
		NameKana:   p.Kana,
		PostalCode: strings.ReplaceAll(strings.TrimSpace(p.Zip), "-", ""),
		Prefecture: p.Prefecture,
		Address1:   p.Address1,
		Address2:   p.Address2,
		Phone:      p.Tel,
		Email:      p.MailAddress,
		Country:    "JP",
	}
}

func hasSlip(raw OrderJSON) bool {
	if len(raw.Deliveries) == 0 {
		return false
	}
	for _, d := range raw.Deliveries {
		if strings.TrimSpace(d.SlipNumber) == "" {
			return false
		}
	}
	return true
}

// ParseTime reads a timestamp in Japan time in either layout the API uses.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{TimeLayout, CompactLayout, time.RFC3339, DateLayout} {
		if t, err := time.ParseInLocation(layout, s, marketplace.JST); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("unrecognised datetime %q", s)
}

// FormatTime writes t as the API expects: Japan time, to the second.
func FormatTime(t time.Time) string { return t.In(marketplace.JST).Format(TimeLayout) }
