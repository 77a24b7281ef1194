package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
)

// shipmentRoutes are 出荷確定 and 出荷取消 on the order page (出荷取消 is
// admin-only), plus 問番アップロード and 出荷検品.
func (h *handler) shipmentRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /ship-orders/{id}/ship", h.confirmShipment)
	mux.Handle("POST /ship-orders/{id}/unship", h.requireAdmin(h.cancelShipment))
	mux.HandleFunc("GET "+trackingUploadPath, h.trackingUploadPage)
	mux.HandleFunc("GET "+trackingUploadPath+"/template", h.trackingTemplate)
	mux.HandleFunc("POST "+trackingUploadPath, h.uploadTracking)
	mux.HandleFunc("GET "+trackingUploadPath+"/{id}", h.trackingUploadPreview)
	mux.HandleFunc("POST "+trackingUploadPath+"/{id}/apply", h.applyTrackingUpload)
}

// confirmShipment is 出荷確定 of one order from its page.
func (h *handler) confirmShipment(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.notFound(w, r)
		return
	}
	res, err := h.Store.ConfirmShipments(r.Context(), []int64{id}, domain.ShipDate(h.Now()), currentUser(r).Name)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	msg := "出荷確定しました。"
	if len(res.Refused) > 0 {
		msg = strings.Join(res.Refused, " ")
	} else if res.Shipped == 0 {
		h.notFound(w, r)
		return
	}
	backToOrder(w, r, id, msg)
}

// cancelShipment is 出荷取消 of one order (admins only).
func (h *handler) cancelShipment(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.notFound(w, r)
		return
	}
	u := currentUser(r)
	err = h.Store.CancelShipment(r.Context(), id, u.Role, u.Name)
	var refused *store.RefusedError
	switch {
	case errors.Is(err, store.ErrNotFound):
		h.notFound(w, r)
	case errors.As(err, &refused):
		backToOrder(w, r, id, refused.Msg)
	case store.IsStockError(err):
		backToOrder(w, r, id, "出荷取消できません: "+err.Error())
	case err != nil:
		h.serverError(w, r, err)
	default:
		backToOrder(w, r, id, "出荷を取り消しました（引当済に戻し、在庫を戻しました）。")
	}
}

func backToOrder(w http.ResponseWriter, r *http.Request, id int64, msg string) {
	redirect(w, r, "/ship-orders/"+strconv.FormatInt(id, 10)+"?ship_msg="+url.QueryEscape(msg)+"#shipment")
}

// bulkShip is 一括操作「出荷確定」; refused collects why orders did not ship.
func (h *handler) bulkShip(ctx context.Context, ids []int64, actor string, refused *[]string) (int, error) {
	res, err := h.Store.ConfirmShipments(ctx, ids, domain.ShipDate(h.Now()), actor)
	*refused = res.Refused
	return res.Shipped, err
}

// refusedNoteMax bounds how many refusals the message after a bulk 出荷確定
// lists; the rest are counted.
const refusedNoteMax = 5

func refusedNote(refused []string) string {
	if len(refused) == 0 {
		return ""
	}
	shown := refused[:min(len(refused), refusedNoteMax)]
	note := " 出荷確定しなかった注文: " + strings.Join(shown, " ")
	if rest := len(refused) - len(shown); rest > 0 {
		note += fmt.Sprintf(" ほか%d件。", rest)
	}
	return note
}
