package orderimport

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/amazon"
	"github.com/renkei-oss/renkei/marketplace/futureshop"
	"github.com/renkei-oss/renkei/marketplace/interpark"
	"github.com/renkei-oss/renkei/marketplace/rakuten"
	"github.com/renkei-oss/renkei/marketplace/shopserve"
)

// ClientOptions are the transport settings of the clients an import builds.
type ClientOptions struct {
	HTTP        *http.Client
	Pacer       *marketplace.Pacer // nil: the process-wide pacer
	Now         func() time.Time   // the marketplace clock (the sandbox's in tests)
	Timeout     time.Duration
	MaxAttempts int
	BackoffBase time.Duration
	BackoffMax  time.Duration
}

// Searchers builds order searchers for the marketplaces that have a client
// (Rakuten, Amazon); others get nil, which the runner reports as 未対応.
func Searchers(o ClientOptions) SearcherFunc {
	return func(_ context.Context, c domain.Connection, rec marketplace.CallRecorder) (marketplace.OrderSearcher, error) {
		switch c.Marketplace {
		case domain.MarketplaceRakuten:
			return rakuten.New(rakuten.Config{
				BaseURL: c.BaseURL, ServiceSecret: c.Secret(domain.FieldRakutenServiceSecret), LicenseKey: c.Secret(domain.FieldRakutenLicenseKey),
				HTTP: o.HTTP, Timeout: o.Timeout, MaxAttempts: o.MaxAttempts, BackoffBase: o.BackoffBase, BackoffMax: o.BackoffMax,
				Pacer: o.Pacer, Recorder: rec, MaxWindow: domain.ImportWindowMax, Now: o.Now,
			}), nil
		case domain.MarketplaceAmazon:
			cfg := amazon.Config{
				Country: c.Param(domain.FieldAmazonMarketplace),
				Credentials: amazon.Credentials{
					ClientID:     c.Param(domain.FieldAmazonClientID),
					ClientSecret: c.Secret(domain.FieldAmazonClientSecret),
					RefreshToken: c.Secret(domain.FieldAmazonRefreshToken),
				},
				Endpoint: c.BaseURL, HTTP: o.HTTP, Pacer: o.Pacer, Recorder: rec, Now: o.Now,
				Timeout: o.Timeout, MaxAttempts: o.MaxAttempts, BackoffBase: o.BackoffBase, BackoffMax: o.BackoffMax,
			}
			// Amazon's own hosts take tokens from api.amazon.com; a simulator
			// (our sandbox) serves LWA itself at its base URL.
			if u, err := url.Parse(c.BaseURL); err == nil && !strings.HasSuffix(u.Hostname(), ".amazon.com") {
				cfg.AuthEndpoint = c.BaseURL
			}
			return amazon.New(cfg)
		case domain.MarketplaceFutureshop:
			return futureshop.New(futureshop.Config{
				BaseURL: c.BaseURL, ShopKey: c.Param(domain.FieldFutureshopShopKey),
				ClientID: c.Param(domain.FieldFutureshopClientID), ClientSecret: c.Secret(domain.FieldFutureshopClientSecret),
				HTTP: o.HTTP, Timeout: o.Timeout, MaxAttempts: o.MaxAttempts, BackoffBase: o.BackoffBase, BackoffMax: o.BackoffMax,
				Pacer: o.Pacer, Recorder: rec, MaxWindow: domain.ImportWindowMax, Now: o.Now,
			})
		case domain.MarketplaceInterpark:
			return interpark.New(interpark.Config{
				BaseURL: c.BaseURL, ShopID: c.Param(domain.FieldInterparkShopID),
				CompanyNo: c.Param(domain.FieldInterparkCompanyNo), ContractNo: c.Param(domain.FieldInterparkSupplyContract),
				HTTP: o.HTTP, Timeout: o.Timeout, MaxAttempts: o.MaxAttempts, BackoffBase: o.BackoffBase, BackoffMax: o.BackoffMax,
				Pacer: o.Pacer, Recorder: rec, Now: o.Now,
			}), nil
		case domain.MarketplaceShopserve:
			return shopserve.New(shopserve.Config{
				BaseURL: c.BaseURL, StoreID: c.Param(domain.FieldShopserveStoreID), ManagerKey: c.Secret(domain.FieldShopserveManagerKey),
				HTTP: o.HTTP, Timeout: o.Timeout, MaxAttempts: o.MaxAttempts, BackoffBase: o.BackoffBase, BackoffMax: o.BackoffMax,
				Pacer: o.Pacer, Recorder: rec, MaxWindow: domain.ImportWindowMax, Now: o.Now,
			}), nil
		}
		return nil, nil
	}
}
