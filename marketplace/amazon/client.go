// Package amazon speaks Amazon's Selling Partner API for the JP, AU and SG
// marketplaces (Far East endpoint): LWA token exchange, Orders API
// v2026-01-01 for import and status sync, v0 confirmShipment for shipment
// results, and Feeds 2021-06-30 with JSON_LISTINGS_FEED for stock.
//
// Orders v0 (getOrders + getOrderItems per order) is deprecated and removed
// on 2027-03-27, so nothing here uses it except confirmShipment, which has
// no successor.
package amazon

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"github.com/renkei-oss/renkei/marketplace"
)

var _ marketplace.Adapter = (*Client)(nil)

// Marketplace is one of the Far East marketplaces Renkei serves.
type Marketplace struct {
	Country  string // "JP", "AU", "SG"
	ID       string
	Currency string
	Name     string
}

// Marketplaces served by the Far East endpoint.
var Marketplaces = map[string]Marketplace{
	"JP": {"JP", MarketplaceJP, "JPY", "Amazon.co.jp"},
	"AU": {"AU", MarketplaceAU, "AUD", "Amazon.com.au"},
	"SG": {"SG", MarketplaceSG, "SGD", "Amazon.sg"},
}

// Config is one seller's connection.
type Config struct {
	// Country is JP, AU or SG.
	Country string
	Credentials
	// SellerID is the merchant token, needed only for stock feeds.
	SellerID string

	// Endpoint is the SP-API base URL (default the Far East production
	// endpoint) and AuthEndpoint the LWA base URL (default api.amazon.com).
	// The sandbox serves both under <base>/sandbox/amazon.
	Endpoint     string
	AuthEndpoint string

	// Transport: HTTP client, per-attempt timeout, retries, pacer,
	// API log recorder and the marketplace clock (Now).
	marketplace.Transport
	// UserAgent overrides the default user-agent.
	UserAgent string
}

// Client is an Amazon adapter for one seller and marketplace. It is safe for
// concurrent use.
type Client struct {
	cfg    Config
	mp     Marketplace
	http   *marketplace.Client
	tokens *tokenCache
	pace   string // pacing key prefix: the (seller, application) pair
}

// Interface checks: what Amazon offers.
var (
	_ marketplace.Adapter           = (*Client)(nil)
	_ marketplace.ConnectionTester  = (*Client)(nil)
	_ marketplace.OrderSearcher     = (*Client)(nil)
	_ marketplace.OrderFetcher      = (*Client)(nil)
	_ marketplace.StatusSnapshotter = (*Client)(nil)
	_ marketplace.ShipmentPusher    = (*Client)(nil)
	_ marketplace.StockPusher       = (*Client)(nil)
	_ marketplace.FeedResultFetcher = (*Client)(nil)
)

// New checks the configuration and returns a client.
func New(cfg Config) (*Client, error) {
	mp, ok := Marketplaces[strings.ToUpper(cfg.Country)]
	for _, m := range Marketplaces {
		if m.ID == cfg.Country { // a marketplace id works as well as its country
			mp, ok = m, true
		}
	}
	if !ok {
		return nil, &marketplace.Error{Kind: marketplace.InvalidRequest, Marketplace: marketplace.Amazon,
			Field: "marketplace", Message: fmt.Sprintf("unsupported marketplace %q (JP, AU or SG)", cfg.Country)}
	}
	if cfg.ClientID == "" || cfg.ClientSecret == "" || cfg.RefreshToken == "" {
		return nil, &marketplace.Error{Kind: marketplace.AuthFailed, Marketplace: marketplace.Amazon,
			Operation: "config", Message: "LWA client id, client secret and refresh token are all required"}
	}
	if cfg.Endpoint == "" {
		cfg.Endpoint = EndpointFarEast
	}
	if cfg.AuthEndpoint == "" {
		cfg.AuthEndpoint = EndpointLWA
	}
	cfg.Endpoint = strings.TrimRight(cfg.Endpoint, "/")
	cfg.AuthEndpoint = strings.TrimRight(cfg.AuthEndpoint, "/")
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "Renkei/1.0 (Language=Go)"
	}
	c := &Client{cfg: cfg, mp: mp, tokens: newTokenCache(cfg.Now),
		pace: marketplace.CredentialKey(marketplace.Amazon, cfg.ClientID, cfg.RefreshToken)}
	c.http = marketplace.NewClient(marketplace.ClientConfig{
		Marketplace: marketplace.Amazon,
		Transport:   cfg.Transport,
		Redactor:    redactor(cfg.Credentials),
		Classify:    classify,
		RateHint:    rateHint,
	})
	return c, nil
}

// redactor masks the LWA secrets and the signature of presigned document
// URLs wherever a call is logged.
func redactor(c Credentials) marketplace.Redactor {
	r := marketplace.DefaultRedactor(c.ClientSecret, c.RefreshToken)
	r.Fields = append(r.Fields, "X-Amz-Signature", "X-Amz-Security-Token", "X-Amz-Credential")
	return r
}

// Marketplace implements marketplace.Adapter.
func (c *Client) Marketplace() string { return marketplace.Amazon }

// MarketplaceID is the configured marketplace's id.
func (c *Client) MarketplaceID() string { return c.mp.ID }

// Published default rates (amazon.md §6): requests per second and burst.
var paces = map[string]marketplace.Pace{
	"searchOrders":                 {Rate: 0.0056, Burst: 20},
	"getOrder":                     {Rate: 0.5, Burst: 30},
	"confirmShipment":              {Rate: 2, Burst: 10},
	"createFeedDocument":           {Rate: 0.5, Burst: 15},
	"createFeed":                   {Rate: 0.0083, Burst: 5}, // JSON_LISTINGS_FEED: 5 per 5 min as well
	"getFeed":                      {Rate: 2, Burst: 15},
	"getFeedDocument":              {Rate: 0.0222, Burst: 10},
	"getMarketplaceParticipations": {Rate: 0.016, Burst: 15},
}

// Pace returns the published rate of an operation, for the simulator and
// for tests that want to stay within it.
func Pace(op string) marketplace.Pace { return paces[op] }

// call sends one SP-API request with the seller's access token. A 403 may
// mean the cached token died early; the token is dropped and the call made
// once more before the failure is reported.
func (c *Client) call(ctx context.Context, op, method, path string, q url.Values, body []byte, nonIdempotent bool) (*marketplace.Response, error) {
	u := c.cfg.Endpoint + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	for attempt := 0; ; attempt++ {
		tok, err := c.accessToken(ctx)
		if err != nil {
			return nil, err
		}
		h := http.Header{}
		h.Set(HeaderAccessToken, tok)
		h.Set("User-Agent", c.cfg.UserAgent)
		h.Set("Accept", "application/json")
		if body != nil {
			h.Set("Content-Type", "application/json")
		}
		resp, err := c.http.Do(ctx, marketplace.Request{
			Operation: op, Method: method, URL: u, Header: h, Body: body,
			PaceKey: c.pace + ":" + op, Pace: paces[op], NonIdempotent: nonIdempotent,
		})
		var me *marketplace.Error
		if attempt == 0 && errors.As(err, &me) && me.HTTPStatus == http.StatusForbidden {
			c.tokens.forget(c.cfg.Credentials, tok)
			continue
		}
		return resp, err
	}
}

// rateHint reads x-amzn-RateLimit-Limit, Amazon's per-seller rate.
func rateHint(h http.Header) (rate.Limit, bool) {
	v := h.Get(HeaderRateLimit)
	if v == "" {
		return 0, false
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f <= 0 {
		return 0, false
	}
	return rate.Limit(f), true
}

// classify maps an SP-API or LWA response to a typed error.
func classify(op string, status int, h http.Header, body []byte) *marketplace.Error {
	if status >= 200 && status < 300 {
		// A truncated or non-JSON success body is a failure the API log
		// should show; the parser then reports the exact field.
		if len(body) > 0 && op != "uploadFeedDocument" && op != "downloadFeedDocument" && !jsonFramed(body) {
			return &marketplace.Error{Kind: marketplace.Malformed, Message: "response body is not valid JSON"}
		}
		return nil
	}
	if op == "lwaToken" {
		return classifyLWA(status, body)
	}
	e := &marketplace.Error{HTTPStatus: status}
	if el, ok := ParseErrorList(body); ok {
		e.Code, e.Message = el.Errors[0].Code, el.Errors[0].Message
		if d := el.Errors[0].Details; d != "" {
			e.Message += " (" + d + ")"
		}
	}
	switch {
	case status == http.StatusTooManyRequests:
		e.Kind = marketplace.Throttled
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		e.Kind = marketplace.AuthFailed
		if strings.Contains(strings.ToLower(e.Message), "expired") {
			e.Kind = marketplace.CredentialExpired
		}
	case status >= 500:
		e.Kind = marketplace.Remote
	default:
		e.Kind = marketplace.InvalidRequest
	}
	if e.Code == "" {
		e.Code = http.StatusText(status)
	}
	return e
}

// malformed wraps a parser error as the typed Malformed error.
func malformed(op string, err error) error {
	var be *BodyError
	field := ""
	if errors.As(err, &be) {
		field = be.Field
	}
	return &marketplace.Error{Kind: marketplace.Malformed, Marketplace: marketplace.Amazon, Operation: op, Field: field, Err: err}
}
