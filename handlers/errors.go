package handlers

import (
	"log/slog"
	"net/http"

	"github.com/renkei-oss/renkei/views"
)

const (
	slogInfo  = slog.LevelInfo
	slogDebug = slog.LevelDebug
)

// forbidden renders the 403 page with a Japanese explanation.
func (h *handler) forbidden(w http.ResponseWriter, r *http.Request, message string) {
	h.page(w, r, http.StatusForbidden, "権限がありません", views.ErrorPage("権限がありません（403）", message))
}

func (h *handler) notFound(w http.ResponseWriter, r *http.Request) {
	h.page(w, r, http.StatusNotFound, "ページが見つかりません", views.ErrorPage("ページが見つかりません（404）",
		"お探しのページは見つかりませんでした。メニューから目的のページを開いてください。"))
}

// serverError logs err and renders a plain 500 page (without the layout,
// which may itself be what failed).
func (h *handler) serverError(w http.ResponseWriter, r *http.Request, err error) {
	h.Logger.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = w.Write([]byte(`<!DOCTYPE html><html lang="ja"><meta charset="utf-8"><title>エラー | Renkei</title>` +
		`<h1>エラーが発生しました（500）</h1><p>処理中にエラーが発生しました。時間をおいてもう一度お試しください。続く場合はサーバーの管理者に連絡してください。</p>` +
		`<p><a href="/">ダッシュボードへ戻る</a></p></html>`))
}
