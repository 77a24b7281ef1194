package rakutensim

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/rakuten"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
)

// rec is the lean per-order state: everything else is regenerated from
// the seed and the order's index, so a shop can hold a million orders.
type rec struct {
	at          int64 // order time, unix seconds
	confirmedAt int64 // confirmOrder; 0 = not (yet) by API
	shippedAt   int64 // all baskets reported shipped; 0 = not
}

type shop struct {
	creds         Creds
	gen           *kit.Gen
	manualConfirm bool
	disabled      map[string]bool
	orders        []rec

	nextDetailID int64
	shipping     map[int][]rakuten.ShippingModel // by order index
	async        map[string]*asyncReq
	asyncSeq     int
	stock        map[string]Stock
	stockCalls   int
	received     []ShippingReceived
}

func newShop(o ShopOptions, seed int64, now time.Time) *shop {
	sh := &shop{
		creds: Creds{
			ShopID:            o.ID,
			ServiceSecret:     fmt.Sprintf("SP%s_%08x", o.ID, uint32(seed*2654435761)),
			LicenseKey:        fmt.Sprintf("SL%s_%08x", o.ID, uint32(seed*40503+17)),
			ExpiredLicenseKey: fmt.Sprintf("SL%s_expired_%06x", o.ID, uint32(seed)&0xffffff),
			LicenseExpiresAt:  endOfDay(now.AddDate(0, 0, 60)),
			ExpiredAt:         endOfDay(now.AddDate(0, 0, -5)),
		},
		gen:           kit.NewGen(seed, now),
		manualConfirm: o.ManualConfirm,
		disabled:      map[string]bool{},
		nextDetailID:  1,
		shipping:      map[int][]rakuten.ShippingModel{},
		async:         map[string]*asyncReq{},
		stock:         map[string]Stock{},
	}
	return sh
}

// endOfDay is 23:59:59 JST of t's day: license keys end then [V3].
func endOfDay(t time.Time) time.Time {
	y, m, d := t.In(marketplace.JST).Date()
	return time.Date(y, m, d, 23, 59, 59, 0, marketplace.JST)
}

// Creds implements kit.Shop.
func (sh *shop) Creds() Creds { return sh.creds }

// Add implements kit.Shop: never before the newest existing order, so the
// slice stays sorted.
func (sh *shop) Add(n int, from, to time.Time) {
	sh.orders = kit.AppendSpread(sh.orders, n, from, to, func(r rec) int64 { return r.at },
		func(i int, at int64) rec { return rec{at: at} })
}

// number is the order number: <shopId>-<YYYYMMDD>-<serial> [V].
func (sh *shop) number(i int) string {
	d := time.Unix(sh.orders[i].at, 0).In(marketplace.JST).Format("20060102")
	return fmt.Sprintf("%s-%s-%08d", sh.creds.ShopID, d, i+1)
}

// index finds an order by number.
func (sh *shop) index(number string) (int, bool) {
	parts := strings.Split(number, "-")
	if len(parts) != 3 || parts[0] != sh.creds.ShopID {
		return 0, false
	}
	serial, err := strconv.Atoi(parts[2])
	if err != nil || serial < 1 || serial > len(sh.orders) {
		return 0, false
	}
	i := serial - 1
	return i, sh.number(i) == number
}

// timeline is when order i reaches each stage, per the state machine of
// rakuten.md §4.1 [I]: 100 → (confirm) 200 → (payment) 300 → (shipment)
// 500 → 600 → 700; a cancelled order goes 800 → 900 before shipping.
type timeline struct {
	confirm, pay, cancelReq, cancel int64 // 0 = never
}

const autoConfirmAfter = 20 * 60

func (sh *shop) timeline(i int) timeline {
	r := sh.orders[i]
	t := sh.gen.Traits(i)
	var tl timeline
	tl.confirm = r.confirmedAt
	if !sh.manualConfirm && (tl.confirm == 0 || tl.confirm > r.at+autoConfirmAfter) {
		tl.confirm = r.at + autoConfirmAfter
	}
	if tl.confirm != 0 {
		switch {
		case t.Payment.Prepaid:
			tl.pay = max(tl.confirm, r.at+int64(t.PayDelay/time.Second))
		case t.Payment.Deferred:
			tl.pay = tl.confirm + 30*60
		default:
			tl.pay = tl.confirm + 10*60
		}
	}
	if t.Cancel {
		tl.cancelReq = r.at + 2*3600
		tl.cancel = r.at + 3*3600
	}
	return tl
}

// progress is order i's orderProgress at now.
func (sh *shop) progress(i int, now int64) int {
	r := sh.orders[i]
	if r.shippedAt != 0 && now >= r.shippedAt {
		switch d := now - r.shippedAt; {
		case d < 24*3600:
			return 500
		case d < 3*24*3600:
			return 600
		default:
			return 700
		}
	}
	tl := sh.timeline(i)
	switch {
	case tl.cancel != 0 && now >= tl.cancel:
		return 900
	case tl.cancelReq != 0 && now >= tl.cancelReq:
		return 800
	case tl.confirm == 0 || now < tl.confirm:
		return 100
	case now < tl.pay:
		return 200
	}
	return 300
}

// eventTime is the timestamp searchOrder's dateType refers to, or 0.
func (sh *shop) eventTime(i, dateType int, now int64) int64 {
	r := sh.orders[i]
	tl := sh.timeline(i)
	var t int64
	switch dateType {
	case 1:
		t = r.at
	case 2:
		t = tl.confirm
	case 3, 6:
		t = tl.pay
	case 4, 5:
		t = r.shippedAt
	}
	if t > now {
		return 0
	}
	return t
}

// between returns the index range of orders dated [from, to].
func (sh *shop) between(from, to int64) (int, int) {
	lo := sort.Search(len(sh.orders), func(i int) bool { return sh.orders[i].at >= from })
	hi := sort.Search(len(sh.orders), func(i int) bool { return sh.orders[i].at > to })
	return lo, hi
}

// search lists matching order indexes, oldest first.
func (sh *shop) search(dateType int, from, to, now int64, progress []int) []int {
	lo, hi := 0, len(sh.orders)
	if dateType == 1 {
		lo, hi = sh.between(from, to)
	} else {
		// Other dates follow the order date; shipment can come much later.
		lo, _ = sh.between(from-90*24*3600, to)
		_, hi = sh.between(from, to)
	}
	want := map[int]bool{}
	for _, p := range progress {
		want[p] = true
	}
	var out []int
	for i := lo; i < hi; i++ {
		if dateType != 1 {
			t := sh.eventTime(i, dateType, now)
			if t == 0 || t < from || t > to {
				continue
			}
		}
		if len(want) > 0 && !want[sh.progress(i, now)] {
			continue
		}
		out = append(out, i)
	}
	return out
}

// model renders order i as getOrder's OrderModel.
func (sh *shop) model(i int, now int64, version int) rakuten.OrderModel {
	r := sh.orders[i]
	d := sh.gen.Order(i)
	tl := sh.timeline(i)
	p := sh.progress(i, now)
	at := time.Unix(r.at, 0)
	m := rakuten.OrderModel{
		OrderNumber:   sh.number(i),
		OrderProgress: p,
		OrderDatetime: rakuten.FormatTime(at),
		OrdererModel:  person(d.Buyer, true),
		OrderType:     1,
		SettlementModel: &rakuten.SettlementModel{
			SettlementMethodCode: d.Payment.Code,
			SettlementMethod:     d.Payment.Name,
			RpaySettlementFlag:   1,
		},
		DeliveryModel:     &rakuten.DeliveryModel{DeliveryName: d.Delivery, DeliveryClass: ptr(deliveryClass(d.Delivery))},
		RakutenMemberFlag: 1,
	}
	stamp := func(t int64) *string {
		if t == 0 || t > now {
			return nil
		}
		return ptr(rakuten.FormatTime(time.Unix(t, 0)))
	}
	m.ShopOrderCfmDatetime = stamp(tl.confirm)
	m.OrderFixDatetime = stamp(tl.pay)
	m.ShippingCmplRptDatetime = stamp(r.shippedAt)
	if d.RequestedInDays > 0 {
		m.DeliveryDate = ptr(at.In(marketplace.JST).AddDate(0, 0, d.RequestedInDays).Format(rakuten.DateLayout))
	}
	term, _ := strconv.Atoi(d.Slot.Code)
	m.ShippingTerm = &term
	if d.Remarks != "" {
		m.Remarks = ptr(d.Remarks)
	}
	if d.Recipient != d.Buyer {
		m.GiftCheckFlag = 1
	} else {
		m.EqualSenderFlag = 1
	}
	pkg := rakuten.PackageModel{
		BasketID:                   int64(100000000 + i),
		PostagePrice:               d.Postage,
		PostageTaxRate:             0.1,
		DefaultDeliveryCompanyCode: "1001",
		SenderModel:                person(d.Recipient, false),
		ShippingModelList:          append([]rakuten.ShippingModel{}, sh.shipping[i]...),
	}
	taxes := map[float64]*rakuten.TaxSummaryModel{}
	for li, l := range d.Lines {
		price := l.Variant.Price
		item := rakuten.ItemModel{
			ItemDetailID:   int64(i)*10 + int64(li) + 1,
			ItemName:       l.Item.Name,
			ItemID:         int64(10000000 + li),
			ItemNumber:     l.Item.ItemNumber,
			ManageNumber:   l.Item.ManageNumber,
			Price:          price,
			Units:          l.Qty,
			IncludeTaxFlag: 1,
			TaxRate:        l.Item.TaxRate,
			PriceTaxIncl:   price,
			PointRate:      1,
		}
		if l.Variant.Options != "" {
			item.SelectedChoice = ptr(l.Variant.Options)
		}
		if version >= 7 {
			item.SkuModelList = []rakuten.SkuModel{{VariantID: l.Variant.VariantID, MerchantDefinedSkuID: ptr(l.Variant.SKU), SkuInfo: ptr(l.Variant.Options)}}
		}
		pkg.ItemModelList = append(pkg.ItemModelList, item)
		sub := price * int64(l.Qty)
		tax := int64(math.Floor(float64(sub) * l.Item.TaxRate / (1 + l.Item.TaxRate)))
		pkg.GoodsPrice += sub
		pkg.GoodsTax += tax
		ts := taxes[l.Item.TaxRate]
		if ts == nil {
			ts = &rakuten.TaxSummaryModel{TaxRate: l.Item.TaxRate}
			taxes[l.Item.TaxRate] = ts
		}
		ts.ReqPrice += sub
		ts.ReqPriceTax += tax
		ts.TotalPrice += sub
	}
	if d.Payment.COD {
		pkg.DeliveryPrice = 330
	}
	pkg.TotalPrice = pkg.GoodsPrice + pkg.PostagePrice + pkg.DeliveryPrice
	m.PackageModelList = []rakuten.PackageModel{pkg}
	m.GoodsPrice, m.GoodsTax = pkg.GoodsPrice, pkg.GoodsTax
	m.PostagePrice, m.DeliveryPrice = pkg.PostagePrice, pkg.DeliveryPrice
	m.TotalPrice = pkg.TotalPrice
	used := int64(0)
	if i%5 == 0 {
		used = 100
	}
	m.PointModel = &rakuten.PointModel{UsedPoint: used}
	m.RequestPrice = m.TotalPrice - used
	for _, rate := range []float64{0.1, 0.08} {
		if ts := taxes[rate]; ts != nil {
			m.TaxSummaryModelList = append(m.TaxSummaryModelList, *ts)
		}
	}
	if p == 800 || p == 900 {
		m.ChangeReasonModelList = []rakuten.ChangeReasonModel{{ChangeID: int64(i) + 1, ChangeType: ptr(1), ChangeReason: ptr(1), ChangeApplyDate: stamp(tl.cancelReq)}}
	}
	return m
}

func deliveryClass(name string) int {
	if name == "クール便" {
		return 2
	}
	return 1
}

func person(p kit.Person, orderer bool) rakuten.PersonModel {
	phone := strings.SplitN(p.Phone, "-", 3)
	for len(phone) < 3 {
		phone = append(phone, "")
	}
	m := rakuten.PersonModel{
		ZipCode1: p.Postal[:3], ZipCode2: p.Postal[3:],
		Prefecture: p.Pref, City: p.City, SubAddress: strings.TrimSpace(p.Street + " " + p.Building),
		FamilyName: p.Family, FirstName: p.Given, FamilyNameKana: p.FamilyKana, FirstNameKana: p.GivenKana,
		PhoneNumber1: phone[0], PhoneNumber2: phone[1], PhoneNumber3: phone[2],
	}
	if orderer {
		m.EmailAddress = p.MailLocal + "@pc.fw.rakuten.ne.jp"
	} else {
		m.IsolatedIslandFlag = ptr(0)
	}
	return m
}

func ptr[T any](v T) *T { return &v }
