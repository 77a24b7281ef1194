package handlers

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/views"
)

const connectionsPath = "/settings/connections"

func init() { bannerSources = append(bannerSources, expiringCredentialBanners) }

// expiringCredentialBanners warns on every page, from CredentialWarnDays
// before, that a marketplace credential (Rakuten license key, Amazon LWA
// client secret) expires: syncs stop silently otherwise (USER-NEEDS §3).
func expiringCredentialBanners(h *handler, r *http.Request, u domain.User) []views.Banner {
	now := h.Now()
	conns, err := h.Store.ExpiringConnections(r.Context(), now)
	if err != nil {
		h.Logger.Warn("expiring connections", "err", err)
		return nil
	}
	var out []views.Banner
	for _, c := range conns {
		date := domain.FormatJSTDate(*c.CredentialExpiresAt)
		what := "認証情報"
		todo := "新しい認証情報を取得してAPI接続設定を更新してください。"
		switch c.Marketplace {
		case domain.MarketplaceRakuten:
			what = "ライセンスキー"
			todo = "RMSでライセンスキーを再発行し、API接続設定を更新してください。"
		case domain.MarketplaceAmazon:
			what = "クライアントシークレット"
			todo = "Seller Centralでクライアントシークレットを更新し、API接続設定に入力してください。"
		}
		b := views.Banner{Kind: "warning"}
		if c.CredentialExpiresAt.After(now) {
			days := int(c.CredentialExpiresAt.Sub(now).Hours() / 24)
			b.Text = fmt.Sprintf("「%s」の%sは%sに有効期限が切れます（あと%d日）。%s", c.ChannelName, what, date, days, todo)
		} else {
			b.Kind = "error"
			b.Text = fmt.Sprintf("「%s」の%sは%sに有効期限が切れています。連携は止まっています。%s", c.ChannelName, what, date, todo)
		}
		if u.IsAdmin() {
			b.Link = connectionsPath + "/" + strconv.FormatInt(c.ID, 10) + "/edit"
			b.LinkText = "API接続設定を開く"
		}
		out = append(out, b)
	}
	return out
}

func (h *handler) connectionsPage(w http.ResponseWriter, r *http.Request) {
	conns, err := h.Store.Connections(r.Context())
	if err != nil {
		h.serverError(w, r, fmt.Errorf("list connections: %w", err))
		return
	}
	h.page(w, r, http.StatusOK, "API接続設定", views.Connections(views.ConnectionsData{
		Admin: currentUser(r).IsAdmin(), Connections: conns, Now: h.Now(),
	}))
}

// newConnection is step 1 (choose the marketplace) without ?marketplace=,
// the empty form with it.
func (h *handler) newConnection(w http.ResponseWriter, r *http.Request) {
	m := domain.Marketplace(r.URL.Query().Get("marketplace"))
	if m == "" {
		h.page(w, r, http.StatusOK, "API接続設定の新規登録", views.ConnectionChooseMarketplace())
		return
	}
	if !m.Valid() {
		h.notFound(w, r)
		return
	}
	h.renderConnectionForm(w, r, http.StatusOK, domain.NewConnection(m, h.Now()), nil, nil, true)
}

func (h *handler) renderConnectionForm(w http.ResponseWriter, r *http.Request, status int, c *domain.Connection, stored *domain.Connection, errs map[string]string, isNew bool) {
	sfs, err := h.Store.ShipFroms(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	d := views.ConnectionFormData{Conn: *c, ShipFroms: sfs, Errors: errs, IsNew: isNew, SandboxURL: h.sandboxURL(r, c.Marketplace)}
	if stored != nil {
		d.Masked = maskedSecrets(stored)
	}
	title := "API接続設定の新規登録"
	if !isNew {
		title = "API接続設定の編集"
	}
	h.page(w, r, status, title, views.ConnectionForm(d))
}

func maskedSecrets(c *domain.Connection) map[string]string {
	out := map[string]string{}
	for name, v := range c.Secrets {
		if v != "" {
			out[name] = domain.MaskSecret(v)
		}
	}
	return out
}

// sandboxURL is this app's own sandbox for the marketplace, as the server
// reaches itself; "" when no sandbox is mounted.
func (h *handler) sandboxURL(r *http.Request, m domain.Marketplace) string {
	if h.Sandbox == nil && !h.SandboxMounted {
		return ""
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	u := scheme + "://" + r.Host + "/sandbox/" + string(m)
	if m == domain.MarketplaceShopserve {
		// The API's base includes its version, as in production (…/v2).
		u += "/v2"
	}
	return u
}

// connectionBaseURL answers the API接続先 select (HTMX): the base URL field
// filled in for 本番API or サンドボックス; その他 keeps what is typed.
func (h *handler) connectionBaseURL(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	m := domain.Marketplace(q.Get("marketplace"))
	if !m.Valid() {
		http.Error(w, "unknown marketplace", http.StatusBadRequest)
		return
	}
	v := q.Get(domain.ConnFieldBaseURL)
	switch q.Get("api_env") {
	case "production":
		v = m.DefaultBaseURL()
	case "sandbox":
		v = h.sandboxURL(r, m)
	}
	h.fragment(w, r, views.BaseURLField(v, nil))
}

// connectionFromForm reads the posted form of a marketplace's connection.
func connectionFromForm(r *http.Request, m domain.Marketplace) *domain.Connection {
	c := &domain.Connection{
		Marketplace:         m,
		ChannelName:         r.PostFormValue(domain.ConnFieldChannelName),
		BaseURL:             r.PostFormValue(domain.ConnFieldBaseURL),
		Enabled:             r.PostFormValue("enabled") == "on",
		AutoImport:          r.PostFormValue("auto_import") == "on",
		AutoConfirm:         r.PostFormValue("auto_confirm") == "on",
		AutoShipInstruction: r.PostFormValue("auto_ship_instruction") == "on",
		AutoStockSync:       r.PostFormValue("auto_stock_sync") == "on",
		Params:              map[string]string{},
		Secrets:             map[string]string{},
	}
	c.ShipFromID, _ = strconv.ParseInt(r.PostFormValue(domain.ConnFieldShipFrom), 10, 64)
	for _, f := range domain.ConnectionFields(m) {
		if f.Kind == domain.FieldSecret {
			c.Secrets[f.Name] = r.PostFormValue(f.Name)
		} else {
			c.Params[f.Name] = r.PostFormValue(f.Name)
		}
	}
	if m == domain.MarketplaceRakuten {
		methods, statuses := r.PostForm["pay_method"], r.PostForm["pay_status"]
		for i, pm := range methods {
			if strings.TrimSpace(pm) == "" {
				continue // a blank row offered for adding a method
			}
			st := 0
			if i < len(statuses) {
				st, _ = strconv.Atoi(statuses[i])
			}
			c.PaymentStatuses = append(c.PaymentStatuses, domain.PaymentStatusRule{PaymentMethod: pm, Status: st})
		}
	}
	c.Normalize()
	return c
}

func (h *handler) createConnection(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	m := domain.Marketplace(r.PostFormValue("marketplace"))
	if !m.Valid() {
		h.notFound(w, r)
		return
	}
	c := connectionFromForm(r, m)
	h.saveConnection(w, r, c, nil)
}

// connectionByPath loads the connection of the {id} path value with its
// secrets; it answers 404 itself and returns false when there is none.
func (h *handler) connectionByPath(w http.ResponseWriter, r *http.Request) (*domain.Connection, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.notFound(w, r)
		return nil, false
	}
	c, err := h.Store.Connection(r.Context(), h.Secrets, id)
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r)
		return nil, false
	}
	if err != nil {
		h.serverError(w, r, fmt.Errorf("load connection %d: %w", id, err))
		return nil, false
	}
	return &c, true
}

func (h *handler) connectionPage(w http.ResponseWriter, r *http.Request) {
	c, ok := h.connectionByPath(w, r)
	if !ok {
		return
	}
	sfName := ""
	if sf, err := h.Store.ShipFrom(r.Context(), c.ShipFromID); err == nil {
		sfName = sf.OneLine()
	}
	masked := maskedSecrets(c)
	c.Secrets = nil // the page needs the masks only
	h.page(w, r, http.StatusOK, "API接続設定「"+c.ChannelName+"」", views.Connection(views.ConnectionData{
		Admin: currentUser(r).IsAdmin(), Conn: *c, Masked: masked, ShipFrom: sfName, Now: h.Now(),
	}))
}

func (h *handler) editConnection(w http.ResponseWriter, r *http.Request) {
	stored, ok := h.connectionByPath(w, r)
	if !ok {
		return
	}
	form := *stored
	form.Secrets = map[string]string{} // never sent back to the browser; blank keeps them
	h.renderConnectionForm(w, r, http.StatusOK, &form, stored, nil, false)
}

func (h *handler) updateConnection(w http.ResponseWriter, r *http.Request) {
	stored, ok := h.connectionByPath(w, r)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	c := connectionFromForm(r, stored.Marketplace)
	c.ID = stored.ID
	h.saveConnection(w, r, c, stored)
}

// saveConnection validates c and stores it (stored is the current row when
// editing). On error nothing is saved and the form comes back with what was
// typed and a message beside each wrong field.
func (h *handler) saveConnection(w http.ResponseWriter, r *http.Request, c *domain.Connection, stored *domain.Connection) {
	hasStored := func(name string) bool { return stored != nil && stored.Secrets[name] != "" }
	errs := c.Validate(hasStored, h.Now())
	if len(errs) == 0 {
		c.DateAmazonSecret(stored, h.Now())
		var err error
		if stored == nil {
			err = h.Store.CreateConnection(r.Context(), h.Secrets, c)
		} else {
			err = h.Store.UpdateConnection(r.Context(), h.Secrets, c)
		}
		switch {
		case errors.Is(err, store.ErrChannelNameTaken):
			errs[domain.ConnFieldChannelName] = fmt.Sprintf("販売チャネル名「%s」は既に使われています。別の名前にしてください。", c.ChannelName)
		case errors.Is(err, store.ErrShipFromMissing):
			errs[domain.ConnFieldShipFrom] = "選んだ発送元は削除されています。一覧から選び直してください。"
		case errors.Is(err, store.ErrNotFound):
			h.notFound(w, r)
			return
		case err != nil:
			h.serverError(w, r, err)
			return
		default:
			if stored != nil {
				h.applyConnectionOptions(r, *stored, *c) // 自動注文連動 etc. switch the matching 連携ロボット
			}
			verb := "変更しました"
			if stored == nil {
				verb = "登録しました。接続テストで設定を確かめてください"
			}
			h.flash(w, r, "success", fmt.Sprintf("API接続設定「%s」を%s。", c.ChannelName, verb))
			redirect(w, r, connectionsPath+"/"+strconv.FormatInt(c.ID, 10))
			return
		}
	}
	h.renderConnectionForm(w, r, http.StatusUnprocessableEntity, c, stored, errs, stored == nil)
}

func (h *handler) enableConnection(w http.ResponseWriter, r *http.Request) {
	h.setConnectionEnabled(w, r, true)
}

func (h *handler) disableConnection(w http.ResponseWriter, r *http.Request) {
	h.setConnectionEnabled(w, r, false)
}

func (h *handler) setConnectionEnabled(w http.ResponseWriter, r *http.Request, on bool) {
	c, ok := h.connectionByPath(w, r)
	if !ok {
		return
	}
	if err := h.Store.SetConnectionEnabled(r.Context(), c.ID, on); err != nil {
		h.serverError(w, r, err)
		return
	}
	msg := "「%s」を無効にしました。自動連携は止まります。"
	if on {
		msg = "「%s」を有効にしました。"
	}
	h.flash(w, r, "success", fmt.Sprintf(msg, c.ChannelName))
	redirect(w, r, connectionsPath+"/"+strconv.FormatInt(c.ID, 10))
}

func (h *handler) deleteConnection(w http.ResponseWriter, r *http.Request) {
	c, ok := h.connectionByPath(w, r)
	if !ok {
		return
	}
	back := connectionsPath + "/" + strconv.FormatInt(c.ID, 10)
	if r.PostFormValue("confirm") != "on" {
		h.flash(w, r, "error", "削除するには「削除します」のチェックを入れてから押してください。")
		redirect(w, r, back)
		return
	}
	err := h.Store.DeleteConnection(r.Context(), c.ID)
	switch {
	case errors.Is(err, store.ErrConnectionHasOpenOrders):
		h.flash(w, r, "error", fmt.Sprintf("「%s」には未出荷の出荷指示があるため削除できません。連携を止めるには「無効にする」を使ってください。", c.ChannelName))
		redirect(w, r, back)
	case errors.Is(err, store.ErrConnectionHasShipOrders):
		h.flash(w, r, "error", fmt.Sprintf("「%s」には出荷指示の履歴があるため削除できません。連携を止めるには「無効にする」を使ってください。", c.ChannelName))
		redirect(w, r, back)
	case errors.Is(err, store.ErrNotFound):
		h.notFound(w, r)
	case err != nil:
		h.serverError(w, r, err)
	default:
		h.flash(w, r, "success", fmt.Sprintf("API接続設定「%s」を削除しました。APIログは残ります。", c.ChannelName))
		redirect(w, r, connectionsPath)
	}
}

// fragment renders a component alone, for HTMX swaps.
func (h *handler) fragment(w http.ResponseWriter, r *http.Request, c templ.Component) {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		h.serverError(w, r, fmt.Errorf("render fragment: %w", err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = buf.WriteTo(w)
}
