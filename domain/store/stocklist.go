package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/renkei-oss/renkei/domain"
)

// StockQuery is 在庫一覧's filter, sort and page.
type StockQuery struct {
	Q          string // partial SKU, 商品名 or JAN
	OutOfStock bool   // 在庫切れ: フリー在庫数 is 0
	FreeMax    *int   // フリー在庫数 ≤ N
	Sort       string // one of StockSorts; "" is SKU
	Desc       bool
	Limit      int
	Offset     int
}

// StockSorts are the columns 在庫一覧 sorts by, with their SQL.
var StockSorts = map[string]string{
	"sku": "p.sku", "name": "p.name", "on_hand": "on_hand", "allocated": "allocated",
	"allocatable": "allocatable", "unshipped": "unshipped", "safety": "safety", "free": "free", "updated": "updated_at",
}

// unshippedSQL sums the quantities of 未出荷 orders per SKU: the line's
// mapped product, else the SKU the channel sent.
const unshippedSQL = `
	SELECT coalesce(mp.sku, l.sku) AS sku, sum(l.quantity)::int AS q
	FROM unshipped_orders u
	CROSS JOIN LATERAL jsonb_to_recordset(u.payload->'lines') AS l(item_code text, option_code text, sku text, quantity int)
	LEFT JOIN product_mappings pm ON pm.connection_id = u.connection_id AND pm.item_code = l.item_code
		AND pm.option_code = coalesce(l.option_code, '')
	LEFT JOIN products mp ON mp.id = pm.product_id
	GROUP BY 1`

const stockFromSQL = `
	WITH res AS (` + unshippedSQL + `),
	f AS (
		SELECT p.sku, p.name, p.jan, coalesce(s.on_hand, 0) AS on_hand, coalesce(s.allocated, 0) AS allocated,
			coalesce(r.q, 0) AS unshipped, coalesce(s.safety, 0) AS safety, s.updated_at
		FROM products p
		LEFT JOIN stock s ON s.sku = p.sku AND s.warehouse_id = 1
		LEFT JOIN res r ON r.sku = p.sku
	)
	SELECT p.*, greatest(on_hand - allocated, 0) AS allocatable,
		greatest(on_hand - allocated - unshipped - safety, 0) AS free
	FROM f p`

func (q StockQuery) where() (string, []any) {
	var conds []string
	var args []any
	if v := strings.TrimSpace(q.Q); v != "" {
		args = append(args, "%"+likeEscape(v)+"%")
		n := len(args)
		conds = append(conds, fmt.Sprintf("(p.sku ILIKE $%d OR p.name ILIKE $%[1]d OR p.jan LIKE $%[1]d)", n))
	}
	free := "greatest(on_hand - allocated - unshipped - safety, 0)"
	if q.OutOfStock {
		conds = append(conds, free+" = 0")
	}
	if q.FreeMax != nil {
		args = append(args, *q.FreeMax)
		conds = append(conds, fmt.Sprintf("%s <= $%d", free, len(args)))
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// StockList is one page of 在庫一覧 and the count of all matching SKUs.
func (s *Store) StockList(ctx context.Context, q StockQuery) ([]domain.StockLine, int, error) {
	where, args := q.where()
	var total int
	if err := s.db.GetContext(ctx, &total, `SELECT count(*) FROM (`+stockFromSQL+where+`) c`, args...); err != nil {
		return nil, 0, fmt.Errorf("store: count stock: %w", err)
	}
	col, ok := StockSorts[q.Sort]
	if !ok {
		col = "p.sku"
	}
	dir := " ASC"
	if q.Desc {
		dir = " DESC"
	}
	if q.Limit <= 0 {
		q.Limit = 50
	}
	order := fmt.Sprintf(" ORDER BY %s%s NULLS LAST, p.sku%s LIMIT %d OFFSET %d", col, dir, dir, q.Limit, max(q.Offset, 0))
	var rows []domain.StockLine
	if err := s.db.SelectContext(ctx, &rows, stockFromSQL+where+order, args...); err != nil {
		return nil, 0, fmt.Errorf("store: list stock: %w", err)
	}
	return rows, total, nil
}

// StockLineBySKU is one SKU's 在庫一覧 line (its 在庫履歴 page heading).
func (s *Store) StockLineBySKU(ctx context.Context, sku string) (domain.StockLine, error) {
	var rows []domain.StockLine
	if err := s.db.SelectContext(ctx, &rows, stockFromSQL+` WHERE p.sku = $1`, sku); err != nil {
		return domain.StockLine{}, err
	}
	if len(rows) == 0 {
		return domain.StockLine{}, ErrNotFound
	}
	return rows[0], nil
}
