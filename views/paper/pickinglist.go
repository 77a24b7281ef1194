package paper

import (
	"io"
	"strconv"

	"github.com/renkei-oss/renkei/domain"
)

// Picking list columns: 商品コード, 商品名, JAN, 数量 (mm).
var pickCols = [4]float64{45, 85, 32, 18}

// PickingList writes the ピッキングリスト as one PDF (A4 portrait, the
// header repeated on every page).
func PickingList(w io.Writer, pl domain.PickingList) error {
	d := newDoc("P", "A4", pl.PrintedAt, "ピッキングリスト")
	d.pdf.AliasNbPages("{nb}")
	page := 0
	y := 0.0
	for i, r := range pl.Rows {
		if i == 0 || y+rowH > slipBottom {
			page++
			y = pickHeader(d, pl, page)
		}
		name := r.Name
		if r.Unmapped {
			name = "（SKU未対応）" + name
		}
		pickRow(d, y, [4]string{r.SKU, name, r.JAN, strconv.FormatInt(r.Quantity, 10)})
		y += rowH
	}
	if len(pl.Rows) == 0 {
		pickHeader(d, pl, 1)
	}
	return d.Write(w)
}

func pickHeader(d *doc, pl domain.PickingList, page int) float64 {
	d.pdf.AddPage()
	d.text(slipLeft, 22, 100, 18, "ピッキングリスト")
	d.text(slipLeft, 30, slipWidth, 9, "印刷日時: "+pl.PrintedAt.In(tokyo).Format("2006年1月2日 15:04")+
		"　対象注文: "+strconv.Itoa(pl.Orders)+"件　品目: "+strconv.Itoa(len(pl.Rows))+
		"　合計数量: "+strconv.FormatInt(pl.TotalQuantity(), 10))
	d.cell(slipRight-30, 16, 30, 6, 9, "ページ "+strconv.Itoa(page)+"/{nb}", "R", "")
	y := 36.0
	d.pdf.SetFillColor(235, 235, 235)
	d.pdf.Rect(slipLeft, y, slipWidth, rowH, "F")
	pickRow(d, y, [4]string{"商品コード", "商品名", "JAN", "数量"})
	return y + rowH
}

func pickRow(d *doc, y float64, v [4]string) {
	x := slipLeft
	for i, w := range pickCols {
		align := "L"
		if i == 3 {
			align = "R"
		}
		d.cell(x, y, w, rowH, 9, v[i], align, "B")
		x += w
	}
}
