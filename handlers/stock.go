package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/upload"
	"github.com/renkei-oss/renkei/views"
)

const (
	stockPageSize   = 50
	ledgerPageSize  = 50
	stockExportMax  = 200_000
	stockUploadPath = "/stock/upload"
)

func (h *handler) stockRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /stock", h.stockListPage)
	mux.HandleFunc("GET /stock/export", h.exportStock)
	mux.HandleFunc("POST /stock/allocate", h.allocateStock)
	mux.HandleFunc("GET /stock/items", h.stockItemPage)
	mux.HandleFunc("POST /stock/items/adjust", h.adjustStock)
	mux.HandleFunc("GET /stock/upload", h.stockUploadPage)
	mux.HandleFunc("GET /stock/upload/template", h.stockTemplate)
	mux.HandleFunc("POST /stock/upload", h.uploadStock)
	mux.HandleFunc("GET /stock/upload/{id}", h.stockUploadPreview)
	mux.HandleFunc("POST /stock/upload/{id}/apply", h.applyStockUpload)
}

func stockQuery(r *http.Request) (store.StockQuery, views.StockListData) {
	q := r.URL.Query()
	d := views.StockListData{Q: q.Get("q"), OutOfStock: q.Get("out") == "1", Sort: q.Get("sort"), Desc: q.Get("desc") == "1", PageSize: stockPageSize}
	if _, ok := store.StockSorts[d.Sort]; !ok {
		d.Sort = ""
	}
	d.Page, _ = strconv.Atoi(q.Get("page"))
	d.Page = max(d.Page, 1)
	sq := store.StockQuery{Q: d.Q, OutOfStock: d.OutOfStock, Sort: d.Sort, Desc: d.Desc, Limit: stockPageSize, Offset: (d.Page - 1) * stockPageSize}
	if n, err := strconv.Atoi(strings.TrimSpace(q.Get("free_max"))); err == nil && n >= 0 {
		sq.FreeMax, d.FreeMax = &n, strconv.Itoa(n)
	}
	return sq, d
}

func (h *handler) stockListPage(w http.ResponseWriter, r *http.Request) {
	sq, d := stockQuery(r)
	rows, total, err := h.Store.StockList(r.Context(), sq)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	d.Rows, d.Total = rows, total
	h.page(w, r, http.StatusOK, "在庫一覧", views.StockList(d))
}

func (h *handler) exportStock(w http.ResponseWriter, r *http.Request) {
	sq, _ := stockQuery(r)
	sq.Limit, sq.Offset = stockExportMax, 0
	rows, _, err := h.Store.StockList(r.Context(), sq)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	out := make([]upload.StockExportCSV, len(rows))
	for i, s := range rows {
		out[i] = upload.StockRecord(s)
	}
	h.exportCSV(w, r, "在庫一覧", "stock", out)
}

// allocateStock is 「出荷待ちを引当する」 on 在庫一覧.
func (h *handler) allocateStock(w http.ResponseWriter, r *http.Request) {
	res, err := h.Store.Allocate(r.Context(), nil, currentUser(r).Name)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.flash(w, r, "success", allocMessage(res))
	redirect(w, r, "/stock")
}

func allocMessage(res store.AllocResult) string {
	return fmt.Sprintf("引当しました: 引当済%d件・在庫不足%d件。", res.Allocated, res.Short)
}

// allocateAfterChange runs allocation after a stock change (upload,
// adjustment) so waiting orders take the new units; it returns a sentence
// for the flash, or "" when nothing was waiting.
func (h *handler) allocateAfterChange(r *http.Request) string {
	res, err := h.Store.Allocate(r.Context(), nil, "引当（在庫変更後）")
	if err != nil {
		h.Logger.Error("allocate after stock change", "err", err)
		return " 引当は失敗しました。在庫一覧の「出荷待ちを引当する」でやり直してください。"
	}
	if res.Allocated+res.Short == 0 {
		return ""
	}
	return " " + allocMessage(res)
}

func (h *handler) stockItemPage(w http.ResponseWriter, r *http.Request) {
	h.renderStockItem(w, r, http.StatusOK, views.StockItemData{})
}

func (h *handler) renderStockItem(w http.ResponseWriter, r *http.Request, status int, d views.StockItemData) {
	sku := r.FormValue("sku")
	row, err := h.Store.StockLineBySKU(r.Context(), sku)
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	n, err := h.Store.CountStockEntries(r.Context(), sku)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	d.Row, d.LastPage = row, max((n+ledgerPageSize-1)/ledgerPageSize, 1)
	d.Page, _ = strconv.Atoi(r.URL.Query().Get("page"))
	d.Page = min(max(d.Page, 1), d.LastPage)
	if d.Entries, err = h.Store.StockEntries(r.Context(), sku, ledgerPageSize, (d.Page-1)*ledgerPageSize); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.page(w, r, status, "在庫履歴 "+sku, views.StockItem(d))
}

// adjustStock is 手動調整 (admins and operators).
func (h *handler) adjustStock(w http.ResponseWriter, r *http.Request) {
	sku, reason := r.PostFormValue("sku"), strings.TrimSpace(r.PostFormValue("reason"))
	d := views.StockItemData{Delta: r.PostFormValue("delta"), Reason: reason}
	delta, err := strconv.Atoi(strings.TrimSpace(d.Delta))
	switch {
	case err != nil || delta == 0:
		d.Error = "数量は0以外の整数で入力してください（減らすときは -3 のように）。"
	case reason == "":
		d.Error = "理由を入力してください。"
	}
	if d.Error == "" {
		err = h.Store.AdjustStock(r.Context(), sku, delta, reason, currentUser(r).Name)
		if store.IsStockError(err) {
			d.Error = err.Error()
		} else if err != nil {
			h.serverError(w, r, err)
			return
		}
	}
	if d.Error != "" {
		h.renderStockItem(w, r, http.StatusUnprocessableEntity, d)
		return
	}
	h.flash(w, r, "success", fmt.Sprintf("%s の実在庫数を%+dしました。", sku, delta)+h.allocateAfterChange(r))
	redirect(w, r, "/stock/items?"+url.Values{"sku": {sku}}.Encode())
}

func (h *handler) stockUploadPage(w http.ResponseWriter, r *http.Request) {
	h.page(w, r, http.StatusOK, "在庫アップロード", views.StockUpload(views.StockUploadData{Admin: currentUser(r).IsAdmin()}))
}

func (h *handler) stockTemplate(w http.ResponseWriter, r *http.Request) {
	h.csvTemplate(w, r, "stock_template.csv", []upload.StockCSV{{SKU: "ABC-001", Quantity: "10", Safety: "", Reason: "棚卸"}})
}

func (h *handler) uploadStock(w http.ResponseWriter, r *http.Request) {
	name, data, msg := uploadedFile(w, r)
	mode := upload.StockMode(r.FormValue("mode"))
	d := views.StockUploadData{Admin: currentUser(r).IsAdmin(), Mode: mode}
	if msg == "" && !mode.Valid() {
		msg = "反映方法（上書き（棚卸）・加算（入庫）・減算（出庫））を選んでください。"
	}
	if msg == "" {
		var done bool
		msg, done = h.stageUpload(w, r, name, data, stockUploadPath, func(t *upload.Table, meta store.Upload) (*store.Upload, error) {
			return h.Store.PreviewStockUpload(r.Context(), meta, t, mode, d.Admin)
		})
		if done {
			return
		}
	}
	d.Error = msg
	h.page(w, r, http.StatusUnprocessableEntity, "在庫アップロード", views.StockUpload(d))
}

func (h *handler) stockUploadPreview(w http.ResponseWriter, r *http.Request) {
	u, d, ok := h.uploadPreview(w, r, store.UploadStock, func(ctx context.Context, id int64) ([]views.PreviewRow, error) {
		staged, err := h.Store.StagedStock(ctx, id, previewRowLimit)
		rows := make([]views.PreviewRow, len(staged))
		for i, s := range staged {
			rows[i] = views.PreviewRow{Line: s.Line, Status: upload.StatusChanged, Cells: []string{
				s.SKU, strconv.Itoa(s.Quantity), views.OptInt(s.Safety), s.Reason,
			}}
		}
		return rows, err
	})
	if !ok {
		return
	}
	// Operators apply stock uploads too (PreviewData calls the right Admin).
	d.Admin = true
	d.Heading, d.Layout, d.Columns = "在庫アップロード", upload.StockMode(u.StockMode).Label(), upload.StockColumns
	d.ApplyURL, d.BackURL = fmt.Sprintf("%s/%d/apply", stockUploadPath, u.ID), stockUploadPath
	h.page(w, r, http.StatusOK, "在庫アップロード（確認）", views.UploadPreview(d))
}

func (h *handler) applyStockUpload(w http.ResponseWriter, r *http.Request) {
	u, ok := h.targetUpload(w, r, store.UploadStock)
	if !ok {
		return
	}
	back := fmt.Sprintf("%s/%d", stockUploadPath, u.ID)
	changed, err := h.Store.ApplyStockUpload(r.Context(), u.ID, currentUser(r).Name, currentUser(r).IsAdmin())
	switch {
	case errors.Is(err, store.ErrUploadNotApplicable):
		h.flash(w, r, "error", "このアップロードは反映できません（エラーの行がある、または反映済みです）。")
		redirect(w, r, back)
		return
	case store.IsStockError(err):
		h.flash(w, r, "error", err.Error())
		redirect(w, r, back)
		return
	case err != nil:
		h.serverError(w, r, err)
		return
	}
	h.Logger.Info("stock upload applied", "upload", u.ID, "skus", len(changed), "by", currentUser(r).Name)
	h.flash(w, r, "success", fmt.Sprintf("在庫に反映しました（%dSKU）。", len(changed))+h.allocateAfterChange(r))
	redirect(w, r, "/stock")
}
