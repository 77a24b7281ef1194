package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/renkei-oss/renkei/handlers"
	"github.com/renkei-oss/renkei/handlers/handlertest"
	"github.com/renkei-oss/renkei/marketplace/sandbox"
	"github.com/renkei-oss/renkei/marketplace/sandbox/interparksim"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
)

// withInterparkSandbox mounts the Interpark simulator alone.
func withInterparkSandbox(sb **sandbox.Server) handlertest.Option {
	return func(d *handlers.Deps) {
		s := sandbox.New(sandbox.Options{RateLimitsOff: true, Simulators: []sandbox.Factory{
			func(env kit.Env) sandbox.Simulator { return interparksim.New(env) },
		}})
		*sb = s
		d.Sandbox = s
	}
}

func interparkForm(shipFrom int64, baseURL, shopID, companyNo, contractNo string) url.Values {
	return url.Values{
		"marketplace": {"interpark"}, "channel_name": {"Interpark 本店"}, "base_url": {baseURL},
		"ship_from_id": {strconv.FormatInt(shipFrom, 10)}, "shop_id": {shopID}, "company_no": {companyNo},
		"supply_contract_no": {contractNo}, "enabled": {"on"},
	}
}

// 接続テスト of an Interpark connection against the mounted sandbox:
// success with the demo seller, then the simulator's 인증 실패 for a
// wrong company number, each call in the API log.
func TestInterparkConnectionTestAgainstSandbox(t *testing.T) {
	t.Parallel()
	var sb *sandbox.Server
	app := handlertest.New(t, withInterparkSandbox(&sb))
	sf := createShipFrom(t, app, "本社倉庫")
	base := app.URL + "/sandbox/interpark"

	id := createdID(t, app.PostForm(t, app.Admin, "/settings/connections",
		interparkForm(sf, base, interparksim.DemoShopID, interparksim.DemoCompanyNo, interparksim.DemoContractNo)))
	if got := pressTest(t, app, id); !strings.HasPrefix(got, "接続に成功しました") || !strings.Contains(got, "orderListDelvForSingle") {
		t.Fatalf("Interpark demo seller = %q", got)
	}
	if n := sb.Simulator("interpark").(*interparksim.Sim).Acknowledged(interparksim.DemoShopID); n != 0 {
		t.Fatalf("接続テスト acknowledged %d orders on Interpark", n)
	}

	form := interparkForm(sf, base, interparksim.DemoShopID, "3000099999", interparksim.DemoContractNo)
	form.Del("marketplace")
	app.PostForm(t, app.Admin, "/settings/connections/"+id, form).WantRedirect(t, "/settings/connections/"+id)
	got := pressTest(t, app, id)
	if !strings.HasPrefix(got, "接続に失敗しました（コード: 999）") || !strings.Contains(got, "Interparkの認証に失敗しました") ||
		!strings.Contains(got, "ショップID・会社番号・供給契約番号") {
		t.Fatalf("wrong company number = %q", got)
	}

	logs := app.Get(t, app.Operator, "/api-logs?action=connection_test&connection="+id)
	logs.WantStatus(t, http.StatusOK)
	if n := logs.Doc.Find(".api-log-row").Length(); n != 2 {
		t.Fatalf("API log rows for the two tests = %d\n%s", n, logs.Text("#api-logs"))
	}
	if rows := app.Get(t, app.Operator, "/api-logs?result=error&connection="+id).Text("#api-logs"); !strings.Contains(rows, "999") {
		t.Fatalf("error row lacks code 999: %q", rows)
	}
}
