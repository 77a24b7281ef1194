package handlers_test

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/handlers/handlertest"
	"github.com/renkei-oss/renkei/marketplace/sandbox"
	"github.com/renkei-oss/renkei/marketplace/sandbox/amazonsim"
	"github.com/renkei-oss/renkei/marketplace/sandbox/rakutensim"
)

func rakutenDemo(t *testing.T, sb *sandbox.Server) rakutensim.Creds {
	t.Helper()
	sim, ok := sb.Simulator("rakuten").(*rakutensim.Sim)
	if !ok {
		t.Fatal("sandbox has no Rakuten simulator")
	}
	c, ok := sim.ShopCreds(rakutensim.DemoShopID)
	if !ok {
		t.Fatal("Rakuten simulator has no demo shop")
	}
	return c
}

// pressTest presses 接続テスト as HTMX does and returns the swapped-in text.
func pressTest(t *testing.T, app *handlertest.App, id string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, app.URL+"/settings/connections/"+id+"/test", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("HX-Request", "true")
	app.SameOrigin(req)
	res := app.Do(t, app.Admin, req)
	res.WantStatus(t, http.StatusOK)
	if res.Doc.Find("html > body > .test-result").Length() != 1 {
		t.Fatalf("接続テスト answered more than the result fragment:\n%s", res.Body)
	}
	return res.Text(".test-result")
}

func TestConnectionTestAgainstSandboxLogsEveryCallWithoutSecrets(t *testing.T) {
	t.Parallel()
	var sb *sandbox.Server
	app := handlertest.New(t, withSandbox(&sb))
	ctx := context.Background()
	sf := createShipFrom(t, app, "本社倉庫")
	demo := rakutenDemo(t, sb)

	// 楽天市場: success, with the license key's expiry learned and stored.
	rID := createdID(t, app.PostForm(t, app.Admin, "/settings/connections",
		rakutenForm(sf, app.URL+"/sandbox/rakuten", demo.ServiceSecret, demo.LicenseKey)))
	got := pressTest(t, app, rID)
	wantDate := domain.FormatJSTDate(demo.LicenseExpiresAt)
	if !strings.HasPrefix(got, "接続に成功しました") || !strings.Contains(got, "ライセンスキーの有効期限: "+wantDate) {
		t.Errorf("Rakuten success = %q, want 接続に成功しました and expiry %s", got, wantDate)
	}
	n, _ := strconv.ParseInt(rID, 10, 64)
	c, err := app.Store.Connection(ctx, appBox(t), n)
	if err != nil || c.CredentialExpiresAt == nil || domain.FormatJSTDate(*c.CredentialExpiresAt) != wantDate || c.LastTestOK == nil || !*c.LastTestOK {
		t.Errorf("stored after success: %+v, %v", c, err)
	}
	if list := app.Get(t, app.Admin, "/settings/connections").Text("#connection-" + rID); !strings.Contains(list, wantDate) || !strings.Contains(list, "成功") {
		t.Errorf("list row = %q", list)
	}

	// The sandbox's expired key: refused with the expired-key reason.
	form := rakutenForm(sf, app.URL+"/sandbox/rakuten", "", demo.ExpiredLicenseKey)
	form.Del("marketplace")
	app.PostForm(t, app.Admin, "/settings/connections/"+rID, form).WantRedirect(t, "/settings/connections/"+rID)
	got = pressTest(t, app, rID)
	// The gateway's own code ES01-01 is named, with the plain reason.
	if !strings.HasPrefix(got, "接続に失敗しました（") || !strings.Contains(got, "ES01-01") || !strings.Contains(got, "有効期限切れ") || !strings.Contains(got, "ライセンスキーの有効期限が切れています") {
		t.Errorf("expired key = %q", got)
	}

	// Amazon with a wrong refresh token: the LWA error.
	aID := createdID(t, app.PostForm(t, app.Admin, "/settings/connections",
		amazonForm(sf, app.URL+"/sandbox/amazon", "Atzr|wrong-refresh-token-QRST")))
	got = pressTest(t, app, aID)
	if !strings.HasPrefix(got, "接続に失敗しました（コード: invalid_grant）") || !strings.Contains(got, "Amazonの認証に失敗しました") {
		t.Errorf("Amazon wrong refresh token = %q", got)
	}
	// …and with the right one: success.
	form = amazonForm(sf, app.URL+"/sandbox/amazon", amazonsim.DemoRefreshToken)
	form.Del("marketplace")
	app.PostForm(t, app.Admin, "/settings/connections/"+aID, form).WantRedirect(t, "/settings/connections/"+aID)
	if got = pressTest(t, app, aID); !strings.HasPrefix(got, "接続に成功しました") {
		t.Errorf("Amazon demo credentials = %q", got)
	}

	// Nobody listening: a network failure in plain words.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()
	form = rakutenForm(sf, dead, "SPnet", "SLnet")
	form.Set("channel_name", "楽天 テスト店")
	fID := createdID(t, app.PostForm(t, app.Admin, "/settings/connections", form))
	if got = pressTest(t, app, fID); !strings.HasPrefix(got, "接続に失敗しました") || !strings.Contains(got, "ネットワーク") {
		t.Errorf("network failure = %q", got)
	}

	// futureshop: TestFutureshopConnectionTestAgainstSandbox.

	// Every call is in the API log; the filters find them.
	logs := app.Get(t, app.Operator, "/api-logs?action=connection_test&connection="+rID)
	logs.WantStatus(t, http.StatusOK)
	if logs.Doc.Find(".api-log-row").Length() < 2 {
		t.Errorf("Rakuten 接続テスト rows = %d\n%s", logs.Doc.Find(".api-log-row").Length(), logs.Text("#api-logs"))
	}
	errs := app.Get(t, app.Operator, "/api-logs?result=error&connection="+aID)
	if rows := errs.Doc.Find(".api-log-row"); rows.Length() == 0 || !strings.Contains(rows.Text(), "invalid_grant") {
		t.Errorf("Amazon error rows: %q", rows.Text())
	}
	href, _ := errs.Doc.Find(".api-log-row a").First().Attr("href")
	detail := app.Get(t, app.Operator, href)
	detail.WantStatus(t, http.StatusOK)
	if detail.Text("#api-log-code") != "invalid_grant" || detail.Text("#api-log-request") == "" {
		t.Errorf("detail code %q request %q", detail.Text("#api-log-code"), detail.Text("#api-log-request"))
	}
	if strings.Contains(detail.Body, "wrong-refresh-token") || strings.Contains(detail.Body, amazonsim.DemoClientSecret) {
		t.Error("the API log detail shows a secret")
	}

	assertNoPlaintext(t, app.DB, []string{
		demo.ServiceSecret, demo.LicenseKey, demo.ExpiredLicenseKey,
		amazonsim.DemoClientSecret, amazonsim.DemoRefreshToken, "Atzr|wrong-refresh-token-QRST",
		"fs-secret-value-9911", "SPnet-never", // a value never typed proves the scan can fail only on real hits
	})
}
