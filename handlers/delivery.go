package handlers

import (
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

const deliveryPath = "/settings/delivery-services"

func (h *handler) deliveryPage(w http.ResponseWriter, r *http.Request) {
	h.renderDelivery(w, r, http.StatusOK, "")
}

func (h *handler) renderDelivery(w http.ResponseWriter, r *http.Request, status int, msg string) {
	ctx := r.Context()
	cs, err := h.Store.Carriers(ctx)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	ds, err := h.Store.DeliveryServices(ctx)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	ms, err := h.Store.DeliveryMethodMappings(ctx)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	_, opts, names, err := h.channelOptions(r)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.page(w, r, status, "配送サービスマスタ", views.Delivery(views.DeliveryData{
		Admin: currentUser(r).IsAdmin(), Carriers: cs, Services: ds, Mappings: ms, Channels: opts, ChannelOf: names, Error: msg,
	}))
}

// firstError joins field errors into one sentence for the page's alert.
func firstError(errs map[string]string) string {
	var parts []string
	for k, v := range errs {
		parts = append(parts, k+": "+v)
	}
	return strings.Join(parts, " ")
}

func (h *handler) saveCarrier(w http.ResponseWriter, r *http.Request) {
	c := domain.Carrier{
		Name:          strings.TrimSpace(r.PostFormValue("name")),
		RakutenCode:   strings.TrimSpace(r.PostFormValue("rakuten_code")),
		AmazonCode:    strings.TrimSpace(r.PostFormValue("amazon_code")),
		InterparkCode: strings.TrimSpace(r.PostFormValue("interpark_code")),
		ShopserveName: strings.TrimSpace(r.PostFormValue("shopserve_name")),
		Disabled:      r.PostFormValue("disabled") == "1",
	}
	c.SortOrder, _ = strconv.Atoi(r.PostFormValue("sort_order"))
	if id := r.PathValue("id"); id != "" {
		c.ID, _ = strconv.ParseInt(id, 10, 64)
	}
	if errs := c.Validate(); len(errs) > 0 {
		h.renderDelivery(w, r, http.StatusUnprocessableEntity, firstError(errs))
		return
	}
	err := h.Store.SaveCarrier(r.Context(), &c)
	if errors.Is(err, store.ErrDuplicateName) {
		h.renderDelivery(w, r, http.StatusUnprocessableEntity, fmt.Sprintf("配送会社「%s」はすでにあります。", c.Name))
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.flash(w, r, "success", fmt.Sprintf("配送会社「%s」を保存しました。", c.Name))
	redirect(w, r, deliveryPath)
}

// serviceFromForm reads a service form; slots are "名前,shippingTerm" lines.
func serviceFromForm(r *http.Request) (domain.DeliveryService, string) {
	s := domain.DeliveryService{
		CarrierID: formID(r, "carrier_id"),
		Name:      strings.TrimSpace(r.PostFormValue("name")),
		Disabled:  r.PostFormValue("disabled") == "1",
	}
	if errs := s.Validate(); len(errs) > 0 {
		return s, firstError(errs)
	}
	seen := map[string]bool{}
	for i, line := range strings.Split(strings.ReplaceAll(r.PostFormValue("slots"), "\r", ""), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		name, term, _ := strings.Cut(line, ",")
		t := domain.TimeSlot{Name: strings.TrimSpace(name), RakutenShippingTerm: strings.TrimSpace(term)}
		if errs := t.Validate(); len(errs) > 0 {
			return s, fmt.Sprintf("配送時間帯の%d行目「%s」: %s", i+1, line, firstError(errs))
		}
		if seen[t.Name] {
			return s, fmt.Sprintf("配送時間帯「%s」が2回あります。1つにしてください。", t.Name)
		}
		seen[t.Name] = true
		s.TimeSlots = append(s.TimeSlots, t)
	}
	return s, ""
}

func (h *handler) createService(w http.ResponseWriter, r *http.Request) {
	s, msg := serviceFromForm(r)
	if msg == "" {
		if err := h.Store.SaveDeliveryService(r.Context(), &s); errors.Is(err, store.ErrDuplicateName) {
			msg = fmt.Sprintf("配送サービス「%s」はこの配送会社にすでにあります。", s.Name)
		} else if err != nil {
			h.serverError(w, r, err)
			return
		}
	}
	if msg != "" {
		h.renderDelivery(w, r, http.StatusUnprocessableEntity, msg)
		return
	}
	h.flash(w, r, "success", fmt.Sprintf("配送サービス「%s」を追加しました。", s.Name))
	redirect(w, r, deliveryPath)
}

func (h *handler) servicePage(w http.ResponseWriter, r *http.Request) {
	h.renderService(w, r, http.StatusOK, nil, "")
}

func (h *handler) renderService(w http.ResponseWriter, r *http.Request, status int, edited *domain.DeliveryService, msg string) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.notFound(w, r)
		return
	}
	s, err := h.Store.DeliveryService(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if edited != nil {
		edited.ID = s.ID
		s = edited
	}
	cs, err := h.Store.Carriers(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.page(w, r, status, "配送サービスの編集", views.ServiceEdit(views.ServiceEditData{Service: *s, Carriers: cs, Error: msg}))
}

func (h *handler) updateService(w http.ResponseWriter, r *http.Request) {
	s, msg := serviceFromForm(r)
	s.ID, _ = strconv.ParseInt(r.PathValue("id"), 10, 64)
	if msg == "" {
		if err := h.Store.SaveDeliveryService(r.Context(), &s); errors.Is(err, store.ErrDuplicateName) {
			msg = fmt.Sprintf("配送サービス「%s」はこの配送会社にすでにあります。", s.Name)
		} else if err != nil {
			h.serverError(w, r, err)
			return
		}
	}
	if msg != "" {
		h.renderService(w, r, http.StatusUnprocessableEntity, &s, msg)
		return
	}
	h.flash(w, r, "success", fmt.Sprintf("配送サービス「%s」を保存しました。", s.Name))
	redirect(w, r, deliveryPath)
}

func (h *handler) addDeliveryMapping(w http.ResponseWriter, r *http.Request) {
	m := domain.DeliveryMethodMapping{
		ConnectionID:      formID(r, "connection_id"),
		ChannelName:       strings.TrimSpace(r.PostFormValue("channel_name")),
		DeliveryServiceID: formID(r, "delivery_service_id"),
	}
	if errs := m.Validate(); len(errs) > 0 {
		h.renderDelivery(w, r, http.StatusUnprocessableEntity, firstError(errs))
		return
	}
	err := h.Store.SaveDeliveryMethodMapping(r.Context(), &m)
	if errors.Is(err, store.ErrUnknownConnection) {
		h.renderDelivery(w, r, http.StatusUnprocessableEntity, unknownChannelMessage)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.flash(w, r, "success", fmt.Sprintf("配送方法名「%s」の対応を保存しました。", m.ChannelName)+h.reevaluateAfterMasters(r, m.ConnectionID))
	redirect(w, r, deliveryPath+"#delivery-mappings")
}

func (h *handler) deleteDeliveryMapping(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err := h.Store.DeleteDeliveryMethodMapping(r.Context(), id); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.flash(w, r, "success", "配送方法名の対応を削除しました。")
	redirect(w, r, deliveryPath+"#delivery-mappings")
}

func (h *handler) exportDelivery(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if r.FormValue("what") == "mappings" {
		ms, err := h.Store.DeliveryMethodMappings(ctx)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		_, _, names, err := h.channelOptions(r)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		var rows []upload.DeliveryMappingCSV
		for _, m := range ms {
			rows = append(rows, upload.DeliveryMappingCSV{Channel: channelLabel(names, m.ConnectionID), ChannelName: m.ChannelName, Carrier: m.CarrierName, Service: m.ServiceName})
		}
		h.exportCSV(w, r, "配送方法名の対応", "delivery_method_mappings", rows)
		return
	}
	if r.FormValue("what") == "services" {
		ds, err := h.Store.DeliveryServices(ctx)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		var rows []upload.DeliveryServiceCSV
		for _, s := range ds {
			row := upload.DeliveryServiceCSV{Carrier: s.CarrierName, Name: s.Name, Disabled: upload.Flag(s.Disabled)}
			if len(s.TimeSlots) == 0 {
				rows = append(rows, row)
			}
			for _, t := range s.TimeSlots {
				row.TimeSlot, row.RakutenShippingTerm = t.Name, t.RakutenShippingTerm
				rows = append(rows, row)
			}
		}
		h.exportCSV(w, r, "配送サービス", "delivery_services", rows)
		return
	}
	cs, err := h.Store.Carriers(ctx)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	var rows []upload.CarrierCSV
	for _, c := range cs {
		rows = append(rows, upload.CarrierCSV{Name: c.Name, RakutenCode: c.RakutenCode, AmazonCode: c.AmazonCode, InterparkCode: c.InterparkCode, ShopserveName: c.ShopserveName, Disabled: upload.Flag(c.Disabled)})
	}
	h.exportCSV(w, r, "配送会社", "carriers", rows)
}

// channelLabel is a connection's channel name, or its id when gone.
func channelLabel(names map[int64]string, id int64) string {
	if n, ok := names[id]; ok {
		return n
	}
	return strconv.FormatInt(id, 10)
}
