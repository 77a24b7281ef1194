// Package amazonsim simulates Amazon's Selling Partner API for the sandbox:
// the LWA token endpoint, Orders API v2026-01-01 (searchOrders, getOrder),
// v0 confirmShipment, Feeds 2021-06-30 with JSON_LISTINGS_FEED, and
// getMarketplaceParticipations, on their real paths, with real
// authentication checks, bodies, status codes, paging, error shapes and
// rate limits (429 QuotaExceeded; x-amzn-RateLimit-Limit on 2xx/400/404).
//
// State is per seller and in memory. Orders are a pure function of the
// seed and their index (kit.Gen), and their status is a function of the
// sandbox clock: Pending until payment is authorised, then Unshipped;
// some are cancelled. So a given seed and clock always give the same answers.
package amazonsim

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/amazon"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
)

// Demo credentials of the sandbox's LWA application and seller.
const (
	DemoClientID     = "amzn1.application-oa2-client.renkeisandbox0001"
	DemoClientSecret = "amzn1.oa2-cs.v1.renkei-sandbox-demo-secret"
	DemoRefreshToken = "Atzr|renkei-sandbox-demo-seller-jp"
	DemoSellerID     = "A1RENKEIJPDEMO"
	// SeedOrders is how many orders a new seller starts with, spread over
	// the 30 days before the sandbox started.
	SeedOrders = 240
)

// TokenLifetime is how long an access token lives (LWA: 3600 s).
const TokenLifetime = time.Hour

// Sim is the Amazon simulator.
type Sim struct {
	kit.Base[Creds, *seller] // by seller id
	gen                      *kit.Gen
	start                    time.Time
	mux                      *http.ServeMux

	byToken map[string]*seller // by refresh token
	access  map[string]accessToken

	tokenCalls atomic.Int64
	opCalls    sync.Map // op → *atomic.Int64
}

type accessToken struct {
	seller  *seller
	expires time.Time
}

// New builds the simulator with the demo seller.
func New(env kit.Env) *Sim {
	s := &Sim{byToken: map[string]*seller{}, access: map[string]accessToken{}}
	s.Init(env)
	s.start = s.Now().Truncate(time.Second)
	s.gen = kit.NewGen(env.Seed, s.start)
	s.NewShop(ShopOptions{ID: DemoSellerID, Name: "Renkei デモストア", RefreshToken: DemoRefreshToken,
		MarketplaceID: amazon.MarketplaceJP, Orders: SeedOrders})
	s.routes()
	return s
}

// published are SP-API's default usage plans (amazon.md §6), kept apart
// from the client's own table so the simulator checks the client rather
// than agreeing with it.
var published = map[string]kit.Pace{
	"searchOrders":                 {Rate: 0.0056, Burst: 20},
	"getOrder":                     {Rate: 0.5, Burst: 30},
	"confirmShipment":              {Rate: 2, Burst: 10},
	"createFeedDocument":           {Rate: 0.5, Burst: 15},
	"createFeed":                   {Rate: 0.0083, Burst: 15},
	"getFeed":                      {Rate: 2, Burst: 15},
	"getFeedDocument":              {Rate: 0.0222, Burst: 10},
	"getMarketplaceParticipations": {Rate: 0.016, Burst: 15},
}

// Name implements sandbox.Simulator.
func (s *Sim) Name() string { return marketplace.Amazon }

// Clock is the simulator's clock.
func (s *Sim) Clock() *kit.Clock { return s.Env.Clock }

// Credentials implements sandbox.Simulator. Both the SP-API endpoint and
// LWA live under base (token at base + /auth/o2/token).
func (s *Sim) Credentials(base string) any {
	return s.Listing(base, map[string]any{
		"endpoint":       base,
		"auth_endpoint":  base,
		"token_url":      base + amazon.PathToken,
		"client_id":      DemoClientID,
		"client_secret":  DemoClientSecret,
		"refresh_token":  DemoRefreshToken,
		"seller_id":      DemoSellerID,
		"marketplace":    "JP",
		"marketplace_id": amazon.MarketplaceJP,
		"note":           "アクセストークンの有効期限は3600秒（サンドボックス時計）。レート制限はSP-APIの既定値です。",
	})
}

func countryOf(mp string) string {
	for c, m := range amazon.Marketplaces {
		if m.ID == mp {
			return c
		}
	}
	return ""
}

// ShopOptions describe a new seller.
type ShopOptions struct {
	ID, Name      string
	RefreshToken  string // the seller's LWA authorisation
	MarketplaceID string // amazon.MarketplaceJP, …
	Orders        int    // spread over the 30 days before now
}

// NewShop adds a seller with its own refresh token and seeded orders.
func (s *Sim) NewShop(o ShopOptions) {
	s.Open(o.Orders, 30*24*time.Hour, 0, func(n int, _ int64, _ time.Time) (string, *seller) {
		sl := newSeller(s, o.ID, o.Name, o.RefreshToken, o.MarketplaceID, n)
		s.byToken[o.RefreshToken] = sl
		return o.ID, sl
	})
}

func (s *Sim) seller(id string) *seller {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	return s.Shop(id)
}

// TokenCalls counts token exchanges served (successful or not).
func (s *Sim) TokenCalls() int64 { return s.tokenCalls.Load() }

// Calls counts requests received for an SP-API operation, throttled
// ones included.
func (s *Sim) Calls(op string) int64 {
	v, ok := s.opCalls.Load(op)
	if !ok {
		return 0
	}
	return v.(*atomic.Int64).Load()
}

func (s *Sim) count(op string) {
	v, _ := s.opCalls.LoadOrStore(op, new(atomic.Int64))
	v.(*atomic.Int64).Add(1)
}

func (s *Sim) routes() {
	m := http.NewServeMux()
	m.HandleFunc("POST "+amazon.PathToken, s.token)
	m.HandleFunc("GET "+amazon.PathSearchOrders, s.api("searchOrders", s.searchOrders))
	m.HandleFunc("GET "+amazon.PathGetOrder+"{orderId}", s.api("getOrder", s.getOrder))
	m.HandleFunc("POST "+amazon.PathOrdersV0+"{orderId}"+amazon.SuffixConfirmShip, s.api("confirmShipment", s.confirmShipment))
	m.HandleFunc("POST "+amazon.PathFeedDocuments, s.api("createFeedDocument", s.createFeedDocument))
	m.HandleFunc("GET "+amazon.PathFeedDocument+"{docId}", s.api("getFeedDocument", s.getFeedDocument))
	m.HandleFunc("POST "+amazon.PathFeeds, s.api("createFeed", s.createFeed))
	m.HandleFunc("GET "+amazon.PathFeed+"{feedId}", s.api("getFeed", s.getFeed))
	m.HandleFunc("GET "+amazon.PathMarketplaceIDs, s.api("getMarketplaceParticipations", s.participations))
	// Presigned document URLs (S3 stand-in): no SP-API token, the id is the
	// capability, and the upload must carry the declared Content-Type.
	m.HandleFunc("PUT /_documents/{docId}", s.upload)
	m.HandleFunc("GET /_documents/{docId}", s.download)
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeErr(w, http.StatusNotFound, "", "NotFound", "Resource not found.", "")
	})
	s.mux = m
}

// ServeHTTP implements http.Handler on the real paths.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set(amazon.HeaderRequestID, kit.RandHex(8))
	s.mux.ServeHTTP(w, r)
}

// token is LWA: POST /auth/o2/token. Real LWA takes the grant as a form or
// as a JSON object (Amazon's JS SDK sends JSON), so both are read.
func (s *Sim) token(w http.ResponseWriter, r *http.Request) {
	s.tokenCalls.Add(1)
	g, ok := readGrant(r)
	if !ok {
		lwaErr(w, http.StatusBadRequest, "invalid_request", "The request is missing a required parameter or is otherwise malformed.")
		return
	}
	switch {
	case g.GrantType != "refresh_token":
		lwaErr(w, http.StatusBadRequest, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server.")
		return
	case g.ClientID != DemoClientID || g.ClientSecret != DemoClientSecret:
		lwaErr(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed")
		return
	}
	s.Mu.Lock()
	sl := s.byToken[g.RefreshToken]
	s.Mu.Unlock()
	if sl == nil {
		lwaErr(w, http.StatusBadRequest, "invalid_grant", "The request has an invalid grant parameter : refresh_token")
		return
	}
	if s.Faults().Active(sl.id, kit.FaultExpiredCredential) {
		lwaErr(w, http.StatusUnauthorized, "invalid_client", "The LWA secret token you provided has expired.")
		return
	}
	tok := "Atza|" + kit.RandHex(48)
	s.Mu.Lock()
	s.access[tok] = accessToken{seller: sl, expires: s.Now().Add(TokenLifetime)}
	s.Mu.Unlock()
	writeJSON(w, http.StatusOK, amazon.TokenResponse{AccessToken: tok, TokenType: "bearer",
		ExpiresIn: int(TokenLifetime / time.Second), RefreshToken: g.RefreshToken})
}

// grant is an LWA token request, under the same names in a form and in JSON.
type grant struct {
	GrantType    string `json:"grant_type"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	RefreshToken string `json:"refresh_token"`
}

// readGrant reads the grant from a JSON body when the request says it is
// JSON, from the form otherwise; false when the body cannot be read.
func readGrant(r *http.Request) (grant, bool) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/json" {
		var g grant
		err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&g)
		return g, err == nil
	}
	if err := r.ParseForm(); err != nil {
		return grant{}, false
	}
	f := r.PostForm
	return grant{GrantType: f.Get("grant_type"), ClientID: f.Get("client_id"),
		ClientSecret: f.Get("client_secret"), RefreshToken: f.Get("refresh_token")}, true
}

type handler func(w http.ResponseWriter, r *http.Request, sl *seller) (status int, body any)

// api wraps an operation with what Amazon's gateway does first: the access
// token, the rate limit of the operation, then injected faults.
func (s *Sim) api(op string, h handler) http.HandlerFunc {
	pace := published[op]
	return func(w http.ResponseWriter, r *http.Request) {
		s.count(op)
		tok := r.Header.Get(amazon.HeaderAccessToken)
		s.Mu.Lock()
		at, ok := s.access[tok]
		s.Mu.Unlock()
		switch {
		case !ok:
			writeErr(w, http.StatusForbidden, "", "Unauthorized", "Access to requested resource is denied.", "The access token you provided is revoked, malformed or invalid.")
			return
		case !s.Now().Before(at.expires):
			writeErr(w, http.StatusForbidden, "", "Unauthorized", "Access to requested resource is denied.", "The access token you provided has expired.")
			return
		}
		sl := at.seller
		if !s.Admit(w, r, sl.id, op, op, pace, replies) {
			return
		}
		rateHdr := strconv.FormatFloat(pace.Rate, 'f', -1, 64)
		status, body := h(w, r, sl)
		if status < 300 || status == http.StatusBadRequest || status == http.StatusNotFound {
			w.Header().Set(amazon.HeaderRateLimit, rateHdr)
		}
		if status == http.StatusNoContent {
			w.WriteHeader(status)
			return
		}
		writeJSON(w, status, body)
	}
}

// replies are SP-API's answers to the injected faults; over a usage plan
// it answers 429 QuotaExceeded without a rate header [V].
var replies = kit.Replies{
	Throttle: func(w http.ResponseWriter) {
		writeErr(w, http.StatusTooManyRequests, "", "QuotaExceeded", "You exceeded your quota for the requested resource.", "")
	},
	ServerError: func(w http.ResponseWriter) {
		writeErr(w, http.StatusInternalServerError, "", "InternalFailure", "We encountered an internal error. Please try again.", "")
	},
	Maintenance: func(w http.ResponseWriter) {
		writeErr(w, http.StatusServiceUnavailable, "", "ServiceUnavailable", "Service temporarily unavailable. Please try again later.", "")
	},
	Timeout: func(w http.ResponseWriter) {
		writeErr(w, http.StatusGatewayTimeout, "", "RequestTimeout", "Request timed out.", "")
	},
	TimeoutHold:   10 * time.Minute,
	Malformed:     `{"orders":[{"orderId":"250-`,
	MalformedType: "application/json",
}

func (s *Sim) participations(w http.ResponseWriter, r *http.Request, sl *seller) (int, any) {
	c := countryOf(sl.marketplaceID)
	mp := amazon.Marketplaces[c]
	lang := map[string]string{"JP": "ja_JP", "AU": "en_AU", "SG": "en_SG"}[c]
	return http.StatusOK, map[string]any{"payload": []any{map[string]any{
		"marketplace": map[string]any{"id": mp.ID, "countryCode": c, "name": mp.Name,
			"defaultCurrencyCode": mp.Currency, "defaultLanguageCode": lang, "domainName": "www." + lowerName(mp.Name)},
		"participation": map[string]any{"isParticipating": true, "hasSuspendedListings": false},
		"storeName":     sl.name,
	}}}
}

func lowerName(n string) string {
	b := []byte(n)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	kit.WriteJSON(w, status, "application/json", v)
}

// writeErr writes the SP-API error shape {"errors":[{code,message,details}]}.
func writeErr(w http.ResponseWriter, status int, _ string, code, msg, details string) {
	writeJSON(w, status, amazon.ErrorList{Errors: []amazon.APIError{{Code: code, Message: msg, Details: details}}})
}

func lwaErr(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, amazon.TokenError{Error: code, ErrorDescription: desc})
}
