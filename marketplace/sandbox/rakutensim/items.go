package rakutensim

import (
	"net/http"
	"slices"
	"strings"

	"strconv"
	"time"

	"github.com/renkei-oss/renkei/marketplace"

	"github.com/renkei-oss/renkei/marketplace/rakuten"
)

// itemsSearch serves Item API 2.0 items.search [V3]: the shop catalogue
// sorted by update time, filtered by updatedFrom, paged by offset/hits.
func (s *Sim) itemsSearch(sh *shop, w http.ResponseWriter, r *http.Request, now time.Time) {
	q := r.URL.Query()
	hits, offset := 10, 0
	var err error
	if v := q.Get("hits"); v != "" {
		if hits, err = strconv.Atoi(v); err != nil || hits < 1 || hits > rakuten.ItemsSearchMaxHits {
			invErr(w, "IE0105", "hitsは1〜100で指定してください。", "hits") // [I]
			return
		}
	}
	if v := q.Get("offset"); v != "" {
		if offset, err = strconv.Atoi(v); err != nil || offset < 0 || offset > 10000 {
			invErr(w, "IE0105", "offsetは0〜10000で指定してください。", "offset") // [I]
			return
		}
	}
	var from time.Time
	if v := q.Get("updatedFrom"); v != "" {
		if from, err = rakuten.ParseTime(v); err != nil {
			invErr(w, "IE0105", "updatedFromの形式が不正です。", "updatedFrom")
			return
		}
	}
	cat := sh.gen.Catalog()
	var matched []rakuten.Item
	for _, it := range cat {
		if !from.IsZero() && it.Updated.Before(from) {
			continue
		}
		item := rakuten.Item{ManageNumber: it.ManageNumber, ItemNumber: it.ItemNumber, Title: it.Name,
			Created: it.Created.In(jst()).Format(time.RFC3339), Updated: it.Updated.In(jst()).Format(time.RFC3339), Variants: map[string]rakuten.Variant{}}
		for _, v := range it.Variants {
			rv := rakuten.Variant{MerchantDefinedSkuID: v.SKU, StandardPrice: strconv.FormatInt(v.Price, 10)}
			rv.ArticleNumber = &struct {
				Value string `json:"value"`
			}{Value: v.JAN}
			if v.Options != "" {
				k, val := splitOption(v.Options)
				rv.SelectorValues = map[string]string{k: val}
			}
			item.Variants[v.VariantID] = rv
		}
		matched = append(matched, item)
	}
	sortItems(matched)
	resp := rakuten.ItemsSearchResponse{NumFound: len(matched), Offset: offset, Results: []rakuten.ItemResult{}}
	for i := offset; i < len(matched) && i < offset+hits; i++ {
		resp.Results = append(resp.Results, rakuten.ItemResult{Item: &matched[i]})
	}
	writeJSON(w, http.StatusOK, resp)
}

func splitOption(s string) (string, string) {
	for i, r := range s {
		if r == ':' {
			return s[:i], s[i+1:]
		}
	}
	return "選択肢", s
}

func sortItems(items []rakuten.Item) {
	slices.SortStableFunc(items, func(a, b rakuten.Item) int {
		if c := strings.Compare(a.Updated, b.Updated); c != 0 {
			return c
		}
		return strings.Compare(a.ManageNumber, b.ManageNumber)
	})
}

func jst() *time.Location { return marketplace.JST }
