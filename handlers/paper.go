package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/carrierfile"
	"github.com/renkei-oss/renkei/views"
	"github.com/renkei-oss/renkei/views/paper"
)

// printPaper downloads a paper for the orders chosen on 出荷リスト (the
// ticked ones, or all matching its filter): ピッキングリスト, 納品書, Renkei's
// own 送り状, or the 送り状 CSV of a carrier's software. The print is
// recorded (履歴, APIステータス) before the file streams out, since nothing
// can be reported once it has started.
func (h *handler) printPaper(w http.ResponseWriter, r *http.Request) {
	ids, back, msg, err := h.chosenShipOrders(r)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if msg != "" {
		redirectDone(w, r, back, msg)
		return
	}
	kind, format, _ := strings.Cut(r.PostFormValue("paper"), ":")
	switch domain.Paper(kind) {
	case domain.PaperPickingList:
		h.printPickingList(w, r, ids)
	case domain.PaperPackingSlip:
		h.printPackingSlips(w, r, ids)
	case domain.PaperOwnLabel:
		h.printLabels(w, r, ids, back)
	case domain.PaperCarrierCSV:
		h.carrierCSV(w, r, ids, back, format)
	default:
		redirectDone(w, r, back, "印刷する帳票を選んでください。")
	}
}

func (h *handler) printPickingList(w http.ResponseWriter, r *http.Request, ids []int64) {
	ctx, p := r.Context(), domain.PaperPickingList
	pl, err := h.Store.PickingList(ctx, ids)
	if err == nil {
		_, err = h.Store.RecordPrinted(ctx, ids, p, currentUser(r).Name)
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	pl.PrintedAt = h.Now()
	sendHeaders(w, paper.DownloadFor(p.Label(), 1, pl.PrintedAt))
	h.logPaperError(r, paper.PickingList(w, pl))
}

func (h *handler) printPackingSlips(w http.ResponseWriter, r *http.Request, ids []int64) {
	ctx, p, now := r.Context(), domain.PaperPackingSlip, h.Now()
	if _, err := h.Store.RecordPrinted(ctx, ids, p, currentUser(r).Name); err != nil {
		h.serverError(w, r, err)
		return
	}
	sendHeaders(w, paper.DownloadFor(p.Label(), len(ids), now))
	b := paper.NewBundle(w, p.Label(), len(ids), now,
		func() paper.Doc[domain.PackingSlip] { return paper.NewPackingSlips(now) },
		func(s domain.PackingSlip) int64 { return s.Order.ID })
	h.logPaperError(r, closeAfter(b.Close, h.Store.PackingSlips(ctx, ids, b.Add)))
}

// printLabels assigns own label numbers to the orders that have none, then
// prints one 送り状 per own-label parcel.
func (h *handler) printLabels(w http.ResponseWriter, r *http.Request, ids []int64, back string) {
	ctx, actor, now := r.Context(), currentUser(r).Name, h.Now()
	if _, err := h.Store.AssignOwnLabels(ctx, ids, actor); err != nil {
		h.serverError(w, r, err)
		return
	}
	n, err := h.Store.OwnLabelCount(ctx, ids)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if n == 0 {
		redirectDone(w, r, back, "送り状を発行できる出荷指示がありません（送り状番号は出荷待ち・引当済の出荷指示にだけ発行します）。")
		return
	}
	if _, err := h.Store.RecordPrinted(ctx, ids, domain.PaperOwnLabel, actor); err != nil {
		h.serverError(w, r, err)
		return
	}
	label := domain.PaperOwnLabel.Label()
	sendHeaders(w, paper.DownloadFor(label, len(ids), now))
	b := paper.NewBundle(w, label, len(ids), now,
		func() paper.Doc[domain.ShippingLabel] { return paper.NewLabels(now) },
		func(l domain.ShippingLabel) int64 { return l.Order.ID })
	h.logPaperError(r, closeAfter(b.Close, h.Store.ShippingLabels(ctx, ids, b.Add)))
}

// carrierCSV exports the chosen orders the carrier will carry as the
// import file of its label software (Shift_JIS), streamed row by row.
func (h *handler) carrierCSV(w http.ResponseWriter, r *http.Request, ids []int64, back, key string) {
	f, ok := carrierfile.ByKey(key)
	if !ok {
		redirectDone(w, r, back, "送り状CSVの形式を選んでください。")
		return
	}
	ctx, now := r.Context(), h.Now()
	ids, err := h.Store.CarrierOrderIDs(ctx, ids, f.Carrier)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if len(ids) == 0 {
		redirectDone(w, r, back, "選んだ出荷指示に"+f.Carrier+"で送るもの（配送サービスが"+f.Carrier+"か未設定）がありません。")
		return
	}
	if _, err := h.Store.RecordPrinted(ctx, ids, domain.PaperCarrierCSV, currentUser(r).Name); err != nil {
		h.serverError(w, r, err)
		return
	}
	name := "送り状_" + f.Name + "_" + now.In(views.Tokyo).Format("20060102-1504") + ".csv"
	w.Header().Set("Content-Type", "text/csv; charset=Shift_JIS")
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	w.Header().Set("Cache-Control", "no-store")
	cw, err := carrierfile.NewWriter(w, f)
	if err == nil {
		shipDate := now.In(views.Tokyo)
		err = h.Store.PackingSlips(ctx, ids, func(s domain.PackingSlip) error {
			return cw.Add(carrierfile.Shipment{Slip: s, ShipDate: shipDate})
		})
	}
	h.logPaperError(r, err)
}

func sendHeaders(w http.ResponseWriter, d paper.Download) {
	w.Header().Set("Content-Type", d.ContentType)
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(d.FileName))
	w.Header().Set("Cache-Control", "no-store")
}

// closeAfter closes the bundle unless drawing failed (a broken file is
// better cut short than finished looking whole).
func closeAfter(closeFn func() error, err error) error {
	if err != nil {
		return err
	}
	return closeFn()
}

// logPaperError logs a failure after the download started: the status is
// sent, so the browser sees a cut-off file and the log says why.
func (h *handler) logPaperError(r *http.Request, err error) {
	if err != nil {
		h.Logger.Error("paper download failed", "path", r.URL.Path, "paper", r.PostFormValue("paper"), "err", err)
	}
}

func redirectDone(w http.ResponseWriter, r *http.Request, back, msg string) {
	sep := "?"
	if strings.Contains(back, "?") {
		sep = "&"
	}
	redirect(w, r, back+sep+"done="+url.QueryEscape(msg))
}

// chosenShipOrders reads which orders a 出荷リスト form means: the ticked
// ids, or with scope=filter every order matching the filter_* fields (at
// most bulkAllMax). msg is a Japanese reason to send the operator back.
func (h *handler) chosenShipOrders(r *http.Request) (ids []int64, back, msg string, err error) {
	if err := r.ParseForm(); err != nil {
		return nil, "/ship-orders", "フォームを読み取れませんでした。", nil
	}
	filter := url.Values{}
	for _, k := range shipOrderFilterKeys {
		if v := r.PostFormValue("filter_" + k); v != "" {
			filter.Set(k, v)
		}
	}
	back = "/ship-orders"
	if len(filter) > 0 {
		back += "?" + filter.Encode()
	}
	if r.PostFormValue("scope") != "filter" {
		for _, v := range r.PostForm["id"] {
			if id, err := strconv.ParseInt(v, 10, 64); err == nil {
				ids = append(ids, id)
			}
		}
		if len(ids) == 0 {
			return nil, back, "出荷指示を選んでから実行してください。", nil
		}
		return ids, back, "", nil
	}
	sq, _, errs := shipOrderQuery(filter)
	if len(errs) > 0 {
		return nil, back, "絞り込み条件が読めません。出荷リストで絞り込み直してください。", nil
	}
	total, err := h.Store.CountShipOrders(r.Context(), sq)
	switch {
	case err != nil:
		return nil, back, "", err
	case total == 0:
		return nil, back, "絞り込み条件に一致する出荷指示はありません。", nil
	case total > bulkAllMax:
		return nil, back, fmt.Sprintf("絞り込み条件に一致する出荷指示が%d件あり、一度に出力できる%d件を超えています。条件を絞ってから実行してください。", total, bulkAllMax), nil
	}
	ids, err = h.Store.ShipOrderIDs(r.Context(), sq, bulkAllMax)
	return ids, back, "", err
}
