package kit

import (
	"bytes"
	"io"
	"net/http"
	"sort"
	"sync"
	"time"
)

// FaultKind is a failure a simulator can be told to produce.
type FaultKind string

const (
	FaultThrottle          FaultKind = "throttle"           // 429 with the marketplace's throttling body
	FaultServerError       FaultKind = "server_error"       // 500
	FaultSlow              FaultKind = "slow"               // answer after Delay
	FaultTimeout           FaultKind = "timeout"            // hold the request until the client gives up
	FaultMalformed         FaultKind = "malformed"          // 200 with a truncated body
	FaultMaintenance       FaultKind = "maintenance"        // 503 maintenance
	FaultExpiredCredential FaultKind = "expired_credential" // the shop's valid credential is treated as expired
)

// FaultKinds lists every kind, in the order the sandbox page shows them.
var FaultKinds = []FaultKind{FaultThrottle, FaultServerError, FaultSlow, FaultTimeout, FaultMalformed, FaultMaintenance, FaultExpiredCredential}

// Label is the Japanese label of the fault for the sandbox page.
func (k FaultKind) Label() string {
	switch k {
	case FaultThrottle:
		return "アクセス制限（429）"
	case FaultServerError:
		return "サーバーエラー（500）"
	case FaultSlow:
		return "応答遅延"
	case FaultTimeout:
		return "タイムアウト"
	case FaultMalformed:
		return "壊れた応答"
	case FaultMaintenance:
		return "メンテナンス中（503）"
	case FaultExpiredCredential:
		return "認証情報の期限切れ"
	}
	return string(k)
}

// Fault is one injected failure. Times is how many requests it affects
// (0 = every request until cleared). Only, when set, limits it to one
// operation (the simulator's name for it, e.g. "searchOrder").
type Fault struct {
	Kind  FaultKind
	Times int
	Delay time.Duration // for FaultSlow; default 2s
	Only  string
}

// Faults holds the injected faults of every shop.
type Faults struct {
	mu     sync.Mutex
	byShop map[string][]*Fault
}

// NewFaults returns an empty set.
func NewFaults() *Faults { return &Faults{byShop: map[string][]*Fault{}} }

// Set adds a fault for shop.
func (f *Faults) Set(shop string, fault Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if fault.Kind == FaultSlow && fault.Delay <= 0 {
		fault.Delay = 2 * time.Second
	}
	f.byShop[shop] = append(f.byShop[shop], &fault)
}

// Clear removes every fault of shop ("" clears all shops).
func (f *Faults) Clear(shop string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if shop == "" {
		f.byShop = map[string][]*Fault{}
		return
	}
	delete(f.byShop, shop)
}

// Active reports whether a standing fault of kind is set for shop, without
// consuming it (used for states such as an expired credential).
func (f *Faults) Active(shop string, kind FaultKind) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, x := range f.byShop[shop] {
		if x.Kind == kind {
			return true
		}
	}
	return false
}

// Take returns the fault that applies to this request of shop and op, if
// any, counting it against its Times. State-like faults (expired
// credential) are not taken here: check them with Active.
func (f *Faults) Take(shop, op string) (Fault, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	list := f.byShop[shop]
	for i, x := range list {
		if x.Kind == FaultExpiredCredential || (x.Only != "" && x.Only != op) {
			continue
		}
		out := *x
		if x.Times > 0 {
			x.Times--
			if x.Times == 0 {
				f.byShop[shop] = append(list[:i:i], list[i+1:]...)
			}
		}
		return out, true
	}
	return Fault{}, false
}

// List returns the faults of shop, for the sandbox page.
func (f *Faults) List(shop string) []Fault {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]Fault, 0, len(f.byShop[shop]))
	for _, x := range f.byShop[shop] {
		out = append(out, *x)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Kind < out[j].Kind })
	return out
}

// Hold waits for d or until the client goes away, whichever is first.
func Hold(r *http.Request, d time.Duration) {
	// The server notices a client hanging up only once the body is read;
	// keep it for the handler that may answer after the wait.
	b, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(b))
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-r.Context().Done():
	case <-t.C:
	}
}
