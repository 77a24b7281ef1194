package orderimport

import (
	"context"
	"fmt"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
)

// ReevalResult says what a re-evaluation did.
type ReevalResult struct {
	Released     int // held orders whose cause is fixed
	StillHeld    int
	Imported     int // skipped orders now imported
	StillSkipped int
}

// reevalBatch bounds one pass; operators re-run it for more.
const reevalBatch = 1000

// Reevaluate looks again at what the import held or skipped for a
// connection, once an operator has fixed the cause (added a mapping, a
// product): held orders are converted and ruled afresh through the robot
// the connection uses now, skipped orders go through the import again.
// Holds made by a user are left alone.
func (r *Runner) Reevaluate(ctx context.Context, conn domain.Connection, actor string) (ReevalResult, error) {
	var res ReevalResult
	st, err := r.setup(ctx, conn, 0)
	if err != nil {
		return res, err
	}
	held, err := r.Store.ImportHeldOrders(ctx, conn.ID, reevalBatch)
	if err != nil {
		return res, err
	}
	env, err := r.Store.RuleEnvFor(ctx, held, false)
	if err != nil {
		return res, err
	}
	for i := range held {
		o := &held[i]
		// Re-evaluation is a re-import now: through the robot the
		// connection uses today, with its rules.
		o.ImportMappingID = st.mapping.ID
		before := o.HoldReason
		o.ResetImportHold()
		o.Effects = nil
		domain.Resolve(o, "", st.mapping, st.masters)
		domain.ApplyRules(o, st.rules, env)
		if o.HoldReason == before && o.Status == domain.StatusHold {
			res.StillHeld++
			continue
		}
		evs := []domain.ShipOrderEvent{{ShipOrderID: o.ID, At: r.now(), Actor: actor, Kind: domain.EventReleased,
			Message: fmt.Sprintf("再評価で保留を解除しました（理由だったもの: %s）", before)}}
		if o.Status == domain.StatusHold && o.HoldReason != "" {
			evs[0].Kind, evs[0].Message = domain.EventHeld, "再評価後も保留: "+o.HoldReason
			res.StillHeld++
		} else {
			res.Released++
		}
		for _, e := range o.Effects {
			evs = append(evs, domain.ShipOrderEvent{ShipOrderID: o.ID, At: r.now(), Actor: "処理ロボット「" + e.RuleName + "」", Kind: domain.EventRule, Message: e.Action})
		}
		cur, err := r.Store.ShipOrder(ctx, o.ID)
		if err != nil {
			return res, err
		}
		o.Effects = append(cur.Effects, o.Effects...)
		if err := r.Store.SaveShipOrder(ctx, o, false, evs); err != nil {
			return res, err
		}
	}

	skips, err := r.Store.SkippedOrders(ctx, conn.ID, reevalBatch)
	if err != nil {
		return res, err
	}
	if len(skips) == 0 {
		return res, nil
	}
	ins := make([]domain.IncomingOrder, len(skips))
	for i, sk := range skips {
		ins[i] = sk.Order
	}
	var c domain.ImportCounts
	err = r.Store.InImportTx(ctx, func(tx *store.ImportTx) error {
		c, err = r.apply(ctx, tx, st, ins)
		return err
	})
	if err != nil {
		return res, err
	}
	res.Imported = c.Created + c.Updated + c.Unshipped
	res.StillSkipped = c.Skipped
	return res, nil
}
