package store_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/store/testdb"
	"github.com/renkei-oss/renkei/domain/upload"
)

// BenchmarkTrackingUpload50k measures 問番アップロード as an operator waits
// for it: decode, validate, resolve the orders, stage (preview), then apply,
// for 50,000 parcels of 50,000 引当済 orders. Reported as rows/s (aim ≥ 20,000/s).
func BenchmarkTrackingUpload50k(b *testing.B) {
	const rows = 50_000
	db := testdb.New(b)
	st, ctx := store.New(db), context.Background()
	conn := soConnection(b, db, domain.MarketplaceRakuten, "楽天")
	if _, err := db.Exec(`INSERT INTO ship_orders (connection_id, marketplace, channel_order_no, status, api_status, payment_status, ordered_at)
		SELECT $1, 'rakuten', 'B-' || g, 'allocated', 'unlinked', 'paid', now() FROM generate_series(1, $2) g`, conn, rows); err != nil {
		b.Fatal(err)
	}
	var sb strings.Builder
	sb.WriteString("注文番号,問番,配送会社,出荷日\n")
	for i := 1; i <= rows; i++ {
		base := int64(10_000_000_000) + int64(i)
		fmt.Fprintf(&sb, "B-%d,%d%d,ヤマト運輸,2026-12-07\n", i, base, base%7)
	}
	file := []byte(sb.String())
	b.SetBytes(int64(len(file)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if _, err := db.Exec(`TRUNCATE ship_order_parcels, master_uploads CASCADE`); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		tab, err := upload.Read(bytes.NewReader(file))
		if err != nil {
			b.Fatal(err)
		}
		u, err := st.PreviewTrackingUpload(ctx, store.Upload{Filename: "bench.csv"}, tab, "own", upload.ParseTracking)
		if err != nil {
			b.Fatal(err)
		}
		if u.New != rows || u.Invalid != 0 {
			b.Fatalf("preview counts %+v", u.Counts)
		}
		if n, err := st.ApplyTrackingUpload(ctx, u.ID, "bench"); err != nil || n != rows {
			b.Fatalf("apply n=%d err=%v", n, err)
		}
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}
