package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/handlers"
	"github.com/renkei-oss/renkei/handlers/handlertest"
	"github.com/renkei-oss/renkei/marketplace/sandbox"
	"github.com/renkei-oss/renkei/marketplace/sandbox/futureshopsim"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
)

func withFutureshopSandbox(sb **sandbox.Server) handlertest.Option {
	return func(d *handlers.Deps) {
		s := sandbox.New(sandbox.Options{RateLimitsOff: true, Simulators: []sandbox.Factory{
			func(env kit.Env) sandbox.Simulator { return futureshopsim.New(env) },
		}})
		*sb = s
		d.Sandbox = s
	}
}

func futureshopForm(shipFrom int64, baseURL, secret string) url.Values {
	return url.Values{
		"marketplace":                      {"futureshop"},
		domain.ConnFieldChannelName:        {"futureshop 本店"},
		domain.ConnFieldBaseURL:            {baseURL},
		domain.ConnFieldShipFrom:           {strconv.FormatInt(shipFrom, 10)},
		domain.FieldFutureshopShopKey:      {futureshopsim.DemoShopKey},
		domain.FieldFutureshopClientID:     {futureshopsim.DemoClientID},
		domain.FieldFutureshopClientSecret: {secret},
	}
}

func TestFutureshopConnectionTestAgainstSandbox(t *testing.T) {
	t.Parallel()
	var sb *sandbox.Server
	app := handlertest.New(t, withFutureshopSandbox(&sb))
	sf := createShipFrom(t, app, "本社倉庫")
	base := app.URL + "/sandbox/futureshop"

	// A wrong secret: the token endpoint's invalid_client, in plain words.
	id := createdID(t, app.PostForm(t, app.Admin, "/settings/connections", futureshopForm(sf, base, "wrong-secret-value-1234")))
	got := pressTest(t, app, id)
	if !strings.HasPrefix(got, "接続に失敗しました（コード: invalid_client）") || !strings.Contains(got, "futureshopの認証に失敗しました") ||
		!strings.Contains(got, "店舗キー・クライアントID・シークレット") {
		t.Errorf("wrong secret = %q", got)
	}

	// The demo secret: success.
	form := futureshopForm(sf, base, futureshopsim.DemoClientSecret)
	form.Del("marketplace")
	app.PostForm(t, app.Admin, "/settings/connections/"+id, form).WantRedirect(t, "/settings/connections/"+id)
	if got = pressTest(t, app, id); !strings.HasPrefix(got, "接続に成功しました") || !strings.Contains(got, "受注検索API") {
		t.Errorf("demo credentials = %q", got)
	}

	// Maintenance: said so, not a credential problem.
	sb.SetFault("futureshop", futureshopsim.DemoShopKey, kit.Fault{Kind: kit.FaultMaintenance, Times: 1})
	if got = pressTest(t, app, id); !strings.Contains(got, "メンテナンス中") {
		t.Errorf("maintenance = %q", got)
	}

	// Every call is logged, with neither the secret nor the token shown.
	logs := app.Get(t, app.Operator, "/api-logs?action=connection_test&connection="+id)
	logs.WantStatus(t, http.StatusOK)
	rows := logs.Doc.Find(".api-log-row")
	if rows.Length() < 3 || !strings.Contains(rows.Text(), "invalid_client") {
		t.Errorf("API log rows = %d: %q", rows.Length(), rows.Text())
	}
	href, _ := rows.Find("a").First().Attr("href")
	detail := app.Get(t, app.Operator, href)
	detail.WantStatus(t, http.StatusOK)
	if strings.Contains(detail.Body, futureshopsim.DemoClientSecret) || strings.Contains(detail.Body, "wrong-secret-value-1234") {
		t.Error("the API log detail shows a secret")
	}
}
