package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/renkei-oss/renkei/handlers/handlertest"
	"github.com/renkei-oss/renkei/views"
)

// The menu shows every entry of the documents in Japanese; entries whose
// page exists are links that work, the others are greyed out, never links.
func TestNavigation(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	res := app.Get(t, app.Admin, "/")
	res.WantStatus(t, http.StatusOK)
	nav := res.Doc.Find("nav.nav")
	if nav.Length() != 1 {
		t.Fatal("no navigation on the dashboard")
	}
	text := nav.Text()
	for _, label := range []string{
		"ダッシュボード", "出荷指示", "出荷リスト", "出荷指示取込", "在庫", "商品", "商品マスタ",
		"商品マスタアップロード", "外部商品対応表", "ロボット", "変換ロボット", "処理ロボット", "連携ロボット",
		"設定", "API接続設定", "発送元", "配送サービスマスタ", "支払方法マスタ", "ユーザー", "APIログ",
	} {
		if !strings.Contains(text, label) {
			t.Errorf("menu lacks %s", label)
		}
	}
	if cur := nav.Find(`a[aria-current="page"]`).Text(); cur != "ダッシュボード" {
		t.Errorf("current entry = %q, want ダッシュボード", cur)
	}

	var entries []views.NavItem
	for _, it := range views.Nav {
		if len(it.Children) == 0 {
			entries = append(entries, it)
		}
		entries = append(entries, it.Children...)
	}
	for _, it := range entries {
		link := nav.Find(`a[href="` + it.Path + `"]`)
		if !it.Ready {
			if link.Length() != 0 {
				t.Errorf("%s is not ready but is a link", it.Label)
			}
			off := nav.Find(".nav-off").FilterFunction(func(_ int, s *goquery.Selection) bool { return s.Text() == it.Label })
			if off.Length() != 1 {
				t.Errorf("%s is not shown greyed out", it.Label)
			}
			continue
		}
		if link.Length() != 1 || strings.TrimSpace(link.Text()) != it.Label {
			t.Errorf("%s: want one link to %s", it.Label, it.Path)
			continue
		}
		// No dead links: every ready entry opens for an admin.
		app.Get(t, app.Admin, it.Path).WantStatus(t, http.StatusOK)
	}

	// Operators do not see admin-only entries.
	opNav := app.Get(t, app.Operator, "/").Doc.Find("nav.nav")
	for _, it := range entries {
		if it.AdminOnly && strings.Contains(opNav.Text(), it.Label) {
			t.Errorf("operator sees admin-only entry %s", it.Label)
		}
	}
}
