package rakuten_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/rakuten"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
	"github.com/renkei-oss/renkei/marketplace/sandbox/rakutensim"
)

// simBody calls the simulator directly and returns its answer, for seeds.
func simBody(t testing.TB, path string, body any) []byte {
	t.Helper()
	sim := rakutensim.New(kit.Env{Clock: kit.NewFrozenClock(start), Seed: 7})
	creds, _ := sim.ShopCreds(rakutensim.DemoShopID)
	b, _ := json.Marshal(body)
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(b))
	req.Header.Set("Authorization", rakuten.AuthHeader(creds.ServiceSecret, creds.LicenseKey))
	rec := httptest.NewRecorder()
	sim.ServeHTTP(rec, req)
	return rec.Body.Bytes()
}

func seedGetOrder(f *testing.F) {
	sim := rakutensim.New(kit.Env{Clock: kit.NewFrozenClock(start), Seed: 7})
	numbers := sim.OrderNumbers(rakutensim.DemoShopID, start.AddDate(0, 0, -30), start)[:3]
	f.Add(simBody(f, rakuten.PathGetOrder, rakuten.GetOrderRequest{OrderNumberList: numbers, Version: 7}))
	f.Add([]byte(`{"MessageModelList":[],"OrderModelList":[{"orderNumber":"1-20260101-1","orderDatetime":"2026-01-01T00:00:00+0900","goodsPrice":-9999,"PackageModelList":[{"ItemModelList":[{"SkuModelList":[]}]}]}]}`))
	f.Add([]byte(`{"OrderModelList":[null,{"orderNumber":""}]}`))
	f.Add([]byte(`{"OrderModelList":[{"orderNumber":"x","orderDatetime":"bad","shippingTerm":99999}]}`))
	f.Add([]byte(`{"orderNumberList":["`))
	f.Add([]byte(``))
}

// FuzzParseGetOrder: whatever RMS sends, the parser returns orders or a
// typed Malformed error, never panics.
func FuzzParseGetOrder(f *testing.F) {
	seedGetOrder(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		orders, _, err := rakuten.ParseGetOrder(body)
		if err != nil {
			if marketplace.KindOf(err) != marketplace.Malformed {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		for _, o := range orders {
			if o.Number == "" {
				t.Fatalf("order without number accepted")
			}
		}
	})
}

// FuzzParseSearchOrder: the same for searchOrder and items.search answers.
func FuzzParseSearchOrder(f *testing.F) {
	f.Add(simBody(f, rakuten.PathSearchOrder, rakuten.SearchOrderRequest{DateType: 1, StartDatetime: "2026-11-01T00:00:00+0900", EndDatetime: "2026-11-20T00:00:00+0900",
		PaginationRequestModel: &rakuten.PaginationRequest{RequestRecordsAmount: 5, RequestPage: 2}}))
	f.Add([]byte(`{"orderNumberList":[],"MessageModelList":[{"messageType":"INFO","messageCode":"ORDER_EXT_API_SEARCH_ORDER_INFO_102"}],"PaginationResponseModel":{"totalRecordsAmount":null,"totalPages":null,"requestPage":null}}`))
	f.Add([]byte(`{"numFound":1,"results":[{"item":{"manageNumber":"a","variants":{"v":{"standardPrice":"x","articleNumber":null}}}}]}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, body []byte) {
		if _, err := rakuten.ParseSearchOrder(body); err != nil && marketplace.KindOf(err) != marketplace.Malformed {
			t.Fatalf("untyped error %v", err)
		}
		if _, err := rakuten.ParseItemsSearch(body, 0); err != nil && marketplace.KindOf(err) != marketplace.Malformed {
			t.Fatalf("untyped error %v", err)
		}
	})
}
