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

const trackingUploadPath = "/shipping/tracking-upload"

func (h *handler) trackingUploadPage(w http.ResponseWriter, r *http.Request) {
	h.page(w, r, http.StatusOK, "問番アップロード", views.TrackingUpload(views.TrackingUploadData{Layout: "own"}))
}

func (h *handler) trackingTemplate(w http.ResponseWriter, r *http.Request) {
	h.csvTemplate(w, r, "tracking_template.csv", []upload.TrackingCSV{{OrderNo: "400001-20261101-0000001", No: "1234-5678-9013", Carrier: "ヤマト運輸", ShipDate: "2026-12-07"}})
}

// uploadTracking stages a 問番 file in the chosen layout and shows its preview.
func (h *handler) uploadTracking(w http.ResponseWriter, r *http.Request) {
	name, data, msg := uploadedFile(w, r)
	d := views.TrackingUploadData{Layout: r.FormValue("layout")}
	layout, ok := upload.FindTrackingLayout(d.Layout)
	if msg == "" && !ok {
		msg = "ファイルの形式を選んでください。"
	}
	if msg == "" {
		var done bool
		msg, done = h.stageUpload(w, r, name, data, trackingUploadPath, func(t *upload.Table, meta store.Upload) (*store.Upload, error) {
			return h.Store.PreviewTrackingUpload(r.Context(), meta, t, layout.ID, layout.Parse)
		})
		if done {
			return
		}
	}
	d.Error = msg
	h.page(w, r, http.StatusUnprocessableEntity, "問番アップロード", views.TrackingUpload(d))
}

func (h *handler) trackingUploadPreview(w http.ResponseWriter, r *http.Request) {
	u, d, ok := h.uploadPreview(w, r, store.UploadTracking, func(ctx context.Context, id int64) ([]views.PreviewRow, error) {
		staged, err := h.Store.StagedTracking(ctx, id, previewRowLimit)
		rows := make([]views.PreviewRow, len(staged))
		for i, s := range staged {
			rows[i] = views.PreviewRow{Line: s.Line, Status: s.Status, Cells: []string{s.OrderNo, s.TrackingNo, s.Carrier, s.ShipDate}}
		}
		return rows, err
	})
	if !ok {
		return
	}
	d.Admin = true // operators apply 問番 files too
	if l, ok := upload.FindTrackingLayout(u.Layout); ok {
		d.Layout = l.Label
	}
	d.Heading, d.Columns = "問番アップロード", upload.TrackingColumns[:4]
	d.ApplyURL, d.BackURL = fmt.Sprintf("%s/%d/apply", trackingUploadPath, u.ID), trackingUploadPath
	h.page(w, r, http.StatusOK, "問番アップロード（確認）", views.UploadPreview(d))
}

func (h *handler) applyTrackingUpload(w http.ResponseWriter, r *http.Request) {
	u, ok := h.targetUpload(w, r, store.UploadTracking)
	if !ok {
		return
	}
	back := fmt.Sprintf("%s/%d", trackingUploadPath, u.ID)
	n, err := h.Store.ApplyTrackingUpload(r.Context(), u.ID, currentUser(r).Name)
	var refused *store.RefusedError
	switch {
	case errors.Is(err, store.ErrUploadNotApplicable):
		h.flash(w, r, "error", "このアップロードは反映できません（エラーの行がある、または反映済みです）。")
		redirect(w, r, back)
		return
	case errors.As(err, &refused):
		h.flash(w, r, "error", refused.Msg)
		redirect(w, r, back)
		return
	case err != nil:
		h.serverError(w, r, err)
		return
	}
	h.Logger.Info("tracking upload applied", "upload", u.ID, "orders", n, "by", currentUser(r).Name)
	h.flash(w, r, "success", fmt.Sprintf("問番を登録しました（%d件の出荷指示）。", n))
	redirect(w, r, "/ship-orders")
}
