package handlers_test

import (
	"strings"
	"testing"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/handlers/handlertest"
)

// Required fields carry `required` and a visible 必須 mark; the forms stay
// novalidate so the server's Japanese messages still show.
func TestRequiredFieldsAreMarked(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	sf := createShipFrom(t, app, "本社倉庫")
	wantRequired := func(t *testing.T, res *handlertest.Response, id string, want bool) {
		t.Helper()
		_, got := res.Doc.Find("#" + id).Attr("required")
		mark := strings.Contains(res.Doc.Find(`label[for="`+id+`"]`).Text(), "必須")
		if got != want || mark != want {
			t.Errorf("#%s: required=%v 必須 mark=%v, want %v", id, got, mark, want)
		}
	}

	res := app.Get(t, app.Admin, "/settings/ship-froms/new")
	for _, id := range []string{"sf-prefecture", "sf-address", "sf-phone"} {
		wantRequired(t, res, id, true)
	}
	if res.Doc.Find("form[novalidate]").Length() == 0 {
		t.Error("発送元 form lost novalidate: the server's messages would be hidden")
	}

	res = app.Get(t, app.Admin, "/settings/connections/new?marketplace=rakuten")
	wantRequired(t, res, "f-"+domain.FieldRakutenServiceSecret, true)
	wantRequired(t, res, "f-"+domain.FieldRakutenLicenseKey, true)

	// Once registered, a blank secret keeps the old one: no longer required.
	id := createdID(t, app.PostForm(t, app.Admin, "/settings/connections", rakutenForm(sf, "https://api.rms.rakuten.co.jp", "SP-secret-1", "SL-license-1")))
	res = app.Get(t, app.Admin, "/settings/connections/"+id+"/edit")
	wantRequired(t, res, "f-"+domain.FieldRakutenServiceSecret, false)
}
