package futureshopsim

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/renkei-oss/renkei/marketplace/futureshop"
)

// find returns the order numbered no. Callers hold s.Mu.
func (sh *shop) find(no string) (simOrder, bool) {
	n, err := strconv.ParseInt(no, 10, 64)
	if err != nil {
		return simOrder{}, false
	}
	for _, o := range sh.orders {
		if sh.base+int64(o.idx) == n {
			return o, true
		}
	}
	return simOrder{}, false
}

// verticalNo is the vertical axis code of a catalogue item's j-th variant
// [I: two-digit codes like the fixtures' "01"].
func verticalNo(j int) string { return fmt.Sprintf("%02d", j+1) }

func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	b, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err == nil {
		err = json.Unmarshal(b, v)
	}
	if err != nil {
		apiError(w, http.StatusBadRequest, futureshop.CodeInvalidParam, "リクエストボディがJSONとして読めません")
		return false
	}
	return true
}

func failed(key, code, msg string, order bool) futureshop.ItemResult {
	x := futureshop.ItemResult{Status: futureshop.ResultFailed, Errors: []futureshop.APIError{{Code: code, Message: msg}}}
	if order {
		x.OrderNo = key
	} else {
		x.ProductNo = key
	}
	return x
}

// ship is 発送API [V]: ≤ 100 orders; per order a result; a shippingDate
// marks the shipment shipped. The result envelope is proposed [I].
func (s *Sim) ship(w http.ResponseWriter, r *http.Request, shopKey string) {
	var req futureshop.ShippingRequest
	if !readJSON(w, r, &req) {
		return
	}
	if len(req.OrderList) == 0 || len(req.OrderList) > futureshop.ShippingBatch {
		apiError(w, http.StatusBadRequest, futureshop.CodeInvalidParam, "orderList は1〜100件で指定してください")
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	sh := s.Shop(shopKey)
	resp := futureshop.ResultResponse{Status: futureshop.ResultSuccess}
	for _, o := range req.OrderList {
		res := futureshop.ItemResult{OrderNo: o.OrderNo, Status: futureshop.ResultSuccess}
		_, ok := sh.find(o.OrderNo)
		switch {
		case len(o.OrderNo) > futureshop.MaxOrderNoBytes || !ok:
			res = failed(o.OrderNo, futureshop.CodeNotFound, "受注番号が存在しません", true)
		case len(o.ShipmentList) == 0:
			res = failed(o.OrderNo, futureshop.CodeInvalidParam, "shipmentList は必須です", true)
		}
		for _, sm := range o.ShipmentList {
			if res.Status != futureshop.ResultSuccess {
				break
			}
			in := sm.ShippingInfo
			if sm.ShipmentNo != 1 { // the sandbox's orders have one destination
				res = failed(o.OrderNo, futureshop.CodeInvalidParam, "shipmentNo "+strconv.Itoa(sm.ShipmentNo)+" は存在しません", true)
				break
			}
			if len(in.InvoiceNo) > futureshop.MaxInvoiceNoBytes || !dateOK(in.ShippingDate) || !dateOK(in.ExpectedArrival) {
				res = failed(o.OrderNo, futureshop.CodeInvalidParam, "invoiceNo は100バイト以内、日付は yyyy-mm-dd です", true)
				break
			}
			// Omitted fields are left unchanged [V].
			cur := sh.shipped[o.OrderNo]
			if in.InvoiceNo != "" {
				cur.invoiceNo = in.InvoiceNo
			}
			if in.ShippingDate != "" {
				cur.date = in.ShippingDate
			}
			if in.ExpectedArrival != "" {
				cur.arrival = in.ExpectedArrival
			}
			sh.shipped[o.OrderNo] = cur
		}
		if res.Status != futureshop.ResultSuccess {
			resp.Status = futureshop.ResultFailed
		}
		resp.Results = append(resp.Results, res)
	}
	writeJSON(w, http.StatusOK, resp)
}

func dateOK(s string) bool {
	if s == "" {
		return true
	}
	_, err := time.Parse(futureshop.DateLayout, s)
	return err == nil
}

// stockSearch is 在庫検索 (通常在庫) [V3], 10 products a page [I] so the
// demo catalogue pages.
func (s *Sim) stockSearch(w http.ResponseWriter, r *http.Request, shopKey string) {
	q := r.URL.Query()
	off, ok := cursorOffset(w, q)
	if !ok {
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	sh := s.Shop(shopKey)
	const pageSize = 10
	resp := futureshop.InventorySearchResponse{ProductList: []futureshop.InventoryProduct{}}
	end := min(off+pageSize, len(sh.items))
	for _, it := range sh.items[min(off, len(sh.items)):end] {
		p := futureshop.InventoryProduct{ProductNo: it.ItemNumber, Name: it.Name, DateCreated: jst(it.Created),
			InventoryInfo: futureshop.InventoryInfo{Regular: &futureshop.InventoryRegular{}}}
		for j, v := range it.Variants {
			vn := verticalNo(j)
			p.InventoryInfo.Regular.InventoryList = append(p.InventoryInfo.Regular.InventoryList,
				futureshop.InventoryRow{SkuNo: v.SKU, VerticalNo: vn, JanCode: v.JAN, Count: sh.stock[it.ItemNumber][vn]})
		}
		resp.ProductList = append(resp.ProductList, p)
	}
	if end < len(sh.items) {
		q.Set(futureshop.QueryCursor, encodeCursor(end))
		resp.NextURL = selfURL(r) + "?" + url.Values(q).Encode()
	}
	writeJSON(w, http.StatusOK, resp)
}

// stockUpdate is 在庫更新 [V3]: absolute counts; a product or axis code
// that does not exist fails that product.
func (s *Sim) stockUpdate(w http.ResponseWriter, r *http.Request, shopKey string) {
	var req futureshop.InventoryRequest
	if !readJSON(w, r, &req) {
		return
	}
	if len(req.ProductList) == 0 || len(req.ProductList) > futureshop.InventoryBatch {
		apiError(w, http.StatusBadRequest, futureshop.CodeInvalidParam, "productList は1〜100件で指定してください") // [I]
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	sh := s.Shop(shopKey)
	resp := futureshop.ResultResponse{Status: futureshop.ResultSuccess}
	for _, p := range req.ProductList {
		res := futureshop.ItemResult{ProductNo: p.ProductNo, Status: futureshop.ResultSuccess}
		rows, ok := sh.stock[p.ProductNo]
		switch {
		case !ok:
			res = failed(p.ProductNo, futureshop.CodeNotFound, "商品番号が存在しません", false)
		case p.InventoryInfo.Regular == nil:
			res = failed(p.ProductNo, futureshop.CodeInvalidParam, "inventoryInfo.regular は必須です", false)
		default:
			for _, row := range p.InventoryInfo.Regular.InventoryList {
				if _, ok := rows[row.VerticalNo]; !ok || row.HorizontalNo != "" || row.Count < 0 || row.Count > futureshop.MaxStock {
					res = failed(p.ProductNo, futureshop.CodeInvalidParam, "バリエーション "+row.VerticalNo+"/"+row.HorizontalNo+" がないか、数量が範囲外です", false)
					break
				}
			}
			if res.Status == futureshop.ResultSuccess {
				for _, row := range p.InventoryInfo.Regular.InventoryList {
					rows[row.VerticalNo] = row.Count
					sh.updates++
				}
			}
		}
		if res.Status != futureshop.ResultSuccess {
			resp.Status = futureshop.ResultFailed
		}
		resp.Results = append(resp.Results, res)
	}
	writeJSON(w, http.StatusOK, resp)
}

// Stock returns a shop's count of productNo's variation (tests).
func (s *Sim) Stock(shopKey, productNo, optionCode string) (int, bool) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	sh := s.Shop(shopKey)
	if sh == nil {
		return 0, false
	}
	n, ok := sh.stock[productNo][optionCode]
	return n, ok
}
