package amazon

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"sync"
	"time"
)

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
