package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/upload"
)

// ErrUnknownSKU: a mapping names a SKU that is not in 商品マスタ.
var ErrUnknownSKU = errors.New("store: sku not in product master")

// MappingQuery selects a page of the 外部商品対応表, ordered by id.
type MappingQuery struct {
	ConnectionID int64 // 0: every channel
	Search       string
	After        int64
	Limit        int
}

const mappingSelect = `
	SELECT m.id, m.connection_id, m.item_code, m.option_code, p.sku, p.name AS product_name
	FROM product_mappings m JOIN products p ON p.id = m.product_id`

// ProductMappings returns one page and the id to continue after (0 on the last page).
func (s *Store) ProductMappings(ctx context.Context, q MappingQuery) ([]domain.ProductMapping, int64, error) {
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 50
	}
	args := []any{q.After, q.ConnectionID, "%" + mstLikeEscape(q.Search) + "%", q.Limit + 1}
	var ms []domain.ProductMapping
	err := s.db.SelectContext(ctx, &ms, mappingSelect+`
		WHERE m.id > $1 AND ($2::bigint = 0 OR m.connection_id = $2)
		  AND ($3 = '%%' OR m.item_code ILIKE $3 OR m.option_code ILIKE $3 OR p.sku ILIKE $3)
		ORDER BY m.id LIMIT $4`, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list product mappings: %w", err)
	}
	var next int64
	if len(ms) > q.Limit {
		ms = ms[:q.Limit]
		next = ms[len(ms)-1].ID
	}
	return ms, next, nil
}

// SaveProductMapping inserts or re-points a channel item to m.SKU.
func (s *Store) SaveProductMapping(ctx context.Context, m *domain.ProductMapping) error {
	err := s.db.QueryRowxContext(ctx, `
		INSERT INTO product_mappings (connection_id, item_code, option_code, product_id)
		SELECT $1, $2, $3, id FROM products WHERE sku = $4
		ON CONFLICT (connection_id, item_code, option_code)
		DO UPDATE SET product_id = excluded.product_id, updated_at = now()
		RETURNING id`, m.ConnectionID, m.ItemCode, m.OptionCode, m.SKU).Scan(&m.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrUnknownSKU
	}
	return unknownConnection(err)
}

// DeleteProductMapping removes one mapping.
func (s *Store) DeleteProductMapping(ctx context.Context, id int64) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM product_mappings WHERE id = $1`, id)
	return err
}

// MappedSKU returns the SKU a channel item maps to, for order imports and
// stock pushes; ErrNotFound when unmapped.
func (s *Store) MappedSKU(ctx context.Context, connectionID int64, itemCode, optionCode string) (string, error) {
	var sku string
	err := s.db.GetContext(ctx, &sku, `
		SELECT p.sku FROM product_mappings m JOIN products p ON p.id = m.product_id
		WHERE m.connection_id = $1 AND m.item_code = $2 AND m.option_code = $3`, connectionID, itemCode, optionCode)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	return sku, err
}

// RecordChannelItems remembers items a channel showed us (order lines,
// product imports) so unmapped ones can be listed.
func (s *Store) RecordChannelItems(ctx context.Context, items []domain.ChannelItem) error {
	if len(items) == 0 {
		return nil
	}
	conn := make(pq.Int64Array, len(items))
	item, opt, name := make(pq.StringArray, len(items)), make(pq.StringArray, len(items)), make(pq.StringArray, len(items))
	for i, it := range items {
		conn[i], item[i], opt[i], name[i] = it.ConnectionID, it.ItemCode, it.OptionCode, it.Name
	}
	_, err := s.db.ExecContext(ctx, `
		INSERT INTO channel_items (connection_id, item_code, option_code, name)
		SELECT DISTINCT ON (c, i, o) c, i, o, n FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS u (c, i, o, n)
		ON CONFLICT (connection_id, item_code, option_code)
		DO UPDATE SET name = CASE WHEN excluded.name = '' THEN channel_items.name ELSE excluded.name END, last_seen_at = now()`,
		conn, item, opt, name)
	if err != nil {
		return fmt.Errorf("record channel items: %w", err)
	}
	return nil
}

// UnmappedChannelItems lists channel items without a mapping, newest first.
func (s *Store) UnmappedChannelItems(ctx context.Context, connectionID int64, limit int) ([]domain.ChannelItem, error) {
	var items []domain.ChannelItem
	err := s.db.SelectContext(ctx, &items, `
		SELECT c.connection_id, c.item_code, c.option_code, c.name FROM channel_items c
		WHERE ($1::bigint = 0 OR c.connection_id = $1) AND NOT EXISTS (
			SELECT 1 FROM product_mappings m WHERE m.connection_id = c.connection_id
			  AND m.item_code = c.item_code AND m.option_code = c.option_code)
		ORDER BY c.last_seen_at DESC, c.item_code, c.option_code LIMIT $2`, connectionID, limit)
	return items, err
}

// ChannelLookup maps channel names and ids (as text) to connection ids,
// for the 販売チャネル column of mapping uploads.
func ChannelLookup(cs []domain.Connection) map[string]int64 {
	m := make(map[string]int64, 2*len(cs))
	for _, c := range cs {
		m[c.ChannelName] = c.ID
		m[strconv.FormatInt(c.ID, 10)] = c.ID
	}
	return m
}

// PreviewMappingUpload validates a 対応表 file, compares it with the current
// mappings and stages it. defaultChannel applies to rows without a channel.
func (s *Store) PreviewMappingUpload(ctx context.Context, meta Upload, t *upload.Table, channels map[string]int64, defaultChannel int64) (*Upload, error) {
	known, err := s.ProductsBySKU(ctx, upload.SKUs(t))
	if err != nil {
		return nil, err
	}
	rows, rowErrs, err := upload.ParseMappings(t, channels, defaultChannel, func(sku string) bool { _, ok := known[sku]; return ok })
	if err != nil {
		return nil, err
	}
	existing, err := s.currentMappings(ctx, rows)
	if err != nil {
		return nil, err
	}
	statuses, counts := upload.ClassifyMappings(rows, existing)
	counts.Invalid = upload.InvalidLines(rowErrs)
	meta.Kind, meta.Encoding, meta.Counts = UploadMappings, t.Encoding, counts
	err = s.withMasterTx(ctx, func(tx *sqlx.Tx) error {
		if err := insertUpload(ctx, tx, &meta); err != nil {
			return err
		}
		for lo := 0; lo < len(rows); lo += stageChunk {
			hi := min(lo+stageChunk, len(rows))
			n := hi - lo
			lines, conn := make(pq.Int64Array, n), make(pq.Int64Array, n)
			st, item, opt, sku := make(pq.StringArray, n), make(pq.StringArray, n), make(pq.StringArray, n), make(pq.StringArray, n)
			for i, r := range rows[lo:hi] {
				lines[i], conn[i], st[i], item[i], opt[i], sku[i] = int64(r.Line), r.ConnectionID, string(statuses[lo+i]), r.ItemCode, r.OptionCode, r.SKU
			}
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO mapping_upload_rows (upload_id, line, connection_id, status, item_code, option_code, sku)
				SELECT $1, * FROM unnest($2::int[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[])`,
				meta.ID, lines, conn, st, item, opt, sku); err != nil {
				if errors.Is(unknownConnection(err), ErrUnknownConnection) {
					return ErrUnknownConnection
				}
				return fmt.Errorf("stage mapping rows: %w", err)
			}
		}
		return insertUploadErrors(ctx, tx, meta.ID, rowErrs)
	})
	if err != nil {
		return nil, err
	}
	return &meta, nil
}

func (s *Store) currentMappings(ctx context.Context, rows []upload.MappingRow) (map[string]string, error) {
	conn := make(pq.Int64Array, len(rows))
	item, opt := make(pq.StringArray, len(rows)), make(pq.StringArray, len(rows))
	for i, r := range rows {
		conn[i], item[i], opt[i] = r.ConnectionID, r.ItemCode, r.OptionCode
	}
	var found []domain.ProductMapping
	err := s.db.SelectContext(ctx, &found, mappingSelect+`
		JOIN unnest($1::bigint[], $2::text[], $3::text[]) AS u (c, i, o)
		  ON m.connection_id = u.c AND m.item_code = u.i AND m.option_code = u.o`, conn, item, opt)
	if err != nil {
		return nil, fmt.Errorf("current mappings: %w", err)
	}
	out := make(map[string]string, len(found))
	for _, m := range found {
		out[m.Key()] = m.SKU
	}
	return out, nil
}

// StagedMapping is a preview row.
type StagedMapping struct {
	Line         int           `db:"line"`
	Status       upload.Status `db:"status"`
	ConnectionID int64         `db:"connection_id"`
	ItemCode     string        `db:"item_code"`
	OptionCode   string        `db:"option_code"`
	SKU          string        `db:"sku"`
}

// StagedMappings returns up to limit new and changed rows of an upload.
func (s *Store) StagedMappings(ctx context.Context, id int64, limit int) ([]StagedMapping, error) {
	var rows []StagedMapping
	err := s.db.SelectContext(ctx, &rows, `
		SELECT line, status, connection_id, item_code, option_code, sku FROM mapping_upload_rows
		WHERE upload_id = $1 AND status <> 'unchanged' ORDER BY line LIMIT $2`, id, limit)
	return rows, err
}

// ApplyMappingUpload writes a staged 対応表 upload in one transaction. A SKU
// deleted since the preview fails the whole apply rather than dropping rows.
func (s *Store) ApplyMappingUpload(ctx context.Context, id int64) (int64, error) {
	var applied int64
	err := s.withMasterTx(ctx, func(tx *sqlx.Tx) error {
		var u Upload
		if err := tx.GetContext(ctx, &u, `SELECT * FROM master_uploads WHERE id = $1 AND kind = 'mappings' FOR UPDATE`, id); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			}
			return err
		}
		if u.AppliedAt != nil || u.Invalid > 0 {
			return ErrUploadNotApplicable
		}
		var missing int
		if err := tx.GetContext(ctx, &missing, `
			SELECT count(*) FROM mapping_upload_rows r LEFT JOIN products p ON p.sku = r.sku
			WHERE r.upload_id = $1 AND p.id IS NULL`, id); err != nil {
			return err
		}
		if missing > 0 {
			return ErrUnknownSKU
		}
		res, err := tx.ExecContext(ctx, `
			INSERT INTO product_mappings AS m (connection_id, item_code, option_code, product_id)
			SELECT r.connection_id, r.item_code, r.option_code, p.id
			FROM mapping_upload_rows r JOIN products p ON p.sku = r.sku
			WHERE r.upload_id = $1 AND r.status <> 'unchanged'
			ON CONFLICT (connection_id, item_code, option_code) DO UPDATE
			SET product_id = excluded.product_id, updated_at = now()
			WHERE m.product_id <> excluded.product_id`, id)
		if err != nil {
			return fmt.Errorf("apply mapping upload %d: %w", id, err)
		}
		applied, _ = res.RowsAffected()
		_, err = tx.ExecContext(ctx, `UPDATE master_uploads SET applied_at = now() WHERE id = $1`, id)
		return err
	})
	return applied, err
}

// AllProductMappings streams every mapping, for exports.
func (s *Store) AllProductMappings(ctx context.Context, fn func(domain.ProductMapping) error) error {
	rows, err := s.db.QueryxContext(ctx, mappingSelect+` ORDER BY m.connection_id, m.item_code, m.option_code`)
	if err != nil {
		return fmt.Errorf("export mappings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m domain.ProductMapping
		if err := rows.StructScan(&m); err != nil {
			return err
		}
		if err := fn(m); err != nil {
			return err
		}
	}
	return rows.Err()
}
