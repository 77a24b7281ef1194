package shopserve

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
)

// Config is one shop's connection.
type Config struct {
	BaseURL    string // default DefaultBaseURL; the sandbox's …/sandbox/shopserve/v2
	StoreID    string // 店舗ID, e.g. "example.wc" [V3]
	ManagerKey string // マネージャー認証キー, 40 hex [V3]

	HTTP        *http.Client
	Timeout     time.Duration // per attempt
	MaxAttempts int
	BackoffBase time.Duration
	BackoffMax  time.Duration
	Pacer       *marketplace.Pacer
	Recorder    marketplace.CallRecorder

	PageSize  int              // default MaxPageSize
	MaxWindow time.Duration    // default and maximum one week (seed)
	Now       func() time.Time // for the two-year limit; default time.Now
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

var _ interface {
	marketplace.Adapter
	marketplace.ConnectionTester
	marketplace.OrderSearcher
	marketplace.OrderConfirmer
} = (*Client)(nil)

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
		HTTP:        cfg.HTTP,
		Timeout:     cfg.Timeout,
		MaxAttempts: cfg.MaxAttempts,
		BackoffBase: cfg.BackoffBase,
		BackoffMax:  cfg.BackoffMax,
		Pacer:       cfg.Pacer,
		Recorder:    cfg.Recorder,
		Redactor:    marketplace.DefaultRedactor(cfg.ManagerKey, c.auth),
		Classify:    classify,
	})
	return c
}

// AuthHeader is HTTP Basic with the store ID and the manager key [V3].
func AuthHeader(storeID, managerKey string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(storeID+":"+managerKey))
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

// TestConnection asks for one item: cheap, authenticated, and on a
// verified endpoint [V3].
func (c *Client) TestConnection(ctx context.Context) (marketplace.ConnectionInfo, error) {
	var req ItemsSearchRequest
	req.Size = 1
	req.Sort.Order = "Asc"
	resp, err := c.post(ctx, OpItemsSearch, PathItemsSearch, req, false)
	if err != nil {
		return marketplace.ConnectionInfo{}, err
	}
	var r ItemsSearchResponse
	if err := json.Unmarshal(resp.Body, &r); err != nil || r.TotalCount == nil {
		return marketplace.ConnectionInfo{}, malformed(OpItemsSearch, err)
	}
	// The manager key has no expiry [V3], so there is no date to report.
	return marketplace.ConnectionInfo{Detail: fmt.Sprintf("店舗ID %s で認証されました（商品%d件）", c.cfg.StoreID, *r.TotalCount)}, nil
}

// RetrievePage runs one V2-M-0024 call for the inclusive seconds [since, until].
func (c *Client) RetrievePage(ctx context.Context, req RetrieveRequest) (Page, error) {
	resp, err := c.post(ctx, OpOrderRetrieve, PathOrderRetrieve, req, false)
	if err != nil {
		return Page{}, err
	}
	return ParseRetrieve(resp.Body)
}

// SearchOrders pages through every window of q, one week at most each
// (the seed's limit), from/size at a time. q.Statuses are order_status
// values (empty: all).
func (c *Client) SearchOrders(ctx context.Context, q marketplace.OrderQuery, each func(marketplace.OrderBatch) error) error {
	oldest := c.cfg.Now().Add(-MaxAgeDays * 24 * time.Hour)
	if q.Window.From.Before(oldest) {
		return &marketplace.Error{Kind: marketplace.InvalidRequest, Marketplace: marketplace.Shopserve, Operation: OpOrderRetrieve,
			Field: "since", Message: "範囲指定取得は2年前までです"}
	}
	dateType := DateTypeOrdered
	if q.DateKind == marketplace.ByUpdate {
		dateType = DateTypeUpdated
	}
	size := c.cfg.PageSize
	if q.PageSize > 0 && q.PageSize < size {
		size = q.PageSize
	}
	for _, w := range marketplace.SplitWindows(q.Window.From, q.Window.To, c.cfg.MaxWindow) {
		if err := c.searchWindow(ctx, w, dateType, q.Statuses, size, each); err != nil {
			return err
		}
	}
	return nil
}

func (c *Client) searchWindow(ctx context.Context, w marketplace.Window, dateType string, statuses []string, size int, each func(marketplace.OrderBatch) error) error {
	req := RetrieveRequest{
		Since: FormatTime(w.From),
		// Both ends are taken as inclusive seconds [I]; our windows are
		// half-open, so the last second is one before To.
		Until:       FormatTime(w.To.Add(-time.Second)),
		DateType:    dateType,
		OrderStatus: statuses,
		Size:        size,
	}
	total, restarts := -1, 0
	for {
		page, err := c.RetrievePage(ctx, req)
		if err != nil {
			return err
		}
		// Offsets move when orders leave the filtered set mid-search (an
		// order confirmed in the admin): had the count changed, a later
		// page may have skipped one. Read the window again from the start;
		// the importer merges what it sees twice.
		if total >= 0 && page.Total != total && restarts < maxRestarts {
			restarts++
			total, req.From = -1, 0
			continue
		}
		total = page.Total
		req.From += len(page.Orders)
		last := len(page.Orders) == 0 || req.From >= page.Total
		if err := each(marketplace.OrderBatch{Window: w, Orders: page.Orders, WindowDone: last}); err != nil {
			return err
		}
		if last {
			return nil
		}
	}
}

// maxRestarts bounds how often a window whose hit count moves is read again.
const maxRestarts = 3

// ConfirmOrders moves 未確認 orders to 確認済 with V2-M-0012, one call per
// serial_code (the API updates one order at a time [V3]).
func (c *Client) ConfirmOrders(ctx context.Context, serials []string) ([]marketplace.ItemResult, error) {
	out := make([]marketplace.ItemResult, 0, len(serials))
	for i, sc := range serials {
		path := strings.Replace(PathStatusUpdate, "{serial_code}", sc, 1)
		resp, err := c.post(ctx, OpStatusUpdate, path, StatusUpdateRequest{OrderStatus: OrderConfirmed}, false)
		if err != nil {
			// A refusal of this one order (cancelled, unknown) is its
			// result; anything else stops the batch.
			if e, ok := err.(*marketplace.Error); ok && e.Kind == marketplace.InvalidRequest {
				out = append(out, marketplace.ItemResult{Key: sc, Index: i, Code: e.Code, Message: e.OperatorMessage()})
				continue
			}
			return out, err
		}
		var r StatusUpdateResponse
		if err := json.Unmarshal(resp.Body, &r); err != nil || r.SerialCode == "" {
			return out, malformed(OpStatusUpdate, err)
		}
		out = append(out, marketplace.ItemResult{Key: sc, Index: i, OK: r.OrderStatus == OrderConfirmed})
	}
	return out, nil
}
