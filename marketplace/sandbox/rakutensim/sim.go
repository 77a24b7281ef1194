// Package rakutensim simulates Rakuten RMS WEB SERVICE on its real paths,
// methods, bodies, status codes and error shapes (see
// ../shared/marketplaces/rakuten.md), with per-shop state in memory. Where
// the notes mark a fact inferred [I] (throttling code, maintenance), the
// simulator's choice is marked the same way.
package rakutensim

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/rakuten"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
)

// DemoShopID is the shop every sandbox starts with.
const DemoShopID = "400001"

// Published limits [V3] the gateway enforces per shop. The burst of 2 is
// ours [I]: requests paced at 1/s arrive with network jitter, and a gateway
// that refused every early arrival would punish well-behaved clients.
var limits = map[string]struct {
	rate  float64
	burst int
}{
	"order":          {1, 2},
	"inventory":      {1, 2},
	"inventory-read": {5, 5},
	"other":          {1, 2},
}

// Sim is the Rakuten simulator.
type Sim struct {
	env    kit.Env
	faults *kit.Faults
	limits *kit.RateLimits

	mu         sync.Mutex
	shops      map[string]*shop
	shopOrder  []string
	asyncDelay time.Duration
	reachable  int // hits a search can page through
}

// New builds the simulator with its demo shop: 200 orders over the last 30
// days of the sandbox clock.
func New(env kit.Env) *Sim {
	if env.Clock == nil {
		env.Clock = kit.NewClock()
	}
	s := &Sim{
		env:        env,
		faults:     kit.NewFaults(),
		limits:     kit.NewRateLimits(env.RateFactor),
		shops:      map[string]*shop{},
		asyncDelay: 5 * time.Second,
		reachable:  rakuten.MaxReachableHits,
	}
	s.NewShop(ShopOptions{ID: DemoShopID, Orders: 200, Span: 30 * 24 * time.Hour})
	return s
}

// Name implements sandbox.Simulator.
func (s *Sim) Name() string { return marketplace.Rakuten }

// Faults implements sandbox.Simulator.
func (s *Sim) Faults() *kit.Faults { return s.faults }

// Limits implements sandbox.Simulator.
func (s *Sim) Limits() *kit.RateLimits { return s.limits }

// SetReachableHits lowers how many hits of one search can be paged through
// (RMS: 15,000), so tests reach the cap with fewer orders.
func (s *Sim) SetReachableHits(n int) {
	s.mu.Lock()
	s.reachable = n
	s.mu.Unlock()
}

// SetAsyncDelay sets how long (sandbox clock) async shipping requests take.
func (s *Sim) SetAsyncDelay(d time.Duration) {
	s.mu.Lock()
	s.asyncDelay = d
	s.mu.Unlock()
}

// Shops implements sandbox.Simulator.
func (s *Sim) Shops() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.shopOrder...)
}

// Creds are one shop's demo credentials.
type Creds struct {
	ShopID            string    `json:"shop_id"`
	ServiceSecret     string    `json:"service_secret"`
	LicenseKey        string    `json:"license_key"`
	LicenseExpiresAt  time.Time `json:"license_key_expires_at"`
	ExpiredLicenseKey string    `json:"expired_license_key"`
	ExpiredAt         time.Time `json:"expired_license_key_expired_at"`
}

// ShopCreds returns a shop's credentials.
func (s *Sim) ShopCreds(id string) (Creds, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh, ok := s.shops[id]
	if !ok {
		return Creds{}, false
	}
	return sh.creds, true
}

// Credentials implements sandbox.Simulator.
func (s *Sim) Credentials(baseURL string) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	shops := make([]Creds, 0, len(s.shopOrder))
	for _, id := range s.shopOrder {
		shops = append(shops, s.shops[id].creds)
	}
	demo := s.shops[DemoShopID].creds
	return map[string]any{
		"simulated":           true,
		"base_url":            baseURL,
		"service_secret":      demo.ServiceSecret,
		"license_key":         demo.LicenseKey,
		"expired_license_key": demo.ExpiredLicenseKey,
		"shop_id":             demo.ShopID,
		"shops":               shops,
	}
}

// ShopOptions describe a new simulated shop.
type ShopOptions struct {
	ID     string
	Orders int           // orders spread evenly over Span ending now
	Span   time.Duration // default 30 days
	// ManualConfirm keeps orders in 100 until confirmOrder; by default the
	// shop confirms them itself after 20 minutes (RMS 自動確認).
	ManualConfirm bool
}

// NewShop adds a shop and returns its credentials.
func (s *Sim) NewShop(o ShopOptions) Creds {
	now := s.env.Clock.Now()
	if o.Span <= 0 {
		o.Span = 30 * 24 * time.Hour
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.shopOrder)
	sh := newShop(o, s.env.Seed+int64(n)*7919, now)
	s.shops[o.ID] = sh
	s.shopOrder = append(s.shopOrder, o.ID)
	return sh.creds
}

// AddOrders implements sandbox.Simulator: n orders dated now.
func (s *Sim) AddOrders(shopID string, n int) error { return s.AddOrdersOver(shopID, n, 0) }

// AddOrdersOver adds n orders spread evenly over span ending now (never
// before the newest order), so tests can build busy hours after a lull.
func (s *Sim) AddOrdersOver(shopID string, n int, span time.Duration) error {
	now := s.env.Clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	sh, ok := s.shops[shopID]
	if !ok {
		return fmt.Errorf("ショップ %s はありません", shopID)
	}
	sh.add(n, now, span)
	return nil
}

// DisableFunction switches an RMS function (e.g. "rpay.order.searchOrder")
// to 利用しない for a shop; EnableFunction switches it back.
func (s *Sim) DisableFunction(shopID, fn string) { s.setFunction(shopID, fn, true) }

// EnableFunction undoes DisableFunction.
func (s *Sim) EnableFunction(shopID, fn string) { s.setFunction(shopID, fn, false) }

func (s *Sim) setFunction(shopID, fn string, off bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sh := s.shops[shopID]; sh != nil {
		sh.disabled[fn] = off
	}
}

// route is one RMS endpoint.
type route struct {
	method, path, op, function, bucket string
	h                                  func(s *Sim, sh *shop, w http.ResponseWriter, r *http.Request, now time.Time)
}

var routes = []route{
	{http.MethodPost, rakuten.PathSearchOrder, "searchOrder", rakuten.FunctionSearchOrder, "order", (*Sim).searchOrder},
	{http.MethodPost, rakuten.PathGetOrder, "getOrder", rakuten.FunctionGetOrder, "order", (*Sim).getOrder},
	{http.MethodPost, rakuten.PathConfirmOrder, "confirmOrder", rakuten.FunctionConfirmOrder, "order", (*Sim).confirmOrder},
	{http.MethodPost, rakuten.PathUpdateShippingAsync, "updateOrderShippingAsync", rakuten.FunctionUpdShipAsync, "order", (*Sim).updateShippingAsync},
	{http.MethodPost, rakuten.PathGetResultShipAsync, "getResultUpdateOrderShippingAsync", rakuten.FunctionGetResUpdShip, "order", (*Sim).getResultShippingAsync},
	{http.MethodPost, rakuten.PathInventoryBulkUpsert, "bulk-upsert", rakuten.FunctionInventoryUpsert, "inventory", (*Sim).bulkUpsert},
	{http.MethodPost, rakuten.PathInventory21Upsert, "bulk-upsert", rakuten.FunctionInventoryUpsert, "inventory", (*Sim).bulkUpsert},
	{http.MethodGet, rakuten.PathLicenseExpiry, "expiry-date", rakuten.FunctionLicenseExpiry, "other", (*Sim).expiryDate},
	{http.MethodGet, rakuten.PathGenreGet, "genre.get", rakuten.FunctionGenreGet, "other", (*Sim).genreGet},
	{http.MethodGet, rakuten.PathItemsSearch, "items.search", rakuten.FunctionItemsSearch, "other", (*Sim).itemsSearch},
}

// ServeHTTP serves RMS on its real paths.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var rt *route
	pathMatch := false
	for i := range routes {
		if routes[i].path == r.URL.Path {
			pathMatch = true
			if routes[i].method == r.Method {
				rt = &routes[i]
			}
		}
	}
	if rt == nil {
		if pathMatch {
			http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
			return
		}
		http.NotFound(w, r)
		return
	}
	sh, expired := s.authenticate(r)
	if sh == nil || (expired && rt.function != rakuten.FunctionLicenseExpiry) {
		gateway(w, http.StatusUnauthorized, rakuten.CodeUnauthorised, "Un-Authorised")
		return
	}
	s.mu.Lock()
	disabled := sh.disabled[rt.function]
	s.mu.Unlock()
	if disabled {
		gateway(w, http.StatusForbidden, rakuten.CodeFunctionNotEnabled, "Function not enabled: "+rt.function)
		return
	}
	lim := limits[rt.bucket]
	if !s.limits.Allow(sh.creds.ShopID, rt.bucket, lim.rate, lim.burst) {
		gateway(w, http.StatusTooManyRequests, rakuten.CodeTooManyRequests, "Too Many Requests") // [I]
		return
	}
	if f, ok := s.faults.Take(sh.creds.ShopID, rt.op); ok {
		switch f.Kind {
		case kit.FaultThrottle:
			gateway(w, http.StatusTooManyRequests, rakuten.CodeTooManyRequests, "Too Many Requests")
			return
		case kit.FaultServerError:
			writeJSON(w, http.StatusInternalServerError, map[string]any{"Results": map[string]string{"message": "Internal Server Error"}})
			return
		case kit.FaultMaintenance:
			gateway(w, http.StatusServiceUnavailable, rakuten.CodeMaintenance, "System Maintenance") // [I]
			return
		case kit.FaultTimeout:
			kit.Hold(r, 2*time.Minute)
			http.Error(w, "Gateway Timeout", http.StatusGatewayTimeout)
			return
		case kit.FaultSlow:
			kit.Hold(r, f.Delay)
		case kit.FaultMalformed:
			w.Header().Set("Content-Type", rakuten.ContentTypeJSON)
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(`{"orderNumberList":["` + sh.creds.ShopID + `-2026`))
			return
		}
	}
	rt.h(s, sh, w, r, s.env.Clock.Now())
}

// authenticate finds the shop of the ESA header; expired reports a key past
// its date (the expired demo key, or the real one under the fault).
func (s *Sim) authenticate(r *http.Request) (*shop, bool) {
	h := r.Header.Get("Authorization")
	raw, ok := strings.CutPrefix(h, "ESA ")
	if !ok {
		return nil, false
	}
	dec, err := base64.StdEncoding.DecodeString(strings.TrimSpace(raw))
	if err != nil {
		return nil, false
	}
	secret, key, ok := strings.Cut(string(dec), ":")
	if !ok {
		return nil, false
	}
	now := s.env.Clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range s.shopOrder {
		sh := s.shops[id]
		if sh.creds.ServiceSecret != secret {
			continue
		}
		switch key {
		case sh.creds.LicenseKey:
			return sh, now.After(sh.creds.LicenseExpiresAt) || s.faults.Active(id, kit.FaultExpiredCredential)
		case sh.creds.ExpiredLicenseKey:
			return sh, true
		}
	}
	return nil, false
}

// gateway writes the common {"Results":{errorCode,message}} error. The ESA
// gateway answers before any API runs, so the legacy XML APIs (genre.get)
// get the same JSON body [V3: rakuten.md §1].
func gateway(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, rakutenGateway(code, msg))
}

func rakutenGateway(code, msg string) rakuten.GatewayError {
	var g rakuten.GatewayError
	g.Results.ErrorCode, g.Results.Message = code, msg
	return g
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", rakuten.ContentTypeJSON)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func messages(status int, w http.ResponseWriter, ms ...rakuten.Message) {
	writeJSON(w, status, rakuten.MessagesResponse{MessageModelList: ms})
}

func errMsg(code, text string) rakuten.Message {
	return rakuten.Message{MessageType: "ERROR", MessageCode: code, Message: text}
}
