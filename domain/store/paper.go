package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/renkei-oss/renkei/domain"
)

// paperBatch is how many orders one query loads while papers are drawn:
// enough to keep round trips few, few enough that 100,000 orders are never
// in memory at once.
const paperBatch = 500

// paperRow is a ship order with what its papers print beside it.
type paperRow struct {
	shipOrderRow
	CarrierName sql.NullString `db:"carrier_name"`
	FromName    sql.NullString `db:"from_name"`
	FromPostal  sql.NullString `db:"from_postal_code"`
	FromPref    sql.NullString `db:"from_prefecture"`
	FromAddress sql.NullString `db:"from_address"`
	FromPhone   sql.NullString `db:"from_phone"`
}

func (r paperRow) slip() (domain.PackingSlip, error) {
	o, err := r.order()
	return domain.PackingSlip{
		Order: o, ChannelName: r.ChannelName.String, ServiceName: r.ServiceName.String, CarrierName: r.CarrierName.String,
		From: domain.ShipFrom{Name: r.FromName.String, PostalCode: r.FromPostal.String, Prefecture: r.FromPref.String,
			Address: r.FromAddress.String, Phone: r.FromPhone.String},
	}, err
}

// PackingSlips calls fn with the 納品書 of each order in ids, in the order
// of ids, loading paperBatch orders at a time. The sender is the order's
// 発送元, else its connection's. Unknown ids are left out.
func (s *Store) PackingSlips(ctx context.Context, ids []int64, fn func(domain.PackingSlip) error) error {
	for batch := range slices.Chunk(ids, paperBatch) {
		slips, err := s.packingSlips(ctx, batch)
		if err != nil {
			return err
		}
		for _, sl := range slips {
			if err := fn(sl); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Store) packingSlips(ctx context.Context, ids []int64) ([]domain.PackingSlip, error) {
	var rows []paperRow
	err := s.db.SelectContext(ctx, &rows, `
		SELECT `+shipOrderColumns+`, c.channel_name, d.name AS service_name, cr.name AS carrier_name,
			f.name AS from_name, f.postal_code AS from_postal_code, f.prefecture AS from_prefecture,
			f.address AS from_address, f.phone AS from_phone
		FROM unnest($1::bigint[]) WITH ORDINALITY AS x(id, n)
		JOIN ship_orders o ON o.id = x.id
		JOIN connections c ON c.id = o.connection_id
		LEFT JOIN ship_froms f ON f.id = coalesce(o.ship_from_id, c.ship_from_id)
		LEFT JOIN delivery_services d ON d.id = o.delivery_service_id
		LEFT JOIN carriers cr ON cr.id = d.carrier_id
		ORDER BY x.n`, pq.Array(ids))
	if err != nil {
		return nil, fmt.Errorf("store: packing slips: %w", err)
	}
	out := make([]domain.PackingSlip, len(rows))
	idx := make(map[int64]int, len(rows))
	for i, r := range rows {
		if out[i], err = r.slip(); err != nil {
			return nil, err
		}
		idx[r.ID] = i
	}
	lines, err := shipOrderLines(ctx, s.db, ids)
	if err != nil {
		return nil, err
	}
	for _, l := range lines {
		if i, ok := idx[l.ShipOrderID]; ok {
			out[i].Order.Lines = append(out[i].Order.Lines, l.ShipOrderLine)
		}
	}
	return out, nil
}

type orderLine struct {
	ShipOrderID int64 `db:"ship_order_id"`
	domain.ShipOrderLine
}

func shipOrderLines(ctx context.Context, q sqlx.QueryerContext, ids []int64) ([]orderLine, error) {
	var lines []orderLine
	if err := sqlx.SelectContext(ctx, q, &lines, `
		SELECT ship_order_id, line_no, item_code, option_code, sku, name, quantity, unit_price
		FROM ship_order_lines WHERE ship_order_id = ANY($1) ORDER BY ship_order_id, line_no`, pq.Array(ids)); err != nil {
		return nil, fmt.Errorf("store: ship order lines: %w", err)
	}
	return lines, nil
}

// PickingList sums the lines of the orders in ids by SKU, with the
// product master's name and JAN; lines without a SKU are summed by their
// channel item code and marked. Rows are sorted by 商品コード.
func (s *Store) PickingList(ctx context.Context, ids []int64) (domain.PickingList, error) {
	var pl domain.PickingList
	if err := s.db.GetContext(ctx, &pl.Orders, `SELECT count(*) FROM ship_orders WHERE id = ANY($1)`, pq.Array(ids)); err != nil {
		return pl, fmt.Errorf("store: picking list orders: %w", err)
	}
	err := s.db.SelectContext(ctx, &pl.Rows, `
		SELECT CASE WHEN l.sku <> '' THEN l.sku ELSE l.item_code END AS sku,
			coalesce(min(p.name), min(l.name)) AS name, coalesce(min(p.jan), '') AS jan,
			sum(l.quantity) AS quantity, l.sku = '' AS unmapped
		FROM ship_order_lines l
		LEFT JOIN products p ON p.sku = l.sku AND l.sku <> ''
		WHERE l.ship_order_id = ANY($1)
		GROUP BY 1, 5`, pq.Array(ids))
	if err != nil {
		return pl, fmt.Errorf("store: picking list: %w", err)
	}
	domain.SortPicking(pl.Rows)
	return pl, nil
}

// RecordPrinted writes 「<paper>を印刷」 (「を再印刷（N回目）」 after the first;
// 出力 for a CSV)
// to the 履歴 of every order in ids and applies the marketplaces' rules for
// how printing moves APIステータス, in one transaction. It returns how many
// orders changed APIステータス.
func (s *Store) RecordPrinted(ctx context.Context, ids []int64, p domain.Paper, actor string) (int, error) {
	moved := 0
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		label := p.Label()
		_, err := tx.ExecContext(ctx, `
			INSERT INTO ship_order_events (ship_order_id, actor, kind, message)
			SELECT o.id, $2, $3, CASE WHEN n.c = 0 THEN $4 || 'を' || $5 ELSE $4 || 'を再' || $5 || '（' || (n.c + 1) || '回目）' END
			FROM ship_orders o
			CROSS JOIN LATERAL (SELECT count(*) AS c FROM ship_order_events e
				WHERE e.ship_order_id = o.id AND e.kind = $3 AND e.message LIKE $4 || 'を%') n
			WHERE o.id = ANY($1)`, pq.Array(ids), actor, domain.EventPrinted, label, p.Verb())
		if err != nil {
			return fmt.Errorf("store: record printing: %w", err)
		}
		for _, mv := range domain.PrintMovesFor(p) {
			n, err := applyPrintMove(ctx, tx, ids, mv, label, p.Verb(), actor)
			if err != nil {
				return err
			}
			moved += n
		}
		return nil
	})
	return moved, err
}

func applyPrintMove(ctx context.Context, tx *sqlx.Tx, ids []int64, mv domain.PrintMove, paper, verb, actor string) (int, error) {
	from := make([]string, len(mv.From))
	for i, f := range mv.From {
		from[i] = string(f)
	}
	var moved []struct {
		ID  int64  `db:"id"`
		Old string `db:"old"`
	}
	err := tx.SelectContext(ctx, &moved, `
		WITH m AS (
			SELECT id, api_status FROM ship_orders
			WHERE id = ANY($1) AND marketplace = $2 AND api_status = ANY($3) FOR UPDATE)
		UPDATE ship_orders o SET api_status = $4, updated_at = now() FROM m
		WHERE o.id = m.id RETURNING o.id, m.api_status AS old`,
		pq.Array(ids), string(mv.Marketplace), pq.Array(from), string(mv.To))
	if err != nil {
		return 0, fmt.Errorf("store: APIステータス after printing: %w", err)
	}
	evs := make([]domain.ShipOrderEvent, len(moved))
	for i, m := range moved {
		evs[i] = domain.ShipOrderEvent{ShipOrderID: m.ID, Actor: actor, Kind: domain.EventStatusChanged,
			Message: fmt.Sprintf("APIステータス: %s → %s（%sの%s）", domain.ApiStatus(m.Old).Label(), mv.To.Label(), paper, verb)}
	}
	return len(moved), addEvents(ctx, tx, evs)
}

// CarrierOrderIDs keeps, in order, the orders of ids whose delivery
// service is the carrier's, or that have none yet: a carrier's CSV takes
// only what that carrier will carry.
func (s *Store) CarrierOrderIDs(ctx context.Context, ids []int64, carrier string) ([]int64, error) {
	var out []int64
	err := s.db.SelectContext(ctx, &out, `
		SELECT o.id FROM unnest($1::bigint[]) WITH ORDINALITY AS x(id, n)
		JOIN ship_orders o ON o.id = x.id
		LEFT JOIN delivery_services d ON d.id = o.delivery_service_id
		LEFT JOIN carriers c ON c.id = d.carrier_id
		WHERE d.id IS NULL OR c.name = $2
		ORDER BY x.n`, pq.Array(ids), carrier)
	if err != nil {
		return nil, fmt.Errorf("store: orders of carrier: %w", err)
	}
	return out, nil
}
