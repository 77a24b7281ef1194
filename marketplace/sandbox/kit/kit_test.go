package kit_test

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
)

var base = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

func TestGeneratorIsDeterministicAndRealistic(t *testing.T) {
	a, b, other := kit.NewGen(9, base), kit.NewGen(9, base), kit.NewGen(10, base)
	if !reflect.DeepEqual(a.Order(123), b.Order(123)) || !reflect.DeepEqual(a.Catalog(), b.Catalog()) {
		t.Fatal("same seed, different data")
	}
	if reflect.DeepEqual(a.Order(123), other.Order(123)) {
		t.Fatal("different seeds, same order")
	}
	// Postal code prefixes of the prefectures used (first digits of 〒).
	prefix := map[string]string{"東京都": "1", "神奈川県": "2", "埼玉県": "3", "千葉県": "2", "大阪府": "5", "京都府": "6", "兵庫県": "6",
		"愛知県": "4", "静岡県": "4", "福岡県": "8", "北海道": "0", "宮城県": "9", "広島県": "7", "沖縄県": "9", "石川県": "9",
		"香川県": "7", "熊本県": "8", "長野県": "3"}
	phone := regexp.MustCompile(`^0\d{1,3}-\d{2,4}-\d{4}$`)
	kana := regexp.MustCompile(`^[ァ-ヶー]+$`)
	payments := map[string]bool{}
	for i := range 2000 {
		o := a.Order(i)
		for _, p := range []kit.Person{o.Buyer, o.Recipient} {
			want, ok := prefix[p.Pref]
			if !ok || len(p.Postal) != 7 || !strings.HasPrefix(p.Postal, want) {
				t.Fatalf("order %d: postal %s does not match %s", i, p.Postal, p.Pref)
			}
			if digits := strings.ReplaceAll(p.Phone, "-", ""); !phone.MatchString(p.Phone) || len(digits) != 10 && len(digits) != 11 {
				t.Fatalf("order %d: phone %q", i, p.Phone)
			}
			if !kana.MatchString(p.FamilyKana) || !kana.MatchString(p.GivenKana) {
				t.Fatalf("order %d: kana %q %q", i, p.FamilyKana, p.GivenKana)
			}
		}
		if len(o.Lines) == 0 || o.Delivery == "" || o.Payment.Name == "" {
			t.Fatalf("order %d incomplete: %+v", i, o)
		}
		if tr := a.Traits(i); tr.Payment != o.Payment || tr.Cancel != o.Cancel {
			t.Fatalf("order %d: traits disagree with the order", i)
		}
		payments[o.Payment.Name] = true
	}
	if len(payments) < 5 {
		t.Fatalf("only %d payment methods over 2000 orders", len(payments))
	}
	for _, it := range a.Catalog() {
		for _, v := range it.Variants {
			if !validEAN13(v.JAN) {
				t.Fatalf("%s: JAN %s has a wrong check digit", v.SKU, v.JAN)
			}
		}
	}
}

func validEAN13(s string) bool {
	if len(s) != 13 {
		return false
	}
	sum := 0
	for i, c := range s {
		d := int(c - '0')
		if i%2 == 1 {
			d *= 3
		}
		sum += d
	}
	return sum%10 == 0
}

func TestFaultsCountDown(t *testing.T) {
	f := kit.NewFaults()
	f.Set("s1", kit.Fault{Kind: kit.FaultThrottle, Times: 2})
	f.Set("s1", kit.Fault{Kind: kit.FaultMalformed, Times: 1, Only: "getOrder"})
	f.Set("s1", kit.Fault{Kind: kit.FaultExpiredCredential})
	var got []kit.FaultKind
	for range 4 {
		if x, ok := f.Take("s1", "getOrder"); ok {
			got = append(got, x.Kind)
		}
	}
	want := []kit.FaultKind{kit.FaultThrottle, kit.FaultThrottle, kit.FaultMalformed}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("took %v, want %v", got, want)
	}
	if _, ok := f.Take("s2", "getOrder"); ok {
		t.Fatal("fault leaked to another shop")
	}
	if !f.Active("s1", kit.FaultExpiredCredential) {
		t.Fatal("standing fault consumed")
	}
	f.Clear("s1")
	if f.Active("s1", kit.FaultExpiredCredential) || len(f.List("s1")) != 0 {
		t.Fatal("Clear left faults")
	}
}

func TestClock(t *testing.T) {
	c := kit.NewFrozenClock(base)
	c.Advance(90 * time.Minute)
	if got := c.Now(); !got.Equal(base.Add(90 * time.Minute)) {
		t.Fatalf("frozen clock at %v", got)
	}
	live := kit.NewClock()
	before := time.Now()
	live.Advance(24 * time.Hour)
	if live.Now().Sub(before) < 24*time.Hour || live.Frozen() {
		t.Fatal("advance on a live clock")
	}
}

func TestRateLimits(t *testing.T) {
	l := kit.NewRateLimits(1)
	if !l.Allow("s", "order", 1, 2) || !l.Allow("s", "order", 1, 2) || l.Allow("s", "order", 1, 2) {
		t.Fatal("burst of 2 not enforced")
	}
	if !l.Allow("other", "order", 1, 2) {
		t.Fatal("limits shared across shops")
	}
	off := kit.NewRateLimits(0)
	for range 100 {
		if !off.Allow("s", "order", 1, 1) {
			t.Fatal("limits enforced while off")
		}
	}
	if l.Rejected() != 1 || off.Rejected() != 0 {
		t.Fatalf("rejected %d / %d", l.Rejected(), off.Rejected())
	}
}
