package jobtest

import (
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/marketplace/amazon"
	"github.com/renkei-oss/renkei/marketplace/futureshop"
	"github.com/renkei-oss/renkei/marketplace/interpark"
	"github.com/renkei-oss/renkei/marketplace/sandbox"
	"github.com/renkei-oss/renkei/marketplace/sandbox/amazonsim"
	"github.com/renkei-oss/renkei/marketplace/sandbox/futureshopsim"
	"github.com/renkei-oss/renkei/marketplace/sandbox/interparksim"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
	"github.com/renkei-oss/renkei/marketplace/sandbox/rakutensim"
	"github.com/renkei-oss/renkei/marketplace/sandbox/shopservesim"
)

// Marketplace is one registered marketplace as the suites drive it: its
// simulator, how a test shop is opened there and connected to, and the
// masters its orders need so that imports convert them.
type Marketplace struct {
	Marketplace domain.Marketplace
	Simulator   sandbox.Factory
	// OpenShop adds an empty test shop to sim and returns its id and the
	// connection's fields to reach it; orders come with AddOrdersBetween.
	OpenShop func(sim sandbox.Simulator) (shop string, params, secrets map[string]string)
	// APIPath is the API's root below the simulator's base ("/v2").
	APIPath string
	// Deliveries maps the shop's 配送方法 names to our delivery services;
	// Payments maps its payment names to the kind of our payment method.
	Deliveries map[string]string
	Payments   map[string]string
	// Configure sets what the connection form would for this marketplace.
	Configure func(c *domain.Connection)
}

// generated are the 配送方法 names of kit's generated orders.
var generated = map[string]string{"宅配便": "宅急便", "メール便": "ネコポス", "クール便": "クール宅急便", "コンビニ受取": "コンビニ受取"}

// Marketplaces lists one entry per marketplace of the registry (a test
// checks it), in the registry's order.
var Marketplaces = []Marketplace{
	{
		Marketplace: domain.MarketplaceRakuten,
		Simulator:   func(e kit.Env) sandbox.Simulator { return rakutensim.New(e) },
		OpenShop: func(sim sandbox.Simulator) (string, map[string]string, map[string]string) {
			c := sim.(*rakutensim.Sim).NewShop(rakutensim.ShopOptions{ID: "400100"})
			return c.ShopID, nil, map[string]string{domain.FieldRakutenServiceSecret: c.ServiceSecret, domain.FieldRakutenLicenseKey: c.LicenseKey}
		},
		Deliveries: generated,
		Payments: map[string]string{"クレジットカード": "credit_card", "代金引換": "cod", "銀行振込": "prepaid", "後払い": "deferred",
			"Apple Pay": "credit_card", "ローソン、郵便局ATM等（前払）": "prepaid"},
		Configure: func(c *domain.Connection) {
			c.Params[domain.FieldRakutenOrderFetchDays] = "21"
			// COD ships at once (target 100); everything else at 発送待ち.
			c.PaymentStatuses = []domain.PaymentStatusRule{{PaymentMethod: domain.PaymentMethodDefault, Status: 300}, {PaymentMethod: "2", Status: 100}}
		},
	},
	{
		Marketplace: domain.MarketplaceAmazon,
		Simulator:   func(e kit.Env) sandbox.Simulator { return amazonsim.New(e) },
		OpenShop: func(sim sandbox.Simulator) (string, map[string]string, map[string]string) {
			sim.(*amazonsim.Sim).NewShop(amazonsim.ShopOptions{ID: "seller-a", Name: "テスト出品者", RefreshToken: "Atzr|seller-a", MarketplaceID: amazon.MarketplaceJP})
			return "seller-a", map[string]string{domain.FieldAmazonMarketplace: "JP", domain.FieldAmazonClientID: amazonsim.DemoClientID},
				map[string]string{domain.FieldAmazonClientSecret: amazonsim.DemoClientSecret, domain.FieldAmazonRefreshToken: "Atzr|seller-a"}
		},
		Deliveries: generated,
		Payments:   map[string]string{amazon.PaymentCOD: "cod", amazon.PaymentCVS: "prepaid", amazon.PaymentOther: "other"},
	},
	{
		Marketplace: domain.MarketplaceFutureshop,
		Simulator:   func(e kit.Env) sandbox.Simulator { return futureshopsim.New(e) },
		OpenShop: func(sim sandbox.Simulator) (string, map[string]string, map[string]string) {
			c := sim.(*futureshopsim.Sim).NewShop(futureshopsim.ShopOptions{})
			return c.ShopKey, map[string]string{domain.FieldFutureshopShopKey: c.ShopKey, domain.FieldFutureshopClientID: c.ClientID},
				map[string]string{domain.FieldFutureshopClientSecret: c.ClientSecret}
		},
		Deliveries: generated,
		Payments: map[string]string{futureshop.PaymentNames[futureshop.PaymentCOD]: "cod", futureshop.PaymentNames[futureshop.PaymentBankTransfer]: "prepaid",
			futureshop.PaymentNames[futureshop.PaymentConvenience]: "prepaid", futureshop.PaymentNames[futureshop.PaymentDeferred]: "deferred",
			futureshop.PaymentNames[futureshop.PaymentCreditCard]: "credit_card"},
	},
	{
		Marketplace: domain.MarketplaceShopserve,
		Simulator:   func(e kit.Env) sandbox.Simulator { return shopservesim.New(e) },
		OpenShop: func(sim sandbox.Simulator) (string, map[string]string, map[string]string) {
			c := sim.(*shopservesim.Sim).NewShop(shopservesim.ShopOptions{ID: "import.wc"})
			return c.StoreID, map[string]string{domain.FieldShopserveStoreID: c.StoreID}, map[string]string{domain.FieldShopserveManagerKey: c.ManagerKey}
		},
		APIPath:    "/v2",
		Deliveries: generated,
		Payments: map[string]string{"クレジットカード": "credit_card", "PayPay": "credit_card", "代金引換": "cod", "銀行振込": "prepaid",
			"コンビニ(番号端末式)": "prepaid", "後払い": "deferred"},
	},
	{
		Marketplace: domain.MarketplaceInterpark,
		Simulator:   func(e kit.Env) sandbox.Simulator { return interparksim.New(e) },
		OpenShop: func(sim sandbox.Simulator) (string, map[string]string, map[string]string) {
			c := sim.(*interparksim.Sim).NewShop(interparksim.ShopOptions{Creds: interparksim.Creds{ShopID: "IPTEST"}})
			return c.ShopID, map[string]string{domain.FieldInterparkShopID: c.ShopID, domain.FieldInterparkCompanyNo: c.CompanyNo,
				domain.FieldInterparkSupplyContract: c.ContractNo}, nil
		},
		// Interpark's lists carry neither name: every order gets these two.
		Deliveries: map[string]string{interpark.DeliveryName: "EMS"},
		Payments:   map[string]string{interpark.PaymentName: "credit_card"},
	},
}

// Lookup finds m's entry.
func Lookup(m domain.Marketplace) (Marketplace, bool) {
	for _, x := range Marketplaces {
		if x.Marketplace == m {
			return x, true
		}
	}
	return Marketplace{}, false
}

// T0 is the sandbox clock when a fixture starts: 2026-11-20 12:00 JST, a
// Friday (no Shopserve maintenance).
var T0 = time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC)
