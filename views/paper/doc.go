// Package paper renders the warehouse's printed papers as PDF: 納品書,
// ピッキングリスト and Renkei's own 送り状. It only draws what it is given
// (the store assembles the data, the handler streams it in).
//
// Japanese text is set in IPAexゴシック, embedded in the binary (so a server
// needs no font package) and subset into each PDF; the font may be
// redistributed under the IPA Font License in font/.
package paper

import (
	_ "embed"
	"fmt"
	"io"
	"strconv"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

//go:embed font/ipaexg.ttf
var ipaexGothic []byte

const fontFamily = "ipaexg"

// tokyo is Japan time: papers show Japanese dates (Japan has no DST).
var tokyo = time.FixedZone("JST", 9*60*60)

// doc is one PDF being drawn, with the embedded font and fixed metadata
// (so the same input gives the same bytes).
type doc struct {
	pdf  *fpdf.Fpdf
	size float64 // current font size, pt
}

func newDoc(orientation, size string, at time.Time, title string) *doc {
	f := fpdf.New(orientation, "mm", size, "")
	f.SetCompression(true)
	f.AddUTF8FontFromBytes(fontFamily, "", ipaexGothic)
	f.SetFont(fontFamily, "", 10) // doc.size 0: the first setSize emits it on the page
	f.SetTitle(title, true)
	f.SetCreator("Renkei", true)
	f.SetProducer("Renkei", true)
	f.SetCreationDate(at)
	f.SetModificationDate(at)
	f.SetAutoPageBreak(false, 0)
	f.SetMargins(15, 15, 15)
	return &doc{pdf: f}
}

// Write writes the finished PDF.
func (d *doc) Write(w io.Writer) error {
	if err := d.pdf.Error(); err != nil {
		return fmt.Errorf("paper: %w", err)
	}
	if err := d.pdf.Output(w); err != nil {
		return fmt.Errorf("paper: write pdf: %w", err)
	}
	return nil
}

// text writes s at (x, y) in size pt, shrunk to fit in w mm (when w > 0) so
// an address stays on one line (and in one piece for a reader).
func (d *doc) text(x, y, w float64, size float64, s string) {
	d.fit(size, w, s)
	d.pdf.Text(x, y, s)
}

// cell writes s in a box of w mm, aligned ("L", "R", "C"), shrinking as text does.
func (d *doc) cell(x, y, w, h, size float64, s, align, border string) {
	d.fit(size, w-2, s)
	d.pdf.SetXY(x, y)
	d.pdf.CellFormat(w, h, s, border, 0, align, false, 0, "")
}

// fit selects the largest size up to size (in 0.5 pt steps, at least 6 pt)
// at which s fits in w mm. Width grows linearly with the size, so it is
// measured once; the size is set only when it changes, since every change
// is an operator in the page's content (and memory until the PDF is written).
func (d *doc) fit(size, w float64, s string) {
	d.setSize(size)
	if w > 0 {
		if sw := d.pdf.GetStringWidth(s); sw > w {
			size = max(6, float64(int(size*w/sw*2))/2)
			d.setSize(size)
		}
	}
}

func (d *doc) setSize(size float64) {
	if size != d.size {
		d.size = size
		d.pdf.SetFontSize(size)
	}
}

// yen formats an amount in minor units of cur (JPY has none).
func yen(v int64, cur string) string {
	if cur == "" || cur == "JPY" {
		return "¥" + groupDigits(v)
	}
	frac := v % 100
	if frac < 0 {
		frac = -frac
	}
	return fmt.Sprintf("%s %s.%02d", cur, groupDigits(v/100), frac)
}

func groupDigits(v int64) string {
	s := strconv.FormatInt(v, 10)
	sign := ""
	if v < 0 {
		sign, s = "-", s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return sign + string(out)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// jpDate shows a YYYY-MM-DD date as 2026年12月7日; other text as it is.
func jpDate(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return orDash(s)
	}
	return t.Format("2006年1月2日")
}
