package jobtest_test

import (
	"testing"

	"github.com/renkei-oss/renkei/jobs/jobtest"
	"github.com/renkei-oss/renkei/marketplace/registry"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
)

// TestEveryRegisteredMarketplaceIsCovered: the suites run for every
// marketplace of the registry, so a new one fails here until it has a
// simulator and a test shop.
func TestEveryRegisteredMarketplaceIsCovered(t *testing.T) {
	entries := registry.Entries()
	if len(jobtest.Marketplaces) != len(entries) {
		t.Fatalf("%d marketplaces in the suites, %d registered", len(jobtest.Marketplaces), len(entries))
	}
	for i, e := range entries {
		m := jobtest.Marketplaces[i]
		if m.Marketplace != e.Marketplace {
			t.Fatalf("suite %d is %s, registry has %s", i, m.Marketplace, e.Marketplace)
		}
		if sim := m.Simulator(kit.Env{Clock: kit.NewFrozenClock(jobtest.T0)}); sim.Name() != string(e.Marketplace) {
			t.Errorf("%s: simulator %q", e.Marketplace, sim.Name())
		}
		if m.OpenShop == nil || len(m.Deliveries) == 0 || len(m.Payments) == 0 {
			t.Errorf("%s: incomplete suite entry", e.Marketplace)
		}
	}
}
