package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/renkei-oss/renkei/domain"
)

// ShipOrderQuery is 出荷リスト's filters and page position.
type ShipOrderQuery struct {
	Status        domain.Status
	ConnectionID  int64
	PaymentStatus domain.PaymentStatus
	ApiStatus     domain.ApiStatus
	OrderedFrom   time.Time // inclusive
	OrderedTo     time.Time // exclusive
	ShipFrom      string    // 出荷日 from, YYYY-MM-DD inclusive
	ShipTo        string    // 出荷日 to, YYYY-MM-DD inclusive
	// Search matches the order number or tracking number exactly, or part
	// of a buyer/recipient name or phone number.
	Search string
	After  *ShipOrderCursor
	Limit  int // default 50, at most 500
}

// ShipOrderCursor is the keyset position: the last row's (ordered_at, id).
type ShipOrderCursor struct {
	OrderedAt time.Time
	ID        int64
}

// String encodes the cursor for a URL.
func (c ShipOrderCursor) String() string {
	return strconv.FormatInt(c.OrderedAt.UnixMicro(), 10) + "_" + strconv.FormatInt(c.ID, 10)
}

// ParseShipOrderCursor reads a cursor from a URL; "" is the first page.
func ParseShipOrderCursor(s string) (*ShipOrderCursor, error) {
	if s == "" {
		return nil, nil
	}
	a, b, ok := strings.Cut(s, "_")
	us, err1 := strconv.ParseInt(a, 10, 64)
	id, err2 := strconv.ParseInt(b, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return nil, errors.New("ページの位置が読めません。出荷リストを最初から開き直してください。")
	}
	return &ShipOrderCursor{OrderedAt: time.UnixMicro(us), ID: id}, nil
}

// ShipOrderListRow is one row of 出荷リスト.
type ShipOrderListRow struct {
	domain.ShipOrder
	ChannelName string
	ServiceName string
	MethodName  string
}

func (q ShipOrderQuery) where() (string, []any) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if q.Status != "" {
		where = append(where, "o.status = "+arg(string(q.Status)))
	}
	if q.ConnectionID > 0 {
		where = append(where, "o.connection_id = "+arg(q.ConnectionID))
	}
	if q.PaymentStatus != "" {
		where = append(where, "o.payment_status = "+arg(string(q.PaymentStatus)))
	}
	if q.ApiStatus != "" {
		where = append(where, "o.api_status = "+arg(string(q.ApiStatus)))
	}
	if !q.OrderedFrom.IsZero() {
		where = append(where, "o.ordered_at >= "+arg(q.OrderedFrom))
	}
	if !q.OrderedTo.IsZero() {
		where = append(where, "o.ordered_at < "+arg(q.OrderedTo))
	}
	if q.ShipFrom != "" {
		where = append(where, "o.ship_date >= "+arg(q.ShipFrom)+"::date")
	}
	if q.ShipTo != "" {
		where = append(where, "o.ship_date <= "+arg(q.ShipTo)+"::date")
	}
	if s := strings.TrimSpace(q.Search); s != "" {
		exact := arg(s)
		like := arg("%" + likeEscape(s) + "%")
		// Every partial match is on the expression ship_orders_search_idx
		// (trigrams) covers; a LIKE on phones alone had no index and read
		// the whole table for any search with 4 digits in it (an order
		// number), seconds at 1M orders. The digits cannot match across two
		// phones or a name and a phone: spaces separate them.
		const text = "(o.buyer_name || ' ' || o.recipient_name || ' ' || o.phones)"
		cond := "o.channel_order_no = " + exact + " OR o.tracking_no = " + exact + " OR " + text + " ILIKE " + like
		if d := digitsOnly(s); len(d) >= 4 && d != s {
			cond += " OR " + text + " LIKE " + arg("%"+d+"%")
		}
		where = append(where, "("+cond+")")
	}
	if len(where) == 0 {
		return "TRUE", args
	}
	return strings.Join(where, " AND "), args
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func digitsOnly(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// CountShipOrders is 「全N件」 for the filters (the page position is ignored).
// Filters on channel and statuses only are summed from ship_order_counts
// (kept by triggers); date and text filters count the matching rows.
func (s *Store) CountShipOrders(ctx context.Context, q ShipOrderQuery) (int64, error) {
	if q.OrderedFrom.IsZero() && q.OrderedTo.IsZero() && q.ShipFrom == "" && q.ShipTo == "" && strings.TrimSpace(q.Search) == "" {
		where, args := q.where()
		var n int64
		err := s.db.GetContext(ctx, &n, `SELECT COALESCE(sum(n), 0) FROM ship_order_counts o WHERE `+where, args...)
		return n, err
	}
	where, args := q.where()
	var n int64
	err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM ship_orders o WHERE `+where, args...)
	return n, err
}

// ShipOrderIDs returns the ids of every ship order matching q's filters
// (its page position and limit are ignored), at most max of them, for bulk
// actions on 「絞り込み条件に一致する全件」.
func (s *Store) ShipOrderIDs(ctx context.Context, q ShipOrderQuery, max int) ([]int64, error) {
	where, args := q.where()
	args = append(args, max)
	var ids []int64
	err := s.db.SelectContext(ctx, &ids, `SELECT o.id FROM ship_orders o WHERE `+where+`
		ORDER BY o.ordered_at DESC, o.id DESC LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("store: ship order ids: %w", err)
	}
	return ids, nil
}

// ShipOrders returns one page of 出荷リスト, newest order first, and the
// cursor of the next page (nil on the last one). Keyset paging on
// (ordered_at, id) keeps every page as cheap as the first.
func (s *Store) ShipOrders(ctx context.Context, q ShipOrderQuery) ([]ShipOrderListRow, *ShipOrderCursor, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	where, args := q.where()
	if q.After != nil {
		args = append(args, q.After.OrderedAt, q.After.ID)
		where += fmt.Sprintf(" AND (o.ordered_at, o.id) < ($%d, $%d)", len(args)-1, len(args))
	}
	args = append(args, limit+1)
	var rows []shipOrderRow
	err := s.db.SelectContext(ctx, &rows, `
		SELECT `+shipOrderColumns+`, c.channel_name, d.name AS service_name, p.name AS method_name
		FROM ship_orders o
		JOIN connections c ON c.id = o.connection_id
		LEFT JOIN delivery_services d ON d.id = o.delivery_service_id
		LEFT JOIN payment_methods p ON p.id = o.payment_method_id
		WHERE `+where+`
		ORDER BY o.ordered_at DESC, o.id DESC
		LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, nil, fmt.Errorf("store: list ship orders: %w", err)
	}
	var next *ShipOrderCursor
	if len(rows) > limit {
		rows = rows[:limit]
		last := rows[limit-1]
		next = &ShipOrderCursor{OrderedAt: last.OrderedAt, ID: last.ID}
	}
	out := make([]ShipOrderListRow, len(rows))
	for i, r := range rows {
		o, err := r.order()
		if err != nil {
			return nil, nil, err
		}
		out[i] = ShipOrderListRow{ShipOrder: o, ChannelName: r.ChannelName.String, ServiceName: r.ServiceName.String, MethodName: r.MethodName.String}
	}
	return out, next, nil
}
