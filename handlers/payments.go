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

const paymentsPath = "/settings/payment-methods"

func (h *handler) paymentsPage(w http.ResponseWriter, r *http.Request) {
	h.renderPayments(w, r, http.StatusOK, "")
}

func (h *handler) renderPayments(w http.ResponseWriter, r *http.Request, status int, msg string) {
	ps, err := h.Store.PaymentMethods(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	ms, err := h.Store.PaymentMethodMappings(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	_, opts, names, err := h.channelOptions(r)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.page(w, r, status, "支払方法マスタ", views.Payments(views.PaymentsData{
		Admin: currentUser(r).IsAdmin(), Methods: ps, Mappings: ms, Channels: opts, ChannelOf: names, Error: msg,
	}))
}

func (h *handler) savePaymentMethod(w http.ResponseWriter, r *http.Request) {
	p := domain.PaymentMethod{
		Name:     strings.TrimSpace(r.PostFormValue("name")),
		Kind:     domain.PaymentKind(r.PostFormValue("kind")),
		Disabled: r.PostFormValue("disabled") == "1",
	}
	p.SortOrder, _ = strconv.Atoi(r.PostFormValue("sort_order"))
	if id := r.PathValue("id"); id != "" {
		p.ID, _ = strconv.ParseInt(id, 10, 64)
	}
	if errs := p.Validate(); len(errs) > 0 {
		h.renderPayments(w, r, http.StatusUnprocessableEntity, firstError(errs))
		return
	}
	err := h.Store.SavePaymentMethod(r.Context(), &p)
	if errors.Is(err, store.ErrDuplicateName) {
		h.renderPayments(w, r, http.StatusUnprocessableEntity, fmt.Sprintf("支払方法「%s」はすでにあります。", p.Name))
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.flash(w, r, "success", fmt.Sprintf("支払方法「%s」（%s）を保存しました。", p.Name, p.Kind.Label()))
	redirect(w, r, paymentsPath)
}

func (h *handler) addPaymentMapping(w http.ResponseWriter, r *http.Request) {
	m := domain.PaymentMethodMapping{
		ConnectionID:    formID(r, "connection_id"),
		ChannelName:     strings.TrimSpace(r.PostFormValue("channel_name")),
		ChannelCode:     strings.TrimSpace(r.PostFormValue("channel_code")),
		PaymentMethodID: formID(r, "payment_method_id"),
	}
	if errs := m.Validate(); len(errs) > 0 {
		h.renderPayments(w, r, http.StatusUnprocessableEntity, firstError(errs))
		return
	}
	err := h.Store.SavePaymentMethodMapping(r.Context(), &m)
	if errors.Is(err, store.ErrUnknownConnection) {
		h.renderPayments(w, r, http.StatusUnprocessableEntity, unknownChannelMessage)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.flash(w, r, "success", "チャネルの支払方法の対応を保存しました。"+h.reevaluateAfterMasters(r, m.ConnectionID))
	redirect(w, r, paymentsPath+"#payment-mappings")
}

func (h *handler) deletePaymentMapping(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err := h.Store.DeletePaymentMethodMapping(r.Context(), id); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.flash(w, r, "success", "チャネルの支払方法の対応を削除しました。")
	redirect(w, r, paymentsPath+"#payment-mappings")
}

func (h *handler) exportPayments(w http.ResponseWriter, r *http.Request) {
	if r.FormValue("what") == "mappings" {
		ms, err := h.Store.PaymentMethodMappings(r.Context())
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		_, _, names, err := h.channelOptions(r)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		var rows []upload.PaymentMappingCSV
		for _, m := range ms {
			rows = append(rows, upload.PaymentMappingCSV{Channel: channelLabel(names, m.ConnectionID), ChannelName: m.ChannelName, ChannelCode: m.ChannelCode, Method: m.MethodName})
		}
		h.exportCSV(w, r, "支払方法の対応", "payment_method_mappings", rows)
		return
	}
	ps, err := h.Store.PaymentMethods(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	var rows []upload.PaymentMethodCSV
	for _, p := range ps {
		rows = append(rows, upload.PaymentMethodCSV{Name: p.Name, Kind: p.Kind.Label(), Disabled: upload.Flag(p.Disabled)})
	}
	h.exportCSV(w, r, "支払方法マスタ", "payment_methods", rows)
}
