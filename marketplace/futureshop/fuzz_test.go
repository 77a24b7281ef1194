package futureshop_test

import (
	"testing"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/futureshop"
)

// FuzzParseSearch: any body either parses into orders with a number and a
// date, or fails as Malformed; it never panics.
func FuzzParseSearch(f *testing.F) {
	f.Add([]byte(`{"orderList":[],"nextUrl":""}`))
	f.Add([]byte(`{"orderList":[{"orderNo":"100000001190","type":"REGULAR","date":"2021-07-05T10:11:12","status":"AWAITING_PAYMENT",` +
		`"grandTotal":3300,"paymentType":"COD","receiptDate":"","buyerInfo":{"lastName":"山田","firstName":"太郎","zipCode":"100-0005","prefecture":"TOKYO"},` +
		`"shipmentList":[{"shipmentNo":1,"addressInfo":{"lastName":"佐藤","prefecture":"OSAKA","postalCode":"530-0001"},` +
		`"shippingInfo":{"deliveryServiceName":"宅配便"},"productList":[{"skuNo":"SKU-001-1","name":"タオル","price":1650,"count":2,"taxRateCode":"REDUCED"}]}]}],` +
		`"nextUrl":"https://api.example/admin-api/v1/shipping?cursor=abc"}`))
	f.Add([]byte(`{"orderList":[{"orderNo":"1","date":"2021-07-05"}]}`))
	f.Add([]byte(`{"orderList":[{"orderNo":"1000`))
	f.Add([]byte(`{"errors":[{"code":"TooManyRequests"}]}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		page, err := futureshop.ParseSearch(b)
		if err != nil {
			if marketplace.KindOf(err) != marketplace.Malformed {
				t.Fatalf("error of kind %s: %v", marketplace.KindOf(err), err)
			}
			return
		}
		for _, o := range page.Orders {
			if o.Number == "" || o.OrderedAt.IsZero() {
				t.Fatalf("order without number or date: %+v", o)
			}
			for _, l := range o.Lines {
				if l.Quantity < 0 {
					t.Fatalf("negative quantity: %+v", l)
				}
			}
		}
	})
}

func TestParseOrderFields(t *testing.T) {
	body := []byte(`{"orderNo":"100000020732","date":"2026-01-25T09:30:00","status":"CANCELLED","paymentType":"BANK_TRANSFER",
		"paymentStatus":"RECEIVED","receiptDate":"2026-01-25T10:00:00","grandTotal":5000,"totalCost":4800,"usedPointPrice":200,"postage":660,
		"communication":"置き配希望","buyerInfo":{"lastName":"山田","firstName":"花子","zipCode":"100-0005","prefecture":"HOKKAIDO","address1":"札幌市","address2":"北一条西1-1"},
		"shipmentList":[{"shipmentNo":2,"addressInfo":{"lastName":"佐藤","firstName":"誠","postalCode":"900-0006","prefecture":"OKINAWA","address1":"那覇市"},
		"shippingInfo":{"deliveryServiceName":"クール便","preferredDeliveryDate":"2026-01-28","preferredDeliveryTime":"午前中"},
		"productList":[{"skuNo":"S1","productNo":"P1","name":"梅干し","verticalVariationName":"1kg","price":3980,"count":1,"taxRateCode":"REDUCED","taxIncluded":"TAX_INCLUDED","tax":294}]}]}`)
	o, err := futureshop.ParseOrder(body)
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2026, 1, 25, 9, 30, 0, 0, marketplace.JST)
	switch {
	case !o.OrderedAt.Equal(want):
		t.Errorf("OrderedAt %s", o.OrderedAt)
	case !o.Cancelled || !o.Paid || o.PaymentMethodName != "銀行振込":
		t.Errorf("cancelled %v paid %v payment %q", o.Cancelled, o.Paid, o.PaymentMethodName)
	case o.Buyer.Prefecture != "北海道" || o.Buyer.PostalCode != "1000005" || o.Recipient.Prefecture != "沖縄県" || o.Recipient.Name != "佐藤 誠":
		t.Errorf("parties %+v / %+v", o.Buyer, o.Recipient)
	case o.DeliveryMethodName != "クール便" || o.RequestedDate != "2026-01-28" || o.TimeSlotName != "午前中" || o.Remarks != "置き配希望":
		t.Errorf("delivery %q %q %q %q", o.DeliveryMethodName, o.RequestedDate, o.TimeSlotName, o.Remarks)
	case len(o.Lines) != 1 || o.Lines[0].TaxRate != 0.08 || o.Lines[0].DestinationID != "2" || o.Lines[0].ItemCode != "P1" || o.Lines[0].OptionText != "1kg":
		t.Errorf("lines %+v", o.Lines)
	case o.Totals.Billed != 4800 || o.Totals.PointsUsed != 200:
		t.Errorf("totals %+v", o.Totals)
	}
	for _, bad := range []string{``, `[]`, `{"orderNo":""}`, `{"orderNo":"1","date":"yesterday"}`, `{"orderNo":"1","date":"2026-01-01"} {}`} {
		if _, err := futureshop.ParseOrder([]byte(bad)); marketplace.KindOf(err) != marketplace.Malformed {
			t.Errorf("ParseOrder(%q) = %v, want Malformed", bad, err)
		}
	}
	for _, bad := range []string{`{}`, `{"nextUrl":"x"}`, `{"orderList":[{"orderNo":"1","date":"2026-01-01","shipmentList":[{"productList":[{"count":-1}]}]}]}`} {
		if _, err := futureshop.ParseSearch([]byte(bad)); marketplace.KindOf(err) != marketplace.Malformed {
			t.Errorf("ParseSearch(%q) = %v, want Malformed", bad, err)
		}
	}
	if _, err := futureshop.ParseToken([]byte(`{"access_token":"a","token_type":"Bearer","expires_in":0}`)); marketplace.KindOf(err) != marketplace.Malformed {
		t.Errorf("token with no lifetime: %v", err)
	}
}
