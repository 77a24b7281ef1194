package views

import "strings"

// NavItem is one entry of the main menu. An entry whose page does not exist
// yet has Ready false and is shown greyed out, never as a dead link: flip it
// to true in the same change that adds the page.
type NavItem struct {
	Label     string
	Path      string // empty for a group heading
	Ready     bool
	AdminOnly bool // hidden from operators
	Children  []NavItem
}

// Nav is the menu, in the order of the documents.
var Nav = []NavItem{
	{Label: "ダッシュボード", Path: "/", Ready: true},
	{Label: "出荷指示", Children: []NavItem{
		{Label: "出荷リスト", Path: "/ship-orders", Ready: true},
		{Label: "出荷指示取込", Path: "/ship-orders/import", Ready: true},
		{Label: "問番アップロード", Path: "/shipping/tracking-upload", Ready: true},
	}},
	{Label: "在庫", Children: []NavItem{
		{Label: "在庫一覧", Path: "/stock", Ready: true},
		{Label: "在庫アップロード", Path: "/stock/upload", Ready: true},
	}},
	{Label: "商品", Children: []NavItem{
		{Label: "商品マスタ", Path: "/products", Ready: true},
		{Label: "商品マスタアップロード", Path: "/products/upload", Ready: true},
		{Label: "外部商品対応表", Path: "/product-mappings", Ready: true},
	}},
	{Label: "ロボット", Children: []NavItem{
		{Label: "変換ロボット", Path: "/import-mappings", Ready: true},
		{Label: "処理ロボット", Path: "/rules", Ready: true},
		{Label: "連携ロボット", Path: "/sync-jobs", Ready: true},
	}},
	{Label: "設定", Children: []NavItem{
		{Label: "API接続設定", Path: "/settings/connections", Ready: true},
		{Label: "発送元", Path: "/settings/ship-froms", Ready: true},
		{Label: "配送サービスマスタ", Path: "/settings/delivery-services", Ready: true},
		{Label: "支払方法マスタ", Path: "/settings/payment-methods", Ready: true},
		{Label: "ユーザー", Path: "/settings/users", Ready: true, AdminOnly: true},
	}},
	{Label: "APIログ", Path: "/api-logs", Ready: true},
}

// visibleNav is the menu as a user with the given rights sees it.
func visibleNav(admin bool) []NavItem {
	var out []NavItem
	for _, it := range Nav {
		if it.AdminOnly && !admin {
			continue
		}
		if len(it.Children) > 0 {
			c := it
			c.Children = nil
			for _, ch := range it.Children {
				if !ch.AdminOnly || admin {
					c.Children = append(c.Children, ch)
				}
			}
			if len(c.Children) == 0 {
				continue
			}
			it = c
		}
		out = append(out, it)
	}
	return out
}

// isCurrent reports whether the menu entry path is the page at current, or
// a page under it ("/products/12" is under "/products").
func isCurrent(path, current string) bool {
	if path == "/" {
		return current == "/"
	}
	return current == path || strings.HasPrefix(current, path+"/")
}
