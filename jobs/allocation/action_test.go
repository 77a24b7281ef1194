package allocation_test

import (
	"context"
	"testing"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/store/storetest"
	"github.com/renkei-oss/renkei/domain/store/testdb"
	"github.com/renkei-oss/renkei/jobs"
	"github.com/renkei-oss/renkei/jobs/allocation"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// The robot action 「引当」 allocates every 出荷待ち order it can and
// reports them as 作成, those short of stock as スキップ, and names the
// robot in each order's history.
func TestActionAllocatesAndCounts(t *testing.T) {
	db := testdb.New(t)
	st, ctx := store.New(db), context.Background()
	storetest.LoadStock(t, db, 10, 0)
	for i := 2; i <= 10; i++ { // SKU-0000001 has none
		if err := st.AdjustStock(ctx, storetest.StockSKU(i), 100, "入荷", "test"); err != nil {
			t.Fatal(err)
		}
	}
	storetest.LoadReadyOrders(t, db, 30, 10)
	var short int
	if err := db.Get(&short, `SELECT count(DISTINCT ship_order_id) FROM ship_order_lines WHERE sku = $1`, storetest.StockSKU(1)); err != nil || short == 0 {
		t.Fatalf("%d orders need SKU-0000001 (%v)", short, err)
	}

	a := &allocation.Action{Store: st}
	counts, err := a.Run(ctx, &jobs.Run{Job: domain.SyncJob{Name: "毎時引当"}})
	if err != nil {
		t.Fatal(err)
	}
	want := domain.SyncCounts{Fetched: 30, Created: 30 - short, Skipped: short}
	if counts != want {
		t.Fatalf("counts %+v, want %+v", counts, want)
	}
	var byRobot int
	if err := db.Get(&byRobot, `SELECT count(*) FROM ship_order_events WHERE actor = '連携ロボット「毎時引当」'`); err != nil || byRobot != 30-short {
		t.Fatalf("%d history rows name the robot (%v), want %d", byRobot, err, 30-short)
	}
	// A second tick finds only the short ones, still short.
	if counts, err = a.Run(ctx, &jobs.Run{Job: domain.SyncJob{Name: "毎時引当"}}); err != nil || counts != (domain.SyncCounts{Fetched: short, Skipped: short}) {
		t.Fatalf("second run %+v (%v)", counts, err)
	}
}
