package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/upload"
	"github.com/renkei-oss/renkei/views"
)

const productUploadPath = "/products/upload"

func (h *handler) productUploadPage(w http.ResponseWriter, r *http.Request) {
	h.renderProductUpload(w, r, http.StatusOK, "", upload.RakutenMerchantSKU)
}

func (h *handler) renderProductUpload(w http.ResponseWriter, r *http.Request, status int, msg, codeColumn string) {
	h.page(w, r, status, "商品マスタアップロード", views.ProductUpload(h.productUploadData(r, msg, codeColumn)))
}

func (h *handler) productUploadData(r *http.Request, msg, codeColumn string) views.ProductUploadData {
	d := views.ProductUploadData{
		Admin: currentUser(r).IsAdmin(), Error: msg,
		CodeColumn: codeColumn, CodeColumns: upload.RakutenCodeColumns,
	}
	d.RakutenChannels = h.rakutenChannels(r)
	return d
}

func (h *handler) productTemplate(w http.ResponseWriter, r *http.Request) {
	h.csvTemplate(w, r, "product_template.csv", []upload.ProductCSV{{
		SKU: "ABC-001", Name: "サンプル商品 Tシャツ 赤 M", JAN: "4901234567894", Type: "単品", HandlingDays: "2", LowStock: "5",
	}})
}

func (h *handler) uploadProducts(w http.ResponseWriter, r *http.Request) {
	name, data, msg := uploadedFile(w, r)
	codeColumn := r.FormValue("code_column")
	if msg == "" {
		var done bool
		msg, done = h.stageUpload(w, r, name, data, productUploadPath, func(t *upload.Table, meta store.Upload) (*store.Upload, error) {
			return h.Store.PreviewProductUpload(r.Context(), meta, t, upload.Layout(r.FormValue("layout")), codeColumn)
		})
		if done {
			return
		}
	}
	h.renderProductUpload(w, r, http.StatusUnprocessableEntity, msg, codeColumn)
}

func (h *handler) productUploadPreview(w http.ResponseWriter, r *http.Request) {
	u, d, ok := h.uploadPreview(w, r, store.UploadProducts, func(ctx context.Context, id int64) ([]views.PreviewRow, error) {
		staged, err := h.Store.StagedProducts(ctx, id, previewRowLimit)
		rows := make([]views.PreviewRow, len(staged))
		for i, s := range staged {
			rows[i] = views.PreviewRow{Line: s.Line, Status: s.Status, Cells: []string{
				s.SKU, s.Name, s.JAN, s.ProductTypeLabel(), views.OptInt(s.HandlingDays), views.OptInt(s.LowStockThreshold),
			}}
		}
		return rows, err
	})
	if !ok {
		return
	}
	d.Heading, d.Layout, d.CodeColumn, d.Columns = "商品マスタアップロード", upload.Layout(u.Layout).Label(), u.CodeColumn, upload.OwnColumns
	d.ApplyURL, d.BackURL = fmt.Sprintf("%s/%d/apply", productUploadPath, u.ID), productUploadPath
	h.page(w, r, http.StatusOK, "商品マスタアップロード（確認）", views.UploadPreview(d))
}

func (h *handler) applyProductUpload(w http.ResponseWriter, r *http.Request) {
	u, ok := h.targetUpload(w, r, store.UploadProducts)
	if !ok {
		return
	}
	n, err := h.Store.ApplyProductUpload(r.Context(), u.ID)
	if errors.Is(err, store.ErrUploadNotApplicable) {
		h.flash(w, r, "error", "このアップロードは反映できません（エラーの行がある、または反映済みです）。ファイルを直してアップロードし直してください。")
		redirect(w, r, fmt.Sprintf("%s/%d", productUploadPath, u.ID))
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.Logger.Info("product upload applied", "upload", u.ID, "rows", n, "by", currentUser(r).Name)
	h.flash(w, r, "success", fmt.Sprintf("商品マスタに反映しました（新規%d件・変更%d件）。", u.New, u.Changed)+h.reevaluateAfterMasters(r, 0))
	redirect(w, r, productsPath)
}
