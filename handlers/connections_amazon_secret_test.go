package handlers_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/handlers/handlertest"
	"github.com/renkei-oss/renkei/marketplace/sandbox"
	"github.com/renkei-oss/renkei/marketplace/sandbox/amazonsim"
	"github.com/renkei-oss/renkei/views"
)

// jstDates are the Japan dates of now shifted by days, read just before and
// just after an action, so a test run across Japan midnight still matches.
func jstDates(app *handlertest.App, days int, action func()) (before, after string) {
	before = app.Clock.Now().In(views.Tokyo).AddDate(0, 0, days).Format(time.DateOnly)
	action()
	after = app.Clock.Now().In(views.Tokyo).AddDate(0, 0, days).Format(time.DateOnly)
	return before, after
}

func TestAmazonSecretIssueDateSetsExpiry(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	ctx := context.Background()
	sf := createShipFrom(t, app, "本社倉庫")

	// The field and its hint are on the 新規登録 form, blank.
	newForm := app.Get(t, app.Admin, "/settings/connections/new?marketplace=amazon")
	newForm.WantStatus(t, http.StatusOK)
	if v, _ := newForm.Doc.Find(`input[type="date"][name="lwa_secret_issued_on"]`).Attr("value"); v != "" {
		t.Errorf("issue date prefilled with %q", v)
	}
	if got := newForm.Text("#help-lwa_secret_issued_on"); !strings.Contains(got, "180日ごとの更新が必要です") {
		t.Errorf("hint = %q", got)
	}

	// A secret typed with the date left blank: issued today, expires in 180 days.
	var id string
	before, after := jstDates(app, 180, func() {
		id = createdID(t, app.PostForm(t, app.Admin, "/settings/connections", amazonForm(sf, "https://sellingpartnerapi-fe.amazon.com", "Atzr|refresh")))
	})
	n, _ := strconv.ParseInt(id, 10, 64)
	c, err := app.Store.Connection(ctx, appBox(t), n)
	if err != nil {
		t.Fatal(err)
	}
	if c.CredentialExpiresAt == nil {
		t.Fatal("no expiry stored after saving a client secret")
	}
	firstExpiry := *c.CredentialExpiresAt
	if got := domain.FormatJSTDate(firstExpiry); got != before && got != after {
		t.Errorf("expiry = %s, want today+180 (%s)", got, after)
	}
	issued := c.Param(domain.FieldAmazonSecretIssued)
	if got := app.Get(t, app.Admin, "/settings/connections/"+id).Text("#value-lwa_secret_issued_on"); got != issued || issued == "" {
		t.Errorf("detail page shows issue date %q, stored %q", got, issued)
	}

	// Saved again from the edit form as rendered (secret blank, date as
	// stored): expiry unchanged, even a day later.
	app.Clock.Advance(24 * time.Hour)
	edit := app.Get(t, app.Admin, "/settings/connections/"+id+"/edit")
	form := submitted(edit.Doc.Find("#connection-form"))
	if form.Get(domain.FieldAmazonClientSecret) != "" || form.Get(domain.FieldAmazonSecretIssued) != issued {
		t.Fatalf("edit form sends secret %q, date %q", form.Get(domain.FieldAmazonClientSecret), form.Get(domain.FieldAmazonSecretIssued))
	}
	app.PostForm(t, app.Admin, "/settings/connections/"+id, form).WantRedirect(t, "/settings/connections/"+id)
	c, _ = app.Store.Connection(ctx, appBox(t), n)
	if c.CredentialExpiresAt == nil || !c.CredentialExpiresAt.Equal(firstExpiry) || c.Param(domain.FieldAmazonSecretIssued) != issued {
		t.Errorf("after a save without a secret: expiry %v (was %v), date %q", c.CredentialExpiresAt, firstExpiry, c.Param(domain.FieldAmazonSecretIssued))
	}
	if got := app.Get(t, app.Admin, "/").Text(".banner"); got != "" {
		t.Errorf("banner with 179 days left: %q", got)
	}

	// A new secret with the date left as it was: dated today (a day later).
	form.Set(domain.FieldAmazonClientSecret, "amzn1.oa2-cs.v1.rotated")
	before, after = jstDates(app, 180, func() {
		app.PostForm(t, app.Admin, "/settings/connections/"+id, form).WantRedirect(t, "/settings/connections/"+id)
	})
	c, _ = app.Store.Connection(ctx, appBox(t), n)
	if got := domain.FormatJSTDate(*c.CredentialExpiresAt); got != before && got != after {
		t.Errorf("after a new secret: expiry %s, want %s", got, after)
	}
}

func TestAmazonSecretIssueDateValidation(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	sf := createShipFrom(t, app, "本社倉庫")
	tests := []struct {
		name, date, want string
	}{
		{"tomorrow", app.Clock.Now().In(views.Tokyo).AddDate(0, 0, 1).Format(time.DateOnly), "クライアントシークレット発行日に未来の日付は指定できません"},
		{"next year", app.Clock.Now().In(views.Tokyo).AddDate(1, 0, 0).Format(time.DateOnly), "未来の日付"},
		{"not a date", "2026/01/31", "クライアントシークレット発行日は「2026-01-31」の形式"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := amazonForm(sf, "https://sellingpartnerapi-fe.amazon.com", "Atzr|refresh")
			form.Set(domain.FieldAmazonSecretIssued, tt.date)
			res := app.PostForm(t, app.Admin, "/settings/connections", form)
			res.WantStatus(t, http.StatusUnprocessableEntity)
			if got := res.Text("#err-" + domain.FieldAmazonSecretIssued); !strings.Contains(got, tt.want) {
				t.Errorf("message = %q, want %q", got, tt.want)
			}
			if v, _ := res.Doc.Find(`[name="lwa_secret_issued_on"]`).Attr("value"); v != tt.date {
				t.Errorf("typed date not kept: %q", v)
			}
		})
	}
	if conns, err := app.Store.Connections(context.Background()); err != nil || len(conns) != 0 {
		t.Errorf("refused forms saved %d connections (%v)", len(conns), err)
	}
}

func TestAmazonSecretExpiryBanner(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	sf := createShipFrom(t, app, "本社倉庫")
	form := amazonForm(sf, "https://sellingpartnerapi-fe.amazon.com", "Atzr|refresh")
	form.Set(domain.FieldAmazonSecretIssued, app.Clock.Now().In(views.Tokyo).AddDate(0, 0, -170).Format(time.DateOnly))
	createdID(t, app.PostForm(t, app.Admin, "/settings/connections", form))
	// Rakuten's banner beside it keeps its own wording.
	rID := createdID(t, app.PostForm(t, app.Admin, "/settings/connections", rakutenForm(sf, "https://api.rms.rakuten.co.jp", "SPsecret", "SLkey")))
	rn, _ := strconv.ParseInt(rID, 10, 64)
	rExp := app.Clock.Now().AddDate(0, 0, 5)
	if err := app.Store.RecordConnectionTest(context.Background(), rn, app.Clock.Now(), true, "接続に成功しました", &rExp); err != nil {
		t.Fatal(err)
	}

	for _, p := range []string{"/", "/settings/ship-froms", "/api-logs"} {
		var amazon, rakuten string
		app.Get(t, app.Admin, p).Doc.Find(".banner-warning").Each(func(_ int, s *goquery.Selection) {
			switch txt := s.Text(); {
			case strings.Contains(txt, "Amazon JP"):
				amazon = txt
			case strings.Contains(txt, "楽天市場 本店"):
				rakuten = txt
			}
		})
		if !strings.Contains(amazon, "クライアントシークレットは") || !strings.Contains(amazon, "Seller Centralでクライアントシークレットを更新し、API接続設定に入力してください") {
			t.Errorf("%s: Amazon banner %q", p, amazon)
		}
		if !strings.Contains(rakuten, "ライセンスキー") || !strings.Contains(rakuten, "RMSでライセンスキーを再発行") {
			t.Errorf("%s: Rakuten banner %q", p, rakuten)
		}
	}
	app.Clock.Advance(11 * 24 * time.Hour) // past 180 days
	if got := app.Get(t, app.Admin, "/").Text(".banner-error"); !strings.Contains(got, "Amazon JP") || !strings.Contains(got, "切れています") || !strings.Contains(got, "Seller Central") {
		t.Errorf("after expiry: %q", got)
	}
}

func TestAmazonConnectionTestReportsSecretExpiry(t *testing.T) {
	t.Parallel()
	var sb *sandbox.Server
	app := handlertest.New(t, withSandbox(&sb))
	sf := createShipFrom(t, app, "本社倉庫")
	const lifetime = 180
	tests := []struct {
		name     string
		daysAgo  int
		wantDays []int // whole days left: the expiry is a Japan midnight
		wantNear bool
	}{
		{"fresh", 0, []int{lifetime - 1, lifetime}, false},
		{"near", 175, []int{4, 5}, true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			issued := app.Clock.Now().In(views.Tokyo).AddDate(0, 0, -tt.daysAgo).Format(time.DateOnly)
			form := amazonForm(sf, app.URL+"/sandbox/amazon", amazonsim.DemoRefreshToken)
			form.Set(domain.ConnFieldChannelName, "Amazon "+strconv.Itoa(i))
			form.Set(domain.FieldAmazonSecretIssued, issued)
			id := createdID(t, app.PostForm(t, app.Admin, "/settings/connections", form))
			d, _ := time.ParseInLocation(time.DateOnly, issued, views.Tokyo)
			date := d.AddDate(0, 0, lifetime).Format(time.DateOnly)

			got := pressTest(t, app, id)
			if !strings.HasPrefix(got, "接続に成功しました") || !strings.Contains(got, "クライアントシークレットの有効期限: "+date+"（あと") {
				t.Fatalf("Amazon success = %q, want the secret's expiry %s", got, date)
			}
			ok := false
			for _, n := range tt.wantDays {
				ok = ok || strings.Contains(got, "（あと"+strconv.Itoa(n)+"日）")
			}
			if !ok {
				t.Errorf("days left in %q, want one of %v", got, tt.wantDays)
			}
			if near := strings.Contains(got, "Seller Centralでクライアントシークレットを更新"); near != tt.wantNear {
				t.Errorf("near-expiry advice %v in %q, want %v", near, got, tt.wantNear)
			}
			// The test keeps the expiry the issue date gave.
			n, _ := strconv.ParseInt(id, 10, 64)
			c, err := app.Store.Connection(context.Background(), appBox(t), n)
			if err != nil || c.CredentialExpiresAt == nil || domain.FormatJSTDate(*c.CredentialExpiresAt) != date {
				t.Errorf("stored expiry after the test: %v (%v), want %s", c.CredentialExpiresAt, err, date)
			}
		})
	}
}
