package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/upload"
)

// UploadTracking is the kind of 問番アップロード.
const UploadTracking = "tracking"

// TrackingParser turns a decoded file into 問番 rows: the own layout or a
// carrier's 発行済みデータ. carriers maps carrier names to ids, channels
// channel names and ids to connection ids.
type TrackingParser func(t *upload.Table, carriers, channels map[string]int64) ([]upload.TrackingRow, []upload.RowError, error)

// PreviewTrackingUpload parses a 問番 file with parse, resolves every row's
// order and stages the result. Nothing touches orders yet.
func (s *Store) PreviewTrackingUpload(ctx context.Context, meta Upload, t *upload.Table, layout string, parse TrackingParser) (*Upload, error) {
	carriers, channels, err := s.trackingLookups(ctx)
	if err != nil {
		return nil, err
	}
	rows, errs, err := parse(t, carriers, channels)
	if err != nil {
		return nil, err
	}
	orders, taken, err := s.trackingTargets(ctx, rows)
	if err != nil {
		return nil, err
	}
	plans, planErrs := upload.PlanTracking(rows, orders, taken)
	errs = append(errs, planErrs...)
	for _, p := range plans {
		if p.Status == upload.StatusNew {
			meta.New++
		} else {
			meta.Unchanged++
		}
	}
	meta.Invalid = upload.InvalidLines(errs)
	meta.Kind, meta.Layout, meta.Encoding = UploadTracking, layout, t.Encoding
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := insertUpload(ctx, tx, &meta); err != nil {
			return err
		}
		if err := stageTrackingRows(ctx, tx, meta.ID, plans); err != nil {
			return err
		}
		return insertUploadErrors(ctx, tx, meta.ID, sortedErrors(errs))
	})
	if err != nil {
		return nil, err
	}
	return &meta, nil
}

// trackingLookups maps enabled carriers' names and channels' names and ids
// to their ids.
func (s *Store) trackingLookups(ctx context.Context) (carriers, channels map[string]int64, err error) {
	cs, err := s.Carriers(ctx)
	if err != nil {
		return nil, nil, err
	}
	carriers = make(map[string]int64, len(cs))
	for _, c := range cs {
		if !c.Disabled {
			carriers[strings.TrimSpace(c.Name)] = c.ID
		}
	}
	conns, err := s.Connections(ctx)
	if err != nil {
		return nil, nil, err
	}
	return carriers, ChannelLookup(conns), nil
}

// trackingTargets loads the orders the rows name and the parcels already
// holding their numbers.
func (s *Store) trackingTargets(ctx context.Context, rows []upload.TrackingRow) ([]upload.TrackingOrder, map[upload.ParcelKey]int64, error) {
	nos, tnos := make([]string, len(rows)), make([]string, len(rows))
	for i, r := range rows {
		nos[i], tnos[i] = r.OrderNo, r.TrackingNo
	}
	var orders []upload.TrackingOrder
	if err := s.db.SelectContext(ctx, &orders, `SELECT id, connection_id, channel_order_no, status FROM ship_orders
		WHERE channel_order_no = ANY($1)`, pq.Array(sortedUnique(nos))); err != nil {
		return nil, nil, fmt.Errorf("store: orders of the 問番 file: %w", err)
	}
	var held []struct {
		CarrierID  int64  `db:"carrier_id"`
		TrackingNo string `db:"tracking_no"`
		OrderID    int64  `db:"ship_order_id"`
	}
	if err := s.db.SelectContext(ctx, &held, `SELECT carrier_id, tracking_no, ship_order_id FROM ship_order_parcels
		WHERE tracking_no = ANY($1)`, pq.Array(sortedUnique(tnos))); err != nil {
		return nil, nil, fmt.Errorf("store: parcels of the 問番 file: %w", err)
	}
	taken := make(map[upload.ParcelKey]int64, len(held))
	for _, h := range held {
		taken[upload.ParcelKey{CarrierID: h.CarrierID, TrackingNo: h.TrackingNo}] = h.OrderID
	}
	return orders, taken, nil
}

func stageTrackingRows(ctx context.Context, tx *sqlx.Tx, id int64, plans []upload.TrackingPlan) error {
	for lo := 0; lo < len(plans); lo += stageChunk {
		hi := min(lo+stageChunk, len(plans))
		n := hi - lo
		lines, orders, carriers := make(pq.Int64Array, n), make(pq.Int64Array, n), make(pq.Int64Array, n)
		st, nos, names, tnos, days := make(pq.StringArray, n), make(pq.StringArray, n), make(pq.StringArray, n), make(pq.StringArray, n), make(pq.StringArray, n)
		for i, p := range plans[lo:hi] {
			lines[i], orders[i], carriers[i] = int64(p.Line), p.OrderID, p.CarrierID
			st[i], nos[i], names[i], tnos[i], days[i] = string(p.Status), p.OrderNo, p.Carrier, p.TrackingNo, p.ShipDate
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO tracking_upload_rows (upload_id, line, status, order_no, ship_order_id, carrier_id, carrier_name, tracking_no, ship_date)
			SELECT $1, l, s, o, so, c, cn, t, d::date
			FROM unnest($2::int[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::text[], $8::text[], $9::text[]) AS x(l, s, o, so, c, cn, t, d)`,
			id, lines, st, nos, orders, carriers, names, tnos, days); err != nil {
			return fmt.Errorf("stage tracking rows: %w", err)
		}
	}
	return nil
}

// StagedTracking returns up to limit rows of a 問番 upload, new ones first,
// for the preview.
func (s *Store) StagedTracking(ctx context.Context, id int64, limit int) ([]upload.TrackingPlan, error) {
	var rows []upload.TrackingPlan
	err := s.db.SelectContext(ctx, &rows, `
		SELECT line, status, order_no, ship_order_id, carrier_id, carrier_name, tracking_no, to_char(ship_date, 'YYYY-MM-DD') AS ship_date
		FROM tracking_upload_rows WHERE upload_id = $1 ORDER BY status = 'unchanged', line LIMIT $2`, id, limit)
	return rows, err
}

// ApplyTrackingUpload is 反映 of a 問番 upload: every row in one
// transaction or none. The orders are locked and checked again (an order
// may have shipped since the preview); new numbers become parcels, and each
// order gets its 出荷日 and first parcel's number. It returns the number of
// orders changed.
func (s *Store) ApplyTrackingUpload(ctx context.Context, id int64, actor string) (int, error) {
	var n int
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var u Upload
		err := tx.GetContext(ctx, &u, `SELECT * FROM master_uploads WHERE id = $1 AND kind = $2 FOR UPDATE`, id, UploadTracking)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		if !u.Applicable() {
			return ErrUploadNotApplicable
		}
		var rows []upload.TrackingPlan
		if err := tx.SelectContext(ctx, &rows, `SELECT line, status, order_no, ship_order_id, carrier_id, carrier_name, tracking_no,
			to_char(ship_date, 'YYYY-MM-DD') AS ship_date FROM tracking_upload_rows WHERE upload_id = $1 ORDER BY line`, id); err != nil {
			return err
		}
		if n, err = applyTracking(ctx, tx, rows, actor); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE master_uploads SET applied_at = now() WHERE id = $1`, id)
		return err
	})
	return n, err
}

func applyTracking(ctx context.Context, tx *sqlx.Tx, rows []upload.TrackingPlan, actor string) (int, error) {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.OrderID
	}
	var locked []upload.TrackingOrder
	if err := tx.SelectContext(ctx, &locked, `SELECT id, connection_id, channel_order_no, status FROM ship_orders
		WHERE id = ANY($1) ORDER BY id FOR UPDATE`, pq.Array(ids)); err != nil {
		return 0, fmt.Errorf("store: lock orders of the 問番 file: %w", err)
	}
	status := make(map[int64]domain.Status, len(locked))
	for _, o := range locked {
		status[o.ID] = o.Status
	}
	var newOrders, newCarriers pq.Int64Array
	var newNos pq.StringArray
	for _, r := range rows {
		if st, ok := status[r.OrderID]; !ok || !domain.TakesTracking(st) {
			return 0, &RefusedError{Msg: fmt.Sprintf("%d行目: 注文番号「%s」は確認後に%sになったため、1行も反映していません。もう一度アップロードしてください。",
				r.Line, r.OrderNo, orGone(st, ok))}
		}
		if r.Status == upload.StatusNew {
			newOrders, newCarriers, newNos = append(newOrders, r.OrderID), append(newCarriers, r.CarrierID), append(newNos, r.TrackingNo)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO ship_order_parcels (ship_order_id, carrier_id, tracking_no)
		SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[])`, newOrders, newCarriers, newNos); err != nil {
		if isUniqueViolation(err, "ship_order_parcels_tracking_key") {
			return 0, &RefusedError{Msg: "確認後に同じ問番が別の注文に登録されたため、1行も反映していません。もう一度アップロードしてください。"}
		}
		return 0, fmt.Errorf("store: add uploaded parcels: %w", err)
	}
	return len(status), finishTrackingOrders(ctx, tx, rows, actor)
}

func orGone(st domain.Status, ok bool) string {
	if !ok {
		return "削除済み"
	}
	return st.Label()
}

// finishTrackingOrders sets each order's 出荷日 (its last row's) and first
// parcel's number, and writes one 履歴 line per order listing its numbers.
func finishTrackingOrders(ctx context.Context, tx *sqlx.Tx, rows []upload.TrackingPlan, actor string) error {
	day := map[int64]string{}
	added := map[int64][]string{}
	for _, r := range rows {
		day[r.OrderID] = r.ShipDate
		if r.Status == upload.StatusNew {
			added[r.OrderID] = append(added[r.OrderID], r.Carrier+" "+r.TrackingNo)
		}
	}
	ids := make([]int64, 0, len(day))
	for id := range day {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	days := make(pq.StringArray, len(ids))
	evs := make([]domain.ShipOrderEvent, 0, len(ids))
	for i, id := range ids {
		days[i] = day[id]
		msg := "問番アップロード: 出荷日 " + day[id]
		if a := added[id]; len(a) > 0 {
			msg += "、" + strings.Join(a, "、")
		}
		evs = append(evs, domain.ShipOrderEvent{ShipOrderID: id, Actor: actor, Kind: "問番登録", Message: msg})
	}
	if _, err := tx.ExecContext(ctx, `
		UPDATE ship_orders o SET ship_date = t.d::date, updated_at = now(), tracking_no = coalesce(
			(SELECT tracking_no FROM ship_order_parcels p WHERE p.ship_order_id = o.id ORDER BY p.id LIMIT 1), '')
		FROM unnest($1::bigint[], $2::text[]) AS t(id, d) WHERE o.id = t.id`, pq.Array(ids), days); err != nil {
		return fmt.Errorf("store: orders of the 問番 file: %w", err)
	}
	return addEvents(ctx, tx, evs)
}
