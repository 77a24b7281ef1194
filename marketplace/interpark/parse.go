package interpark

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/encoding/korean"

	"github.com/renkei-oss/renkei/marketplace"
)

// OrderList is the answer of the order list operations [V3].
type OrderList struct {
	XMLName  xml.Name  `xml:"ORDER_LIST"`
	PageInfo *PageInfo `xml:"PAGE_INFO"`
	Orders   []Order   `xml:"ORDER"`
}

// PageInfo carries the page count [V3 on DelvArrCompListForSingle; I here].
type PageInfo struct {
	TotPageNum int `xml:"TOT_PAGE_NUM"`
}

// Order is one <ORDER>.
type Order struct {
	XMLName     xml.Name   `xml:"ORDER"`
	OrdNo       string     `xml:"ORD_NO"`
	OrderDt     string     `xml:"ORDER_DT"`
	OrderDts    string     `xml:"ORDER_DTS"`
	PayDts      string     `xml:"PAY_DTS"`
	OrdNm       string     `xml:"ORD_NM"`
	Tel         string     `xml:"TEL"`
	MobileTel   string     `xml:"MOBILE_TEL"`
	RcvrNm      string     `xml:"RCVR_NM"`
	DeliTel     string     `xml:"DELI_TEL"`
	DeliMobile  string     `xml:"DELI_MOBILE"`
	DelZip      string     `xml:"DEL_ZIP"`
	DeliAddr1   string     `xml:"DELI_ADDR1"`
	DeliAddr2   string     `xml:"DELI_ADDR2"`
	DeliComment string     `xml:"DELI_COMMENT"`
	Delivery    []Delivery `xml:"DELIVERY>DELV"`
	Products    []Product  `xml:"PRODUCT>PRD"`
}

// Delivery is DELIVERY/DELV.
type Delivery struct {
	DelAmt string `xml:"DEL_AMT"`
}

// Product is one PRODUCT/PRD line.
type Product struct {
	OrdSeq           string `xml:"ORD_SEQ"`
	PrdNo            string `xml:"PRD_NO"`
	OptPrdNo         string `xml:"OPT_PRD_NO"`
	EntrPrdNo        string `xml:"ENTR_PRD_NO"`
	OptNo            string `xml:"OPT_NO"`
	PrdNm            string `xml:"PRD_NM"`
	OptNm            string `xml:"OPT_NM"`
	OrdQty           string `xml:"ORD_QTY"`
	SaleUnitcost     string `xml:"SALE_UNITCOST"`
	RealSaleUnitcost string `xml:"REAL_SALE_UNITCOST"`
	DcCouponAmt      string `xml:"DC_COUPON_AMT"`
	EntrDcCouponAmt  string `xml:"ENTR_DC_COUPON_AMT"`
	IpointDcUnitcost string `xml:"IPOINT_DC_UNITCOST"`
	PreUseUnitcost   string `xml:"PRE_USE_UNITCOST"`
	OrdAmt           string `xml:"ORD_AMT"`
	CurrentState     string `xml:"CURRENT_STATE"`
}

// Result is the <RESULT><CODE/><MESSAGE/></RESULT> answer [V3 for writes;
// I for list errors].
type Result struct {
	XMLName xml.Name `xml:"RESULT"`
	Code    string   `xml:"CODE"`
	Message string   `xml:"MESSAGE"`
}

// DecodeBody turns an answer into UTF-8: EUC-KR unless the Content-Type
// says UTF-8 [V3: clients decode the raw bytes as euc-kr].
func DecodeBody(contentType string, body []byte) ([]byte, error) {
	if strings.Contains(strings.ToLower(contentType), "utf-8") {
		return body, nil
	}
	return korean.EUCKR.NewDecoder().Bytes(body)
}

// bareAmp matches & that does not start an entity: Interpark texts carry
// bare ampersands [V3], which XML parsers refuse.
var bareAmp = regexp.MustCompile(`&([^#a-zA-Z]|[a-zA-Z][a-zA-Z0-9]*[^a-zA-Z0-9;]|#[0-9]*[^0-9;]|#x[0-9a-fA-F]*[^0-9a-fA-F;]|$)`)

// escapeBareAmp pre-escapes bare & as integrators do before parsing.
func escapeBareAmp(b []byte) []byte {
	if !bytes.Contains(b, []byte("&")) {
		return b
	}
	// Repeat: overlapping matches ("& &") leave one behind per pass.
	for range 4 {
		nb := bareAmp.ReplaceAll(b, []byte("&amp;$1"))
		if bytes.Equal(nb, b) {
			break
		}
		b = nb
	}
	return b
}

func newDecoder(b []byte) *xml.Decoder {
	d := xml.NewDecoder(bytes.NewReader(escapeBareAmp(b)))
	// The body is UTF-8 already; the declaration still says euc-kr.
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	return d
}

// rootElement reads up to the answer's first element.
func rootElement(d *xml.Decoder) (xml.StartElement, error) {
	for {
		tok, err := d.Token()
		if err != nil {
			return xml.StartElement{}, err
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se, nil
		}
	}
}

// ParseResult reads a <RESULT> answer; ok is false when the body is
// something else.
func ParseResult(b []byte) (Result, bool) {
	d := newDecoder(b)
	se, err := rootElement(d)
	if err != nil || se.Name.Local != "RESULT" {
		return Result{}, false
	}
	var r Result
	if err := d.DecodeElement(&r, &se); err != nil {
		return Result{}, false
	}
	r.Code, r.Message = strings.TrimSpace(r.Code), strings.TrimSpace(r.Message)
	return r, true
}

// ParseOrderList parses a UTF-8 list answer into normalised orders.
func ParseOrderList(op string, b []byte) ([]marketplace.Order, int, error) {
	d := newDecoder(b)
	se, err := rootElement(d)
	if err != nil {
		return nil, 0, malformed(op, err)
	}
	if se.Name.Local != "ORDER_LIST" {
		return nil, 0, malformed(op, fmt.Errorf("root element %s, want ORDER_LIST", se.Name.Local))
	}
	var l OrderList
	if err := d.DecodeElement(&l, &se); err != nil {
		return nil, 0, malformed(op, err)
	}
	pages := 1
	if l.PageInfo != nil && l.PageInfo.TotPageNum > 0 {
		pages = l.PageInfo.TotPageNum
	}
	out := make([]marketplace.Order, 0, len(l.Orders))
	for i := range l.Orders {
		o, err := l.Orders[i].normalise()
		if err != nil {
			return nil, 0, malformed(op, err)
		}
		out = append(out, o)
	}
	return out, pages, nil
}

func malformed(op string, err error) *marketplace.Error {
	return &marketplace.Error{Kind: marketplace.Malformed, Marketplace: marketplace.Interpark, Operation: op, Err: err}
}

// ParseTime reads a 14-digit Interpark timestamp in Korea time.
func ParseTime(s string) (time.Time, error) {
	return time.ParseInLocation(DateTimeLayout, strings.TrimSpace(s), KST)
}

// FormatTime writes t as a 14-digit Korea-time timestamp.
func FormatTime(t time.Time) string { return t.In(KST).Format(DateTimeLayout) }

func amount(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	return strconv.ParseInt(s, 10, 64)
}

func (o *Order) normalise() (marketplace.Order, error) {
	if strings.TrimSpace(o.OrdNo) == "" {
		return marketplace.Order{}, fmt.Errorf("ORDER without ORD_NO")
	}
	ordered, err := ParseTime(o.OrderDts)
	if err != nil {
		return marketplace.Order{}, fmt.Errorf("ORD_NO %s: ORDER_DTS %q: %w", o.OrdNo, o.OrderDts, err)
	}
	if len(o.Products) == 0 {
		return marketplace.Order{}, fmt.Errorf("ORD_NO %s has no PRODUCT/PRD", o.OrdNo)
	}
	out := marketplace.Order{
		Marketplace: marketplace.Interpark,
		Number:      strings.TrimSpace(o.OrdNo),
		OrderedAt:   ordered,
		Paid:        strings.TrimSpace(o.PayDts) != "", // the lists hold paid orders only [V3]
		Buyer:       marketplace.Party{Name: o.OrdNm, Phone: firstNonEmpty(o.MobileTel, o.Tel), Country: "KR"},
		Recipient: marketplace.Party{Name: o.RcvrNm, Phone: firstNonEmpty(o.DeliMobile, o.DeliTel), PostalCode: strings.ReplaceAll(o.DelZip, "-", ""),
			Address1: o.DeliAddr1, Address2: o.DeliAddr2, Country: "KR"},
		Remarks:            o.DeliComment,
		PaymentMethodName:  PaymentName,
		DeliveryMethodName: DeliveryName,
		Currency:           Currency,
	}
	out.Totals.Fixed = true
	for _, d := range o.Delivery {
		v, err := amount(d.DelAmt)
		if err != nil {
			return marketplace.Order{}, fmt.Errorf("ORD_NO %s: DEL_AMT: %w", o.OrdNo, err)
		}
		out.Totals.Shipping += v
	}
	lowest := ""
	for _, p := range o.Products {
		qty, err := strconv.Atoi(strings.TrimSpace(p.OrdQty))
		if err != nil || qty <= 0 {
			return marketplace.Order{}, fmt.Errorf("ORD_NO %s ORD_SEQ %s: ORD_QTY %q", o.OrdNo, p.OrdSeq, p.OrdQty)
		}
		var v [5]int64
		for i, s := range []string{p.RealSaleUnitcost, p.DcCouponAmt, p.EntrDcCouponAmt, p.IpointDcUnitcost, p.PreUseUnitcost} {
			if v[i], err = amount(s); err != nil {
				return marketplace.Order{}, fmt.Errorf("ORD_NO %s ORD_SEQ %s: amount %q", o.OrdNo, p.OrdSeq, s)
			}
		}
		// List price = actual price plus every discount [V3].
		discount := v[1] + v[2] + v[3] + v[4]
		unit := v[0] + discount
		sku := strings.TrimSpace(p.OptNo)
		if sku == "" {
			sku = strings.TrimSpace(p.EntrPrdNo) // single item: 販売者商品番号 (seed)
		}
		out.Lines = append(out.Lines, marketplace.OrderLine{
			LineID: strings.TrimSpace(p.OrdSeq), ItemCode: strings.TrimSpace(p.PrdNo), ItemNumber: strings.TrimSpace(p.EntrPrdNo),
			OptionCode: strings.TrimSpace(p.OptNo), SKU: sku, Name: p.PrdNm, OptionText: p.OptNm,
			Quantity: qty, UnitPrice: unit, TaxIncluded: true,
		})
		out.Totals.Goods += unit * int64(qty)
		out.Totals.Discount += discount * int64(qty)
		st := strings.TrimSpace(p.CurrentState)
		if lowest == "" || st < lowest {
			lowest = st
		}
	}
	// The order stands where its least advanced line does.
	out.Status, out.StatusName = lowest, StateName(lowest)
	out.Totals.Total = out.Totals.Goods - out.Totals.Discount + out.Totals.Shipping
	out.Totals.Billed = out.Totals.Total
	raw, err := xml.Marshal(o)
	if err != nil {
		return marketplace.Order{}, err
	}
	out.RawPayload = raw
	return out, nil
}

func firstNonEmpty(v ...string) string {
	for _, s := range v {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}
