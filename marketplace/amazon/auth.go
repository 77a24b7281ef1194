package amazon

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
)

var _ marketplace.ConnectionTester = (*Client)(nil)

// Credentials of one seller authorisation: the app's LWA client plus the
// seller's refresh token.
type Credentials struct {
	ClientID     string
	ClientSecret string
	RefreshToken string
}

// key identifies a credential without keeping the secret in a map key that
// could end up in a dump.
func (c Credentials) key() string {
	h := sha256.Sum256([]byte(c.ClientID + "\x00" + c.ClientSecret + "\x00" + c.RefreshToken))
	return hex.EncodeToString(h[:12])
}

// tokenEarly is how long before expiry a cached access token is replaced, so
// a call never starts with a token that dies in flight.
const tokenEarly = 60 * time.Second

// exchangeFunc performs one refresh-token exchange.
type exchangeFunc func(ctx context.Context, form url.Values) (*TokenResponse, error)

// tokenCache keeps one access token per credential until shortly before it
// expires. Concurrent callers for the same credential wait for a single
// exchange instead of each starting their own.
type tokenCache struct {
	now func() time.Time

	mu      sync.Mutex
	entries map[string]*tokenEntry
}

type tokenEntry struct {
	mu      sync.Mutex // held during an exchange
	token   string
	expires time.Time
}

func newTokenCache(now func() time.Time) *tokenCache {
	return &tokenCache{now: now, entries: map[string]*tokenEntry{}}
}

func (c *tokenCache) entry(cred Credentials) *tokenEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := cred.key()
	e := c.entries[k]
	if e == nil {
		e = &tokenEntry{}
		c.entries[k] = e
	}
	return e
}

// token returns a valid access token, exchanging the refresh token if the
// cached one is missing or about to expire.
func (c *tokenCache) token(ctx context.Context, cred Credentials, exchange exchangeFunc) (string, error) {
	e := c.entry(cred)
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.token != "" && c.now().Before(e.expires.Add(-tokenEarly)) {
		return e.token, nil
	}
	form := url.Values{
		"grant_type":    {"refresh_token"},
		"refresh_token": {cred.RefreshToken},
		"client_id":     {cred.ClientID},
		"client_secret": {cred.ClientSecret},
	}
	issued := c.now()
	tr, err := exchange(ctx, form)
	if err != nil {
		return "", err
	}
	e.token = tr.AccessToken
	e.expires = issued.Add(time.Duration(tr.ExpiresIn) * time.Second)
	return e.token, nil
}

// forget drops a token the API refused, so the next call fetches a new one.
func (c *tokenCache) forget(cred Credentials, token string) {
	e := c.entry(cred)
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.token == token {
		e.token = ""
	}
}

func (c *Client) accessToken(ctx context.Context) (string, error) {
	return c.tokens.token(ctx, c.cfg.Credentials, c.exchange)
}

// exchange trades the refresh token for an access token at LWA.
func (c *Client) exchange(ctx context.Context, form url.Values) (*TokenResponse, error) {
	h := http.Header{}
	h.Set("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
	h.Set("User-Agent", c.cfg.UserAgent)
	resp, err := c.http.Do(ctx, marketplace.Request{
		Operation: "lwaToken", Method: http.MethodPost, URL: c.cfg.AuthEndpoint + PathToken,
		Header: h, Body: []byte(form.Encode()),
	})
	if err != nil {
		return nil, err
	}
	var tr TokenResponse
	if err := decode("lwaToken", resp.Body, &tr); err != nil || tr.AccessToken == "" || tr.ExpiresIn <= 0 {
		return nil, &marketplace.Error{Kind: marketplace.Malformed, Marketplace: marketplace.Amazon, Operation: "lwaToken",
			HTTPStatus: resp.Status, Message: "token response without access_token/expires_in", Err: err}
	}
	return &tr, nil
}

// classifyLWA maps LWA's {"error","error_description"} answers.
func classifyLWA(status int, body []byte) *marketplace.Error {
	var te TokenError
	_ = decode("lwaToken", body, &te)
	e := &marketplace.Error{HTTPStatus: status, Code: te.Error, Message: te.ErrorDescription}
	switch te.Error {
	case "invalid_grant", "invalid_client", "unauthorized_client", "access_denied", "invalid_scope":
		e.Kind = marketplace.AuthFailed
		// A rotated-away client secret answers invalid_client "…has expired".
		if strings.Contains(strings.ToLower(te.ErrorDescription), "expired") {
			e.Kind = marketplace.CredentialExpired
		}
	case "invalid_request":
		e.Kind = marketplace.InvalidRequest
	case "server_error", "temporarily_unavailable":
		e.Kind = marketplace.Remote
	default:
		switch {
		case status == http.StatusTooManyRequests:
			e.Kind = marketplace.Throttled
		case status >= 500:
			e.Kind = marketplace.Remote
		case status == http.StatusUnauthorized || status == http.StatusForbidden:
			e.Kind = marketplace.AuthFailed
		default:
			e.Kind = marketplace.InvalidRequest
		}
	}
	if e.Code == "" {
		e.Code = http.StatusText(status)
	}
	return e
}

// TestConnection implements marketplace.ConnectionTester with
// getMarketplaceParticipations: cheap, needs no special role, and proves
// the refresh token belongs to a seller in the configured marketplace.
func (c *Client) TestConnection(ctx context.Context) (marketplace.ConnectionInfo, error) {
	resp, err := c.call(ctx, "getMarketplaceParticipations", http.MethodGet, PathMarketplaceIDs, nil, nil, false)
	if err != nil {
		return marketplace.ConnectionInfo{}, err
	}
	var body struct {
		Payload []struct {
			Marketplace struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"marketplace"`
			Participation struct {
				IsParticipating bool `json:"isParticipating"`
			} `json:"participation"`
			StoreName string `json:"storeName"`
		} `json:"payload"`
	}
	if err := decode("getMarketplaceParticipations", resp.Body, &body); err != nil {
		return marketplace.ConnectionInfo{}, malformed("getMarketplaceParticipations", err)
	}
	for _, p := range body.Payload {
		if p.Marketplace.ID == c.mp.ID && p.Participation.IsParticipating {
			return marketplace.ConnectionInfo{Detail: p.Marketplace.Name + "（" + p.Marketplace.ID + "）のストア「" + p.StoreName + "」に接続しました。"}, nil
		}
	}
	return marketplace.ConnectionInfo{}, &marketplace.Error{Kind: marketplace.FunctionNotEnabled, Marketplace: marketplace.Amazon,
		Operation: "getMarketplaceParticipations", Code: "NotParticipating",
		Message: "この出品者は " + c.mp.Name + " に参加していません"}
}
