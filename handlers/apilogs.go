package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/views"
)

// apiLogsPage lists the API log, newest first, filtered by the query
// string; pages go by keyset (?after=<cursor>), so deep pages stay fast.
func (h *handler) apiLogsPage(w http.ResponseWriter, r *http.Request) {
	f, errs := domain.ParseAPILogFilter(r.URL.Query())
	conns, err := h.Store.Connections(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	logs, next, err := h.Store.APILogs(r.Context(), f)
	if err != nil {
		h.serverError(w, r, fmt.Errorf("list api logs: %w", err))
		return
	}
	d := views.APILogsData{Filter: f, Errors: errs, Connections: conns, Logs: logs}
	q := f.Query()
	if next != nil {
		q.Set("after", next.String())
		d.NextURL = "/api-logs?" + q.Encode()
		q.Del("after")
	}
	if f.After != nil {
		d.FirstURL = "/api-logs?" + q.Encode()
	}
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	h.page(w, r, status, "APIログ", views.APILogs(d))
}

func (h *handler) apiLogPage(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.notFound(w, r)
		return
	}
	l, err := h.Store.APILog(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.page(w, r, http.StatusOK, "APIログの詳細", views.APILogDetail(l))
}
