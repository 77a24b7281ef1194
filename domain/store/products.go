package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/upload"
)

var (
	// ErrDuplicateSKU: another product already has the SKU.
	ErrDuplicateSKU = errors.New("store: duplicate sku")
	// ErrProductInUse: the product is mapped (or otherwise referenced) and can only be disabled.
	ErrProductInUse = errors.New("store: product in use")
	// ErrUploadNotApplicable: the upload has invalid rows, was applied already, or is gone.
	ErrUploadNotApplicable = errors.New("store: upload cannot be applied")
)

const productCols = `id, sku, name, jan, has_options, handling_days, low_stock_threshold, disabled, created_at, updated_at`

// ProductQuery selects a page of 商品マスタ, ordered by SKU.
type ProductQuery struct {
	Search          string // part of SKU, name or JAN
	After           string // keyset: the last SKU of the previous page
	Limit           int
	IncludeDisabled bool
}

// Products returns one page and the SKU to continue after ("" on the last page).
func (s *Store) Products(ctx context.Context, q ProductQuery) ([]domain.Product, string, error) {
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 50
	}
	var where []string
	var args []any
	if q.After != "" {
		args = append(args, q.After)
		where = append(where, fmt.Sprintf("sku > $%d", len(args)))
	}
	if q.Search != "" {
		args = append(args, "%"+mstLikeEscape(q.Search)+"%")
		where = append(where, fmt.Sprintf("(sku ILIKE $%[1]d OR name ILIKE $%[1]d OR jan LIKE $%[1]d)", len(args)))
	}
	if !q.IncludeDisabled {
		where = append(where, "NOT disabled")
	}
	query := `SELECT ` + productCols + ` FROM products`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	args = append(args, q.Limit+1)
	query += fmt.Sprintf(" ORDER BY sku LIMIT $%d", len(args))
	var ps []domain.Product
	if err := s.db.SelectContext(ctx, &ps, query, args...); err != nil {
		return nil, "", fmt.Errorf("list products: %w", err)
	}
	next := ""
	if len(ps) > q.Limit {
		ps = ps[:q.Limit]
		next = ps[len(ps)-1].SKU
	}
	return ps, next, nil
}

func mstLikeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Product returns one product by id.
func (s *Store) Product(ctx context.Context, id int64) (*domain.Product, error) {
	var p domain.Product
	err := s.db.GetContext(ctx, &p, `SELECT `+productCols+` FROM products WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("get product %d: %w", id, err)
	}
	return &p, nil
}

// productUsedSQL is true when a mapping or a ship-order line refers to the
// product $1; such a product can only be disabled, never deleted.
const productUsedSQL = `
	SELECT EXISTS (SELECT 1 FROM product_mappings WHERE product_id = $1)
	    OR EXISTS (SELECT 1 FROM ship_order_lines l JOIN products p ON p.sku = l.sku WHERE p.id = $1)`

// ProductInUse reports whether anything refers to the product.
func (s *Store) ProductInUse(ctx context.Context, id int64) (bool, error) {
	var used bool
	err := s.db.GetContext(ctx, &used, productUsedSQL, id)
	return used, err
}

// CreateProduct inserts p and sets its ID and timestamps.
func (s *Store) CreateProduct(ctx context.Context, p *domain.Product) error {
	err := s.db.QueryRowxContext(ctx, `
		INSERT INTO products (sku, name, jan, has_options, handling_days, low_stock_threshold)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, created_at, updated_at`,
		p.SKU, p.Name, p.JAN, p.HasOptions, p.HandlingDays, p.LowStockThreshold).Scan(&p.ID, &p.CreatedAt, &p.UpdatedAt)
	if isUniqueViolation(err, "") {
		return ErrDuplicateSKU
	}
	return err
}

// UpdateProduct saves p's fields (SKU included) by ID.
func (s *Store) UpdateProduct(ctx context.Context, p *domain.Product) error {
	res, err := s.db.ExecContext(ctx, `
		UPDATE products SET sku = $2, name = $3, jan = $4, has_options = $5, handling_days = $6,
		       low_stock_threshold = $7, disabled = $8, updated_at = now()
		WHERE id = $1`,
		p.ID, p.SKU, p.Name, p.JAN, p.HasOptions, p.HandlingDays, p.LowStockThreshold, p.Disabled)
	if isUniqueViolation(err, "") {
		return ErrDuplicateSKU
	}
	if err != nil {
		return fmt.Errorf("update product %d: %w", p.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// DeleteProduct removes a product nothing refers to; otherwise ErrProductInUse.
// Ship-order lines name the SKU as text (no foreign key), so they are
// checked here; mappings are also guarded by their RESTRICT key.
func (s *Store) DeleteProduct(ctx context.Context, id int64) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM products WHERE id = $1 AND NOT (`+productUsedSQL+`)`, id)
	var pe *pq.Error
	if errors.As(err, &pe) && pe.Code == "23503" {
		return ErrProductInUse
	}
	if err != nil {
		return fmt.Errorf("delete product %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := s.Product(ctx, id); err != nil {
			return err // ErrNotFound
		}
		return ErrProductInUse
	}
	return nil
}

// ProductsBySKU returns the products among skus, keyed by SKU.
func (s *Store) ProductsBySKU(ctx context.Context, skus []string) (map[string]domain.Product, error) {
	out := make(map[string]domain.Product, len(skus))
	rows, err := s.db.QueryxContext(ctx, `SELECT `+productCols+` FROM products WHERE sku = ANY($1)`, pq.StringArray(skus))
	if err != nil {
		return nil, fmt.Errorf("products by sku: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p domain.Product
		if err := rows.StructScan(&p); err != nil {
			return nil, err
		}
		out[p.SKU] = p
	}
	return out, rows.Err()
}

// AllProducts streams every product in SKU order, for exports.
func (s *Store) AllProducts(ctx context.Context, fn func(domain.Product) error) error {
	rows, err := s.db.QueryxContext(ctx, `SELECT `+productCols+` FROM products ORDER BY sku`)
	if err != nil {
		return fmt.Errorf("export products: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p domain.Product
		if err := rows.StructScan(&p); err != nil {
			return err
		}
		if err := fn(p); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Upload is a staged master upload between preview and apply.
type Upload struct {
	ID         int64      `db:"id"`
	Kind       string     `db:"kind"`
	Filename   string     `db:"filename"`
	Layout     string     `db:"layout"`
	CodeColumn string     `db:"code_column"`
	Encoding   string     `db:"encoding"`
	CreatedBy  *int64     `db:"created_by"`
	CreatedAt  time.Time  `db:"created_at"`
	AppliedAt  *time.Time `db:"applied_at"`
	StockMode  string     `db:"stock_mode"` // 在庫アップロード only: upload.StockMode
	upload.Counts
}

// Upload kinds.
const (
	UploadProducts = "products"
	UploadMappings = "mappings"
	UploadStock    = "stock"
)

// Applicable reports whether apply would go ahead.
func (u *Upload) Applicable() bool {
	return u.AppliedAt == nil && u.Invalid == 0 && u.New+u.Changed > 0
}

// stageChunk bounds the arrays sent per INSERT … SELECT unnest(…).
const stageChunk = 20_000

// PreviewProductUpload validates the table, compares it with 商品マスタ and
// stages the result under a new upload id. Nothing touches products yet.
func (s *Store) PreviewProductUpload(ctx context.Context, meta Upload, t *upload.Table, layout upload.Layout, codeColumn string) (*Upload, error) {
	if layout == upload.LayoutAuto {
		layout = upload.DetectLayout(t)
	}
	rows, rowErrs, err := upload.ParseProducts(t, layout, codeColumn)
	if err != nil {
		return nil, err
	}
	skus := make([]string, len(rows))
	for i, r := range rows {
		skus[i] = r.SKU
	}
	existing, err := s.ProductsBySKU(ctx, skus)
	if err != nil {
		return nil, err
	}
	statuses, counts := upload.ClassifyProducts(rows, existing)
	counts.Invalid = upload.InvalidLines(rowErrs)

	meta.Kind, meta.Layout, meta.Encoding, meta.Counts = UploadProducts, string(layout), t.Encoding, counts
	if layout == upload.LayoutRakuten {
		meta.CodeColumn = codeColumn
	}
	err = s.withMasterTx(ctx, func(tx *sqlx.Tx) error {
		if err := insertUpload(ctx, tx, &meta); err != nil {
			return err
		}
		for lo := 0; lo < len(rows); lo += stageChunk {
			hi := min(lo+stageChunk, len(rows))
			n := hi - lo
			var (
				lines              = make(pq.Int64Array, n)
				st, sku, name, jan = make(pq.StringArray, n), make(pq.StringArray, n), make(pq.StringArray, n), make(pq.StringArray, n)
				opts               = make(pq.BoolArray, n)
				days, low          = make([]sql.NullInt64, n), make([]sql.NullInt64, n)
			)
			for i, r := range rows[lo:hi] {
				lines[i], st[i], sku[i], name[i], jan[i], opts[i] = int64(r.Line), string(statuses[lo+i]), r.SKU, r.Name, r.JAN, r.HasOptions
				days[i], low[i] = mstNullInt(r.HandlingDays), mstNullInt(r.LowStockThreshold)
			}
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO product_upload_rows (upload_id, line, status, sku, name, jan, has_options, handling_days, low_stock_threshold)
				SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bool[], $8::int[], $9::int[])`,
				meta.ID, lines, st, sku, name, jan, opts, pq.Array(days), pq.Array(low)); err != nil {
				return fmt.Errorf("stage product rows: %w", err)
			}
		}
		return insertUploadErrors(ctx, tx, meta.ID, rowErrs)
	})
	if err != nil {
		return nil, err
	}
	return &meta, nil
}

func mstNullInt(p *int) sql.NullInt64 {
	if p == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: int64(*p), Valid: true}
}

func insertUpload(ctx context.Context, tx *sqlx.Tx, u *Upload) error {
	// Staged uploads are only kept for a day: a preview older than that is
	// stale anyway. An applied stock upload stays, without its staged rows:
	// 在庫履歴 rows name it, and that append-only ledger cannot let go.
	if _, err := tx.ExecContext(ctx, `DELETE FROM stock_upload_rows r USING master_uploads u
		WHERE u.id = r.upload_id AND u.created_at < now() - interval '1 day'`); err != nil {
		return fmt.Errorf("purge old stock rows: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM master_uploads WHERE created_at < now() - interval '1 day'
		AND NOT (kind = 'stock' AND applied_at IS NOT NULL)`); err != nil {
		return fmt.Errorf("purge old uploads: %w", err)
	}
	err := tx.QueryRowxContext(ctx, `
		INSERT INTO master_uploads (kind, filename, layout, code_column, encoding, created_by,
		                            new_count, changed_count, unchanged_count, invalid_count, stock_mode)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id, created_at`,
		u.Kind, u.Filename, u.Layout, u.CodeColumn, u.Encoding, u.CreatedBy,
		u.New, u.Changed, u.Unchanged, u.Invalid, u.StockMode).Scan(&u.ID, &u.CreatedAt)
	if err != nil {
		return fmt.Errorf("stage upload: %w", err)
	}
	return nil
}

func insertUploadErrors(ctx context.Context, tx *sqlx.Tx, id int64, errs []upload.RowError) error {
	for lo := 0; lo < len(errs); lo += stageChunk {
		hi := min(lo+stageChunk, len(errs))
		seq, line := make(pq.Int64Array, hi-lo), make(pq.Int64Array, hi-lo)
		col, reason := make(pq.StringArray, hi-lo), make(pq.StringArray, hi-lo)
		for i, e := range errs[lo:hi] {
			seq[i], line[i], col[i], reason[i] = int64(lo+i), int64(e.Line), e.Column, e.Reason
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO upload_errors (upload_id, seq, line, column_name, reason)
			SELECT $1, * FROM unnest($2::int[], $3::int[], $4::text[], $5::text[])`,
			id, seq, line, col, reason); err != nil {
			return fmt.Errorf("stage upload errors: %w", err)
		}
	}
	return nil
}

// GetUpload returns a staged upload of the given kind.
func (s *Store) GetUpload(ctx context.Context, id int64, kind string) (*Upload, error) {
	var u Upload
	err := s.db.GetContext(ctx, &u, `SELECT * FROM master_uploads WHERE id = $1 AND kind = $2`, id, kind)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return &u, err
}

// UploadErrors lists every invalid row of an upload, by row number.
func (s *Store) UploadErrors(ctx context.Context, id int64) ([]upload.RowError, error) {
	var errs []upload.RowError
	err := s.db.SelectContext(ctx, &errs, `SELECT line, column_name, reason FROM upload_errors WHERE upload_id = $1 ORDER BY seq`, id)
	return errs, err
}

// StagedProduct is a preview row.
type StagedProduct struct {
	Line   int           `db:"line"`
	Status upload.Status `db:"status"`
	domain.Product
}

// StagedProducts returns up to limit new and changed rows of an upload, for the preview.
func (s *Store) StagedProducts(ctx context.Context, id int64, limit int) ([]StagedProduct, error) {
	var rows []StagedProduct
	err := s.db.SelectContext(ctx, &rows, `
		SELECT line, status, sku, name, jan, has_options, handling_days, low_stock_threshold
		FROM product_upload_rows WHERE upload_id = $1 AND status <> 'unchanged'
		ORDER BY line LIMIT $2`, id, limit)
	return rows, err
}

// ApplyProductUpload writes a staged upload to 商品マスタ in one
// transaction: all rows or none. Rows equal to the product are left alone,
// so applying the same file twice changes nothing the second time.
func (s *Store) ApplyProductUpload(ctx context.Context, id int64) (int64, error) {
	var applied int64
	err := s.withMasterTx(ctx, func(tx *sqlx.Tx) error {
		var u Upload
		err := tx.GetContext(ctx, &u, `SELECT * FROM master_uploads WHERE id = $1 AND kind = 'products' FOR UPDATE`, id)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if u.AppliedAt != nil || u.Invalid > 0 {
			return ErrUploadNotApplicable
		}
		res, err := tx.ExecContext(ctx, `
			INSERT INTO products AS p (sku, name, jan, has_options, handling_days, low_stock_threshold)
			SELECT sku, name, jan, has_options, handling_days, low_stock_threshold
			FROM product_upload_rows WHERE upload_id = $1 AND status <> 'unchanged'
			ON CONFLICT (sku) DO UPDATE SET
				name = excluded.name, jan = excluded.jan, has_options = excluded.has_options,
				handling_days = excluded.handling_days, low_stock_threshold = excluded.low_stock_threshold,
				updated_at = now()
			WHERE (p.name, p.jan, p.has_options, p.handling_days, p.low_stock_threshold)
			      IS DISTINCT FROM (excluded.name, excluded.jan, excluded.has_options, excluded.handling_days, excluded.low_stock_threshold)`, id)
		if err != nil {
			return fmt.Errorf("apply product upload %d: %w", id, err)
		}
		applied, _ = res.RowsAffected()
		_, err = tx.ExecContext(ctx, `UPDATE master_uploads SET applied_at = now() WHERE id = $1`, id)
		return err
	})
	return applied, err
}

// withMasterTx runs fn in a transaction, committing when it returns nil.
func (s *Store) withMasterTx(ctx context.Context, fn func(*sqlx.Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}
