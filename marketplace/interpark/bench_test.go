package interpark_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/interpark"
	"github.com/renkei-oss/renkei/marketplace/sandbox/interparksim"
)

// BenchmarkParseOrderList: decoding and parsing one full page (100 orders)
// of an EUC-KR new-order answer.
func BenchmarkParseOrderList(b *testing.B) {
	e := newEnv(b, 0)
	q := url.Values{interpark.ParamMethod: {interpark.MethodNewOrders}, interpark.ParamShopID: {interparksim.DemoShopID},
		interpark.ParamCompanyNo: {interparksim.DemoCompanyNo}, interpark.ParamContractNo: {interparksim.DemoContractNo},
		interpark.ParamStartDate: {interpark.FormatTime(start.AddDate(0, 0, -14))}, interpark.ParamEndDate: {interpark.FormatTime(start)}}
	resp, err := http.Get(e.srv.URL + interpark.PathOrderAPI + "?" + q.Encode())
	if err != nil {
		b.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		text, err := interpark.DecodeBody(interpark.ContentType, raw)
		if err != nil {
			b.Fatal(err)
		}
		orders, _, err := interpark.ParseOrderList(interpark.MethodNewOrders, text)
		if err != nil || len(orders) != interpark.PageSize {
			b.Fatalf("%d orders: %v", len(orders), err)
		}
	}
}

// BenchmarkImportWeek: a week's import of a busy seller (2,000 orders)
// over real HTTP with rate limits off; reports the calls it takes, which
// at the real 1 request/second is the run's duration in seconds.
func BenchmarkImportWeek(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		e := newEnv(b, 0)
		creds := e.sim.NewShop(interparksim.ShopOptions{Creds: interparksim.Creds{ShopID: "BUSY"}, Orders: 2000, Span: 7 * 24 * time.Hour})
		c := e.client(func(cfg *interpark.Config) {
			cfg.ShopID, cfg.CompanyNo, cfg.ContractNo = creds.ShopID, creds.CompanyNo, creds.ContractNo
		})
		b.StartTimer()
		n := 0
		err := c.SearchOrders(context.Background(), marketplace.OrderQuery{Window: marketplace.Window{From: start.AddDate(0, 0, -7), To: start.Add(time.Second)}},
			func(batch marketplace.OrderBatch) error { n += len(batch.Orders); return nil })
		if err != nil || n < 1900 {
			b.Fatalf("%d orders: %v", n, err)
		}
		b.ReportMetric(float64(len(e.calls.all())), "calls/op")
		b.ReportMetric(float64(n), "orders/op")
	}
}
