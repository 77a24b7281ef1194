package handlers

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/views"
)

// かんたん設定: a connection's standard robot set (from its marketplace's
// seed) in one step. Robots whose action cannot run here yet are listed as
// 未対応 and not created: a robot that can only fail helps nobody.

func (h *handler) easySyncJobsPage(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.URL.Query().Get("connection"), 10, 64)
	d, err := h.easyData(r.Context(), id)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	d.Enabled = true
	h.page(w, r, http.StatusOK, "連携ロボット かんたん設定", views.SyncJobsEasy(d))
}

// easyData lists the connections and, for the chosen one, its standard set
// with what would happen to each robot.
func (h *handler) easyData(ctx context.Context, connID int64) (views.SyncJobsEasyData, error) {
	conns, err := h.Store.Connections(ctx)
	if err != nil {
		return views.SyncJobsEasyData{}, err
	}
	d := views.SyncJobsEasyData{Connections: conns}
	for _, c := range conns {
		if c.ID == connID {
			d.Conn = &c
		}
	}
	if d.Conn == nil {
		return d, nil
	}
	existing, err := h.Store.SyncJobsOfConnection(ctx, connID)
	if err != nil {
		return d, err
	}
	for _, p := range domain.SyncJobPresets(d.Conn.Marketplace) {
		e := views.EasyPreset{Preset: p, Name: p.Name(d.Conn.Marketplace), Supported: h.registered(p.Action)}
		e.Exists = slices.ContainsFunc(existing, func(j domain.SyncJob) bool { return j.Action == p.Action })
		d.Presets = append(d.Presets, e)
	}
	return d, nil
}

func (h *handler) createEasySyncJobs(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, _ := strconv.ParseInt(r.PostFormValue(views.SJFieldConnection), 10, 64)
	d, err := h.easyData(ctx, id)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	d.Enabled = r.PostFormValue(views.SJFieldEnabled) == "on"
	if d.Conn == nil {
		d.Error = "API接続設定が選ばれていません。標準の連携ロボットを作るAPI接続設定を選んでください。"
		h.page(w, r, http.StatusUnprocessableEntity, "連携ロボット かんたん設定", views.SyncJobsEasy(d))
		return
	}
	chosen := r.PostForm[views.SJFieldAction]
	var todo []domain.SyncJob
	for _, p := range d.Presets {
		if !p.Supported || p.Exists || !slices.Contains(chosen, string(p.Preset.Action)) {
			continue
		}
		todo = append(todo, domain.SyncJob{Name: p.Name, ConnectionID: d.Conn.ID, Action: p.Preset.Action, Trigger: p.Preset.Trigger, Enabled: d.Enabled})
	}
	if len(todo) == 0 {
		d.Error = "作成する連携ロボットが選ばれていません。作成するアクションにチェックを入れてください（作成済みと未対応のものは作成できません）。"
		h.page(w, r, http.StatusUnprocessableEntity, "連携ロボット かんたん設定", views.SyncJobsEasy(d))
		return
	}
	existing, err := h.Store.SyncJobsOfConnection(ctx, d.Conn.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if msg := domain.ChainCycle(append(existing, todo...)); msg != "" {
		d.Error = msg
		h.page(w, r, http.StatusUnprocessableEntity, "連携ロボット かんたん設定", views.SyncJobsEasy(d))
		return
	}
	var names []string
	for _, j := range todo {
		created, err := h.Store.CreateSyncJob(ctx, j)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		h.reschedule(r, created.ID)
		names = append(names, "「"+created.Name+"」")
	}
	state := "無効"
	if d.Enabled {
		state = "有効"
	}
	h.flash(w, r, "success", fmt.Sprintf("「%s」の連携ロボットを%d件、%sで作成しました: %s", d.Conn.ChannelName, len(names), state, strings.Join(names, "、")))
	redirect(w, r, syncJobsPath)
}

// applyConnectionOptions switches the connection's robots to follow the
// options (自動注文連動 …) that changed from old to c. Called once after a
// connection is saved.
func (h *handler) applyConnectionOptions(r *http.Request, old, c domain.Connection) {
	for a, on := range domain.ChangedOptionActions(old, c) {
		if on && !h.registered(a) {
			continue // a robot that cannot run is not switched on
		}
		ids, err := h.Store.SetConnectionSyncJobsEnabled(r.Context(), c.ID, a, on)
		if err != nil {
			h.Logger.Error("switch robots by connection option", "connection", c.ID, "action", a, "err", err)
			continue
		}
		for _, id := range ids {
			h.reschedule(r, id)
		}
	}
}
