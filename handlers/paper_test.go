package handlers_test

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"

	"github.com/renkei-oss/renkei/handlers/handlertest"
	"github.com/renkei-oss/renkei/views/paper/papertest"
)

// paperOrder inserts an 引当済 order of the channel with one line and a
// recipient whose address differs from the buyer's.
func paperOrder(t *testing.T, app *handlertest.App, conn int64, marketplace, no string) int64 {
	t.Helper()
	var id int64
	if err := app.DB.Get(&id, `INSERT INTO ship_orders (connection_id, marketplace, channel_order_no, status, api_status, payment_status, ordered_at,
			buyer, recipient, total_amount)
		VALUES ($1, $2, $3, 'allocated', 'unlinked', 'paid', now(),
			'{"name":"注文 太郎","postal_code":"530-0001","prefecture":"大阪府","address":"大阪市北区梅田1-1"}',
			'{"name":"受取 花子","postal_code":"150-0001","prefecture":"東京都","address":"渋谷区神宮前5-5-5 青山ビル3F"}', 1960)
		RETURNING id`, conn, marketplace, no); err != nil {
		t.Fatal(err)
	}
	if _, err := app.DB.Exec(`INSERT INTO ship_order_lines (ship_order_id, line_no, item_code, sku, name, quantity, unit_price)
		VALUES ($1, 1, 'tea', 'SKU-TEA', '緑茶', 2, 980)`, id); err != nil {
		t.Fatal(err)
	}
	return id
}

func printForm(p string, ids ...int64) url.Values {
	f := url.Values{"paper": {p}}
	for _, id := range ids {
		f.Add("id", strconv.FormatInt(id, 10))
	}
	return f
}

// 納品書 from 出荷リスト: one page per ticked order whose barcode scans to
// its order number; the print is in 履歴 and moves a Shopserve order to
// 印刷済み (a Rakuten one keeps 未連携).
func TestPrintPackingSlipsFromShipOrderList(t *testing.T) {
	app := handlertest.New(t)
	rakuten := testChannel(t, app, "楽天市場 本店")
	var shopserve int64
	if err := app.DB.Get(&shopserve, `INSERT INTO connections (channel_name, marketplace, base_url, ship_from_id)
		SELECT 'ショップサーブ店', 'shopserve', 'http://127.0.0.1', ship_from_id FROM connections WHERE id = $1 RETURNING id`, rakuten); err != nil {
		t.Fatal(err)
	}
	r := paperOrder(t, app, rakuten, "rakuten", "400001-20261207-0000001")
	s := paperOrder(t, app, shopserve, "shopserve", "SS-20261207-7")

	res := app.PostForm(t, app.Operator, "/ship-orders/paper", printForm("packing_slip", r, s))
	res.WantStatus(t, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); ct != "application/pdf" {
		t.Fatalf("Content-Type %q", ct)
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, url.PathEscape("納品書_")) {
		t.Errorf("Content-Disposition %q", cd)
	}
	pdf := papertest.Save(t, []byte(res.Body))
	for page, no := range []string{"400001-20261207-0000001", "SS-20261207-7"} {
		if got := papertest.Barcodes(t, pdf, page+1); len(got) != 1 || got[0] != no {
			t.Errorf("page %d barcodes %q, want [%s]", page+1, got, no)
		}
		text := papertest.Text(t, pdf, page+1)
		if n := strings.Count(text, "東京都渋谷区神宮前5-5-5 青山ビル3F"); n != 1 {
			t.Errorf("page %d: recipient address %d times:\n%s", page+1, n, text)
		}
		if !strings.Contains(text, "楽天市場 本店 倉庫") {
			t.Errorf("page %d: no 発送元 of the connection:\n%s", page+1, text)
		}
	}
	var api map[string]string = map[string]string{}
	rows, err := app.DB.Query(`SELECT marketplace, api_status FROM ship_orders`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var m, a string
		_ = rows.Scan(&m, &a)
		api[m] = a
	}
	rows.Close()
	if api["shopserve"] != "label_printed" || api["rakuten"] != "unlinked" {
		t.Errorf("APIステータス %v", api)
	}
	app.PostForm(t, app.Operator, "/ship-orders/paper", printForm("packing_slip", s)).WantStatus(t, http.StatusOK)
	hist := app.Get(t, app.Operator, "/ship-orders/"+strconv.FormatInt(s, 10)).Text("#ship-order-history")
	for _, want := range []string{"納品書を印刷", "APIステータス: 未連携 → 印刷済み", "納品書を再印刷（2回目）"} {
		if !strings.Contains(hist, want) {
			t.Errorf("履歴 lacks %q: %s", want, hist)
		}
	}
}

// 送り状: a label number is assigned, stored as 問番 (その他) and printed
// as a barcode; a reprint shows the same number. ピッキングリスト sums the SKUs.
func TestPrintOwnLabelsAndPickingList(t *testing.T) {
	app := handlertest.New(t)
	conn := testChannel(t, app, "楽天市場 本店")
	a := paperOrder(t, app, conn, "rakuten", "A-1")
	b := paperOrder(t, app, conn, "rakuten", "A-2")

	var first string
	for range 2 {
		res := app.PostForm(t, app.Operator, "/ship-orders/paper", printForm("own_label", a))
		res.WantStatus(t, http.StatusOK)
		got := papertest.Barcodes(t, papertest.Save(t, []byte(res.Body)), 1)
		if len(got) != 1 || !strings.HasPrefix(got[0], "RK") || (first != "" && got[0] != first) {
			t.Fatalf("label barcodes %q (first print %q)", got, first)
		}
		first = got[0]
	}
	var tracking string
	if err := app.DB.Get(&tracking, `SELECT p.tracking_no FROM ship_order_parcels p JOIN carriers c ON c.id = p.carrier_id
		WHERE p.ship_order_id = $1 AND c.name = 'その他'`, a); err != nil || tracking != first {
		t.Fatalf("parcel %q %v, want %q", tracking, err, first)
	}

	res := app.PostForm(t, app.Operator, "/ship-orders/paper", printForm("picking_list", a, b))
	res.WantStatus(t, http.StatusOK)
	text := papertest.Text(t, papertest.Save(t, []byte(res.Body)), 1)
	if !strings.Contains(text, "対象注文: 2件") || !regexpLine(text, "SKU-TEA", "4") {
		t.Errorf("picking list:\n%s", text)
	}
}

// Nothing ticked: back to 出荷リスト with the reason, no download.
func TestPrintNothingChosen(t *testing.T) {
	app := handlertest.New(t)
	res := app.PostForm(t, app.Operator, "/ship-orders/paper", url.Values{"paper": {"packing_slip"}})
	res.WantRedirect(t, "/ship-orders")
	if msg := app.Get(t, app.Operator, res.Header.Get("Location")).Text("#bulk-result"); msg != "出荷指示を選んでから実行してください。" {
		t.Errorf("message %q", msg)
	}
}

// regexpLine reports whether one line of text has code and ends in qty.
func regexpLine(text, code, qty string) bool {
	for _, l := range strings.Split(text, "\n") {
		f := strings.Fields(l)
		if len(f) > 1 && f[0] == code && f[len(f)-1] == qty {
			return true
		}
	}
	return false
}

// 送り状CSV for B2クラウド: Shift_JIS, one row per order Yamato carries
// (the Sagawa order is left out), our id as お客様管理番号 and the order
// number in 記事; 履歴 says it was exported.
func TestCarrierCSVForB2Cloud(t *testing.T) {
	app := handlertest.New(t)
	conn := testChannel(t, app, "楽天市場 本店")
	y := paperOrder(t, app, conn, "rakuten", "Y-1")
	s := paperOrder(t, app, conn, "rakuten", "S-1")
	if _, err := app.DB.Exec(`UPDATE ship_orders o SET delivery_service_id = d.id, time_slot = '14-16時', delivery_date = '2026-12-10'
		FROM delivery_services d JOIN carriers c ON c.id = d.carrier_id
		WHERE o.id = $1 AND c.name = 'ヤマト運輸' AND d.name = '宅急便'`, y); err != nil {
		t.Fatal(err)
	}
	if _, err := app.DB.Exec(`UPDATE ship_orders o SET delivery_service_id = d.id FROM delivery_services d
		WHERE o.id = $1 AND d.name = '飛脚宅配便'`, s); err != nil {
		t.Fatal(err)
	}
	res := app.PostForm(t, app.Operator, "/ship-orders/paper", printForm("carrier_csv:b2", y, s))
	res.WantStatus(t, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); ct != "text/csv; charset=Shift_JIS" {
		t.Fatalf("Content-Type %q", ct)
	}
	utf, err := japanese.ShiftJIS.NewDecoder().String(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(utf)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || len(rows[1]) != 95 {
		t.Fatalf("rows %d (want header + the Yamato order), %d columns", len(rows), len(rows[len(rows)-1]))
	}
	r := rows[1]
	want := map[int]string{0: strconv.FormatInt(y, 10), 1: "0", 5: "2026/12/10", 6: "1416", 11: "東京都渋谷区神宮前5-5-5 青山ビル3F",
		15: "受取 花子", 24: "楽天市場 本店 倉庫", 27: "緑茶", 32: "Y-1"}
	for i, v := range want {
		if r[i] != v {
			t.Errorf("column %d (%s) = %q, want %q", i+1, rows[0][i], r[i], v)
		}
	}
	hist := app.Get(t, app.Operator, "/ship-orders/"+strconv.FormatInt(y, 10)).Text("#ship-order-history")
	if !strings.Contains(hist, "送り状CSVを出力") {
		t.Errorf("履歴: %s", hist)
	}
}
