package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/views"
)

// previewLimit bounds the dry run to the newest ship orders before shipping.
const previewLimit = 500

func (h *handler) rulesPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	rules, err := h.Store.Rules(ctx)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	ms, err := h.Store.ImportMappings(ctx)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	names := map[int64]string{}
	for _, m := range ms {
		names[m.ID] = m.Name
	}
	h.page(w, r, http.StatusOK, "処理ロボット", views.Rules(views.RulesData{Admin: currentUser(r).IsAdmin(), Rules: rules, Mappings: names}))
}

func (h *handler) newRule(w http.ResponseWriter, r *http.Request) {
	h.renderRule(w, r, http.StatusOK, views.RuleFormData{IsNew: true,
		Rule: domain.Rule{Action: domain.Action{Kind: domain.ActHold}}})
}

func (h *handler) rulePage(w http.ResponseWriter, r *http.Request) {
	rule, ok := h.ruleByPath(w, r)
	if !ok {
		return
	}
	h.renderRule(w, r, http.StatusOK, views.RuleFormData{Rule: rule})
}

func (h *handler) ruleByPath(w http.ResponseWriter, r *http.Request) (domain.Rule, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.notFound(w, r)
		return domain.Rule{}, false
	}
	rule, err := h.Store.Rule(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r)
		return rule, false
	}
	if err != nil {
		h.serverError(w, r, err)
		return rule, false
	}
	return rule, true
}

func (h *handler) renderRule(w http.ResponseWriter, r *http.Request, status int, d views.RuleFormData) {
	ctx := r.Context()
	d.Admin = currentUser(r).IsAdmin()
	var err error
	if d.Mappings, err = h.Store.ImportMappings(ctx); err == nil {
		d.Services, err = h.Store.DeliveryServices(ctx)
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	title := "処理ロボット"
	if d.Rule.Name != "" {
		title += " " + d.Rule.Name
	}
	h.page(w, r, status, title, views.RuleForm(d))
}

// ruleFromForm applies the form to rule (a standard rule keeps its logic).
func ruleFromForm(r *http.Request, rule domain.Rule) domain.Rule {
	rule.Name = strings.TrimSpace(r.PostFormValue("name"))
	rule.Enabled = r.PostFormValue("enabled") != ""
	rule.StopAfter = r.PostFormValue("stop_after") != ""
	rule.Position, _ = strconv.Atoi(r.PostFormValue("position"))
	rule.MappingIDs = nil
	for _, v := range r.PostForm["mapping"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			rule.MappingIDs = append(rule.MappingIDs, id)
		}
	}
	if rule.Standard != "" {
		return rule
	}
	fields, ops, values := r.PostForm["c_field"], r.PostForm["c_op"], r.PostForm["c_value"]
	rule.Conditions = nil
	for i, f := range fields {
		if f == "" {
			continue
		}
		c := domain.Condition{Field: domain.CondField(f)}
		if i < len(ops) {
			c.Op = domain.CondOp(ops[i])
		}
		if i < len(values) {
			c.Value = strings.TrimSpace(values[i])
		}
		rule.Conditions = append(rule.Conditions, c)
	}
	rule.Action = domain.Action{Kind: domain.ActionKind(r.PostFormValue("a_kind")), Reason: strings.TrimSpace(r.PostFormValue("a_reason"))}
	switch rule.Action.Kind {
	case domain.ActSetStatus:
		rule.Action.Status = domain.Status(r.PostFormValue("a_status"))
	case domain.ActSetDelivery:
		rule.Action.DeliveryServiceID, _ = strconv.ParseInt(r.PostFormValue("a_delivery"), 10, 64)
	}
	return rule
}

func (h *handler) createRule(w http.ResponseWriter, r *http.Request) {
	h.submitRule(w, r, domain.Rule{}, true)
}

func (h *handler) updateRule(w http.ResponseWriter, r *http.Request) {
	rule, ok := h.ruleByPath(w, r)
	if !ok {
		return
	}
	h.submitRule(w, r, rule, false)
}

// submitRule saves the rule (admins) or, with the preview button, shows
// what it would do to the current ship orders without saving anything.
func (h *handler) submitRule(w http.ResponseWriter, r *http.Request, rule domain.Rule, isNew bool) {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		http.Error(w, "フォームを読み取れませんでした。", http.StatusBadRequest)
		return
	}
	rule = ruleFromForm(r, rule)
	d := views.RuleFormData{Rule: rule, IsNew: isNew, Errors: rule.Validate()}
	if msg, ok := d.Errors["処理ロボット名"]; ok {
		delete(d.Errors, "処理ロボット名")
		d.Errors["name"] = msg // shown under the name field
	}
	if r.PostFormValue("preview") != "" || !currentUser(r).IsAdmin() {
		if len(d.Errors) == 0 || (len(d.Errors) == 1 && d.Errors["name"] != "") {
			d.Errors = nil
			if err := h.previewRule(r, &d); err != nil {
				h.serverError(w, r, err)
				return
			}
		}
		h.renderRule(w, r, http.StatusOK, d)
		return
	}
	if len(d.Errors) > 0 {
		h.renderRule(w, r, http.StatusUnprocessableEntity, d)
		return
	}
	if err := h.Store.SaveRule(ctx, &rule); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.flash(w, r, "success", "処理ロボット「"+rule.Name+"」を保存しました。")
	redirect(w, r, "/rules/"+strconv.FormatInt(rule.ID, 10))
}

func (h *handler) previewRule(r *http.Request, d *views.RuleFormData) error {
	ctx := r.Context()
	ids := d.Rule.MappingIDs
	if len(ids) == 0 {
		// Not applied anywhere yet: try it on every robot's orders.
		ms, err := h.Store.ImportMappings(ctx)
		if err != nil {
			return err
		}
		for _, m := range ms {
			ids = append(ids, m.ID)
		}
	}
	orders, err := h.Store.PreviewOrders(ctx, ids, previewLimit)
	if err != nil {
		return err
	}
	env, err := h.Store.RuleEnvFor(ctx, orders, false)
	if err != nil {
		return err
	}
	if d.Rule.Action.Kind == domain.ActSetDelivery {
		if svc, err := h.Store.DeliveryService(ctx, d.Rule.Action.DeliveryServiceID); err == nil {
			d.Rule.Action.DeliveryName = svc.CarrierName + " " + svc.Name
		}
	}
	d.Preview = domain.PreviewRule(d.Rule, orders, env)
	d.Previewed = true
	return nil
}

func (h *handler) deleteRule(w http.ResponseWriter, r *http.Request) {
	rule, ok := h.ruleByPath(w, r)
	if !ok {
		return
	}
	if err := h.Store.DeleteRule(r.Context(), rule.ID); errors.Is(err, store.ErrStandardRule) {
		h.flash(w, r, "error", "標準の処理ロボットは削除できません。無効にしてください。")
		redirect(w, r, "/rules/"+strconv.FormatInt(rule.ID, 10))
		return
	} else if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.flash(w, r, "success", "処理ロボット「"+rule.Name+"」を削除しました。")
	redirect(w, r, "/rules")
}
