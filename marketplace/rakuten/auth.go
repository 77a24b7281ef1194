package rakuten

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
)

var _ marketplace.ConnectionTester = (*Client)(nil)
var _ marketplace.CredentialExpiryChecker = (*Client)(nil)

// AuthHeader is the ESA header value: "ESA " + base64(serviceSecret:licenseKey).
func AuthHeader(serviceSecret, licenseKey string) string {
	return "ESA " + base64.StdEncoding.EncodeToString([]byte(serviceSecret+":"+licenseKey))
}

// explainAuth turns ES01-01 into CredentialExpired when the expiry lookup
// says the key is past its date: RMS answers both the same way.
func (c *Client) explainAuth(ctx context.Context, err error) error {
	e, ok := err.(*marketplace.Error)
	if !ok || e.Kind != marketplace.AuthFailed || e.Operation == FunctionLicenseExpiry {
		return err
	}
	exp, xerr := c.CredentialExpiry(ctx)
	if xerr != nil || exp.IsZero() || exp.After(c.cfg.Now()) {
		return err
	}
	e.Kind = marketplace.CredentialExpired
	e.ExpiresAt = exp
	return e
}

// CredentialExpiry asks RMS when the license key expires.
func (c *Client) CredentialExpiry(ctx context.Context) (time.Time, error) {
	q := url.Values{"licenseKey": {c.cfg.LicenseKey}}
	resp, err := c.http.Do(ctx, marketplace.Request{
		Operation: FunctionLicenseExpiry,
		Method:    http.MethodGet,
		URL:       c.cfg.BaseURL + PathLicenseExpiry + "?" + q.Encode(),
		Header:    http.Header{"Authorization": {c.auth}},
		PaceKey:   c.key + ":other",
		Pace:      paceOther,
	})
	if err != nil {
		return time.Time{}, err
	}
	var r ExpiryResponse
	if err := json.Unmarshal(resp.Body, &r); err != nil || r.ExpiryDate == "" {
		return time.Time{}, malformed(FunctionLicenseExpiry, err)
	}
	t, err := ParseTime(r.ExpiryDate)
	if err != nil {
		return time.Time{}, malformed(FunctionLicenseExpiry, err)
	}
	if len(strings.TrimSpace(r.ExpiryDate)) == len(DateLayout) {
		// A bare date means the end of that day in Japan [V3: 23:59:59 JST].
		t = t.Add(24*time.Hour - time.Second)
	}
	return t, nil
}

// TestConnection calls navigation.genre.get for the root genre (cheap and
// authenticated) and looks up the key's expiry.
func (c *Client) TestConnection(ctx context.Context) (marketplace.ConnectionInfo, error) {
	resp, err := c.do(ctx, FunctionGenreGet, http.MethodGet, PathGenreGet+"?genreId=0", nil, paceOther, "other", false)
	if err != nil {
		return marketplace.ConnectionInfo{}, err
	}
	var x genreResult
	if err := xml.Unmarshal(resp.Body, &x); err != nil {
		return marketplace.ConnectionInfo{}, malformed(FunctionGenreGet, err)
	}
	if x.Status.SystemStatus != "OK" {
		return marketplace.ConnectionInfo{}, &marketplace.Error{Kind: marketplace.AuthFailed, Marketplace: marketplace.Rakuten,
			Operation: FunctionGenreGet, HTTPStatus: resp.Status, Message: c.http.Redactor().String(x.Status.Message)}
	}
	info := marketplace.ConnectionInfo{Detail: "navigation.genre.get OK"}
	if exp, err := c.CredentialExpiry(ctx); err == nil {
		info.ExpiresAt = exp
	}
	return info, nil
}
