package paper

import (
	"archive/zip"
	"fmt"
	"io"
	"time"
)

// MaxPerPDF is how many orders one PDF holds. fpdf keeps a document's pages
// until it is written (about 50 MB at 1,000 納品書), so a larger run is a
// ZIP of PDFs of MaxPerPDF orders each, each written out as it fills: memory
// stays at one PDF's worth however many orders are printed.
const MaxPerPDF = 1000

// Doc is a PDF of papers built one item at a time.
type Doc[T any] interface {
	Add(T) error
	Write(io.Writer) error
}

// Bundle draws items into PDFs of at most MaxPerPDF orders; an order's
// items (its labels) never straddle two files.
type Bundle[T any] struct {
	w      io.Writer
	zw     *zip.Writer
	name   string
	at     time.Time
	start  func() Doc[T]
	order  func(T) int64
	cur    Doc[T]
	orders int
	last   int64
	files  int
	per    int // MaxPerPDF; smaller in tests
}

// Download is how a paper run is sent: its file name and content type.
type Download struct {
	FileName    string
	ContentType string
}

// DownloadFor names the download of a run of orders: one PDF, or a ZIP of
// PDFs over MaxPerPDF orders.
func DownloadFor(base string, orders int, at time.Time) Download {
	stamp := at.In(tokyo).Format("20060102-1504")
	if orders > MaxPerPDF {
		return Download{FileName: base + "_" + stamp + ".zip", ContentType: "application/zip"}
	}
	return Download{FileName: base + "_" + stamp + ".pdf", ContentType: "application/pdf"}
}

// NewBundle writes to w the papers of orders orders (as DownloadFor says);
// start begins a new PDF, order tells which order an item belongs to.
func NewBundle[T any](w io.Writer, base string, orders int, at time.Time, start func() Doc[T], order func(T) int64) *Bundle[T] {
	b := &Bundle[T]{w: w, name: base, at: at, start: start, order: order, last: -1, per: MaxPerPDF}
	if orders > MaxPerPDF {
		b.zw = zip.NewWriter(w)
	}
	return b
}

// Add draws one item, closing the current PDF first when it is full.
func (b *Bundle[T]) Add(v T) error {
	if id := b.order(v); id != b.last {
		b.last = id
		if b.cur != nil && b.orders == b.per {
			if err := b.flush(); err != nil {
				return err
			}
		}
		b.orders++
	}
	if b.cur == nil {
		b.cur = b.start()
	}
	return b.cur.Add(v)
}

// Close writes the last PDF (an empty one when nothing was added) and ends the ZIP.
func (b *Bundle[T]) Close() error {
	if b.cur == nil {
		b.cur = b.start()
	}
	if err := b.flush(); err != nil {
		return err
	}
	if b.zw != nil {
		return b.zw.Close()
	}
	return nil
}

func (b *Bundle[T]) flush() error {
	out := b.w
	if b.zw != nil {
		b.files++
		// PDFs are already compressed: stored, not deflated again.
		zf, err := b.zw.CreateHeader(&zip.FileHeader{
			Name: fmt.Sprintf("%s_%03d.pdf", b.name, b.files), Method: zip.Store, Modified: b.at,
		})
		if err != nil {
			return fmt.Errorf("paper: zip: %w", err)
		}
		out = zf
	}
	err := b.cur.Write(out)
	b.cur, b.orders = nil, 0
	return err
}
