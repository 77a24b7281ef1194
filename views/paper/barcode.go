package paper

import (
	"fmt"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/code128"
)

// bars is an encoded Code128 barcode ready to draw.
type bars struct {
	code    barcode.Barcode
	modules int
	mod     float64 // module width, mm
}

// newCode128 encodes s to fit in w mm. 0.33 mm is the common module width;
// narrower only for long values, never below what a 200 dpi print resolves.
func newCode128(s string, w float64) (bars, error) {
	bc, err := code128.Encode(s)
	if err != nil {
		return bars{}, fmt.Errorf("paper: barcode of %q: %w", s, err)
	}
	n := bc.Bounds().Dx()
	return bars{code: bc, modules: n, mod: max(min(0.33, w/float64(n)), 0.19)}, nil
}

// width is the drawn width in mm.
func (b bars) width() float64 { return float64(b.modules) * b.mod }

// draw fills each run of black modules as one rectangle (vector, sharp at
// any printer resolution) from (x, y), h mm tall.
func (b bars) draw(d *doc, x, y, h float64) {
	d.pdf.SetFillColor(0, 0, 0)
	for i := 0; i < b.modules; {
		if !b.black(i) {
			i++
			continue
		}
		j := i
		for j < b.modules && b.black(j) {
			j++
		}
		d.pdf.Rect(x+float64(i)*b.mod, y, float64(j-i)*b.mod, h, "F")
		i = j
	}
}

func (b bars) black(i int) bool {
	r, _, _, _ := b.code.At(i, 0).RGBA()
	return r < 0x8000
}

// barcodeRight draws s's barcode with its right edge at right and the text
// centred under it. A value Code128 cannot carry (beyond ASCII) or too long
// to scan in maxW is printed as text with the reason, so one odd order
// number never spoils a whole print run.
func (d *doc) barcodeRight(s string, right, y, maxW, h float64) {
	b, err := newCode128(s, maxW)
	if err != nil || b.width() > maxW {
		d.cell(right-maxW, y, maxW, 5, 8, "（バーコードにできない番号です）", "R", "")
		d.cell(right-maxW, y+h+0.5, maxW, 4, 9, s, "R", "")
		return
	}
	x := right - b.width()
	b.draw(d, x, y, h)
	d.cell(x, y+h+0.5, b.width(), 4, 9, s, "C", "")
}
