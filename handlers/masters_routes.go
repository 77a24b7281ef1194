package handlers

import "net/http"

// masterRoutes registers the masters pages (SPEC §12). Everyone logged in
// reads them; only admins change them (requireAdmin answers 403).
func (h *handler) masterRoutes(mux *http.ServeMux) {
	// 商品 > 商品マスタ (products.go)
	mux.HandleFunc("GET /products", h.productsPage)
	mux.Handle("GET /products/new", h.requireAdmin(h.newProductPage))
	mux.Handle("POST /products", h.requireAdmin(h.createProduct))
	mux.HandleFunc("GET /products/export", h.exportProducts)
	mux.HandleFunc("GET /products/{id}", h.productPage)
	mux.Handle("POST /products/{id}", h.requireAdmin(h.updateProduct))
	mux.Handle("POST /products/{id}/disable", h.requireAdmin(h.setProductDisabled(true)))
	mux.Handle("POST /products/{id}/enable", h.requireAdmin(h.setProductDisabled(false)))
	mux.Handle("POST /products/{id}/delete", h.requireAdmin(h.deleteProduct))

	// 商品 > 商品マスタアップロード (products_upload.go)
	mux.HandleFunc("GET /products/upload", h.productUploadPage)
	mux.HandleFunc("GET /products/upload/template", h.productTemplate)
	mux.Handle("POST /products/upload", h.requireAdmin(h.uploadProducts))
	mux.Handle("POST /products/upload/rakuten", h.requireAdmin(h.importRakutenProducts))
	mux.HandleFunc("GET /products/upload/{id}", h.productUploadPreview)
	mux.Handle("POST /products/upload/{id}/apply", h.requireAdmin(h.applyProductUpload))

	// 商品 > 外部商品対応表 (mappings.go)
	mux.HandleFunc("GET /product-mappings", h.mappingsPage)
	mux.Handle("POST /product-mappings", h.requireAdmin(h.addMapping))
	mux.Handle("POST /product-mappings/{id}/delete", h.requireAdmin(h.deleteMapping))
	mux.HandleFunc("GET /product-mappings/export", h.exportMappings)
	mux.HandleFunc("GET /product-mappings/template", h.mappingTemplate)
	mux.Handle("POST /product-mappings/upload", h.requireAdmin(h.uploadMappings))
	mux.HandleFunc("GET /product-mappings/upload/{id}", h.mappingUploadPreview)
	mux.Handle("POST /product-mappings/upload/{id}/apply", h.requireAdmin(h.applyMappingUpload))

	// 設定 > 配送サービスマスタ (delivery.go)
	mux.HandleFunc("GET /settings/delivery-services", h.deliveryPage)
	mux.HandleFunc("GET /settings/delivery-services/export", h.exportDelivery)
	mux.Handle("POST /settings/delivery-services", h.requireAdmin(h.createService))
	mux.Handle("GET /settings/delivery-services/{id}", h.requireAdmin(h.servicePage))
	mux.Handle("POST /settings/delivery-services/{id}", h.requireAdmin(h.updateService))
	mux.Handle("POST /settings/carriers", h.requireAdmin(h.saveCarrier))
	mux.Handle("POST /settings/carriers/{id}", h.requireAdmin(h.saveCarrier))
	mux.Handle("POST /settings/delivery-method-mappings", h.requireAdmin(h.addDeliveryMapping))
	mux.Handle("POST /settings/delivery-method-mappings/{id}/delete", h.requireAdmin(h.deleteDeliveryMapping))

	// 設定 > 支払方法マスタ (payments.go)
	mux.HandleFunc("GET /settings/payment-methods", h.paymentsPage)
	mux.HandleFunc("GET /settings/payment-methods/export", h.exportPayments)
	mux.Handle("POST /settings/payment-methods", h.requireAdmin(h.savePaymentMethod))
	mux.Handle("POST /settings/payment-methods/{id}", h.requireAdmin(h.savePaymentMethod))
	mux.Handle("POST /settings/payment-method-mappings", h.requireAdmin(h.addPaymentMapping))
	mux.Handle("POST /settings/payment-method-mappings/{id}/delete", h.requireAdmin(h.deletePaymentMapping))
}
