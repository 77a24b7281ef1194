package interparksim

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/korean"

	"github.com/renkei-oss/renkei/marketplace/interpark"
)

const xmlHeader = `<?xml version="1.0" encoding="euc-kr"?>` + "\n"

// send encodes an answer in EUC-KR, as Interpark does [V3].
func send(w http.ResponseWriter, status int, utf8 []byte) {
	b, err := encoding.ReplaceUnsupported(korean.EUCKR.NewEncoder()).Bytes(utf8)
	if err != nil {
		http.Error(w, "encoding", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", interpark.ContentType)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeResult(w http.ResponseWriter, status int, code, msg string) {
	var b bytes.Buffer
	b.WriteString(xmlHeader)
	b.WriteString("<RESULT>")
	el(&b, "CODE", code)
	el(&b, "MESSAGE", msg)
	b.WriteString("</RESULT>")
	send(w, status, b.Bytes())
}

func el(b *bytes.Buffer, name, v string) {
	b.WriteString("<" + name + ">")
	_ = xml.EscapeText(b, []byte(v))
	b.WriteString("</" + name + ">")
}

// rawAmp writes text whose & stays bare, as in real answers [V3].
func rawAmp(b *bytes.Buffer, name, v string) {
	var e bytes.Buffer
	_ = xml.EscapeText(&e, []byte(v))
	b.WriteString("<" + name + ">" + strings.ReplaceAll(e.String(), "&amp;", "&") + "</" + name + ">")
}

// writeOrders renders an ORDER_LIST: empty is <ORDER_LIST/> [V3].
func writeOrders(w http.ResponseWriter, sh *shop, orders []rec, pages int) {
	var b bytes.Buffer
	b.WriteString(xmlHeader)
	if len(orders) == 0 {
		b.WriteString("<ORDER_LIST/>")
		send(w, http.StatusOK, b.Bytes())
		return
	}
	b.WriteString("<ORDER_LIST>")
	fmt.Fprintf(&b, "<PAGE_INFO><TOT_PAGE_NUM>%d</TOT_PAGE_NUM></PAGE_INFO>", pages)
	for _, o := range orders {
		writeOrder(&b, sh, o)
	}
	b.WriteString("</ORDER_LIST>")
	send(w, http.StatusOK, b.Bytes())
}

func writeOrder(b *bytes.Buffer, sh *shop, o rec) {
	d := sh.gen.Order(o.idx)
	r := sh.rand(o)
	buyer := koreanPerson(r)
	rcvr := buyer
	if r.IntN(10) < 3 {
		rcvr = koreanPerson(r)
	}
	at := time.Unix(o.at, 0)
	state := interpark.StateNew
	if o.ackedAt != 0 {
		state = interpark.StateConfirmed
	}
	b.WriteString("<ORDER>")
	el(b, "ORD_NO", orderNo(o))
	el(b, "ORDER_DT", at.In(interpark.KST).Format("20060102"))
	el(b, "ORDER_DTS", interpark.FormatTime(at))
	el(b, "PAY_DTS", interpark.FormatTime(at.Add(time.Duration(30+r.IntN(600))*time.Second)))
	el(b, "ORD_NM", buyer.Name)
	el(b, "TEL", "")
	el(b, "MOBILE_TEL", buyer.Phone)
	el(b, "RCVR_NM", rcvr.Name)
	el(b, "DELI_TEL", "")
	el(b, "DELI_MOBILE", rcvr.Phone)
	el(b, "DEL_ZIP", rcvr.Zip)
	el(b, "DELI_ADDR1", rcvr.Addr1)
	el(b, "DELI_ADDR2", rcvr.Addr2)
	el(b, "DELI_COMMENT", commentsKo[r.IntN(len(commentsKo))])
	el(b, "RESIDENT_NO", fmt.Sprintf("P%012d", r.Int64N(1e12))) // 個人通関固有符号
	delAmt := int64(3000)
	if d.Postage == 0 {
		delAmt = 0
	}
	fmt.Fprintf(b, "<DELIVERY><DELV><DEL_AMT>%d</DEL_AMT></DELV></DELIVERY>", delAmt)
	b.WriteString("<PRODUCT>")
	for i, l := range d.Lines {
		ci := catalogIndex(sh.gen, l.Item)
		name := l.Item.Name
		if ci < len(itemsKo) {
			name = itemsKo[ci]
		}
		list := krw(l.Variant.Price)
		coupon := int64(0)
		if r.IntN(5) == 0 {
			coupon = 1000
		}
		entrPrdNo, optNo := l.Variant.SKU, ""
		if len(l.Item.Variants) > 1 {
			// Option items: the option's 管理コード is the SKU (seed).
			entrPrdNo, optNo = l.Item.ItemNumber, l.Variant.SKU
		}
		b.WriteString("<PRD>")
		el(b, "ORD_SEQ", fmt.Sprint(i+1))
		el(b, "PRD_NO", fmt.Sprint(700000000+ci*101))
		el(b, "OPT_PRD_NO", "")
		el(b, "ENTR_PRD_NO", entrPrdNo)
		el(b, "OPT_NO", optNo)
		rawAmp(b, "PRD_NM", name)
		el(b, "OPT_NM", optionName(l.Variant.Options))
		el(b, "ORD_QTY", fmt.Sprint(l.Qty))
		el(b, "SALE_UNITCOST", fmt.Sprint(list))
		el(b, "REAL_SALE_UNITCOST", fmt.Sprint(list-coupon))
		el(b, "DC_COUPON_AMT", fmt.Sprint(coupon))
		el(b, "ENTR_DC_COUPON_AMT", "0")
		el(b, "IPOINT_DC_UNITCOST", "0")
		el(b, "PRE_USE_UNITCOST", "0")
		el(b, "ORD_AMT", fmt.Sprint((list-coupon)*int64(l.Qty)))
		if o.shipped&(1<<i) != 0 {
			el(b, "CURRENT_STATE", interpark.StateShipped)
		} else {
			el(b, "CURRENT_STATE", state)
		}
		b.WriteString("</PRD>")
	}
	b.WriteString("</PRODUCT></ORDER>")
}
