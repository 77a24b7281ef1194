package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/upload"
	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/rakuten"
)

// productImportTimeout bounds one API連携登録: paging 200,000 items at
// Rakuten's pace takes minutes, not hours.
const productImportTimeout = 10 * time.Minute

// importRakutenProducts fetches the shop's items changed since the
// connection's 商品マスタ最終取得期間, from its 商品マスタ取得開始位置, and
// stages them like an uploaded RMS item CSV: the operator sees the same
// preview (new / changed / unchanged) and applies it the same way.
func (h *handler) importRakutenProducts(w http.ResponseWriter, r *http.Request) {
	codeColumn := r.FormValue("code_column")
	c, err := h.Store.Connection(r.Context(), h.Secrets, formID(r, "connection_id"))
	if errors.Is(err, store.ErrNotFound) || (err == nil && c.Marketplace != domain.MarketplaceRakuten) {
		h.renderProductUpload(w, r, http.StatusUnprocessableEntity, "楽天市場の販売チャネルを選んでください。", codeColumn)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	q := marketplace.ProductQuery{}
	if d := c.Param(domain.FieldRakutenProductLastDate); d != "" {
		from, err := time.ParseInLocation(time.DateOnly, d, marketplace.JST)
		if err != nil {
			h.renderProductUpload(w, r, http.StatusUnprocessableEntity, fmt.Sprintf("API接続設定「%s」の商品マスタ最終取得期間「%s」が日付ではありません。API接続設定を直してください。", c.ChannelName, d), codeColumn)
			return
		}
		q.UpdatedFrom = from
	}
	if p, err := strconv.Atoi(c.Param(domain.FieldRakutenProductStartPos)); err == nil && p > 1 {
		q.Offset = p - 1 // 取得開始位置 counts from 1
	}
	rec := &store.APILogRecorder{Store: h.Store, OnError: func(err error) { h.Logger.Error("write api log", "err", err) }}
	client := rakuten.New(rakuten.Config{
		BaseURL:       c.BaseURL,
		ServiceSecret: c.Secret(domain.FieldRakutenServiceSecret),
		LicenseKey:    c.Secret(domain.FieldRakutenLicenseKey),
		HTTP:          h.MarketplaceHTTP,
		Recorder:      rec,
		Now:           h.Now,
	})
	ctx := store.WithAPILogScope(r.Context(), store.APILogScope{ConnectionID: c.ID, ChannelName: c.ChannelName, Action: string(domain.ActionProductImport)})
	ctx, cancel := context.WithTimeout(ctx, productImportTimeout)
	defer cancel()

	t, items, err := fetchRakutenCatalog(ctx, client, q, c.ID)
	if err != nil {
		h.renderProductUpload(w, r, http.StatusBadGateway, fmt.Sprintf("楽天から商品を取得できませんでした（%s）: %s", c.ChannelName, marketplace.OperatorMessage(err)), codeColumn)
		return
	}
	if err := h.Store.RecordChannelItems(r.Context(), items); err != nil {
		h.serverError(w, r, err)
		return
	}
	uid := currentUser(r).ID
	u, err := h.Store.PreviewProductUpload(r.Context(), store.Upload{Filename: "楽天API " + c.ChannelName, CreatedBy: &uid}, t, upload.LayoutRakuten, codeColumn)
	if m, ok := uploadMessage(err); ok {
		h.renderProductUpload(w, r, http.StatusUnprocessableEntity, m, codeColumn)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.Logger.Info("rakuten products fetched", "connection", c.ID, "rows", len(t.Rows), "upload", u.ID)
	redirect(w, r, fmt.Sprintf("%s/%d", productUploadPath, u.ID))
}

// fetchRakutenCatalog pages through items.search and lays the items out as
// RMS's item CSV does (an item row, then one row per SKU), so the product
// code column is chosen the same way for both sources.
func fetchRakutenCatalog(ctx context.Context, client *rakuten.Client, q marketplace.ProductQuery, connID int64) (*upload.Table, []domain.ChannelItem, error) {
	t := &upload.Table{
		Header:   []string{upload.RakutenManageNumber, upload.RakutenItemNumber, upload.RakutenItemName, upload.RakutenVariantID, upload.RakutenMerchantSKU, upload.RakutenCatalogID},
		Encoding: "楽天 API（items.search）",
	}
	var items []domain.ChannelItem
	line := 1
	for {
		page, err := client.FetchProducts(ctx, q)
		if err != nil {
			return nil, nil, err
		}
		for _, p := range page.Products {
			line++
			t.Rows = append(t.Rows, upload.Row{Line: line, Cells: []string{p.ItemCode, p.ItemNumber, p.Name, "", "", ""}})
			for _, v := range p.Variants {
				line++
				t.Rows = append(t.Rows, upload.Row{Line: line, Cells: []string{p.ItemCode, "", "", v.OptionCode, v.SKU, v.JAN}})
				name := p.Name
				if v.Options != "" {
					name += " " + v.Options
				}
				items = append(items, domain.ChannelItem{ConnectionID: connID, ItemCode: p.ItemCode, OptionCode: v.OptionCode, Name: name})
			}
		}
		if len(t.Rows) > upload.MaxRows {
			return nil, nil, fmt.Errorf("楽天の商品が%d行を超えました。商品マスタ最終取得期間か取得開始位置を進めて分けて取り込んでください", upload.MaxRows)
		}
		if page.Done || len(page.Products) == 0 {
			break
		}
		q.Offset, q.Cursor = page.NextOffset, page.NextCursor
	}
	if len(t.Rows) == 0 {
		return nil, nil, errors.New("条件に合う商品がありませんでした。商品マスタ最終取得期間を確認してください")
	}
	return t, items, nil
}
