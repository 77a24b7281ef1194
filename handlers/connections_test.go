package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/jmoiron/sqlx"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/secretbox"
	"github.com/renkei-oss/renkei/handlers"
	"github.com/renkei-oss/renkei/handlers/handlertest"
	"github.com/renkei-oss/renkei/marketplace/sandbox"
	"github.com/renkei-oss/renkei/marketplace/sandbox/amazonsim"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
	"github.com/renkei-oss/renkei/marketplace/sandbox/rakutensim"
)

// appBox is the box handlers.New derives from the test secret key.
func appBox(t *testing.T) *secretbox.Box {
	t.Helper()
	b, err := secretbox.New(string(handlertest.SecretKey))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// withSandbox mounts the Rakuten and Amazon simulators in the test app.
func withSandbox(sb **sandbox.Server) handlertest.Option {
	return func(d *handlers.Deps) {
		s := sandbox.New(sandbox.Options{RateLimitsOff: true, Simulators: []sandbox.Factory{
			func(env kit.Env) sandbox.Simulator { return rakutensim.New(env) },
			func(env kit.Env) sandbox.Simulator { return amazonsim.New(env) },
		}})
		*sb = s
		d.Sandbox = s
	}
}

func createShipFrom(t *testing.T, app *handlertest.App, name string) int64 {
	t.Helper()
	sf := domain.ShipFrom{Name: name, PostalCode: "100-0001", Prefecture: "東京都", Address: "千代田区千代田1-1", Phone: "03-1234-5678"}
	if err := app.Store.CreateShipFrom(context.Background(), &sf); err != nil {
		t.Fatal(err)
	}
	return sf.ID
}

func rakutenForm(shipFrom int64, baseURL, secret, license string) url.Values {
	return url.Values{
		"marketplace":                      {"rakuten"},
		domain.ConnFieldChannelName:        {"楽天市場 本店"},
		domain.ConnFieldBaseURL:            {baseURL},
		domain.ConnFieldShipFrom:           {strconv.FormatInt(shipFrom, 10)},
		domain.FieldRakutenServiceSecret:   {secret},
		domain.FieldRakutenLicenseKey:      {license},
		domain.FieldRakutenOrderFetchDays:  {"30"},
		domain.FieldRakutenProductLastDate: {"2026-01-31"},
		domain.FieldRakutenProductStartPos: {"1"},
		"pay_method":                       {"default", "2", ""},
		"pay_status":                       {"300", "100", "300"},
		"enabled":                          {"on"},
		"auto_import":                      {"on"},
	}
}

func amazonForm(shipFrom int64, baseURL, refresh string) url.Values {
	return url.Values{
		"marketplace":                  {"amazon"},
		domain.ConnFieldChannelName:    {"Amazon JP"},
		domain.ConnFieldBaseURL:        {baseURL},
		domain.ConnFieldShipFrom:       {strconv.FormatInt(shipFrom, 10)},
		domain.FieldAmazonMarketplace:  {"JP"},
		domain.FieldAmazonClientID:     {amazonsim.DemoClientID},
		domain.FieldAmazonClientSecret: {amazonsim.DemoClientSecret},
		domain.FieldAmazonRefreshToken: {refresh},
		"enabled":                      {"on"},
	}
}

// createdID reads the connection id from the redirect after 登録.
func createdID(t *testing.T, res *handlertest.Response) string {
	t.Helper()
	res.WantStatus(t, http.StatusSeeOther)
	loc := res.Header.Get("Location")
	id := strings.TrimPrefix(loc, "/settings/connections/")
	if _, err := strconv.Atoi(id); err != nil {
		t.Fatalf("redirect after create to %q", loc)
	}
	return id
}

func TestConnectionValidationShowsMessageBesideFieldAndKeepsInput(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	sf := createShipFrom(t, app, "本社倉庫")
	tests := []struct {
		name  string
		form  func() url.Values
		field string
		want  string
	}{
		{"channel name required", func() url.Values {
			f := rakutenForm(sf, "https://api.rms.rakuten.co.jp", "SPsecret", "SLkey")
			f.Set("channel_name", "")
			return f
		}, "channel_name", "販売チャネル名を入力"},
		{"base url format", func() url.Values { return rakutenForm(sf, "api.rms.rakuten.co.jp", "SPsecret", "SLkey") }, "base_url", "https://"},
		{"ship-from required", func() url.Values {
			f := rakutenForm(sf, "https://x.example", "SPsecret", "SLkey")
			f.Set("ship_from_id", "")
			return f
		}, "ship_from_id", "発送元を選んで"},
		{"ship-from deleted", func() url.Values {
			f := rakutenForm(sf, "https://x.example", "SPsecret", "SLkey")
			f.Set("ship_from_id", "99999")
			return f
		}, "ship_from_id", "削除されています"},
		{"service secret required", func() url.Values { return rakutenForm(sf, "https://x.example", "", "SLkey") }, "service_secret", "サービスシークレットを入力"},
		{"license key required", func() url.Values { return rakutenForm(sf, "https://x.example", "SPsecret", "") }, "license_key", "ライセンスキーを入力"},
		{"fetch days range", func() url.Values {
			f := rakutenForm(sf, "https://x.example", "SPsecret", "SLkey")
			f.Set("order_fetch_days", "65")
			return f
		}, "order_fetch_days", "1〜64"},
		{"product date", func() url.Values {
			f := rakutenForm(sf, "https://x.example", "SPsecret", "SLkey")
			f.Set("product_last_fetch_date", "31/01/2026")
			return f
		}, "product_last_fetch_date", "2026-01-31"},
		{"product start position", func() url.Values {
			f := rakutenForm(sf, "https://x.example", "SPsecret", "SLkey")
			f.Set("product_start_position", "-1")
			return f
		}, "product_start_position", "1〜"},
		{"default payment row", func() url.Values {
			f := rakutenForm(sf, "https://x.example", "SPsecret", "SLkey")
			f["pay_method"] = []string{"2"}
			f["pay_status"] = []string{"300"}
			return f
		}, "payment_statuses", "デフォルト"},
		{"payment status range", func() url.Values {
			f := rakutenForm(sf, "https://x.example", "SPsecret", "SLkey")
			f["pay_status"] = []string{"500", "100", "300"}
			return f
		}, "payment_statuses", "ステータスを一覧から"},
		{"amazon marketplace", func() url.Values {
			f := amazonForm(sf, "https://x.example", "Atzr|x")
			f.Set("amazon_marketplace", "US")
			return f
		}, "amazon_marketplace", "一覧から"},
		{"amazon client id format", func() url.Values {
			f := amazonForm(sf, "https://x.example", "Atzr|x")
			f.Set("lwa_client_id", "client")
			return f
		}, "lwa_client_id", "amzn1.application-oa2-client."},
		{"amazon refresh token format", func() url.Values { return amazonForm(sf, "https://x.example", "refresh") }, "refresh_token", "Atzr|"},
		{"futureshop shop key", func() url.Values {
			return url.Values{"marketplace": {"futureshop"}, "channel_name": {"FS"}, "base_url": {"https://api.admin.future-shop.net"}, "ship_from_id": {strconv.FormatInt(sf, 10)},
				"client_id": {"fs-client.1"}, "client_secret": {"s"}}
		}, "shop_key", "店舗キーを入力"},
		{"futureshop api domain", func() url.Values {
			return url.Values{"marketplace": {"futureshop"}, "channel_name": {"FS"}, "base_url": {""}, "ship_from_id": {strconv.FormatInt(sf, 10)},
				"shop_key": {"k"}, "client_id": {"fs-client.1"}, "client_secret": {"s"}}
		}, "base_url", "URLを入力"},
		{"shopserve manager key", func() url.Values {
			return url.Values{"marketplace": {"shopserve"}, "channel_name": {"SS"}, "base_url": {"https://management.api.shopserve.jp/v2"}, "ship_from_id": {strconv.FormatInt(sf, 10)},
				"store_id": {"example.wc"}, "manager_key": {"not-hex"}}
		}, "manager_key", "40桁"},
		{"interpark company number", func() url.Values {
			return url.Values{"marketplace": {"interpark"}, "channel_name": {"IP"}, "base_url": {"https://joinapi.interpark.com"}, "ship_from_id": {strconv.FormatInt(sf, 10)},
				"shop_id": {"SHOP"}, "company_no": {"ABC"}, "supply_contract_no": {"1"}}
		}, "company_no", "半角数字"},
		{"interpark contract number", func() url.Values {
			return url.Values{"marketplace": {"interpark"}, "channel_name": {"IP"}, "base_url": {"https://joinapi.interpark.com"}, "ship_from_id": {strconv.FormatInt(sf, 10)},
				"shop_id": {"SHOP"}, "company_no": {"3000010614"}, "supply_contract_no": {"0"}}
		}, "supply_contract_no", "1〜9999"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := tt.form()
			res := app.PostForm(t, app.Admin, "/settings/connections", form)
			res.WantStatus(t, http.StatusUnprocessableEntity)
			if got := res.Text("#err-" + tt.field); !strings.Contains(got, tt.want) {
				t.Errorf("message beside %s = %q, want it to contain %q\n%s", tt.field, got, tt.want, res.Text("#connection-form"))
			}
			if res.Text("#form-error") == "" {
				t.Error("no error summary")
			}
			// What was typed comes back.
			if v, _ := res.Doc.Find(`[name="channel_name"]`).Attr("value"); v != form.Get("channel_name") {
				t.Errorf("channel name not kept: %q", v)
			}
		})
	}
	conns, err := app.Store.Connections(context.Background())
	if err != nil || len(conns) != 0 {
		t.Errorf("refused forms saved %d connections (%v)", len(conns), err)
	}

	// A duplicate channel name is refused beside the field.
	createdID(t, app.PostForm(t, app.Admin, "/settings/connections", rakutenForm(sf, "https://api.rms.rakuten.co.jp", "SPsecret", "SLkey")))
	res := app.PostForm(t, app.Admin, "/settings/connections", rakutenForm(sf, "https://api.rms.rakuten.co.jp", "SPsecret", "SLkey"))
	res.WantStatus(t, http.StatusUnprocessableEntity)
	if got := res.Text("#err-channel_name"); !strings.Contains(got, "既に使われています") {
		t.Errorf("duplicate channel name: %q", got)
	}
}

func TestConnectionMaskingAndBlankKeepsSecret(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	sf := createShipFrom(t, app, "本社倉庫")
	const secret, license = "SP-service-secret-WXYZ", "SL-license-key-1234"
	id := createdID(t, app.PostForm(t, app.Admin, "/settings/connections", rakutenForm(sf, "https://api.rms.rakuten.co.jp", secret, license)))

	for _, path := range []string{"/settings/connections/" + id, "/settings/connections/" + id + "/edit"} {
		res := app.Get(t, app.Admin, path)
		res.WantStatus(t, http.StatusOK)
		if strings.Contains(res.Body, secret) || strings.Contains(res.Body, license) {
			t.Errorf("%s shows a secret in full", path)
		}
		if !strings.Contains(res.Body, "••••WXYZ") || !strings.Contains(res.Body, "••••1234") {
			t.Errorf("%s lacks the masked values (last four characters)", path)
		}
	}
	// The operator's read-only view is masked too and offers no changes.
	res := app.Get(t, app.Operator, "/settings/connections/"+id)
	res.WantStatus(t, http.StatusOK)
	if strings.Contains(res.Body, secret) || res.Doc.Find("#edit-connection, .test-button").Length() != 0 {
		t.Error("operator view shows a secret or an admin action")
	}

	// Edit with both secret fields blank: the stored ones stay.
	form := rakutenForm(sf, "https://api.rms.rakuten.co.jp", "", "")
	form.Del("marketplace")
	form.Set("order_fetch_days", "14")
	app.PostForm(t, app.Admin, "/settings/connections/"+id, form).WantRedirect(t, "/settings/connections/"+id)
	n, _ := strconv.ParseInt(id, 10, 64)
	c, err := app.Store.Connection(context.Background(), appBox(t), n)
	if err != nil {
		t.Fatal(err)
	}
	if c.Secret(domain.FieldRakutenServiceSecret) != secret || c.Secret(domain.FieldRakutenLicenseKey) != license || c.Param(domain.FieldRakutenOrderFetchDays) != "14" {
		t.Errorf("after a blank-secret edit: secrets %q/%q days %q", c.Secret(domain.FieldRakutenServiceSecret), c.Secret(domain.FieldRakutenLicenseKey), c.Param(domain.FieldRakutenOrderFetchDays))
	}
	// A typed secret replaces the stored one.
	form.Set(domain.FieldRakutenLicenseKey, "SL-new-license-5678")
	app.PostForm(t, app.Admin, "/settings/connections/"+id, form).WantRedirect(t, "/settings/connections/"+id)
	c, _ = app.Store.Connection(context.Background(), appBox(t), n)
	if c.Secret(domain.FieldRakutenLicenseKey) != "SL-new-license-5678" || c.Secret(domain.FieldRakutenServiceSecret) != secret {
		t.Errorf("after typing a new license key: %q / %q", c.Secret(domain.FieldRakutenLicenseKey), c.Secret(domain.FieldRakutenServiceSecret))
	}
	if len(c.PaymentStatuses) != 2 || c.PaymentStatuses[1] != (domain.PaymentStatusRule{PaymentMethod: "2", Status: 100}) {
		t.Errorf("payment statuses = %+v", c.PaymentStatuses)
	}
}

func TestConnectionsAndShipFromsOperatorForbidden(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	sf := createShipFrom(t, app, "本社倉庫")
	id := createdID(t, app.PostForm(t, app.Admin, "/settings/connections", rakutenForm(sf, "https://api.rms.rakuten.co.jp", "SPsecret", "SLkey")))
	sfID := strconv.FormatInt(sf, 10)
	routes := []struct{ method, path string }{
		{"GET", "/settings/connections/new"},
		{"GET", "/settings/connections/new?marketplace=rakuten"},
		{"POST", "/settings/connections"},
		{"GET", "/settings/connections/base-url?marketplace=rakuten&api_env=production"},
		{"GET", "/settings/connections/" + id + "/edit"},
		{"POST", "/settings/connections/" + id},
		{"POST", "/settings/connections/" + id + "/enable"},
		{"POST", "/settings/connections/" + id + "/disable"},
		{"POST", "/settings/connections/" + id + "/delete"},
		{"POST", "/settings/connections/" + id + "/test"},
		{"GET", "/settings/ship-froms/new"},
		{"POST", "/settings/ship-froms"},
		{"GET", "/settings/ship-froms/" + sfID + "/edit"},
		{"POST", "/settings/ship-froms/" + sfID},
		{"POST", "/settings/ship-froms/" + sfID + "/delete"},
	}
	for _, rt := range routes {
		t.Run(rt.method+" "+rt.path, func(t *testing.T) {
			var res *handlertest.Response
			if rt.method == "GET" {
				res = app.Get(t, app.Operator, rt.path)
			} else {
				res = app.PostForm(t, app.Operator, rt.path, url.Values{"confirm": {"on"}, "channel_name": {"x"}, "name": {"x"}})
			}
			res.WantStatus(t, http.StatusForbidden)
		})
	}
	// Nothing changed, and the read-only pages stay open to operators.
	conns, _ := app.Store.Connections(context.Background())
	sfs, _ := app.Store.ShipFroms(context.Background())
	if len(conns) != 1 || !conns[0].Enabled || conns[0].ChannelName != "楽天市場 本店" || len(sfs) != 1 {
		t.Errorf("operator requests changed data: %+v %+v", conns, sfs)
	}
	for _, p := range []string{"/settings/connections", "/settings/connections/" + id, "/settings/ship-froms", "/api-logs"} {
		res := app.Get(t, app.Operator, p)
		res.WantStatus(t, http.StatusOK)
		if res.Doc.Find(`form[method="post"]:not([action="/logout"]), #new-connection, #new-ship-from`).Length() != 0 {
			t.Errorf("%s offers an admin action to an operator", p)
		}
	}
}

func TestConnectionEnableDisableDelete(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	sf := createShipFrom(t, app, "本社倉庫")
	id := createdID(t, app.PostForm(t, app.Admin, "/settings/connections", rakutenForm(sf, "https://api.rms.rakuten.co.jp", "SPsecret", "SLkey")))
	base := "/settings/connections/" + id
	app.PostForm(t, app.Admin, base+"/disable", nil).WantRedirect(t, base)
	if res := app.Get(t, app.Admin, "/settings/connections"); !strings.Contains(res.Text("#connection-"+id), "無効") {
		t.Errorf("list after disable: %q", res.Text("#connection-"+id))
	}
	app.PostForm(t, app.Admin, base+"/enable", nil).WantRedirect(t, base)
	// Deleting needs the confirmation box; the origin in use cannot go.
	app.PostForm(t, app.Admin, base+"/delete", nil).WantRedirect(t, base)
	sfPath := "/settings/ship-froms/" + strconv.FormatInt(sf, 10)
	app.PostForm(t, app.Admin, sfPath+"/delete", url.Values{"confirm": {"on"}}).WantRedirect(t, sfPath+"/edit")
	if res := app.Get(t, app.Admin, sfPath+"/edit"); !strings.Contains(res.Text(".flash-error"), "楽天市場 本店") {
		t.Errorf("refusal does not name the channel: %q", res.Text(".flash-error"))
	}
	app.PostForm(t, app.Admin, base+"/delete", url.Values{"confirm": {"on"}}).WantRedirect(t, "/settings/connections")
	app.Get(t, app.Admin, base).WantStatus(t, http.StatusNotFound)
	app.PostForm(t, app.Admin, sfPath+"/delete", url.Values{"confirm": {"on"}}).WantRedirect(t, "/settings/ship-froms")
}

func TestShipFromValidationAndEdit(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	valid := url.Values{"name": {"本社倉庫"}, "postal_code": {"１００－０００１"}, "prefecture": {"東京都"}, "address": {"千代田区1-1"}, "phone": {"03-1234-5678"}}
	tests := []struct{ field, value, want string }{
		{"name", "", "発送元名を入力"},
		{"postal_code", "12345", "7桁"},
		{"prefecture", "トーキョー", "一覧から"},
		{"address", "", "住所"},
		{"phone", "1234", "10桁か11桁"},
	}
	for _, tt := range tests {
		form := url.Values{}
		for k, v := range valid {
			form[k] = v
		}
		form.Set(tt.field, tt.value)
		res := app.PostForm(t, app.Admin, "/settings/ship-froms", form)
		res.WantStatus(t, http.StatusUnprocessableEntity)
		if got := res.Text("#err-" + tt.field); !strings.Contains(got, tt.want) {
			t.Errorf("%s=%q: message %q, want %q", tt.field, tt.value, got, tt.want)
		}
		if v, _ := res.Doc.Find(`[name="address"]`).Attr("value"); v != form.Get("address") {
			t.Errorf("%s: address not kept (%q)", tt.field, v)
		}
	}
	app.PostForm(t, app.Admin, "/settings/ship-froms", valid).WantRedirect(t, "/settings/ship-froms")
	res := app.PostForm(t, app.Admin, "/settings/ship-froms", valid)
	if got := res.Text("#err-name"); !strings.Contains(got, "既に登録") {
		t.Errorf("duplicate name: %q", got)
	}
	list := app.Get(t, app.Operator, "/settings/ship-froms")
	if got := list.Text("#ship-froms"); !strings.Contains(got, "〒100-0001") || !strings.Contains(got, "東京都千代田区1-1") {
		t.Errorf("list = %q", got)
	}
}

func TestExpiryBannerFrom14DaysBefore(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	sf := createShipFrom(t, app, "本社倉庫")
	id := createdID(t, app.PostForm(t, app.Admin, "/settings/connections", rakutenForm(sf, "https://api.rms.rakuten.co.jp", "SPsecret", "SLkey")))
	n, _ := strconv.ParseInt(id, 10, 64)
	exp := app.Clock.Now().AddDate(0, 0, 20)
	if err := app.Store.RecordConnectionTest(context.Background(), n, app.Clock.Now(), true, "接続に成功しました", &exp); err != nil {
		t.Fatal(err)
	}
	if got := app.Get(t, app.Admin, "/").Text(".banner"); got != "" {
		t.Errorf("banner 20 days before: %q", got)
	}
	app.Clock.Advance(7 * 24 * time.Hour) // 13 days left
	date := domain.FormatJSTDate(exp)
	for _, p := range []string{"/", "/settings/ship-froms", "/api-logs", "/settings/users"} {
		got := app.Get(t, app.Admin, p).Text(".banner-warning")
		if !strings.Contains(got, "楽天市場 本店") || !strings.Contains(got, date) || !strings.Contains(got, "ライセンスキー") {
			t.Errorf("%s: banner %q, want the channel and %s", p, got, date)
		}
	}
	app.Clock.Advance(14 * 24 * time.Hour)
	if got := app.Get(t, app.Operator, "/").Text(".banner-error"); !strings.Contains(got, "切れています") {
		t.Errorf("after expiry: %q", got)
	}
}

// assertNoPlaintext scans every text-like and bytea column of every table.
func assertNoPlaintext(t *testing.T, db *sqlx.DB, values []string) {
	t.Helper()
	var cols []struct {
		Table string `db:"table_name"`
		Col   string `db:"column_name"`
		Type  string `db:"data_type"`
	}
	if err := db.Select(&cols, `SELECT table_name, column_name, data_type FROM information_schema.columns
		WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'character', 'bytea', 'json', 'jsonb', 'ARRAY')`); err != nil {
		t.Fatal(err)
	}
	scanned := 0
	for _, c := range cols {
		expr := fmt.Sprintf("position($1 in %q::text) > 0", c.Col)
		if c.Type == "bytea" {
			expr = fmt.Sprintf("position(convert_to($1, 'UTF8') in %q) > 0", c.Col)
		}
		for _, v := range values {
			var n int
			if err := db.Get(&n, fmt.Sprintf("SELECT count(*) FROM %q WHERE %s", c.Table, expr), v); err != nil {
				t.Fatal(err)
			}
			if n > 0 {
				t.Errorf("plaintext secret %q found in %s.%s", v, c.Table, c.Col)
			}
		}
		scanned++
	}
	if scanned < 10 {
		t.Fatalf("only %d columns scanned", scanned)
	}
}

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

// jstDates are the Japan dates of now shifted by days, read just before and
// just after an action, so a test run across Japan midnight still matches.
func jstDates(app *handlertest.App, days int, action func()) (before, after string) {
	jst := time.FixedZone("JST", 9*60*60)
	before = app.Clock.Now().In(jst).AddDate(0, 0, days).Format(time.DateOnly)
	action()
	after = app.Clock.Now().In(jst).AddDate(0, 0, days).Format(time.DateOnly)
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
	jst := time.FixedZone("JST", 9*60*60)
	tests := []struct {
		name, date, want string
	}{
		{"tomorrow", app.Clock.Now().In(jst).AddDate(0, 0, 1).Format(time.DateOnly), "クライアントシークレット発行日に未来の日付は指定できません"},
		{"next year", app.Clock.Now().In(jst).AddDate(1, 0, 0).Format(time.DateOnly), "未来の日付"},
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
	jst := time.FixedZone("JST", 9*60*60)
	form := amazonForm(sf, "https://sellingpartnerapi-fe.amazon.com", "Atzr|refresh")
	form.Set(domain.FieldAmazonSecretIssued, app.Clock.Now().In(jst).AddDate(0, 0, -170).Format(time.DateOnly))
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
	jst := time.FixedZone("JST", 9*60*60)
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
			issued := app.Clock.Now().In(jst).AddDate(0, 0, -tt.daysAgo).Format(time.DateOnly)
			form := amazonForm(sf, app.URL+"/sandbox/amazon", amazonsim.DemoRefreshToken)
			form.Set(domain.ConnFieldChannelName, "Amazon "+strconv.Itoa(i))
			form.Set(domain.FieldAmazonSecretIssued, issued)
			id := createdID(t, app.PostForm(t, app.Admin, "/settings/connections", form))
			d, _ := time.ParseInLocation(time.DateOnly, issued, jst)
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
