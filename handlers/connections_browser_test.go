package handlers_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/handlers/handlertest"
	"github.com/renkei-oss/renkei/marketplace/sandbox"
	"github.com/renkei-oss/renkei/marketplace/sandbox/amazonsim"
)

// setSelect chooses value in a select as a user would, firing change (HTMX listens).
func setSelect(b *handlertest.Browser, sel, value string) {
	b.Eval(`(() => { const e = document.querySelector(` + strconv.Quote(sel) + `); e.value = ` + strconv.Quote(value) +
		`; e.dispatchEvent(new Event('change', {bubbles: true})); return e.value; })()`)
}

// waitFor polls a JavaScript condition; the bound only keeps a broken page
// from hanging the run, it asserts nothing about speed.
func waitFor(t *testing.T, b *handlertest.Browser, what, cond string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for b.Eval(cond) != "true" {
		if time.Now().After(deadline) {
			t.Fatalf("browser: gave up waiting for %s (%s)", what, cond)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// screenshot saves the page; with RENKEI_SCREENSHOT_DIR set it also keeps a
// copy there, since the test's temp dir is removed when the test ends.
func screenshot(t *testing.T, b *handlertest.Browser, name string) {
	t.Helper()
	path := b.Screenshot(name)
	dir := os.Getenv("RENKEI_SCREENSHOT_DIR")
	if dir == "" {
		return
	}
	png, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// pressTestButton clicks 接続テスト and waits for the result swapped in place.
func pressTestButton(t *testing.T, b *handlertest.Browser) string {
	t.Helper()
	b.Eval(`document.querySelector('#test-result').innerHTML = ''`)
	b.Click(".test-button")
	b.WaitVisible("#test-result .test-result")
	return b.Text("#test-result")
}

func TestBrowserRegisterConnectionsAndTestAgainstSandbox(t *testing.T) {
	var sb *sandbox.Server
	app := handlertest.New(t, withSandbox(&sb))
	sf := createShipFrom(t, app, "本社倉庫")
	demo := rakutenDemo(t, sb)
	b := handlertest.OpenBrowser(t)
	b.Login(app, handlertest.AdminName, handlertest.AdminPassword)

	// 楽天市場: choose the marketplace, fill the form, pick サンドボックス.
	b.Navigate(app.URL + "/settings/connections/new")
	b.ClickAndWait("#choose-rakuten")
	b.Fill("#f-channel", "楽天市場 本店")
	setSelect(b, "#f-env", "sandbox")
	waitFor(t, b, "the sandbox URL", `document.querySelector('#f-base-url').value === `+strconv.Quote(app.URL+"/sandbox/rakuten"))
	setSelect(b, "#f-shipfrom", strconv.FormatInt(sf, 10))
	b.Fill("#f-service_secret", demo.ServiceSecret)
	b.Fill("#f-license_key", demo.LicenseKey)
	b.ClickAndWait(`#connection-form button[type="submit"]`)
	if loc := b.Location(); !strings.Contains(loc, "/settings/connections/") {
		t.Fatalf("after 登録: %s\n%s", loc, b.Text("main"))
	}
	connURL := b.Location()

	got := pressTestButton(t, b)
	date := domain.FormatJSTDate(demo.LicenseExpiresAt)
	screenshot(t, b, "rakuten-success")
	if !strings.Contains(got, "接続に成功しました") || !strings.Contains(got, date) {
		t.Errorf("Rakuten 接続テスト shows %q, want 接続に成功しました and %s", got, date)
	}

	// The sandbox's expired license key.
	b.Navigate(connURL + "/edit")
	b.Fill("#f-license_key", demo.ExpiredLicenseKey)
	b.ClickAndWait(`#connection-form button[type="submit"]`)
	got = pressTestButton(t, b)
	screenshot(t, b, "rakuten-expired")
	if !strings.HasPrefix(got, "接続に失敗しました") || !strings.Contains(got, "ライセンスキーの有効期限が切れています") {
		t.Errorf("expired key shows %q", got)
	}

	// Amazon with a wrong refresh token: the LWA error.
	b.Navigate(app.URL + "/settings/connections/new?marketplace=amazon")
	b.Fill("#f-channel", "Amazon JP")
	setSelect(b, "#f-env", "sandbox")
	waitFor(t, b, "the sandbox URL", `document.querySelector('#f-base-url').value === `+strconv.Quote(app.URL+"/sandbox/amazon"))
	setSelect(b, "#f-shipfrom", strconv.FormatInt(sf, 10))
	b.Fill("#f-lwa_client_id", amazonsim.DemoClientID)
	b.Fill("#f-lwa_client_secret", amazonsim.DemoClientSecret)
	b.Fill("#f-refresh_token", "Atzr|not-the-right-token")
	b.ClickAndWait(`#connection-form button[type="submit"]`)
	got = pressTestButton(t, b)
	screenshot(t, b, "amazon-lwa-error")
	if !strings.HasPrefix(got, "接続に失敗しました（コード: invalid_grant）") || !strings.Contains(got, "Amazonの認証に失敗しました") {
		t.Errorf("Amazon wrong refresh token shows %q", got)
	}
}
