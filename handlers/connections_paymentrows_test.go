package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/handlers/handlertest"
)

// submitted is what a browser sends for the fields inside form as
// rendered: inputs with their values, checked boxes, and each select's
// selected option (its first option when none is marked).
func submitted(form *goquery.Selection) url.Values {
	out := url.Values{}
	form.Find("input[name]").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		switch typ, _ := s.Attr("type"); typ {
		case "checkbox", "radio":
			if _, on := s.Attr("checked"); on {
				out.Add(name, s.AttrOr("value", "on"))
			}
		default:
			out.Add(name, s.AttrOr("value", ""))
		}
	})
	form.Find("select[name]").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		opt := s.Find("option[selected]").First()
		if opt.Length() == 0 {
			opt = s.Find("option").First()
		}
		out.Add(name, opt.AttrOr("value", ""))
	})
	return out
}

// paymentRows reads the 連携対象支払方法ステータス table of a form page as
// "method=status" per row, the method empty on a blank row.
func paymentRows(t *testing.T, res *handlertest.Response) []string {
	t.Helper()
	var rows []string
	res.Doc.Find("#payment-statuses tbody tr").Each(func(_ int, tr *goquery.Selection) {
		v := submitted(tr)
		rows = append(rows, v.Get("pay_method")+"="+v.Get("pay_status"))
	})
	return rows
}

// Saving the edit form as rendered, again and again, stores the same rows
// and offers the same two blank rows; a row filled in is added once, and a
// form sent back by validation keeps the rows typed plus two blank ones.
func TestConnectionPaymentRowsStableOverSaves(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	sf := createShipFrom(t, app, "本社倉庫")
	id := createdID(t, app.PostForm(t, app.Admin, "/settings/connections", rakutenForm(sf, "https://api.rms.rakuten.co.jp", "SPsecret", "SLkey")))
	n, _ := strconv.ParseInt(id, 10, 64)
	rule := func(method string, status int) domain.PaymentStatusRule {
		return domain.PaymentStatusRule{PaymentMethod: method, Status: status}
	}
	blank := "=300" // a blank row: no method, the status select on its first choice for new rows
	steps := []struct {
		name   string
		fill   func(f url.Values) // changes made on the form before saving
		stored []domain.PaymentStatusRule
	}{
		{"saved as rendered", func(url.Values) {}, []domain.PaymentStatusRule{rule("default", 300), rule("2", 100)}},
		{"saved as rendered again", func(url.Values) {}, []domain.PaymentStatusRule{rule("default", 300), rule("2", 100)}},
		{"a blank row filled in", func(f url.Values) {
			f["pay_method"][2], f["pay_status"][2] = "9", "200"
		}, []domain.PaymentStatusRule{rule("default", 300), rule("2", 100), rule("9", 200)}},
		{"saved as rendered after adding", func(url.Values) {}, []domain.PaymentStatusRule{rule("default", 300), rule("2", 100), rule("9", 200)}},
	}
	for _, step := range steps {
		edit := app.Get(t, app.Admin, "/settings/connections/"+id+"/edit")
		edit.WantStatus(t, http.StatusOK)
		form := submitted(edit.Doc.Find("#connection-form"))
		step.fill(form)
		app.PostForm(t, app.Admin, "/settings/connections/"+id, form).WantRedirect(t, "/settings/connections/"+id)
		c, err := app.Store.Connection(context.Background(), appBox(t), n)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(c.PaymentStatuses) != fmt.Sprint(step.stored) {
			t.Fatalf("%s: stored rows %v, want %v", step.name, c.PaymentStatuses, step.stored)
		}
		var want []string
		for _, r := range step.stored {
			want = append(want, fmt.Sprintf("%s=%d", r.PaymentMethod, r.Status))
		}
		want = append(want, blank, blank)
		if got := paymentRows(t, app.Get(t, app.Admin, "/settings/connections/"+id+"/edit")); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("%s: form rows %v, want %v", step.name, got, want)
		}
	}

	// A form refused by validation comes back with the rows typed and two
	// blank ones, however often it is sent back.
	form := submitted(app.Get(t, app.Admin, "/settings/connections/"+id+"/edit").Doc.Find("#connection-form"))
	form.Set(domain.ConnFieldChannelName, "")
	for i := range 2 {
		res := app.PostForm(t, app.Admin, "/settings/connections/"+id, form)
		res.WantStatus(t, http.StatusUnprocessableEntity)
		want := []string{"default=300", "2=100", "9=200", blank, blank}
		if got := paymentRows(t, res); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("re-rendered form %d: rows %v, want %v", i+1, got, want)
		}
		form = submitted(res.Doc.Find("#connection-form"))
	}
}
