// Package productimport is 商品マスタ API import (SPEC §12): it fetches a
// channel's catalogue and lays it out like the channel's item CSV, so the
// same preview and apply as an upload take it from there. The 商品マスタ
// アップロード page (API連携登録) and the linkage robot 商品取込 both use it.
package productimport

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/secretbox"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/upload"
	"github.com/renkei-oss/renkei/jobs"
	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/registry"
)

// Timeout bounds one import: paging 200,000 items at Rakuten's pace takes
// minutes, not hours.
const Timeout = 10 * time.Minute

// ErrUnsupported is returned for a marketplace without a catalogue API here.
var ErrUnsupported = errors.New("productimport: marketplace has no product API")

// Fetcher fetches a connection's catalogue.
type Fetcher struct {
	Store   *store.Store
	Clients registry.Clients
	// OnLogError reports a failure to write the API log (the import goes on).
	OnLogError func(error)
}

// Fetch pages through the channel's items changed since the connection's
// 商品マスタ最終取得期間, from its 商品マスタ取得開始位置, and returns them as
// a table in Rakuten's item CSV layout plus the channel items seen. Every
// call lands in the API log as 商品取込. A returned error other than
// ErrUnsupported is a Japanese sentence (or a *marketplace.Error: use
// marketplace.OperatorMessage).
func (f *Fetcher) Fetch(ctx context.Context, c domain.Connection) (*upload.Table, []domain.ChannelItem, error) {
	if c.Marketplace != domain.MarketplaceRakuten {
		return nil, nil, ErrUnsupported
	}
	q := marketplace.ProductQuery{}
	if d := c.Param(domain.FieldRakutenProductLastDate); d != "" {
		from, err := time.ParseInLocation(time.DateOnly, d, marketplace.JST)
		if err != nil {
			return nil, nil, fmt.Errorf("API接続設定「%s」の商品マスタ最終取得期間「%s」が日付ではありません。API接続設定を直してください。", c.ChannelName, d)
		}
		q.UpdatedFrom = from
	}
	if p, err := strconv.Atoi(c.Param(domain.FieldRakutenProductStartPos)); err == nil && p > 1 {
		q.Offset = p - 1 // 取得開始位置 counts from 1
	}
	rec := &store.APILogRecorder{Store: f.Store, OnError: f.OnLogError}
	client, err := registry.Open[marketplace.ProductFetcher](f.Clients, c, rec)
	if err != nil {
		return nil, nil, err
	}
	ctx = store.WithAPILogScope(ctx, store.APILogScope{ConnectionID: c.ID, ChannelName: c.ChannelName, Action: string(domain.ActionProductImport)})
	t, items, err := fetchRakutenCatalog(ctx, client, q, c.ID)
	if errors.Is(err, errNoItems) {
		return nil, nil, &NoProductsError{Since: c.Param(domain.FieldRakutenProductLastDate)}
	}
	return t, items, err
}

// errNoItems marks an empty catalogue; Fetch turns it into a NoProductsError.
var errNoItems = errors.New("productimport: no items")

// NoProductsError says the marketplace had no items changed since the
// connection's 商品マスタ最終取得期間. It is an answer, not a failure: the
// default date is today, so a first import often finds nothing.
type NoProductsError struct {
	Since string // 商品マスタ最終取得期間 (YYYY-MM-DD), "" when unset
}

func (e *NoProductsError) Error() string {
	if e.Since == "" {
		return "該当する商品はありませんでした"
	}
	return "該当する商品はありませんでした（商品マスタ最終取得期間 " + e.Since + " 以降）"
}

// fetchRakutenCatalog pages through items.search and lays the items out as
// RMS's item CSV does (an item row, then one row per SKU), so the product
// code column is chosen the same way for both sources.
func fetchRakutenCatalog(ctx context.Context, client marketplace.ProductFetcher, q marketplace.ProductQuery, connID int64) (*upload.Table, []domain.ChannelItem, error) {
	t := &upload.Table{
		Header:   []string{upload.RakutenManageNumber, upload.RakutenItemNumber, upload.RakutenItemName, upload.RakutenVariantID, upload.RakutenMerchantSKU, upload.RakutenCatalogID},
		Encoding: "楽天 API（items.search）",
	}
	var items []domain.ChannelItem
	line := 1
	for {
		page, err := client.FetchProducts(ctx, q)
		if err != nil {
			return nil, nil, err
		}
		for _, p := range page.Products {
			line++
			t.Rows = append(t.Rows, upload.Row{Line: line, Cells: []string{p.ItemCode, p.ItemNumber, p.Name, "", "", ""}})
			for _, v := range p.Variants {
				line++
				t.Rows = append(t.Rows, upload.Row{Line: line, Cells: []string{p.ItemCode, "", "", v.OptionCode, v.SKU, v.JAN}})
				name := p.Name
				if v.Options != "" {
					name += " " + v.Options
				}
				items = append(items, domain.ChannelItem{ConnectionID: connID, ItemCode: p.ItemCode, OptionCode: v.OptionCode, Name: name})
			}
		}
		if len(t.Rows) > upload.MaxRows {
			return nil, nil, fmt.Errorf("楽天の商品が%d行を超えました。商品マスタ最終取得期間か取得開始位置を進めて分けて取り込んでください", upload.MaxRows)
		}
		if page.Done || len(page.Products) == 0 {
			break
		}
		q.Offset, q.Cursor = page.NextOffset, page.NextCursor
	}
	if len(t.Rows) == 0 {
		return nil, nil, errNoItems
	}
	return t, items, nil
}

// Params are the robot's settings for 商品取込 (SyncJob.Params).
type Params struct {
	// CodeColumn is the item field used as our product code; default
	// upload.RakutenMerchantSKU.
	CodeColumn string `json:"code_column,omitempty"`
}

// Action is the linkage robot 商品取込: fetch, preview like an upload, and
// apply when every row is valid. A catalogue with invalid rows is not
// applied: the run fails and names the upload to look at.
type Action struct {
	Fetcher *Fetcher
	Secrets *secretbox.Box
}

var _ jobs.Action = (*Action)(nil)

// NewAction builds the robot action on st, opening clients through cl.
func NewAction(st *store.Store, box *secretbox.Box, cl registry.Clients, onLogError func(error)) *Action {
	return &Action{Fetcher: &Fetcher{Store: st, Clients: cl, OnLogError: onLogError}, Secrets: box}
}

// Run imports the robot's connection's catalogue into 商品マスタ.
func (a *Action) Run(ctx context.Context, run *jobs.Run) (domain.SyncCounts, error) {
	st := a.Fetcher.Store
	var p Params
	if len(run.Job.Params) > 0 {
		_ = json.Unmarshal(run.Job.Params, &p)
	}
	if p.CodeColumn == "" {
		p.CodeColumn = upload.RakutenMerchantSKU
	}
	c, err := st.Connection(ctx, a.Secrets, run.Job.ConnectionID)
	if err != nil {
		return domain.SyncCounts{}, fmt.Errorf("販売チャネル（ID %d）を読み込めませんでした。API接続設定を確認してください。", run.Job.ConnectionID)
	}
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	t, items, err := a.Fetcher.Fetch(ctx, c)
	var none *NoProductsError
	if errors.As(err, &none) {
		return domain.SyncCounts{}, nil
	}
	if errors.Is(err, ErrUnsupported) {
		return domain.SyncCounts{}, fmt.Errorf("「%s」の商品取込はまだ使えません。商品マスタアップロードでCSVを取り込んでください。", c.Marketplace.Label())
	}
	if err != nil {
		return domain.SyncCounts{}, fmt.Errorf("%sから商品を取得できませんでした（%s）: %s", c.Marketplace.Label(), c.ChannelName, marketplace.OperatorMessage(err))
	}
	if err := st.RecordChannelItems(ctx, items); err != nil {
		return domain.SyncCounts{}, err
	}
	u, err := st.PreviewProductUpload(ctx, store.Upload{Filename: "楽天API " + c.ChannelName + "（連携ロボット）"}, t, upload.LayoutRakuten, p.CodeColumn)
	if err != nil {
		return domain.SyncCounts{}, fmt.Errorf("取得した商品を読めませんでした: %v", err)
	}
	counts := domain.SyncCounts{Fetched: u.Total(), Skipped: u.Unchanged, Failed: u.Invalid}
	if u.Invalid > 0 {
		return counts, fmt.Errorf("取得した商品のうち%d行に誤りがあるため、商品マスタに反映していません。商品マスタアップロードの取込結果（ID %d）で誤りを確認してください。", u.Invalid, u.ID)
	}
	if !u.Applicable() {
		return counts, nil // nothing new or changed
	}
	n, err := st.ApplyProductUpload(ctx, u.ID)
	if err != nil {
		return counts, fmt.Errorf("商品マスタに反映できませんでした（取込結果 ID %d）: %v", u.ID, err)
	}
	counts.Created = int(n)
	return counts, nil
}
