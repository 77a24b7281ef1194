package orderimport_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/domain"
)

var marketplaces = []domain.Marketplace{domain.MarketplaceRakuten, domain.MarketplaceAmazon}

// Where a diff starts is the marketplace's: Rakuten's first reads its
// 出荷指示取得期間 (21 days here), the others a week; Amazon's next diff
// starts at the cursor less the overlap.
func TestDiffStartsWhereTheMarketplaceSays(t *testing.T) {
	for _, m := range marketplaces {
		t.Run(string(m), func(t *testing.T) {
			f := newFixture(t, m, 60, "")
			first := f.run(domain.ImportRequest{Mode: domain.ImportDiff})
			wantFrom := t0.Add(-7 * 24 * time.Hour)
			if m == domain.MarketplaceRakuten {
				wantFrom = t0.AddDate(0, 0, -21)
			}
			if !first.From.Equal(wantFrom) || !first.To.Equal(t0) {
				t.Fatalf("first diff span %s–%s, want %s–%s", first.From, first.To, wantFrom, t0)
			}
			f.assertEveryOrderOnce(f.expected(first.From, first.To))
			f.clock.Advance(time.Minute)
			second := f.run(domain.ImportRequest{Mode: domain.ImportDiff})
			if want := first.To.Add(-domain.CursorOverlap); m == domain.MarketplaceAmazon && !second.From.Equal(want) {
				t.Fatalf("second diff from %s, want %s", second.From, want)
			}
		})
	}
}

func TestStatusMovingOnUpdatesNotDoubles(t *testing.T) {
	for _, m := range marketplaces {
		t.Run(string(m), func(t *testing.T) {
			f := newFixture(t, m, 200, "")
			f.addRecent(30)
			recent := domain.ImportRequest{Mode: domain.ImportHours, Hours: 168}
			first := f.run(recent)
			before := f.stored()

			f.clock.Advance(3 * 24 * time.Hour)
			again := domain.ImportRequest{Mode: domain.ImportRange, From: first.From, To: first.To}
			second := f.run(again)
			after := f.stored()
			moved := 0
			for no, where := range before {
				if where == "ship_order" && after[no] != "ship_order" {
					t.Fatalf("ship order %s became %q", no, after[no])
				}
				if where == "unshipped" && after[no] == "ship_order" {
					moved++
				}
			}
			switch m {
			case domain.MarketplaceRakuten:
				// 100/200 → 300: the 未出荷 order becomes one ship order; COD
				// orders (target 100) were ship orders already and are updated.
				if moved == 0 || second.Counts.Updated == 0 {
					t.Fatalf("moved %d, %s", moved, describe(second))
				}
			case domain.MarketplaceAmazon:
				// Pending → Unshipped: placeholders replaced in place.
				if second.Counts.Updated == 0 || second.Counts.Created != 0 {
					t.Fatalf("%s", describe(second))
				}
				if n := f.count(`SELECT count(*) FROM ship_orders o JOIN ship_order_events e ON e.ship_order_id = o.id
					WHERE e.kind = 'updated' AND NOT o.placeholder AND e.message LIKE '%仮登録%'`); n == 0 {
					t.Fatal("no Pending order was filled in by the re-import")
				}
			}
			if n := f.count(`SELECT count(*) FROM ship_order_events WHERE kind = 'updated'`); n != second.Counts.Updated {
				t.Fatalf("%d update events for %d updates", n, second.Counts.Updated)
			}
			if n := f.count(`SELECT count(*) FROM (SELECT channel_order_no FROM ship_orders GROUP BY 1 HAVING count(*) > 1) d`); n != 0 {
				t.Fatalf("%d orders doubled", n)
			}
		})
	}
}

func TestAmazonPendingGetsPlaceholders(t *testing.T) {
	f := newFixture(t, domain.MarketplaceAmazon, 200, "")
	f.addRecent(20) // placed in the last half hour: still Pending
	f.run(domain.ImportRequest{Mode: domain.ImportHours, Hours: 2})
	rows, _, err := f.st.ShipOrders(context.Background(), storeQuery(f.conn.ID))
	must(t, err)
	pending := 0
	for _, o := range rows {
		if !domain.IsAmazonPending(o.ChannelStatus) {
			continue
		}
		pending++
		if !o.Placeholder || o.Buyer.Name != "Amazon 仮登録" || o.Recipient.Name != "Amazon 仮登録" ||
			o.PaymentName != "Amazon 仮支払方法" || o.DeliveryName != "Amazon 仮配送方法" {
			t.Fatalf("pending order without placeholders: %+v", o.ShipOrder)
		}
		if o.Status != domain.StatusAwaitingPayment || o.HoldReason != "" {
			t.Fatalf("pending order %s: status %s hold %q, want 入金確認", o.ChannelOrderNo, o.Status.Label(), o.HoldReason)
		}
	}
	if pending == 0 {
		t.Fatal("no Pending order imported")
	}
}

func TestUnmappedPaymentHeldThenReleased(t *testing.T) {
	for _, m := range marketplaces {
		t.Run(string(m), func(t *testing.T) {
			unmapped := "銀行振込"
			if m == domain.MarketplaceAmazon {
				unmapped = "代引き"
			}
			f := newFixture(t, m, 300, unmapped)
			run := f.run(threeWeeks())
			held := f.count(`SELECT count(*) FROM ship_orders WHERE status = 'hold' AND hold_source = 'import' AND hold_reason LIKE $1`,
				"%支払方法「"+unmapped+"」に対応する支払方法がありません%")
			if held == 0 || run.Counts.Held < held {
				t.Fatalf("held %d, run says %s", held, describe(run))
			}
			var reason string
			must(t, f.db.Get(&reason, `SELECT message FROM ship_order_events WHERE kind = 'held' LIMIT 1`))
			if !strings.Contains(reason, unmapped) {
				t.Fatalf("history does not say why: %q", reason)
			}

			f.mapPayment(unmapped)
			res, err := f.runner.Reevaluate(context.Background(), f.conn, "operator1")
			must(t, err)
			if res.Released != held {
				t.Fatalf("released %d of %d held: %+v", res.Released, held, res)
			}
			if n := f.count(`SELECT count(*) FROM ship_orders WHERE hold_reason LIKE $1`, "%"+unmapped+"%"); n != 0 {
				t.Fatalf("%d still held", n)
			}
			if n := f.count(`SELECT count(*) FROM ship_orders WHERE payment_method_id = $1 AND status IN ('ready', 'awaiting_payment')`, f.ids[unmapped]); n != held {
				t.Fatalf("%d of %d released orders moved on by the rules", n, held)
			}
			if n := f.count(`SELECT count(*) FROM ship_order_events WHERE kind = 'released' AND actor = 'operator1'`); n != held {
				t.Fatalf("%d release events, want %d", n, held)
			}
		})
	}
}

func TestUnknownSKUSkippedListedAndReimported(t *testing.T) {
	f := newFixture(t, domain.MarketplaceRakuten, 200, "")
	f.exec(`DELETE FROM products WHERE sku LIKE 'SKU-001-%'`)
	run := f.run(threeWeeks())
	skips, err := f.st.SkippedOrders(context.Background(), f.conn.ID, 1000)
	must(t, err)
	if len(skips) == 0 || run.Counts.Skipped != len(skips) {
		t.Fatalf("%d skips listed, run %s", len(skips), describe(run))
	}
	for _, sk := range skips {
		if !strings.Contains(sk.Reason, "SKU-001-") || sk.RuleName != domain.RuleSkipUnknownSKU.Label() {
			t.Fatalf("skip reason %q by %q", sk.Reason, sk.RuleName)
		}
	}
	for _, it := range []string{"SKU-001-1", "SKU-001-2", "SKU-001-3"} {
		f.exec(`INSERT INTO products (sku, name) VALUES ($1, 'タオル')`, it)
	}
	before := f.shipOrders()
	res, err := f.runner.Reevaluate(context.Background(), f.conn, "operator1")
	must(t, err)
	if res.Imported != len(skips) || res.StillSkipped != 0 || f.shipOrders() != before+len(skips) {
		t.Fatalf("re-evaluation %+v, ship orders %d → %d", res, before, f.shipOrders())
	}
	if left, _ := f.st.SkippedOrders(context.Background(), f.conn.ID, 10); len(left) != 0 {
		t.Fatalf("%d skips still open", len(left))
	}
}
