package amazon

import (
	"testing"

	"github.com/renkei-oss/renkei/marketplace/amazon/contracttest"
)

func loadModel(t testing.TB, name string) *contracttest.Doc {
	t.Helper()
	d, err := contracttest.Load(name)
	if err != nil {
		t.Fatalf("%v", err)
	}
	return d
}

// The official models embed real payloads; every one must parse, and the
// checker itself must accept them (or it would be checking the wrong thing).
func TestParseOfficialOrderExamples(t *testing.T) {
	m := loadModel(t, "orders_2026-01-01.json")
	cases := []struct {
		op    string
		parse func([]byte) (int, error)
	}{
		{"searchOrders", func(b []byte) (int, error) {
			r, err := ParseSearchOrders(b)
			if err != nil {
				return 0, err
			}
			return len(r.Orders), nil
		}},
		{"getOrder", func(b []byte) (int, error) {
			o, err := ParseGetOrder(b)
			if err != nil {
				return 0, err
			}
			if o.OrderID == "" {
				t.Errorf("getOrder example parsed without an orderId")
			}
			return 1, nil
		}},
	}
	for _, c := range cases {
		exs, err := m.Examples(c.op, "200")
		if err != nil {
			t.Fatal(err)
		}
		if len(exs) < 2 {
			t.Fatalf("%s: expected the model's examples, found %d", c.op, len(exs))
		}
		for _, ex := range exs {
			if err := m.ValidateResponse(c.op, "200", ex.Body); err != nil {
				t.Errorf("%s: checker rejects Amazon's own example: %v", ex.Where, err)
			}
			n, err := c.parse(ex.Body)
			if err != nil {
				t.Errorf("%s: %v", ex.Where, err)
				continue
			}
			if n == 0 {
				t.Errorf("%s: no orders parsed", ex.Where)
			}
		}
		errs, err := m.Examples(c.op, "400")
		if err != nil {
			t.Fatal(err)
		}
		for _, ex := range errs {
			el, ok := ParseErrorList(ex.Body)
			if !ok || el.Errors[0].Code != "InvalidInput" {
				t.Errorf("%s: error body not parsed: %s", ex.Where, ex.Body)
			}
		}
	}
}

// The Japanese sandbox example: check the fields the import relies on.
func TestParseSearchOrdersJapaneseExample(t *testing.T) {
	m := loadModel(t, "orders_2026-01-01.json")
	exs, _ := m.Examples("searchOrders", "200")
	var found bool
	for _, ex := range exs {
		r, err := ParseSearchOrders(ex.Body)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range r.Orders {
			if o.SalesChannel.MarketplaceID != MarketplaceJP {
				continue
			}
			found = true
			if o.OrderID != "250-1234567-8901234" || len(o.OrderItems) != 2 {
				t.Errorf("JP order: got id %s with %d items", o.OrderID, len(o.OrderItems))
			}
			if o.Proceeds.GrandTotal.Amount != "19940" || o.OrderItems[1].Product.Price.UnitPrice.Amount != "6980" {
				t.Errorf("JP amounts not parsed: %+v", o.Proceeds)
			}
			if r.Pagination == nil || r.Pagination.NextToken == "" {
				t.Errorf("nextToken not parsed")
			}
		}
	}
	if !found {
		t.Fatal("the model's Amazon.co.jp example was not found")
	}
}
