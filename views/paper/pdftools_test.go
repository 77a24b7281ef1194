package paper

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The PDF tests read the PDFs back with poppler and zbar, as a person with
// a printer and a scanner would; `make test` installs them (cmd/devenv).

func writePDF(t *testing.T, render func(*bytes.Buffer) error) string {
	t.Helper()
	var b bytes.Buffer
	if err := render(&b); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "out.pdf")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func tool(t *testing.T, name string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Fatalf("%s is needed to read the PDF back (apt-get install poppler-utils zbar-tools; `make test` does it)", name)
	}
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("%s %v: %v %s", name, args, err, stderr)
	}
	return string(out)
}

// pageText is the text of one page (1-based) as pdftotext reads it.
func pageText(t *testing.T, pdf string, page int) string {
	t.Helper()
	n := itoa(page)
	return tool(t, "pdftotext", "-f", n, "-l", n, "-layout", pdf, "-")
}

// pageBarcodes renders one page at 200 dpi and decodes every barcode on it.
func pageBarcodes(t *testing.T, pdf string, page int) []string {
	t.Helper()
	n := itoa(page)
	prefix := filepath.Join(filepath.Dir(pdf), "page"+n)
	tool(t, "pdftoppm", "-f", n, "-l", n, "-r", "200", "-gray", "-png", "-singlefile", pdf, prefix)
	out := tool(t, "zbarimg", "--quiet", "--raw", prefix+".png")
	return strings.Fields(out)
}

func pageCount(t *testing.T, pdf string) int {
	t.Helper()
	for _, l := range strings.Split(tool(t, "pdfinfo", pdf), "\n") {
		if v, ok := strings.CutPrefix(l, "Pages:"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				t.Fatalf("pdfinfo Pages: %q", v)
			}
			return n
		}
	}
	t.Fatal("pdfinfo gave no page count")
	return 0
}

func itoa(n int) string { return strconv.Itoa(n) }
