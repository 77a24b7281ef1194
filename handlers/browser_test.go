package handlers_test

import (
	"os"
	"strings"
	"testing"

	"github.com/renkei-oss/renkei/handlers/handlertest"
)

// A real headless Chromium logs in through the login form and sees the
// dashboard and the Japanese navigation.
func TestBrowserLoginShowsDashboardAndNavigation(t *testing.T) {
	app := handlertest.New(t)
	b := handlertest.OpenBrowser(t)

	b.Navigate(app.URL + "/")
	if loc := b.Location(); !strings.HasPrefix(loc, app.URL+"/login") {
		t.Fatalf("without a session the browser is at %s, want the login page", loc)
	}
	b.Login(app, handlertest.AdminName, handlertest.AdminPassword)

	if loc := b.Location(); loc != app.URL+"/" {
		t.Errorf("after login at %s, want %s/", loc, app.URL)
	}
	b.WaitVisible("h1")
	if h1 := b.Text("h1"); h1 != "ダッシュボード" {
		t.Errorf("h1 = %q, want ダッシュボード", h1)
	}
	if who := b.Text("#current-user"); who != handlertest.AdminName {
		t.Errorf("logged-in user = %q", who)
	}
	nav := b.Text("nav.nav")
	for _, label := range []string{"ダッシュボード", "出荷指示", "在庫", "商品マスタ", "ロボット", "設定", "ユーザー", "APIログ"} {
		if !strings.Contains(nav, label) {
			t.Errorf("navigation lacks %s:\n%s", label, nav)
		}
	}
	// htmx, served from /static, is loaded.
	if v := b.Eval(`typeof htmx !== "undefined" && htmx.version`); !strings.HasPrefix(v, `"2.`) {
		t.Errorf("htmx version in the page = %s, want 2.x", v)
	}

	shot := b.Screenshot("dashboard")
	if fi, err := os.Stat(shot); err != nil || fi.Size() == 0 {
		t.Errorf("screenshot %s: %v", shot, err)
	}

	// Logging out through the button returns to the login page.
	b.ClickAndWait(`.topbar button[type="submit"]`)
	if loc := b.Location(); loc != app.URL+"/login" {
		t.Errorf("after logout at %s, want %s/login", loc, app.URL)
	}
}
