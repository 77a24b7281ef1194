package amazon

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
)

// Japanese names of the v2026-01-01 fulfilment statuses, as Seller Central
// JP labels them.
var statusNames = map[string]string{
	StatusPendingAvailability: "予約注文（保留中）",
	StatusPending:             "保留中",
	StatusUnshipped:           "未出荷",
	StatusPartiallyShipped:    "一部発送済み",
	StatusShipped:             "出荷済み",
	StatusCancelled:           "キャンセル",
	StatusUnfulfillable:       "出荷不能",
}

// Payment method names the seed lists as the only ones Amazon discloses
// (amazon-commercerobo: 代引き / コンビニ / その他発払い).
const (
	PaymentCOD   = "代引き"
	PaymentCVS   = "コンビニ"
	PaymentOther = "その他発払い"
)

// PaymentMethodName maps Amazon's paymentMethod string to the seed's name.
// The v2026 model gives CashOnDelivery and ConvenienceStore as examples;
// v0 spelt them COD and CVS, so both are accepted.
func PaymentMethodName(code string) string {
	switch code {
	case "":
		return ""
	case "CashOnDelivery", "COD":
		return PaymentCOD
	case "ConvenienceStore", "CVS":
		return PaymentCVS
	}
	return PaymentOther
}

// Provisional reports whether Amazon withholds buyer, recipient and payment
// for this order because it is still Pending. Such orders are imported with
// the 「Amazon 仮登録」 placeholders (SPEC §4) and filled in by status sync
// once they become Unshipped.
func Provisional(o marketplace.Order) bool {
	return o.Marketplace == marketplace.Amazon &&
		(o.Status == StatusPending || o.Status == StatusPendingAvailability)
}

// BuyerRequestedCancel reports whether any line carries a buyer's
// cancellation request not yet executed (a cue for cancel sync).
func BuyerRequestedCancel(o *Order) bool {
	for _, it := range o.OrderItems {
		if it.Cancellation != nil && it.Cancellation.CancellationRequest != nil &&
			it.Cancellation.CancellationRequest.Requester == "BUYER" {
			return true
		}
	}
	return false
}

// Normalize maps one wire order to the normalised Order. It fails only on
// amounts it cannot read; missing optional parts (a Pending order's buyer)
// stay empty.
func Normalize(o *Order) (marketplace.Order, error) {
	created, err := parseTime(o.CreatedTime)
	if err != nil {
		return marketplace.Order{}, &BodyError{Op: "order " + o.OrderID, Field: "createdTime", Err: err}
	}
	updated, _ := parseTime(o.LastUpdatedTime)
	out := marketplace.Order{
		Marketplace: marketplace.Amazon,
		Number:      o.OrderID,
		OrderedAt:   created,
		UpdatedAt:   updated,
		RawPayload:  o.Raw,
	}
	if o.Fulfillment != nil {
		out.Status = o.Fulfillment.FulfillmentStatus
		out.StatusName = statusNames[out.Status]
	}
	out.Cancelled = out.Status == StatusCancelled
	pending := out.Status == StatusPending || out.Status == StatusPendingAvailability
	// Pending → Unshipped is Amazon's "payment authorised" (SPEC §7).
	out.Paid = !pending && !out.Cancelled && out.Status != ""
	out.Totals.Fixed = !pending

	if o.Payment != nil && len(o.Payment.PaymentExecutions) > 0 {
		out.PaymentMethodCode = o.Payment.PaymentExecutions[0].PaymentMethod
		out.PaymentMethodName = PaymentMethodName(out.PaymentMethodCode)
	}
	if b := o.Buyer; b != nil {
		out.Buyer = marketplace.Party{Name: b.BuyerName, Email: b.BuyerEmail, Company: b.BuyerCompanyName}
	}
	if o.Recipient != nil && o.Recipient.DeliveryAddress != nil {
		a := o.Recipient.DeliveryAddress
		out.Recipient = marketplace.Party{
			Name:       a.Name,
			Company:    a.CompanyName,
			PostalCode: digits(a.PostalCode),
			Prefecture: a.StateOrRegion,
			City:       strings.TrimSpace(a.City + a.DistrictOrCounty + a.Municipality),
			Address1:   a.AddressLine1,
			Address2:   strings.TrimSpace(a.AddressLine2 + " " + a.AddressLine3),
			Phone:      a.Phone,
			Country:    a.CountryCode,
		}
	}

	cur := ""
	if o.Proceeds != nil && o.Proceeds.GrandTotal != nil {
		cur = o.Proceeds.GrandTotal.CurrencyCode
	}
	for i, it := range o.OrderItems {
		line := marketplace.OrderLine{
			LineID:      it.OrderItemID,
			ItemCode:    it.Product.ASIN,
			SKU:         it.Product.SellerSKU,
			Name:        it.Product.Title,
			Quantity:    it.QuantityOrdered,
			TaxIncluded: true, // Amazon JP/AU/SG list prices include consumption tax / GST
		}
		if p := it.Product.Price; p != nil && p.UnitPrice != nil {
			if cur == "" {
				cur = p.UnitPrice.CurrencyCode
			}
			if line.UnitPrice, err = minorUnits(*p.UnitPrice); err != nil {
				return out, &BodyError{Op: "order " + o.OrderID, Field: fmt.Sprintf("orderItems[%d].product.price.unitPrice", i), Err: err}
			}
		}
		if it.Proceeds != nil {
			for _, b := range it.Proceeds.Breakdowns {
				if b.Type != BreakdownTax {
					continue
				}
				v, err := minorUnits(b.Subtotal)
				if err != nil {
					return out, &BodyError{Op: "order " + o.OrderID, Field: fmt.Sprintf("orderItems[%d].proceeds.breakdowns", i), Err: err}
				}
				line.Tax += v
			}
		}
		line.TaxRate = taxRate(line.UnitPrice*int64(line.Quantity), line.Tax)
		if sw := scheduledWindow(it); sw != nil && out.RequestedDate == "" {
			out.RequestedDate, out.TimeSlot, out.TimeSlotName = slot(*sw)
		}
		out.Totals.Goods += line.UnitPrice * int64(line.Quantity)
		out.Lines = append(out.Lines, line)
	}
	out.Currency = cur

	if p := o.Proceeds; p != nil {
		if p.GrandTotal != nil {
			if out.Totals.Total, err = minorUnits(*p.GrandTotal); err != nil {
				return out, &BodyError{Op: "order " + o.OrderID, Field: "proceeds.grandTotal", Err: err}
			}
			out.Totals.Billed = out.Totals.Total
		}
		for _, b := range p.Breakdowns {
			v, err := minorUnits(b.Subtotal)
			if err != nil {
				return out, &BodyError{Op: "order " + o.OrderID, Field: "proceeds.breakdowns", Err: err}
			}
			switch b.Type {
			case BreakdownItem:
				out.Totals.Goods = v
			case BreakdownTax:
				out.Totals.Tax = v
			case BreakdownShipping:
				out.Totals.Shipping = v
			case BreakdownCODFee:
				out.Totals.CODFee = v
			case BreakdownDiscount:
				out.Totals.Discount = abs(v)
			}
		}
	}
	return out, nil
}

func scheduledWindow(it OrderItem) *DateTimeRange {
	if it.Fulfillment == nil || it.Fulfillment.Shipping == nil {
		return nil
	}
	return it.Fulfillment.Shipping.ScheduledDeliveryWindow
}

// slot turns Amazon's scheduled-delivery window into the requested date and
// time slot in Japan time: 08:00–12:00 is 午前中, anything else "HH-HH時".
func slot(w DateTimeRange) (date, code, name string) {
	from, err1 := parseTime(w.EarliestDateTime)
	to, err2 := parseTime(w.LatestDateTime)
	if err1 != nil {
		return "", "", ""
	}
	f := from.In(marketplace.JST)
	date = f.Format(time.DateOnly)
	if err2 != nil {
		return date, "", ""
	}
	t := to.In(marketplace.JST)
	if f.Hour() == 0 && t.Sub(f) >= 23*time.Hour {
		return date, "", "" // whole day: a date without a slot
	}
	code = fmt.Sprintf("%02d%02d", f.Hour(), t.Hour())
	if f.Hour() == 8 && t.Hour() == 12 {
		return date, code, "午前中"
	}
	return date, code, fmt.Sprintf("%d-%d時", f.Hour(), t.Hour())
}

// currencyExponent is the number of minor-unit digits per currency.
func currencyExponent(code string) int {
	switch code {
	case "JPY", "KRW", "":
		return 0
	}
	return 2
}

// minorUnits parses Amazon's decimal string into integer minor units
// (yen, cents), rounding half away from zero beyond the currency's digits.
func minorUnits(m Money) (int64, error) {
	s := strings.TrimSpace(m.Amount)
	if s == "" {
		return 0, fmt.Errorf("empty amount")
	}
	neg := false
	if s[0] == '-' || s[0] == '+' {
		neg = s[0] == '-'
		s = s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || !allDigits(whole) || !allDigits(frac) || len(whole) > 15 {
		return 0, fmt.Errorf("not a decimal amount: %q", m.Amount)
	}
	exp := currencyExponent(m.CurrencyCode)
	for len(frac) < exp+1 {
		frac += "0"
	}
	v, _ := strconv.ParseInt(whole+frac[:exp], 10, 64)
	if frac[exp] >= '5' {
		v++
	}
	if neg {
		v = -v
	}
	return v, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else if r >= '０' && r <= '９' {
			b.WriteRune('0' + r - '０')
		}
	}
	return b.String()
}

// taxRate infers the consumption-tax rate from a tax-included gross and its
// tax: Japan has only 10% and the reduced 8%; anything else is left 0 rather
// than guessed.
func taxRate(gross, tax int64) float64 {
	if tax <= 0 || gross <= tax {
		return 0
	}
	r := float64(tax) / float64(gross-tax)
	for _, known := range []float64{0.10, 0.08} {
		if r > known-0.005 && r < known+0.005 {
			return known
		}
	}
	return 0
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}
