package domain

import (
	"strings"
	"testing"
	"time"
)

func validConnection(m Marketplace) *Connection {
	c := NewConnection(m, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	c.ChannelName = "テスト店"
	c.ShipFromID = 1
	switch m {
	case MarketplaceRakuten:
		c.Secrets[FieldRakutenServiceSecret] = "SP123456_secret"
		c.Secrets[FieldRakutenLicenseKey] = "SL123456_license"
	case MarketplaceAmazon:
		c.Params[FieldAmazonClientID] = "amzn1.application-oa2-client.abc"
		c.Secrets[FieldAmazonClientSecret] = "amzn1.oa2-cs.v1.secret"
		c.Secrets[FieldAmazonRefreshToken] = "Atzr|refresh"
	case MarketplaceFutureshop:
		c.BaseURL = "https://api.admin.future-shop.net"
		c.Params[FieldFutureshopShopKey] = "shop123"
		c.Params[FieldFutureshopClientID] = "fs-client.0123"
		c.Secrets[FieldFutureshopClientSecret] = "secret-value"
	case MarketplaceShopserve:
		c.Params[FieldShopserveStoreID] = "example.wc"
		c.Secrets[FieldShopserveManagerKey] = strings.Repeat("ab12", 10)
	case MarketplaceInterpark:
		c.Params[FieldInterparkShopID] = "SHOP01"
		c.Params[FieldInterparkCompanyNo] = "3000010614"
		c.Params[FieldInterparkSupplyContract] = "1"
	}
	return c
}

func TestConnectionValidateValid(t *testing.T) {
	for _, m := range Marketplaces {
		c := validConnection(m)
		c.Normalize()
		if errs := c.Validate(nil, time.Now()); len(errs) != 0 {
			t.Errorf("%s: unexpected errors %v", m, errs)
		}
	}
}

func TestConnectionValidateRules(t *testing.T) {
	tests := []struct {
		name   string
		m      Marketplace
		change func(c *Connection)
		field  string
		want   string
	}{
		{"channel name required", MarketplaceRakuten, func(c *Connection) { c.ChannelName = "  " }, ConnFieldChannelName, "販売チャネル名を入力"},
		{"channel name too long", MarketplaceRakuten, func(c *Connection) { c.ChannelName = strings.Repeat("店", 101) }, ConnFieldChannelName, "100文字以内"},
		{"base url required", MarketplaceRakuten, func(c *Connection) { c.BaseURL = "" }, ConnFieldBaseURL, "URLを入力"},
		{"base url scheme", MarketplaceRakuten, func(c *Connection) { c.BaseURL = "ftp://x" }, ConnFieldBaseURL, "https://"},
		{"futureshop has no default url", MarketplaceFutureshop, func(c *Connection) { c.BaseURL = MarketplaceFutureshop.DefaultBaseURL() }, ConnFieldBaseURL, "URLを入力"},
		{"ship from required", MarketplaceAmazon, func(c *Connection) { c.ShipFromID = 0 }, ConnFieldShipFrom, "発送元を選んで"},
		{"service secret required", MarketplaceRakuten, func(c *Connection) { delete(c.Secrets, FieldRakutenServiceSecret) }, FieldRakutenServiceSecret, "サービスシークレットを入力"},
		{"license key no spaces", MarketplaceRakuten, func(c *Connection) { c.Secrets[FieldRakutenLicenseKey] = "SL 1" }, FieldRakutenLicenseKey, "空白なし"},
		{"fetch days below 1", MarketplaceRakuten, func(c *Connection) { c.Params[FieldRakutenOrderFetchDays] = "0" }, FieldRakutenOrderFetchDays, "1〜64"},
		{"fetch days above 64", MarketplaceRakuten, func(c *Connection) { c.Params[FieldRakutenOrderFetchDays] = "65" }, FieldRakutenOrderFetchDays, "1〜64"},
		{"fetch days not a number", MarketplaceRakuten, func(c *Connection) { c.Params[FieldRakutenOrderFetchDays] = "十" }, FieldRakutenOrderFetchDays, "半角数字"},
		{"product date format", MarketplaceRakuten, func(c *Connection) { c.Params[FieldRakutenProductLastDate] = "2026/01/31" }, FieldRakutenProductLastDate, "2026-01-31"},
		{"product start position", MarketplaceRakuten, func(c *Connection) { c.Params[FieldRakutenProductStartPos] = "0" }, FieldRakutenProductStartPos, "1〜1000000000"},
		{"default row required", MarketplaceRakuten, func(c *Connection) { c.PaymentStatuses = []PaymentStatusRule{{"1", 300}} }, ConnFieldPaymentStatuses, "デフォルト"},
		{"duplicate payment method", MarketplaceRakuten, func(c *Connection) {
			c.PaymentStatuses = append(c.PaymentStatuses, PaymentStatusRule{"2", 300}, PaymentStatusRule{"2", 100})
		}, ConnFieldPaymentStatuses, "代金引換」が2回"},
		{"unknown status", MarketplaceRakuten, func(c *Connection) { c.PaymentStatuses[0].Status = 500 }, ConnFieldPaymentStatuses, "ステータスを一覧から"},
		{"unknown payment method", MarketplaceRakuten, func(c *Connection) { c.PaymentStatuses = append(c.PaymentStatuses, PaymentStatusRule{"99", 300}) }, ConnFieldPaymentStatuses, "支払方法は一覧から"},
		{"amazon marketplace", MarketplaceAmazon, func(c *Connection) { c.Params[FieldAmazonMarketplace] = "US" }, FieldAmazonMarketplace, "一覧から"},
		{"amazon client id required", MarketplaceAmazon, func(c *Connection) { c.Params[FieldAmazonClientID] = "" }, FieldAmazonClientID, "LWAクライアントIDを入力"},
		{"amazon client id format", MarketplaceAmazon, func(c *Connection) { c.Params[FieldAmazonClientID] = "client-1" }, FieldAmazonClientID, "amzn1.application-oa2-client."},
		{"amazon refresh token format", MarketplaceAmazon, func(c *Connection) { c.Secrets[FieldAmazonRefreshToken] = "Atza|access" }, FieldAmazonRefreshToken, "Atzr|"},
		{"amazon refresh token required", MarketplaceAmazon, func(c *Connection) { c.Secrets[FieldAmazonRefreshToken] = "" }, FieldAmazonRefreshToken, "リフレッシュトークンを入力"},
		{"amazon secret issue date format", MarketplaceAmazon, func(c *Connection) { c.Params[FieldAmazonSecretIssued] = "2026/01/31" }, FieldAmazonSecretIssued, "2026-01-31"},
		{"amazon secret issue date in the future", MarketplaceAmazon, func(c *Connection) {
			c.Params[FieldAmazonSecretIssued] = time.Now().In(jst).AddDate(0, 0, 2).Format(time.DateOnly)
		}, FieldAmazonSecretIssued, "未来の日付は指定できません"},
		{"futureshop shop key", MarketplaceFutureshop, func(c *Connection) { c.Params[FieldFutureshopShopKey] = "" }, FieldFutureshopShopKey, "店舗キーを入力"},
		{"shopserve manager key format", MarketplaceShopserve, func(c *Connection) { c.Secrets[FieldShopserveManagerKey] = "short" }, FieldShopserveManagerKey, "40桁"},
		{"shopserve store id format", MarketplaceShopserve, func(c *Connection) { c.Params[FieldShopserveStoreID] = "店舗" }, FieldShopserveStoreID, "半角英数字"},
		{"interpark company number digits", MarketplaceInterpark, func(c *Connection) { c.Params[FieldInterparkCompanyNo] = "30-00" }, FieldInterparkCompanyNo, "半角数字"},
		{"interpark contract range", MarketplaceInterpark, func(c *Connection) { c.Params[FieldInterparkSupplyContract] = "0" }, FieldInterparkSupplyContract, "1〜9999"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validConnection(tt.m)
			tt.change(c)
			c.Normalize()
			errs := c.Validate(nil, time.Now())
			if len(errs) != 1 {
				t.Fatalf("errors %v, want exactly one on %s", errs, tt.field)
			}
			if !strings.Contains(errs[tt.field], tt.want) {
				t.Errorf("error on %s = %q, want it to contain %q", tt.field, errs[tt.field], tt.want)
			}
		})
	}
}

func TestBlankSecretKeepsStored(t *testing.T) {
	c := validConnection(MarketplaceRakuten)
	c.Secrets = map[string]string{}
	stored := func(name string) bool { return name == FieldRakutenLicenseKey }
	errs := c.Validate(stored, time.Now())
	if _, ok := errs[FieldRakutenLicenseKey]; ok {
		t.Error("blank secret with a stored value was refused")
	}
	if _, ok := errs[FieldRakutenServiceSecret]; !ok {
		t.Error("blank secret without a stored value was accepted")
	}
}

func TestMaskSecret(t *testing.T) {
	for in, want := range map[string]string{
		"SL123456ABCD": "••••ABCD",
		"abcd":         "••••",
		"":             "••••",
		"秘密のキー12":      "••••キー12",
	} {
		if got := MaskSecret(in); got != want {
			t.Errorf("MaskSecret(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestExpiryWarning(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, jst)
	at := func(d time.Duration) *time.Time { x := now.Add(d); return &x }
	tests := []struct {
		expires *time.Time
		want    bool
	}{
		{nil, false},
		{at(15 * 24 * time.Hour), false},
		{at(14*24*time.Hour - time.Minute), true},
		{at(-time.Hour), true},
	}
	for _, tt := range tests {
		c := Connection{CredentialExpiresAt: tt.expires}
		if got := c.ExpiryWarning(now); got != tt.want {
			t.Errorf("expires %v: warning %v, want %v", tt.expires, got, tt.want)
		}
	}
}

func TestAmazonSecretIssueDateBoundary(t *testing.T) {
	// 16:00 UTC is already the next day in Japan: the Japan date decides.
	now := time.Date(2026, 3, 1, 16, 0, 0, 0, time.UTC)
	tests := []struct {
		issued string
		ok     bool
	}{
		{"", true}, // optional: old connections have none
		{"2025-09-03", true},
		{"2026-03-01", true},
		{"2026-03-02", true},  // today in Japan
		{"2026-03-03", false}, // tomorrow in Japan
	}
	for _, tt := range tests {
		c := validConnection(MarketplaceAmazon)
		c.Params[FieldAmazonSecretIssued] = tt.issued
		errs := c.Validate(nil, now)
		if _, bad := errs[FieldAmazonSecretIssued]; bad == tt.ok || len(errs) > 1 {
			t.Errorf("issued %q: errors %v, want ok=%v", tt.issued, errs, tt.ok)
		}
	}
}

func TestAmazonSecretExpiry(t *testing.T) {
	tests := []struct {
		issued string
		want   string // Japan date of the expiry, "" when none
	}{
		{"2026-03-01", "2026-08-28"},
		{"2027-12-01", "2028-05-29"}, // across 29 February
		{"2026-12-31", "2027-06-29"},
		{"", ""},
		{"2026/03/01", ""},
	}
	for _, tt := range tests {
		exp, ok := AmazonSecretExpiry(tt.issued)
		got := ""
		if ok {
			got = FormatJSTDate(exp)
			if exp.In(jst).Hour() != 0 || exp.In(jst).Minute() != 0 {
				t.Errorf("%q: expiry %v is not the start of a Japan day", tt.issued, exp)
			}
		}
		if got != tt.want {
			t.Errorf("AmazonSecretExpiry(%q) = %q, want %q", tt.issued, got, tt.want)
		}
	}
}

func TestDateAmazonSecret(t *testing.T) {
	// 20:00 UTC on 1 March is 2 March in Japan.
	now := time.Date(2026, 3, 1, 20, 0, 0, 0, time.UTC)
	kept := time.Date(2026, 4, 1, 0, 0, 0, 0, jst)
	stored := func(issued string) *Connection {
		c := validConnection(MarketplaceAmazon)
		c.Params[FieldAmazonSecretIssued] = issued
		c.CredentialExpiresAt = &kept
		return c
	}
	tests := []struct {
		name       string
		stored     *Connection
		secret     string
		issued     string
		wantIssued string
		wantExpiry string // Japan date, "" for nil (the stored expiry stays)
	}{
		{"new with a secret, date blank", nil, "cs-new", "", "2026-03-02", "2026-08-29"},
		{"new with a secret and a date", nil, "cs-new", "2026-01-10", "2026-01-10", "2026-07-09"},
		{"new secret, date unchanged", stored("2025-12-01"), "cs-new", "2025-12-01", "2026-03-02", "2026-08-29"},
		{"new secret with a new date", stored("2025-12-01"), "cs-new", "2026-02-20", "2026-02-20", "2026-08-19"},
		{"no secret, date unchanged", stored("2025-12-01"), "", "2025-12-01", "2025-12-01", "2026-05-30"},
		{"no secret, date corrected", stored("2025-12-01"), "", "2025-11-15", "2025-11-15", "2026-05-14"},
		{"old connection, nothing typed", stored(""), "", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validConnection(MarketplaceAmazon)
			c.Secrets[FieldAmazonClientSecret] = tt.secret
			c.Params[FieldAmazonSecretIssued] = tt.issued
			c.DateAmazonSecret(tt.stored, now)
			if got := c.Params[FieldAmazonSecretIssued]; got != tt.wantIssued {
				t.Errorf("issued = %q, want %q", got, tt.wantIssued)
			}
			got := ""
			if c.CredentialExpiresAt != nil {
				got = FormatJSTDate(*c.CredentialExpiresAt)
			}
			if got != tt.wantExpiry {
				t.Errorf("expiry = %q, want %q", got, tt.wantExpiry)
			}
		})
	}
	// Other marketplaces are left alone.
	r := validConnection(MarketplaceRakuten)
	r.DateAmazonSecret(nil, now)
	if r.CredentialExpiresAt != nil || r.Params[FieldAmazonSecretIssued] != "" {
		t.Errorf("Rakuten connection dated: %v %q", r.CredentialExpiresAt, r.Params[FieldAmazonSecretIssued])
	}
}
