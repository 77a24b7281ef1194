// Package sandbox is the local stand-in for every marketplace API: one
// http.Handler that mounts each simulator under /sandbox/<marketplace>/
// followed by the marketplace's real path, serves the demo credentials at
// /sandbox/credentials.json and a page (Japanese) to drive it by hand.
package sandbox

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
)

// Simulator is what every marketplace simulator implements to be mounted.
// ServeHTTP receives requests with /sandbox/<Name()> stripped, i.e. on the
// marketplace's real path.
type Simulator interface {
	http.Handler
	Name() string
	// Credentials returns the demo credentials and base URL(s), given the
	// simulator's own base URL (…/sandbox/<name>).
	Credentials(baseURL string) any
	// Shops lists the simulated shops (seller accounts).
	Shops() []string
	// AddOrders adds n new orders to shop, dated now on the sandbox clock.
	AddOrders(shop string, n int) error
	// AddOrdersBetween adds n orders to shop spread evenly from from to to
	// (kit.Shop.Add says whether at to), so tests fill a window exactly.
	AddOrdersBetween(shop string, n int, from, to time.Time) error
	Faults() *kit.Faults
	Limits() *kit.RateLimits
}

// StatsReporter is optionally implemented by a simulator to show, per
// shop, what it holds and what it received (orders, shipments, stock).
type StatsReporter interface {
	Stats(shop string) []kit.Stat
}

// Factory builds a simulator from the shared environment.
type Factory func(env kit.Env) Simulator

// Options configure a sandbox.
type Options struct {
	Seed  int64      // default 1
	Clock *kit.Clock // default: follows real time
	// RateFactor scales the published rate limits (default 1); set
	// RateLimitsOff to switch them off (benchmarks).
	RateFactor    float64
	RateLimitsOff bool
	// PublicURL is the sandbox's own base URL for credentials.json
	// ("http://127.0.0.1:8080"); default: taken from each request.
	PublicURL string
	// Simulators overrides the registered list (tests mounting one).
	Simulators []Factory
	// LiveInterval is how often live mode adds an order per shop (default 30s).
	LiveInterval time.Duration
}

// Server is the composite sandbox.
type Server struct {
	opts  Options
	env   kit.Env
	sims  []Simulator
	byKey map[string]Simulator
	mux   *http.ServeMux

	mu       sync.Mutex
	liveStop context.CancelFunc
}

// New builds the sandbox with every registered simulator.
func New(opts Options) *Server {
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	if opts.Clock == nil {
		opts.Clock = kit.NewClock()
	}
	if opts.RateFactor == 0 {
		opts.RateFactor = 1
	}
	if opts.RateLimitsOff {
		opts.RateFactor = -1
	}
	if opts.LiveInterval <= 0 {
		opts.LiveInterval = 30 * time.Second
	}
	factories := opts.Simulators
	if factories == nil {
		factories = Registered
	}
	s := &Server{
		opts:  opts,
		env:   kit.Env{Clock: opts.Clock, Seed: opts.Seed, RateFactor: opts.RateFactor},
		byKey: map[string]Simulator{},
		mux:   http.NewServeMux(),
	}
	for _, f := range factories {
		sim := f(s.env)
		s.sims = append(s.sims, sim)
		s.byKey[sim.Name()] = sim
		s.mux.Handle("/sandbox/"+sim.Name()+"/", http.StripPrefix("/sandbox/"+sim.Name(), sim))
	}
	s.mux.HandleFunc("GET /sandbox/credentials.json", s.credentials)
	s.mux.HandleFunc("GET /sandbox/{$}", s.page)
	s.mux.Handle("POST /sandbox/control/{action}", http.NewCrossOriginProtection().Handler(http.HandlerFunc(s.control)))
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Clock is the sandbox clock (tests advance it).
func (s *Server) Clock() *kit.Clock { return s.opts.Clock }

// Simulator returns the mounted simulator named key, or nil.
func (s *Server) Simulator(key string) Simulator { return s.byKey[key] }

// Simulators lists the mounted simulators in registration order.
func (s *Server) Simulators() []Simulator { return s.sims }

// SetFault injects a fault into one shop of one simulator.
func (s *Server) SetFault(key, shop string, f kit.Fault) {
	if sim := s.byKey[key]; sim != nil {
		sim.Faults().Set(shop, f)
	}
}

// ClearFaults removes the faults of a shop ("" = all shops) of a simulator.
func (s *Server) ClearFaults(key, shop string) {
	if sim := s.byKey[key]; sim != nil {
		sim.Faults().Clear(shop)
	}
}

// Live reports whether live mode is on.
func (s *Server) Live() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.liveStop != nil
}

// SetLive switches live mode, which adds one order per shop every
// LiveInterval of real time.
func (s *Server) SetLive(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if on == (s.liveStop != nil) {
		return
	}
	if !on {
		s.liveStop()
		s.liveStop = nil
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.liveStop = cancel
	go func() {
		t := time.NewTicker(s.opts.LiveInterval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				for _, sim := range s.sims {
					for _, shop := range sim.Shops() {
						_ = sim.AddOrders(shop, 1)
					}
				}
			}
		}
	}()
}

// Close stops live mode.
func (s *Server) Close() { s.SetLive(false) }

func (s *Server) baseURL(r *http.Request) string {
	if s.opts.PublicURL != "" {
		return strings.TrimSuffix(s.opts.PublicURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// Credentials returns what /sandbox/credentials.json serves, for base.
func (s *Server) Credentials(base string) map[string]any {
	out := map[string]any{}
	for _, sim := range s.sims {
		out[sim.Name()] = sim.Credentials(base + "/sandbox/" + sim.Name())
	}
	// Marketplaces without a simulator yet are listed so tools can tell
	// "not simulated" from "forgotten".
	for _, key := range []string{marketplace.Rakuten, marketplace.Amazon, marketplace.Futureshop, marketplace.Shopserve, marketplace.Interpark} {
		if _, ok := out[key]; !ok {
			out[key] = map[string]any{"simulated": false, "note": "このモールのシミュレーターはまだありません", "production_base_url": productionURL[key]}
		}
	}
	return out
}

// productionURL is what ../shared/marketplaces says about the real APIs of
// marketplaces not simulated yet.
var productionURL = map[string]string{
	marketplace.Futureshop: "https://{apiDomain}",
	marketplace.Shopserve:  "https://management.api.shopserve.jp/v2",
	marketplace.Interpark:  "https://joinapi.interpark.com/order/OrderClmAPI.do",
}

func (s *Server) credentials(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(s.Credentials(s.baseURL(r)))
}

func (s *Server) sortedKeys() []string {
	keys := make([]string, 0, len(s.byKey))
	for k := range s.byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
