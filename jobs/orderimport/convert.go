package orderimport

import (
	"strings"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/marketplace"
)

// incoming reduces the marketplace layer's normalised order to what the
// conversion robot reads.
func incoming(o marketplace.Order) domain.IncomingOrder {
	in := domain.IncomingOrder{
		Marketplace:    domain.Marketplace(o.Marketplace),
		OrderNo:        o.Number,
		Status:         o.Status,
		Cancelled:      o.Cancelled,
		OrderedAt:      o.OrderedAt,
		PaymentCode:    o.PaymentMethodCode,
		PaymentName:    o.PaymentMethodName,
		Paid:           o.Paid,
		CreditApproved: o.CreditApproved,
		Buyer:          party(o.Buyer),
		Recipient:      party(o.Recipient),
		DeliveryName:   o.DeliveryMethodName,
		DeliveryDate:   o.RequestedDate,
		TimeSlot:       firstNonEmpty(o.TimeSlotName, o.TimeSlot),
		Currency:       o.Currency,
		Total:          o.Totals.Billed,
		// TrackingNoMissing: the order waits for the shop (domain.ClassifyShopserve).
		TrackingNoMissing: o.TrackingNoMissing,
	}
	if in.Total == 0 {
		in.Total = o.Totals.Total
	}
	for _, l := range o.Lines {
		name := l.Name
		if l.OptionText != "" {
			name += " " + l.OptionText
		}
		in.Lines = append(in.Lines, domain.IncomingLine{
			ItemCode: l.ItemCode, OptionCode: l.OptionCode, SKU: l.SKU,
			Name: name, Quantity: l.Quantity, UnitPrice: l.UnitPrice,
		})
	}
	return in
}

func party(p marketplace.Party) domain.Party {
	name := p.Name
	if name == "" {
		name = strings.TrimSpace(p.FamilyName + " " + p.GivenName)
	}
	kana := p.NameKana
	if kana == "" {
		kana = strings.TrimSpace(p.FamilyNameKana + " " + p.GivenNameKana)
	}
	postal := p.PostalCode
	if len(postal) == 7 && !strings.Contains(postal, "-") {
		postal = postal[:3] + "-" + postal[3:]
	}
	addr := strings.TrimSpace(p.City + p.Address1)
	if p.Address2 != "" {
		addr = strings.TrimSpace(addr + " " + p.Address2)
	}
	if p.Company != "" {
		name = strings.TrimSpace(p.Company + " " + name)
	}
	return domain.Party{Name: name, Kana: kana, PostalCode: postal, Prefecture: p.Prefecture, Address: addr, Phone: p.Phone, Email: p.Email}
}

func firstNonEmpty(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}
