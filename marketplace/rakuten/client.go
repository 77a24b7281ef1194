package rakuten

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
)

// Config is one shop's connection.
type Config struct {
	BaseURL       string // default DefaultBaseURL; the sandbox's …/sandbox/rakuten
	ServiceSecret string
	LicenseKey    string

	HTTP        *http.Client
	Timeout     time.Duration // per attempt
	MaxAttempts int
	BackoffBase time.Duration
	BackoffMax  time.Duration
	Pacer       *marketplace.Pacer
	Recorder    marketplace.CallRecorder

	PageSize int // searchOrder page size; default 1000
	// MaxWindow is the longest span one search covers: RMS allows 63 days;
	// SPEC §4 import runs use one week.
	MaxWindow time.Duration
	Now       func() time.Time // for the 730-day limit; default time.Now
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

var _ interface {
	marketplace.Adapter
	marketplace.ConnectionTester
	marketplace.CredentialExpiryChecker
	marketplace.OrderSearcher
	marketplace.OrderFetcher
	marketplace.StatusSnapshotter
	marketplace.OrderConfirmer
	marketplace.ShipmentPusher
	marketplace.ShipmentResultPoller
	marketplace.StockPusher
	marketplace.ProductFetcher
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
		HTTP:        cfg.HTTP,
		Timeout:     cfg.Timeout,
		MaxAttempts: cfg.MaxAttempts,
		BackoffBase: cfg.BackoffBase,
		BackoffMax:  cfg.BackoffMax,
		Pacer:       cfg.Pacer,
		Recorder:    cfg.Recorder,
		Redactor:    marketplace.DefaultRedactor(cfg.ServiceSecret, cfg.LicenseKey, c.auth),
		Classify:    classify,
	})
	return c
}

// AuthHeader is the ESA header value: "ESA " + base64(serviceSecret:licenseKey).
func AuthHeader(serviceSecret, licenseKey string) string {
	return "ESA " + base64.StdEncoding.EncodeToString([]byte(serviceSecret+":"+licenseKey))
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

// explainAuth turns ES01-01 into CredentialExpired when the expiry lookup
// says the key is past its date: RMS answers both the same way.
func (c *Client) explainAuth(ctx context.Context, err error) error {
	e, ok := err.(*marketplace.Error)
	if !ok || e.Kind != marketplace.AuthFailed || e.Operation == FunctionLicenseExpiry {
		return err
	}
	exp, xerr := c.CredentialExpiry(ctx)
	if xerr != nil || exp.IsZero() || exp.After(c.cfg.Now()) {
		return err
	}
	e.Kind = marketplace.CredentialExpired
	e.ExpiresAt = exp
	return e
}

// CredentialExpiry asks RMS when the license key expires.
func (c *Client) CredentialExpiry(ctx context.Context) (time.Time, error) {
	q := url.Values{"licenseKey": {c.cfg.LicenseKey}}
	resp, err := c.http.Do(ctx, marketplace.Request{
		Operation: FunctionLicenseExpiry,
		Method:    http.MethodGet,
		URL:       c.cfg.BaseURL + PathLicenseExpiry + "?" + q.Encode(),
		Header:    http.Header{"Authorization": {c.auth}},
		PaceKey:   c.key + ":other",
		Pace:      paceOther,
	})
	if err != nil {
		return time.Time{}, err
	}
	var r ExpiryResponse
	if err := json.Unmarshal(resp.Body, &r); err != nil || r.ExpiryDate == "" {
		return time.Time{}, malformed(FunctionLicenseExpiry, err)
	}
	t, err := ParseTime(r.ExpiryDate)
	if err != nil {
		return time.Time{}, malformed(FunctionLicenseExpiry, err)
	}
	if len(strings.TrimSpace(r.ExpiryDate)) == len(DateLayout) {
		// A bare date means the end of that day in Japan [V3: 23:59:59 JST].
		t = t.Add(24*time.Hour - time.Second)
	}
	return t, nil
}

// TestConnection calls navigation.genre.get for the root genre (cheap and
// authenticated) and looks up the key's expiry.
func (c *Client) TestConnection(ctx context.Context) (marketplace.ConnectionInfo, error) {
	resp, err := c.do(ctx, FunctionGenreGet, http.MethodGet, PathGenreGet+"?genreId=0", nil, paceOther, "other", false)
	if err != nil {
		return marketplace.ConnectionInfo{}, err
	}
	var x genreResult
	if err := xml.Unmarshal(resp.Body, &x); err != nil {
		return marketplace.ConnectionInfo{}, malformed(FunctionGenreGet, err)
	}
	if x.Status.SystemStatus != "OK" {
		return marketplace.ConnectionInfo{}, &marketplace.Error{Kind: marketplace.AuthFailed, Marketplace: marketplace.Rakuten,
			Operation: FunctionGenreGet, HTTPStatus: resp.Status, Message: c.http.Redactor().String(x.Status.Message)}
	}
	info := marketplace.ConnectionInfo{Detail: "navigation.genre.get OK"}
	if exp, err := c.CredentialExpiry(ctx); err == nil {
		info.ExpiresAt = exp
	}
	return info, nil
}

// SearchPage is one searchOrder page.
type SearchPage struct {
	Numbers []string
	Total   int
	Pages   int
}

// SearchOrderPage runs one searchOrder call.
func (c *Client) SearchOrderPage(ctx context.Context, dateType int, w marketplace.Window, progress []int, page, size int) (SearchPage, error) {
	req := SearchOrderRequest{
		DateType:          dateType,
		StartDatetime:     FormatTime(w.From),
		EndDatetime:       FormatTime(w.To.Add(-time.Second)), // RMS includes the end second; our windows are half-open
		OrderProgressList: progress,
		PaginationRequestModel: &PaginationRequest{
			RequestRecordsAmount: size,
			RequestPage:          page,
			SortModelList:        []SortModel{{SortColumn: 1, SortDirection: 1}},
		},
	}
	resp, err := c.do(ctx, "searchOrder", http.MethodPost, PathSearchOrder, req, paceOrder, "order", false)
	if err != nil {
		return SearchPage{}, err
	}
	r, err := ParseSearchOrder(resp.Body)
	if err != nil {
		return SearchPage{}, err
	}
	out := SearchPage{Numbers: r.OrderNumberList}
	if p := r.PaginationResponseModel; p != nil {
		if p.TotalRecordsAmount != nil {
			out.Total = *p.TotalRecordsAmount
		}
		if p.TotalPages != nil {
			out.Pages = *p.TotalPages
		}
	}
	return out, nil
}

// SearchOrders pages through every window of q (63 days at most each),
// halving a window whose hits exceed the 15,000 RMS lets a search reach,
// and fetches the orders 100 at a time.
func (c *Client) SearchOrders(ctx context.Context, q marketplace.OrderQuery, each func(marketplace.OrderBatch) error) error {
	oldest := c.cfg.Now().Add(-MaxSearchAgeDays * 24 * time.Hour)
	if q.Window.From.Before(oldest) {
		return &marketplace.Error{Kind: marketplace.InvalidRequest, Marketplace: marketplace.Rakuten, Operation: "searchOrder",
			Field: "startDatetime", Message: fmt.Sprintf("RMS searches reach back %d days at most", MaxSearchAgeDays)}
	}
	dateType := DateTypeOrder
	if q.DateKind == marketplace.ByUpdate {
		dateType = DateTypePaymentFixed
	}
	var progress []int
	for _, s := range q.Statuses {
		p, err := strconv.Atoi(s)
		if err != nil {
			return &marketplace.Error{Kind: marketplace.InvalidRequest, Marketplace: marketplace.Rakuten, Operation: "searchOrder", Field: "orderProgressList", Message: "not a progress code: " + s}
		}
		progress = append(progress, p)
	}
	size := c.cfg.PageSize
	if q.PageSize > 0 && q.PageSize < size {
		size = q.PageSize
	}
	for _, w := range marketplace.SplitWindows(q.Window.From, q.Window.To, c.cfg.MaxWindow) {
		if err := c.searchWindow(ctx, dateType, w, progress, size, each); err != nil {
			return err
		}
	}
	return nil
}

func (c *Client) searchWindow(ctx context.Context, dateType int, w marketplace.Window, progress []int, size int, each func(marketplace.OrderBatch) error) error {
	first, err := c.SearchOrderPage(ctx, dateType, w, progress, 1, size)
	if err != nil {
		return err
	}
	truncated := false
	if first.Total > MaxReachableHits {
		if w.Duration() > 2*time.Minute {
			mid := w.From.Add(w.Duration() / 2).Truncate(time.Second)
			if err := c.searchWindow(ctx, dateType, marketplace.Window{From: w.From, To: mid}, progress, size, each); err != nil {
				return err
			}
			return c.searchWindow(ctx, dateType, marketplace.Window{From: mid, To: w.To}, progress, size, each)
		}
		truncated = true
	}
	pages := max(first.Pages, 1)
	if reachable := marketplace.Pages(MaxReachableHits, size); pages > reachable {
		pages = reachable
	}
	page := first
	for n := 1; ; n++ {
		if n > 1 {
			if page, err = c.SearchOrderPage(ctx, dateType, w, progress, n, size); err != nil {
				return err
			}
		}
		orders, err := c.FetchOrders(ctx, page.Numbers)
		if err != nil {
			return err
		}
		last := n >= pages || len(page.Numbers) == 0
		if err := each(marketplace.OrderBatch{Window: w, Orders: orders, WindowDone: last, Truncated: truncated && last}); err != nil {
			return err
		}
		if last {
			return nil
		}
	}
}

// FetchOrders calls getOrder (version 7) in batches of 100.
func (c *Client) FetchOrders(ctx context.Context, numbers []string) ([]marketplace.Order, error) {
	out := make([]marketplace.Order, 0, len(numbers))
	for _, batch := range marketplace.Batches(numbers, GetOrderBatch) {
		resp, err := c.do(ctx, "getOrder", http.MethodPost, PathGetOrder, GetOrderRequest{OrderNumberList: batch, Version: GetOrderVersion}, paceOrder, "order", false)
		if err != nil {
			return nil, err
		}
		orders, _, err := ParseGetOrder(resp.Body)
		if err != nil {
			return nil, err
		}
		out = append(out, orders...)
	}
	return out, nil
}

// OrderStatuses is a status snapshot; RMS has no cheaper call than getOrder.
func (c *Client) OrderStatuses(ctx context.Context, numbers []string) ([]marketplace.OrderStatus, error) {
	orders, err := c.FetchOrders(ctx, numbers)
	if err != nil {
		return nil, err
	}
	out := make([]marketplace.OrderStatus, len(orders))
	for i := range orders {
		o := &orders[i]
		p, _ := strconv.Atoi(o.Status)
		out[i] = marketplace.OrderStatus{Number: o.Number, Status: o.Status, StatusName: o.StatusName, Paid: o.Paid,
			CreditApproved: o.CreditApproved, Cancelled: o.Cancelled, Shipped: p >= 500 && p <= 700, Order: o}
	}
	return out, nil
}

// ConfirmOrders moves orders from 100 注文確認待ち, 100 at a time.
func (c *Client) ConfirmOrders(ctx context.Context, numbers []string) ([]marketplace.ItemResult, error) {
	var out []marketplace.ItemResult
	for bi, batch := range marketplace.Batches(numbers, ConfirmBatch) {
		resp, err := c.do(ctx, "confirmOrder", http.MethodPost, PathConfirmOrder, ConfirmOrderRequest{OrderNumberList: batch}, paceOrder, "order", false)
		if err != nil {
			return out, err
		}
		var r MessagesResponse
		if err := json.Unmarshal(resp.Body, &r); err != nil {
			return out, malformed("confirmOrder", err)
		}
		index := map[string]int{}
		for i, n := range batch {
			index[n] = bi*ConfirmBatch + i
		}
		for _, m := range r.MessageModelList {
			out = append(out, marketplace.ItemResult{Key: m.OrderNumber, Index: index[m.OrderNumber], OK: m.MessageType != "ERROR", Code: m.MessageCode, Message: m.Message})
		}
	}
	return out, nil
}

// MaxWindowForTest exposes the effective window size to tests.
func (c *Client) MaxWindowForTest() time.Duration { return c.cfg.MaxWindow }
