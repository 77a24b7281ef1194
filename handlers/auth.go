package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/views"
)

// Five failed logins for one user name within a minute stop further tries
// for that name until the minute has passed (answered 429), which slows a
// password-guessing attack to five guesses a minute.
const (
	loginFailureLimit  = 5
	loginFailureWindow = time.Minute
)

func (h *handler) loginForm(w http.ResponseWriter, r *http.Request) {
	if _, ok, _ := h.sessionUser(r); ok {
		redirect(w, r, "/")
		return
	}
	h.page(w, r, http.StatusOK, "ログイン", views.Login(views.LoginForm{Next: r.URL.Query().Get("next")}))
}

func (h *handler) login(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimSpace(r.PostFormValue("username"))
	password := r.PostFormValue("password")
	form := views.LoginForm{Username: name, Next: r.PostFormValue("next")}
	ctx := r.Context()
	now := h.Now()

	failures, err := h.Store.LoginFailuresSince(ctx, name, now.Add(-loginFailureWindow))
	if err != nil {
		h.serverError(w, r, fmt.Errorf("count login failures: %w", err))
		return
	}
	if failures >= loginFailureLimit {
		h.Logger.Warn("login throttled", "user", name, "failures", failures)
		w.Header().Set("Retry-After", strconv.Itoa(int(loginFailureWindow.Seconds())))
		form.Error = "ログインに続けて失敗したため、このユーザーのログインを一時的に止めています。1分ほど待ってから、もう一度お試しください。"
		h.page(w, r, http.StatusTooManyRequests, "ログイン", views.Login(form))
		return
	}

	u, err := h.Store.UserByName(ctx, name)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		h.serverError(w, r, fmt.Errorf("load user: %w", err))
		return
	}
	// An unknown name is checked against a dummy hash: same time, same answer.
	if !domain.CheckPassword(u.PasswordHash, password) {
		if err := h.Store.RecordLoginFailure(ctx, name, now); err != nil {
			h.serverError(w, r, fmt.Errorf("record login failure: %w", err))
			return
		}
		h.Logger.Info("login failed", "user", name)
		form.Error = "ユーザー名またはパスワードが違います。入力を確かめて、もう一度お試しください。"
		h.page(w, r, http.StatusUnauthorized, "ログイン", views.Login(form))
		return
	}
	if u.Disabled {
		form.Error = "このユーザーは無効になっています。管理者に連絡してください。"
		h.page(w, r, http.StatusForbidden, "ログイン", views.Login(form))
		return
	}
	if err := h.Store.ClearLoginFailures(ctx, name); err != nil {
		h.Logger.Warn("clear login failures", "user", name, "err", err)
	}
	if err := h.startSession(w, r, u); err != nil {
		h.serverError(w, r, fmt.Errorf("start session: %w", err))
		return
	}
	h.Logger.Info("login", "user", u.Name, "role", u.Role)
	redirect(w, r, safeNext(form.Next))
}

func (h *handler) logout(w http.ResponseWriter, r *http.Request) {
	if err := h.endSession(w, r); err != nil {
		h.Logger.Warn("end session", "err", err)
	}
	redirect(w, r, "/login")
}
