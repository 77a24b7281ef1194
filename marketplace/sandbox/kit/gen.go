package kit

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// Item is one product of a generated shop catalogue.
type Item struct {
	ManageNumber string // Rakuten 商品管理番号
	ItemNumber   string
	Name         string
	TaxRate      float64
	Variants     []Variant
	Created      time.Time
	Updated      time.Time
}

// Variant is one SKU of an Item.
type Variant struct {
	VariantID string // SKU管理番号
	SKU       string // システム連携用SKU番号
	JAN       string
	Options   string
	Price     int64 // tax included
}

// Person is a generated buyer or recipient.
type Person struct {
	Family, Given, FamilyKana, GivenKana string
	Postal, Pref, City, Street, Building string
	Phone                                string
	MailLocal                            string
}

// Line is one generated order line.
type Line struct {
	Item    *Item
	Variant *Variant
	Qty     int
}

// OrderData is a generated order, marketplace-neutral; each simulator maps
// it to its own wire format.
type OrderData struct {
	Buyer, Recipient Person
	Payment          PaymentMethod
	Delivery         string
	Slot             TimeSlot
	RequestedInDays  int // 0 = no requested date
	Lines            []Line
	Postage          int64
	Remarks          string
	Cancel           bool          // the buyer cancels this one
	PayDelay         time.Duration // prepaid: time until the money arrives
}

// Gen generates the same data for the same seed. Orders are a pure
// function of (seed, index), so a simulator can hold a million of them
// without storing their details.
type Gen struct {
	seed    uint64
	catalog []Item
}

// NewGen builds the catalogue for seed; base dates catalogue timestamps.
func NewGen(seed int64, base time.Time) *Gen {
	g := &Gen{seed: uint64(seed)}
	r := rand.New(rand.NewPCG(g.seed, 0xC47A106))
	for i, s := range itemSeeds {
		it := Item{
			ManageNumber: fmt.Sprintf("rk-%03d", i+1),
			ItemNumber:   fmt.Sprintf("ITEM-%04d", 1001+i),
			Name:         s.Name,
			TaxRate:      0.10,
			Created:      base.Add(-time.Duration(400+r.IntN(300)) * 24 * time.Hour).Truncate(time.Second),
		}
		it.Updated = base.Add(-time.Duration(r.IntN(90*24)) * time.Hour).Truncate(time.Second)
		if s.Food {
			it.TaxRate = 0.08
		}
		opts := s.Options
		if len(opts) == 0 {
			opts = []string{""}
		}
		for j, o := range opts {
			it.Variants = append(it.Variants, Variant{
				VariantID: fmt.Sprintf("v%d", j+1),
				SKU:       fmt.Sprintf("SKU-%03d-%d", i+1, j+1),
				JAN:       jan(4901234, i*10+j),
				Options:   o,
				Price:     s.Price,
			})
		}
		g.catalog = append(g.catalog, it)
	}
	return g
}

// jan builds a valid EAN-13 from a company prefix and an item number.
func jan(prefix, n int) string {
	s := fmt.Sprintf("%07d%05d", prefix, n)
	sum := 0
	for i, c := range s {
		d := int(c - '0')
		if i%2 == 1 {
			d *= 3
		}
		sum += d
	}
	return s + fmt.Sprint((10-sum%10)%10)
}

// Catalog is the shop's items.
func (g *Gen) Catalog() []Item { return g.catalog }

// Order generates order i.
func (g *Gen) Order(i int) OrderData {
	r := rand.New(rand.NewPCG(g.seed, uint64(i)+1))
	var o OrderData
	o.Buyer = g.person(r)
	o.Recipient = o.Buyer
	if r.IntN(10) < 3 { // a gift or a different address
		o.Recipient = g.person(r)
	}
	t := g.Traits(i)
	o.Payment, o.Cancel, o.PayDelay = t.Payment, t.Cancel, t.PayDelay
	o.Delivery = deliveryMethods[r.IntN(len(deliveryMethods))]
	o.Slot = timeSlots[r.IntN(len(timeSlots))]
	if o.Delivery == "メール便" || o.Delivery == "コンビニ受取" {
		o.Slot = timeSlots[0]
	}
	if r.IntN(4) == 0 {
		o.RequestedInDays = 3 + r.IntN(5)
	}
	n := 1 + r.IntN(3)
	if r.IntN(10) == 0 {
		n += 2
	}
	seen := map[*Variant]bool{}
	for len(o.Lines) < n {
		it := &g.catalog[r.IntN(len(g.catalog))]
		v := &it.Variants[r.IntN(len(it.Variants))]
		if seen[v] {
			n-- // keep lines unique per SKU
			continue
		}
		seen[v] = true
		o.Lines = append(o.Lines, Line{Item: it, Variant: v, Qty: 1 + r.IntN(3)*r.IntN(2)})
	}
	o.Postage = 0
	if o.Delivery == "クール便" {
		o.Postage = 990
	} else if o.Delivery != "メール便" {
		o.Postage = 660
	}
	switch r.IntN(8) {
	case 0:
		o.Remarks = "[配送日時指定:]\n置き配を希望します。"
	case 1:
		o.Remarks = "ギフト包装をお願いします。"
	}
	return o
}

// Traits are the parts of order i that drive its status over time. They
// come from their own cheap stream so a simulator can compute statuses of a
// million orders without generating each order in full.
type Traits struct {
	Payment  PaymentMethod
	Cancel   bool          // the buyer cancels this one
	PayDelay time.Duration // prepaid: time until the money arrives
}

// Traits of order i.
func (g *Gen) Traits(i int) Traits {
	r := rand.New(rand.NewPCG(g.seed^0x5eed7a17, uint64(i)+1))
	return Traits{
		Payment:  payments[r.IntN(len(payments))],
		Cancel:   r.IntN(40) == 0,
		PayDelay: time.Duration(1+r.IntN(47)) * time.Hour,
	}
}

func (g *Gen) person(r *rand.Rand) Person {
	f := familyNames[r.IntN(len(familyNames))]
	gv := givenNames[r.IntN(len(givenNames))]
	pl := places[r.IntN(len(places))]
	p := Person{
		Family: f.Kanji, FamilyKana: f.Kana, Given: gv.Kanji, GivenKana: gv.Kana,
		Postal: pl.Postal, Pref: pl.Pref, City: pl.City,
		Street:    fmt.Sprintf("%s%d-%d-%d", pl.Town, 1+r.IntN(5), 1+r.IntN(20), 1+r.IntN(30)),
		MailLocal: fmt.Sprintf("%x", r.Uint64()&0xffffffffff),
	}
	if b := buildings[r.IntN(len(buildings))]; b != "" {
		p.Building = fmt.Sprintf("%s %d0%d", b, 1+r.IntN(9), 1+r.IntN(9))
	}
	if r.IntN(2) == 0 {
		p.Phone = fmt.Sprintf("0%d0-%04d-%04d", 7+r.IntN(3), r.IntN(10000), r.IntN(10000))
	} else {
		rest := 10 - len(pl.Area) // Japanese landlines have ten digits
		mid := rest - 4
		p.Phone = fmt.Sprintf("%s-%0*d-%04d", pl.Area, mid, r.IntN(pow10(mid)), r.IntN(10000))
	}
	return p
}

func pow10(n int) int {
	x := 1
	for range n {
		x *= 10
	}
	return x
}
