package main

import "os/exec"

// paperTools are what the PDF tests read 納品書・送り状 back with: poppler
// renders and extracts text, zbar decodes the barcodes. The PDFs' Japanese
// font is embedded in the binary, so none is needed for them.
var paperTools = []struct{ bin, pkg string }{
	{"pdftoppm", "poppler-utils"},
	{"pdftotext", "poppler-utils"},
	{"pdfinfo", "poppler-utils"},
	{"zbarimg", "zbar-tools"},
}

func missingPaperTools() []string {
	var missing []string
	seen := map[string]bool{}
	for _, t := range paperTools {
		if _, err := exec.LookPath(t.bin); err != nil && !seen[t.pkg] {
			seen[t.pkg] = true
			missing = append(missing, t.pkg)
		}
	}
	return missing
}
