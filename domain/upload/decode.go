// Package upload reads the master files operators upload (CSV in UTF-8 or
// Shift_JIS/CP932, or .xlsx), turns them into validated rows with Japanese
// per-row errors, and writes exports. It does no I/O beyond the readers and
// writers it is handed.
package upload

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/unicode/norm"

	"github.com/renkei-oss/renkei/domain"
)

// Limits on one upload. Above them the file is refused as a whole.
const (
	MaxBytes = 20 << 20
	MaxRows  = 200_000
	// MaxUnzipped bounds what an .xlsx may expand to, so a small file with a
	// huge compressed part (a zip bomb) is refused before it is inflated.
	MaxUnzipped = 200 << 20
	// MaxSharedStrings bounds the shared-string part, which excelize holds in
	// memory whole.
	MaxSharedStrings = 64 << 20
	// MaxCellChars is Excel's own limit on one cell.
	MaxCellChars = 32767
)

// Encodings reported back to the operator.
const (
	EncUTF8     = "UTF-8"
	EncUTF8BOM  = "UTF-8 (BOM付き)"
	EncShiftJIS = "Shift_JIS"
	EncXLSX     = "Excel (.xlsx)"
)

// FileError refuses a whole file; Msg is a Japanese sentence for the operator.
type FileError struct{ Msg string }

func (e *FileError) Error() string { return e.Msg }

func fileErr(format string, a ...any) error { return &FileError{Msg: fmt.Sprintf(format, a...)} }

// IsFileError reports whether err is a refusal meant for the operator.
func IsFileError(err error) bool {
	var fe *FileError
	return errors.As(err, &fe)
}

// Row is one data row with its row number as a spreadsheet shows it
// (the header is row 1).
type Row struct {
	Line  int
	Cells []string
}

// Table is a decoded file: header plus data rows, empty rows dropped.
type Table struct {
	Header   []string
	Rows     []Row
	Encoding string
	index    map[string]int
	// rowErrs are rows left out of Rows because of their shape or bytes.
	rowErrs []RowError
}

// RowErrors lists the rows left out of Rows: more cells than the header,
// or text that cannot be stored.
func (t *Table) RowErrors() []RowError { return t.rowErrs }

// Col returns the index of the first header matching one of names, or -1.
// Headers are compared after NFKC and trimming, so （） and () match.
func (t *Table) Col(names ...string) int {
	if t.index == nil {
		t.index = make(map[string]int, len(t.Header))
		for i, h := range t.Header {
			k := headerKey(h)
			if _, dup := t.index[k]; !dup {
				t.index[k] = i
			}
		}
	}
	for _, n := range names {
		if i, ok := t.index[headerKey(n)]; ok {
			return i
		}
	}
	return -1
}

// Cell returns row r's cell at column i, trimmed; "" when absent.
func (r Row) Cell(i int) string {
	if i < 0 || i >= len(r.Cells) {
		return ""
	}
	return strings.TrimSpace(r.Cells[i])
}

func headerKey(s string) string {
	return strings.ToLower(strings.ReplaceAll(norm.NFKC.String(strings.TrimSpace(s)), " ", ""))
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// Read decodes an uploaded file. The format and encoding are detected from
// the content, never asked: a ZIP signature means .xlsx (first sheet);
// otherwise CSV, UTF-8 when valid (BOM or not), else Shift_JIS/CP932.
func Read(r io.Reader) (*Table, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read upload: %w", err)
	}
	if len(data) > MaxBytes {
		return nil, fileErr("ファイルが大きすぎます。上限は20MBです。ファイルを分けてアップロードしてください。")
	}
	if len(data) == 0 {
		return nil, fileErr("ファイルが空です。見出し行とデータのあるファイルを選んでください。")
	}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return readXLSX(data)
	}
	enc := EncUTF8
	switch {
	case bytes.HasPrefix(data, utf8BOM):
		data, enc = data[len(utf8BOM):], EncUTF8BOM
	case !utf8.Valid(data):
		dec, err := japanese.ShiftJIS.NewDecoder().Bytes(data)
		if err != nil || bytes.ContainsRune(dec, utf8.RuneError) {
			return nil, fileErr("文字コードを判別できません。UTF-8 か Shift_JIS で保存したCSV、または .xlsx を選んでください。")
		}
		data, enc = dec, EncShiftJIS
	}
	return readCSV(data, enc)
}

func readCSV(data []byte, enc string) (*Table, error) {
	if line := openQuoteLine(data); line > 0 {
		return nil, fileErr("CSVを読めません: %d行目で始まる引用符「\"」が閉じられていません。", line)
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	t := &Table{Encoding: enc}
	for n := 1; ; n++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			line, _ := cr.FieldPos(0)
			return nil, fileErr("CSVを読めません（%d行目付近）: 引用符「\"」の閉じ忘れがないか確認してください。", line)
		}
		if err := t.add(n, rec); err != nil {
			return nil, err
		}
	}
	return t.done()
}

// checkXLSXSize refuses an .xlsx by the sizes its zip directory declares.
// archive/zip fails a part that inflates past its declared size, so the
// declared sizes are a bound excelize cannot exceed.
func checkXLSXSize(data []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fileErr("Excelファイルを開けません。.xlsx 形式で保存し直してください（.xls は読めません）。")
	}
	var total, shared uint64
	for _, e := range zr.File {
		total += e.UncompressedSize64
		if strings.EqualFold(e.Name, "xl/sharedStrings.xml") {
			shared = e.UncompressedSize64
		}
	}
	if total > MaxUnzipped {
		return fileErr("Excelファイルが大きすぎます（展開後 %d MB、上限 %d MB）", total>>20, MaxUnzipped>>20)
	}
	if shared > MaxSharedStrings {
		return fileErr("Excelファイルが大きすぎます（文字列部分が展開後 %d MB、上限 %d MB）", shared>>20, MaxSharedStrings>>20)
	}
	return nil
}

// openQuoteLine returns the line on which a quoted field opens that the
// file never closes, or 0. Quotes inside unquoted fields are plain text,
// as the lazy reader treats them.
func openQuoteLine(data []byte) int {
	line, open, inQuote, fieldStart := 1, 0, false, true
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case inQuote && c == '"' && i+1 < len(data) && data[i+1] == '"':
			i++
		case inQuote && c == '"':
			inQuote = false
		case !inQuote && fieldStart && c == '"':
			inQuote, open = true, line
		}
		if c == '\n' {
			line++
		}
		fieldStart = !inQuote && (c == ',' || c == '\n' || c == '\r')
	}
	if inQuote {
		return open
	}
	return 0
}

func readXLSX(data []byte) (*Table, error) {
	if err := checkXLSXSize(data); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: MaxUnzipped})
	if err != nil {
		return nil, fileErr("Excelファイルを開けません。.xlsx 形式で保存し直してください（.xls は読めません）。")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, fileErr("Excelファイルにシートがありません。")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, fileErr("Excelファイルの1枚目のシート「%s」を読めません。", sheets[0])
	}
	defer rows.Close()
	t := &Table{Encoding: EncXLSX}
	for n := 1; rows.Next(); n++ {
		rec, err := rows.Columns()
		if err != nil {
			return nil, fileErr("Excelファイルの%d行目を読めません。", n)
		}
		for _, c := range rec {
			if utf8.RuneCountInString(c) > MaxCellChars {
				return nil, fileErr("Excelファイルの%d行目に%d文字を超えるセルがあります。", n, MaxCellChars)
			}
		}
		if err := t.add(n, rec); err != nil {
			return nil, err
		}
	}
	return t.done()
}

func (t *Table) add(line int, rec []string) error {
	empty := true
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			empty = false
			break
		}
	}
	if empty {
		return nil
	}
	if t.Header == nil {
		t.Header = rec
		return nil
	}
	if e, bad := t.rowProblem(line, rec); bad {
		t.rowErrs = append(t.rowErrs, e)
		return nil
	}
	if len(t.Rows) >= MaxRows {
		return fileErr("行数が多すぎます。上限は%d行です。ファイルを分けてアップロードしてください。", MaxRows)
	}
	t.Rows = append(t.Rows, Row{Line: line, Cells: rec})
	return nil
}

// rowProblem checks one data row's shape and bytes. Trailing empty cells
// (spreadsheets often export them) do not count as columns.
func (t *Table) rowProblem(line int, rec []string) (RowError, bool) {
	n := len(rec)
	for n > 0 && strings.TrimSpace(rec[n-1]) == "" {
		n--
	}
	if n > len(t.Header) {
		return RowError{line, "", fmt.Sprintf("列が多すぎます（見出し%d列、この行%d列）", len(t.Header), n)}, true
	}
	for i, c := range rec[:n] {
		if !domain.ValidText(c) {
			return RowError{line, strings.TrimSpace(t.Header[i]), domain.MsgInvalidChars}, true
		}
	}
	return RowError{}, false
}

func (t *Table) done() (*Table, error) {
	if t.Header == nil {
		return nil, fileErr("ファイルが空です。見出し行とデータのあるファイルを選んでください。")
	}
	if len(t.Rows) == 0 && len(t.rowErrs) == 0 {
		return nil, fileErr("見出し行のほかにデータ行がありません。")
	}
	return t, nil
}
