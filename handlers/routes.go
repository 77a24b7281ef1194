package handlers

import (
	"net/http"
	"strings"

	"github.com/renkei-oss/renkei/static"
)

// publicPaths are reachable without logging in; everything else needs a
// session. A path ending in "/" covers everything under it.
var publicPaths = []string{"/login", "/healthz", "/static/"}

func isPublic(path string) bool {
	for _, p := range publicPaths {
		if path == p || strings.HasSuffix(p, "/") && strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// routes is the route table. Pages are private (requireLogin wraps the whole
// mux); wrap admin-only ones in h.requireAdmin. Add a feature's routes as a
// block here, with the handlers in the feature's own file.
func (h *handler) routes(mux *http.ServeMux) {
	mux.Handle("GET /static/", static.Handler())
	mux.HandleFunc("GET /healthz", h.healthz)

	mux.HandleFunc("GET /login", h.loginForm)
	mux.HandleFunc("POST /login", h.login)
	mux.HandleFunc("POST /logout", h.logout)

	mux.HandleFunc("GET /{$}", h.dashboard)

	// 商品 and 設定 masters (masters_routes.go)
	h.masterRoutes(mux)

	// 設定 > ユーザー
	mux.Handle("GET /settings/users", h.requireAdmin(h.usersPage))
	mux.Handle("POST /settings/users", h.requireAdmin(h.addUser))
	mux.Handle("POST /settings/users/{id}/role", h.requireAdmin(h.setUserRole))
	mux.Handle("POST /settings/users/{id}/password", h.requireAdmin(h.resetUserPassword))
	mux.Handle("POST /settings/users/{id}/disable", h.requireAdmin(h.disableUser))
	mux.Handle("POST /settings/users/{id}/enable", h.requireAdmin(h.enableUser))
}
