package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/renkei-oss/renkei/views"
)

// healthz answers 200 "ok" while the database answers, 503 otherwise, for
// load balancers and monitoring.
func (h *handler) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := h.Store.Ping(ctx); err != nil {
		h.Logger.Warn("health check: database unavailable", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("database unavailable\n"))
		return
	}
	_, _ = w.Write([]byte("ok"))
}

func (h *handler) dashboard(w http.ResponseWriter, r *http.Request) {
	d := views.DashboardData{User: currentUser(r), Now: h.Now()}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	start := time.Now()
	if err := h.Store.Ping(ctx); err != nil {
		d.DBError = err.Error()
	} else {
		d.DBHealthy = true
		d.DBLatency = time.Since(start)
	}
	h.page(w, r, http.StatusOK, "ダッシュボード", views.Dashboard(d))
}
