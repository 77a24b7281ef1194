// Package interparksim simulates Interpark's seller order API
// (OrderClmAPI.do) on its real path and parameter names, answering EUC-KR
// XML. What ../shared/marketplaces/interpark.md proposes [I] (state 40
// before acknowledgement, error codes, paging of the order lists, 1
// request/second, maintenance) is implemented as proposed and marked so.
package interparksim

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/interpark"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
)

// Demo seller every sandbox starts with.
const (
	DemoShopID     = "RENKEI01"
	DemoCompanyNo  = "3000010614"
	DemoContractNo = "1"
)

// Gateway limit per seller [I]: 1/s with a burst of 2 for network jitter.
var pace = kit.Pace{Rate: 1, Burst: 2}

// codeBadParam answers a list call with missing or wrong dates [I].
const codeBadParam = "101"

// Sim is the Interpark simulator.
type Sim struct {
	kit.Base[Creds, *shop]
}

// Creds are one seller's identifiers.
type Creds struct {
	ShopID     string `json:"shop_id"`
	CompanyNo  string `json:"company_no"`
	ContractNo string `json:"supply_contract_no"`
}

// rec is the per-order state; the rest is regenerated from the seed.
type rec struct {
	idx     int
	at      int64  // ORDER_DTS, unix seconds
	ackedAt int64  // acknowledged by orderListForSingle; 0 = 新規注文
	shipped uint32 // bit n: line ORD_SEQ n+1 reported shipped (70)
	allShip bool   // every line shipped: off the ship-target list
}

type shop struct {
	creds  Creds
	gen    *kit.Gen
	seed   uint64
	orders []rec
	acks   int
	calls  int
	// received lists the delvCompForComm calls accepted, for tests and the page.
	received []Shipped
}

// Shipped is one accepted delvCompForComm call.
type Shipped struct {
	OrderNo, Seq, Date, Carrier, Tracking string
}

// New builds the simulator with its demo seller: 120 orders over the last
// 14 days of the sandbox clock.
func New(env kit.Env) *Sim {
	s := &Sim{}
	s.Init(env)
	s.NewShop(ShopOptions{Creds: Creds{ShopID: DemoShopID, CompanyNo: DemoCompanyNo, ContractNo: DemoContractNo}, Orders: 120, Span: 14 * 24 * time.Hour})
	return s
}

// Name implements sandbox.Simulator.
func (s *Sim) Name() string { return marketplace.Interpark }

// Credentials implements sandbox.Simulator.
func (s *Sim) Credentials(baseURL string) any {
	demo, _ := s.ShopCreds(DemoShopID)
	return s.Listing(baseURL, map[string]any{
		"shop_id":            demo.ShopID,
		"company_no":         demo.CompanyNo,
		"supply_contract_no": demo.ContractNo,
		"note":               "Interparkは3つの販売者識別子が認証情報です（トークンなし）。応答はEUC-KRのXMLです。",
	})
}

// ShopOptions describe a new seller.
type ShopOptions struct {
	Creds  Creds         // ShopID required; the numbers are derived when empty
	Orders int           // spread evenly over Span ending now
	Span   time.Duration // default 14 days
}

// NewShop adds a seller and returns its identifiers.
func (s *Sim) NewShop(o ShopOptions) Creds {
	return s.Open(o.Orders, o.Span, 14*24*time.Hour, func(_ int, seed int64, now time.Time) (string, *shop) {
		if o.Creds.CompanyNo == "" {
			o.Creds.CompanyNo = fmt.Sprintf("30000%05d", uint32(seed)%100000)
		}
		if o.Creds.ContractNo == "" {
			o.Creds.ContractNo = "1"
		}
		return o.Creds.ShopID, &shop{creds: o.Creds, gen: kit.NewGen(seed, now), seed: uint64(seed)}
	}).creds
}

// Creds implements kit.Shop.
func (sh *shop) Creds() Creds { return sh.creds }

// Add implements kit.Shop: never before the newest order, so the slice
// stays sorted.
func (sh *shop) Add(n int, from, to time.Time) {
	sh.orders = kit.AppendSpread(sh.orders, n, from, to, func(r rec) int64 { return r.at },
		func(i int, at int64) rec { return rec{idx: i, at: at} })
}

// Acknowledged counts the seller's orders moved to 発送対象 by the
// new-order list.
func (s *Sim) Acknowledged(shopID string) int {
	return kit.Query(&s.Base, shopID, func(sh *shop) int { return sh.acks })
}

// Listable counts the seller's orders the two lists can return (not
// cancelled), in [from, to).
func (s *Sim) Listable(shopID string, from, to time.Time) int {
	return kit.Query(&s.Base, shopID, func(sh *shop) int {
		n := 0
		for _, o := range sh.orders {
			if o.at >= from.Unix() && o.at < to.Unix() && !sh.gen.Traits(o.idx).Cancel {
				n++
			}
		}
		return n
	})
}

// Stats implements sandbox.StatsReporter.
func (s *Sim) Stats(shopID string) []kit.Stat {
	return kit.Query(&s.Base, shopID, func(sh *shop) []kit.Stat {
		fresh := 0
		for _, o := range sh.orders {
			if o.ackedAt == 0 && !sh.gen.Traits(o.idx).Cancel {
				fresh++
			}
		}
		return []kit.Stat{
			{Label: "注文数", Value: len(sh.orders)},
			{Label: "新規注文（未確認）", Value: fresh},
			{Label: "発送対象に更新した注文", Value: sh.acks},
			{Label: "受信した発送完了（明細）", Value: len(sh.received)},
			{Label: "API呼び出し", Value: sh.calls},
		}
	})
}

// ServeHTTP serves OrderClmAPI.do.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != interpark.PathOrderAPI {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, "Bad Request", http.StatusBadRequest)
		return
	}
	op := r.Form.Get(interpark.ParamMethod)
	sh := s.authenticate(r)
	if sh == nil {
		writeResult(w, http.StatusOK, interpark.CodeAuthFailed, interpark.MsgAuthFailed) // [I]
		return
	}
	id := sh.creds.ShopID
	if !s.Admit(w, r, id, op, "order", pace, replies) {
		return
	}
	switch op {
	case interpark.MethodNewOrders, interpark.MethodShipTargets:
		s.list(w, r, sh, op)
	case interpark.MethodShipComplete:
		s.shipComplete(w, r, sh)
	default:
		writeResult(w, http.StatusOK, codeBadParam, "지원하지 않는 _method 입니다: "+op) // [I]
	}
}

// replies are the API's answers to the injected faults; over the limit it
// answers as the throttle fault does [I].
var replies = kit.Replies{
	Throttle: func(w http.ResponseWriter) {
		writeResult(w, http.StatusTooManyRequests, interpark.CodeThrottled, interpark.MsgThrottled) // [I]
	},
	ServerError: func(w http.ResponseWriter) {
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
	},
	Maintenance: func(w http.ResponseWriter) {
		writeResult(w, http.StatusServiceUnavailable, interpark.CodeMaintenance, interpark.MsgMaintenance) // [I]
	},
	Malformed:     `<?xml version="1.0" encoding="euc-kr"?><ORDER_LIST><ORDER><ORD_NO>2026`,
	MalformedType: interpark.ContentType,
}

// authenticate finds the seller of the three identifiers. A standing
// expired-credential fault stands for a revoked supply contract.
func (s *Sim) authenticate(r *http.Request) *shop {
	id := r.Form.Get(interpark.ParamShopID)
	s.Mu.Lock()
	defer s.Mu.Unlock()
	sh := s.Shop(id)
	if sh == nil {
		return nil
	}
	// Write operations (…ForComm) carry the shop ID alone [V3].
	write := strings.HasSuffix(r.Form.Get(interpark.ParamMethod), "ForComm")
	if !write && (r.Form.Get(interpark.ParamCompanyNo) != sh.creds.CompanyNo || r.Form.Get(interpark.ParamContractNo) != sh.creds.ContractNo) {
		return nil
	}
	if s.Faults().Active(id, kit.FaultExpiredCredential) {
		return nil
	}
	sh.calls++
	return sh
}

// list answers orderListForSingle (new orders, acknowledged as they are
// returned) and orderListDelvForSingle (acknowledged ones). Windows apply
// to ORDER_DTS, both ends inclusive to the second [I].
func (s *Sim) list(w http.ResponseWriter, r *http.Request, sh *shop, op string) {
	from, err1 := interpark.ParseTime(r.Form.Get(interpark.ParamStartDate))
	to, err2 := interpark.ParseTime(r.Form.Get(interpark.ParamEndDate))
	if err1 != nil || err2 != nil || to.Before(from) {
		writeResult(w, http.StatusOK, codeBadParam, "sc.strDate, sc.endDate 형식이 올바르지 않습니다 (yyyyMMddHHmmss)")
		return
	}
	page := 1
	if v := r.Form.Get(interpark.ParamPageNo); v != "" {
		if p, err := strconv.Atoi(v); err == nil && p > 0 {
			page = p
		}
	}
	now := s.Now()
	s.Mu.Lock()
	lo := sort.Search(len(sh.orders), func(i int) bool { return sh.orders[i].at >= from.Unix() })
	var hits []int
	for i := lo; i < len(sh.orders) && sh.orders[i].at <= to.Unix(); i++ {
		o := sh.orders[i]
		if sh.gen.Traits(o.idx).Cancel {
			continue // cancelled before the seller saw it
		}
		if o.allShip {
			continue // 発送済み: on neither list
		}
		if (op == interpark.MethodNewOrders) == (o.ackedAt == 0) {
			hits = append(hits, i)
		}
	}
	pages := marketplace.Pages(len(hits), interpark.PageSize)
	var pick []int
	if start := (page - 1) * interpark.PageSize; start < len(hits) {
		pick = hits[start:min(start+interpark.PageSize, len(hits))]
	}
	out := make([]rec, len(pick))
	for k, i := range pick {
		out[k] = sh.orders[i]
		if op == interpark.MethodNewOrders {
			sh.orders[i].ackedAt = now.Unix()
			sh.acks++
		}
	}
	s.Mu.Unlock()
	writeOrders(w, sh, out, pages)
}

// orderNo is the 20-digit ORD_NO: ORDER_DTS and a six-digit sequence.
func orderNo(o rec) string {
	return interpark.FormatTime(time.Unix(o.at, 0)) + fmt.Sprintf("%06d", o.idx%1000000)
}

func (sh *shop) rand(o rec) *rand.Rand {
	return rand.New(rand.NewPCG(sh.seed^0x1a7e9a2c, uint64(o.idx)+1))
}

// Shipments returns the shipments the seller's delvCompForComm accepted.
func (s *Sim) Shipments(shopID string) []Shipped {
	return kit.Query(&s.Base, shopID, func(sh *shop) []Shipped { return append([]Shipped(nil), sh.received...) })
}

// shipComplete answers delvCompForComm: 発送対象 (50) lines move to 70;
// the refusals carry the Korean texts integrators saw [V3].
func (s *Sim) shipComplete(w http.ResponseWriter, r *http.Request, sh *shop) {
	f := r.Form
	no, seqText := f.Get(interpark.ParamOrderNo), f.Get(interpark.ParamOrderSeq)
	date, carrier, tracking := f.Get(interpark.ParamShipDate), f.Get(interpark.ParamCarrier), f.Get(interpark.ParamTrackingNo)
	if _, err := time.Parse(interpark.DateLayout, date); err != nil || carrier == "" || tracking == "" || strings.Trim(tracking, "0123456789") != "" {
		writeResult(w, http.StatusOK, codeBadParam, "sc.delvDt, sc.delvEntrNo, sc.invoNo 를 확인하세요")
		return
	}
	now := s.Now()
	s.Mu.Lock()
	i := -1
	for k := range sh.orders {
		if orderNo(sh.orders[k]) == no {
			i = k
			break
		}
	}
	seq, err := strconv.Atoi(seqText)
	var lines int
	if i >= 0 {
		lines = len(sh.gen.Order(sh.orders[i].idx).Lines)
	}
	var code, msg string
	switch {
	case i < 0 || err != nil || seq < 1 || seq > lines || sh.gen.Traits(sh.orders[i].idx).Cancel:
		code, msg = interpark.CodeRefused, interpark.MsgNoSuchOrder
	case sh.orders[i].shipped&(1<<(seq-1)) != 0:
		code, msg = interpark.CodeRefused, interpark.MsgAlreadyShipped
	case sh.orders[i].ackedAt == 0:
		code, msg = interpark.CodeRefused, interpark.MsgWrongState
	case now.Sub(time.Unix(sh.orders[i].at, 0)) > interpark.ShipCompleteMaxDays*24*time.Hour:
		code, msg = interpark.CodeRefused, interpark.MsgTooOld
	default:
		o := &sh.orders[i]
		o.shipped |= 1 << (seq - 1)
		o.allShip = o.shipped == 1<<lines-1
		sh.received = append(sh.received, Shipped{OrderNo: no, Seq: seqText, Date: date, Carrier: carrier, Tracking: tracking})
		code, msg = interpark.CodeOK, "정상 처리되었습니다."
	}
	s.Mu.Unlock()
	writeResult(w, http.StatusOK, code, msg)
}

// OrderNumbers lists the seller's ORD_NOs, oldest first, without touching
// their state (tests, the sandbox page).
func (s *Sim) OrderNumbers(shopID string) []string {
	return kit.Query(&s.Base, shopID, func(sh *shop) []string {
		out := make([]string, len(sh.orders))
		for i, o := range sh.orders {
			out[i] = orderNo(o)
		}
		return out
	})
}
