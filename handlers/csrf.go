package handlers

import (
	"errors"
	"net/http"
)

var errNoOrigin = errors.New("state-changing request without Sec-Fetch-Site or Origin header")

// csrf refuses cross-site request forgery on every state-changing request
// (POST, PUT, PATCH, DELETE), the login form and HTMX requests included.
//
// It is token-less, so it needs nothing in forms or HTMX calls: browsers
// send Sec-Fetch-Site (or at least Origin) with every such request, and the
// standard library's CrossOriginProtection refuses it unless it comes from
// this site. On top of that, a state-changing request carrying neither
// header is refused too: every browser sends one, and this UI has no
// non-browser clients, so a request without that proof is not trusted.
func (h *handler) csrf(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		err := h.cop.Check(r)
		if err == nil && r.Header.Get("Sec-Fetch-Site") == "" && r.Header.Get("Origin") == "" {
			err = errNoOrigin
		}
		if err != nil {
			h.Logger.Warn("cross-origin request refused", "method", r.Method, "path", r.URL.Path,
				"origin", r.Header.Get("Origin"), "sec_fetch_site", r.Header.Get("Sec-Fetch-Site"), "err", err)
			h.forbidden(w, r, "別のサイトから送られた操作のため受け付けませんでした。Renkei の画面を開き直してから、もう一度操作してください。")
			return
		}
		next.ServeHTTP(w, r)
	})
}
