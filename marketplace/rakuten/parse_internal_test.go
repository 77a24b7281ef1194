package rakuten

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/renkei-oss/renkei/marketplace"
)

// parseGetOrderTwoPass is the earlier ParseGetOrder (the envelope into
// json.RawMessage, then each order again), kept as the reference the
// one-pass parser must agree with.
func parseGetOrderTwoPass(body []byte) ([]marketplace.Order, []Message, error) {
	var env struct {
		MessageModelList []Message         `json:"MessageModelList"`
		OrderModelList   []json.RawMessage `json:"OrderModelList"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, nil, malformed("getOrder", err)
	}
	out := make([]marketplace.Order, 0, len(env.OrderModelList))
	for i, raw := range env.OrderModelList {
		var m OrderModel
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, env.MessageModelList, malformed("getOrder", fmt.Errorf("order %d: %w", i, err))
		}
		o, err := toOrder(m)
		if err != nil {
			return nil, env.MessageModelList, malformed("getOrder", fmt.Errorf("order %d: %w", i, err))
		}
		o.RawPayload = raw
		out = append(out, o)
	}
	return out, env.MessageModelList, nil
}

// FuzzParseGetOrderAgreesWithTwoPass: the one-pass parser accepts exactly
// what the two-pass one accepted and returns the same orders, raw payloads
// byte for byte, and messages.
func FuzzParseGetOrderAgreesWithTwoPass(f *testing.F) {
	for _, s := range []string{
		`{"MessageModelList":[{"messageType":"INFO","messageCode":"ORDER_EXT_API_GET_ORDER_INFO_101","message":"ok"}],"OrderModelList":[{"orderNumber":"1-1","orderDatetime":"2026-05-01T10:00:00+0900","orderProgress":100}, {"orderNumber":"1-2","orderDatetime":"2026-05-01T11:00:00+0900"}]}`,
		` { "OrderModelList" : null , "x" : [1,{"a":2}] } `,
		`{"orderModelList":[{"orderNumber":"2-1","orderDatetime":"2026-05-01T10:00:00+0900"}]}`,
		`{"OrderModelList":[{"orderNumber":"3-1","orderDatetime":"2026-05-01T10:00:00+0900"}],"OrderModelList":[]}`,
		`{"OrderModelList":[{"orderNumber":"4-1","orderDatetime":"bad"}]}`,
		`{"OrderModelList":[{"orderNumber":"5-1"}]}{}`,
		`{"OrderModelList":[{"orderNumber":"6-1"}`,
		`{"OrderModelList":{}}`,
		`[]`, `null`, ``, `{}`, `{"MessageModelList":7}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		got, gotMsgs, gotErr := ParseGetOrder(body)
		want, wantMsgs, wantErr := parseGetOrderTwoPass(body)
		if (gotErr == nil) != (wantErr == nil) {
			t.Fatalf("one pass err %v, two passes err %v", gotErr, wantErr)
		}
		if gotErr != nil {
			if marketplace.KindOf(gotErr) != marketplace.Malformed {
				t.Fatalf("untyped error %v", gotErr)
			}
			return
		}
		if len(got) != len(want) || len(gotMsgs) != len(wantMsgs) || (len(got) > 0 && !reflect.DeepEqual(got, want)) ||
			(len(gotMsgs) > 0 && !reflect.DeepEqual(gotMsgs, wantMsgs)) {
			t.Fatalf("one pass %+v %+v\ntwo passes %+v %+v", got, gotMsgs, want, wantMsgs)
		}
	})
}

// TestToPartyAddress: Rakuten gives prefecture, city and the rest of the
// address (subAddress) apart; each lands once, so a label printed from
// City + Address1 does not repeat the city.
func TestToPartyAddress(t *testing.T) {
	for _, tc := range []struct {
		name                 string
		in                   PersonModel
		city, addr1, address string
	}{
		{"street and building", PersonModel{Prefecture: "愛知県", City: "名古屋市中区", SubAddress: "栄3-1-1 栄ビル 301"},
			"名古屋市中区", "栄3-1-1 栄ビル 301", "名古屋市中区栄3-1-1 栄ビル 301"},
		{"no subAddress", PersonModel{Prefecture: "東京都", City: "千代田区"}, "千代田区", "", "千代田区"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := toParty(tc.in)
			if p.City != tc.city || p.Address1 != tc.addr1 || p.Address2 != "" {
				t.Fatalf("City %q Address1 %q Address2 %q, want %q %q \"\"", p.City, p.Address1, p.Address2, tc.city, tc.addr1)
			}
			if got := p.City + p.Address1; got != tc.address {
				t.Fatalf("address %q, want %q", got, tc.address)
			}
		})
	}
}
