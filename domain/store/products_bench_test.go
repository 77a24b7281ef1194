package store_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/store/testdb"
	"github.com/renkei-oss/renkei/domain/upload"
)

// BenchmarkProductUpload100k measures the whole upload path an operator
// waits for: decode, validate, compare with 商品マスタ, stage (preview), then
// apply, on 100,000 new product rows. Reported as rows/s.
func BenchmarkProductUpload100k(b *testing.B) {
	const rows = 100_000
	st := store.New(testdb.New(b))
	ctx := context.Background()
	file := []byte(productFile(rows, nil))
	b.SetBytes(int64(len(file)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if _, err := st.DB().Exec(`TRUNCATE products, master_uploads CASCADE`); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		tab, err := upload.Read(bytes.NewReader(file))
		if err != nil {
			b.Fatal(err)
		}
		u, err := st.PreviewProductUpload(ctx, store.Upload{Filename: "bench.csv"}, tab, upload.LayoutAuto, "")
		if err != nil {
			b.Fatal(err)
		}
		if u.New != rows {
			b.Fatalf("preview counts %+v", u.Counts)
		}
		n, err := st.ApplyProductUpload(ctx, u.ID)
		if err != nil || n != rows {
			b.Fatalf("apply n=%d err=%v", n, err)
		}
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}
