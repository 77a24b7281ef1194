package registry

import (
	"net/url"
	"strings"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/amazon"
	"github.com/renkei-oss/renkei/marketplace/futureshop"
	"github.com/renkei-oss/renkei/marketplace/interpark"
	"github.com/renkei-oss/renkei/marketplace/rakuten"
	"github.com/renkei-oss/renkei/marketplace/shopserve"
)

// openers builds each marketplace's client from a connection. Every search
// window is capped at the import window so a run commits week by week.
var openers = map[domain.Marketplace]func(domain.Connection, marketplace.Transport) (marketplace.Adapter, error){
	domain.MarketplaceRakuten: func(c domain.Connection, t marketplace.Transport) (marketplace.Adapter, error) {
		return rakuten.New(rakuten.Config{
			BaseURL:       c.BaseURL,
			ServiceSecret: c.Secret(domain.FieldRakutenServiceSecret),
			LicenseKey:    c.Secret(domain.FieldRakutenLicenseKey),
			Transport:     t,
			MaxWindow:     domain.ImportWindowMax,
		}), nil
	},
	domain.MarketplaceAmazon: func(c domain.Connection, t marketplace.Transport) (marketplace.Adapter, error) {
		cfg := amazon.Config{
			Country: c.Param(domain.FieldAmazonMarketplace),
			Credentials: amazon.Credentials{
				ClientID:     c.Param(domain.FieldAmazonClientID),
				ClientSecret: c.Secret(domain.FieldAmazonClientSecret),
				RefreshToken: c.Secret(domain.FieldAmazonRefreshToken),
			},
			Endpoint:  c.BaseURL,
			Transport: t,
		}
		// Amazon's own hosts (production, Amazon's static sandbox) take
		// tokens from api.amazon.com; any other base URL is a simulator
		// serving LWA itself (our sandbox does).
		if u, err := url.Parse(c.BaseURL); err == nil && !strings.HasSuffix(u.Hostname(), ".amazon.com") {
			cfg.AuthEndpoint = c.BaseURL
		}
		return adapter(amazon.New(cfg))
	},
	domain.MarketplaceFutureshop: func(c domain.Connection, t marketplace.Transport) (marketplace.Adapter, error) {
		return adapter(futureshop.New(futureshop.Config{
			BaseURL:      c.BaseURL,
			ShopKey:      c.Param(domain.FieldFutureshopShopKey),
			ClientID:     c.Param(domain.FieldFutureshopClientID),
			ClientSecret: c.Secret(domain.FieldFutureshopClientSecret),
			Transport:    t,
			MaxWindow:    domain.ImportWindowMax,
		}))
	},
	domain.MarketplaceShopserve: func(c domain.Connection, t marketplace.Transport) (marketplace.Adapter, error) {
		return shopserve.New(shopserve.Config{
			BaseURL:    c.BaseURL,
			StoreID:    c.Param(domain.FieldShopserveStoreID),
			ManagerKey: c.Secret(domain.FieldShopserveManagerKey),
			Transport:  t,
			MaxWindow:  domain.ImportWindowMax,
		}), nil
	},
	domain.MarketplaceInterpark: func(c domain.Connection, t marketplace.Transport) (marketplace.Adapter, error) {
		// Interpark lists at most a day per call; its client caps the window.
		return interpark.New(interpark.Config{
			BaseURL:    c.BaseURL,
			ShopID:     c.Param(domain.FieldInterparkShopID),
			CompanyNo:  c.Param(domain.FieldInterparkCompanyNo),
			ContractNo: c.Param(domain.FieldInterparkSupplyContract),
			Transport:  t,
			MaxWindow:  domain.ImportWindowMax,
		}), nil
	},
}

// adapter keeps a failed constructor's nil client from becoming a non-nil
// interface.
func adapter[C marketplace.Adapter](c C, err error) (marketplace.Adapter, error) {
	if err != nil {
		return nil, err
	}
	return c, nil
}
