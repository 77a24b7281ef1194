package domain

import "testing"

func TestValidJAN(t *testing.T) {
	cases := map[string]bool{
		"4901234567894": true, "4901234567890": false, "49012345": false, "49123456": true,
		"490123456789": false, "490123456789A": false, "": false,
	}
	for in, want := range cases {
		if got := ValidJAN(in); got != want {
			t.Errorf("ValidJAN(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestProductValidate(t *testing.T) {
	neg := -1
	cases := []struct {
		name   string
		p      Product
		fields []string
	}{
		{"ok", Product{SKU: "A-1", Name: "髙①～"}, nil},
		{"empty", Product{}, []string{LabelSKU, LabelProductName}},
		{"space in sku", Product{SKU: "A 1", Name: "x"}, []string{LabelSKU}},
		{"negative days", Product{SKU: "A", Name: "x", HandlingDays: &neg, LowStockThreshold: &neg}, []string{LabelHandlingDays, LabelLowStock}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			errs := c.p.Validate()
			if len(errs) != len(c.fields) {
				t.Fatalf("errors = %v, want fields %v", errs, c.fields)
			}
			for i, e := range errs {
				if e.Field != c.fields[i] || e.Reason == "" {
					t.Errorf("error %d = %+v, want field %s with a reason", i, e, c.fields[i])
				}
			}
		})
	}
}

func TestRakutenShippingTerm(t *testing.T) {
	for in, ok := range map[string]bool{"0": true, "1": true, "2": true, "9": true, "1416": true, "0812": true, "1614": false, "3": false, "14-16": false, "1825": false} {
		if got := ValidRakutenShippingTerm(in) == nil; got != ok {
			t.Errorf("%q valid = %v, want %v", in, got, ok)
		}
	}
}

func TestPaymentKinds(t *testing.T) {
	for _, k := range PaymentKinds {
		back, ok := PaymentKindFromLabel(k.Label())
		if !ok || back != k {
			t.Errorf("label %q does not map back to %q", k.Label(), k)
		}
	}
	if !PaymentDeferred.PaidOnCreditApproval() || PaymentPrepaid.PaidOnCreditApproval() {
		t.Error("only 後払い is paid on 与信OK")
	}
}
