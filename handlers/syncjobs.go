package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/upload"
	"github.com/renkei-oss/renkei/jobs"
	"github.com/renkei-oss/renkei/jobs/productimport"
	"github.com/renkei-oss/renkei/views"
)

// ロボット > 連携ロボット: linkage robots (SPEC §13). Admins change them,
// operators read the list and the run history. Every change goes through
// the scheduler's Reschedule, so it takes effect at once on every instance.

const syncJobsPath = "/sync-jobs"

// runWatchFor is how long the history waits for a run started by
// 今すぐ実行 to appear.
const runWatchFor = 30 * time.Second

// syncJobHistory is how many runs the history page shows.
const syncJobHistory = 100

func syncJobPath(id int64) string { return syncJobsPath + "/" + strconv.FormatInt(id, 10) }

// syncJobFieldOf maps domain.SyncJob.Validate's field labels to form names.
var syncJobFieldOf = map[string]string{
	domain.LabelSyncJobName:     views.SJFieldName,
	domain.LabelSyncJobConn:     views.SJFieldConnection,
	domain.LabelSyncJobAction:   views.SJFieldAction,
	domain.LabelTriggerKind:     views.SJFieldTriggerKind,
	domain.LabelIntervalMinutes: views.SJFieldInterval,
	domain.LabelTimesOfDay:      views.SJFieldTimes,
	domain.LabelCron:            views.SJFieldCron,
	domain.LabelAfterAction:     views.SJFieldAfter,
}

// allActions in the order the form lists them (SPEC §13's actions).
var allActions = []domain.ActionName{domain.ActionOrderImport, domain.ActionProductImport, domain.ActionConfirm,
	domain.ActionStatusSync, domain.ActionShipmentResult, domain.ActionTransactionComplete, domain.ActionStockPush,
	domain.ActionFeedResults, domain.ActionApplyRule, domain.ActionAllocate}

// registered reports whether a can run here. Without a scheduler (tests of
// other pages) every known action counts: runs would say what is missing.
func (h *handler) registered(a domain.ActionName) bool {
	if h.Scheduler == nil {
		return a.Known()
	}
	_, ok := h.Scheduler.Registry().Lookup(a)
	return ok
}

// robotActions are the actions the form offers: those that can run here,
// plus the robot's own (kept when editing an old robot).
func (h *handler) robotActions(own domain.ActionName) []domain.ActionName {
	var out []domain.ActionName
	for _, a := range allActions {
		if h.registered(a) || a == own {
			out = append(out, a)
		}
	}
	if own != "" && !slices.Contains(out, own) {
		out = append(out, own)
	}
	return out
}

func (h *handler) syncJobsPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	list, err := h.Store.SyncJobs(ctx)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	names, err := h.channelNames(ctx)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	last, err := h.Store.LastSyncRuns(ctx)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	d := views.SyncJobsData{Admin: currentUser(r).IsAdmin()}
	for _, j := range list {
		row := views.SyncJobRow{Job: j, ChannelName: names[j.ConnectionID], NextRun: h.nextRun(j), Registered: h.registered(j.Action)}
		if run, ok := last[j.ID]; ok {
			row.LastRun = &run
		}
		d.Rows = append(d.Rows, row)
	}
	h.page(w, r, http.StatusOK, "連携ロボット", views.SyncJobs(d))
}

func (h *handler) channelNames(ctx context.Context) (map[int64]string, error) {
	conns, err := h.Store.Connections(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(conns))
	for _, c := range conns {
		out[c.ID] = c.ChannelName
	}
	return out, nil
}

func (h *handler) nextRun(j domain.SyncJob) views.NextRun {
	n := views.NextRun{Job: j}
	if h.Scheduler != nil {
		n.At = h.Scheduler.NextRun(j.ID)
	}
	return n
}

func (h *handler) newSyncJob(w http.ResponseWriter, r *http.Request) {
	j := domain.SyncJob{Enabled: true, Trigger: domain.Trigger{Kind: domain.TriggerInterval, IntervalMinutes: 15}}
	if id, err := strconv.ParseInt(r.URL.Query().Get("connection"), 10, 64); err == nil {
		j.ConnectionID = id
	}
	h.renderSyncJobForm(w, r, http.StatusOK, j, nil, true)
}

func (h *handler) renderSyncJobForm(w http.ResponseWriter, r *http.Request, status int, j domain.SyncJob, errs map[string]string, isNew bool) {
	conns, err := h.Store.Connections(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	title := "連携ロボットを登録"
	if !isNew {
		title = "連携ロボット「" + j.Name + "」を編集"
	}
	h.page(w, r, status, title, views.SyncJobForm(views.SyncJobFormData{
		Job: j, IsNew: isNew, Errors: errs, Connections: conns, Actions: h.robotActions(j.Action),
	}))
}

// syncJobFromForm reads the form; Validate judges what it got.
func syncJobFromForm(r *http.Request) domain.SyncJob {
	j := domain.SyncJob{
		Name:    strings.TrimSpace(r.PostFormValue(views.SJFieldName)),
		Action:  domain.ActionName(r.PostFormValue(views.SJFieldAction)),
		Enabled: r.PostFormValue(views.SJFieldEnabled) == "on",
	}
	j.ConnectionID, _ = strconv.ParseInt(r.PostFormValue(views.SJFieldConnection), 10, 64)
	t := domain.Trigger{Kind: domain.TriggerKind(r.PostFormValue(views.SJFieldTriggerKind))}
	switch t.Kind {
	case domain.TriggerInterval:
		t.IntervalMinutes, _ = strconv.Atoi(strings.TrimSpace(r.PostFormValue(views.SJFieldInterval)))
	case domain.TriggerDaily:
		t.TimesOfDay = domain.NormalizeTimesOfDay(r.PostFormValue(views.SJFieldTimes))
	case domain.TriggerCron:
		t.Cron = strings.TrimSpace(r.PostFormValue(views.SJFieldCron))
	case domain.TriggerAfter:
		t.AfterAction = domain.ActionName(r.PostFormValue(views.SJFieldAfter))
	}
	j.Trigger = t
	if j.Action == domain.ActionProductImport {
		if cc := r.PostFormValue(views.SJFieldCodeColumn); cc != "" {
			j.Params, _ = json.Marshal(productimport.Params{CodeColumn: cc})
		}
	}
	return j
}

// checkSyncJob validates j as it would be saved: its fields, its
// connection, an action that can run here and no loop of chained robots.
func (h *handler) checkSyncJob(ctx context.Context, j domain.SyncJob, oldAction domain.ActionName) (map[string]string, error) {
	errs := map[string]string{}
	for _, e := range j.Validate() {
		if f := syncJobFieldOf[e.Field]; errs[f] == "" {
			errs[f] = e.Reason
		}
	}
	if j.ConnectionID > 0 {
		if _, err := h.Store.SyncJobConnectionEnabled(ctx, j.ConnectionID); errors.Is(err, store.ErrNotFound) {
			errs[views.SJFieldConnection] = "選んだAPI接続設定は削除されています。一覧から選び直してください。"
		} else if err != nil {
			return nil, err
		}
	}
	if errs[views.SJFieldAction] == "" && j.Action != oldAction && !h.registered(j.Action) {
		errs[views.SJFieldAction] = fmt.Sprintf("アクション「%s」はこのRenkeiではまだ使えません（未対応）。一覧の別のアクションを選んでください。", j.Action.Label())
	}
	if j.Action == domain.ActionProductImport {
		if cc := views.SyncJobCodeColumn(j); cc != "" && !slices.Contains(upload.RakutenCodeColumns, cc) {
			errs[views.SJFieldCodeColumn] = fmt.Sprintf("商品コードにする項目「%s」は選べません。%sのいずれかを選んでください。", cc, strings.Join(upload.RakutenCodeColumns, "・"))
		}
	}
	if errs[views.SJFieldAction] == "" && j.Enabled && !h.registered(j.Action) {
		errs[views.SJFieldEnabled] = fmt.Sprintf("アクション「%s」はまだ使えない（未対応）ため、有効にできません。「有効にする」のチェックを外して保存してください。", j.Action.Label())
	}
	if len(errs) == 0 && j.Trigger.Kind == domain.TriggerAfter {
		siblings, err := h.Store.SyncJobsOfConnection(ctx, j.ConnectionID)
		if err != nil {
			return nil, err
		}
		siblings = slices.DeleteFunc(siblings, func(s domain.SyncJob) bool { return s.ID == j.ID })
		if msg := domain.ChainCycle(append(siblings, j)); msg != "" {
			errs[views.SJFieldAfter] = msg
		}
	}
	return errs, nil
}

func (h *handler) createSyncJob(w http.ResponseWriter, r *http.Request) {
	j := syncJobFromForm(r)
	errs, err := h.checkSyncJob(r.Context(), j, "")
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if len(errs) > 0 {
		h.renderSyncJobForm(w, r, http.StatusUnprocessableEntity, j, errs, true)
		return
	}
	j, err = h.Store.CreateSyncJob(r.Context(), j)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.reschedule(r, j.ID)
	h.flash(w, r, "success", fmt.Sprintf("連携ロボット「%s」を登録しました。", j.Name))
	redirect(w, r, syncJobPath(j.ID))
}

// syncJobByPath loads the robot of the {id} path value; it answers 404
// itself and returns false when there is none.
func (h *handler) syncJobByPath(w http.ResponseWriter, r *http.Request) (domain.SyncJob, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.notFound(w, r)
		return domain.SyncJob{}, false
	}
	j, err := h.Store.SyncJob(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r)
		return j, false
	}
	if err != nil {
		h.serverError(w, r, err)
		return j, false
	}
	return j, true
}

func (h *handler) editSyncJob(w http.ResponseWriter, r *http.Request) {
	j, ok := h.syncJobByPath(w, r)
	if !ok {
		return
	}
	h.renderSyncJobForm(w, r, http.StatusOK, j, nil, false)
}

func (h *handler) updateSyncJob(w http.ResponseWriter, r *http.Request) {
	old, ok := h.syncJobByPath(w, r)
	if !ok {
		return
	}
	j := syncJobFromForm(r)
	j.ID = old.ID
	// Settings of the action that are not on the form are kept, unless the
	// action changed and they belong to another action.
	if j.Action == old.Action && len(j.Params) == 0 {
		j.Params = old.Params
	}
	errs, err := h.checkSyncJob(r.Context(), j, old.Action)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if len(errs) > 0 {
		h.renderSyncJobForm(w, r, http.StatusUnprocessableEntity, j, errs, false)
		return
	}
	j, err = h.Store.UpdateSyncJob(r.Context(), j)
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.reschedule(r, j.ID)
	h.flash(w, r, "success", fmt.Sprintf("連携ロボット「%s」を変更しました。新しいトリガーはすぐに有効です。", j.Name))
	redirect(w, r, syncJobPath(j.ID))
}

// reschedule applies a saved robot to the schedule. The database is the
// truth: if this fails, the scheduler's periodic resync catches up, so
// the operator's save still stands.
func (h *handler) reschedule(r *http.Request, id int64) {
	if h.Scheduler == nil {
		return
	}
	if err := h.Scheduler.Reschedule(r.Context(), id); err != nil {
		h.Logger.Error("reschedule robot", "robot", id, "err", err)
	}
}

func (h *handler) enableSyncJob(w http.ResponseWriter, r *http.Request) {
	h.setSyncJobEnabled(w, r, true)
}
func (h *handler) disableSyncJob(w http.ResponseWriter, r *http.Request) {
	h.setSyncJobEnabled(w, r, false)
}

func (h *handler) setSyncJobEnabled(w http.ResponseWriter, r *http.Request, on bool) {
	j, ok := h.syncJobByPath(w, r)
	if !ok {
		return
	}
	if on && !h.registered(j.Action) {
		h.flash(w, r, "error", fmt.Sprintf("「%s」のアクション「%s」はまだ使えない（未対応）ため、有効にできません。", j.Name, j.Action.Label()))
		redirect(w, r, backTo(r, syncJobsPath))
		return
	}
	if err := h.Store.SetSyncJobEnabled(r.Context(), j.ID, on); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.reschedule(r, j.ID)
	msg := "「%s」を無効にしました。スケジュールでは実行されません。"
	if on {
		msg = "「%s」を有効にしました。"
	}
	h.flash(w, r, "success", fmt.Sprintf(msg, j.Name))
	redirect(w, r, backTo(r, syncJobsPath))
}

// backTo is the page a list button returns to: its "back" field when it is
// a path of ours, else def.
func backTo(r *http.Request, def string) string {
	if b := r.PostFormValue("back"); strings.HasPrefix(b, syncJobsPath) && !strings.HasPrefix(b, "//") {
		return b
	}
	return def
}

func (h *handler) deleteSyncJob(w http.ResponseWriter, r *http.Request) {
	j, ok := h.syncJobByPath(w, r)
	if !ok {
		return
	}
	if r.PostFormValue("confirm") != "on" {
		h.flash(w, r, "error", "削除するには「削除します」のチェックを入れてから押してください。")
		redirect(w, r, syncJobPath(j.ID)+"/edit")
		return
	}
	if err := h.Store.DeleteSyncJob(r.Context(), j.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
		h.serverError(w, r, err)
		return
	}
	h.reschedule(r, j.ID)
	h.flash(w, r, "success", fmt.Sprintf("連携ロボット「%s」と実行履歴を削除しました。APIログは残ります。", j.Name))
	redirect(w, r, syncJobsPath)
}

func (h *handler) runSyncJob(w http.ResponseWriter, r *http.Request) {
	j, ok := h.syncJobByPath(w, r)
	if !ok {
		return
	}
	back := syncJobPath(j.ID)
	if h.Scheduler == nil {
		h.flash(w, r, "error", "このサーバーでは連携ロボットを実行できません（スケジューラが動いていません）。管理者に連絡してください。")
		redirect(w, r, back)
		return
	}
	err := h.Scheduler.RunNow(r.Context(), j.ID)
	switch {
	case errors.Is(err, jobs.ErrBusy):
		h.flash(w, r, "error", fmt.Sprintf("「%s」は実行中です。終わってからもう一度「今すぐ実行」を押してください。", j.Name))
	case errors.Is(err, jobs.ErrStopped):
		h.flash(w, r, "error", "Renkeiが停止中のため実行できません。再起動後にもう一度押してください。")
	case err != nil:
		h.serverError(w, r, err)
		return
	default:
		h.flash(w, r, "success", fmt.Sprintf("「%s」の実行を始めました。結果は下の実行履歴に出ます。", j.Name))
		// The run claims its row a moment later: the history watches for it.
		back += "?since=" + strconv.FormatInt(h.Now().UnixMilli(), 10)
	}
	redirect(w, r, back)
}

// syncJobPage is a robot's settings and run history.
func (h *handler) syncJobPage(w http.ResponseWriter, r *http.Request) {
	d, ok := h.syncJobRunsData(w, r)
	if !ok {
		return
	}
	h.page(w, r, http.StatusOK, "連携ロボット「"+d.Job.Name+"」", views.SyncJobDetail(d))
}

// syncJobRunsFragment is the history table alone: the page polls it with
// HTMX while a run is in progress.
func (h *handler) syncJobRunsFragment(w http.ResponseWriter, r *http.Request) {
	d, ok := h.syncJobRunsData(w, r)
	if !ok {
		return
	}
	h.fragment(w, r, views.SyncJobRuns(d))
}

func (h *handler) syncJobRunsData(w http.ResponseWriter, r *http.Request) (views.SyncJobDetailData, bool) {
	j, ok := h.syncJobByPath(w, r)
	if !ok {
		return views.SyncJobDetailData{}, false
	}
	runs, err := h.Store.SyncRuns(r.Context(), j.ID, syncJobHistory)
	if err != nil {
		h.serverError(w, r, err)
		return views.SyncJobDetailData{}, false
	}
	names, err := h.channelNames(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return views.SyncJobDetailData{}, false
	}
	d := views.SyncJobDetailData{
		Admin: currentUser(r).IsAdmin(), Job: j, ChannelName: names[j.ConnectionID],
		NextRun: h.nextRun(j), Registered: h.registered(j.Action), Runs: runs,
	}
	// After 今すぐ実行 (?since=…), keep polling until the run shows up, for
	// a little while at most.
	if ms, err := strconv.ParseInt(r.URL.Query().Get("since"), 10, 64); err == nil {
		since := time.UnixMilli(ms)
		waiting := len(runs) == 0 || runs[0].StartedAt.Before(since.Add(-time.Second))
		if waiting && h.Now().Sub(since) < runWatchFor {
			d.Since = ms
		}
	}
	return d, true
}
