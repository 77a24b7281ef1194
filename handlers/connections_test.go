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
