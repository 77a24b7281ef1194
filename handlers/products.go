package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/upload"
	"github.com/renkei-oss/renkei/views"
)

const productsPath = "/products"

func (h *handler) productsPage(w http.ResponseWriter, r *http.Request) {
	q := store.ProductQuery{
		Search:          strings.TrimSpace(r.FormValue("q")),
		After:           r.FormValue("after"),
		IncludeDisabled: r.FormValue("disabled") == "1",
		Limit:           50,
	}
	ps, next, err := h.Store.Products(r.Context(), q)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.page(w, r, http.StatusOK, "商品マスタ", views.Products(views.ProductsData{
		Admin: currentUser(r).IsAdmin(), Search: q.Search, Disabled: q.IncludeDisabled,
		Products: ps, Next: next, First: q.After == "",
	}))
}

func (h *handler) newProductPage(w http.ResponseWriter, r *http.Request) {
	h.page(w, r, http.StatusOK, "商品を登録", views.ProductEdit(views.ProductForm{Admin: true}))
}

// targetProduct loads the product of the {id} path segment; on failure it
// has already answered.
func (h *handler) targetProduct(w http.ResponseWriter, r *http.Request) (*domain.Product, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.notFound(w, r)
		return nil, false
	}
	p, err := h.Store.Product(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		h.notFound(w, r)
		return nil, false
	}
	if err != nil {
		h.serverError(w, r, err)
		return nil, false
	}
	return p, true
}

func (h *handler) productPage(w http.ResponseWriter, r *http.Request) {
	p, ok := h.targetProduct(w, r)
	if !ok {
		return
	}
	inUse, err := h.Store.ProductInUse(r.Context(), p.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.page(w, r, http.StatusOK, "商品 "+p.SKU, views.ProductEdit(views.ProductForm{
		Admin: currentUser(r).IsAdmin(), Product: *p, InUse: inUse,
		HandlingDays: views.OptInt(p.HandlingDays), LowStock: views.OptInt(p.LowStockThreshold),
	}))
}

// productFromForm reads the edit form into p; errors are keyed by label.
func productFromForm(r *http.Request, p *domain.Product) (views.ProductForm, bool) {
	f := views.ProductForm{Admin: true, Errors: map[string]string{}}
	p.SKU = strings.TrimSpace(r.PostFormValue("sku"))
	p.Name = strings.TrimSpace(r.PostFormValue("name"))
	p.JAN = strings.TrimSpace(r.PostFormValue("jan"))
	if opt, ok := domain.ParseProductType(r.PostFormValue("type")); ok {
		p.HasOptions = opt
	} else {
		f.Errors[domain.LabelProductType] = "種別を選んでください。"
	}
	f.HandlingDays = strings.TrimSpace(r.PostFormValue("handling_days"))
	f.LowStock = strings.TrimSpace(r.PostFormValue("low_stock_threshold"))
	p.HandlingDays, p.LowStockThreshold = nil, nil
	for _, fld := range []struct {
		label, raw string
		dst        **int
	}{{domain.LabelHandlingDays, f.HandlingDays, &p.HandlingDays}, {domain.LabelLowStock, f.LowStock, &p.LowStockThreshold}} {
		if fld.raw == "" {
			continue
		}
		n, err := strconv.Atoi(fld.raw)
		if err != nil {
			f.Errors[fld.label] = "半角の整数で入力するか、空にしてください。"
			continue
		}
		*fld.dst = &n
	}
	for _, fe := range p.Validate() {
		if _, dup := f.Errors[fe.Field]; !dup {
			f.Errors[fe.Field] = fe.Reason
		}
	}
	f.Product = *p
	return f, len(f.Errors) == 0
}

func (h *handler) createProduct(w http.ResponseWriter, r *http.Request) {
	var p domain.Product
	f, ok := productFromForm(r, &p)
	if ok {
		err := h.Store.CreateProduct(r.Context(), &p)
		if errors.Is(err, store.ErrDuplicateSKU) {
			f.Errors[domain.LabelSKU] = fmt.Sprintf("商品コード「%s」はすでに登録されています。", p.SKU)
			ok = false
		} else if err != nil {
			h.serverError(w, r, err)
			return
		}
	}
	if !ok {
		h.page(w, r, http.StatusUnprocessableEntity, "商品を登録", views.ProductEdit(f))
		return
	}
	h.flash(w, r, "success", fmt.Sprintf("商品「%s」を登録しました。", p.SKU)+h.reevaluateAfterMasters(r, 0))
	redirect(w, r, fmt.Sprintf("%s/%d", productsPath, p.ID))
}

func (h *handler) updateProduct(w http.ResponseWriter, r *http.Request) {
	p, found := h.targetProduct(w, r)
	if !found {
		return
	}
	oldSKU := p.SKU
	f, ok := productFromForm(r, p)
	if ok && p.SKU != oldSKU {
		// Mappings follow the id, but ship-order lines and channels know the SKU text.
		inUse, err := h.Store.ProductInUse(r.Context(), p.ID)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		if inUse {
			f.Errors[domain.LabelSKU] = fmt.Sprintf("商品コード「%s」は対応表や出荷指示で使われているため変更できません。新しい商品を登録し、この商品は無効にしてください。", oldSKU)
			ok = false
		}
	}
	if ok {
		err := h.Store.UpdateProduct(r.Context(), p)
		if errors.Is(err, store.ErrDuplicateSKU) {
			f.Errors[domain.LabelSKU] = fmt.Sprintf("商品コード「%s」は別の商品で使われています。", p.SKU)
			ok = false
		} else if err != nil {
			h.serverError(w, r, err)
			return
		}
	}
	if !ok {
		f.InUse, _ = h.Store.ProductInUse(r.Context(), p.ID)
		h.page(w, r, http.StatusUnprocessableEntity, "商品 "+p.SKU, views.ProductEdit(f))
		return
	}
	h.flash(w, r, "success", fmt.Sprintf("商品「%s」を保存しました。", p.SKU))
	redirect(w, r, fmt.Sprintf("%s/%d", productsPath, p.ID))
}

func (h *handler) setProductDisabled(disabled bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, ok := h.targetProduct(w, r)
		if !ok {
			return
		}
		p.Disabled = disabled
		if err := h.Store.UpdateProduct(r.Context(), p); err != nil {
			h.serverError(w, r, err)
			return
		}
		if disabled {
			h.flash(w, r, "success", fmt.Sprintf("商品「%s」を無効にしました。", p.SKU))
		} else {
			h.flash(w, r, "success", fmt.Sprintf("商品「%s」を有効に戻しました。", p.SKU))
		}
		redirect(w, r, fmt.Sprintf("%s/%d", productsPath, p.ID))
	}
}

func (h *handler) deleteProduct(w http.ResponseWriter, r *http.Request) {
	p, ok := h.targetProduct(w, r)
	if !ok {
		return
	}
	err := h.Store.DeleteProduct(r.Context(), p.ID)
	if errors.Is(err, store.ErrProductInUse) {
		h.flash(w, r, "error", fmt.Sprintf("商品「%s」は外部商品対応表で使われているため削除できません。無効にしてください。", p.SKU))
		redirect(w, r, fmt.Sprintf("%s/%d", productsPath, p.ID))
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.flash(w, r, "success", fmt.Sprintf("商品「%s」を削除しました。", p.SKU))
	redirect(w, r, productsPath)
}

func (h *handler) exportProducts(w http.ResponseWriter, r *http.Request) {
	var rows []upload.ProductExportCSV
	err := h.Store.AllProducts(r.Context(), func(p domain.Product) error {
		rows = append(rows, upload.ProductRecord(p))
		return nil
	})
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.exportCSV(w, r, "商品マスタ", "products", rows)
}
