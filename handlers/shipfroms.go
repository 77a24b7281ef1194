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

const shipFromsPath = "/settings/ship-froms"

func (h *handler) shipFromsPage(w http.ResponseWriter, r *http.Request) {
	list, err := h.Store.ShipFroms(r.Context())
	if err != nil {
		h.serverError(w, r, fmt.Errorf("list ship-froms: %w", err))
		return
	}
	h.page(w, r, http.StatusOK, "発送元", views.ShipFroms(views.ShipFromsData{Admin: currentUser(r).IsAdmin(), ShipFroms: list}))
}

func (h *handler) newShipFrom(w http.ResponseWriter, r *http.Request) {
	h.page(w, r, http.StatusOK, "発送元を新規登録", views.ShipFromForm(views.ShipFromFormData{IsNew: true}))
}

func shipFromFromForm(r *http.Request) domain.ShipFrom {
	s := domain.ShipFrom{
		Name:       r.PostFormValue(domain.ShipFromFieldName),
		PostalCode: r.PostFormValue(domain.ShipFromFieldPostalCode),
		Prefecture: r.PostFormValue(domain.ShipFromFieldPrefecture),
		Address:    r.PostFormValue(domain.ShipFromFieldAddress),
		Phone:      r.PostFormValue(domain.ShipFromFieldPhone),
	}
	s.Normalize()
	return s
}

func (h *handler) createShipFrom(w http.ResponseWriter, r *http.Request) {
	s := shipFromFromForm(r)
	h.saveShipFrom(w, r, &s, true)
}

// shipFromByPath loads the origin named by the {id} path value; it answers
// 404 itself and returns false when there is none.
func (h *handler) shipFromByPath(w http.ResponseWriter, r *http.Request) (domain.ShipFrom, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.notFound(w, r)
		return domain.ShipFrom{}, false
	}
	s, err := h.Store.ShipFrom(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r)
		return s, false
	}
	if err != nil {
		h.serverError(w, r, err)
		return s, false
	}
	return s, true
}

func (h *handler) editShipFrom(w http.ResponseWriter, r *http.Request) {
	s, ok := h.shipFromByPath(w, r)
	if !ok {
		return
	}
	h.page(w, r, http.StatusOK, "発送元の編集", views.ShipFromForm(views.ShipFromFormData{ShipFrom: s}))
}

func (h *handler) updateShipFrom(w http.ResponseWriter, r *http.Request) {
	old, ok := h.shipFromByPath(w, r)
	if !ok {
		return
	}
	s := shipFromFromForm(r)
	s.ID = old.ID
	h.saveShipFrom(w, r, &s, false)
}

// saveShipFrom validates and stores s; on error it shows the form again
// with what was typed and a message beside each wrong field.
func (h *handler) saveShipFrom(w http.ResponseWriter, r *http.Request, s *domain.ShipFrom, isNew bool) {
	errs := s.Validate()
	if len(errs) == 0 {
		var err error
		if isNew {
			err = h.Store.CreateShipFrom(r.Context(), s)
		} else {
			err = h.Store.UpdateShipFrom(r.Context(), s)
		}
		switch {
		case errors.Is(err, store.ErrShipFromNameTaken):
			errs[domain.ShipFromFieldName] = fmt.Sprintf("発送元名「%s」は既に登録されています。別の名前にしてください。", s.Name)
		case errors.Is(err, store.ErrNotFound):
			h.notFound(w, r)
			return
		case err != nil:
			h.serverError(w, r, err)
			return
		default:
			verb := "変更"
			if isNew {
				verb = "登録"
			}
			h.flash(w, r, "success", fmt.Sprintf("発送元「%s」を%sしました。", s.Name, verb))
			redirect(w, r, shipFromsPath)
			return
		}
	}
	h.page(w, r, http.StatusUnprocessableEntity, "発送元", views.ShipFromForm(views.ShipFromFormData{ShipFrom: *s, Errors: errs, IsNew: isNew}))
}

func (h *handler) deleteShipFrom(w http.ResponseWriter, r *http.Request) {
	s, ok := h.shipFromByPath(w, r)
	if !ok {
		return
	}
	back := shipFromsPath + "/" + strconv.FormatInt(s.ID, 10) + "/edit"
	if r.PostFormValue("confirm") != "on" {
		h.flash(w, r, "error", "削除するには「削除します」のチェックを入れてから押してください。")
		redirect(w, r, back)
		return
	}
	var inUse *store.ShipFromInUseError
	err := h.Store.DeleteShipFrom(r.Context(), s.ID)
	switch {
	case errors.As(err, &inUse) && len(inUse.Channels) == 0:
		h.flash(w, r, "error", fmt.Sprintf("発送元「%s」は出荷指示で使われているため削除できません。", s.Name))
		redirect(w, r, back)
	case errors.As(err, &inUse):
		h.flash(w, r, "error", fmt.Sprintf("発送元「%s」はAPI接続設定（%s）で使われているため削除できません。先にそちらの発送元を変更してください。",
			s.Name, strings.Join(inUse.Channels, "、")))
		redirect(w, r, back)
	case errors.Is(err, store.ErrNotFound):
		h.notFound(w, r)
	case err != nil:
		h.serverError(w, r, err)
	default:
		h.flash(w, r, "success", fmt.Sprintf("発送元「%s」を削除しました。", s.Name))
		redirect(w, r, shipFromsPath)
	}
}
