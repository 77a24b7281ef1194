package domain

import "testing"

// Every marketplace's standard set is valid as robots, without a chain loop,
// one robot per action, named as the seeds name them.
func TestSyncJobPresets(t *testing.T) {
	for _, m := range Marketplaces {
		ps := SyncJobPresets(m)
		if len(ps) == 0 || ps[0].Action != ActionOrderImport {
			t.Errorf("%s: set %v does not start with the order import", m, ps)
		}
		var jobs []SyncJob
		seen := map[ActionName]bool{}
		for _, p := range ps {
			if seen[p.Action] {
				t.Errorf("%s: %s twice", m, p.Action)
			}
			seen[p.Action] = true
			j := SyncJob{Name: p.Name(m), ConnectionID: 1, Action: p.Action, Trigger: p.Trigger}
			if errs := j.Validate(); len(errs) > 0 {
				t.Errorf("%s %s: %v", m, p.Action, errs)
			}
			jobs = append(jobs, j)
		}
		if msg := ChainCycle(jobs); msg != "" {
			t.Errorf("%s: %s", m, msg)
		}
	}
	if got := SyncJobPresets(MarketplaceFutureshop)[0].Name(MarketplaceFutureshop); got != "【自動連携】futureshop 出荷指示取得(差分)" {
		t.Errorf("name %q", got)
	}
	if !containsAction(SyncJobPresets(MarketplaceShopserve), ActionConfirm) || containsAction(SyncJobPresets(MarketplaceRakuten), ActionConfirm) {
		t.Error("確認ステータス更新 belongs to Shopserve's set only")
	}
	if !containsAction(SyncJobPresets(MarketplaceAmazon), ActionFeedResults) {
		t.Error("Amazon's set lacks フィード送信結果取得")
	}
}

func containsAction(ps []SyncJobPreset, a ActionName) bool {
	for _, p := range ps {
		if p.Action == a {
			return true
		}
	}
	return false
}

func TestChangedOptionActions(t *testing.T) {
	cases := []struct {
		name     string
		old, new Connection
		want     map[ActionName]bool
	}{
		{"nothing changed", Connection{AutoImport: true}, Connection{AutoImport: true}, map[ActionName]bool{}},
		{"import on", Connection{}, Connection{AutoImport: true}, map[ActionName]bool{ActionOrderImport: true}},
		{"stock off, confirm on", Connection{AutoStockSync: true}, Connection{AutoConfirm: true},
			map[ActionName]bool{ActionStockPush: false, ActionConfirm: true}},
		{"shipment on", Connection{}, Connection{AutoShipInstruction: true}, map[ActionName]bool{ActionShipmentResult: true}},
	}
	for _, c := range cases {
		got := ChangedOptionActions(c.old, c.new)
		if len(got) != len(c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
			continue
		}
		for a, on := range c.want {
			if v, ok := got[a]; !ok || v != on {
				t.Errorf("%s: %v, want %v", c.name, got, c.want)
			}
		}
	}
}
