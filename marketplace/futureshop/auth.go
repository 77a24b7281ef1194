package futureshop

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
)

var _ marketplace.ConnectionTester = (*Client)(nil)

// tokenEarly replaces a cached token a minute before it expires, so no
// call starts with a token that dies in flight [V3: clients refresh ~60 s early].
const tokenEarly = 60 * time.Second

// tokens caches access tokens per credential across clients: import runs
// and 接続テスト build a client each, and futureshop should not be asked
// for a token on every run.
var tokens = struct {
	mu sync.Mutex
	m  map[string]*tokenEntry
}{m: map[string]*tokenEntry{}}

type tokenEntry struct {
	mu      sync.Mutex // held during a token request, so callers share one
	token   string
	expires time.Time
}

func (c *Client) entry() *tokenEntry {
	tokens.mu.Lock()
	defer tokens.mu.Unlock()
	e := tokens.m[c.key]
	if e == nil {
		e = &tokenEntry{}
		tokens.m[c.key] = e
	}
	return e
}

// token returns a valid access token, asking /oauth/token when none is
// cached or it is about to expire.
func (c *Client) token(ctx context.Context) (string, error) {
	e := c.entry()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.token != "" && c.cfg.Now().Before(e.expires.Add(-tokenEarly)) {
		return e.token, nil
	}
	issued := c.cfg.Now()
	resp, err := c.http.Do(ctx, marketplace.Request{
		Operation: OpToken,
		Method:    http.MethodPost,
		URL:       c.cfg.BaseURL + PathToken,
		Header: http.Header{
			"Authorization": {c.basic},
			HeaderShopKey:   {c.cfg.ShopKey},
			"Content-Type":  {ContentTypeForm},
			"Accept":        {ContentTypeJSON},
		},
		Body:    []byte(url.Values{"grant_type": {GrantType}}.Encode()),
		PaceKey: c.key,
		Pace:    pace,
	})
	if err != nil {
		return "", err
	}
	tr, err := ParseToken(resp.Body)
	if err != nil {
		return "", err
	}
	e.token = tr.AccessToken
	e.expires = issued.Add(time.Duration(tr.ExpiresIn) * time.Second)
	return e.token, nil
}

// forget drops a token the API refused.
func (c *Client) forget(token string) {
	e := c.entry()
	e.mu.Lock()
	if e.token == token {
		e.token = ""
	}
	e.mu.Unlock()
}

// TestConnection gets a token and searches the last hour's orders: the
// cheapest authenticated call that also proves 受注検索 is applied for.
func (c *Client) TestConnection(ctx context.Context) (marketplace.ConnectionInfo, error) {
	now := c.cfg.Now()
	q := searchQuery(marketplace.Window{From: now.Add(-time.Hour), To: now}, nil)
	resp, err := c.get(ctx, OpOrderSearch, c.cfg.BaseURL+PathOrderSearch+"?"+q.Encode())
	if err != nil {
		return marketplace.ConnectionInfo{}, err
	}
	page, err := ParseSearch(resp.Body)
	if err != nil {
		return marketplace.ConnectionInfo{}, err
	}
	detail := "トークン取得・受注検索APIとも正常です（直近1時間の受注 " + itoa(len(page.Orders))
	if page.NextURL != "" {
		detail += "件以上）"
	} else {
		detail += "件）"
	}
	return marketplace.ConnectionInfo{Detail: detail}, nil
}
