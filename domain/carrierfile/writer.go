package carrierfile

import (
	"bytes"
	"encoding/csv"
	"io"

	"github.com/renkei-oss/renkei/domain/upload"
)

// Writer writes a layout's file: Shift_JIS (CP932, what the three programs
// read), CRLF, a header row, then one row per shipment as it comes, so a
// file of any length streams. Characters Shift_JIS cannot hold become 〓
// and are counted in Replaced.
type Writer struct {
	w        io.Writer
	f        Format
	buf      bytes.Buffer
	cw       *csv.Writer
	Replaced upload.Replaced
}

// NewWriter starts a file of layout f on w with its header.
func NewWriter(w io.Writer, f Format) (*Writer, error) {
	cw := &Writer{w: w, f: f}
	cw.cw = csv.NewWriter(&cw.buf)
	cw.cw.UseCRLF = true
	return cw, cw.write(f.Header())
}

// Add writes one shipment's row.
func (w *Writer) Add(s Shipment) error { return w.write(w.f.Row(s)) }

func (w *Writer) write(row []string) error {
	w.buf.Reset()
	if err := w.cw.Write(row); err != nil {
		return err
	}
	w.cw.Flush()
	if err := w.cw.Error(); err != nil {
		return err
	}
	out, rep := upload.ToShiftJIS(w.buf.Bytes())
	w.Replaced.Count += rep.Count
	w.Replaced.Chars = append(w.Replaced.Chars, rep.Chars...)
	_, err := w.w.Write(out)
	return err
}
