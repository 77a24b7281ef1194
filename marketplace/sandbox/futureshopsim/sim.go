// Package futureshopsim simulates futureshop APIv2 on its real paths (see
// ../shared/marketplaces/futureshop.md): the client-credentials token,
// 受注検索 with nextUrl paging and 受注詳細, per-shop state in memory,
// orders from the kit's generator, faults, the 1 request/second limit and
// maintenance. Choices the notes mark inferred [I] are marked the same way.
package futureshopsim

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/futureshop"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
)

// Demo shop credentials (sandbox only).
const (
	DemoShopKey      = "demoshop01"
	DemoClientID     = "fs-client.0123456789abcdef0123456789abcdef"
	DemoClientSecret = "sandbox-futureshop-secret-0000000000000000000000000000000000000000"
)

// TokenLifetime is how long an issued token lives [I: expires_in is not verified].
const TokenLifetime = time.Hour

// PageSize is how many orders one 受注検索 page holds [I].
const PageSize = 100

// The gateway allows one request per second per client [V3], with a burst
// of 2 [I] so network jitter does not punish a client pacing at 1/s.
var pace = kit.Pace{Rate: futureshop.RatePerSecond, Burst: 2}

// Sim is the futureshop simulator.
type Sim struct {
	kit.Base[Creds, *shop] // by shop key
	tokens                 map[string]token
}

type token struct {
	shop    string
	expires time.Time
}

// Creds are one shop's credentials.
type Creds struct {
	ShopKey      string `json:"shop_key"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
}

type shop struct {
	creds   Creds
	gen     *kit.Gen
	base    int64 // first order number
	orders  []simOrder
	shipped map[string]shipped        // by orderNo: what 発送API set
	stock   map[string]map[string]int // productNo → OptionCode → count
	items   []kit.Item                // the catalogue, for 在庫検索
	updates int                       // 在庫更新 rows received
}

// shipped is what 発送API recorded for shipment 1 of an order.
type shipped struct {
	invoiceNo, date, arrival string
}

// simOrder is what is stored per order; the rest is a pure function of
// (seed, index) through the kit's generator.
type simOrder struct {
	idx int
	at  time.Time
}

// New builds the simulator with its demo shop: 200 orders over the last 30
// days of the sandbox clock.
func New(env kit.Env) *Sim {
	s := &Sim{tokens: map[string]token{}}
	s.Init(env)
	s.NewShop(ShopOptions{Creds: Creds{ShopKey: DemoShopKey, ClientID: DemoClientID, ClientSecret: DemoClientSecret}, Orders: 200})
	return s
}

// Name implements sandbox.Simulator.
func (s *Sim) Name() string { return marketplace.Futureshop }

// Credentials implements sandbox.Simulator.
func (s *Sim) Credentials(baseURL string) any {
	return s.Listing(baseURL, map[string]any{
		"shop_key":      DemoShopKey,
		"client_id":     DemoClientID,
		"client_secret": DemoClientSecret,
		"note":          "API接続先URLにbase_urlを入力します（futureshopのAPIドメインに当たります）",
	})
}

// ShopOptions describe a new simulated shop.
type ShopOptions struct {
	Creds  Creds         // empty fields are generated
	Orders int           // spread evenly over Span ending now
	Span   time.Duration // default 30 days
}

// NewShop adds a shop and returns its credentials.
func (s *Sim) NewShop(o ShopOptions) Creds {
	return s.Open(o.Orders, o.Span, 30*24*time.Hour, func(n int, seed int64, now time.Time) (string, *shop) {
		sh := newShop(o.Creds, n, seed, now)
		return sh.creds.ShopKey, sh
	}).creds
}

// newShop makes the n-th shop; empty credentials are generated.
func newShop(c Creds, n int, seed int64, now time.Time) *shop {
	if c.ShopKey == "" {
		c.ShopKey = fmt.Sprintf("shop%04d", n+1)
	}
	if c.ClientID == "" {
		c.ClientID = "fs-client." + kit.RandHex(32)
	}
	if c.ClientSecret == "" {
		c.ClientSecret = kit.RandHex(64)
	}
	sh := &shop{creds: c, gen: kit.NewGen(seed, now), base: 100000000001 + int64(n)*10000000,
		shipped: map[string]shipped{}, stock: map[string]map[string]int{}}
	sh.items = sh.gen.Catalog()
	for i, it := range sh.items {
		rows := map[string]int{}
		for j := range it.Variants {
			rows[verticalNo(j)] = 5 + (i*7+j*3)%20
		}
		sh.stock[it.ItemNumber] = rows
	}
	return sh
}

// Creds implements kit.Shop.
func (sh *shop) Creds() Creds { return sh.creds }

// Add implements kit.Shop over [from, to), in whole seconds like the API;
// orders may lie before those the shop has, and the list stays sorted by
// order time.
func (sh *shop) Add(n int, from, to time.Time) {
	for k := range n {
		at := from.Add(to.Sub(from) * time.Duration(k) / time.Duration(n)).Truncate(time.Second)
		sh.orders = append(sh.orders, simOrder{idx: len(sh.orders), at: at})
	}
	sort.SliceStable(sh.orders, func(i, j int) bool { return sh.orders[i].at.Before(sh.orders[j].at) })
}

// Stats implements sandbox.StatsReporter.
func (s *Sim) Stats(shopKey string) []kit.Stat {
	return kit.Query(&s.Base, shopKey, func(sh *shop) []kit.Stat {
		return []kit.Stat{{Label: "受注", Value: len(sh.orders)}, {Label: "発送済み（発送API）", Value: len(sh.shipped)}, {Label: "在庫更新（行）", Value: sh.updates}}
	})
}

// ServeHTTP serves futureshop on its real paths.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var op string
	switch {
	case r.URL.Path == futureshop.PathToken:
		op = futureshop.OpToken
	case r.URL.Path == futureshop.PathOrderSearch:
		op = futureshop.OpOrderSearch
	case strings.HasPrefix(r.URL.Path, futureshop.PathOrderDetail) && len(r.URL.Path) > len(futureshop.PathOrderDetail):
		op = futureshop.OpOrderDetail
	case r.URL.Path == futureshop.PathShipping:
		op = futureshop.OpShipping
	case r.URL.Path == futureshop.PathInventory && r.Method == http.MethodPost:
		op = futureshop.OpStockUpdate
	case r.URL.Path == futureshop.PathInventory:
		op = futureshop.OpStockSearch
	default:
		apiError(w, http.StatusNotFound, futureshop.CodeNotFound, "Not Found")
		return
	}
	wantMethod := http.MethodGet
	if op == futureshop.OpToken || op == futureshop.OpShipping || op == futureshop.OpStockUpdate {
		wantMethod = http.MethodPost
	}
	if r.Method != wantMethod {
		w.Header().Set("Allow", wantMethod)
		apiError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "Method Not Allowed")
		return
	}
	now := s.Now()
	var shopKey string
	if op == futureshop.OpToken {
		sh, ok := s.client(r)
		if !ok {
			oauthError(w, http.StatusUnauthorized, futureshop.OAuthInvalidClient, "client authentication failed")
			return
		}
		shopKey = sh.creds.ShopKey
	} else {
		var ok bool
		if shopKey, ok = s.bearer(r, now); !ok {
			apiError(w, http.StatusUnauthorized, futureshop.CodeUnauthorized, "invalid or expired access token")
			return
		}
	}
	if !s.Admit(w, r, shopKey, op, "api", pace, replies) {
		return
	}
	switch op {
	case futureshop.OpToken:
		s.issueToken(w, r, shopKey, now)
	case futureshop.OpOrderSearch:
		s.search(w, r, shopKey, now)
	case futureshop.OpOrderDetail:
		s.detail(w, r, shopKey, now)
	case futureshop.OpShipping:
		s.ship(w, r, shopKey)
	case futureshop.OpStockSearch:
		s.stockSearch(w, r, shopKey)
	case futureshop.OpStockUpdate:
		s.stockUpdate(w, r, shopKey)
	}
}

// client authenticates the token request: Basic client credentials plus
// the shop key header [V3]. A shop under the expired-credential fault is
// refused as if its secret had been revoked.
func (s *Sim) client(r *http.Request) (*shop, bool) {
	id, secret, ok := r.BasicAuth()
	key := r.Header.Get(futureshop.HeaderShopKey)
	if !ok || key == "" {
		return nil, false
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	sh := s.Shop(key)
	if sh == nil || sh.creds.ClientID != id || sh.creds.ClientSecret != secret || s.Faults().Active(key, kit.FaultExpiredCredential) {
		return nil, false
	}
	return sh, true
}

// bearer checks the access token and that the shop key header names the
// shop it was issued to.
func (s *Sim) bearer(r *http.Request, now time.Time) (string, bool) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return "", false
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	t, ok := s.tokens[tok]
	if !ok || !now.Before(t.expires) || t.shop != r.Header.Get(futureshop.HeaderShopKey) || s.Faults().Active(t.shop, kit.FaultExpiredCredential) {
		return "", false
	}
	return t.shop, true
}

func (s *Sim) issueToken(w http.ResponseWriter, r *http.Request, shopKey string, now time.Time) {
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != futureshop.GrantType {
		oauthError(w, http.StatusBadRequest, futureshop.OAuthInvalidGrant, "grant_type must be client_credentials")
		return
	}
	tok := kit.RandHex(48)
	s.Mu.Lock()
	s.tokens[tok] = token{shop: shopKey, expires: now.Add(TokenLifetime)}
	s.Mu.Unlock()
	writeJSON(w, http.StatusOK, futureshop.TokenResponse{AccessToken: tok, TokenType: "Bearer", ExpiresIn: int(TokenLifetime / time.Second)})
}

// replies are the API's answers to the injected faults; over the limit it
// answers as the throttle fault does [I].
var replies = kit.Replies{
	Throttle: func(w http.ResponseWriter) {
		w.Header().Set("Retry-After", "1")
		apiError(w, http.StatusTooManyRequests, futureshop.CodeTooManyRequests, "Too Many Requests") // [I]
	},
	ServerError: func(w http.ResponseWriter) {
		apiError(w, http.StatusInternalServerError, futureshop.CodeInternal, "Internal Server Error")
	},
	Maintenance: func(w http.ResponseWriter) {
		w.Header().Set("Retry-After", "3600")
		apiError(w, http.StatusServiceUnavailable, futureshop.CodeMaintenance, "メンテナンス中です") // [I]
	},
	Malformed: `{"orderList":[{"orderNo":"1000`, MalformedType: futureshop.ContentTypeJSON,
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	kit.WriteJSON(w, status, futureshop.ContentTypeJSON+"; charset=utf-8", v)
}

func apiError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, futureshop.ErrorBody{Status: "failed", Errors: []futureshop.APIError{{Code: code, Message: msg}}})
}

func oauthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, futureshop.OAuthError{Error: code, ErrorDescription: desc})
}

// cursor is opaque to clients: base64 of the next offset.
func encodeCursor(off int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(off)))
}

// cursorOffset reads the query's cursor (none: 0); a broken one is
// answered 400 and false.
func cursorOffset(w http.ResponseWriter, q url.Values) (int, bool) {
	c := q.Get(futureshop.QueryCursor)
	if c == "" {
		return 0, true
	}
	off, ok := decodeCursor(c)
	if !ok {
		apiError(w, http.StatusBadRequest, futureshop.CodeInvalidParam, "cursor が不正です")
	}
	return off, ok
}

func decodeCursor(c string) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimPrefix(string(b), "o:"))
	return n, err == nil && n >= 0 && strings.HasPrefix(string(b), "o:")
}
