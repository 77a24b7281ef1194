package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/views"
)

// shipOrderPageSize is the number of rows per page of 出荷リスト.
const shipOrderPageSize = 50

// shipOrderQuery reads 出荷リスト's filters; dates are Japan dates.
func shipOrderQuery(q url.Values) (store.ShipOrderQuery, views.ShipOrderFilter, map[string]string) {
	f := views.ShipOrderFilter{Status: q.Get("status"), Connection: q.Get("connection"), Payment: q.Get("payment"), API: q.Get("api"),
		OrderedFrom: q.Get("ordered_from"), OrderedTo: q.Get("ordered_to"), ShipFrom: q.Get("ship_from"), ShipTo: q.Get("ship_to"), Q: q.Get("q")}
	errs := map[string]string{}
	sq := store.ShipOrderQuery{Search: f.Q, Limit: shipOrderPageSize}
	if s, ok := domain.ParseStatus(f.Status); ok {
		sq.Status = s
	}
	if id, err := strconv.ParseInt(f.Connection, 10, 64); err == nil {
		sq.ConnectionID = id
	}
	if p := domain.PaymentStatus(f.Payment); p.Valid() {
		sq.PaymentStatus = p
	}
	if a := domain.ApiStatus(f.API); a.Valid() {
		sq.ApiStatus = a
	}
	day := func(name, v string) time.Time {
		if v == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation(time.DateOnly, v, views.Tokyo)
		if err != nil {
			errs[name] = "日付は 2026-11-01 の形で入力してください。"
		}
		return t
	}
	sq.OrderedFrom = day("ordered_from", f.OrderedFrom)
	if to := day("ordered_to", f.OrderedTo); !to.IsZero() {
		sq.OrderedTo = to.AddDate(0, 0, 1) // the whole day
	}
	if !day("ship_from", f.ShipFrom).IsZero() {
		sq.ShipFrom = f.ShipFrom
	}
	if !day("ship_to", f.ShipTo).IsZero() {
		sq.ShipTo = f.ShipTo
	}
	after, err := store.ParseShipOrderCursor(q.Get("after"))
	if err != nil {
		errs["after"] = err.Error()
	}
	sq.After = after
	return sq, f, errs
}

func (h *handler) shipOrdersPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sq, f, errs := shipOrderQuery(r.URL.Query())
	d := views.ShipOrdersData{Filter: f, Errors: errs, Message: r.URL.Query().Get("done")}
	var err error
	if d.Connections, err = h.Store.Connections(ctx); err != nil {
		h.serverError(w, r, err)
		return
	}
	if len(errs) == 0 {
		if d.Total, err = h.Store.CountShipOrders(ctx, sq); err != nil {
			h.serverError(w, r, err)
			return
		}
		var next *store.ShipOrderCursor
		if d.Rows, next, err = h.Store.ShipOrders(ctx, sq); err != nil {
			h.serverError(w, r, err)
			return
		}
		q := r.URL.Query()
		q.Del("done")
		if next != nil {
			q.Set("after", next.String())
			d.NextURL = "/ship-orders?" + q.Encode()
		}
		if sq.After != nil {
			q.Del("after")
			d.FirstURL = "/ship-orders?" + q.Encode()
		}
	}
	h.page(w, r, http.StatusOK, "出荷リスト", views.ShipOrders(d))
}

func (h *handler) shipOrderPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.notFound(w, r)
		return
	}
	o, err := h.Store.ShipOrder(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	d := views.ShipOrderData{Order: o}
	// One row of the list carries the joined names.
	rows, _, err := h.Store.ShipOrders(ctx, store.ShipOrderQuery{ConnectionID: o.ConnectionID, Search: o.ChannelOrderNo, Limit: 5})
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	for _, row := range rows {
		if row.ID == o.ID {
			d.ChannelName, d.ServiceName, d.MethodName = row.ChannelName, row.ServiceName, row.MethodName
		}
	}
	if d.Events, err = h.Store.ShipOrderEvents(ctx, id); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.page(w, r, http.StatusOK, "出荷指示 "+o.ChannelOrderNo, views.ShipOrderPage(d))
}

// bulkShipOrders runs 一括操作 on the chosen ship orders: change status, or
// hold / release with a reason. Every change lands in each order's history.
func (h *handler) bulkShipOrders(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "フォームを読み取れませんでした。", http.StatusBadRequest)
		return
	}
	var ids []int64
	for _, v := range r.PostForm["id"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	back := "/ship-orders"
	if ref, err := url.Parse(r.Referer()); err == nil && ref.Path == "/ship-orders" {
		q := ref.Query()
		q.Del("done")
		back += "?" + q.Encode()
	}
	sep := "?"
	if strings.Contains(back, "?") {
		sep = "&"
	}
	if len(ids) == 0 {
		redirect(w, r, back+sep+"done="+url.QueryEscape("出荷指示を選んでから実行してください。"))
		return
	}
	actor := currentUser(r).Name
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	var n int
	var err error
	var what string
	switch r.PostFormValue("action") {
	case "status":
		s, ok := domain.ParseStatus(r.PostFormValue("status"))
		if !ok {
			redirect(w, r, back+sep+"done="+url.QueryEscape("変更先のステータスを選んでください。"))
			return
		}
		n, err = h.Store.SetShipOrdersStatus(r.Context(), ids, s, actor)
		what = "ステータスを" + s.Label() + "に変更しました"
	case "hold":
		if reason == "" {
			redirect(w, r, back+sep+"done="+url.QueryEscape("保留の理由を入力してください。"))
			return
		}
		n, err = h.Store.HoldShipOrders(r.Context(), ids, reason, actor)
		what = "保留にしました"
	case "release":
		n, err = h.Store.ReleaseShipOrders(r.Context(), ids, reason, actor)
		what = "保留を解除しました"
	default:
		redirect(w, r, back+sep+"done="+url.QueryEscape("一括操作を選んでください。"))
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	redirect(w, r, back+sep+"done="+url.QueryEscape(fmt.Sprintf("%d件中%d件の%s。", len(ids), n, what)))
}
