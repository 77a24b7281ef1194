package rakuten

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
	BaseURL       string // default DefaultBaseURL; the sandbox's …/sandbox/rakuten
	ServiceSecret string
	LicenseKey    string

	// Transport: HTTP client, per-attempt timeout, retries, pacer,
	// API log recorder and the marketplace clock (Now).
	marketplace.Transport

	PageSize int // searchOrder page size; default 1000
	// ReachableHits is how many hits of one search RMS lets a client page
	// through: MaxReachableHits unless set lower (tests use a small cap so
	// reading past it takes thousands of orders, not tens of thousands).
	ReachableHits int
	// MaxWindow is the longest span one search covers: RMS allows 63 days;
	// SPEC §4 import runs use one week.
	MaxWindow time.Duration
}

// Published pacing [V3]: about 1 request/second per shop for the Order API,
// 1/s for inventory writes. Reads outside the Order API get the same
// conservative budget.
var (
	paceOrder     = marketplace.Pace{Rate: 1, Burst: 1}
	paceInventory = marketplace.Pace{Rate: 1, Burst: 1}
	paceOther     = marketplace.Pace{Rate: 1, Burst: 1}
)

// PaceOrder is the Order API budget (exported for the simulator).
func PaceOrder() marketplace.Pace { return paceOrder }

// Client talks to RMS for one shop. It is safe for concurrent use.
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
	if cfg.ReachableHits <= 0 || cfg.ReachableHits > MaxReachableHits {
		cfg.ReachableHits = MaxReachableHits
	}
	if cfg.MaxWindow <= 0 || cfg.MaxWindow > MaxSearchWindowDays*24*time.Hour {
		cfg.MaxWindow = MaxSearchWindowDays * 24 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	c := &Client{
		cfg:  cfg,
		auth: AuthHeader(cfg.ServiceSecret, cfg.LicenseKey),
		key:  marketplace.CredentialKey(marketplace.Rakuten, cfg.ServiceSecret, cfg.LicenseKey),
	}
	c.http = marketplace.NewClient(marketplace.ClientConfig{
		Marketplace: marketplace.Rakuten,
		Transport:   cfg.Transport,
		Redactor:    marketplace.DefaultRedactor(cfg.ServiceSecret, cfg.LicenseKey, c.auth),
		Classify:    classify,
	})
	return c
}

func (c *Client) Marketplace() string { return marketplace.Rakuten }

func (c *Client) do(ctx context.Context, op, method, path string, body any, pace marketplace.Pace, bucket string, nonIdempotent bool) (*marketplace.Response, error) {
	req := marketplace.Request{
		Operation:     op,
		Method:        method,
		URL:           c.cfg.BaseURL + path,
		Header:        http.Header{"Authorization": {c.auth}},
		PaceKey:       c.key + ":" + bucket,
		Pace:          pace,
		NonIdempotent: nonIdempotent,
	}
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, &marketplace.Error{Kind: marketplace.InvalidRequest, Marketplace: marketplace.Rakuten, Operation: op, Err: err}
		}
		req.Body = b
		req.Header.Set("Content-Type", ContentTypeJSON)
	}
	resp, err := c.http.Do(ctx, req)
	if err != nil {
		return nil, c.explainAuth(ctx, err)
	}
	return resp, nil
}

// MaxWindowForTest exposes the effective window size to tests.
func (c *Client) MaxWindowForTest() time.Duration { return c.cfg.MaxWindow }
