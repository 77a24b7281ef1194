package interpark

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
)

var _ marketplace.Adapter = (*Client)(nil)

// Config is one seller's connection: the three identifiers are the
// credential [V3: no token or signature].
type Config struct {
	BaseURL    string // default DefaultBaseURL; the sandbox's …/sandbox/interpark
	ShopID     string // sc.entrId
	CompanyNo  string // sc.supplyEntrNo
	ContractNo string // sc.supplyCtrtSeq

	// Transport: HTTP client, per-attempt timeout, retries, pacer,
	// API log recorder and the marketplace clock (Now).
	marketplace.Transport

	// MaxWindow is the longest span one list call covers (default and
	// maximum MaxSearchWindow).
	MaxWindow time.Duration
}

var pace = marketplace.Pace{Rate: Rate, Burst: 1}

// Client talks to Interpark for one seller. It is safe for concurrent use.
type Client struct {
	cfg  Config
	http *marketplace.Client
	key  string
}

// New builds a client.
func New(cfg Config) *Client {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	if cfg.MaxWindow <= 0 || cfg.MaxWindow > MaxSearchWindow {
		cfg.MaxWindow = MaxSearchWindow
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	c := &Client{cfg: cfg, key: marketplace.CredentialKey(marketplace.Interpark, cfg.ShopID, cfg.CompanyNo, cfg.ContractNo)}
	red := marketplace.DefaultRedactor()
	red.Fields = append(red.Fields, ParamCompanyNo, ParamContractNo)
	t := cfg.Transport
	t.HTTP = withUTF8(t.HTTP)
	c.http = marketplace.NewClient(marketplace.ClientConfig{
		Marketplace: marketplace.Interpark,
		Transport:   t,
		Redactor:    red,
		Classify:    classify,
	})
	return c
}

func (c *Client) Marketplace() string { return marketplace.Interpark }

// classify maps an answer to a typed error. Interpark reports transport
// trouble by HTTP status [V3] and refusals as <RESULT><CODE> [I for lists].
func classify(op string, status int, h http.Header, body []byte) *marketplace.Error {
	utf, derr := DecodeBody(h.Get("Content-Type"), body)
	res, isResult := Result{}, false
	if derr == nil {
		res, isResult = ParseResult(utf)
	}
	e := &marketplace.Error{Marketplace: marketplace.Interpark, Operation: op, Code: res.Code, Message: res.Message}
	switch {
	case status == http.StatusTooManyRequests || res.Code == CodeThrottled:
		e.Kind = marketplace.Throttled
	case res.Code == CodeMaintenance || (status == http.StatusServiceUnavailable && isResult):
		e.Kind = marketplace.Maintenance
	case status == http.StatusUnauthorized || res.Code == CodeAuthFailed:
		e.Kind = marketplace.AuthFailed
	case status >= 500:
		e.Kind = marketplace.Remote
	case status >= 300:
		e.Kind = marketplace.InvalidRequest
	case derr != nil:
		e.Kind, e.Err = marketplace.Malformed, derr
	case isResult && res.Code != CodeOK && res.Code != "":
		e.Kind = marketplace.InvalidRequest
	default:
		return nil
	}
	return e
}

func (c *Client) params(method string) url.Values {
	return url.Values{ParamMethod: {method}, ParamShopID: {c.cfg.ShopID}, ParamCompanyNo: {c.cfg.CompanyNo}, ParamContractNo: {c.cfg.ContractNo}}
}

// IsMaintenance reports whether err is Interpark's maintenance answer.
func IsMaintenance(err error) bool {
	var e *marketplace.Error
	return errors.As(err, &e) && e.Kind == marketplace.Maintenance
}
