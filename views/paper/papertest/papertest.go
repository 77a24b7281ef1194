// Package papertest reads PDFs back as a person with a printer and a
// scanner would: poppler renders pages and extracts their text, zbar
// decodes the barcodes. `make test` installs both (cmd/devenv). Only tests
// import it.
package papertest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Save writes pdf to a temporary file and returns its path.
func Save(t testing.TB, pdf []byte) string {
	t.Helper()
	if !strings.HasPrefix(string(pdf), "%PDF-") {
		n := min(len(pdf), 200)
		t.Fatalf("not a PDF: %q", pdf[:n])
	}
	path := filepath.Join(t.TempDir(), "paper.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func run(t testing.TB, name string, args ...string) string {
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

// Text is the text of one page (1-based) as pdftotext reads it, in layout order.
func Text(t testing.TB, pdf string, page int) string {
	t.Helper()
	n := strconv.Itoa(page)
	return run(t, "pdftotext", "-f", n, "-l", n, "-layout", pdf, "-")
}

// Barcodes renders one page at 200 dpi and decodes every barcode on it.
func Barcodes(t testing.TB, pdf string, page int) []string {
	t.Helper()
	n := strconv.Itoa(page)
	prefix := filepath.Join(filepath.Dir(pdf), "page"+n)
	run(t, "pdftoppm", "-f", n, "-l", n, "-r", "200", "-gray", "-png", "-singlefile", pdf, prefix)
	return strings.Fields(run(t, "zbarimg", "--quiet", "--raw", prefix+".png"))
}

// Pages is the PDF's page count.
func Pages(t testing.TB, pdf string) int {
	t.Helper()
	for _, l := range strings.Split(run(t, "pdfinfo", pdf), "\n") {
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
