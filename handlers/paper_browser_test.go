package handlers_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/renkei-oss/renkei/handlers/handlertest"
	"github.com/renkei-oss/renkei/views/paper/papertest"
)

// In a real browser: tick an order on 出荷リスト, choose 納品書, download;
// the saved PDF's barcode scans to the order number. Then all matching the
// filter as a ピッキングリスト.
func TestBrowserDownloadsPapersFromShipOrderList(t *testing.T) {
	app := handlertest.New(t)
	conn := testChannel(t, app, "楽天市場 本店")
	a := paperOrder(t, app, conn, "rakuten", "400001-20261207-0000011")
	paperOrder(t, app, conn, "rakuten", "400001-20261207-0000012")

	b := handlertest.OpenBrowser(t)
	b.Login(app, handlertest.OperatorName, handlertest.OperatorPassword)
	b.Navigate(app.URL + "/ship-orders")
	b.WaitVisible("#paper-actions")
	b.Click("#sel-" + strconv.FormatInt(a, 10))
	if _, err := chromedp.Run(b.Ctx, chromedp.SetValue(chromedp.CSS("#paper-kind"), "packing_slip")); err != nil {
		t.Fatal(err)
	}
	pdf := papertest.Save(t, b.Download("#paper-selected"))
	if n := papertest.Pages(t, pdf); n != 1 {
		t.Fatalf("%d pages for one ticked order", n)
	}
	if got := papertest.Barcodes(t, pdf, 1); len(got) != 1 || got[0] != "400001-20261207-0000011" {
		t.Errorf("barcodes %q", got)
	}

	if _, err := chromedp.Run(b.Ctx, chromedp.SetValue(chromedp.CSS("#paper-kind"), "picking_list")); err != nil {
		t.Fatal(err)
	}
	text := papertest.Text(t, papertest.Save(t, b.Download("#paper-all")), 1)
	if !strings.Contains(text, "対象注文: 2件") || !regexpLine(text, "SKU-TEA", "4") {
		t.Errorf("picking list of all matching orders:\n%s", text)
	}
}
