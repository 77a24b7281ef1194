// Package handlers is Renkei's web UI: thin HTTP handlers on the standard
// library's ServeMux, rendering templ components from package views.
//
// Every route is private by default: requireLogin (applied to the whole mux)
// redirects to /login unless the path is listed in publicPaths (routes.go).
// Admin pages are wrapped in requireAdmin. Every state-changing request goes
// through the cross-origin check (csrf.go).
package handlers

import (
	"bytes"
	"context"
	"crypto/hkdf"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/a-h/templ"
	"github.com/gorilla/sessions"
	"github.com/jmoiron/sqlx"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/secretbox"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/jobs"
	"github.com/renkei-oss/renkei/marketplace/registry"
	"github.com/renkei-oss/renkei/views"
)

// Deps is everything the handlers need from the outside.
type Deps struct {
	DB     *sqlx.DB
	Store  *store.Store
	Logger *slog.Logger
	// SecretKey signs and encrypts the session cookie (sub-keys are derived
	// from it, so it may also serve other purposes).
	SecretKey []byte
	// CookieSecure marks the session cookie Secure (serve over HTTPS).
	CookieSecure bool
	// Now is the clock; nil means time.Now. Tests inject one.
	Now func() time.Time

	// Secrets seals the stored marketplace credentials (API接続設定); nil
	// derives it from SecretKey. cmd passes one holding previous keys too
	// while a key rotation is pending.
	Secrets *secretbox.Box
	// Sandbox, when set, is the local marketplace sandbox, mounted at
	// /sandbox/ beside the app (RENKEI_SANDBOX=1, browser tests); the
	// API接続設定 form then offers its URL as サンドボックス.
	Sandbox http.Handler
	// SandboxMounted says the caller serves a sandbox at /sandbox/ on this
	// host itself (renkei serve with RENKEI_SANDBOX=1); the form offers it.
	SandboxMounted bool
	// Clients opens marketplace clients (the registry); the zero value
	// uses the default transport with the clock above.
	Clients registry.Clients
	// Scheduler runs the linkage robots (連携ロボット); edits reschedule
	// through it and 今すぐ実行 starts runs on it. nil: the pages still
	// work, robots run only where a scheduler is.
	Scheduler *jobs.Scheduler
}

// handler holds the dependencies the handlers share.
type handler struct {
	Deps
	sessions *sessions.CookieStore
	cop      *http.CrossOriginProtection
}

// New returns the application's HTTP handler.
func New(deps Deps) http.Handler {
	if deps.Logger == nil {
		deps.Logger = slog.Default()
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Clients.Transport.Now == nil {
		deps.Clients.Transport.Now = deps.Now
	}
	if deps.Store == nil && deps.DB != nil {
		deps.Store = store.New(deps.DB)
	}
	if len(deps.SecretKey) == 0 {
		panic("handlers: Deps.SecretKey is empty")
	}
	if deps.Secrets == nil {
		box, err := secretbox.New(string(deps.SecretKey))
		if err != nil {
			panic(fmt.Sprintf("handlers: %v", err))
		}
		deps.Secrets = box
	}
	h := &handler{
		Deps:     deps,
		sessions: newSessionStore(deps.SecretKey, deps.CookieSecure),
		cop:      http.NewCrossOriginProtection(),
	}
	mux := http.NewServeMux()
	h.routes(mux)
	mux.HandleFunc("/", h.notFound) // anything unmatched gets the Japanese 404 page

	var next http.Handler = mux
	next = h.validFormText(next)
	next = h.requireLogin(next)
	next = h.csrf(next)
	next = securityHeaders(next)
	next = h.logRequests(next)
	next = h.recoverPanics(next)
	if deps.Sandbox != nil {
		// Outside login and the cross-origin check: marketplace clients call
		// the sandbox like a real API (POSTs without Origin, no session).
		outer := http.NewServeMux()
		outer.Handle("/sandbox/", deps.Sandbox)
		outer.Handle("/", next)
		return outer
	}
	return next
}

// SubKey derives a 32-byte key for purpose from the secret key, so one
// configured secret serves sessions, encryption of stored credentials, etc.
// without reusing the same key material.
func SubKey(secret []byte, purpose string) []byte {
	k, err := hkdf.Key(sha256.New, secret, nil, "renkei "+purpose, 32)
	if err != nil {
		panic(fmt.Sprintf("handlers: derive key: %v", err)) // only fails on absurd lengths
	}
	return k
}

type ctxKey int

const userKey ctxKey = iota

// CurrentUser returns the logged-in user of a request that passed
// requireLogin.
func CurrentUser(ctx context.Context) (domain.User, bool) {
	u, ok := ctx.Value(userKey).(domain.User)
	return u, ok
}

// currentUser is CurrentUser for handlers behind requireLogin, where a user
// is always present.
func currentUser(r *http.Request) domain.User {
	u, _ := CurrentUser(r.Context())
	return u
}

// page renders content inside the layout with the given status. Rendering
// goes to a buffer first so a template error yields a clean 500.
func (h *handler) page(w http.ResponseWriter, r *http.Request, status int, title string, content templ.Component) {
	p := views.Page{Title: title, Path: r.URL.Path}
	if u, ok := CurrentUser(r.Context()); ok {
		p.User = &u
		p.Banners = h.banners(r, u)
	}
	p.Flashes = h.popFlashes(w, r)
	var buf bytes.Buffer
	if err := views.Layout(p).Render(templ.WithChildren(r.Context(), content), &buf); err != nil {
		h.serverError(w, r, fmt.Errorf("render %s: %w", title, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// redirect answers a form POST with 303 See Other, so reloading the next
// page does not resubmit the form.
func redirect(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}
