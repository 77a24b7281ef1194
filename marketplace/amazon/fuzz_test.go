package amazon

import (
	"errors"
	"testing"
)

// FuzzParseOrders feeds arbitrary bodies to the searchOrders and getOrder
// parsers and the normaliser: they may reject a body, but only with a
// *BodyError, and never panic. Seeds are the official models' examples.
func FuzzParseOrders(f *testing.F) {
	m := loadModel(f, "orders_2026-01-01.json")
	for _, op := range []string{"searchOrders", "getOrder"} {
		exs, err := m.Examples(op, "200")
		if err != nil {
			f.Fatal(err)
		}
		for _, ex := range exs {
			f.Add([]byte(ex.Body))
		}
	}
	f.Add([]byte(`{"orders":[{"orderId":"250-1","createdTime":"2026-01-01T00:00:00Z","lastUpdatedTime":"2026-01-01T00:00:00Z","salesChannel":{"channelName":"AMAZON"},"orderItems":[{"orderItemId":"1","quantityOrdered":1,"product":{"price":{"unitPrice":{"amount":"1e9","currencyCode":"JPY"}}}}]}]}`))
	f.Add([]byte(`{"order":null}`))
	f.Add([]byte(`{"orders":[`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var be *BodyError
		if r, err := ParseSearchOrders(body); err != nil {
			if !errors.As(err, &be) {
				t.Fatalf("searchOrders: untyped error %T %v", err, err)
			}
		} else {
			for i := range r.Orders {
				if _, err := Normalize(&r.Orders[i]); err != nil && !errors.As(err, &be) {
					t.Fatalf("normalise: untyped error %v", err)
				}
			}
		}
		if o, err := ParseGetOrder(body); err != nil {
			if !errors.As(err, &be) {
				t.Fatalf("getOrder: untyped error %T %v", err, err)
			}
		} else if _, err := Normalize(o); err != nil && !errors.As(err, &be) {
			t.Fatalf("normalise: untyped error %v", err)
		}
	})
}

func TestMinorUnits(t *testing.T) {
	cases := []struct {
		in   Money
		want int64
		ok   bool
	}{
		{Money{"5980", "JPY"}, 5980, true},
		{Money{"5980.00", "JPY"}, 5980, true},
		{Money{"5980.5", "JPY"}, 5981, true},
		{Money{"12.34", "AUD"}, 1234, true},
		{Money{"12.345", "SGD"}, 1235, true},
		{Money{"-100", "JPY"}, -100, true},
		{Money{"7", "SGD"}, 700, true},
		{Money{"1e3", "JPY"}, 0, false},
		{Money{"", "JPY"}, 0, false},
		{Money{"12,000", "JPY"}, 0, false},
	}
	for _, c := range cases {
		got, err := minorUnits(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("minorUnits(%v) = %d, %v; want %d ok=%v", c.in, got, err, c.want, c.ok)
		}
	}
}

func TestMalformedBodiesAreRejected(t *testing.T) {
	bodies := map[string]string{
		"truncated":          `{"orders":[{"orderId":"250-`,
		"not json":           `<html>502 Bad Gateway</html>`,
		"orders missing":     `{"pagination":{}}`,
		"orderId missing":    `{"orders":[{"createdTime":"2026-01-01T00:00:00Z","lastUpdatedTime":"2026-01-01T00:00:00Z","salesChannel":{"channelName":"AMAZON"},"orderItems":[]}]}`,
		"bad createdTime":    `{"orders":[{"orderId":"1","createdTime":"2026/01/01","lastUpdatedTime":"2026-01-01T00:00:00Z","salesChannel":{"channelName":"AMAZON"},"orderItems":[]}]}`,
		"quantity as string": `{"orders":[{"orderId":"1","createdTime":"2026-01-01T00:00:00Z","lastUpdatedTime":"2026-01-01T00:00:00Z","salesChannel":{"channelName":"AMAZON"},"orderItems":[{"orderItemId":"1","quantityOrdered":"2","product":{}}]}]}`,
	}
	for name, b := range bodies {
		_, err := ParseSearchOrders([]byte(b))
		var be *BodyError
		if !errors.As(err, &be) {
			t.Errorf("%s: want *BodyError, got %v", name, err)
		}
	}
	if _, err := ParseGetOrder([]byte(`{"order":{"orderId":"1"}}`)); err == nil {
		t.Error("getOrder without createdTime accepted")
	}
}
