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
		// The count and the page are independent queries, run side by side:
		// with a search both read the same trigram index (tens of ms each at
		// 1M orders), so the page waits for the slower one, not the sum.
		counted := make(chan error, 1)
		go func() {
			var err error
			d.Total, err = h.Store.CountShipOrders(ctx, sq)
			counted <- err
		}()
		var next *store.ShipOrderCursor
		d.Rows, next, err = h.Store.ShipOrders(ctx, sq)
		if cerr := <-counted; err == nil {
			err = cerr
		}
		if err != nil {
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
	if d.Parcels, err = h.Store.Parcels(ctx, id); err != nil {
		h.serverError(w, r, err)
		return
	}
	if d.Carriers, err = h.Store.Carriers(ctx); err != nil {
		h.serverError(w, r, err)
		return
	}
	d.ParcelMessage = r.URL.Query().Get("parcel_msg")
	d.ShipMessage, d.Admin = r.URL.Query().Get("ship_msg"), currentUser(r).IsAdmin()
	if d.Events, err = h.Store.ShipOrderEvents(ctx, id); err != nil {
		h.serverError(w, r, err)
		return
	}
	h.page(w, r, http.StatusOK, "出荷指示 "+o.ChannelOrderNo, views.ShipOrderPage(d))
}

// shipOrderFilterKeys are 出荷リスト's filter parameters; the bulk form
// carries them as filter_<key> for 「絞り込み条件に一致する全件」.
var shipOrderFilterKeys = []string{"status", "connection", "payment", "api", "ordered_from", "ordered_to", "ship_from", "ship_to", "q"}

// bulkAllMax bounds one 「全件に実行」: beyond it the operator narrows the
// filter, so a single click never rewrites the whole history table.
const bulkAllMax = 100_000

// bulkShipOrders runs 一括操作 on the chosen ship orders, or on all those
// matching the list's filter after a confirmation step that shows their
// count: change status, or hold / release with a reason. Every change lands
// in each order's history.
func (h *handler) bulkShipOrders(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "フォームを読み取れませんでした。", http.StatusBadRequest)
		return
	}
	ctx := r.Context()
	all := r.PostFormValue("scope") == "filter"
	filter := url.Values{}
	for _, k := range shipOrderFilterKeys {
		if v := r.PostFormValue("filter_" + k); v != "" {
			filter.Set(k, v)
		}
	}
	back := "/ship-orders"
	if all {
		if len(filter) > 0 {
			back += "?" + filter.Encode()
		}
	} else if ref, err := url.Parse(r.Referer()); err == nil && ref.Path == "/ship-orders" {
		q := ref.Query()
		q.Del("done")
		back += "?" + q.Encode()
	}
	sep := "?"
	if strings.Contains(back, "?") {
		sep = "&"
	}
	done := func(msg string) { redirect(w, r, back+sep+"done="+url.QueryEscape(msg)) }

	actor := currentUser(r).Name
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	var run func(ids []int64) (int, error)
	var what, doing string
	var refused []string // why 出荷確定 left orders as they were
	switch r.PostFormValue("action") {
	case "status":
		s, ok := domain.ParseStatus(r.PostFormValue("status"))
		if !ok {
			done("変更先のステータスを選んでください。")
			return
		}
		run = func(ids []int64) (int, error) { return h.Store.SetShipOrdersStatus(ctx, ids, s, actor) }
		what, doing = "ステータスを"+s.Label()+"に変更しました", "ステータスを「"+s.Label()+"」に変更"
	case "hold":
		if reason == "" {
			done("保留の理由を入力してください。")
			return
		}
		run = func(ids []int64) (int, error) { return h.Store.HoldShipOrders(ctx, ids, reason, actor) }
		what, doing = "保留にしました", "理由「"+reason+"」で保留"
	case "release":
		run = func(ids []int64) (int, error) { return h.Store.ReleaseShipOrders(ctx, ids, reason, actor) }
		what, doing = "保留を解除しました", "保留を解除"
	case "allocate":
		run = func(ids []int64) (int, error) {
			res, err := h.Store.Allocate(ctx, ids, actor)
			return res.Allocated, err
		}
		what, doing = "引当しました（在庫不足の出荷指示は出荷待ちのまま理由を表示）", "引当"
	case "deallocate":
		run = func(ids []int64) (int, error) { return h.Store.Deallocate(ctx, ids, actor) }
		what, doing = "引当を解除しました", "引当解除"
	case "ship":
		run = func(ids []int64) (int, error) { return h.bulkShip(ctx, ids, actor, &refused) }
		what, doing = "出荷確定しました（出荷日は今日）", "出荷確定"
	default:
		done("一括操作を選んでください。")
		return
	}

	var ids []int64
	if all {
		sq, f, errs := shipOrderQuery(filter)
		if len(errs) > 0 {
			done("絞り込み条件が読めません。出荷リストで絞り込み直してください。")
			return
		}
		total, err := h.Store.CountShipOrders(ctx, sq)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		switch {
		case total == 0:
			done("絞り込み条件に一致する出荷指示はありません。")
			return
		case total > bulkAllMax:
			done(fmt.Sprintf("絞り込み条件に一致する出荷指示が%d件あり、一度に実行できる%d件を超えています。条件を絞ってから実行してください。", total, bulkAllMax))
			return
		}
		// The count the operator confirmed must still be the count now;
		// otherwise they confirm the new one.
		if confirmed := r.PostFormValue("confirm"); confirmed != strconv.FormatInt(total, 10) {
			form := url.Values{"action": {r.PostFormValue("action")}, "status": {r.PostFormValue("status")}, "reason": {reason}}
			for k, v := range filter {
				form["filter_"+k] = v
			}
			d := views.BulkConfirmData{Count: total, Doing: doing, Filter: f, Form: form, BackURL: back, Changed: confirmed != ""}
			if sq.ConnectionID > 0 {
				if c, err := h.Store.Connection(ctx, h.Secrets, sq.ConnectionID); err == nil {
					d.Channel = c.ChannelName
				}
			}
			h.page(w, r, http.StatusOK, "一括操作の確認", views.BulkConfirm(d))
			return
		}
		if ids, err = h.Store.ShipOrderIDs(ctx, sq, bulkAllMax); err != nil {
			h.serverError(w, r, err)
			return
		}
	} else {
		for _, v := range r.PostForm["id"] {
			if id, err := strconv.ParseInt(v, 10, 64); err == nil {
				ids = append(ids, id)
			}
		}
		if len(ids) == 0 {
			done("出荷指示を選んでから実行してください。")
			return
		}
	}
	n, err := run(ids)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	done(fmt.Sprintf("%d件中%d件の%s。", len(ids), n, what) + refusedNote(refused))
}
