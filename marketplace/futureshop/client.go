package futureshop

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
)

// Config is one shop's connection.
type Config struct {
	// BaseURL is the API domain futureshop issued ("https://api.example");
	// it has no default: futureshop issues one per environment [V3].
	BaseURL      string
	ShopKey      string // 店舗キー
	ClientID     string // クライアントID ("APIキー")
	ClientSecret string // シークレット ("APIパスワード")

	HTTP        *http.Client
	Timeout     time.Duration
	MaxAttempts int
	BackoffBase time.Duration
	BackoffMax  time.Duration
	Pacer       *marketplace.Pacer
	Recorder    marketplace.CallRecorder

	// MaxWindow is the longest span one search covers (default 31 days [I]).
	MaxWindow time.Duration
	Now       func() time.Time // for token expiry and 接続テスト; default time.Now
}

// pace is one request per second per client [V3].
var pace = marketplace.Pace{Rate: RatePerSecond, Burst: 1}

// Client talks to futureshop APIv2 for one shop. Safe for concurrent use.
type Client struct {
	cfg   Config
	http  *marketplace.Client
	basic string
	key   string // pacing and token cache key
}

var _ interface {
	marketplace.Adapter
	marketplace.ConnectionTester
	marketplace.OrderSearcher
	marketplace.OrderFetcher
	marketplace.StockPusher
	marketplace.ShipmentPusher
	marketplace.ProductFetcher
} = (*Client)(nil)

// New builds a client; it refuses a missing credential or API domain
// before any call is made.
func New(cfg Config) (*Client, error) {
	cfg.BaseURL = strings.TrimSuffix(strings.TrimSpace(cfg.BaseURL), "/")
	u, err := url.Parse(cfg.BaseURL)
	if cfg.BaseURL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, &marketplace.Error{Kind: marketplace.InvalidRequest, Marketplace: marketplace.Futureshop, Operation: OpToken,
			Field: "API接続先URL", Message: "futureshopから発行されたAPIドメインのURLを入力してください"}
	}
	if cfg.ShopKey == "" || cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, &marketplace.Error{Kind: marketplace.AuthFailed, Marketplace: marketplace.Futureshop, Operation: OpToken,
			Message: "店舗キー・クライアントID・シークレットのいずれかが空です"}
	}
	if cfg.MaxWindow <= 0 || cfg.MaxWindow > MaxSearchWindowDays*24*time.Hour {
		cfg.MaxWindow = MaxSearchWindowDays * 24 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	c := &Client{
		cfg:   cfg,
		basic: "Basic " + base64.StdEncoding.EncodeToString([]byte(cfg.ClientID+":"+cfg.ClientSecret)),
		key:   marketplace.CredentialKey(marketplace.Futureshop, cfg.BaseURL, cfg.ShopKey, cfg.ClientID, cfg.ClientSecret),
	}
	c.http = marketplace.NewClient(marketplace.ClientConfig{
		Marketplace: marketplace.Futureshop,
		HTTP:        cfg.HTTP,
		Timeout:     cfg.Timeout,
		MaxAttempts: cfg.MaxAttempts,
		BackoffBase: cfg.BackoffBase,
		BackoffMax:  cfg.BackoffMax,
		Pacer:       cfg.Pacer,
		Recorder:    cfg.Recorder,
		Redactor:    marketplace.DefaultRedactor(cfg.ClientSecret, cfg.ShopKey, c.basic),
		Classify:    classify,
	})
	return c, nil
}

// Marketplace implements marketplace.Adapter.
func (c *Client) Marketplace() string { return marketplace.Futureshop }

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

// get performs an authenticated GET of rawURL.
func (c *Client) get(ctx context.Context, op, rawURL string) (*marketplace.Response, error) {
	return c.call(ctx, op, http.MethodGet, rawURL, nil)
}

// call performs an authenticated request; body, when not nil, is sent as
// JSON. A 401 drops the cached token and re-authorizes once [V3]: the token
// may have been revoked early.
func (c *Client) call(ctx context.Context, op, method, rawURL string, body any) (*marketplace.Response, error) {
	var b []byte
	if body != nil {
		var err error
		if b, err = json.Marshal(body); err != nil {
			return nil, &marketplace.Error{Kind: marketplace.InvalidRequest, Marketplace: marketplace.Futureshop, Operation: op, Err: err}
		}
	}
	for attempt := 0; ; attempt++ {
		tok, err := c.token(ctx)
		if err != nil {
			return nil, err
		}
		h := http.Header{
			"Authorization": {"Bearer " + tok},
			HeaderShopKey:   {c.cfg.ShopKey},
			"Accept":        {ContentTypeJSON},
		}
		if b != nil {
			h.Set("Content-Type", ContentTypeJSON)
		}
		resp, err := c.http.Do(ctx, marketplace.Request{
			Operation: op,
			Method:    method,
			URL:       rawURL,
			Header:    h,
			Body:      b,
			PaceKey:   c.key,
			Pace:      pace,
		})
		if marketplace.KindOf(err) == marketplace.AuthFailed && attempt == 0 {
			c.forget(tok)
			continue
		}
		return resp, err
	}
}

// classify maps futureshop answers to typed errors. 401 is a bad or
// expired token/credential, 403 an API not applied for or an outbound IP
// not registered [V3 behaviour, I codes]; 503 is maintenance [I].
func classify(op string, status int, h http.Header, body []byte) *marketplace.Error {
	if status >= 200 && status < 300 {
		return nil
	}
	e := &marketplace.Error{HTTPStatus: status}
	var eb ErrorBody
	if json.Unmarshal(body, &eb) == nil && len(eb.Errors) > 0 {
		e.Code, e.Message = eb.Errors[0].Code, eb.Errors[0].Message
	}
	var oe OAuthError
	if e.Code == "" && json.Unmarshal(body, &oe) == nil && oe.Error != "" {
		e.Code, e.Message = oe.Error, oe.ErrorDescription
	}
	switch {
	case status == http.StatusUnauthorized || e.Code == OAuthInvalidClient:
		e.Kind = marketplace.AuthFailed
	case status == http.StatusForbidden:
		e.Kind = marketplace.FunctionNotEnabled
		if e.Message == "" {
			e.Message = "APIの利用申請と登録済みの送信元IPアドレスを確認してください"
		}
	case status == http.StatusTooManyRequests || e.Code == CodeTooManyRequests:
		e.Kind = marketplace.Throttled
	case status == http.StatusServiceUnavailable || e.Code == CodeMaintenance:
		e.Kind = marketplace.Maintenance
		e.RetryAfter = marketplace.RetryAfterHeader(h)
	case status >= 500:
		e.Kind = marketplace.Remote
	default:
		e.Kind = marketplace.InvalidRequest
	}
	return e
}

func malformed(op string, err error) *marketplace.Error {
	return &marketplace.Error{Kind: marketplace.Malformed, Marketplace: marketplace.Futureshop, Operation: op, Err: err}
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

// searchQuery is the 受注検索 filter for w. Both ends are inclusive to the
// second [I], so the half-open window ends one second early.
func searchQuery(w marketplace.Window, statuses []string) url.Values {
	q := url.Values{
		QueryOrderDateStart: {w.From.In(marketplace.JST).Format(DatetimeLayout)},
		QueryOrderDateEnd:   {w.To.Add(-time.Second).In(marketplace.JST).Format(DatetimeLayout)},
	}
	if len(statuses) > 0 {
		q.Set(QueryShippingStatus, strings.Join(statuses, ","))
	}
	return q
}

// SearchOrders implements marketplace.OrderSearcher. Statuses are
// shippingStatus values (notShipped, shipped); empty means both.
func (c *Client) SearchOrders(ctx context.Context, q marketplace.OrderQuery, each func(marketplace.OrderBatch) error) error {
	if q.DateKind != marketplace.ByOrderDate {
		return &marketplace.Error{Kind: marketplace.InvalidRequest, Marketplace: marketplace.Futureshop, Operation: OpOrderSearch,
			Message: "受注検索APIは注文日時でのみ検索できます"}
	}
	for _, w := range marketplace.SplitWindows(q.Window.From, q.Window.To, c.cfg.MaxWindow) {
		next := c.cfg.BaseURL + PathOrderSearch + "?" + searchQuery(w, q.Statuses).Encode()
		for next != "" {
			resp, err := c.get(ctx, OpOrderSearch, next)
			if err != nil {
				return err
			}
			page, err := ParseSearch(resp.Body)
			if err != nil {
				return err
			}
			if next, err = c.checkNext(page.NextURL); err != nil {
				return err
			}
			orders := make([]marketplace.Order, 0, len(page.Orders))
			for _, o := range page.Orders {
				// The search ends to the second; drop what lies outside the
				// half-open window should the API round differently.
				if o.OrderedAt.Before(w.From) || !o.OrderedAt.Before(w.To) {
					continue
				}
				orders = append(orders, o)
			}
			if err := each(marketplace.OrderBatch{Window: w, Orders: orders, WindowDone: next == ""}); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkNext accepts a nextUrl only on our API domain and the same path: the
// bearer token and shop key must never go anywhere else.
func (c *Client) checkNext(next string) (string, error) {
	return c.checkNextOn(next, PathOrderSearch, OpOrderSearch)
}

func (c *Client) checkNextOn(next, path, op string) (string, error) {
	if next == "" {
		return "", nil
	}
	u, err := url.Parse(next)
	base, _ := url.Parse(c.cfg.BaseURL)
	if err != nil || !strings.EqualFold(u.Scheme, base.Scheme) || !strings.EqualFold(u.Host, base.Host) ||
		u.Path != base.Path+path || u.Query().Get(QueryCursor) == "" {
		return "", &marketplace.Error{Kind: marketplace.Malformed, Marketplace: marketplace.Futureshop, Operation: op,
			Message: "nextUrlがAPIドメインの同じAPIを指していません", Err: errors.New("unexpected nextUrl")}
	}
	return next, nil
}

// FetchOrders implements marketplace.OrderFetcher with 受注詳細, one call
// per order (the API has no batch form).
func (c *Client) FetchOrders(ctx context.Context, numbers []string) ([]marketplace.Order, error) {
	out := make([]marketplace.Order, 0, len(numbers))
	for _, no := range numbers {
		resp, err := c.get(ctx, OpOrderDetail, c.cfg.BaseURL+PathOrderDetail+url.PathEscape(no))
		if err != nil {
			return out, err
		}
		o, err := ParseOrder(resp.Body)
		if err != nil {
			return out, err
		}
		out = append(out, o)
	}
	return out, nil
}
