package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/renkei-oss/renkei/domain"
)

// ErrStandardRule: a standard rule cannot be deleted nor its logic edited.
var ErrStandardRule = errors.New("store: standard rule")

type ruleRow struct {
	ID         int64         `db:"id"`
	Name       string        `db:"name"`
	Standard   string        `db:"standard"`
	Enabled    bool          `db:"enabled"`
	Position   int           `db:"position"`
	StopAfter  bool          `db:"stop_after"`
	Conditions []byte        `db:"conditions"`
	Action     []byte        `db:"action"`
	MappingIDs pq.Int64Array `db:"mapping_ids"`
	CreatedAt  time.Time     `db:"created_at"`
	UpdatedAt  time.Time     `db:"updated_at"`
}

func (r ruleRow) rule() (domain.Rule, error) {
	out := domain.Rule{
		ID: r.ID, Name: r.Name, Standard: domain.StandardRule(r.Standard), Enabled: r.Enabled, Position: r.Position,
		StopAfter: r.StopAfter, MappingIDs: []int64(r.MappingIDs), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
	if err := json.Unmarshal(r.Conditions, &out.Conditions); err != nil {
		return out, fmt.Errorf("store: rule %d conditions: %w", r.ID, err)
	}
	if err := json.Unmarshal(r.Action, &out.Action); err != nil {
		return out, fmt.Errorf("store: rule %d action: %w", r.ID, err)
	}
	return out, nil
}

const ruleSelect = `
	SELECT r.id, r.name, r.standard, r.enabled, r.position, r.stop_after, r.conditions, r.action,
	       COALESCE(array_agg(rm.import_mapping_id ORDER BY rm.import_mapping_id) FILTER (WHERE rm.import_mapping_id IS NOT NULL), '{}') AS mapping_ids,
	       r.created_at, r.updated_at
	FROM rules r LEFT JOIN rule_mappings rm ON rm.rule_id = r.id`

func selectRules(ctx context.Context, q sqlx.QueryerContext, where string, args ...any) ([]domain.Rule, error) {
	var rows []ruleRow
	if err := sqlx.SelectContext(ctx, q, &rows, ruleSelect+` WHERE `+where+` GROUP BY r.id ORDER BY r.position, r.id`, args...); err != nil {
		return nil, fmt.Errorf("store: rules: %w", err)
	}
	out := make([]domain.Rule, 0, len(rows))
	for _, r := range rows {
		rule, err := r.rule()
		if err != nil {
			return nil, err
		}
		out = append(out, rule)
	}
	return out, nil
}

// Rules lists every 処理ロボット in the order they are applied.
func (s *Store) Rules(ctx context.Context) ([]domain.Rule, error) {
	return selectRules(ctx, s.db, "TRUE")
}

// RulesForMapping lists the enabled rules applied to conversion robot mappingID.
func (s *Store) RulesForMapping(ctx context.Context, mappingID int64) ([]domain.Rule, error) {
	return selectRules(ctx, s.db, `r.enabled AND EXISTS (SELECT 1 FROM rule_mappings x WHERE x.rule_id = r.id AND x.import_mapping_id = $1)`, mappingID)
}

// Rule returns one rule.
func (s *Store) Rule(ctx context.Context, id int64) (domain.Rule, error) {
	rs, err := selectRules(ctx, s.db, "r.id = $1", id)
	if err != nil {
		return domain.Rule{}, err
	}
	if len(rs) == 0 {
		return domain.Rule{}, ErrNotFound
	}
	return rs[0], nil
}

// SaveRule inserts (ID 0) or updates a rule with the robots it is applied
// to. A standard rule keeps its logic: only its name, enabled flag,
// position, stop-after and robots change.
func (s *Store) SaveRule(ctx context.Context, r *domain.Rule) error {
	conds := mustJSON(r.Conditions)
	if r.Conditions == nil {
		conds = "[]"
	}
	action := mustJSON(r.Action)
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		if r.ID == 0 {
			if r.Standard != "" {
				return ErrStandardRule
			}
			if r.Position == 0 {
				if err := tx.GetContext(ctx, &r.Position, `SELECT COALESCE(max(position), 0) + 10 FROM rules`); err != nil {
					return err
				}
			}
			if err := tx.QueryRowxContext(ctx, `
				INSERT INTO rules (name, enabled, position, stop_after, conditions, action)
				VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, created_at, updated_at`,
				r.Name, r.Enabled, r.Position, r.StopAfter, conds, action).Scan(&r.ID, &r.CreatedAt, &r.UpdatedAt); err != nil {
				return fmt.Errorf("store: insert rule: %w", err)
			}
		} else {
			res, err := tx.ExecContext(ctx, `
				UPDATE rules SET name = $2, enabled = $3, position = $4, stop_after = $5,
					conditions = CASE WHEN standard = '' THEN $6::jsonb ELSE conditions END,
					action = CASE WHEN standard = '' THEN $7::jsonb ELSE action END, updated_at = now()
				WHERE id = $1`, r.ID, r.Name, r.Enabled, r.Position, r.StopAfter, conds, action)
			if err != nil {
				return fmt.Errorf("store: update rule: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return ErrNotFound
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM rule_mappings WHERE rule_id = $1`, r.ID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO rule_mappings (rule_id, import_mapping_id) SELECT $1, unnest($2::bigint[])`,
			r.ID, pq.Array(r.MappingIDs))
		return err
	})
}

// DeleteRule removes a custom rule.
func (s *Store) DeleteRule(ctx context.Context, id int64) error {
	var standard sql.NullString
	if err := s.db.GetContext(ctx, &standard, `SELECT standard FROM rules WHERE id = $1`, id); errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	} else if err != nil {
		return err
	}
	if standard.String != "" {
		return ErrStandardRule
	}
	_, err := s.db.ExecContext(ctx, `DELETE FROM rules WHERE id = $1`, id)
	return err
}

// KnownSKUs reports which of skus are in the product master (enabled or not:
// a disabled product is known, the warehouse decides what to do with it).
func knownSKUs(ctx context.Context, q sqlx.QueryerContext, skus []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(skus) == 0 {
		return out, nil
	}
	var found []string
	if err := sqlx.SelectContext(ctx, q, &found, `SELECT sku FROM products WHERE sku = ANY($1)`, pq.Array(skus)); err != nil {
		return nil, fmt.Errorf("store: known skus: %w", err)
	}
	for _, s := range found {
		out[s] = true
	}
	return out, nil
}

// RuleEnvFor looks up what the standard rules need for orders: which of
// their SKUs exist and which order numbers another connection of the same
// marketplace already imported.
func (s *Store) RuleEnvFor(ctx context.Context, orders []domain.ShipOrder, atImport bool) (domain.RuleEnv, error) {
	return ruleEnv(ctx, s.db, orders, atImport)
}

func ruleEnv(ctx context.Context, q sqlx.QueryerContext, orders []domain.ShipOrder, atImport bool) (domain.RuleEnv, error) {
	env := domain.RuleEnv{AtImport: atImport, Duplicates: map[string]bool{}}
	seen := map[string]bool{}
	var skus []string
	byConn := map[int64][]string{}
	marketplaceOf := map[int64]domain.Marketplace{}
	for _, o := range orders {
		for _, sku := range o.SKUs() {
			if !seen[sku] {
				seen[sku] = true
				skus = append(skus, sku)
			}
		}
		byConn[o.ConnectionID] = append(byConn[o.ConnectionID], o.ChannelOrderNo)
		marketplaceOf[o.ConnectionID] = o.Marketplace
	}
	var err error
	if env.KnownSKUs, err = knownSKUs(ctx, q, skus); err != nil {
		return env, err
	}
	for conn, nos := range byConn {
		var dups []string
		// One probe of the order-number index per number, whatever the
		// statistics say (see ImportTx.Existing for why not "= ANY").
		if err := sqlx.SelectContext(ctx, q, &dups, `
			SELECT n.no FROM unnest($1::text[]) AS n(no), LATERAL (
				SELECT 1 FROM ship_orders o
				WHERE o.channel_order_no = n.no AND o.marketplace = $2 AND o.connection_id <> $3 LIMIT 1) d`,
			pq.Array(nos), string(marketplaceOf[conn]), conn); err != nil {
			return env, fmt.Errorf("store: duplicate order numbers: %w", err)
		}
		for _, d := range dups {
			env.Duplicates[d] = true
		}
	}
	return env, nil
}

// PreviewOrders are the current ship orders a rule's dry run looks at: the
// ones still before shipping (保留〜出荷待ち) that came in through the given
// conversion robots, newest first.
func (s *Store) PreviewOrders(ctx context.Context, mappingIDs []int64, limit int) ([]domain.ShipOrder, error) {
	return loadShipOrders(ctx, s.db, `o.status IN ('hold', 'awaiting_payment', 'ready') AND o.import_mapping_id = ANY($1)
		ORDER BY o.ordered_at DESC, o.id DESC LIMIT $2`, pq.Array(mappingIDs), limit)
}
