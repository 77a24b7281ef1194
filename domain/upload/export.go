package upload

import (
	"bytes"
	"encoding/csv"
	"io"
	"unicode/utf8"

	"github.com/gocarina/gocsv"
	"golang.org/x/text/encoding/japanese"
)

// Export encodings.
const (
	ExportUTF8     = "utf8"
	ExportShiftJIS = "sjis"
)

// Replacement is written for a character Shift_JIS cannot hold: the geta
// mark 〓, the customary visible stand-in in Japanese text, never a silent drop.
const Replacement = '〓'

// sjisLookalikes maps characters that have a visually identical CP932
// counterpart. Mapping them is normalisation, not loss: 〜 (U+301C) and
// − (U+2212) come from Macs and Unicode-first tools and print the same.
var sjisLookalikes = map[rune]rune{
	'\u301C': '～', // WAVE DASH → FULLWIDTH TILDE
	'\u2212': '－', // MINUS SIGN → FULLWIDTH HYPHEN-MINUS
	'\u2016': '∥', // DOUBLE VERTICAL LINE → PARALLEL TO
	'\u2014': '―', // EM DASH → HORIZONTAL BAR
	'\u00A2': '￠',
	'\u00A3': '￡',
	'\u00AC': '￢',
	'\u00A0': ' ', // no-break space
}

// Replaced tells the operator what an export could not keep.
type Replaced struct {
	Count int    // characters written as 〓
	Chars []rune // distinct such characters, in order of first appearance
}

// ToShiftJIS converts UTF-8 text to Shift_JIS (CP932), normalising
// look-alikes and replacing anything else it cannot hold with 〓.
func ToShiftJIS(src []byte) ([]byte, Replaced) {
	enc := japanese.ShiftJIS.NewEncoder()
	if out, err := enc.Bytes(src); err == nil {
		return out, Replaced{}
	}
	var (
		rep  Replaced
		out  = make([]byte, 0, len(src))
		seen = map[rune]bool{}
		buf  [utf8.UTFMax]byte
	)
	geta, _ := japanese.ShiftJIS.NewEncoder().Bytes([]byte(string(Replacement)))
	for len(src) > 0 {
		r, size := utf8.DecodeRune(src)
		src = src[size:]
		if r < utf8.RuneSelf {
			out = append(out, byte(r))
			continue
		}
		if alt, ok := sjisLookalikes[r]; ok {
			r = alt
		}
		n := utf8.EncodeRune(buf[:], r)
		b, err := enc.Bytes(buf[:n])
		if err != nil {
			out = append(out, geta...)
			rep.Count++
			if !seen[r] {
				seen[r] = true
				rep.Chars = append(rep.Chars, r)
			}
			continue
		}
		out = append(out, b...)
	}
	return out, rep
}

// WriteCSV writes rows, a slice of one of the row structs in layouts.go,
// as CSV with their header in the chosen encoding. UTF-8 gets a BOM and CRLF
// so Excel opens it as UTF-8; Shift_JIS is what RMS and most Japanese back
// offices read. gocsv marshals onto our own csv.Writer, never its package
// globals, so the CRLF setting is this export's alone.
func WriteCSV(w io.Writer, encoding string, rows any) (Replaced, error) {
	var buf bytes.Buffer
	if encoding != ExportShiftJIS {
		buf.Write(utf8BOM)
	}
	cw := csv.NewWriter(&buf)
	cw.UseCRLF = true
	if err := gocsv.MarshalCSV(rows, cw); err != nil {
		return Replaced{}, err
	}
	if encoding != ExportShiftJIS {
		_, err := w.Write(buf.Bytes())
		return Replaced{}, err
	}
	out, rep := ToShiftJIS(buf.Bytes())
	_, err := w.Write(out)
	return rep, err
}
