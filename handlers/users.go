package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/views"
)

const usersPath = "/settings/users"

func (h *handler) usersPage(w http.ResponseWriter, r *http.Request) {
	h.renderUsers(w, r, http.StatusOK, views.NewUserForm{Role: domain.RoleOperator})
}

func (h *handler) renderUsers(w http.ResponseWriter, r *http.Request, status int, form views.NewUserForm) {
	users, err := h.Store.Users(r.Context())
	if err != nil {
		h.serverError(w, r, fmt.Errorf("list users: %w", err))
		return
	}
	h.page(w, r, status, "ユーザー", views.Users(views.UsersData{Me: currentUser(r), Users: users, Form: form}))
}

func (h *handler) addUser(w http.ResponseWriter, r *http.Request) {
	form := views.NewUserForm{Name: strings.TrimSpace(r.PostFormValue("name")), Role: domain.Role(r.PostFormValue("role"))}
	password := r.PostFormValue("password")
	refuse := func(msg string) {
		form.Error = msg
		h.renderUsers(w, r, http.StatusUnprocessableEntity, form)
	}
	if err := domain.ValidateUserName(form.Name); err != nil {
		refuse(err.Error())
		return
	}
	if _, err := domain.ParseRole(string(form.Role)); err != nil {
		refuse(err.Error())
		return
	}
	if err := domain.ValidatePassword(password); err != nil {
		refuse(err.Error())
		return
	}
	hash, err := domain.HashPassword(password)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	u, err := h.Store.CreateUser(r.Context(), form.Name, form.Role, hash)
	if errors.Is(err, store.ErrUserNameTaken) {
		refuse(fmt.Sprintf("ユーザー名「%s」はすでに使われています。別の名前を入力してください。", form.Name))
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.Logger.Info("user added", "user", u.Name, "role", u.Role, "by", currentUser(r).Name)
	h.flash(w, r, "success", fmt.Sprintf("ユーザー「%s」を%sとして追加しました。", u.Name, u.Role.Label()))
	redirect(w, r, usersPath)
}

// targetUser loads the user named by the {id} path segment; on failure it
// has already answered.
func (h *handler) targetUser(w http.ResponseWriter, r *http.Request) (domain.User, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.notFound(w, r)
		return domain.User{}, false
	}
	u, err := h.Store.UserByID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r)
		return u, false
	}
	if err != nil {
		h.serverError(w, r, err)
		return u, false
	}
	return u, true
}

// userChanged reports the outcome of a change to u and returns to the list.
func (h *handler) userChanged(w http.ResponseWriter, r *http.Request, u domain.User, err error, done string) {
	switch {
	case errors.Is(err, store.ErrLastAdmin):
		h.flash(w, r, "error", fmt.Sprintf("「%s」は最後の有効な管理者なので、権限の変更や無効化はできません。先に別のユーザーを管理者にしてください。", u.Name))
	case err != nil:
		h.serverError(w, r, err)
		return
	default:
		h.Logger.Info("user changed", "user", u.Name, "change", done, "by", currentUser(r).Name)
		h.flash(w, r, "success", fmt.Sprintf("ユーザー「%s」の%s。", u.Name, done))
	}
	redirect(w, r, usersPath)
}

func (h *handler) setUserRole(w http.ResponseWriter, r *http.Request) {
	u, ok := h.targetUser(w, r)
	if !ok {
		return
	}
	role, err := domain.ParseRole(r.PostFormValue("role"))
	if err != nil {
		h.flash(w, r, "error", fmt.Sprintf("「%s」の権限を変更できませんでした: %s", u.Name, err))
		redirect(w, r, usersPath)
		return
	}
	err = h.Store.SetUserRole(r.Context(), u.ID, role)
	h.userChanged(w, r, u, err, "権限を"+role.Label()+"に変更しました")
}

func (h *handler) resetUserPassword(w http.ResponseWriter, r *http.Request) {
	u, ok := h.targetUser(w, r)
	if !ok {
		return
	}
	password := r.PostFormValue("password")
	if err := domain.ValidatePassword(password); err != nil {
		h.flash(w, r, "error", fmt.Sprintf("「%s」のパスワードを再設定できませんでした: %s", u.Name, err))
		redirect(w, r, usersPath)
		return
	}
	hash, err := domain.HashPassword(password)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	err = h.Store.SetUserPassword(r.Context(), u.ID, hash)
	if err == nil && u.ID == currentUser(r).ID {
		// The reset ended every session of this user, this one included:
		// give the admin a fresh one rather than logging them out.
		u.SessionVersion++
		err = h.startSession(w, r, u)
	}
	h.userChanged(w, r, u, err, "パスワードを再設定しました")
}

func (h *handler) disableUser(w http.ResponseWriter, r *http.Request) {
	u, ok := h.targetUser(w, r)
	if !ok {
		return
	}
	if u.ID == currentUser(r).ID {
		h.flash(w, r, "error", "自分自身は無効にできません。別の管理者に依頼してください。")
		redirect(w, r, usersPath)
		return
	}
	err := h.Store.SetUserDisabled(r.Context(), u.ID, true)
	h.userChanged(w, r, u, err, "ログインを無効にしました")
}

func (h *handler) enableUser(w http.ResponseWriter, r *http.Request) {
	u, ok := h.targetUser(w, r)
	if !ok {
		return
	}
	err := h.Store.SetUserDisabled(r.Context(), u.ID, false)
	h.userChanged(w, r, u, err, "ログインを有効にしました")
}
