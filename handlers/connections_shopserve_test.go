package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/handlers"
	"github.com/renkei-oss/renkei/handlers/handlertest"
	"github.com/renkei-oss/renkei/marketplace/sandbox"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
	"github.com/renkei-oss/renkei/marketplace/sandbox/shopservesim"
	"github.com/renkei-oss/renkei/marketplace/shopserve"
)

// withShopserveSandbox mounts the ShopServe simulator alone. Its weekly
// maintenance is switched off: the sandbox follows real time, and the
// test must not depend on the weekday it runs (maintenance is injected).
func withShopserveSandbox(sb **sandbox.Server) handlertest.Option {
	return func(d *handlers.Deps) {
		s := sandbox.New(sandbox.Options{RateLimitsOff: true, Simulators: []sandbox.Factory{
			func(env kit.Env) sandbox.Simulator {
				sim := shopservesim.New(env)
				sim.SetMaintenance(nil)
				return sim
			},
		}})
		*sb = s
		d.Sandbox = s
	}
}

func shopserveForm(shipFrom int64, baseURL, storeID, key string) url.Values {
	return url.Values{
		"marketplace":                   {"shopserve"},
		domain.ConnFieldChannelName:     {"ショップサーブ 本店"},
		domain.ConnFieldBaseURL:         {baseURL},
		domain.ConnFieldShipFrom:        {strconv.FormatInt(shipFrom, 10)},
		domain.FieldShopserveStoreID:    {storeID},
		domain.FieldShopserveManagerKey: {key},
	}
}

func TestShopserveConnectionTestAgainstSandbox(t *testing.T) {
	t.Parallel()
	var sb *sandbox.Server
	app := handlertest.New(t, withShopserveSandbox(&sb))
	sf := createShipFrom(t, app, "本社倉庫")
	base := app.URL + "/sandbox/shopserve/v2"
	demo, ok := sb.Simulator("shopserve").(*shopservesim.Sim).ShopCreds(shopservesim.DemoStoreID)
	if !ok {
		t.Fatal("ShopServe simulator has no demo store")
	}

	// A re-issued (old) manager key: refused as a credential problem.
	id := createdID(t, app.PostForm(t, app.Admin, "/settings/connections", shopserveForm(sf, base, demo.StoreID, demo.OldManagerKey)))
	got := pressTest(t, app, id)
	if !strings.HasPrefix(got, "接続に失敗しました（コード: unauthorized）") || !strings.Contains(got, "キーまたはトークンが正しくありません") ||
		!strings.Contains(got, "ショップIDとAPIキー") {
		t.Errorf("old key = %q", got)
	}

	// The demo key: success, naming the store; the key never expires.
	form := shopserveForm(sf, base, demo.StoreID, demo.ManagerKey)
	form.Del("marketplace")
	app.PostForm(t, app.Admin, "/settings/connections/"+id, form).WantRedirect(t, "/settings/connections/"+id)
	if got = pressTest(t, app, id); !strings.HasPrefix(got, "接続に成功しました") || !strings.Contains(got, demo.StoreID) || strings.Contains(got, "有効期限") {
		t.Errorf("demo credentials = %q", got)
	}

	// Maintenance: the seed's sentence, not a credential problem.
	sb.SetFault("shopserve", demo.StoreID, kit.Fault{Kind: kit.FaultMaintenance, Times: 1})
	if got = pressTest(t, app, id); !strings.Contains(got, "メンテナンス中") || !strings.Contains(got, shopserve.MaintenanceMessage) {
		t.Errorf("maintenance = %q", got)
	}

	// Every call is logged, the maintenance one with the seed's sentence,
	// and the manager key appears nowhere.
	logs := app.Get(t, app.Operator, "/api-logs?action=connection_test&connection="+id)
	logs.WantStatus(t, http.StatusOK)
	rows := logs.Doc.Find(".api-log-row")
	if rows.Length() < 3 || !strings.Contains(rows.Text(), "unauthorized") || !strings.Contains(rows.Text(), shopserve.MaintenanceMessage) {
		t.Errorf("API log rows = %d: %q", rows.Length(), rows.Text())
	}
	for i := range rows.Length() {
		href, _ := rows.Eq(i).Find("a").First().Attr("href")
		detail := app.Get(t, app.Operator, href)
		detail.WantStatus(t, http.StatusOK)
		if strings.Contains(detail.Body, demo.ManagerKey) || strings.Contains(detail.Body, demo.OldManagerKey) {
			t.Fatal("the API log detail shows a manager key")
		}
	}
	assertNoPlaintext(t, app.DB, []string{demo.ManagerKey, demo.OldManagerKey})
}
