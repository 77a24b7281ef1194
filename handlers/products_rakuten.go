package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/upload"
	"github.com/renkei-oss/renkei/jobs/productimport"
	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/views"
)

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
	f := &productimport.Fetcher{Store: h.Store, Clients: h.Clients,
		OnLogError: func(err error) { h.Logger.Error("write api log", "err", err) }}
	ctx, cancel := context.WithTimeout(r.Context(), productimport.Timeout)
	defer cancel()
	t, items, err := f.Fetch(ctx, c)
	var none *productimport.NoProductsError
	if errors.As(err, &none) {
		d := h.productUploadData(r, none.Error(), codeColumn)
		d.ErrorLink, d.ErrorLinkLabel = fmt.Sprintf("/settings/connections/%d", c.ID), "API接続設定「"+c.ChannelName+"」を開く"
		h.page(w, r, http.StatusOK, "商品マスタアップロード", views.ProductUpload(d))
		return
	}
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
