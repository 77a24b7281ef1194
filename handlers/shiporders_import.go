package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/jobs/orderimport"
	"github.com/renkei-oss/renkei/views"
)

// importRunner builds the 出荷指示取込 runner on the handler's store and
// marketplace clients.
func (h *handler) importRunner() *orderimport.Runner {
	return &orderimport.Runner{
		Store:    h.Store,
		Searcher: orderimport.Searchers(h.Clients),
		Now:      h.Now,
		Logger:   h.Logger,
	}
}

// importPage is 出荷指示取込: the form, the タスク一覧 and skipped orders.
func (h *handler) importPage(w http.ResponseWriter, r *http.Request) {
	d := views.ImportPageData{Mode: domain.ImportDiff, Hours: "24", Errors: map[string]string{}}
	if id, err := strconv.ParseInt(r.URL.Query().Get("connection"), 10, 64); err == nil {
		d.Selected = id
	}
	h.renderImportPage(w, r, http.StatusOK, d, 0)
}

func (h *handler) renderImportPage(w http.ResponseWriter, r *http.Request, status int, d views.ImportPageData, runID int64) {
	ctx := r.Context()
	conns, err := h.Store.Connections(ctx)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	names := map[int64]string{}
	for _, c := range conns {
		if c.Enabled {
			d.Connections = append(d.Connections, c)
		}
		names[c.ID] = c.ChannelName
	}
	if d.Selected == 0 && len(d.Connections) > 0 {
		d.Selected = d.Connections[0].ID
	}
	if d.Runs, err = h.importRunRows(ctx, names); err != nil {
		h.serverError(w, r, err)
		return
	}
	if d.Selected > 0 {
		if d.Skips, err = h.Store.SkippedOrders(ctx, d.Selected, 100); err != nil {
			h.serverError(w, r, err)
			return
		}
	}
	if runID > 0 {
		if run, err := h.Store.ImportRun(ctx, runID); err == nil {
			d.Run = &run
		}
	}
	h.page(w, r, status, "出荷指示取込", views.ImportPage(d))
}

// importRunRows are the latest runs for タスク一覧.
func (h *handler) importRunRows(ctx context.Context, names map[int64]string) ([]views.ImportRunRow, error) {
	runs, err := h.Store.ImportRuns(ctx, 0, 20)
	if err != nil {
		return nil, err
	}
	rows := make([]views.ImportRunRow, 0, len(runs))
	for _, run := range runs {
		rows = append(rows, views.ImportRunRow{Run: run, ChannelName: names[run.ConnectionID]})
	}
	return rows, nil
}

// importRunsList is タスク一覧 alone: the progress block asks for it once
// its run has finished, so the list shows the run without a reload.
func (h *handler) importRunsList(w http.ResponseWriter, r *http.Request) {
	conns, err := h.Store.Connections(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	names := map[int64]string{}
	for _, c := range conns {
		names[c.ID] = c.ChannelName
	}
	rows, err := h.importRunRows(r.Context(), names)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.fragment(w, r, views.ImportRunsTable(rows))
}

// startImport is 「API連携登録」: it plans (or resumes) the run, answers at
// once with the progress block and imports in the background.
func (h *handler) startImport(w http.ResponseWriter, r *http.Request) {
	d := views.ImportPageData{Errors: map[string]string{}, Mode: domain.ImportMode(r.PostFormValue("mode")),
		From: r.PostFormValue("from"), To: r.PostFormValue("to"), Hours: r.PostFormValue("hours")}
	d.Selected, _ = strconv.ParseInt(r.PostFormValue("connection"), 10, 64)
	req, fieldErrs := importRequestFromForm(d)
	var conn *domain.Connection
	if d.Selected > 0 {
		c, err := h.Store.Connection(r.Context(), h.Secrets, d.Selected)
		if err == nil && c.Enabled {
			conn = &c
		}
	}
	if conn == nil {
		fieldErrs["connection"] = "取り込む販売チャネルを選んでください（無効な販売チャネルは選べません）。"
	}
	if len(fieldErrs) == 0 {
		// Check the inputs first so their mistakes are shown by the field.
		if _, err := domain.PlanImport(req, domain.PlanInput{Marketplace: conn.Marketplace, Now: h.Now()}); err != nil {
			fieldErrs[fieldOfPlanError(err)] = err.Error()
		}
	}
	var run domain.ImportRun
	if len(fieldErrs) == 0 {
		var err error
		run, err = h.importRunner().Prepare(r.Context(), *conn, req, "手動（"+currentUser(r).Name+"）")
		switch {
		case errors.Is(err, orderimport.ErrAlreadyRunning):
			fieldErrs["connection"] = err.Error()
		case err != nil:
			h.serverError(w, r, err)
			return
		}
	}
	if len(fieldErrs) > 0 {
		d.Errors = fieldErrs
		if r.Header.Get("HX-Request") == "true" {
			h.fragment(w, r, views.ImportErrors(fieldErrs))
			return
		}
		h.renderImportPage(w, r, http.StatusUnprocessableEntity, d, 0)
		return
	}
	// The run outlives the request; the store's run record is what the
	// page polls. A dead process leaves a stale run that the next one resumes.
	go func(conn domain.Connection, run domain.ImportRun) {
		ctx, cancel := context.WithTimeout(context.Background(), 6*time.Hour)
		defer cancel()
		if _, err := h.importRunner().Execute(ctx, conn, run); err != nil {
			h.Logger.Warn("order import ended with an error", "run", run.ID, "err", err)
		}
	}(*conn, run)
	if r.Header.Get("HX-Request") == "true" {
		h.fragment(w, r, views.ImportProgress(run))
		return
	}
	redirect(w, r, "/ship-orders/import/runs/"+strconv.FormatInt(run.ID, 10))
}

func fieldOfPlanError(err error) string {
	switch msg := err.Error(); {
	case strings.Contains(msg, "時間指定"):
		return "hours"
	case strings.Contains(msg, "範囲指定"):
		return "from"
	}
	return "mode"
}

// importRequestFromForm reads the mode and its inputs; dates are Japan time.
func importRequestFromForm(d views.ImportPageData) (domain.ImportRequest, map[string]string) {
	errs := map[string]string{}
	req := domain.ImportRequest{Mode: d.Mode}
	switch d.Mode {
	case domain.ImportDiff:
	case domain.ImportRange:
		var err1, err2 error
		req.From, err1 = time.ParseInLocation("2006-01-02T15:04", d.From, views.Tokyo)
		req.To, err2 = time.ParseInLocation("2006-01-02T15:04", d.To, views.Tokyo)
		if err1 != nil || err2 != nil {
			errs["from"] = "範囲指定取得の開始日時と終了日時を「2026-11-01 09:00」の形で入力してください。"
		}
	case domain.ImportHours:
		n, err := strconv.Atoi(strings.TrimSpace(d.Hours))
		if err != nil {
			errs["hours"] = "時間指定取得の時間を1〜168の数字で入力してください。"
		}
		req.Hours = n
	default:
		errs["mode"] = "取得方法を 差分取得・範囲指定取得・時間指定取得 から選んでください。"
	}
	return req, errs
}

// importRunPage shows one run's progress: the fragment for HTMX polling,
// or the import page with it for a plain request.
func (h *handler) importRunPage(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.notFound(w, r)
		return
	}
	run, err := h.Store.ImportRun(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if r.Header.Get("HX-Request") == "true" {
		h.fragment(w, r, views.ImportProgress(run))
		return
	}
	h.renderImportPage(w, r, http.StatusOK, views.ImportPageData{Mode: run.Mode, Hours: "24", Selected: run.ConnectionID}, run.ID)
}

// reevaluateAfterMasters re-evaluates what imports held or skipped once a
// master an order waited for is saved (a delivery/payment name mapping, a
// product or its mapping): for one connection, or every connection when
// connID is 0. The save already succeeded, so a failure here is logged and
// the operator can still use 再評価 on 出荷指示取込. It returns a sentence
// for the flash message, empty when nothing moved.
func (h *handler) reevaluateAfterMasters(r *http.Request, connID int64) string {
	ctx := r.Context()
	conns, err := h.Store.Connections(ctx)
	if err != nil {
		h.Logger.Warn("re-evaluate after a masters save", "err", err)
		return ""
	}
	moved := 0
	for _, c := range conns {
		if connID != 0 && c.ID != connID {
			continue
		}
		full, err := h.Store.Connection(ctx, h.Secrets, c.ID)
		if err == nil {
			var res orderimport.ReevalResult
			res, err = h.importRunner().Reevaluate(ctx, full, currentUser(r).Name)
			moved += res.Released + res.Imported
		}
		if err != nil {
			h.Logger.Warn("re-evaluate after a masters save", "connection", c.ID, "err", err)
		}
	}
	if moved == 0 {
		return ""
	}
	return fmt.Sprintf("再評価で %d件の注文が保留解除・取込されました。", moved)
}

// reevaluateImport re-runs conversion and rules on what the import held or
// skipped for a connection, after the operator fixed the cause.
func (h *handler) reevaluateImport(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.URL.Query().Get("connection"), 10, 64)
	conn, err := h.Store.Connection(r.Context(), h.Secrets, id)
	if err != nil {
		h.notFound(w, r)
		return
	}
	res, err := h.importRunner().Reevaluate(r.Context(), conn, currentUser(r).Name)
	if err != nil {
		h.flash(w, r, "error", "再評価できませんでした: "+err.Error())
	} else {
		h.flash(w, r, "success", fmt.Sprintf("再評価しました。保留解除 %d件、保留のまま %d件、取込 %d件、取り込まないまま %d件。",
			res.Released, res.StillHeld, res.Imported, res.StillSkipped))
	}
	redirect(w, r, "/ship-orders/import?connection="+strconv.FormatInt(id, 10))
}
