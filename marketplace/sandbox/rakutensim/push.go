package rakutensim

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/rakuten"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
)

type asyncReq struct {
	id      string
	readyAt time.Time
	done    bool
	orders  []rakuten.OrderShippingModel
	results []rakuten.ResultShippingModel
}

// ShippingReceived is one order's shipping rows as the shop received them.
type ShippingReceived struct {
	RequestID   string
	OrderNumber string
	Baskets     []rakuten.BasketidModel
	ReceivedAt  time.Time
}

// Stock is the quantity last pushed for one SKU.
type Stock struct {
	ManageNumber, VariantID string
	Quantity                int
	Updated                 time.Time
}

var dateRe = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

func asyncErr(status int, w http.ResponseWriter, msg string, order string) {
	m := errMsg(rakuten.MsgShipAsyncFormat, msg)
	m.OrderNumber = order
	messages(status, w, m)
}

func (s *Sim) updateShippingAsync(sh *shop, w http.ResponseWriter, r *http.Request, now time.Time) {
	var req rakuten.UpdateShippingAsyncRequest
	if err := readJSON(r, &req); err != nil || len(req.OrderShippingModelList) == 0 {
		asyncErr(http.StatusBadRequest, w, "OrderShippingModelListを指定してください。", "")
		return
	}
	if len(req.OrderShippingModelList) > rakuten.ShippingAsyncBatch {
		asyncErr(http.StatusBadRequest, w, "一度に更新できる注文は100件までです。", "")
		return
	}
	seen := map[string]bool{}
	for _, o := range req.OrderShippingModelList {
		if seen[o.OrderNumber] {
			asyncErr(http.StatusBadRequest, w, "注文番号が重複しています。", o.OrderNumber)
			return
		}
		seen[o.OrderNumber] = true
		if len(o.BasketidModelList) == 0 {
			asyncErr(http.StatusBadRequest, w, "BasketidModelListを指定してください。", o.OrderNumber)
			return
		}
		for _, b := range o.BasketidModelList {
			if b.BasketID <= 0 || b.BasketID > 9999999999 || len(b.ShippingModelList) == 0 || len(b.ShippingModelList) > 20 {
				asyncErr(http.StatusBadRequest, w, "basketIdまたはShippingModelListが不正です。", o.OrderNumber)
				return
			}
			for _, row := range b.ShippingModelList {
				code, err := strconv.Atoi(row.DeliveryCompany)
				switch {
				case err != nil || code < 1000 || code > 1031:
					asyncErr(http.StatusBadRequest, w, "deliveryCompanyの値が不正です。", o.OrderNumber)
					return
				case len(row.ShippingNumber) > 120:
					asyncErr(http.StatusBadRequest, w, "shippingNumberは120文字以内で指定してください。", o.OrderNumber)
					return
				case row.ShippingDate != "" && !dateRe.MatchString(row.ShippingDate):
					asyncErr(http.StatusBadRequest, w, "shippingDateはyyyy-MM-dd形式で指定してください。", o.OrderNumber)
					return
				}
			}
		}
	}
	s.Mu.Lock()
	sh.asyncSeq++
	id := fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x_%s", uint32(sh.asyncSeq*2654435761), sh.asyncSeq&0xffff, sh.asyncSeq&0xfff, len(sh.orders)&0xfff, sh.asyncSeq, now.In(marketplace.JST).Format("20060102150405"))
	sh.async[id] = &asyncReq{id: id, readyAt: now.Add(s.asyncDelay), orders: req.OrderShippingModelList}
	for _, o := range req.OrderShippingModelList {
		sh.received = append(sh.received, ShippingReceived{RequestID: id, OrderNumber: o.OrderNumber, Baskets: o.BasketidModelList, ReceivedAt: now})
	}
	s.Mu.Unlock()
	messages(http.StatusOK, w, rakuten.Message{MessageType: "INFO", MessageCode: rakuten.MsgShipAsyncAccepted, Message: "非同期出荷情報更新を受け付けました。", RequestID: id})
}

// settle processes the async requests whose time has come, as RMS does in
// the background. Called under s.mu before anything reads their effects.
func (sh *shop) settle(now time.Time) {
	for _, a := range sh.async {
		if a.done || now.Before(a.readyAt) {
			continue
		}
		a.done = true
		for _, o := range a.orders {
			res := rakuten.ResultShippingModel{OrderNumber: o.OrderNumber}
			i, ok := sh.index(o.OrderNumber)
			if !ok {
				res.MessageModelList = []rakuten.Message{errMsg("ORDER_EXT_API_UPDATE_ORDERSHIPPING_ERROR_101", "受注情報が存在しません。")} // [I]
				a.results = append(a.results, res)
				continue
			}
			p := sh.progress(i, now.Unix())
			if p == 800 || p == 900 {
				res.MessageModelList = []rakuten.Message{errMsg(rakuten.MsgShipCancelled, "キャンセルされた注文です。")}
				a.results = append(a.results, res)
				continue
			}
			dn := 0
			for _, b := range o.BasketidModelList {
				if b.BasketID != int64(100000000+i) {
					dn += len(b.ShippingModelList)
					res.MessageModelList = append(res.MessageModelList, errMsg("ORDER_EXT_API_UPDATE_ORDERSHIPPING_ERROR_013", "basketIdが存在しません。")) // [I]
					continue
				}
				for _, row := range b.ShippingModelList {
					dn++
					m := rakuten.Message{MessageType: "INFO", DataNumber: ptr(dn)}
					if row.ShippingDetailID != nil {
						m.MessageCode, m.Message, m.ShippingDetailID = rakuten.MsgShipUpdated, "発送情報を更新しました。", row.ShippingDetailID
						for k := range sh.shipping[i] {
							if sh.shipping[i][k].ShippingDetailID == *row.ShippingDetailID {
								sh.shipping[i][k].ShippingNumber, sh.shipping[i][k].DeliveryCompany, sh.shipping[i][k].ShippingDate = row.ShippingNumber, row.DeliveryCompany, row.ShippingDate
							}
						}
					} else {
						id := sh.nextDetailID
						sh.nextDetailID++
						sh.shipping[i] = append(sh.shipping[i], rakuten.ShippingModel{ShippingDetailID: id, ShippingNumber: row.ShippingNumber,
							DeliveryCompany: row.DeliveryCompany, DeliveryCompanyName: carrierName(row.DeliveryCompany), ShippingDate: row.ShippingDate})
						m.MessageCode, m.Message, m.ShippingDetailID = rakuten.MsgShipAdded, "発送情報を追加しました。", ptr(id)
					}
					res.MessageModelList = append(res.MessageModelList, m)
				}
			}
			// Shipped once the (single) basket has a row with a ship date.
			if p == 300 && sh.orders[i].shippedAt == 0 {
				for _, row := range sh.shipping[i] {
					if row.ShippingDate != "" {
						sh.orders[i].shippedAt = now.Unix()
						break
					}
				}
			}
			a.results = append(a.results, res)
		}
	}
}

func carrierName(code string) string {
	switch code {
	case "1001":
		return "ヤマト運輸"
	case "1002":
		return "佐川急便"
	case "1003":
		return "日本郵便"
	case "1000":
		return "その他"
	}
	return ""
}

func (s *Sim) getResultShippingAsync(sh *shop, w http.ResponseWriter, r *http.Request, now time.Time) {
	var req rakuten.GetResultRequest
	if err := readJSON(r, &req); err != nil || req.RequestID == "" {
		messages(http.StatusBadRequest, w, errMsg(rakuten.MsgShipResultNoID, "requestIdを指定してください。"))
		return
	}
	s.Mu.Lock()
	sh.settle(now)
	a := sh.async[req.RequestID]
	var resp rakuten.GetResultResponse
	// Retained 30 days [V3]; "processing" and "unknown" look the same.
	if a == nil || !a.done || now.Sub(a.readyAt) > 30*24*time.Hour {
		resp.ResultShippingModelList = []rakuten.ResultShippingModel{{MessageModelList: []rakuten.Message{{MessageType: "INFO", MessageCode: rakuten.MsgShipResultNone, Message: "処理結果が存在しません。"}}}}
	} else {
		resp.ResultShippingModelList = a.results
	}
	s.Mu.Unlock()
	writeJSON(w, http.StatusOK, resp)
}

var manageRe = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,32}$`)

func invErr(w http.ResponseWriter, code, msg, path string) {
	e := rakuten.InventoryErrors{}
	e.Errors = append(e.Errors, struct {
		Code     string `json:"code"`
		Message  string `json:"message"`
		Metadata struct {
			PropertyPath string `json:"propertyPath"`
		} `json:"metadata"`
	}{Code: code, Message: msg})
	e.Errors[0].Metadata.PropertyPath = path
	writeJSON(w, http.StatusBadRequest, e)
}

func (s *Sim) bulkUpsert(sh *shop, w http.ResponseWriter, r *http.Request, now time.Time) {
	var req rakuten.InventoryUpsertRequest
	if err := readJSON(r, &req); err != nil {
		invErr(w, "IE0105", "リクエストの形式が不正です。", "inventories")
		return
	}
	if len(req.Inventories) == 0 || len(req.Inventories) > rakuten.InventoryUpsertBatch {
		invErr(w, "IE0121", "inventoriesは1〜400件で指定してください。", "inventories")
		return
	}
	seen := map[string]bool{}
	for i, row := range req.Inventories {
		p := fmt.Sprintf("inventories[%d]", i)
		key := strings.ToLower(row.ManageNumber) + "/" + row.VariantID
		switch {
		case len(row.ManageNumber) > 32 || len(row.VariantID) > 32:
			invErr(w, "IE0004", "文字数が上限を超えています。", p+".manageNumber")
			return
		case !manageRe.MatchString(row.ManageNumber) || row.VariantID == "":
			invErr(w, "IE0105", "manageNumberまたはvariantIdが不正です。", p+".manageNumber")
			return
		case row.Mode != "ABSOLUTE" && row.Mode != "RELATIVE":
			invErr(w, "IE0105", "modeはABSOLUTEまたはRELATIVEで指定してください。", p+".mode")
			return
		case row.Mode == "ABSOLUTE" && (row.Quantity < 0 || row.Quantity > 99999):
			invErr(w, "IE0003", "quantityは0〜99999で指定してください。", p+".quantity")
			return
		case seen[key]:
			invErr(w, "IE0121", "同じSKUが重複しています。", p)
			return
		}
		seen[key] = true
	}
	s.Mu.Lock()
	sh.stockCalls++
	for _, row := range req.Inventories {
		key := strings.ToLower(row.ManageNumber) + "/" + row.VariantID
		st := sh.stock[key]
		q := row.Quantity
		if row.Mode == "RELATIVE" {
			q = min(max(st.Quantity+q, 0), 99999)
		}
		// Unknown SKUs are stored too, as RMS does [V3].
		sh.stock[key] = Stock{ManageNumber: strings.ToLower(row.ManageNumber), VariantID: row.VariantID, Quantity: q, Updated: now}
	}
	s.Mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (s *Sim) expiryDate(sh *shop, w http.ResponseWriter, r *http.Request, now time.Time) {
	key := r.URL.Query().Get("licenseKey")
	s.Mu.Lock()
	c := sh.creds
	s.Mu.Unlock()
	var exp time.Time
	switch key {
	case c.LicenseKey:
		exp = c.LicenseExpiresAt
		if s.Faults().Active(c.ShopID, kit.FaultExpiredCredential) {
			exp = endOfDay(now.AddDate(0, 0, -1))
		}
	case c.ExpiredLicenseKey:
		exp = c.ExpiredAt
	default:
		gateway(w, http.StatusBadRequest, "ES02-01", "licenseKey is invalid") // [I]
		return
	}
	writeJSON(w, http.StatusOK, rakuten.ExpiryResponse{ExpiryDate: rakuten.FormatTime(exp)})
}

func (s *Sim) genreGet(sh *shop, w http.ResponseWriter, r *http.Request, now time.Time) {
	id := r.URL.Query().Get("genreId")
	if id == "" {
		id = "0"
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	stamp := now.In(marketplace.JST).Format("2006-01-02T15:04:05+09:00")
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<result><status><interfaceId>navigation.genre.get</interfaceId><systemStatus>OK</systemStatus><message>OK</message><requestId>%d</requestId><requests><genreId>%s</genreId></requests></status>
<navigationGenreGetResult><status>Success</status><genreLastUpdateDate>%s</genreLastUpdateDate><tagLastUpdateDate>%s</tagLastUpdateDate>
<genre><genreId>%s</genreId><genreName>ルート</genreName><itemRegisterFlg>0</itemRegisterFlg><ancestorGenre></ancestorGenre><childGenre><genre><genreId>100371</genreId><genreName>レディースファッション</genreName><itemRegisterFlg>0</itemRegisterFlg></genre></childGenre></genre>
</navigationGenreGetResult></result>`, now.UnixNano()%1000000, id, stamp, stamp, id)
}

// Shipments returns what the shop received through updateOrderShippingAsync.
func (s *Sim) Shipments(shopID string) []ShippingReceived {
	return kit.Query(&s.Base, shopID, func(sh *shop) []ShippingReceived { return append([]ShippingReceived(nil), sh.received...) })
}

// Stock returns the stock rows the shop holds and how many upsert calls it took.
func (s *Sim) Stock(shopID string) (map[string]Stock, int) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	sh := s.Shop(shopID)
	if sh == nil {
		return nil, 0
	}
	out := make(map[string]Stock, len(sh.stock))
	for k, v := range sh.stock {
		out[k] = v
	}
	return out, sh.stockCalls
}

// Settle processes due async requests now (the page and tests use it; the
// API paths settle on their own).
func (s *Sim) Settle() {
	now := s.Now()
	s.Mu.Lock()
	defer s.Mu.Unlock()
	for _, sh := range s.AllShops() {
		sh.settle(now)
	}
}

// Stats implements sandbox.StatsReporter for the sandbox page.
func (s *Sim) Stats(shopID string) []kit.Stat {
	now := s.Now()
	return kit.Query(&s.Base, shopID, func(sh *shop) []kit.Stat {
		sh.settle(now)
		pending := 0
		for _, a := range sh.async {
			if !a.done {
				pending++
			}
		}
		return []kit.Stat{
			{Label: "注文数", Value: len(sh.orders)},
			{Label: "受信した出荷実績（注文）", Value: len(sh.received)},
			{Label: "処理待ちの非同期リクエスト", Value: pending},
			{Label: "在庫データ（SKU）", Value: len(sh.stock)},
			{Label: "在庫更新の呼び出し", Value: sh.stockCalls},
		}
	})
}
