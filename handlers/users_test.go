package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/handlers/handlertest"
)

func userRow(t *testing.T, app *handlertest.App, name string) string {
	t.Helper()
	u, err := app.Store.UserByName(context.Background(), name)
	if err != nil {
		t.Fatalf("user %s: %v", name, err)
	}
	return fmt.Sprintf("#user-%d", u.ID)
}

func TestUsersPageListsUsersWithLabelledForms(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	res := app.Get(t, app.Admin, "/settings/users")
	res.WantStatus(t, http.StatusOK)
	if got := res.Text("h1"); got != "ユーザー" {
		t.Errorf("h1 = %q", got)
	}
	for _, name := range []string{handlertest.AdminName, handlertest.OperatorName} {
		if !strings.Contains(res.Text(userRow(t, app, name)), name) {
			t.Errorf("user %s not listed", name)
		}
	}
	if !strings.Contains(res.Text(userRow(t, app, handlertest.OperatorName)), "オペレーター") {
		t.Error("operator's role not shown in Japanese")
	}
	// Every form field has a label tied to it.
	res.Doc.Find("input:not([type=hidden]), select, textarea").Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("id")
		if id == "" || res.Doc.Find(`label[for="`+id+`"]`).Length() != 1 {
			t.Errorf("field %s (id %q) has no label", s.AttrOr("name", "?"), id)
		}
	})
}

func TestAddUser(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	res := app.PostForm(t, app.Admin, "/settings/users", url.Values{"name": {"sato"}, "password": {"sato-password"}, "role": {"operator"}})
	res.WantRedirect(t, "/settings/users")
	res = app.Get(t, app.Admin, "/settings/users")
	if !strings.Contains(res.Text(".flash-success"), "sato") {
		t.Errorf("flash = %q", res.Text(".flash-success"))
	}
	if !strings.Contains(res.Text(userRow(t, app, "sato")), "オペレーター") {
		t.Error("new user not listed as operator")
	}
	// The flash is shown once.
	if got := app.Get(t, app.Admin, "/settings/users").Text(".flash-success"); got != "" {
		t.Errorf("flash shown twice: %q", got)
	}
	// The new user can log in.
	app.Login(t, "sato", "sato-password")

	for _, tt := range []struct {
		name   string
		form   url.Values
		errMsg string
	}{
		{"taken name", url.Values{"name": {"sato"}, "password": {"another-pass"}, "role": {"admin"}}, "すでに使われています"},
		{"short password", url.Values{"name": {"kato"}, "password": {"short"}, "role": {"admin"}}, "8文字以上"},
		{"bad role", url.Values{"name": {"kato"}, "password": {"kato-password"}, "role": {"root"}}, "権限"},
		{"bad name", url.Values{"name": {"加藤"}, "password": {"kato-password"}, "role": {"admin"}}, "半角英数字"},
	} {
		res := app.PostForm(t, app.Admin, "/settings/users", tt.form)
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text("#add-user-error"), tt.errMsg) {
			t.Errorf("%s: status %d, error %q; want 422 with %q", tt.name, res.StatusCode, res.Text("#add-user-error"), tt.errMsg)
		}
	}
	// The refused form keeps what was typed (but never the password).
	res = app.PostForm(t, app.Admin, "/settings/users", url.Values{"name": {"kato"}, "password": {"short"}, "role": {"admin"}})
	if v, _ := res.Doc.Find("#new-name").Attr("value"); v != "kato" {
		t.Errorf("name field = %q, want kato", v)
	}
	if v, _ := res.Doc.Find("#new-role option[selected]").Attr("value"); v != "admin" {
		t.Errorf("role kept = %q, want admin", v)
	}
}

func TestChangeRole(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	path := fmt.Sprintf("/settings/users/%d/role", app.OperatorUser.ID)
	app.PostForm(t, app.Admin, path, url.Values{"role": {"admin"}}).WantRedirect(t, "/settings/users")
	// The operator's existing session now has admin rights.
	app.Get(t, app.Operator, "/settings/users").WantStatus(t, http.StatusOK)

	app.PostForm(t, app.Admin, path, url.Values{"role": {"operator"}}).WantRedirect(t, "/settings/users")
	app.Get(t, app.Operator, "/settings/users").WantStatus(t, http.StatusForbidden)

	app.PostForm(t, app.Admin, "/settings/users/99999/role", url.Values{"role": {"admin"}}).WantStatus(t, http.StatusNotFound)
	app.PostForm(t, app.Admin, "/settings/users/abc/role", url.Values{"role": {"admin"}}).WantStatus(t, http.StatusNotFound)
}

func TestLastAdminCannotBeDemoted(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	path := fmt.Sprintf("/settings/users/%d/role", app.AdminUser.ID)
	app.PostForm(t, app.Admin, path, url.Values{"role": {"operator"}}).WantRedirect(t, "/settings/users")
	res := app.Get(t, app.Admin, "/settings/users")
	res.WantStatus(t, http.StatusOK) // still an admin
	if !strings.Contains(res.Text(".flash-error"), "最後の有効な管理者") {
		t.Errorf("flash = %q", res.Text(".flash-error"))
	}
}

func TestResetPasswordEndsOldSessions(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	path := fmt.Sprintf("/settings/users/%d/password", app.OperatorUser.ID)
	app.PostForm(t, app.Admin, path, url.Values{"password": {"short"}}).WantRedirect(t, "/settings/users")
	if got := app.Get(t, app.Admin, "/settings/users").Text(".flash-error"); !strings.Contains(got, "8文字以上") {
		t.Errorf("weak password flash = %q", got)
	}
	app.Get(t, app.Operator, "/").WantStatus(t, http.StatusOK) // unchanged so far

	app.PostForm(t, app.Admin, path, url.Values{"password": {"brand-new-pass"}}).WantRedirect(t, "/settings/users")
	app.Get(t, app.Operator, "/").WantRedirect(t, "/login")
	app.Login(t, handlertest.OperatorName, "brand-new-pass")
	res := app.PostForm(t, app.NewClient(t), "/login", url.Values{"username": {handlertest.OperatorName}, "password": {handlertest.OperatorPassword}})
	res.WantStatus(t, http.StatusUnauthorized)

	// An admin resetting their own password stays logged in.
	self := fmt.Sprintf("/settings/users/%d/password", app.AdminUser.ID)
	app.PostForm(t, app.Admin, self, url.Values{"password": {"admin-new-pass"}}).WantRedirect(t, "/settings/users")
	res = app.Get(t, app.Admin, "/settings/users")
	res.WantStatus(t, http.StatusOK)
	if !strings.Contains(res.Text(".flash-success"), "パスワードを再設定しました") {
		t.Errorf("flash = %q", res.Text(".flash-success"))
	}
}

func TestDisableAndEnableUser(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	id := app.OperatorUser.ID
	app.PostForm(t, app.Admin, fmt.Sprintf("/settings/users/%d/disable", id), nil).WantRedirect(t, "/settings/users")
	app.Get(t, app.Operator, "/").WantRedirect(t, "/login") // session ended
	res := app.PostForm(t, app.NewClient(t), "/login", url.Values{"username": {handlertest.OperatorName}, "password": {handlertest.OperatorPassword}})
	res.WantStatus(t, http.StatusForbidden)
	if !strings.Contains(res.Text("#login-error"), "無効") {
		t.Errorf("disabled login message = %q", res.Text("#login-error"))
	}
	if got := app.Get(t, app.Admin, "/settings/users").Text(userRow(t, app, handlertest.OperatorName)); !strings.Contains(got, "無効") {
		t.Errorf("row does not show 無効: %q", got)
	}

	app.PostForm(t, app.Admin, fmt.Sprintf("/settings/users/%d/enable", id), nil).WantRedirect(t, "/settings/users")
	app.Login(t, handlertest.OperatorName, handlertest.OperatorPassword)

	// Admins cannot disable themselves.
	app.PostForm(t, app.Admin, fmt.Sprintf("/settings/users/%d/disable", app.AdminUser.ID), nil).WantRedirect(t, "/settings/users")
	if got := app.Get(t, app.Admin, "/settings/users").Text(".flash-error"); !strings.Contains(got, "自分自身") {
		t.Errorf("self-disable flash = %q", got)
	}
	u, _ := app.Store.UserByID(context.Background(), app.AdminUser.ID)
	if u.Disabled || u.Role != domain.RoleAdmin {
		t.Errorf("admin changed: %+v", u)
	}
}
