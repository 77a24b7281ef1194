package futureshop

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
)

var _ marketplace.Adapter = (*Client)(nil)

// Config is one shop's connection.
type Config struct {
	// BaseURL is the API domain futureshop issued ("https://api.example");
	// it has no default: futureshop issues one per environment [V3].
	BaseURL      string
	ShopKey      string // 店舗キー
	ClientID     string // クライアントID ("APIキー")
	ClientSecret string // シークレット ("APIパスワード")

	// Transport: HTTP client, per-attempt timeout, retries, pacer,
	// API log recorder and the marketplace clock (Now).
	marketplace.Transport

	// MaxWindow is the longest span one search covers (default 31 days [I]).
	MaxWindow time.Duration
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
		Transport:   cfg.Transport,
		Redactor:    marketplace.DefaultRedactor(cfg.ClientSecret, cfg.ShopKey, c.basic),
		Classify:    classify,
	})
	return c, nil
}

// Marketplace implements marketplace.Adapter.
func (c *Client) Marketplace() string { return marketplace.Futureshop }

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

// parseResults reads {"status","results":[…]}: a row is accepted when its
// status is success and it has no errors [V3]. Rows are matched by their
// key (orderNo/productNo), falling back to position.
func parseResults(op string, b []byte, keys []string, offset int) ([]marketplace.ItemResult, error) {
	var r ResultResponse
	if err := strictObject(b, &r); err != nil || r.Status == "" {
		return nil, malformed(op, err)
	}
	byKey := map[string]ItemResult{}
	for _, x := range r.Results {
		byKey[x.OrderNo+x.ProductNo] = x
	}
	out := make([]marketplace.ItemResult, len(keys))
	for i, k := range keys {
		x, ok := byKey[k]
		if !ok && i < len(r.Results) {
			x, ok = r.Results[i], true
		}
		res := marketplace.ItemResult{Key: k, Index: offset + i}
		switch {
		case !ok:
			// No verdict for the row: only a whole-request success says it passed.
			res.OK = r.Status == ResultSuccess
		default:
			res.OK = x.Status == ResultSuccess && len(x.Errors) == 0
			if len(x.Errors) > 0 {
				res.Code, res.Message = x.Errors[0].Code, x.Errors[0].Message
			}
		}
		out[i] = res
	}
	return out, nil
}

func invalid(op, field, msg string) *marketplace.Error {
	return &marketplace.Error{Kind: marketplace.InvalidRequest, Marketplace: marketplace.Futureshop, Operation: op, Field: field, Message: msg}
}
