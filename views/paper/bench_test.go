package paper

import (
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/domain"
)

// BenchmarkPackingSlips1000 is 1,000 納品書 in one PDF: ms per page (aim ≤ 5).
func BenchmarkPackingSlips1000(b *testing.B) {
	pages := 0
	for b.Loop() {
		pages += writeSlips(b, 1000, io.Discard)
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(pages), "ms/page")
}

// BenchmarkPackingSlips10000Memory is the peak resident memory of the whole
// process while it draws and writes 10,000 納品書 the way a download does
// (a ZIP of PDFs of MaxPerPDF orders, each written as it fills; aim < 100 MB).
func BenchmarkPackingSlips10000Memory(b *testing.B) {
	const orders = 10000
	for b.Loop() {
		runtime.GC()
		resetPeakRSS(b)
		start := time.Now()
		bundle := NewBundle(io.Discard, "納品書", orders, start,
			func() Doc[domain.PackingSlip] { return NewPackingSlips(start) },
			func(s domain.PackingSlip) int64 { return s.Order.ID })
		for i := range orders {
			s := sampleSlip(i)
			s.Order.ID = int64(i + 1)
			if err := bundle.Add(s); err != nil {
				b.Fatal(err)
			}
		}
		if err := bundle.Close(); err != nil {
			b.Fatal(err)
		}
		el := time.Since(start)
		b.ReportMetric(peakRSSMB(b), "peak-MB")
		b.ReportMetric(float64(el.Microseconds())/1000/orders, "ms/page")
	}
}

func writeSlips(b *testing.B, n int, w io.Writer) int {
	p := NewPackingSlips(time.Date(2026, 12, 7, 10, 0, 0, 0, tokyo))
	for i := range n {
		if err := p.Add(sampleSlip(i)); err != nil {
			b.Fatal(err)
		}
	}
	if err := p.Write(w); err != nil {
		b.Fatal(err)
	}
	return p.Pages()
}

// resetPeakRSS clears the kernel's high-water mark of this process (Linux).
func resetPeakRSS(b *testing.B) {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Fatalf("reset peak memory: %v", err)
	}
}

func peakRSSMB(b *testing.B) float64 {
	st, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	for _, l := range strings.Split(string(st), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			if err != nil {
				b.Fatal(err)
			}
			return kb / 1024
		}
	}
	b.Fatal("no VmHWM in /proc/self/status")
	return 0
}
