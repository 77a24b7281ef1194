package domain

// The standard robot set per marketplace (かんたん設定), from the seeds:
// each help page lists the actions its marketplace links automatically.

// SyncJobPreset is one robot of a marketplace's standard set.
type SyncJobPreset struct {
	Action  ActionName
	Trigger Trigger
}

// Name is the robot's name in the set, as the seeds write it
// (「【自動連携】futureshop 出荷指示取得(差分)」).
func (p SyncJobPreset) Name(m Marketplace) string {
	return "【自動連携】" + m.Label() + " " + p.Action.Label()
}

// Standard triggers: imports often, results a few times a working day.
var (
	presetImport   = SyncJobPreset{ActionOrderImport, Trigger{Kind: TriggerInterval, IntervalMinutes: 15}}
	presetStatus   = SyncJobPreset{ActionStatusSync, Trigger{Kind: TriggerInterval, IntervalMinutes: 30}}
	presetShipment = SyncJobPreset{ActionShipmentResult, Trigger{Kind: TriggerDaily, TimesOfDay: []string{"12:00", "15:00", "18:00"}}}
	presetStock    = SyncJobPreset{ActionStockPush, Trigger{Kind: TriggerInterval, IntervalMinutes: 30}}
	// Shopserve confirms what was just imported (SPEC §6).
	presetConfirm = SyncJobPreset{ActionConfirm, Trigger{Kind: TriggerAfter, AfterAction: ActionOrderImport}}
	// Orders move to the completed folder once their result went back (SPEC §9).
	presetComplete = SyncJobPreset{ActionTransactionComplete, Trigger{Kind: TriggerAfter, AfterAction: ActionShipmentResult}}
	// Amazon processes feeds asynchronously: poll for their reports.
	presetFeeds = SyncJobPreset{ActionFeedResults, Trigger{Kind: TriggerInterval, IntervalMinutes: 30}}
)

// SyncJobPresets returns the standard set of m, in the order the seed lists
// the actions.
func SyncJobPresets(m Marketplace) []SyncJobPreset {
	switch m {
	case MarketplaceRakuten:
		// rakuten-logiec: 出荷指示 and 在庫 by 時間による自動連携; the
		// shipment result goes back through updOrdShipAsync.
		return []SyncJobPreset{presetImport, presetShipment, presetStock}
	case MarketplaceAmazon:
		return []SyncJobPreset{presetImport, presetStatus, presetShipment, presetStock, presetFeeds}
	case MarketplaceFutureshop:
		return []SyncJobPreset{presetImport, presetStatus, presetShipment, presetStock}
	case MarketplaceShopserve:
		return []SyncJobPreset{presetImport, presetConfirm, presetStatus, presetShipment, presetComplete, presetStock}
	case MarketplaceInterpark:
		// Interpark: new orders become 発送対象 on import; tracking numbers
		// go back when the label is printed (shipment result).
		return []SyncJobPreset{presetImport, presetShipment, presetStock}
	}
	return nil
}

// ConnectionOptionActions maps the connection options (API接続設定) to the
// robots they switch: 自動注文連動 the order import, 自動注文確認 the
// confirm, 自動出荷指示 the shipment result, 自動在庫連携 the stock push.
func ConnectionOptionActions(c Connection) map[ActionName]bool {
	return map[ActionName]bool{
		ActionOrderImport:    c.AutoImport,
		ActionConfirm:        c.AutoConfirm,
		ActionShipmentResult: c.AutoShipInstruction,
		ActionStockPush:      c.AutoStockSync,
	}
}

// ChangedOptionActions returns the actions whose option changed from old to
// new, with the new value. Only a change switches robots, so a robot an
// admin switched on by hand stays on when an unrelated field is saved.
func ChangedOptionActions(old, new Connection) map[ActionName]bool {
	before, after := ConnectionOptionActions(old), ConnectionOptionActions(new)
	out := map[ActionName]bool{}
	for a, on := range after {
		if before[a] != on {
			out[a] = on
		}
	}
	return out
}
