package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
)

// addParcel is 問番の手入力 on the order page: one parcel with its carrier
// and tracking number, checked against the carrier's number rule.
func (h *handler) addParcel(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.notFound(w, r)
		return
	}
	back := func(msg string) {
		redirect(w, r, "/ship-orders/"+strconv.FormatInt(id, 10)+"?parcel_msg="+url.QueryEscape(msg)+"#parcels")
	}
	carrierID, _ := strconv.ParseInt(r.PostFormValue("carrier_id"), 10, 64)
	carrier, ok := h.carrierName(r, carrierID)
	if !ok {
		back("配送会社を選んでください。")
		return
	}
	no := domain.NormalizeTrackingNo(r.PostFormValue("tracking_no"))
	if msg := domain.ValidateTrackingNo(carrier, no); msg != "" {
		back(msg)
		return
	}
	err = h.Store.AddParcel(r.Context(), id, carrierID, no, currentUser(r).Name)
	switch {
	case errors.Is(err, store.ErrNotFound):
		h.notFound(w, r)
	case errors.Is(err, store.ErrTrackingNoTaken):
		back(carrier + "の問番「" + no + "」はすでに登録されています。")
	case err != nil:
		h.serverError(w, r, err)
	default:
		back("問番「" + no + "」（" + carrier + "）を登録しました。")
	}
}

// removeParcel deletes one parcel of the order.
func (h *handler) removeParcel(w http.ResponseWriter, r *http.Request) {
	id, err1 := strconv.ParseInt(r.PathValue("id"), 10, 64)
	pid, err2 := strconv.ParseInt(r.PathValue("pid"), 10, 64)
	if err1 != nil || err2 != nil {
		h.notFound(w, r)
		return
	}
	err := h.Store.RemoveParcel(r.Context(), id, pid, currentUser(r).Name)
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r)
		return
	} else if err != nil {
		h.serverError(w, r, err)
		return
	}
	redirect(w, r, "/ship-orders/"+strconv.FormatInt(id, 10)+"?parcel_msg="+url.QueryEscape("問番を削除しました。")+"#parcels")
}

// carrierName finds an enabled carrier by id.
func (h *handler) carrierName(r *http.Request, id int64) (string, bool) {
	cs, err := h.Store.Carriers(r.Context())
	if err != nil {
		return "", false
	}
	for _, c := range cs {
		if c.ID == id && !c.Disabled {
			return strings.TrimSpace(c.Name), true
		}
	}
	return "", false
}
