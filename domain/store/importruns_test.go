package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/store/testdb"
)

func TestOpenSkipNumbers(t *testing.T) {
	db := testdb.New(t)
	st := store.New(db)
	ctx := context.Background()
	conn := soConnection(t, db, domain.MarketplaceShopserve, "ショップサーブA")
	other := soConnection(t, db, domain.MarketplaceShopserve, "ショップサーブB")
	now := time.Now().UTC().Truncate(time.Second)
	run := domain.ImportRun{ConnectionID: conn, Mode: domain.ImportDiff, From: now.Add(-time.Hour), To: now,
		Windows: []domain.ImportWindow{{From: now.Add(-time.Hour), To: now}}}
	must(t, st.StartImportRun(ctx, &run))

	waiting := domain.ReasonAwaitingTrackingNo
	skip := func(c int64, no, reason string, runID int64) domain.SkippedOrder {
		return domain.SkippedOrder{ConnectionID: c, ChannelOrderNo: no, RunID: runID, Reason: reason,
			Order: domain.IncomingOrder{Marketplace: domain.MarketplaceShopserve, OrderNo: no, OrderedAt: now}}
	}
	must(t, st.InImportTx(ctx, func(tx *store.ImportTx) error {
		return tx.RecordSkips(ctx, []domain.SkippedOrder{
			skip(conn, "W-3", waiting, 0),
			skip(conn, "W-1", waiting, 0),
			skip(conn, "W-2", waiting, run.ID), // seen by the run itself
			skip(conn, "W-4", waiting, 0),      // resolved below
			skip(conn, "R-1", "商品マスタに登録がない", 0),
			skip(other, "W-9", waiting, 0),
		})
	}))
	must(t, st.InImportTx(ctx, func(tx *store.ImportTx) error { return tx.ResolveSkips(ctx, conn, []string{"W-4"}) }))

	tests := []struct {
		name      string
		conn      int64
		reasons   []string
		exceptRun int64
		want      []string
	}{
		{"open ones with the reason, by number", conn, []string{waiting}, 0, []string{"W-1", "W-2", "W-3"}},
		{"without those the run recorded", conn, []string{waiting}, run.ID, []string{"W-1", "W-3"}},
		{"another reason", conn, []string{"商品マスタに登録がない"}, 0, []string{"R-1"}},
		{"both reasons", conn, []string{waiting, "商品マスタに登録がない"}, run.ID, []string{"R-1", "W-1", "W-3"}},
		{"the other connection's", other, domain.RecheckedSkipReasons(), 0, []string{"W-9"}},
		{"no reason matches", conn, []string{"なし"}, 0, []string{}},
	}
	for _, tt := range tests {
		got, err := st.OpenSkipNumbers(ctx, tt.conn, tt.reasons, tt.exceptRun)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v %v, want %v", tt.name, got, err, tt.want)
		}
	}
}
