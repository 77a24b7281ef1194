package shopserve

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
)

var _ marketplace.Adapter = (*Client)(nil)

// Config is one shop's connection.
type Config struct {
	BaseURL    string // default DefaultBaseURL; the sandbox's …/sandbox/shopserve/v2
	StoreID    string // 店舗ID, e.g. "example.wc" [V3]
	ManagerKey string // マネージャー認証キー, 40 hex [V3]

	// Transport: HTTP client, per-attempt timeout, retries, pacer,
	// API log recorder and the marketplace clock (Now).
	marketplace.Transport

	PageSize  int           // default MaxPageSize
	MaxWindow time.Duration // default and maximum one week (seed)
}

// pace is the proposal's conservative 1 request/second per store [I].
var pace = marketplace.Pace{Rate: 1, Burst: 1}

// Pace is the client's budget (exported for the simulator and benchmarks).
func Pace() marketplace.Pace { return pace }

// Client talks to the ShopServe management API for one store. It is safe
// for concurrent use.
type Client struct {
	cfg  Config
	http *marketplace.Client
	auth string
	key  string
}

// New builds a client.
func New(cfg Config) *Client {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	if cfg.PageSize <= 0 || cfg.PageSize > MaxPageSize {
		cfg.PageSize = MaxPageSize
	}
	if cfg.MaxWindow <= 0 || cfg.MaxWindow > MaxWindowDays*24*time.Hour {
		cfg.MaxWindow = MaxWindowDays * 24 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	c := &Client{
		cfg:  cfg,
		auth: AuthHeader(cfg.StoreID, cfg.ManagerKey),
		key:  marketplace.CredentialKey(marketplace.Shopserve, cfg.StoreID, cfg.ManagerKey),
	}
	c.http = marketplace.NewClient(marketplace.ClientConfig{
		Marketplace: marketplace.Shopserve,
		Transport:   cfg.Transport,
		Redactor:    marketplace.DefaultRedactor(cfg.ManagerKey, c.auth),
		Classify:    classify,
	})
	return c
}

func (c *Client) Marketplace() string { return marketplace.Shopserve }

func (c *Client) post(ctx context.Context, op, path string, body any, nonIdempotent bool) (*marketplace.Response, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, &marketplace.Error{Kind: marketplace.InvalidRequest, Marketplace: marketplace.Shopserve, Operation: op, Err: err}
	}
	return c.http.Do(ctx, marketplace.Request{
		Operation:     op,
		Method:        http.MethodPost,
		URL:           c.cfg.BaseURL + path,
		Header:        http.Header{"Authorization": {c.auth}, "Content-Type": {ContentTypeJSON}, "Accept": {"application/json"}},
		Body:          b,
		PaceKey:       c.key + ":api",
		Pace:          pace,
		NonIdempotent: nonIdempotent,
	})
}
