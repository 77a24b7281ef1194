package shopservesim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
	"github.com/renkei-oss/renkei/marketplace/shopserve"
)

// rec is the lean per-order state; the rest is regenerated from the seed
// and the order's index, so a store can hold a million orders.
type rec struct {
	at          int64 // ordered_at, unix seconds
	confirmedAt int64 // V2-M-0012 to confirmed; 0 = not
}

type shop struct {
	creds          Creds
	gen            *kit.Gen
	orders         []rec // sorted by at
	confirmedByAPI int
	shipped        map[int]Shipment // by order index
	slips          map[int]slip     // provisional 問い合わせ番号 entered later, by order index
	stock          map[string]Stock // by item code + " " + option text
	stockCalls     int
}

// Shipment is what V2-M-0012 recorded for an order (tests read it).
type Shipment struct {
	SlipNumber, DeliveryCompany, ShippedOn string
	At                                     int64
}

// slip is a provisional 問い合わせ番号 the shop entered in its admin.
type slip struct {
	number string
	at     int64
}

// Stock is what V2-M-0019 recorded for an item or option.
type Stock struct {
	Quantity         int
	Unlimited        bool
	LowStockQuantity string
}

func newShop(id string, seed int64, now time.Time) *shop {
	return &shop{
		creds:   Creds{StoreID: id, ManagerKey: managerKey(id, seed, "key"), OldManagerKey: managerKey(id, seed, "old")},
		gen:     kit.NewGen(seed, now),
		shipped: map[int]Shipment{},
		slips:   map[int]slip{},
		stock:   map[string]Stock{},
	}
}

// Creds implements kit.Shop.
func (sh *shop) Creds() Creds { return sh.creds }

// Add implements kit.Shop: never before the newest existing order, so the
// slice stays sorted.
func (sh *shop) Add(n int, from, to time.Time) {
	sh.orders = kit.AppendSpread(sh.orders, n, from, to, func(r rec) int64 { return r.at },
		func(i int, at int64) rec { return rec{at: at} })
}

// serial is the order's serial_code: its order date and a six-digit
// sequence (the notes' example "20260101000123") [I].
func (sh *shop) serial(i int) string {
	return time.Unix(sh.orders[i].at, 0).In(marketplace.JST).Format("20060102") + fmt.Sprintf("%06d", i+1)
}

func (sh *shop) index(serial string) (int, bool) {
	if len(serial) < 14 {
		return 0, false
	}
	n, err := strconv.Atoi(serial[8:])
	if err != nil || n < 1 || n > len(sh.orders) {
		return 0, false
	}
	return n - 1, sh.serial(n-1) == serial
}

// cancelAfter: a buyer who cancels does so two hours after ordering.
const cancelAfter = 2 * 3600

func (sh *shop) cancelled(i int, now time.Time) bool {
	return sh.gen.Traits(i).Cancel && sh.orders[i].confirmedAt == 0 && now.Unix() >= sh.orders[i].at+cancelAfter
}

func (sh *shop) orderStatus(i int, now time.Time) string {
	switch {
	case sh.cancelled(i, now):
		return shopserve.OrderCancelled
	case sh.orders[i].confirmedAt != 0:
		return shopserve.OrderConfirmed
	}
	return shopserve.OrderUnconfirmed
}

func (sh *shop) updatedAt(i int) int64 {
	u := sh.statusUpdatedAt(i)
	if s, ok := sh.slips[i]; ok && s.at > u {
		u = s.at
	}
	return u
}

func (sh *shop) statusUpdatedAt(i int) int64 {
	r := sh.orders[i]
	if s, ok := sh.shipped[i]; ok {
		return s.At
	}
	if r.confirmedAt != 0 {
		return r.confirmedAt
	}
	if sh.gen.Traits(i).Cancel {
		return r.at + cancelAfter
	}
	return r.at
}

// hasSlip: the shop sets a provisional 問い合わせ番号 on nine orders in ten;
// the tenth waits for the shop (SetSlipNumber) and is not imported (seed).
func hasSlip(i int) bool { return i%10 != 9 }

// payment maps the generator's methods to ShopServe codes and names.
func payment(p kit.PaymentMethod) (code, name string) {
	switch {
	case p.COD:
		return shopserve.PayCOD, "代金引換"
	case p.Deferred:
		return shopserve.PayDeferred, "後払い"
	case p.Name == "銀行振込":
		return shopserve.PayBankTransfer, "銀行振込"
	case p.Prepaid:
		return shopserve.PayConvenience, "コンビニ(番号端末式)"
	case p.Name == "Apple Pay":
		return shopserve.PayPayPay, "PayPay"
	}
	return shopserve.PayCreditCard, "クレジットカード"
}

func day(unix int64) string {
	return time.Unix(unix, 0).In(marketplace.JST).Format(shopserve.DateLayout)
}

func stamp(unix int64) string {
	return time.Unix(unix, 0).In(marketplace.JST).Format(shopserve.TimeLayout)
}

// order renders order i as V2-M-0024 returns it.
func (sh *shop) order(i int, now time.Time) shopserve.OrderJSON {
	d := sh.gen.Order(i)
	r := sh.orders[i]
	code, name := payment(d.Payment)
	o := shopserve.OrderJSON{
		SerialCode:     sh.serial(i),
		OrderNumber:    strconv.Itoa(i + 1),
		OrderedAt:      stamp(r.at),
		UpdatedAt:      stamp(sh.updatedAt(i)),
		OrderStatus:    sh.orderStatus(i, now),
		ShippingStatus: shopserve.ShippingNotShipped,
		PaymentStatus:  shopserve.PaymentUnpaid,
		Orderer:        person(d.Buyer, true),
		Payment:        shopserve.PaymentJSON{MethodCode: code},
	}
	switch {
	case code == shopserve.PayCreditCard || code == shopserve.PayPayPay:
		o.PaymentStatus = shopserve.PaymentPaid
		p := day(r.at)
		o.Payment.PaidOn = &p
	case d.Payment.Prepaid && now.Unix() >= r.at+int64(d.PayDelay/time.Second):
		o.PaymentStatus = shopserve.PaymentPaid
		p := day(r.at + int64(d.PayDelay/time.Second))
		o.Payment.PaidOn = &p
	case code == shopserve.PayDeferred && now.Unix() >= r.at+3600:
		o.Payment.CreditStatus = shopserve.CreditApproved
	}
	del := shopserve.DeliveryJSON{DeliveryNo: 1, PersonJSON: person(d.Recipient, false), DeliveryMethodName: d.Delivery, DeliveryCompany: "ヤマト運輸",
		DesiredTime: d.Slot.Name}
	if d.RequestedInDays > 0 {
		del.DesiredDate = day(r.at + int64(d.RequestedInDays)*86400)
	}
	if hasSlip(i) {
		del.SlipNumber = fmt.Sprintf("9%011d", i+1)
	}
	if s, ok := sh.slips[i]; ok {
		del.SlipNumber = s.number
	}
	if s, ok := sh.shipped[i]; ok {
		o.ShippingStatus = shopserve.ShippingShipped
		del.SlipNumber, del.DeliveryCompany = s.SlipNumber, s.DeliveryCompany
		on := s.ShippedOn
		del.ShippedOn = &on
	}
	var goods, tax int64
	for _, l := range d.Lines {
		opt := ""
		if l.Variant.Options != "" {
			opt = l.Variant.VariantID
		}
		rate := l.Item.TaxRate * 100
		del.Items = append(del.Items, shopserve.ItemJSON{ItemCode: l.Item.ItemNumber, OptionCode: opt, OriginalCode: l.Variant.SKU,
			Name: l.Item.Name, OptionText: l.Variant.Options, UnitPrice: l.Variant.Price, Quantity: l.Qty, TaxRate: rate})
		sum := l.Variant.Price * int64(l.Qty)
		goods += sum
		tax += sum * int64(rate) / int64(100+rate)
	}
	o.Deliveries = []shopserve.DeliveryJSON{del}
	cod := int64(0)
	if code == shopserve.PayCOD {
		cod = 330
	}
	o.Basic = shopserve.BasicJSON{PaymentMethodName: name, ItemTotal: goods, Postage: d.Postage, CODFee: cod, Tax: tax,
		TotalPrice: goods + d.Postage + cod, Note: d.Remarks}
	return o
}

func person(p kit.Person, mail bool) shopserve.PersonJSON {
	out := shopserve.PersonJSON{Name: p.Family + " " + p.Given, Kana: p.FamilyKana + " " + p.GivenKana,
		Zip: p.Postal[:3] + "-" + p.Postal[3:], Prefecture: p.Pref, Address1: p.City + p.Street, Address2: p.Building, Tel: p.Phone}
	if mail {
		out.MailAddress = p.MailLocal + "@example.jp"
	}
	return out
}

// retrieve is V2-M-0024: orders whose ordered_at (or updated_at) falls in
// the inclusive seconds [since, until], oldest first, from/size paged.
func (s *Sim) retrieve(sh *shop, w http.ResponseWriter, r *http.Request, _ []string, now time.Time) {
	var req shopserve.RetrieveRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeErr(w, http.StatusBadRequest, shopserve.CodeInvalidParameter, "", "JSONを読み取れません")
		return
	}
	if len(req.SerialCodes) > 0 {
		s.bySerial(sh, w, req, now)
		return
	}
	since, err := shopserve.ParseTime(req.Since)
	if err != nil {
		writeErr(w, http.StatusBadRequest, shopserve.CodeInvalidParameter, "since", "sinceは必須です（yyyy-MM-dd HH:mm:ss）")
		return
	}
	until := now
	if req.Until != "" {
		if until, err = shopserve.ParseTime(req.Until); err != nil {
			writeErr(w, http.StatusBadRequest, shopserve.CodeInvalidParameter, "until", "untilの形式が正しくありません")
			return
		}
	}
	switch {
	case until.Before(since):
		writeErr(w, http.StatusBadRequest, shopserve.CodeInvalidParameter, "until", "untilはsince以降にしてください")
		return
	case until.Sub(since) > shopserve.MaxWindowDays*24*time.Hour:
		writeErr(w, http.StatusBadRequest, shopserve.CodeInvalidParameter, "until", "期間は1週間以内で指定してください")
		return
	case since.Before(now.AddDate(0, 0, -shopserve.MaxAgeDays)):
		writeErr(w, http.StatusBadRequest, shopserve.CodeInvalidParameter, "since", "2年以上前の受注は検索できません")
		return
	case req.Size < 1 || req.Size > shopserve.MaxPageSize || req.From < 0:
		writeErr(w, http.StatusBadRequest, shopserve.CodeInvalidParameter, "size", "sizeは1〜100、fromは0以上です")
		return
	case req.DateType != "" && req.DateType != shopserve.DateTypeOrdered && req.DateType != shopserve.DateTypeUpdated:
		writeErr(w, http.StatusBadRequest, shopserve.CodeInvalidParameter, "date_type", "date_typeが正しくありません")
		return
	}
	want := map[string]bool{}
	for _, st := range req.OrderStatus {
		want[st] = true
	}
	lo, hi := since.Unix(), until.Unix()
	s.Mu.Lock()
	var hits []int
	first, last := 0, len(sh.orders)
	if req.DateType != shopserve.DateTypeUpdated {
		first = sort.Search(len(sh.orders), func(i int) bool { return sh.orders[i].at >= lo })
		last = sort.Search(len(sh.orders), func(i int) bool { return sh.orders[i].at > hi })
	}
	for i := first; i < last; i++ {
		if req.DateType == shopserve.DateTypeUpdated {
			if u := sh.updatedAt(i); u < lo || u > hi || u > now.Unix() {
				continue
			}
		}
		if len(want) > 0 && !want[sh.orderStatus(i, now)] {
			continue
		}
		hits = append(hits, i)
	}
	resp := shopserve.RetrieveResponse{TotalCount: new(len(hits)), Orders: []shopserve.OrderJSON{}}
	for k := req.From; k < len(hits) && k < req.From+req.Size; k++ {
		resp.Orders = append(resp.Orders, sh.order(hits[k], now))
	}
	s.Mu.Unlock()
	writeJSON(w, http.StatusOK, resp)
}

// bySerial answers a V2-M-0024 search by serial_codes [I].
func (s *Sim) bySerial(sh *shop, w http.ResponseWriter, req shopserve.RetrieveRequest, now time.Time) {
	if len(req.SerialCodes) > shopserve.MaxSerialCodes || req.Size < 1 || req.Size > shopserve.MaxPageSize || req.From < 0 {
		writeErr(w, http.StatusBadRequest, shopserve.CodeInvalidParameter, "serial_codes", "serial_codesは100件まで、sizeは1〜100です")
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	var hits []int
	for _, sc := range req.SerialCodes {
		if i, ok := sh.index(sc); ok {
			hits = append(hits, i)
		}
	}
	resp := shopserve.RetrieveResponse{TotalCount: new(len(hits)), Orders: []shopserve.OrderJSON{}}
	for k := req.From; k < len(hits) && k < req.From+req.Size; k++ {
		resp.Orders = append(resp.Orders, sh.order(hits[k], now))
	}
	writeJSON(w, http.StatusOK, resp)
}

// statusUpdate is V2-M-0012: 確認ステータス更新 and 出荷実績戻し.
func (s *Sim) statusUpdate(sh *shop, w http.ResponseWriter, r *http.Request, args []string, now time.Time) {
	var req shopserve.StatusUpdateRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeErr(w, http.StatusBadRequest, shopserve.CodeInvalidParameter, "", "JSONを読み取れません")
		return
	}
	switch {
	case req.OrderStatus == shopserve.OrderConfirmed && req.ShippingStatus == "":
	case req.ShippingStatus == shopserve.ShippingShipped && req.OrderStatus == "":
		if field, msg := checkShipment(req); field != "" {
			writeErr(w, http.StatusBadRequest, shopserve.CodeInvalidParameter, field, msg)
			return
		}
	default:
		writeErr(w, http.StatusBadRequest, shopserve.CodeInvalidParameter, "order_status",
			"このサンドボックスは order_status=confirmed と shipping_status=shipped の更新を扱います")
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	i, ok := sh.index(args[0])
	if !ok {
		writeErr(w, http.StatusNotFound, shopserve.CodeNotFound, "serial_code", "受注が見つかりません")
		return
	}
	if sh.orderStatus(i, now) == shopserve.OrderCancelled {
		writeErr(w, http.StatusConflict, shopserve.CodeInvalidTransition, "order_status", "キャンセルされた受注は更新できません")
		return
	}
	if req.ShippingStatus != "" {
		sh.shipped[i] = Shipment{SlipNumber: req.SlipNumber, DeliveryCompany: req.DeliveryCompany, ShippedOn: req.ShippedOn, At: now.Unix()}
	} else if sh.orders[i].confirmedAt == 0 {
		sh.orders[i].confirmedAt = now.Unix()
		sh.confirmedByAPI++
	}
	o := sh.order(i, now)
	writeJSON(w, http.StatusOK, shopserve.StatusUpdateResponse{SerialCode: o.SerialCode, OrderStatus: o.OrderStatus,
		ShippingStatus: o.ShippingStatus, PaymentStatus: o.PaymentStatus, UpdatedAt: o.UpdatedAt})
}

// itemsSearch is the verified item search; it answers the catalogue.
func (s *Sim) itemsSearch(sh *shop, w http.ResponseWriter, r *http.Request, _ []string, _ time.Time) {
	var req shopserve.ItemsSearchRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Size < 1 || req.Size > shopserve.MaxPageSize || req.From < 0 {
		writeErr(w, http.StatusBadRequest, shopserve.CodeInvalidParameter, "size", "sizeは1〜100、fromは0以上です")
		return
	}
	type item struct {
		ItemCode string `json:"item_code"`
		Name     string `json:"name"`
	}
	cat := sh.gen.Catalog()
	items := []item{}
	for k := req.From; k < len(cat) && k < req.From+req.Size; k++ {
		items = append(items, item{ItemCode: cat[k].ItemNumber, Name: cat[k].Name})
	}
	writeJSON(w, http.StatusOK, map[string]any{"total_count": len(cat), "items": items})
}

func checkShipment(req shopserve.StatusUpdateRequest) (field, msg string) {
	switch {
	case req.SlipNumber == "" || len(req.SlipNumber) > shopserve.MaxSlipLength || strings.Trim(req.SlipNumber, "0123456789-") != "":
		return "slip_number", "配送伝票番号は20文字以内の数字とハイフンです"
	case !slices.Contains(shopserve.CarrierNames, req.DeliveryCompany):
		return "delivery_company", "配送会社が正しくありません"
	}
	if _, err := time.Parse(shopserve.DateLayout, req.ShippedOn); err != nil {
		return "shipped_on", "出荷日は yyyy-MM-dd です"
	}
	return "", ""
}

// itemStock is V2-M-0019: stock of a single item, or of one option of a
// variation item named by its axes.
func (s *Sim) itemStock(sh *shop, w http.ResponseWriter, r *http.Request, args []string, _ time.Time) {
	var req shopserve.StockRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeErr(w, http.StatusBadRequest, shopserve.CodeInvalidParameter, "", "JSONを読み取れません")
		return
	}
	q, err := strconv.Atoi(req.Quantity)
	if (err != nil || q < 0) && req.Unlimited != shopserve.Yes {
		writeErr(w, http.StatusBadRequest, shopserve.CodeInvalidParameter, "quantity", "quantityは0以上の整数です")
		return
	}
	if req.Unlimited != shopserve.Yes && req.Unlimited != shopserve.No {
		writeErr(w, http.StatusBadRequest, shopserve.CodeInvalidParameter, "unlimited", "unlimitedは Yes か No です")
		return
	}
	var item *kit.Item
	for _, it := range sh.gen.Catalog() {
		if it.ItemNumber == args[0] {
			item = &it
			break
		}
	}
	if item == nil {
		writeErr(w, http.StatusNotFound, shopserve.CodeNotFound, "item_code", "商品が見つかりません")
		return
	}
	opt := ""
	if len(item.Variants) > 1 || item.Variants[0].Options != "" {
		for _, v := range item.Variants {
			if sameAxes(v.Options, req.Option) {
				opt = v.Options
			}
		}
		if opt == "" {
			writeErr(w, http.StatusBadRequest, shopserve.CodeInvalidParameter, "option", "オプションが商品の選択肢と一致しません")
			return
		}
	}
	s.Mu.Lock()
	sh.stock[strings.TrimSpace(item.ItemNumber+" "+opt)] = Stock{Quantity: q, Unlimited: req.Unlimited == shopserve.Yes, LowStockQuantity: req.LowStockQuantity}
	sh.stockCalls++
	s.Mu.Unlock()
	writeJSON(w, http.StatusOK, shopserve.StockResponse{ItemCode: item.ItemNumber, Quantity: req.Quantity})
}

func sameAxes(options string, axes map[string]string) bool {
	fields := strings.Fields(options)
	if len(fields) != len(axes) {
		return false
	}
	for _, f := range fields {
		k, v, _ := strings.Cut(f, ":")
		if axes[k] != v {
			return false
		}
	}
	return true
}
