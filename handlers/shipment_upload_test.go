package handlers_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/renkei-oss/renkei/handlers/handlertest"
)

// 問番アップロード in Shift_JIS: a file with an unknown order and a bad
// number shows both rows in the preview and offers no 反映; the fixed file
// (UTF-8 with BOM, two parcels for one order) applies, and the order page
// lists both numbers.
func TestTrackingUploadPreviewAndApply(t *testing.T) {
	app := handlertest.New(t)
	conn := testChannel(t, app, "楽天市場 本店")
	id := allocatedOrder(t, app, conn, "400001-20261101-0000001", "SKU-A", 1, "")
	post := func(data []byte) *handlertest.Response {
		t.Helper()
		body, ct := multipartFile(t, "tracking.csv", data, map[string]string{"layout": "own"})
		res := app.PostMultipart(t, app.Operator, "/shipping/tracking-upload", ct, body)
		res.WantStatus(t, http.StatusSeeOther)
		return app.Get(t, app.Operator, res.Header.Get("Location"))
	}
	head := "注文番号,問番,配送会社,出荷日\n"
	bad := post(toSJIS(t, head+"400001-20261101-0000001,1234-5678-9016,ヤマト運輸,2026-12-07\n400001-20261101-9999999,123456789013,ヤマト運輸,2026-12-07\n"))
	errs := bad.Text("#upload-errors tbody")
	for _, want := range []string{"チェックデジットが合いません", "3", "注文番号「400001-20261101-9999999」の出荷指示がありません"} {
		if !strings.Contains(errs, want) {
			t.Fatalf("preview errors lack %q: %q", want, errs)
		}
	}
	if bad.Doc.Find("#apply-upload").Length() != 0 {
		t.Fatal("a file with errors offers 反映")
	}

	good := post([]byte("\ufeff" + head + "400001-20261101-0000001,1234-5678-9013,ヤマト運輸,2026-12-07\n400001-20261101-0000001,111111111112,ヤマト運輸,2026-12-07\n"))
	if n := good.Text("#count-new"); n != "2" {
		t.Fatalf("新規 %q", n)
	}
	action, _ := good.Doc.Find("form:has(#apply-upload)").Attr("action")
	app.PostForm(t, app.Operator, action, nil).WantStatus(t, http.StatusSeeOther)
	ps, err := app.Store.Parcels(context.Background(), id)
	if err != nil || len(ps) != 2 || ps[0].TrackingNo != "123456789013" || ps[1].TrackingNo != "111111111112" {
		t.Fatalf("parcels after 反映: %+v %v", ps, err)
	}
	page := app.Get(t, app.Operator, "/ship-orders/"+strconv.FormatInt(id, 10))
	if d := page.Text("#detail-ship-date"); d != "2026-12-07" {
		t.Fatalf("出荷日 %q", d)
	}
}
