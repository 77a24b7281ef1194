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
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
	"github.com/renkei-oss/renkei/marketplace/shopserve"
)

// DemoStoreID is the store every sandbox starts with.
const DemoStoreID = "demo.wc"

// limit is the proposal's 1 request/second per store [I]; a burst of 2
// forgives network jitter of a client paced at 1/s.
var pace = kit.Pace{Rate: 1, Burst: 2}

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
	kit.Base[Creds, *shop]
	maintenance []MaintenanceWindow
}

// New builds the simulator with its demo store: 200 orders over the last
// 30 days of the sandbox clock, and the weekly maintenance window.
func New(env kit.Env) *Sim {
	s := &Sim{maintenance: DefaultMaintenance}
	s.Init(env)
	s.NewShop(ShopOptions{ID: DemoStoreID, Orders: 200, Span: 30 * 24 * time.Hour})
	return s
}

// Name implements sandbox.Simulator.
func (s *Sim) Name() string { return marketplace.Shopserve }

// SetMaintenance replaces the weekly maintenance schedule (nil: none).
func (s *Sim) SetMaintenance(ws []MaintenanceWindow) {
	s.Mu.Lock()
	s.maintenance = ws
	s.Mu.Unlock()
}

// InMaintenance reports whether t falls in a maintenance window.
func (s *Sim) InMaintenance(t time.Time) bool {
	s.Mu.Lock()
	defer s.Mu.Unlock()
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

// Creds are one store's demo credentials.
type Creds struct {
	StoreID    string `json:"store_id"`
	ManagerKey string `json:"manager_key"`
	// OldManagerKey is a key re-issued since: it no longer authenticates,
	// as a replaced key would not [V3: re-issuing replaces the key].
	OldManagerKey string `json:"old_manager_key"`
}

// Credentials implements sandbox.Simulator. The API base is below /v2.
func (s *Sim) Credentials(baseURL string) any {
	demo, _ := s.ShopCreds(DemoStoreID)
	return s.Listing(baseURL+"/v2", map[string]any{
		"store_id":        demo.StoreID,
		"manager_key":     demo.ManagerKey,
		"old_manager_key": demo.OldManagerKey,
		"note":            "ショップサーブAPIの仕様は未検証の提案に基づきます（README参照）",
	})
}

// ShopOptions describe a new simulated store.
type ShopOptions struct {
	ID     string
	Orders int           // orders spread evenly over Span ending now
	Span   time.Duration // default 30 days
}

// NewShop adds a store and returns its credentials.
func (s *Sim) NewShop(o ShopOptions) Creds {
	return s.Open(o.Orders, o.Span, 30*24*time.Hour, func(_ int, seed int64, now time.Time) (string, *shop) {
		return o.ID, newShop(o.ID, seed, now)
	}).creds
}

// Stats implements sandbox.StatsReporter.
func (s *Sim) Stats(id string) []kit.Stat {
	now := s.Now()
	return kit.Query(&s.Base, id, func(sh *shop) []kit.Stat {
		unconfirmed := 0
		for i := range sh.orders {
			if sh.orderStatus(i, now) == shopserve.OrderUnconfirmed {
				unconfirmed++
			}
		}
		return []kit.Stat{{Label: "注文", Value: len(sh.orders)}, {Label: "未確認", Value: unconfirmed}, {Label: "API確認済", Value: sh.confirmedByAPI},
			{Label: "出荷実績", Value: len(sh.shipped)}, {Label: "在庫更新", Value: sh.stockCalls}}
	})
}

// Shipment returns what the store received as 出荷実績 for serial (tests).
func (s *Sim) Shipment(id, serial string) (Shipment, bool) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	sh := s.Shop(id)
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
	now := s.Now()
	return kit.Query(&s.Base, id, func(sh *shop) error {
		i, ok := sh.index(serial)
		if !ok {
			return fmt.Errorf("受注 %s はありません", serial)
		}
		sh.slips[i] = slip{number: number, at: now.Unix()}
		return nil
	})
}

// Stock returns the stock recorded for an item code and option text.
func (s *Sim) Stock(id, itemCode, options string) (Stock, bool) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	sh := s.Shop(id)
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
	now := s.Now()
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
	if !s.Admit(w, r, sh.creds.StoreID, rt.op, "api", pace, replies) {
		return
	}
	rt.h(s, sh, w, r, args, now)
}

// authenticate finds the store of the Basic header. A store under the
// expired-credential fault behaves as if its key had been re-issued.
func (s *Sim) authenticate(r *http.Request) *shop {
	id, key, ok := kit.SchemeCredentials(r, "Basic")
	if !ok {
		return nil
	}
	s.Mu.Lock()
	sh := s.Shop(id)
	s.Mu.Unlock()
	if sh == nil || key != sh.creds.ManagerKey || s.Faults().Active(id, kit.FaultExpiredCredential) {
		return nil
	}
	return sh
}

func maintenance(w http.ResponseWriter) {
	w.Header().Set("Retry-After", "3600")
	writeErr(w, http.StatusServiceUnavailable, shopserve.CodeMaintenance, "", "メンテナンス中")
}

// replies are the API's answers to the injected faults; over the limit it
// answers as the throttle fault does.
var replies = kit.Replies{
	Throttle: func(w http.ResponseWriter) {
		w.Header().Set("Retry-After", "1")
		writeErr(w, http.StatusTooManyRequests, shopserve.CodeTooManyRequests, "", "Too Many Requests")
	},
	ServerError: func(w http.ResponseWriter) {
		writeErr(w, http.StatusInternalServerError, shopserve.CodeInternal, "", "Internal Server Error")
	},
	Maintenance: maintenance,
	Malformed:   `{"total_count":3,"orders":[{"serial_code":"2026`, MalformedType: shopserve.ContentTypeJSON,
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	kit.WriteJSON(w, status, shopserve.ContentTypeJSON, v)
}

func writeErr(w http.ResponseWriter, status int, code, field, msg string) {
	writeJSON(w, status, shopserve.ErrorResponse{Errors: []shopserve.ErrorItem{{Code: code, Field: field, Message: msg}}})
}

// managerKey derives a stable 40-hex key from the store and seed.
func managerKey(id string, seed int64, salt string) string {
	h := sha1.Sum([]byte(id + "\x00" + strconv.FormatInt(seed, 10) + "\x00" + salt))
	return hex.EncodeToString(h[:])
}
