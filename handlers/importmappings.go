package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/views"
)

func (h *handler) importMappingsPage(w http.ResponseWriter, r *http.Request) {
	ms, err := h.Store.ImportMappings(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.page(w, r, http.StatusOK, "変換ロボット", views.ImportMappings(views.ImportMappingsData{Admin: currentUser(r).IsAdmin(), Mappings: ms}))
}

func (h *handler) importMappingByPath(w http.ResponseWriter, r *http.Request) (domain.ImportMapping, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.notFound(w, r)
		return domain.ImportMapping{}, false
	}
	m, err := h.Store.ImportMapping(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r)
		return m, false
	}
	if err != nil {
		h.serverError(w, r, err)
		return m, false
	}
	return m, true
}

func (h *handler) importMappingPage(w http.ResponseWriter, r *http.Request) {
	m, ok := h.importMappingByPath(w, r)
	if !ok {
		return
	}
	h.renderImportMapping(w, r, http.StatusOK, m, nil)
}

func (h *handler) renderImportMapping(w http.ResponseWriter, r *http.Request, status int, m domain.ImportMapping, errs map[string]string) {
	ctx := r.Context()
	d := views.ImportMappingFormData{Admin: currentUser(r).IsAdmin(), Mapping: m, Errors: errs, UsedBy: map[int64]bool{}}
	var err error
	if d.Services, err = h.Store.DeliveryServices(ctx); err == nil {
		if d.Methods, err = h.Store.PaymentMethods(ctx); err == nil {
			d.ShipFroms, err = h.Store.ShipFroms(ctx)
		}
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	conns, err := h.Store.Connections(ctx)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	for _, c := range conns {
		if c.Marketplace != m.Marketplace {
			continue
		}
		d.Connections = append(d.Connections, c)
		if st, err := h.Store.ConnectionImportState(ctx, c.ID); err == nil && st.MappingID == m.ID {
			d.UsedBy[c.ID] = true
		}
	}
	h.page(w, r, status, "変換ロボット "+m.Name, views.ImportMappingForm(d))
}

// copyImportMapping is 複製: it opens the new editable copy.
func (h *handler) copyImportMapping(w http.ResponseWriter, r *http.Request) {
	m, ok := h.importMappingByPath(w, r)
	if !ok {
		return
	}
	c, err := h.Store.CopyImportMapping(r.Context(), m.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.flash(w, r, "success", "「"+c.Name+"」を作りました（無効）。名前と対応を編集し、有効にしてください。")
	redirect(w, r, "/import-mappings/"+strconv.FormatInt(c.ID, 10))
}

func optionalFormID(r *http.Request, name string) *int64 {
	id, err := strconv.ParseInt(r.PostFormValue(name), 10, 64)
	if err != nil || id <= 0 {
		return nil
	}
	return &id
}

func nameMappingsFromForm(r *http.Request, names, targets string) []domain.NameMapping {
	ns, ts := r.PostForm[names], r.PostForm[targets]
	var out []domain.NameMapping
	for i := range ns {
		name := strings.TrimSpace(ns[i])
		var target int64
		if i < len(ts) {
			target, _ = strconv.ParseInt(ts[i], 10, 64)
		}
		if name == "" && target == 0 {
			continue
		}
		out = append(out, domain.NameMapping{ChannelName: name, TargetID: target})
	}
	return out
}

func (h *handler) saveImportMapping(w http.ResponseWriter, r *http.Request) {
	m, ok := h.importMappingByPath(w, r)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, "フォームを読み取れませんでした。", http.StatusBadRequest)
		return
	}
	m.Name = strings.TrimSpace(r.PostFormValue("name"))
	m.Enabled = r.PostFormValue("enabled") != ""
	m.ShipFromID = optionalFormID(r, "ship_from")
	m.DefaultDeliveryServiceID = optionalFormID(r, "default_delivery")
	m.DefaultPaymentMethodID = optionalFormID(r, "default_payment")
	m.Delivery = nameMappingsFromForm(r, "dm_name", "dm_target")
	m.Payment = nameMappingsFromForm(r, "pm_name", "pm_target")
	errs := m.Validate()
	if msg, ok := errs["変換ロボット名"]; ok {
		delete(errs, "変換ロボット名")
		errs["name"] = msg // shown under the name field
	}
	if len(errs) == 0 {
		err := h.Store.SaveImportMapping(r.Context(), &m)
		switch {
		case errors.Is(err, store.ErrDuplicateName):
			errs["name"] = "同じ名前の変換ロボットがあります。別の名前にしてください。"
		case errors.Is(err, store.ErrStandardMapping):
			errs["変換ロボット"] = "標準の変換ロボットは変更できません。複製してから編集してください。"
		case err != nil:
			h.serverError(w, r, err)
			return
		}
	}
	if len(errs) > 0 {
		h.renderImportMapping(w, r, http.StatusUnprocessableEntity, m, errs)
		return
	}
	// Orders held for a name this robot now maps are re-evaluated at once.
	released := 0
	conns, err := h.Store.Connections(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	for _, c := range conns {
		if st, err := h.Store.ConnectionImportState(r.Context(), c.ID); err != nil || st.MappingID != m.ID {
			continue
		}
		full, err := h.Store.Connection(r.Context(), h.Secrets, c.ID)
		if err != nil {
			continue
		}
		res, err := h.importRunner().Reevaluate(r.Context(), full, currentUser(r).Name)
		if err != nil {
			h.Logger.Warn("re-evaluate after robot save", "connection", c.ID, "err", err)
			continue
		}
		released += res.Released + res.Imported
	}
	h.flash(w, r, "success", fmt.Sprintf("「%s」を保存しました。再評価で %d件の注文が保留解除・取込されました。", m.Name, released))
	redirect(w, r, "/import-mappings/"+strconv.FormatInt(m.ID, 10))
}

// useImportMapping makes a connection use this robot.
func (h *handler) useImportMapping(w http.ResponseWriter, r *http.Request) {
	m, ok := h.importMappingByPath(w, r)
	if !ok {
		return
	}
	connID, _ := strconv.ParseInt(r.PostFormValue("connection"), 10, 64)
	c, err := h.Store.Connection(r.Context(), h.Secrets, connID)
	if err != nil || c.Marketplace != m.Marketplace {
		h.flash(w, r, "error", "販売チャネルを選び直してください（変換ロボットと同じモールの販売チャネルだけ選べます）。")
		redirect(w, r, "/import-mappings/"+strconv.FormatInt(m.ID, 10))
		return
	}
	if !m.Enabled {
		h.flash(w, r, "error", "無効な変換ロボットは使えません。先に有効にしてください。")
		redirect(w, r, "/import-mappings/"+strconv.FormatInt(m.ID, 10))
		return
	}
	if err := h.Store.SetConnectionImportMapping(r.Context(), c.ID, m.ID); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.flash(w, r, "success", "「"+c.ChannelName+"」はこれから「"+m.Name+"」で取り込みます。")
	redirect(w, r, "/import-mappings/"+strconv.FormatInt(m.ID, 10))
}
