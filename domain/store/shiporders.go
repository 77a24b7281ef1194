package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/renkei-oss/renkei/domain"
)

const shipOrderColumns = `o.id, o.connection_id, o.marketplace, o.channel_order_no, o.channel_status,
	o.import_mapping_id, o.import_run_id, o.status, o.api_status, o.payment_status, o.hold_reason, o.hold_source, o.stock_shortage,
	o.channel_paid, o.credit_approved, o.ordered_at, o.ship_date, o.delivery_date, o.time_slot,
	o.buyer, o.recipient, o.delivery_name, o.delivery_service_id, o.payment_name, o.payment_method_id,
	o.payment_kind, o.ship_from_id, o.currency, o.total_amount, o.tracking_no, o.placeholder, o.effects,
	o.created_at, o.updated_at`

type shipOrderRow struct {
	ID                int64          `db:"id"`
	ConnectionID      int64          `db:"connection_id"`
	Marketplace       string         `db:"marketplace"`
	ChannelOrderNo    string         `db:"channel_order_no"`
	ChannelStatus     string         `db:"channel_status"`
	ImportMappingID   sql.NullInt64  `db:"import_mapping_id"`
	ImportRunID       sql.NullInt64  `db:"import_run_id"`
	Status            string         `db:"status"`
	ApiStatus         string         `db:"api_status"`
	PaymentStatus     string         `db:"payment_status"`
	HoldReason        string         `db:"hold_reason"`
	HoldSource        string         `db:"hold_source"`
	StockShortage     string         `db:"stock_shortage"`
	ChannelPaid       bool           `db:"channel_paid"`
	CreditApproved    bool           `db:"credit_approved"`
	OrderedAt         time.Time      `db:"ordered_at"`
	ShipDate          sql.NullTime   `db:"ship_date"`
	DeliveryDate      string         `db:"delivery_date"`
	TimeSlot          string         `db:"time_slot"`
	Buyer             []byte         `db:"buyer"`
	Recipient         []byte         `db:"recipient"`
	DeliveryName      string         `db:"delivery_name"`
	DeliveryServiceID sql.NullInt64  `db:"delivery_service_id"`
	PaymentName       string         `db:"payment_name"`
	PaymentMethodID   sql.NullInt64  `db:"payment_method_id"`
	PaymentKind       string         `db:"payment_kind"`
	ShipFromID        sql.NullInt64  `db:"ship_from_id"`
	Currency          string         `db:"currency"`
	TotalAmount       int64          `db:"total_amount"`
	TrackingNo        string         `db:"tracking_no"`
	Placeholder       bool           `db:"placeholder"`
	Effects           []byte         `db:"effects"`
	CreatedAt         time.Time      `db:"created_at"`
	UpdatedAt         time.Time      `db:"updated_at"`
	ServiceName       sql.NullString `db:"service_name"` // list only
	MethodName        sql.NullString `db:"method_name"`  // list only
	ChannelName       sql.NullString `db:"channel_name"` // list only
}

func (r shipOrderRow) order() (domain.ShipOrder, error) {
	o := domain.ShipOrder{
		ID: r.ID, ConnectionID: r.ConnectionID, Marketplace: domain.Marketplace(r.Marketplace),
		ChannelOrderNo: r.ChannelOrderNo, ChannelStatus: r.ChannelStatus,
		ImportMappingID: r.ImportMappingID.Int64, ImportRunID: r.ImportRunID.Int64,
		Status: domain.Status(r.Status), ApiStatus: domain.ApiStatus(r.ApiStatus), PaymentStatus: domain.PaymentStatus(r.PaymentStatus),
		HoldReason: r.HoldReason, HoldSource: r.HoldSource, StockShortage: r.StockShortage, ChannelPaid: r.ChannelPaid, CreditApproved: r.CreditApproved,
		OrderedAt: r.OrderedAt, DeliveryDate: r.DeliveryDate, TimeSlot: r.TimeSlot,
		DeliveryName: r.DeliveryName, DeliveryServiceID: ptrID(r.DeliveryServiceID),
		PaymentName: r.PaymentName, PaymentMethodID: ptrID(r.PaymentMethodID), PaymentKind: domain.PaymentKind(r.PaymentKind),
		ShipFromID: ptrID(r.ShipFromID), Currency: r.Currency, TotalAmount: r.TotalAmount, TrackingNo: r.TrackingNo,
		Placeholder: r.Placeholder, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
	if r.ShipDate.Valid {
		d := r.ShipDate.Time
		o.ShipDate = &d
	}
	for _, j := range []struct {
		b []byte
		v any
	}{{r.Buyer, &o.Buyer}, {r.Recipient, &o.Recipient}, {r.Effects, &o.Effects}} {
		if len(j.b) > 0 {
			if err := json.Unmarshal(j.b, j.v); err != nil {
				return o, fmt.Errorf("store: ship order %d: %w", r.ID, err)
			}
		}
	}
	return o, nil
}

func ptrID(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	v := n.Int64
	return &v
}

func nullID(p *int64) sql.NullInt64 {
	if p == nil || *p == 0 {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: *p, Valid: true}
}

// phoneDigits keeps the digits of both phones so a search for 0312345678
// finds 03-1234-5678.
func phoneDigits(o *domain.ShipOrder) string {
	var b strings.Builder
	for _, p := range []string{o.Buyer.Phone, o.Recipient.Phone} {
		for _, r := range p {
			if r >= '0' && r <= '9' {
				b.WriteRune(r)
			}
		}
		b.WriteByte(' ')
	}
	return strings.TrimSpace(b.String())
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only our own plain structs are marshalled
	}
	return string(b)
}

// insertShipOrders inserts new ship orders in one statement. An order whose
// (connection, channel order number) already exists is not inserted: its
// number is returned in conflicts, and the caller treats it as existing.
func insertShipOrders(ctx context.Context, q sqlx.ExtContext, orders []*domain.ShipOrder) (conflicts []string, err error) {
	if len(orders) == 0 {
		return nil, nil
	}
	n := len(orders)
	var (
		conn, run, mapping, dsvc, pm, sf            = make([]int64, n), make([]sql.NullInt64, n), make([]sql.NullInt64, n), make([]sql.NullInt64, n), make([]sql.NullInt64, n), make([]sql.NullInt64, n)
		mk, no, chst, st, ast, pst, hr, hs          = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		paid, credit, ph                            = make([]bool, n), make([]bool, n), make([]bool, n)
		ordered, ddate, slot, buyer, recip, bname   = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		rname, phones, dname, pname, pkind, cur, tr = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		total                                       = make([]int64, n)
		effects                                     = make([]string, n)
	)
	for i, o := range orders {
		conn[i], run[i], mapping[i] = o.ConnectionID, nullID(&o.ImportRunID), nullID(&o.ImportMappingID)
		dsvc[i], pm[i], sf[i] = nullID(o.DeliveryServiceID), nullID(o.PaymentMethodID), nullID(o.ShipFromID)
		mk[i], no[i], chst[i] = string(o.Marketplace), o.ChannelOrderNo, o.ChannelStatus
		st[i], ast[i], pst[i], hr[i], hs[i] = string(o.Status), string(o.ApiStatus), string(o.PaymentStatus), o.HoldReason, o.HoldSource
		paid[i], credit[i], ph[i] = o.ChannelPaid, o.CreditApproved, o.Placeholder
		ordered[i], ddate[i], slot[i] = o.OrderedAt.UTC().Format(time.RFC3339Nano), o.DeliveryDate, o.TimeSlot
		buyer[i], recip[i], bname[i], rname[i], phones[i] = mustJSON(o.Buyer), mustJSON(o.Recipient), o.Buyer.Name, o.Recipient.Name, phoneDigits(o)
		dname[i], pname[i], pkind[i], cur[i], tr[i] = o.DeliveryName, o.PaymentName, string(o.PaymentKind), o.Currency, o.TrackingNo
		total[i] = o.TotalAmount
		if o.Effects == nil {
			effects[i] = "[]"
		} else {
			effects[i] = mustJSON(o.Effects)
		}
	}
	rows, err := q.QueryxContext(ctx, `
		INSERT INTO ship_orders (connection_id, import_run_id, import_mapping_id, delivery_service_id, payment_method_id, ship_from_id,
			marketplace, channel_order_no, channel_status, status, api_status, payment_status, hold_reason, hold_source,
			channel_paid, credit_approved, placeholder, ordered_at, delivery_date, time_slot,
			buyer, recipient, buyer_name, recipient_name, phones,
			delivery_name, payment_name, payment_kind, currency, tracking_no, total_amount, effects)
		SELECT c, r, m, d, p, s, mk, no, chst, st, ast, pst, hr, hs, paid, credit, ph, ordered::timestamptz, ddate, slot,
			buyer::jsonb, recip::jsonb, bname, rname, phones, dname, pname, pkind, cur, tr, total, eff::jsonb
		FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[],
			$7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[],
			$15::boolean[], $16::boolean[], $17::boolean[], $18::text[], $19::text[], $20::text[],
			$21::text[], $22::text[], $23::text[], $24::text[], $25::text[],
			$26::text[], $27::text[], $28::text[], $29::text[], $30::text[], $31::bigint[], $32::text[])
			AS t(c, r, m, d, p, s, mk, no, chst, st, ast, pst, hr, hs, paid, credit, ph, ordered, ddate, slot,
			     buyer, recip, bname, rname, phones, dname, pname, pkind, cur, tr, total, eff)
		ON CONFLICT (connection_id, channel_order_no) DO NOTHING
		RETURNING id, connection_id, channel_order_no, created_at`,
		pq.Array(conn), pq.Array(run), pq.Array(mapping), pq.Array(dsvc), pq.Array(pm), pq.Array(sf),
		pq.Array(mk), pq.Array(no), pq.Array(chst), pq.Array(st), pq.Array(ast), pq.Array(pst), pq.Array(hr), pq.Array(hs),
		pq.Array(paid), pq.Array(credit), pq.Array(ph), pq.Array(ordered), pq.Array(ddate), pq.Array(slot),
		pq.Array(buyer), pq.Array(recip), pq.Array(bname), pq.Array(rname), pq.Array(phones),
		pq.Array(dname), pq.Array(pname), pq.Array(pkind), pq.Array(cur), pq.Array(tr), pq.Array(total), pq.Array(effects))
	if err != nil {
		return nil, fmt.Errorf("store: insert ship orders: %w", err)
	}
	type key struct {
		conn int64
		no   string
	}
	byKey := make(map[key]*domain.ShipOrder, n)
	for _, o := range orders {
		byKey[key{o.ConnectionID, o.ChannelOrderNo}] = o
	}
	inserted := make(map[key]bool, n)
	for rows.Next() {
		var id, c int64
		var no string
		var at time.Time
		if err := rows.Scan(&id, &c, &no, &at); err != nil {
			rows.Close()
			return nil, err
		}
		k := key{c, no}
		if o := byKey[k]; o != nil {
			o.ID, o.CreatedAt, o.UpdatedAt = id, at, at
			inserted[k] = true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var created []*domain.ShipOrder
	for _, o := range orders {
		if inserted[key{o.ConnectionID, o.ChannelOrderNo}] {
			created = append(created, o)
		} else {
			conflicts = append(conflicts, o.ChannelOrderNo)
		}
	}
	return conflicts, insertLines(ctx, q, created)
}

func insertLines(ctx context.Context, q sqlx.ExtContext, orders []*domain.ShipOrder) error {
	var ids []int64
	var lineNo, qty []int64
	var item, opt, sku, name []string
	var price []int64
	for _, o := range orders {
		for _, l := range o.Lines {
			ids, lineNo, qty = append(ids, o.ID), append(lineNo, int64(l.LineNo)), append(qty, int64(l.Quantity))
			item, opt, sku, name = append(item, l.ItemCode), append(opt, l.OptionCode), append(sku, l.SKU), append(name, l.Name)
			price = append(price, l.UnitPrice)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	_, err := q.ExecContext(ctx, `
		INSERT INTO ship_order_lines (ship_order_id, line_no, item_code, option_code, sku, name, quantity, unit_price)
		SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::bigint[])`,
		pq.Array(ids), pq.Array(lineNo), pq.Array(item), pq.Array(opt), pq.Array(sku), pq.Array(name), pq.Array(qty), pq.Array(price))
	if err != nil {
		return fmt.Errorf("store: insert ship order lines: %w", err)
	}
	return nil
}

// updateShipOrder writes every field a re-import, a rule or an operator may
// change, and the lines when replace is set.
func updateShipOrder(ctx context.Context, q sqlx.ExtContext, o *domain.ShipOrder, replaceLines bool) error {
	effects := "[]"
	if o.Effects != nil {
		effects = mustJSON(o.Effects)
	}
	var shipDate any
	if o.ShipDate != nil {
		shipDate = o.ShipDate.Format(time.DateOnly)
	}
	_, err := q.ExecContext(ctx, `
		UPDATE ship_orders SET channel_status = $2, status = $3, api_status = $4, payment_status = $5,
			hold_reason = $6, hold_source = $7, channel_paid = $8, credit_approved = $9, ship_date = $10,
			delivery_date = $11, time_slot = $12, buyer = $13, recipient = $14, buyer_name = $15,
			recipient_name = $16, phones = $17, delivery_name = $18, delivery_service_id = $19,
			payment_name = $20, payment_method_id = $21, payment_kind = $22, total_amount = $23,
			tracking_no = $24, placeholder = $25, effects = $26, import_mapping_id = $27, updated_at = now()
		WHERE id = $1`,
		o.ID, o.ChannelStatus, o.Status, o.ApiStatus, o.PaymentStatus, o.HoldReason, o.HoldSource,
		o.ChannelPaid, o.CreditApproved, shipDate, o.DeliveryDate, o.TimeSlot, mustJSON(o.Buyer), mustJSON(o.Recipient),
		o.Buyer.Name, o.Recipient.Name, phoneDigits(o), o.DeliveryName, nullID(o.DeliveryServiceID),
		o.PaymentName, nullID(o.PaymentMethodID), o.PaymentKind, o.TotalAmount, o.TrackingNo, o.Placeholder, effects, nullID(&o.ImportMappingID))
	if err != nil {
		return fmt.Errorf("store: update ship order %d: %w", o.ID, err)
	}
	if !replaceLines {
		return nil
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM ship_order_lines WHERE ship_order_id = $1`, o.ID); err != nil {
		return err
	}
	return insertLines(ctx, q, []*domain.ShipOrder{o})
}

// addEvents appends history rows.
func addEvents(ctx context.Context, q sqlx.ExtContext, evs []domain.ShipOrderEvent) error {
	if len(evs) == 0 {
		return nil
	}
	ids, at := make([]int64, len(evs)), make([]string, len(evs))
	actor, kind, msg := make([]string, len(evs)), make([]string, len(evs)), make([]string, len(evs))
	for i, e := range evs {
		if e.At.IsZero() {
			e.At = time.Now()
		}
		ids[i], at[i], actor[i], kind[i], msg[i] = e.ShipOrderID, e.At.UTC().Format(time.RFC3339Nano), e.Actor, e.Kind, e.Message
	}
	_, err := q.ExecContext(ctx, `
		INSERT INTO ship_order_events (ship_order_id, at, actor, kind, message)
		SELECT i, a::timestamptz, ac, k, m FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[]) AS t(i, a, ac, k, m)`,
		pq.Array(ids), pq.Array(at), pq.Array(actor), pq.Array(kind), pq.Array(msg))
	if err != nil {
		return fmt.Errorf("store: add ship order events: %w", err)
	}
	return nil
}

// loadShipOrders loads ship orders (with lines) matching a condition.
func loadShipOrders(ctx context.Context, q sqlx.ExtContext, where string, args ...any) ([]domain.ShipOrder, error) {
	return queryShipOrders(ctx, q, `SELECT `+shipOrderColumns+` FROM ship_orders o WHERE `+where, args...)
}

// queryShipOrders loads the ship orders a query selecting shipOrderColumns
// returns, with their lines.
func queryShipOrders(ctx context.Context, q sqlx.ExtContext, query string, args ...any) ([]domain.ShipOrder, error) {
	var rows []shipOrderRow
	if err := sqlx.SelectContext(ctx, q, &rows, query, args...); err != nil {
		return nil, fmt.Errorf("store: load ship orders: %w", err)
	}
	out := make([]domain.ShipOrder, 0, len(rows))
	ids := make([]int64, 0, len(rows))
	idx := make(map[int64]int, len(rows))
	for _, r := range rows {
		o, err := r.order()
		if err != nil {
			return nil, err
		}
		idx[o.ID] = len(out)
		ids = append(ids, o.ID)
		out = append(out, o)
	}
	if len(ids) == 0 {
		return out, nil
	}
	var lines []struct {
		ShipOrderID int64 `db:"ship_order_id"`
		domain.ShipOrderLine
	}
	if err := sqlx.SelectContext(ctx, q, &lines, `
		SELECT ship_order_id, line_no, item_code, option_code, sku, name, quantity, unit_price
		FROM ship_order_lines WHERE ship_order_id = ANY($1) ORDER BY ship_order_id, line_no`, pq.Array(ids)); err != nil {
		return nil, fmt.Errorf("store: load ship order lines: %w", err)
	}
	for _, l := range lines {
		i := idx[l.ShipOrderID]
		out[i].Lines = append(out[i].Lines, l.ShipOrderLine)
	}
	return out, nil
}

// ShipOrder returns one ship order with its lines.
func (s *Store) ShipOrder(ctx context.Context, id int64) (domain.ShipOrder, error) {
	os, err := loadShipOrders(ctx, s.db, "o.id = $1", id)
	if err != nil {
		return domain.ShipOrder{}, err
	}
	if len(os) == 0 {
		return domain.ShipOrder{}, ErrNotFound
	}
	return os[0], nil
}

// ShipOrderByNumber finds a connection's ship order by channel order number.
func (s *Store) ShipOrderByNumber(ctx context.Context, connectionID int64, no string) (domain.ShipOrder, error) {
	os, err := loadShipOrders(ctx, s.db, "o.connection_id = $1 AND o.channel_order_no = $2", connectionID, no)
	if err != nil {
		return domain.ShipOrder{}, err
	}
	if len(os) == 0 {
		return domain.ShipOrder{}, ErrNotFound
	}
	return os[0], nil
}

// ShipOrderEvents is a ship order's history, oldest first.
func (s *Store) ShipOrderEvents(ctx context.Context, id int64) ([]domain.ShipOrderEvent, error) {
	var evs []domain.ShipOrderEvent
	err := s.db.SelectContext(ctx, &evs, `
		SELECT id, ship_order_id, at, actor, kind, message FROM ship_order_events
		WHERE ship_order_id = $1 ORDER BY id`, id)
	return evs, err
}

// SaveShipOrder writes a changed ship order and its history rows in one
// transaction (re-evaluation, rule runs, operator edits).
func (s *Store) SaveShipOrder(ctx context.Context, o *domain.ShipOrder, replaceLines bool, evs []domain.ShipOrderEvent) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := updateShipOrder(ctx, tx, o, replaceLines); err != nil {
			return err
		}
		return addEvents(ctx, tx, evs)
	})
}

// SetShipOrdersStatus is the bulk action 「ステータス変更」: it moves the
// given orders to status, recording who did it. Orders already there are
// left alone; the count of moved orders is returned.
//
// Stock follows the move: 引当済 is reached only through allocation,
// leaving 引当済 releases the order's 引当数 (確保数の再計算), and going to
// 出荷済み from there ships it out of 実在庫数.
func (s *Store) SetShipOrdersStatus(ctx context.Context, ids []int64, status domain.Status, actor string) (int, error) {
	if status == domain.StatusAllocated {
		res, err := s.Allocate(ctx, ids, actor)
		return res.Allocated, err
	}
	before := func(ctx context.Context, tx *sqlx.Tx) error {
		if status == domain.StatusShipped {
			_, err := ShipAllocatedStock(ctx, tx, ids, actor)
			return err
		}
		return ReleaseAllocations(ctx, tx, ids, actor, "ステータスを"+status.Label()+"に変更")
	}
	return s.bulkUpdateAfter(ctx, ids, actor, domain.EventStatusChanged, before,
		`UPDATE ship_orders SET status = $2, hold_reason = CASE WHEN $2 = 'hold' THEN hold_reason ELSE '' END,
			hold_source = CASE WHEN $2 = 'hold' THEN hold_source ELSE '' END, updated_at = now()
		 WHERE id = ANY($1) AND status <> $2 RETURNING id`,
		"ステータスを"+status.Label()+"に変更", string(status))
}

// HoldShipOrders puts orders on 保留 with the operator's reason; such a hold
// stays until an operator releases it (re-evaluation leaves it alone).
func (s *Store) HoldShipOrders(ctx context.Context, ids []int64, reason, actor string) (int, error) {
	return s.bulkUpdate(ctx, ids, actor, domain.EventHeld,
		`UPDATE ship_orders SET status = 'hold', hold_reason = $2, hold_source = 'user', updated_at = now()
		 WHERE id = ANY($1) AND status IN ('hold', 'awaiting_payment', 'ready') RETURNING id`,
		"保留: "+reason, reason)
}

// ReleaseShipOrders lifts a hold: the order goes back to 保留 without a
// reason, where rule 5 (or an operator) moves it on.
func (s *Store) ReleaseShipOrders(ctx context.Context, ids []int64, reason, actor string) (int, error) {
	return s.bulkUpdate(ctx, ids, actor, domain.EventReleased,
		`UPDATE ship_orders SET hold_reason = '', hold_source = '', updated_at = now()
		 WHERE id = ANY($1) AND status = 'hold' RETURNING id`,
		"保留解除: "+reason)
}

func (s *Store) bulkUpdate(ctx context.Context, ids []int64, actor, kind, query, message string, args ...any) (int, error) {
	return s.bulkUpdateAfter(ctx, ids, actor, kind, nil, query, message, args...)
}

// bulkUpdateAfter runs before (when set) in the update's transaction first.
func (s *Store) bulkUpdateAfter(ctx context.Context, ids []int64, actor, kind string, before func(context.Context, *sqlx.Tx) error, query, message string, args ...any) (int, error) {
	var n int
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if before != nil {
			if err := before(ctx, tx); err != nil {
				return err
			}
		}
		var done []int64
		if err := tx.SelectContext(ctx, &done, query, append([]any{pq.Array(ids)}, args...)...); err != nil {
			return fmt.Errorf("store: bulk update ship orders: %w", err)
		}
		n = len(done)
		evs := make([]domain.ShipOrderEvent, len(done))
		for i, id := range done {
			evs[i] = domain.ShipOrderEvent{ShipOrderID: id, Actor: actor, Kind: kind, Message: message}
		}
		return addEvents(ctx, tx, evs)
	})
	return n, err
}

func (s *Store) inTx(ctx context.Context, fn func(*sqlx.Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}
