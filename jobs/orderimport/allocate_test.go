package orderimport_test

import (
	"context"
	"strings"
	"testing"

	"github.com/renkei-oss/renkei/domain"
)

// TestImportAllocatesReadyOrders: after an import from the Rakuten
// sandbox, 出荷待ち orders whose SKUs are in stock become 引当済 at once,
// and the others stay with their 在庫不足 reason.
func TestImportAllocatesReadyOrders(t *testing.T) {
	f := newFixture(t, domain.MarketplaceRakuten, 80, "")
	var skus []string
	must(t, f.db.Select(&skus, `SELECT sku FROM products ORDER BY sku`))
	// Every SKU but the first is plentiful; the first has none.
	for _, s := range skus[1:] {
		must(t, f.st.AdjustStock(context.Background(), s, 1000, "初期在庫", "テスト"))
	}
	f.run(threeWeeks())
	allocated := f.count(`SELECT count(*) FROM ship_orders WHERE status = 'allocated'`)
	if allocated == 0 {
		t.Fatal("nothing was allocated after the import")
	}
	var short []string
	must(t, f.db.Select(&short, `SELECT stock_shortage FROM ship_orders WHERE status = 'ready'`))
	for _, r := range short {
		if !strings.HasPrefix(r, "在庫不足: "+skus[0]+" あと") {
			t.Fatalf("a ready order left with reason %q", r)
		}
	}
	if n := f.count(`SELECT count(*) FROM ship_orders o WHERE status = 'allocated'
		AND NOT EXISTS (SELECT 1 FROM stock_allocations a WHERE a.ship_order_id = o.id)`); n != 0 {
		t.Fatalf("%d 引当済 orders hold nothing", n)
	}
	var held, ledger int
	must(t, f.db.Get(&held, `SELECT coalesce(sum(allocated), 0) FROM stock`))
	must(t, f.db.Get(&ledger, `SELECT coalesce(sum(allocated_delta), 0) FROM stock_ledger WHERE kind = 'allocate'`))
	if held == 0 || held != ledger {
		t.Fatalf("引当数 %d, ledger %d", held, ledger)
	}
}
