package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/store/testdb"
)

// soConnection inserts a connection row directly: these tests are about
// ship orders, not about connection validation.
func soConnection(t testing.TB, db *sqlx.DB, m domain.Marketplace, name string) int64 {
	t.Helper()
	var sf, id int64
	if err := db.Get(&sf, `INSERT INTO ship_froms (name, postal_code, prefecture, address, phone)
		VALUES ($1, '100-0001', '東京都', '千代田区1-1', '03-0000-0000') RETURNING id`, "発送元 "+name); err != nil {
		t.Fatal(err)
	}
	if err := db.Get(&id, `INSERT INTO connections (channel_name, marketplace, base_url, ship_from_id)
		VALUES ($1, $2, 'http://127.0.0.1', $3) RETURNING id`, name, string(m), sf); err != nil {
		t.Fatal(err)
	}
	return id
}

func soOrder(conn int64, no string, at time.Time) *domain.ShipOrder {
	return &domain.ShipOrder{
		ConnectionID: conn, Marketplace: domain.MarketplaceRakuten, ChannelOrderNo: no, ChannelStatus: "300",
		Status: domain.StatusHold, ApiStatus: domain.ApiUnlinked, PaymentStatus: domain.PaymentUnpaid,
		OrderedAt: at, Currency: "JPY", TotalAmount: 1200,
		Buyer:     domain.Party{Name: "山田 太郎", Phone: "03-1234-5678"},
		Recipient: domain.Party{Name: "佐藤 花子", PostalCode: "100-0005", Prefecture: "東京都", Address: "千代田区丸の内1-1", Phone: "090-1111-2222"},
		Lines:     []domain.ShipOrderLine{{LineNo: 1, ItemCode: "item-1", SKU: "SKU-1", Name: "商品1", Quantity: 2, UnitPrice: 600}},
	}
}

func insertOrders(t *testing.T, st *store.Store, orders ...*domain.ShipOrder) []string {
	t.Helper()
	var conflicts []string
	err := st.InImportTx(context.Background(), func(tx *store.ImportTx) error {
		var err error
		conflicts, err = tx.Insert(context.Background(), orders)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return conflicts
}

func TestShipOrderExactlyOnce(t *testing.T) {
	db := testdb.New(t)
	st := store.New(db)
	ctx := context.Background()
	conn := soConnection(t, db, domain.MarketplaceRakuten, "楽天A")
	other := soConnection(t, db, domain.MarketplaceRakuten, "楽天B")
	now := time.Now().UTC().Truncate(time.Microsecond)

	if c := insertOrders(t, st, soOrder(conn, "R-1", now), soOrder(conn, "R-2", now)); len(c) != 0 {
		t.Fatalf("conflicts on first insert: %v", c)
	}
	if c := insertOrders(t, st, soOrder(conn, "R-1", now), soOrder(conn, "R-3", now)); len(c) != 1 || c[0] != "R-1" {
		t.Fatalf("conflicts = %v, want [R-1]", c)
	}
	// The same number on another connection is another order (per-store uniqueness).
	if c := insertOrders(t, st, soOrder(other, "R-1", now)); len(c) != 0 {
		t.Fatalf("other connection conflicts: %v", c)
	}

	// Overlapping runs inserting the same order at once still make one row.
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = st.InImportTx(ctx, func(tx *store.ImportTx) error {
				_, err := tx.Insert(ctx, []*domain.ShipOrder{soOrder(conn, "R-RACE", now)})
				return err
			})
		}()
	}
	wg.Wait()
	var n int
	if err := db.Get(&n, `SELECT count(*) FROM ship_orders WHERE connection_id = $1`, conn); err != nil {
		t.Fatal(err)
	}
	if n != 4 {
		t.Fatalf("connection has %d ship orders, want 4 (R-1, R-2, R-3, R-RACE)", n)
	}

	got, err := st.ShipOrderByNumber(ctx, conn, "R-2")
	if err != nil {
		t.Fatal(err)
	}
	if got.Buyer.Name != "山田 太郎" || len(got.Lines) != 1 || got.Lines[0].SKU != "SKU-1" || !got.OrderedAt.Equal(now) {
		t.Fatalf("round trip: %+v", got)
	}
}

func TestImportWindowIsAtomic(t *testing.T) {
	db := testdb.New(t)
	st := store.New(db)
	ctx := context.Background()
	conn := soConnection(t, db, domain.MarketplaceAmazon, "Amazon JP")
	now := time.Now().UTC().Truncate(time.Second)
	run := &domain.ImportRun{ConnectionID: conn, Mode: domain.ImportDiff, From: now.Add(-48 * time.Hour), To: now,
		Windows: []domain.ImportWindow{{From: now.Add(-48 * time.Hour), To: now.Add(-24 * time.Hour)}, {From: now.Add(-24 * time.Hour), To: now}}}
	if err := st.StartImportRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	cursor1 := run.Windows[0].To
	err := st.InImportTx(ctx, func(tx *store.ImportTx) error {
		if _, err := tx.Insert(ctx, []*domain.ShipOrder{soOrder(conn, "A-1", now)}); err != nil {
			return err
		}
		return tx.CompleteWindow(ctx, run.ID, conn, domain.ImportCounts{Fetched: 1, Created: 1}, &cursor1)
	})
	if err != nil {
		t.Fatal(err)
	}
	// Window 2 fails after writing: nothing of it may remain.
	boom := errors.New("stopped")
	cursor2 := run.Windows[1].To
	err = st.InImportTx(ctx, func(tx *store.ImportTx) error {
		if _, err := tx.Insert(ctx, []*domain.ShipOrder{soOrder(conn, "A-2", now)}); err != nil {
			return err
		}
		if err := tx.CompleteWindow(ctx, run.ID, conn, domain.ImportCounts{Fetched: 1, Created: 1}, &cursor2); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	stt, err := st.ConnectionImportState(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	if stt.Cursor == nil || !stt.Cursor.Equal(cursor1) {
		t.Fatalf("cursor = %v, want %s", stt.Cursor, cursor1)
	}
	got, err := st.ImportRun(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Counts.WindowsDone != 1 || got.Counts.Created != 1 || len(got.Remaining()) != 1 {
		t.Fatalf("run counts %+v", got.Counts)
	}
	if _, err := st.ShipOrderByNumber(ctx, conn, "A-2"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("A-2 of the failed window exists: %v", err)
	}
	// The cursor never goes back.
	earlier := cursor1.Add(-time.Hour)
	_ = st.InImportTx(ctx, func(tx *store.ImportTx) error {
		return tx.CompleteWindow(ctx, run.ID, conn, domain.ImportCounts{}, &earlier)
	})
	if stt, _ = st.ConnectionImportState(ctx, conn); !stt.Cursor.Equal(cursor1) {
		t.Fatalf("cursor went back to %s", stt.Cursor)
	}
}

func TestImportRunLockAndResume(t *testing.T) {
	db := testdb.New(t)
	st := store.New(db)
	ctx := context.Background()
	conn := soConnection(t, db, domain.MarketplaceAmazon, "Amazon JP")
	now := time.Now()
	ws := []domain.ImportWindow{{From: now.Add(-3 * time.Hour), To: now.Add(-2 * time.Hour)}, {From: now.Add(-2 * time.Hour), To: now}}
	r1 := &domain.ImportRun{ConnectionID: conn, Mode: domain.ImportRange, From: ws[0].From, To: now, Windows: ws, Trigger: "手動"}
	if err := st.StartImportRun(ctx, r1); err != nil {
		t.Fatal(err)
	}
	r2 := &domain.ImportRun{ConnectionID: conn, Mode: domain.ImportRange, From: ws[0].From, To: now, Windows: ws}
	if err := st.StartImportRun(ctx, r2); !errors.Is(err, store.ErrImportRunning) {
		t.Fatalf("second run: %v, want ErrImportRunning", err)
	}
	if r, err := st.ResumableImportRun(ctx, conn, domain.ImportRange); err != nil || r != nil {
		t.Fatalf("a running run is not resumable: %v %v", r, err)
	}
	if err := st.FinishImportRun(ctx, r1.ID, domain.ImportCancelled, "中断しました"); err != nil {
		t.Fatal(err)
	}
	r, err := st.ResumableImportRun(ctx, conn, domain.ImportRange)
	if err != nil || r == nil || r.ID != r1.ID || len(r.Remaining()) != 2 || r.Trigger != "手動" {
		t.Fatalf("resumable = %+v, %v", r, err)
	}
	if r, _ := st.ResumableImportRun(ctx, conn, domain.ImportHours); r != nil {
		t.Fatal("a run of another mode is not resumed")
	}
	if err := st.ResumeImportRun(ctx, r1.ID); err != nil {
		t.Fatal(err)
	}
	// A dead process's run is abandoned after its heartbeat goes stale.
	if n, err := st.AbandonStaleImportRuns(ctx, conn, time.Now().Add(time.Minute)); err != nil || n != 1 {
		t.Fatalf("abandon: %d %v", n, err)
	}
	runs, err := st.ImportRuns(ctx, conn, 10)
	if err != nil || len(runs) != 1 || runs[0].State != domain.ImportCancelled || runs[0].Message == "" {
		t.Fatalf("runs = %+v %v", runs, err)
	}
}

func TestShipOrderListKeysetAndFilters(t *testing.T) {
	db := testdb.New(t)
	st := store.New(db)
	ctx := context.Background()
	a := soConnection(t, db, domain.MarketplaceRakuten, "楽天A")
	b := soConnection(t, db, domain.MarketplaceAmazon, "Amazon JP")
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var orders []*domain.ShipOrder
	for i := 0; i < 25; i++ {
		conn := a
		if i%5 == 0 {
			conn = b
		}
		// Pairs share a timestamp so the id tiebreak is exercised.
		o := soOrder(conn, fmt.Sprintf("N-%02d", i), base.Add(time.Duration(i/2)*time.Hour))
		if i%3 == 0 {
			o.Status, o.PaymentStatus = domain.StatusReady, domain.PaymentPaid
		}
		if i == 7 {
			o.Recipient.Name, o.Recipient.Phone, o.TrackingNo = "鈴木 一郎", "06-9876-5432", "TRK-777"
		}
		orders = append(orders, o)
	}
	insertOrders(t, st, orders...)

	seen := map[string]bool{}
	var after *store.ShipOrderCursor
	var prev *store.ShipOrderListRow
	for page := 0; ; page++ {
		rows, next, err := st.ShipOrders(ctx, store.ShipOrderQuery{Limit: 10, After: after})
		if err != nil {
			t.Fatal(err)
		}
		for i := range rows {
			r := rows[i]
			if seen[r.ChannelOrderNo] {
				t.Fatalf("%s on two pages", r.ChannelOrderNo)
			}
			seen[r.ChannelOrderNo] = true
			if prev != nil && (r.OrderedAt.After(prev.OrderedAt) || r.OrderedAt.Equal(prev.OrderedAt) && r.ID > prev.ID) {
				t.Fatalf("not newest first: %s after %s", r.ChannelOrderNo, prev.ChannelOrderNo)
			}
			if r.ChannelName == "" {
				t.Fatal("channel name missing")
			}
			prev = &rows[i]
		}
		if next == nil {
			break
		}
		// The cursor survives the URL round trip.
		if after, err = store.ParseShipOrderCursor(next.String()); err != nil {
			t.Fatal(err)
		}
	}
	if len(seen) != 25 {
		t.Fatalf("paged through %d orders, want 25", len(seen))
	}

	tests := []struct {
		name string
		q    store.ShipOrderQuery
		want int64
	}{
		{"all", store.ShipOrderQuery{}, 25},
		{"status", store.ShipOrderQuery{Status: domain.StatusReady}, 9},
		{"channel", store.ShipOrderQuery{ConnectionID: b}, 5},
		{"payment", store.ShipOrderQuery{PaymentStatus: domain.PaymentPaid}, 9},
		{"api status", store.ShipOrderQuery{ApiStatus: domain.ApiAwaitingLabel}, 0},
		{"order date", store.ShipOrderQuery{OrderedFrom: base.Add(10 * time.Hour), OrderedTo: base.Add(12 * time.Hour)}, 4},
		{"order number", store.ShipOrderQuery{Search: "N-07"}, 1},
		{"tracking number", store.ShipOrderQuery{Search: "TRK-777"}, 1},
		{"recipient name part", store.ShipOrderQuery{Search: "鈴木"}, 1},
		{"phone with hyphens", store.ShipOrderQuery{Search: "06-9876-5432"}, 1},
		{"phone digits", store.ShipOrderQuery{Search: "0698765432"}, 1},
		{"buyer name", store.ShipOrderQuery{Search: "山田"}, 25},
		{"combined", store.ShipOrderQuery{Status: domain.StatusReady, ConnectionID: b}, 2},
		{"like metacharacters are literal", store.ShipOrderQuery{Search: "%"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := st.CountShipOrders(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			rows, _, err := st.ShipOrders(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if n != tt.want || int64(len(rows)) != tt.want {
				t.Fatalf("count %d rows %d, want %d", n, len(rows), tt.want)
			}
		})
	}
	if _, err := store.ParseShipOrderCursor("garbage"); err == nil {
		t.Fatal("bad cursor accepted")
	}
	assertCountsMatch(t, db)
	if _, err := db.Exec(`UPDATE ship_orders SET status = 'shipped' WHERE channel_order_no LIKE 'N-1%'`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`DELETE FROM ship_orders WHERE channel_order_no = 'N-20'`); err != nil {
		t.Fatal(err)
	}
	assertCountsMatch(t, db)
}

func TestShipOrderBulkActionsRecordHistory(t *testing.T) {
	db := testdb.New(t)
	st := store.New(db)
	ctx := context.Background()
	conn := soConnection(t, db, domain.MarketplaceRakuten, "楽天A")
	now := time.Now()
	o1, o2 := soOrder(conn, "H-1", now), soOrder(conn, "H-2", now)
	o2.Status = domain.StatusShipped
	insertOrders(t, st, o1, o2)

	n, err := st.HoldShipOrders(ctx, []int64{o1.ID, o2.ID}, "住所確認中", "operator1")
	if err != nil || n != 1 {
		t.Fatalf("hold: %d %v (a shipped order cannot be held)", n, err)
	}
	got, _ := st.ShipOrder(ctx, o1.ID)
	if got.Status != domain.StatusHold || got.HoldReason != "住所確認中" || got.HoldSource != domain.HoldByUser {
		t.Fatalf("held: %+v", got)
	}
	if n, err := st.ReleaseShipOrders(ctx, []int64{o1.ID}, "確認済み", "operator1"); err != nil || n != 1 {
		t.Fatalf("release: %d %v", n, err)
	}
	if n, err := st.SetShipOrdersStatus(ctx, []int64{o1.ID}, domain.StatusReady, "operator2"); err != nil || n != 1 {
		t.Fatalf("status: %d %v", n, err)
	}
	if n, _ := st.SetShipOrdersStatus(ctx, []int64{o1.ID}, domain.StatusReady, "operator2"); n != 0 {
		t.Fatal("an order already there was counted as moved")
	}
	evs, err := st.ShipOrderEvents(ctx, o1.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ kind, actor string }{{domain.EventHeld, "operator1"}, {domain.EventReleased, "operator1"}, {domain.EventStatusChanged, "operator2"}}
	if len(evs) != len(want) {
		t.Fatalf("events %+v", evs)
	}
	for i, w := range want {
		if evs[i].Kind != w.kind || evs[i].Actor != w.actor || evs[i].Message == "" || evs[i].At.IsZero() {
			t.Fatalf("event %d = %+v, want %v", i, evs[i], w)
		}
	}
	assertCountsMatch(t, db)
}

// assertCountsMatch checks the trigger-kept 「全N件」 counts against the rows.
func assertCountsMatch(t *testing.T, db *sqlx.DB) {
	t.Helper()
	var diff int
	if err := db.Get(&diff, `SELECT count(*) FROM (
		SELECT connection_id, status, payment_status, api_status, count(*) AS n FROM ship_orders GROUP BY 1, 2, 3, 4
		EXCEPT SELECT connection_id, status, payment_status, api_status, n FROM ship_order_counts WHERE n <> 0) d`); err != nil {
		t.Fatal(err)
	}
	var stray int
	if err := db.Get(&stray, `SELECT count(*) FROM ship_order_counts c WHERE n <> (SELECT count(*) FROM ship_orders o
		WHERE o.connection_id = c.connection_id AND o.status = c.status AND o.payment_status = c.payment_status AND o.api_status = c.api_status)`); err != nil {
		t.Fatal(err)
	}
	if diff != 0 || stray != 0 {
		t.Fatalf("ship_order_counts out of step: %d groups differ, %d stray", diff, stray)
	}
}
