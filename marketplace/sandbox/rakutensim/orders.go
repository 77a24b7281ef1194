package rakutensim

import (
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/rakuten"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
)

// Codes the notes do not give; chosen for the simulator [I].
const (
	msgSearchSpan      = "ORDER_EXT_API_SEARCH_ORDER_ERROR_016"  // [I] window > 63 days
	msgSearchTooOld    = "ORDER_EXT_API_SEARCH_ORDER_ERROR_017"  // [I] start older than 730 days
	msgGetOrderTooMany = "ORDER_EXT_API_GET_ORDER_ERROR_004"     // [I] more than 100 numbers
	msgGetOrderVersion = "ORDER_EXT_API_GET_ORDER_ERROR_011"     // [I] unsupported version
	msgGetOrderMissing = "ORDER_EXT_API_GET_ORDER_ERROR_101"     // [I] order not found
	msgConfirmTooMany  = "ORDER_EXT_API_CONFIRM_ORDER_ERROR_004" // [I]
	msgConfirmMissing  = "ORDER_EXT_API_CONFIRM_ORDER_ERROR_101" // [I]
)

func readJSON(r *http.Request, v any) error {
	b, err := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func (s *Sim) searchOrder(sh *shop, w http.ResponseWriter, r *http.Request, now time.Time) {
	var req rakuten.SearchOrderRequest
	if err := readJSON(r, &req); err != nil {
		writeJSON(w, http.StatusBadRequest, searchError(rakuten.MsgSearchFormat, "リクエストの形式が不正です。"))
		return
	}
	if req.DateType == 0 || req.StartDatetime == "" || req.EndDatetime == "" {
		writeJSON(w, http.StatusBadRequest, searchError(rakuten.MsgSearchRequired, "必須項目が指定されていません。(dateType, startDatetime, endDatetime)"))
		return
	}
	if req.DateType < 1 || req.DateType > 6 {
		writeJSON(w, http.StatusBadRequest, searchError(rakuten.MsgSearchFormat, "dateTypeの値が不正です。"))
		return
	}
	start, err1 := time.Parse(rakuten.DatetimeLayout, req.StartDatetime)
	end, err2 := time.Parse(rakuten.DatetimeLayout, req.EndDatetime)
	if err1 != nil || err2 != nil || end.Before(start) {
		writeJSON(w, http.StatusBadRequest, searchError(rakuten.MsgSearchFormat, "日時の形式が不正です。(yyyy-MM-ddTHH:mm:ss+0900)"))
		return
	}
	if end.Sub(start) > rakuten.MaxSearchWindowDays*24*time.Hour {
		writeJSON(w, http.StatusBadRequest, searchError(msgSearchSpan, "検索期間は63日以内で指定してください。"))
		return
	}
	if start.Before(now.Add(-rakuten.MaxSearchAgeDays * 24 * time.Hour)) {
		writeJSON(w, http.StatusBadRequest, searchError(msgSearchTooOld, "開始日時は730日以内で指定してください。"))
		return
	}
	size, page := 30, 1
	if p := req.PaginationRequestModel; p != nil {
		if p.RequestRecordsAmount != 0 {
			size = p.RequestRecordsAmount
		}
		if p.RequestPage != 0 {
			page = p.RequestPage
		}
	}
	if size < 1 || size > rakuten.MaxPageSize || page < 1 {
		writeJSON(w, http.StatusBadRequest, searchError(rakuten.MsgSearchFormat, "requestRecordsAmountは1〜1000、requestPageは1以上で指定してください。"))
		return
	}
	desc := false
	if p := req.PaginationRequestModel; p != nil && len(p.SortModelList) > 0 && p.SortModelList[0].SortDirection == 2 {
		desc = true
	}
	s.Mu.Lock()
	sh.settle(now)
	hits := sh.search(req.DateType, start.Unix(), end.Unix(), now.Unix(), req.OrderProgressList)
	total := len(hits)
	if desc {
		for i, j := 0, len(hits)-1; i < j; i, j = i+1, j-1 {
			hits[i], hits[j] = hits[j], hits[i]
		}
	}
	// Only the first 15,000 hits are reachable; the rest is silently cut [V3].
	if len(hits) > s.reachable {
		hits = hits[:s.reachable]
	}
	from := min((page-1)*size, len(hits))
	to := min(from+size, len(hits))
	numbers := make([]string, 0, to-from)
	for _, i := range hits[from:to] {
		numbers = append(numbers, sh.number(i))
	}
	s.Mu.Unlock()
	if total == 0 {
		writeJSON(w, http.StatusOK, rakuten.SearchOrderResponse{
			OrderNumberList:         []string{},
			MessageModelList:        []rakuten.Message{{MessageType: "INFO", MessageCode: rakuten.MsgSearchNoHits, Message: "該当する受注情報が存在しません。"}},
			PaginationResponseModel: &rakuten.PaginationResponse{},
		})
		return
	}
	pages := marketplace.Pages(total, size)
	writeJSON(w, http.StatusOK, rakuten.SearchOrderResponse{
		OrderNumberList:         numbers,
		MessageModelList:        []rakuten.Message{{MessageType: "INFO", MessageCode: rakuten.MsgSearchOK, Message: "受注検索に成功しました。"}},
		PaginationResponseModel: &rakuten.PaginationResponse{TotalRecordsAmount: &total, TotalPages: &pages, RequestPage: &page},
	})
}

func searchError(code, msg string) rakuten.SearchOrderResponse {
	return rakuten.SearchOrderResponse{MessageModelList: []rakuten.Message{errMsg(code, msg)}}
}

func (s *Sim) getOrder(sh *shop, w http.ResponseWriter, r *http.Request, now time.Time) {
	var req rakuten.GetOrderRequest
	if err := readJSON(r, &req); err != nil || len(req.OrderNumberList) == 0 {
		messages(http.StatusBadRequest, w, errMsg("ORDER_EXT_API_GET_ORDER_ERROR_009", "orderNumberListを指定してください。"))
		return
	}
	if len(req.OrderNumberList) > rakuten.GetOrderBatch {
		messages(http.StatusBadRequest, w, errMsg(msgGetOrderTooMany, "orderNumberListは100件以内で指定してください。"))
		return
	}
	if req.Version < 3 || req.Version > 10 {
		messages(http.StatusBadRequest, w, errMsg(msgGetOrderVersion, "versionの値が不正です。"))
		return
	}
	oldest := now.Add(-rakuten.MaxSearchAgeDays * 24 * time.Hour).Unix()
	resp := struct {
		MessageModelList []rakuten.Message    `json:"MessageModelList"`
		OrderModelList   []rakuten.OrderModel `json:"OrderModelList"`
		Version          int                  `json:"version"`
	}{Version: req.Version, OrderModelList: []rakuten.OrderModel{}}
	s.Mu.Lock()
	sh.settle(now)
	for _, n := range req.OrderNumberList {
		i, ok := sh.index(n)
		if !ok || sh.orders[i].at < oldest || sh.orders[i].at > now.Unix() {
			m := errMsg(msgGetOrderMissing, "受注情報が存在しません。")
			m.OrderNumber = n
			resp.MessageModelList = append(resp.MessageModelList, m)
			continue
		}
		resp.OrderModelList = append(resp.OrderModelList, sh.model(i, now.Unix(), req.Version))
		resp.MessageModelList = append(resp.MessageModelList, rakuten.Message{MessageType: "INFO", MessageCode: rakuten.MsgGetOrderOK, Message: "受注情報の取得に成功しました。", OrderNumber: n})
	}
	s.Mu.Unlock()
	writeJSON(w, http.StatusOK, resp)
}

func (s *Sim) confirmOrder(sh *shop, w http.ResponseWriter, r *http.Request, now time.Time) {
	var req rakuten.ConfirmOrderRequest
	if err := readJSON(r, &req); err != nil || len(req.OrderNumberList) == 0 {
		messages(http.StatusBadRequest, w, errMsg("ORDER_EXT_API_CONFIRM_ORDER_ERROR_009", "orderNumberListを指定してください。"))
		return
	}
	if len(req.OrderNumberList) > rakuten.ConfirmBatch {
		messages(http.StatusBadRequest, w, errMsg(msgConfirmTooMany, "orderNumberListは100件以内で指定してください。"))
		return
	}
	var out []rakuten.Message
	s.Mu.Lock()
	for _, n := range req.OrderNumberList {
		m := rakuten.Message{MessageType: "INFO", MessageCode: rakuten.MsgConfirmOK, Message: "注文確認に成功しました。", OrderNumber: n}
		i, ok := sh.index(n)
		switch {
		case !ok:
			m = errMsg(msgConfirmMissing, "受注情報が存在しません。")
		default:
			switch p := sh.progress(i, now.Unix()); {
			case p == 800 || p == 900:
				m = errMsg(rakuten.MsgConfirmCancelled, "キャンセルされた注文です。")
			case p != 100:
				m = errMsg(rakuten.MsgConfirmMoved, "ステータスが変更されています。")
			default:
				sh.orders[i].confirmedAt = now.Unix()
			}
		}
		m.OrderNumber = n
		out = append(out, m)
	}
	s.Mu.Unlock()
	messages(http.StatusOK, w, out...)
}

// Progress is an order's orderProgress now (for tests).
func (s *Sim) Progress(shopID, number string) (int, bool) {
	now := s.Now().Unix()
	s.Mu.Lock()
	defer s.Mu.Unlock()
	sh := s.Shop(shopID)
	if sh == nil {
		return 0, false
	}
	i, ok := sh.index(number)
	if !ok {
		return 0, false
	}
	sh.settle(time.Unix(now, 0))
	return sh.progress(i, now), true
}

// OrderNumbers lists a shop's order numbers dated in [from, to], oldest first.
func (s *Sim) OrderNumbers(shopID string, from, to time.Time) []string {
	return kit.Query(&s.Base, shopID, func(sh *shop) []string {
		lo, hi := sh.between(from.Unix(), to.Unix())
		out := make([]string, 0, hi-lo)
		for i := lo; i < hi; i++ {
			out = append(out, sh.number(i))
		}
		return out
	})
}

// Hits lists the order numbers searchOrder matches for dateType in
// [from, to] (both inclusive, as RMS), oldest order first and without the
// 15,000 cap: what a complete import should end up with (for tests).
func (s *Sim) Hits(shopID string, dateType int, from, to time.Time) []string {
	now := s.Now()
	return kit.Query(&s.Base, shopID, func(sh *shop) []string {
		sh.settle(now)
		hits := sh.search(dateType, from.Unix(), to.Unix(), now.Unix(), nil)
		out := make([]string, len(hits))
		for k, i := range hits {
			out[k] = sh.number(i)
		}
		return out
	})
}
