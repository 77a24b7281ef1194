package handlers

import (
	"fmt"
	"net/http"
	"sort"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/views"
)

// validFormText decodes every request's query and form once and refuses
// text PostgreSQL cannot store (NUL bytes, invalid UTF-8) with a 422
// naming the field, so no handler reaches the database with it. Uploaded
// files are checked by their decoder (domain/upload), row by row.
func (h *handler) validFormText(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			h.page(w, r, http.StatusBadRequest, "入力エラー", views.ErrorPage("入力を読めません（400）", "送信された内容を読めませんでした。画面を開き直してもう一度お試しください。"))
			return
		}
		if field, ok := invalidField(r); ok {
			h.page(w, r, http.StatusUnprocessableEntity, "入力エラー", views.ErrorPage("入力できない文字があります（422）",
				fmt.Sprintf("「%s」に%s。入力し直してください。", field, domain.MsgInvalidChars)))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// invalidField returns the first (by name) field holding unstorable text.
func invalidField(r *http.Request) (string, bool) {
	names := make([]string, 0, len(r.Form))
	for k := range r.Form {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if !domain.ValidText(k) {
			return "?", true
		}
		for _, v := range r.Form[k] {
			if !domain.ValidText(v) {
				return k, true
			}
		}
	}
	return "", false
}
