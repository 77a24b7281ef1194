package paper

import (
	"io"
	"strconv"
	"time"

	"github.com/renkei-oss/renkei/domain"
)

// Labels is a PDF of Renkei's own 送り状: one A6 page per parcel, for
// label printers and for channels whose carriers have no label software.
type Labels struct {
	d     *doc
	pages int
}

// NewLabels starts an empty PDF of 送り状 printed at at.
func NewLabels(at time.Time) *Labels {
	d := newDoc("P", "A6", at, "送り状")
	d.pdf.SetMargins(6, 6, 6)
	return &Labels{d: d}
}

// Pages is the number of labels drawn so far.
func (l *Labels) Pages() int { return l.pages }

// Write writes the finished PDF.
func (l *Labels) Write(w io.Writer) error { return l.d.Write(w) }

// A6 portrait: 105 × 148 mm.
const (
	labelLeft  = 6.0
	labelWidth = 93.0
)

// Add draws one parcel's label.
func (l *Labels) Add(s domain.ShippingLabel) error {
	d, o := l.d, s.Order
	d.pdf.AddPage()
	l.pages++
	carrier := s.CarrierName
	if s.ServiceName != "" {
		carrier += " " + s.ServiceName
	}
	d.text(labelLeft, 12, labelWidth-25, 13, carrier)
	d.cell(labelLeft+labelWidth-25, 6, 25, 8, 11, "個口 "+strconv.Itoa(s.Parcel)+"/"+strconv.Itoa(s.Parcels), "R", "1")
	d.pdf.SetDrawColor(0, 0, 0)
	d.pdf.Rect(labelLeft, 16, labelWidth, 48, "D")
	d.text(labelLeft+2, 21, 30, 8, "お届け先")
	r := o.Recipient
	d.text(labelLeft+2, 28, labelWidth-4, 11, "〒"+r.PostalCode)
	d.text(labelLeft+2, 35, labelWidth-4, 10, r.Prefecture+r.Address)
	d.text(labelLeft+2, 46, labelWidth-4, 15, r.Name+" 様")
	d.text(labelLeft+2, 54, labelWidth-4, 10, "TEL "+orDash(r.Phone))
	d.text(labelLeft+2, 61, labelWidth-4, 9, "お届け希望日: "+jpDate(o.DeliveryDate)+"　時間帯: "+orDash(o.TimeSlot))

	d.pdf.Rect(labelLeft, 66, labelWidth, 26, "D")
	f := s.From
	d.text(labelLeft+2, 71, 30, 8, "ご依頼主（発送元）")
	d.text(labelLeft+2, 77, labelWidth-4, 9, "〒"+f.PostalCode+" "+f.Prefecture+f.Address)
	d.text(labelLeft+2, 84, labelWidth-4, 10, f.Name)
	d.text(labelLeft+2, 90, labelWidth-4, 9, "TEL "+orDash(f.Phone))

	d.text(labelLeft, 98, labelWidth, 9, "注文番号: "+o.ChannelOrderNo+"　"+s.ChannelName)
	d.text(labelLeft, 104, 40, 8, "送り状番号（問番）")
	b, err := newCode128(s.LabelNo, labelWidth-10)
	if err != nil {
		return err
	}
	x := labelLeft + (labelWidth-b.width())/2
	b.draw(d, x, 108, 22)
	d.cell(labelLeft, 131, labelWidth, 6, 12, s.LabelNo, "C", "")
	return nil
}
