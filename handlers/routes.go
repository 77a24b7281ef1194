package handlers

import (
	"net/http"
	"strings"

	"github.com/renkei-oss/renkei/static"
)

// publicPaths are reachable without logging in; everything else needs a
// session. A path ending in "/" covers everything under it.
var publicPaths = []string{"/login", "/healthz", "/static/"}

func isPublic(path string) bool {
	for _, p := range publicPaths {
		if path == p || strings.HasSuffix(p, "/") && strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// routes is the route table. Pages are private (requireLogin wraps the whole
// mux); wrap admin-only ones in h.requireAdmin. Add a feature's routes as a
// block here, with the handlers in the feature's own file.
func (h *handler) routes(mux *http.ServeMux) {
	mux.Handle("GET /static/", static.Handler())
	mux.HandleFunc("GET /healthz", h.healthz)

	mux.HandleFunc("GET /login", h.loginForm)
	mux.HandleFunc("POST /login", h.login)
	mux.HandleFunc("POST /logout", h.logout)

	mux.HandleFunc("GET /{$}", h.dashboard)

	// 商品 and 設定 masters (masters_routes.go)
	h.masterRoutes(mux)

	// 設定 > ユーザー
	mux.Handle("GET /settings/users", h.requireAdmin(h.usersPage))
	mux.Handle("POST /settings/users", h.requireAdmin(h.addUser))
	mux.Handle("POST /settings/users/{id}/role", h.requireAdmin(h.setUserRole))
	mux.Handle("POST /settings/users/{id}/password", h.requireAdmin(h.resetUserPassword))
	mux.Handle("POST /settings/users/{id}/disable", h.requireAdmin(h.disableUser))
	mux.Handle("POST /settings/users/{id}/enable", h.requireAdmin(h.enableUser))

	// 設定 > API接続設定 (connections*.go); operators see them read-only.
	mux.HandleFunc("GET /settings/connections", h.connectionsPage)
	mux.Handle("GET /settings/connections/new", h.requireAdmin(h.newConnection))
	mux.Handle("POST /settings/connections", h.requireAdmin(h.createConnection))
	mux.Handle("GET /settings/connections/base-url", h.requireAdmin(h.connectionBaseURL))
	mux.HandleFunc("GET /settings/connections/{id}", h.connectionPage)
	mux.Handle("GET /settings/connections/{id}/edit", h.requireAdmin(h.editConnection))
	mux.Handle("POST /settings/connections/{id}", h.requireAdmin(h.updateConnection))
	mux.Handle("POST /settings/connections/{id}/enable", h.requireAdmin(h.enableConnection))
	mux.Handle("POST /settings/connections/{id}/disable", h.requireAdmin(h.disableConnection))
	mux.Handle("POST /settings/connections/{id}/delete", h.requireAdmin(h.deleteConnection))
	mux.Handle("POST /settings/connections/{id}/test", h.requireAdmin(h.testConnection))

	// 設定 > 発送元 (shipfroms.go)
	mux.HandleFunc("GET /settings/ship-froms", h.shipFromsPage)
	mux.Handle("GET /settings/ship-froms/new", h.requireAdmin(h.newShipFrom))
	mux.Handle("POST /settings/ship-froms", h.requireAdmin(h.createShipFrom))
	mux.Handle("GET /settings/ship-froms/{id}/edit", h.requireAdmin(h.editShipFrom))
	mux.Handle("POST /settings/ship-froms/{id}", h.requireAdmin(h.updateShipFrom))
	mux.Handle("POST /settings/ship-froms/{id}/delete", h.requireAdmin(h.deleteShipFrom))

	// 出荷指示取込 and 出荷リスト (shiporders*.go)
	mux.HandleFunc("GET /ship-orders", h.shipOrdersPage)
	mux.HandleFunc("POST /ship-orders/bulk", h.bulkShipOrders)
	mux.HandleFunc("POST /ship-orders/paper", h.printPaper)
	mux.HandleFunc("GET /ship-orders/import", h.importPage)
	mux.HandleFunc("POST /ship-orders/import", h.startImport)
	mux.HandleFunc("POST /ship-orders/import/reevaluate", h.reevaluateImport)
	mux.HandleFunc("GET /ship-orders/import/runs", h.importRunsList)
	mux.HandleFunc("GET /ship-orders/import/runs/{id}", h.importRunPage)
	mux.HandleFunc("GET /ship-orders/{id}", h.shipOrderPage)
	mux.HandleFunc("POST /ship-orders/{id}/parcels", h.addParcel)
	mux.HandleFunc("POST /ship-orders/{id}/parcels/{pid}/delete", h.removeParcel)
	h.shipmentRoutes(mux) // 出荷確定, 出荷取消, 問番アップロード, 出荷検品 (shipment*.go)

	// ロボット > 変換ロボット, 処理ロボット (importmappings.go, rules.go); changes are admin-only.
	mux.HandleFunc("GET /import-mappings", h.importMappingsPage)
	mux.HandleFunc("GET /import-mappings/{id}", h.importMappingPage)
	mux.Handle("POST /import-mappings/{id}", h.requireAdmin(h.saveImportMapping))
	mux.Handle("POST /import-mappings/{id}/copy", h.requireAdmin(h.copyImportMapping))
	mux.Handle("POST /import-mappings/{id}/use", h.requireAdmin(h.useImportMapping))
	mux.HandleFunc("GET /rules", h.rulesPage)
	mux.Handle("GET /rules/new", h.requireAdmin(h.newRule))
	mux.Handle("POST /rules", h.requireAdmin(h.createRule))
	mux.HandleFunc("GET /rules/{id}", h.rulePage)
	mux.HandleFunc("POST /rules/{id}", h.updateRule) // operators may only preview
	mux.Handle("POST /rules/{id}/delete", h.requireAdmin(h.deleteRule))

	// ロボット > 連携ロボット (syncjobs*.go); changes are admin-only.
	mux.HandleFunc("GET /sync-jobs", h.syncJobsPage)
	mux.Handle("GET /sync-jobs/new", h.requireAdmin(h.newSyncJob))
	mux.Handle("POST /sync-jobs", h.requireAdmin(h.createSyncJob))
	mux.Handle("GET /sync-jobs/easy", h.requireAdmin(h.easySyncJobsPage))
	mux.Handle("POST /sync-jobs/easy", h.requireAdmin(h.createEasySyncJobs))
	mux.HandleFunc("GET /sync-jobs/{id}", h.syncJobPage)
	mux.HandleFunc("GET /sync-jobs/{id}/runs", h.syncJobRunsFragment)
	mux.Handle("GET /sync-jobs/{id}/edit", h.requireAdmin(h.editSyncJob))
	mux.Handle("POST /sync-jobs/{id}", h.requireAdmin(h.updateSyncJob))
	mux.Handle("POST /sync-jobs/{id}/enable", h.requireAdmin(h.enableSyncJob))
	mux.Handle("POST /sync-jobs/{id}/disable", h.requireAdmin(h.disableSyncJob))
	mux.Handle("POST /sync-jobs/{id}/delete", h.requireAdmin(h.deleteSyncJob))
	mux.Handle("POST /sync-jobs/{id}/run", h.requireAdmin(h.runSyncJob))

	// 在庫 (stock.go): operators and admins alike.
	h.stockRoutes(mux)

	// APIログ (apilogs.go)
	mux.HandleFunc("GET /api-logs", h.apiLogsPage)
	mux.HandleFunc("GET /api-logs/{id}", h.apiLogPage)
}
