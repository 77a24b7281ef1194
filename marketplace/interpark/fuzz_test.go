package interpark_test

import (
	"errors"
	"testing"

	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/interpark"
)

// FuzzParseOrderList: any answer either parses into orders with numbers
// and lines, or fails as a typed Malformed error; never a panic.
func FuzzParseOrderList(f *testing.F) {
	f.Add([]byte(`<?xml version="1.0" encoding="euc-kr"?><ORDER_LIST/>`))
	f.Add([]byte(`<ORDER_LIST><PAGE_INFO><TOT_PAGE_NUM>3</TOT_PAGE_NUM></PAGE_INFO><ORDER><ORD_NO>20261120120000000001</ORD_NO>` +
		`<ORDER_DTS>20261120120000</ORDER_DTS><PAY_DTS>20261120120100</PAY_DTS><RCVR_NM>김민준</RCVR_NM>` +
		`<DELIVERY><DELV><DEL_AMT>3000</DEL_AMT></DELV></DELIVERY><PRODUCT><PRD><ORD_SEQ>1</ORD_SEQ><ENTR_PRD_NO>SKU-001-1</ENTR_PRD_NO>` +
		`<PRD_NM>테누구이 & 손수건</PRD_NM><ORD_QTY>2</ORD_QTY><REAL_SALE_UNITCOST>9000</REAL_SALE_UNITCOST><DC_COUPON_AMT>1000</DC_COUPON_AMT>` +
		`<CURRENT_STATE>40</CURRENT_STATE></PRD></PRODUCT></ORDER></ORDER_LIST>`))
	f.Add([]byte(`<RESULT><CODE>999</CODE><MESSAGE>인증 실패</MESSAGE></RESULT>`))
	f.Add([]byte(`<ORDER_LIST><ORDER><ORD_NO>2026`))
	f.Add([]byte(`&&&<ORDER_LIST>&#x;&#;&a</ORDER_LIST>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		orders, pages, err := interpark.ParseOrderList("orderListForSingle", b)
		if err != nil {
			var me *marketplace.Error
			if !errors.As(err, &me) || me.Kind != marketplace.Malformed {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if pages < 1 {
			t.Fatalf("pages %d", pages)
		}
		for _, o := range orders {
			if o.Number == "" || len(o.Lines) == 0 || o.OrderedAt.IsZero() {
				t.Fatalf("incomplete order %+v", o)
			}
		}
		_, _ = interpark.ParseResult(b)
	})
}
