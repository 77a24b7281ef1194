package upload

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// xlsxBomb builds a small .xlsx whose shared-string part unzips to one
// string of size bytes. The deflate stream is one compressed 1 MiB block
// repeated, so building it costs little memory or time.
func xlsxBomb(t *testing.T, size int) []byte {
	t.Helper()
	f := excelize.NewFile()
	if err := f.SetCellValue("Sheet1", "A1", "商品コード"); err != nil {
		t.Fatal(err)
	}
	var plain bytes.Buffer
	if err := f.Write(&plain); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(plain.Bytes()), int64(plain.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, e := range zr.File {
		if e.Name == "xl/sharedStrings.xml" {
			continue
		}
		if err := zw.Copy(e); err != nil {
			t.Fatal(err)
		}
	}
	head := []byte(`<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>`)
	tail := []byte(`</t></si></sst>`)
	chunk := bytes.Repeat([]byte("a"), 1<<20)
	n := size / len(chunk)
	crc := crc32.Update(0, crc32.IEEETable, head)
	for i := 0; i < n; i++ {
		crc = crc32.Update(crc, crc32.IEEETable, chunk)
	}
	crc = crc32.Update(crc, crc32.IEEETable, tail)
	var body bytes.Buffer
	body.Write(deflateSegment(t, head, false))
	seg := deflateSegment(t, chunk, false)
	for i := 0; i < n; i++ {
		body.Write(seg)
	}
	body.Write(deflateSegment(t, tail, true))
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name: "xl/sharedStrings.xml", Method: zip.Deflate, CRC32: crc,
		CompressedSize64:   uint64(body.Len()),
		UncompressedSize64: uint64(len(head) + n*len(chunk) + len(tail)),
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(body.Bytes()); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// deflateSegment compresses p on its own, byte-aligned, so segments can be
// concatenated into one stream; only the last one closes it.
func deflateSegment(t *testing.T, p []byte, last bool) []byte {
	t.Helper()
	var b bytes.Buffer
	fw, _ := flate.NewWriter(&b, flate.BestCompression)
	fw.Write(p)
	var err error
	if last {
		err = fw.Close()
	} else {
		err = fw.Flush()
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestXLSXBombRefusedWithoutMemory(t *testing.T) {
	bomb := xlsxBomb(t, 1<<30)
	if len(bomb) > 2<<20 {
		t.Fatalf("bomb is %d bytes, want about 1 MB", len(bomb))
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := Read(bytes.NewReader(bomb))
	runtime.ReadMemStats(&after)
	if !IsFileError(err) || !strings.Contains(err.Error(), "Excelファイルが大きすぎます（展開後 1024 MB、上限 ") {
		t.Errorf("bomb: err = %v", err)
	}
	if grown := after.TotalAlloc - before.TotalAlloc; grown > 100<<20 {
		t.Errorf("reading the bomb allocated %d MB, want < 100 MB", grown>>20)
	}
}

// xlsxWithCell builds an .xlsx with a header row and one data row whose
// second cell holds cell. excelize cuts what it writes at Excel's limit, so
// the cell is put into the shared strings afterwards, as another program
// could write it.
func xlsxWithCell(t *testing.T, cell string) []byte {
	t.Helper()
	const placeholder = "CELL-PLACEHOLDER"
	f := excelize.NewFile()
	for ref, v := range map[string]string{"A1": "商品コード", "B1": "商品名", "A2": "S-1", "B2": placeholder} {
		if err := f.SetCellValue("Sheet1", ref, v); err != nil {
			t.Fatal(err)
		}
	}
	var plain bytes.Buffer
	if err := f.Write(&plain); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(plain.Bytes()), int64(plain.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	replaced := false
	for _, e := range zr.File {
		if e.Name != "xl/sharedStrings.xml" {
			if err := zw.Copy(e); err != nil {
				t.Fatal(err)
			}
			continue
		}
		rc, err := e.Open()
		if err != nil {
			t.Fatal(err)
		}
		xml, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		replaced = bytes.Contains(xml, []byte(placeholder))
		w, err := zw.Create(e.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(bytes.Replace(xml, []byte(placeholder), []byte(cell), 1)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if !replaced {
		t.Fatal("the placeholder is not in xl/sharedStrings.xml")
	}
	return out.Bytes()
}

func TestXLSXCellLengthCap(t *testing.T) {
	for _, tt := range []struct {
		name    string
		chars   int
		refused bool
	}{
		{"at Excel's limit", MaxCellChars, false},
		{"one over", MaxCellChars + 1, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// Multi-byte characters: the cap counts characters, not bytes.
			tab, err := Read(bytes.NewReader(xlsxWithCell(t, strings.Repeat("あ", tt.chars))))
			if !tt.refused {
				if err != nil || len(tab.Rows) != 1 || len([]rune(tab.Rows[0].Cells[1])) != tt.chars {
					t.Fatalf("cell of %d characters: err = %v", tt.chars, err)
				}
				return
			}
			if !IsFileError(err) || !strings.Contains(err.Error(), "Excelファイルの2行目に32767文字を超えるセルがあります") {
				t.Errorf("cell of %d characters: err = %v", tt.chars, err)
			}
		})
	}
}
