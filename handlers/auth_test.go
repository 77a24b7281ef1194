package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/handlers"
	"github.com/renkei-oss/renkei/handlers/handlertest"
)

func sessionCookie(res *handlertest.Response) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == "renkei_session" {
			return c
		}
	}
	return nil
}

func TestLoginWrongPasswordShowsErrorAndSetsNoSession(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	c := app.NewClient(t)
	res := app.PostForm(t, c, "/login", url.Values{"username": {handlertest.AdminName}, "password": {"wrong-password"}})
	res.WantStatus(t, http.StatusUnauthorized)
	if got := res.Text("#login-error"); !strings.Contains(got, "ユーザー名またはパスワードが違います") {
		t.Errorf("error message = %q", got)
	}
	if ck := sessionCookie(res); ck != nil {
		t.Errorf("a failed login set a session cookie: %v", ck)
	}
	app.Get(t, c, "/").WantRedirect(t, "/login")

	// An unknown user gets the very same answer.
	res = app.PostForm(t, c, "/login", url.Values{"username": {"nobody"}, "password": {"whatever1"}})
	res.WantStatus(t, http.StatusUnauthorized)
	if got := res.Text("#login-error"); !strings.Contains(got, "ユーザー名またはパスワードが違います") {
		t.Errorf("unknown user: error message = %q", got)
	}
}

func TestLoginReachesDashboardAndLogoutReturnsToLogin(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	c := app.NewClient(t)
	res := app.PostForm(t, c, "/login", url.Values{"username": {handlertest.OperatorName}, "password": {handlertest.OperatorPassword}})
	res.WantRedirect(t, "/")
	ck := sessionCookie(res)
	if ck == nil {
		t.Fatal("login set no session cookie")
	}
	if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure {
		t.Errorf("session cookie HttpOnly=%v SameSite=%v Secure=%v; want HttpOnly, Lax, not Secure on plain HTTP", ck.HttpOnly, ck.SameSite, ck.Secure)
	}

	res = app.Get(t, c, "/")
	res.WantStatus(t, http.StatusOK)
	if got := res.Text("h1"); got != "ダッシュボード" {
		t.Errorf("h1 = %q, want ダッシュボード", got)
	}
	if got := res.Text("#current-user"); got != handlertest.OperatorName {
		t.Errorf("logged-in user shown = %q", got)
	}
	if got := res.Text("#db-status"); got != "正常" {
		t.Errorf("database status = %q, want 正常", got)
	}

	app.PostForm(t, c, "/logout", nil).WantRedirect(t, "/login")
	app.Get(t, c, "/").WantRedirect(t, "/login")
}

func TestLoginRedirectsBackToTheRequestedPage(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	c := app.NewClient(t)
	res := app.Get(t, c, "/settings/users")
	res.WantRedirect(t, "/login")
	next, _ := url.Parse(res.Header.Get("Location"))
	res = app.PostForm(t, c, "/login", url.Values{"username": {handlertest.AdminName}, "password": {handlertest.AdminPassword}, "next": {next.Query().Get("next")}})
	res.WantRedirect(t, "/settings/users")

	// Only local paths: no open redirect to another site.
	res = app.PostForm(t, app.NewClient(t), "/login", url.Values{"username": {handlertest.AdminName}, "password": {handlertest.AdminPassword}, "next": {"//evil.example/"}})
	res.WantRedirect(t, "/")
}

func TestSecureCookieWhenConfigured(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t, func(d *handlers.Deps) { d.CookieSecure = true })
	// The client's jar does not keep Secure cookies over plain HTTP, so look
	// at the login response itself.
	res := app.PostForm(t, app.NewClient(t), "/login", url.Values{"username": {handlertest.AdminName}, "password": {handlertest.AdminPassword}})
	ck := sessionCookie(res)
	if ck == nil || !ck.Secure {
		t.Fatalf("session cookie = %v, want Secure", ck)
	}
}

func TestEveryPageWithoutSessionRedirectsToLogin(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	for _, tt := range []struct{ method, path string }{
		{"GET", "/"},
		{"GET", "/settings/users"},
		{"GET", "/no-such-page"},
		{"POST", "/settings/users"},
		{"POST", "/settings/users/1/disable"},
	} {
		var res *handlertest.Response
		if tt.method == "GET" {
			res = app.Get(t, app.Anon, tt.path)
		} else {
			res = app.PostForm(t, app.Anon, tt.path, url.Values{})
		}
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
			t.Errorf("%s %s without session: %d %q, want 303 to /login", tt.method, tt.path, res.StatusCode, res.Header.Get("Location"))
		}
	}
	// HTMX requests are told to load the login page as a whole.
	req, _ := http.NewRequest("GET", app.URL+"/settings/users", nil)
	req.Header.Set("HX-Request", "true")
	res := app.Do(t, app.Anon, req)
	if res.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(res.Header.Get("HX-Redirect"), "/login") {
		t.Errorf("HTMX request without session: %d HX-Redirect=%q", res.StatusCode, res.Header.Get("HX-Redirect"))
	}
}

func TestPublicPaths(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	res := app.Get(t, app.Anon, "/login")
	res.WantStatus(t, http.StatusOK)
	for _, id := range []string{"username", "password"} {
		if res.Doc.Find(`label[for="`+id+`"]`).Length() != 1 || res.Doc.Find(`input#`+id+`[name="`+id+`"]`).Length() != 1 {
			t.Errorf("login form: field %s lacks its input or its label", id)
		}
	}
	if lang, _ := res.Doc.Find("html").Attr("lang"); lang != "ja" {
		t.Errorf(`<html lang=%q>, want "ja"`, lang)
	}

	res = app.Get(t, app.Anon, "/healthz")
	res.WantStatus(t, http.StatusOK)
	if res.Body != "ok" {
		t.Errorf("healthz body = %q, want ok", res.Body)
	}

	res = app.Get(t, app.Anon, "/static/htmx.min.js")
	res.WantStatus(t, http.StatusOK)
	if !strings.Contains(res.Body, "htmx") {
		t.Error("/static/htmx.min.js is not htmx")
	}
	app.Get(t, app.Anon, "/static/app.css").WantStatus(t, http.StatusOK)
	app.Get(t, app.Anon, "/static/").WantStatus(t, http.StatusNotFound)
}

func TestHealthzWithoutDatabase(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	app.DB.Close() // the database is gone
	res := app.Get(t, app.Anon, "/healthz")
	res.WantStatus(t, http.StatusServiceUnavailable)
}

func TestFiveFailedLoginsSlowFurtherTries(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	c := app.NewClient(t)
	login := func(pw string) *handlertest.Response {
		return app.PostForm(t, c, "/login", url.Values{"username": {handlertest.OperatorName}, "password": {pw}})
	}
	for i := range 5 {
		if res := login("wrong-password"); res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d: status %d, want 401", i+1, res.StatusCode)
		}
	}
	// Within the minute even the right password is refused.
	app.Clock.Advance(50 * time.Second)
	res := login(handlertest.OperatorPassword)
	res.WantStatus(t, http.StatusTooManyRequests)
	if !strings.Contains(res.Text("#login-error"), "1分ほど待って") {
		t.Errorf("throttle message = %q", res.Text("#login-error"))
	}
	if res.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	// Another user is not affected.
	app.PostForm(t, app.NewClient(t), "/login", url.Values{"username": {handlertest.AdminName}, "password": {handlertest.AdminPassword}}).WantRedirect(t, "/")

	// Once the minute has passed, the right password works again.
	app.Clock.Advance(15 * time.Second)
	login(handlertest.OperatorPassword).WantRedirect(t, "/")
}

func TestOperatorOnAdminPageGets403(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	res := app.Get(t, app.Operator, "/settings/users")
	res.WantStatus(t, http.StatusForbidden)
	if !strings.Contains(res.Text("h1"), "権限がありません") || !strings.Contains(res.Text("#error-message"), "管理者") {
		t.Errorf("403 page: h1 %q, message %q", res.Text("h1"), res.Text("#error-message"))
	}
	for _, path := range []string{"/settings/users", "/settings/users/1/role", "/settings/users/1/disable"} {
		res := app.PostForm(t, app.Operator, path, url.Values{"role": {"operator"}, "name": {"x"}, "password": {"password1"}})
		res.WantStatus(t, http.StatusForbidden)
	}
	app.Get(t, app.Admin, "/settings/users").WantStatus(t, http.StatusOK)
}
