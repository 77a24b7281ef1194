// Package shopservesim simulates E-Store's ShopServe management API v2 on
// its real paths below /v2 (see ../shared/marketplaces/shopserve.md): Basic
// authentication with the store ID and manager key, the order search
// V2-M-0024 with from/size paging, the order state update V2-M-0012, the
// item search, per-store rate limits, faults and scheduled maintenance.
// What the notes mark [I] the simulator does the same way, from the wire
// names of package shopserve, so both change together.
package shopservesim

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
	"github.com/renkei-oss/renkei/marketplace/shopserve"
)

// DemoStoreID is the store every sandbox starts with.
const DemoStoreID = "demo.wc"

// limit is the proposal's 1 request/second per store [I]; a burst of 2
// forgives network jitter of a client paced at 1/s.
const (
	limitRate  = 1.0
	limitBurst = 2
)

// MaintenanceWindow is a weekly closure in Japan time, e.g. Wednesday
// 02:00–06:00 (E-Store's historical slot [V3]).
type MaintenanceWindow struct {
	Day        time.Weekday
	From, Till time.Duration // offsets into the day
}

// DefaultMaintenance is Wednesday 02:00–06:00 JST.
var DefaultMaintenance = []MaintenanceWindow{{Day: time.Wednesday, From: 2 * time.Hour, Till: 6 * time.Hour}}

// Sim is the ShopServe simulator.
type Sim struct {
	env    kit.Env
	faults *kit.Faults
	limits *kit.RateLimits

	mu          sync.Mutex
	shops       map[string]*shop
	shopOrder   []string
	maintenance []MaintenanceWindow
}

// New builds the simulator with its demo store: 200 orders over the last
// 30 days of the sandbox clock, and the weekly maintenance window.
func New(env kit.Env) *Sim {
	if env.Clock == nil {
		env.Clock = kit.NewClock()
	}
	s := &Sim{
		env:         env,
		faults:      kit.NewFaults(),
		limits:      kit.NewRateLimits(env.RateFactor),
		shops:       map[string]*shop{},
		maintenance: DefaultMaintenance,
	}
	s.NewShop(ShopOptions{ID: DemoStoreID, Orders: 200, Span: 30 * 24 * time.Hour})
	return s
}

// Name implements sandbox.Simulator.
func (s *Sim) Name() string { return marketplace.Shopserve }

// Faults implements sandbox.Simulator.
func (s *Sim) Faults() *kit.Faults { return s.faults }

// Limits implements sandbox.Simulator.
func (s *Sim) Limits() *kit.RateLimits { return s.limits }

// SetMaintenance replaces the weekly maintenance schedule (nil: none).
func (s *Sim) SetMaintenance(ws []MaintenanceWindow) {
	s.mu.Lock()
	s.maintenance = ws
	s.mu.Unlock()
}

// InMaintenance reports whether t falls in a maintenance window.
func (s *Sim) InMaintenance(t time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	j := t.In(marketplace.JST)
	midnight := time.Date(j.Year(), j.Month(), j.Day(), 0, 0, 0, 0, marketplace.JST)
	off := j.Sub(midnight)
	for _, w := range s.maintenance {
		if j.Weekday() == w.Day && off >= w.From && off < w.Till {
			return true
		}
	}
	return false
}

// Shops implements sandbox.Simulator.
func (s *Sim) Shops() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.shopOrder...)
}

// Creds are one store's demo credentials.
type Creds struct {
	StoreID    string `json:"store_id"`
	ManagerKey string `json:"manager_key"`
	// OldManagerKey is a key re-issued since: it no longer authenticates,
	// as a replaced key would not [V3: re-issuing replaces the key].
	OldManagerKey string `json:"old_manager_key"`
}

// ShopCreds returns a store's credentials.
func (s *Sim) ShopCreds(id string) (Creds, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh, ok := s.shops[id]
	if !ok {
		return Creds{}, false
	}
	return sh.creds, true
}

// Credentials implements sandbox.Simulator. The API base is below /v2.
func (s *Sim) Credentials(baseURL string) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	shops := make([]Creds, 0, len(s.shopOrder))
	for _, id := range s.shopOrder {
		shops = append(shops, s.shops[id].creds)
	}
	demo := s.shops[DemoStoreID].creds
	return map[string]any{
		"simulated":       true,
		"base_url":        baseURL + "/v2",
		"store_id":        demo.StoreID,
		"manager_key":     demo.ManagerKey,
		"old_manager_key": demo.OldManagerKey,
		"shops":           shops,
		"note":            "ショップサーブAPIの仕様は未検証の提案に基づきます（README参照）",
	}
}

// ShopOptions describe a new simulated store.
type ShopOptions struct {
	ID     string
	Orders int           // orders spread evenly over Span ending now
	Span   time.Duration // default 30 days
}

// NewShop adds a store and returns its credentials.
func (s *Sim) NewShop(o ShopOptions) Creds {
	now := s.env.Clock.Now()
	if o.Span <= 0 {
		o.Span = 30 * 24 * time.Hour
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	seed := s.env.Seed + int64(len(s.shopOrder))*7919
	sh := newShop(o.ID, seed, now)
	sh.add(o.Orders, now, o.Span)
	s.shops[o.ID] = sh
	s.shopOrder = append(s.shopOrder, o.ID)
	return sh.creds
}

// AddOrders implements sandbox.Simulator: n orders dated now.
func (s *Sim) AddOrders(id string, n int) error {
	now := s.env.Clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	sh, ok := s.shops[id]
	if !ok {
		return fmt.Errorf("ショップ %s はありません", id)
	}
	sh.add(n, now, 0)
	return nil
}

// AddOrdersBetween adds n orders spread over [from, to] (tests).
func (s *Sim) AddOrdersBetween(id string, n int, from, to time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh, ok := s.shops[id]
	if !ok {
		return fmt.Errorf("ショップ %s はありません", id)
	}
	sh.add(n, to, to.Sub(from))
	return nil
}

// Stats implements sandbox.StatsReporter.
func (s *Sim) Stats(id string) []kit.Stat {
	now := s.env.Clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	sh := s.shops[id]
	if sh == nil {
		return nil
	}
	unconfirmed := 0
	for i := range sh.orders {
		if sh.orderStatus(i, now) == shopserve.OrderUnconfirmed {
			unconfirmed++
		}
	}
	return []kit.Stat{{Label: "注文", Value: len(sh.orders)}, {Label: "未確認", Value: unconfirmed}, {Label: "API確認済", Value: sh.confirmedByAPI},
		{Label: "出荷実績", Value: len(sh.shipped)}, {Label: "在庫更新", Value: sh.stockCalls}}
}

// Shipped returns what the store received as 出荷実績 for serial (tests).
func (s *Sim) Shipped(id, serial string) (Shipment, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh := s.shops[id]
	if sh == nil {
		return Shipment{}, false
	}
	i, ok := sh.index(serial)
	if !ok {
		return Shipment{}, false
	}
	x, ok := sh.shipped[i]
	return x, ok
}

// SetSlipNumber is the shop entering a provisional 問い合わせ番号 for an
// order in its admin (there is no API for it); the order's updated_at moves.
func (s *Sim) SetSlipNumber(id, serial, number string) error {
	now := s.env.Clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	sh := s.shops[id]
	if sh == nil {
		return fmt.Errorf("ショップ %s はありません", id)
	}
	i, ok := sh.index(serial)
	if !ok {
		return fmt.Errorf("受注 %s はありません", serial)
	}
	sh.slips[i] = slip{number: number, at: now.Unix()}
	return nil
}

// StockOf returns the stock recorded for an item code and option text.
func (s *Sim) StockOf(id, itemCode, options string) (Stock, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh := s.shops[id]
	if sh == nil {
		return Stock{}, false
	}
	x, ok := sh.stock[strings.TrimSpace(itemCode+" "+options)]
	return x, ok
}

// route is one endpoint; pattern segments in {} match anything.
type route struct {
	path, op string
	h        func(s *Sim, sh *shop, w http.ResponseWriter, r *http.Request, args []string, now time.Time)
}

var routes = []route{
	{"/v2" + shopserve.PathOrderRetrieve, shopserve.OpOrderRetrieve, (*Sim).retrieve},
	{"/v2" + shopserve.PathStatusUpdate, shopserve.OpStatusUpdate, (*Sim).statusUpdate},
	{"/v2" + shopserve.PathItemsSearch, shopserve.OpItemsSearch, (*Sim).itemsSearch},
	{"/v2" + shopserve.PathItemStock, shopserve.OpItemStock, (*Sim).itemStock},
}

// match compares a path with a pattern whose {name} segments capture.
func match(pattern, path string) ([]string, bool) {
	ps, xs := strings.Split(pattern, "/"), strings.Split(path, "/")
	if len(ps) != len(xs) {
		return nil, false
	}
	var args []string
	for i := range ps {
		if strings.HasPrefix(ps[i], "{") && strings.HasSuffix(ps[i], "}") && xs[i] != "" {
			args = append(args, xs[i])
			continue
		}
		if ps[i] != xs[i] {
			return nil, false
		}
	}
	return args, true
}

// ServeHTTP serves the API on its real paths (the sandbox strips
// /sandbox/shopserve).
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var rt *route
	var args []string
	for i := range routes {
		if a, ok := match(routes[i].path, r.URL.Path); ok {
			rt, args = &routes[i], a
			break
		}
	}
	if rt == nil {
		writeErr(w, http.StatusNotFound, shopserve.CodeNotFound, "", "Not Found")
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeErr(w, http.StatusMethodNotAllowed, shopserve.CodeInvalidParameter, "", "Method Not Allowed")
		return
	}
	now := s.env.Clock.Now()
	// The whole API closes during maintenance, before authentication.
	if s.InMaintenance(now) {
		maintenance(w)
		return
	}
	sh := s.authenticate(r)
	if sh == nil {
		writeErr(w, http.StatusUnauthorized, shopserve.CodeUnauthorized, "", "認証に失敗しました")
		return
	}
	if !s.limits.Allow(sh.creds.StoreID, "api", limitRate, limitBurst) {
		w.Header().Set("Retry-After", "1")
		writeErr(w, http.StatusTooManyRequests, shopserve.CodeTooManyRequests, "", "Too Many Requests")
		return
	}
	if f, ok := s.faults.Take(sh.creds.StoreID, rt.op); ok {
		switch f.Kind {
		case kit.FaultThrottle:
			w.Header().Set("Retry-After", "1")
			writeErr(w, http.StatusTooManyRequests, shopserve.CodeTooManyRequests, "", "Too Many Requests")
			return
		case kit.FaultServerError:
			writeErr(w, http.StatusInternalServerError, shopserve.CodeInternal, "", "Internal Server Error")
			return
		case kit.FaultMaintenance:
			maintenance(w)
			return
		case kit.FaultTimeout:
			kit.Hold(r, 2*time.Minute)
			http.Error(w, "Gateway Timeout", http.StatusGatewayTimeout)
			return
		case kit.FaultSlow:
			kit.Hold(r, f.Delay)
		case kit.FaultMalformed:
			w.Header().Set("Content-Type", shopserve.ContentTypeJSON)
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(`{"total_count":3,"orders":[{"serial_code":"2026`))
			return
		}
	}
	rt.h(s, sh, w, r, args, now)
}

// authenticate finds the store of the Basic header. A store under the
// expired-credential fault behaves as if its key had been re-issued.
func (s *Sim) authenticate(r *http.Request) *shop {
	raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Basic ")
	if !ok {
		return nil
	}
	dec, err := base64.StdEncoding.DecodeString(strings.TrimSpace(raw))
	if err != nil {
		return nil
	}
	id, key, ok := strings.Cut(string(dec), ":")
	if !ok {
		return nil
	}
	s.mu.Lock()
	sh := s.shops[id]
	s.mu.Unlock()
	if sh == nil || key != sh.creds.ManagerKey || s.faults.Active(id, kit.FaultExpiredCredential) {
		return nil
	}
	return sh
}

func maintenance(w http.ResponseWriter) {
	w.Header().Set("Retry-After", "3600")
	writeErr(w, http.StatusServiceUnavailable, shopserve.CodeMaintenance, "", "メンテナンス中")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", shopserve.ContentTypeJSON)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeErr(w http.ResponseWriter, status int, code, field, msg string) {
	writeJSON(w, status, shopserve.ErrorResponse{Errors: []shopserve.ErrorItem{{Code: code, Field: field, Message: msg}}})
}

// managerKey derives a stable 40-hex key from the store and seed.
func managerKey(id string, seed int64, salt string) string {
	h := sha1.Sum([]byte(id + "\x00" + strconv.FormatInt(seed, 10) + "\x00" + salt))
	return hex.EncodeToString(h[:])
}
