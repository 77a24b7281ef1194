package handlers

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/upload"
	"github.com/renkei-oss/renkei/views"
)

const productUploadPath = "/products/upload"

// previewRowLimit bounds the new/changed rows shown in a preview; counts and
// invalid rows are always complete.
const previewRowLimit = 200

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
	codeColumn := r.FormValue("code_column")
	name, data, msg := uploadedFile(w, r)
	if msg == "" {
		codeColumn = r.FormValue("code_column")
	}
	if msg != "" {
		h.renderProductUpload(w, r, http.StatusUnprocessableEntity, msg, codeColumn)
		return
	}
	t, err := upload.Read(bytes.NewReader(data))
	if err == nil {
		uid := currentUser(r).ID
		var u *store.Upload
		u, err = h.Store.PreviewProductUpload(r.Context(), store.Upload{Filename: name, CreatedBy: &uid}, t, upload.Layout(r.FormValue("layout")), codeColumn)
		if err == nil {
			redirect(w, r, fmt.Sprintf("%s/%d", productUploadPath, u.ID))
			return
		}
	}
	if m, ok := uploadMessage(err); ok {
		h.renderProductUpload(w, r, http.StatusUnprocessableEntity, m, codeColumn)
		return
	}
	h.serverError(w, r, err)
}

// targetUpload loads the staged upload of the {id} path segment.
func (h *handler) targetUpload(w http.ResponseWriter, r *http.Request, kind string) (*store.Upload, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.notFound(w, r)
		return nil, false
	}
	u, err := h.Store.GetUpload(r.Context(), id, kind)
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r)
		return nil, false
	}
	if err != nil {
		h.serverError(w, r, err)
		return nil, false
	}
	return u, true
}

func (h *handler) productUploadPreview(w http.ResponseWriter, r *http.Request) {
	u, ok := h.targetUpload(w, r, store.UploadProducts)
	if !ok {
		return
	}
	errs, err := h.Store.UploadErrors(r.Context(), u.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	staged, err := h.Store.StagedProducts(r.Context(), u.ID, previewRowLimit)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	d := views.PreviewData{
		Admin: currentUser(r).IsAdmin(), Heading: "商品マスタアップロード", ID: u.ID,
		Filename: u.Filename, Encoding: u.Encoding, Layout: upload.Layout(u.Layout).Label(), CodeColumn: u.CodeColumn,
		Counts: u.Counts, Errors: errs, Columns: upload.OwnColumns,
		ApplyURL: fmt.Sprintf("%s/%d/apply", productUploadPath, u.ID), BackURL: productUploadPath,
		Applicable: u.Applicable(), Applied: u.AppliedAt != nil,
	}
	for _, s := range staged {
		d.Rows = append(d.Rows, views.PreviewRow{Line: s.Line, Status: s.Status, Cells: []string{
			s.SKU, s.Name, s.JAN, s.ProductTypeLabel(), views.OptInt(s.HandlingDays), views.OptInt(s.LowStockThreshold),
		}})
	}
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
