// Package rakutensim simulates Rakuten RMS WEB SERVICE on its real paths,
// methods, bodies, status codes and error shapes (see
// ../shared/marketplaces/rakuten.md), with per-shop state in memory. Where
// the notes mark a fact inferred [I] (throttling code, maintenance), the
// simulator's choice is marked the same way.
package rakutensim

import (
	"net/http"
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
var limits = map[string]kit.Pace{
	"order":          {Rate: 1, Burst: 2},
	"inventory":      {Rate: 1, Burst: 2},
	"inventory-read": {Rate: 5, Burst: 5},
	"other":          {Rate: 1, Burst: 2},
}

// Sim is the Rakuten simulator.
type Sim struct {
	kit.Base[Creds, *shop]
	asyncDelay time.Duration
	reachable  int // hits a search can page through
}

// New builds the simulator with its demo shop: 200 orders over the last 30
// days of the sandbox clock.
func New(env kit.Env) *Sim {
	s := &Sim{asyncDelay: 5 * time.Second, reachable: rakuten.MaxReachableHits}
	s.Init(env)
	s.NewShop(ShopOptions{ID: DemoShopID, Orders: 200, Span: 30 * 24 * time.Hour})
	return s
}

// Name implements sandbox.Simulator.
func (s *Sim) Name() string { return marketplace.Rakuten }

// SetReachableHits lowers how many hits of one search can be paged through
// (RMS: 15,000), so tests reach the cap with fewer orders.
func (s *Sim) SetReachableHits(n int) {
	s.Mu.Lock()
	s.reachable = n
	s.Mu.Unlock()
}

// SetAsyncDelay sets how long (sandbox clock) async shipping requests take.
func (s *Sim) SetAsyncDelay(d time.Duration) {
	s.Mu.Lock()
	s.asyncDelay = d
	s.Mu.Unlock()
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

// Credentials implements sandbox.Simulator.
func (s *Sim) Credentials(baseURL string) any {
	demo, _ := s.ShopCreds(DemoShopID)
	return s.Listing(baseURL, map[string]any{
		"service_secret":      demo.ServiceSecret,
		"license_key":         demo.LicenseKey,
		"expired_license_key": demo.ExpiredLicenseKey,
		"shop_id":             demo.ShopID,
	})
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
	return s.Open(o.Orders, o.Span, 30*24*time.Hour, func(_ int, seed int64, now time.Time) (string, *shop) {
		return o.ID, newShop(o, seed, now)
	}).creds
}

// DisableFunction switches an RMS function (e.g. "rpay.order.searchOrder")
// to 利用しない for a shop; EnableFunction switches it back.
func (s *Sim) DisableFunction(shopID, fn string) { s.setFunction(shopID, fn, true) }

// EnableFunction undoes DisableFunction.
func (s *Sim) EnableFunction(shopID, fn string) { s.setFunction(shopID, fn, false) }

func (s *Sim) setFunction(shopID, fn string, off bool) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if sh := s.Shop(shopID); sh != nil {
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
	s.Mu.Lock()
	disabled := sh.disabled[rt.function]
	s.Mu.Unlock()
	if disabled {
		gateway(w, http.StatusForbidden, rakuten.CodeFunctionNotEnabled, "Function not enabled: "+rt.function)
		return
	}
	if !s.Admit(w, r, sh.creds.ShopID, rt.op, rt.bucket, limits[rt.bucket], replies(sh.creds.ShopID)) {
		return
	}
	rt.h(s, sh, w, r, s.Now())
}

// authenticate finds the shop of the ESA header; expired reports a key past
// its date (the expired demo key, or the real one under the fault).
func (s *Sim) authenticate(r *http.Request) (*shop, bool) {
	secret, key, ok := kit.SchemeCredentials(r, "ESA")
	if !ok {
		return nil, false
	}
	now := s.Now()
	s.Mu.Lock()
	defer s.Mu.Unlock()
	for _, sh := range s.AllShops() {
		id := sh.creds.ShopID
		if sh.creds.ServiceSecret != secret {
			continue
		}
		switch key {
		case sh.creds.LicenseKey:
			return sh, now.After(sh.creds.LicenseExpiresAt) || s.Faults().Active(id, kit.FaultExpiredCredential)
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

// replies are RMS's answers to the injected faults; the gateway's limit
// answers as the throttle fault does [I].
func replies(shopID string) kit.Replies {
	return kit.Replies{
		Throttle: func(w http.ResponseWriter) {
			gateway(w, http.StatusTooManyRequests, rakuten.CodeTooManyRequests, "Too Many Requests") // [I]
		},
		ServerError: func(w http.ResponseWriter) {
			writeJSON(w, http.StatusInternalServerError, map[string]any{"Results": map[string]string{"message": "Internal Server Error"}})
		},
		Maintenance: func(w http.ResponseWriter) {
			gateway(w, http.StatusServiceUnavailable, rakuten.CodeMaintenance, "System Maintenance") // [I]
		},
		Malformed: `{"orderNumberList":["` + shopID + `-2026`, MalformedType: rakuten.ContentTypeJSON,
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	kit.WriteJSON(w, status, rakuten.ContentTypeJSON, v)
}

func messages(status int, w http.ResponseWriter, ms ...rakuten.Message) {
	writeJSON(w, status, rakuten.MessagesResponse{MessageModelList: ms})
}

func errMsg(code, text string) rakuten.Message {
	return rakuten.Message{MessageType: "ERROR", MessageCode: code, Message: text}
}
