package paper

import (
	"io"
	"strconv"
	"time"

	"github.com/renkei-oss/renkei/domain"
)

// PackingSlips is a PDF of 納品書, one A4 page per order (a second page only
// when an order's lines do not fit on one), built one order at a time.
type PackingSlips struct {
	d     *doc
	pages int
}

// NewPackingSlips starts an empty PDF of 納品書 printed at at.
func NewPackingSlips(at time.Time) *PackingSlips {
	return &PackingSlips{d: newDoc("P", "A4", at, "納品書")}
}

// Pages is the number of pages drawn so far.
func (p *PackingSlips) Pages() int { return p.pages }

// Write writes the finished PDF.
func (p *PackingSlips) Write(w io.Writer) error { return p.d.Write(w) }

// Page geometry (mm): A4 portrait inside 15 mm margins.
const (
	slipLeft   = 15.0
	slipRight  = 195.0
	slipWidth  = slipRight - slipLeft
	slipBottom = 275.0
	rowH       = 6.5
)

// Line table columns: 商品コード, 商品名, 数量, 単価, 小計 (widths in mm).
var slipCols = [5]float64{38, 80, 16, 23, 23}

// Add draws one order's 納品書.
func (p *PackingSlips) Add(s domain.PackingSlip) error {
	o := s.Order
	p.newPage()
	d := p.d
	d.text(slipLeft, 25, 80, 20, "納品書")
	d.barcodeRight(o.ChannelOrderNo, slipRight, 14, 85, 14)
	d.text(slipLeft, 34, 90, 9, "注文番号: "+o.ChannelOrderNo)
	d.text(slipLeft, 39, 90, 9, "注文日: "+o.OrderedAt.In(tokyo).Format("2006年1月2日 15:04"))
	d.text(slipLeft, 44, 90, 9, "販売チャネル: "+orDash(s.ChannelName))

	y := 52.0
	y = p.party(slipLeft, y, "送付先", o.Recipient, true)
	buyerY := 52.0
	if o.Buyer == o.Recipient || (o.Buyer.Name == o.Recipient.Name && o.Buyer.Address == o.Recipient.Address) {
		d.text(110, buyerY+5, 85, 9, "注文者: 送付先と同じ")
		buyerY += 8
	} else {
		buyerY = p.party(110, buyerY, "注文者", o.Buyer, false)
	}
	y = max(y, buyerY) + 2
	y = p.sender(y, s.From)
	y = p.delivery(y, s)
	y = p.lines(y, o)
	p.totals(y, o)
	d.text(slipLeft, 287, slipWidth, 8, "このたびはご注文いただきありがとうございます。内容にお間違いがございましたら発送元までご連絡ください。")
	return nil
}

func (p *PackingSlips) newPage() {
	p.d.pdf.AddPage()
	p.pages++
}

// party draws a labelled block (送付先 or 注文者) from y and returns where it ends.
func (p *PackingSlips) party(x, y float64, label string, pt domain.Party, honorific bool) float64 {
	d := p.d
	d.text(x, y+5, 85, 8, label)
	name := pt.Name
	if honorific && name != "" {
		name += " 様"
	}
	d.text(x, y+11, 85, 12, name)
	if pt.PostalCode != "" {
		d.text(x, y+16.5, 85, 9, "〒"+pt.PostalCode)
	}
	d.text(x, y+21.5, 88, 9, pt.Prefecture+pt.Address)
	if pt.Phone != "" {
		d.text(x, y+26.5, 85, 9, "TEL "+pt.Phone)
	}
	return y + 29
}

func (p *PackingSlips) sender(y float64, f domain.ShipFrom) float64 {
	d := p.d
	d.pdf.SetDrawColor(160, 160, 160)
	d.pdf.Line(slipLeft, y, slipRight, y)
	d.text(slipLeft, y+5, 30, 8, "発送元")
	d.text(slipLeft+14, y+5, 80, 9, f.Name)
	line := "〒" + f.PostalCode + " " + f.Prefecture + f.Address
	if f.Phone != "" {
		line += "  TEL " + f.Phone
	}
	d.text(slipLeft+14, y+10, slipWidth-14, 9, line)
	return y + 14
}

func (p *PackingSlips) delivery(y float64, s domain.PackingSlip) float64 {
	d, o := p.d, s.Order
	svc := s.ServiceName
	if svc == "" {
		svc = o.DeliveryName
	} else if s.CarrierName != "" {
		svc = s.CarrierName + " " + svc
	}
	d.pdf.Line(slipLeft, y, slipRight, y)
	d.text(slipLeft, y+5, 90, 9, "配送サービス: "+orDash(svc))
	d.text(slipLeft, y+10, 60, 9, "配送時間帯: "+orDash(o.TimeSlot))
	d.text(slipLeft+90, y+10, 80, 9, "お届け希望日: "+jpDate(o.DeliveryDate))
	return y + 15
}

// lines draws the line table, continuing on a new page (with the order
// number repeated) when it runs out of room.
func (p *PackingSlips) lines(y float64, o domain.ShipOrder) float64 {
	y = p.lineHeader(y)
	for _, l := range o.Lines {
		if y+rowH > slipBottom-20 {
			p.newPage()
			p.d.text(slipLeft, 20, slipWidth, 10, "納品書（続き） 注文番号: "+o.ChannelOrderNo)
			y = p.lineHeader(26)
		}
		code := l.SKU
		if code == "" {
			code = l.ItemCode
		}
		p.row(y, [5]string{code, l.Name, strconv.Itoa(l.Quantity), yen(l.UnitPrice, o.Currency), yen(l.Subtotal(), o.Currency)}, "B")
		y += rowH
	}
	return y
}

func (p *PackingSlips) lineHeader(y float64) float64 {
	p.d.pdf.SetFillColor(235, 235, 235)
	p.d.pdf.Rect(slipLeft, y, slipWidth, rowH, "F")
	p.row(y, [5]string{"商品コード", "商品名", "数量", "単価", "小計"}, "B")
	return y + rowH
}

func (p *PackingSlips) row(y float64, v [5]string, border string) {
	x := slipLeft
	for i, w := range slipCols {
		align := "L"
		if i >= 2 {
			align = "R"
		}
		p.d.cell(x, y, w, rowH, 9, v[i], align, border)
		x += w
	}
}

func (p *PackingSlips) totals(y float64, o domain.ShipOrder) {
	d := p.d
	x := slipRight - 70
	y += 3
	d.cell(x, y, 40, rowH, 9, "商品合計", "L", "")
	d.cell(x+40, y, 30, rowH, 9, yen(o.LinesTotal(), o.Currency), "R", "")
	if other := o.TotalAmount - o.LinesTotal(); other != 0 {
		y += rowH
		d.cell(x, y, 40, rowH, 9, "送料・手数料・割引", "L", "")
		d.cell(x+40, y, 30, rowH, 9, yen(other, o.Currency), "R", "")
	}
	y += rowH
	d.cell(x, y, 40, rowH, 10, "合計金額", "L", "T")
	d.cell(x+40, y, 30, rowH, 10, yen(o.TotalAmount, o.Currency), "R", "T")
}
