package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/upload"
	"github.com/renkei-oss/renkei/views"
)

const mappingsPath = "/product-mappings"

// channelOptions lists connections for selects, and their names by id.
func (h *handler) channelOptions(r *http.Request) ([]domain.Connection, []views.ChannelOption, map[int64]string, error) {
	cs, err := h.Store.Connections(r.Context())
	if err != nil {
		return nil, nil, nil, err
	}
	opts := make([]views.ChannelOption, len(cs))
	names := make(map[int64]string, len(cs))
	for i, c := range cs {
		opts[i] = views.ChannelOption{ID: c.ID, Name: c.ChannelName + "（" + c.Marketplace.Label() + "）"}
		names[c.ID] = c.ChannelName
	}
	return cs, opts, names, nil
}

// rakutenChannels lists Rakuten connections for the API import form.
func (h *handler) rakutenChannels(r *http.Request) []views.ChannelOption {
	cs, err := h.Store.Connections(r.Context())
	if err != nil {
		h.Logger.Error("list connections", "err", err)
		return nil
	}
	var out []views.ChannelOption
	for _, c := range cs {
		if c.Marketplace == domain.MarketplaceRakuten {
			out = append(out, views.ChannelOption{ID: c.ID, Name: c.ChannelName})
		}
	}
	return out
}

func formID(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(r.FormValue(name), 10, 64)
	return id
}

func (h *handler) mappingsPage(w http.ResponseWriter, r *http.Request) {
	h.renderMappings(w, r, http.StatusOK, "")
}

func (h *handler) renderMappings(w http.ResponseWriter, r *http.Request, status int, msg string) {
	_, opts, names, err := h.channelOptions(r)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	q := store.MappingQuery{ConnectionID: formID(r, "connection_id"), Search: strings.TrimSpace(r.FormValue("q")), After: formID(r, "after"), Limit: 50}
	ms, next, err := h.Store.ProductMappings(r.Context(), q)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	unmapped, err := h.Store.UnmappedChannelItems(r.Context(), q.ConnectionID, 200)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.page(w, r, status, "外部商品対応表", views.Mappings(views.MappingsData{
		Admin: currentUser(r).IsAdmin(), Channels: opts, Channel: q.ConnectionID, Search: q.Search,
		Mappings: ms, Next: next, Unmapped: unmapped, Error: msg, ChannelOf: names,
	}))
}

func (h *handler) addMapping(w http.ResponseWriter, r *http.Request) {
	m := domain.ProductMapping{
		ConnectionID: formID(r, "connection_id"),
		ItemCode:     strings.TrimSpace(r.PostFormValue("item_code")),
		OptionCode:   strings.TrimSpace(r.PostFormValue("option_code")),
		SKU:          strings.TrimSpace(r.PostFormValue("sku")),
	}
	if errs := m.Validate(); len(errs) > 0 {
		h.renderMappings(w, r, http.StatusUnprocessableEntity, errs[0].Field+": "+errs[0].Reason)
		return
	}
	err := h.Store.SaveProductMapping(r.Context(), &m)
	if errors.Is(err, store.ErrUnknownSKU) {
		h.renderMappings(w, r, http.StatusUnprocessableEntity, fmt.Sprintf("SKU「%s」は商品マスタにありません。先に商品マスタに登録してください。", m.SKU))
		return
	}
	if errors.Is(err, store.ErrUnknownConnection) {
		h.renderMappings(w, r, http.StatusUnprocessableEntity, unknownChannelMessage)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.flash(w, r, "success", fmt.Sprintf("「%s %s」を SKU「%s」に対応させました。", m.ItemCode, m.OptionCode, m.SKU)+h.reevaluateAfterMasters(r, m.ConnectionID))
	redirect(w, r, mappingsPath)
}

func (h *handler) deleteMapping(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.notFound(w, r)
		return
	}
	if err := h.Store.DeleteProductMapping(r.Context(), id); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.flash(w, r, "success", "対応を削除しました。")
	redirect(w, r, mappingsPath)
}

func (h *handler) mappingTemplate(w http.ResponseWriter, r *http.Request) {
	h.csvTemplate(w, r, "product_mapping_template.csv", []upload.MappingCSV{{Channel: "楽天本店", ItemCode: "shirt-01", OptionCode: "red-m", SKU: "ABC-001"}})
}

func (h *handler) uploadMappings(w http.ResponseWriter, r *http.Request) {
	name, data, msg := uploadedFile(w, r)
	if msg == "" {
		cs, err := h.Store.Connections(r.Context())
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		var done bool
		msg, done = h.stageUpload(w, r, name, data, mappingsPath+"/upload", func(t *upload.Table, meta store.Upload) (*store.Upload, error) {
			return h.Store.PreviewMappingUpload(r.Context(), meta, t, store.ChannelLookup(cs), formID(r, "connection_id"))
		})
		if done {
			return
		}
	}
	h.renderMappings(w, r, http.StatusUnprocessableEntity, msg)
}

func (h *handler) mappingUploadPreview(w http.ResponseWriter, r *http.Request) {
	u, d, ok := h.uploadPreview(w, r, store.UploadMappings, func(ctx context.Context, id int64) ([]views.PreviewRow, error) {
		staged, err := h.Store.StagedMappings(ctx, id, previewRowLimit)
		if err != nil {
			return nil, err
		}
		_, _, names, err := h.channelOptions(r)
		rows := make([]views.PreviewRow, len(staged))
		for i, s := range staged {
			rows[i] = views.PreviewRow{Line: s.Line, Status: s.Status, Cells: []string{names[s.ConnectionID], s.ItemCode, s.OptionCode, s.SKU}}
		}
		return rows, err
	})
	if !ok {
		return
	}
	d.Heading, d.Columns = "外部商品対応表アップロード", upload.MappingColumns
	d.ApplyURL, d.BackURL = fmt.Sprintf("%s/upload/%d/apply", mappingsPath, u.ID), mappingsPath+"#upload-mappings"
	h.page(w, r, http.StatusOK, "外部商品対応表アップロード（確認）", views.UploadPreview(d))
}

func (h *handler) applyMappingUpload(w http.ResponseWriter, r *http.Request) {
	u, ok := h.targetUpload(w, r, store.UploadMappings)
	if !ok {
		return
	}
	_, err := h.Store.ApplyMappingUpload(r.Context(), u.ID)
	switch {
	case errors.Is(err, store.ErrUploadNotApplicable):
		h.flash(w, r, "error", "このアップロードは反映できません（エラーの行がある、または反映済みです）。ファイルを直してアップロードし直してください。")
		redirect(w, r, fmt.Sprintf("%s/upload/%d", mappingsPath, u.ID))
		return
	case errors.Is(err, store.ErrUnknownSKU):
		h.flash(w, r, "error", "確認のあとに商品マスタから消えたSKUがあるため反映できません。もう一度アップロードしてください（1行も反映されていません）。")
		redirect(w, r, fmt.Sprintf("%s/upload/%d", mappingsPath, u.ID))
		return
	case err != nil:
		h.serverError(w, r, err)
		return
	}
	h.flash(w, r, "success", fmt.Sprintf("外部商品対応表に反映しました（新規%d件・変更%d件）。", u.New, u.Changed)+h.reevaluateAfterMasters(r, 0))
	redirect(w, r, mappingsPath)
}

func (h *handler) exportMappings(w http.ResponseWriter, r *http.Request) {
	_, _, names, err := h.channelOptions(r)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	var rows []upload.MappingCSV
	err = h.Store.AllProductMappings(r.Context(), func(m domain.ProductMapping) error {
		ch := names[m.ConnectionID]
		if ch == "" {
			ch = strconv.FormatInt(m.ConnectionID, 10)
		}
		rows = append(rows, upload.MappingCSV{Channel: ch, ItemCode: m.ItemCode, OptionCode: m.OptionCode, SKU: m.SKU})
		return nil
	})
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.exportCSV(w, r, "外部商品対応表", "product_mappings", rows)
}
