package shopserve_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
	"github.com/renkei-oss/renkei/marketplace/sandbox/shopservesim"
	"github.com/renkei-oss/renkei/marketplace/shopserve"
)

// simPage asks the simulator directly for one page, as a fuzz seed.
func simPage(f *testing.F) []byte {
	sim := shopservesim.New(kit.Env{Clock: kit.NewFrozenClock(start), Seed: 7})
	creds, _ := sim.ShopCreds(shopservesim.DemoStoreID)
	b, _ := json.Marshal(shopserve.RetrieveRequest{Since: shopserve.FormatTime(start.AddDate(0, 0, -3)), Until: shopserve.FormatTime(start), Size: 3})
	req := httptest.NewRequest(http.MethodPost, "/v2"+shopserve.PathOrderRetrieve, bytes.NewReader(b))
	req.Header.Set("Authorization", shopserve.AuthHeader(creds.StoreID, creds.ManagerKey))
	rec := httptest.NewRecorder()
	sim.ServeHTTP(rec, req)
	if rec.Code != 200 {
		f.Fatalf("seed page: %d %s", rec.Code, rec.Body)
	}
	return rec.Body.Bytes()
}

// FuzzParseRetrieve: whatever the API sends, the parser returns orders
// with a serial_code each, or a Malformed error; it never panics.
func FuzzParseRetrieve(f *testing.F) {
	f.Add(simPage(f))
	f.Add([]byte(`{"total_count":1,"orders":[{"serial_code":"20260101000001","ordered_at":"20260101101112","deliveries":[{"delivery_no":1,"items":[{"quantity":1,"tax_rate":8}]}]}]}`))
	f.Add([]byte(`{"total_count":0,"orders":null}`))
	f.Add([]byte(`{"total_count":2,"orders":[null,{"serial_code":""}]}`))
	f.Add([]byte(`{"total_count":1,"orders":[{"serial_code":"x","ordered_at":"bad"}]}`))
	f.Add([]byte(`{"orders":[]}`))
	f.Add([]byte(`{"total_count":3,"orders":[{"serial_code":"2026`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := shopserve.ParseRetrieve(body)
		if err != nil {
			if marketplace.KindOf(err) != marketplace.Malformed {
				t.Fatalf("error of kind %v: %v", marketplace.KindOf(err), err)
			}
			return
		}
		if p.Total < 0 {
			t.Fatalf("page with a negative total %d", p.Total)
		}
		for _, o := range p.Orders {
			if o.Number == "" || o.OrderedAt.IsZero() || o.Marketplace != marketplace.Shopserve {
				t.Fatalf("order without key or date: %+v", o)
			}
			for _, l := range o.Lines {
				if l.Quantity < 0 {
					t.Fatalf("negative quantity: %+v", l)
				}
			}
		}
	})
}
