// Package handlertest starts the whole web application for HTTP and browser
// tests: the real handler from handlers.New on a fresh test database, served
// by an httptest.Server, with an admin and an operator user and clients
// already logged in as each.
//
//	func TestMain(m *testing.M) { testdb.Main(m) }
//
//	func TestProducts(t *testing.T) {
//		app := handlertest.New(t)
//		res := app.Get(t, app.Admin, "/products")
//		res.WantStatus(t, http.StatusOK)
//		res.Doc.Find("h1") …                       // goquery
//		res = app.PostForm(t, app.Admin, "/products", url.Values{"code": {"A-1"}})
//		res.WantRedirect(t, "/products")
//	}
//
// Clients do not follow redirects, so tests see each 303 and its Location.
// PostForm sends the Origin header a browser would, so the cross-origin
// check passes; use Do for a hand-made request.
package handlertest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/jmoiron/sqlx"
	"golang.org/x/crypto/bcrypt"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/store/testdb"
	"github.com/renkei-oss/renkei/handlers"
)

// Passwords of the users New creates.
const (
	AdminName        = "admin"
	AdminPassword    = "admin-password"
	OperatorName     = "operator"
	OperatorPassword = "operator-password"
)

// SecretKey is the application secret in tests.
var SecretKey = []byte("handlertest-secret-key-0123456789abcdef")

// App is a running application.
type App struct {
	URL    string // base URL, no trailing slash
	Server *httptest.Server
	DB     *sqlx.DB
	Store  *store.Store
	Clock  *Clock
	Deps   handlers.Deps

	AdminUser    domain.User
	OperatorUser domain.User
	// Admin and Operator are clients logged in as those users; Anon has no
	// session.
	Admin    *http.Client
	Operator *http.Client
	Anon     *http.Client
}

// Option adjusts the dependencies before the handler is built.
type Option func(*handlers.Deps)

// New starts the application for t on a fresh database. It is stopped and
// the database dropped when t ends.
func New(t testing.TB, opts ...Option) *App {
	t.Helper()
	logger := testLogger(t)
	db := testdb.New(t)
	st := store.New(db)
	clock := &Clock{}
	deps := handlers.Deps{
		DB:        db,
		Store:     st,
		Logger:    logger,
		SecretKey: SecretKey,
		Now:       clock.Now,
	}
	for _, o := range opts {
		o(&deps)
	}
	srv := httptest.NewServer(handlers.New(deps))
	t.Cleanup(srv.Close)
	a := &App{URL: srv.URL, Server: srv, DB: db, Store: st, Clock: clock, Deps: deps}
	a.AdminUser = a.CreateUser(t, AdminName, domain.RoleAdmin, AdminPassword)
	a.OperatorUser = a.CreateUser(t, OperatorName, domain.RoleOperator, OperatorPassword)
	a.Anon = a.NewClient(t)
	a.Admin = a.Login(t, AdminName, AdminPassword)
	a.Operator = a.Login(t, OperatorName, OperatorPassword)
	return a
}

// CreateUser adds a user straight to the store (bcrypt at its minimum cost,
// to keep tests fast).
func (a *App) CreateUser(t testing.TB, name string, role domain.Role, password string) domain.User {
	t.Helper()
	hash, err := domain.HashPasswordCost(password, bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	u, err := a.Store.CreateUser(context.Background(), name, role, hash)
	if err != nil {
		t.Fatalf("handlertest: create user %s: %v", name, err)
	}
	return u
}

// NewClient returns a client with its own cookie jar and no session. It
// does not follow redirects.
func (a *App) NewClient(t testing.TB) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{
		Jar:     jar,
		Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// Login logs in through the login form and returns the logged-in client.
func (a *App) Login(t testing.TB, name, password string) *http.Client {
	t.Helper()
	c := a.NewClient(t)
	res := a.PostForm(t, c, "/login", url.Values{"username": {name}, "password": {password}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("handlertest: login as %s: status %d, want 303\n%s", name, res.StatusCode, res.Body)
	}
	return c
}

// Response is a read response; Doc is the body parsed as HTML.
type Response struct {
	*http.Response
	Body string
	Doc  *goquery.Document
}

// Get requests path (relative to the app) with client c.
func (a *App) Get(t testing.TB, c *http.Client, path string) *Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, a.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return a.Do(t, c, req)
}

// PostForm submits a form as a same-origin browser would.
func (a *App) PostForm(t testing.TB, c *http.Client, path string, form url.Values) *Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, a.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	a.SameOrigin(req)
	return a.Do(t, c, req)
}

// PostMultipart submits a multipart form (file uploads) as a same-origin
// browser would; body and contentType come from mime/multipart.Writer.
func (a *App) PostMultipart(t testing.TB, c *http.Client, path, contentType string, body []byte) *Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, a.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	a.SameOrigin(req)
	return a.Do(t, c, req)
}

// SameOrigin sets the headers a browser sends on a same-origin request.
func (a *App) SameOrigin(req *http.Request) {
	req.Header.Set("Origin", a.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
}

// Do sends req with client c and reads the whole response.
func (a *App) Do(t testing.TB, c *http.Client, req *http.Request) *Response {
	t.Helper()
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("handlertest: %s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("handlertest: read %s %s: %v", req.Method, req.URL.Path, err)
	}
	r := &Response{Response: res, Body: string(b)}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		r.Doc, err = goquery.NewDocumentFromReader(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("handlertest: parse HTML of %s: %v", req.URL.Path, err)
		}
	}
	return r
}

// WantStatus fails the test unless the response has the status.
func (r *Response) WantStatus(t testing.TB, status int) {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d\n%s", r.Request.Method, r.Request.URL.Path, r.StatusCode, status, r.Body)
	}
}

// WantRedirect fails the test unless the response is a 303 to path (query
// ignored).
func (r *Response) WantRedirect(t testing.TB, path string) {
	t.Helper()
	r.WantStatus(t, http.StatusSeeOther)
	loc, err := url.Parse(r.Header.Get("Location"))
	if err != nil || loc.Path != path {
		t.Fatalf("%s %s: redirect to %q, want %s", r.Request.Method, r.Request.URL.Path, r.Header.Get("Location"), path)
	}
}

// Text is the trimmed text of the elements matching the CSS selector.
func (r *Response) Text(sel string) string {
	if r.Doc == nil {
		return ""
	}
	return strings.TrimSpace(r.Doc.Find(sel).Text())
}

// Clock is the application's clock in tests: real time shifted by an
// offset that tests advance, so time-based rules are tested without sleeps.
type Clock struct {
	mu     sync.Mutex
	offset time.Duration
}

// Now is the shifted time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}
