package upload

import "github.com/renkei-oss/renkei/domain"

// Status says what applying a row would do.
type Status string

const (
	StatusNew       Status = "new"       // 新規
	StatusChanged   Status = "changed"   // 変更
	StatusUnchanged Status = "unchanged" // 変更なし
)

// Label is the Japanese name shown in the preview.
func (s Status) Label() string {
	switch s {
	case StatusNew:
		return "新規"
	case StatusChanged:
		return "変更"
	case StatusUnchanged:
		return "変更なし"
	}
	return string(s)
}

// Counts summarises a preview.
type Counts struct {
	New       int `db:"new_count"`
	Changed   int `db:"changed_count"`
	Unchanged int `db:"unchanged_count"`
	Invalid   int `db:"invalid_count"` // rows with at least one error
}

// Total is the number of data rows read.
func (c Counts) Total() int { return c.New + c.Changed + c.Unchanged + c.Invalid }

// ClassifyProducts compares each valid row with the product of the same SKU.
func ClassifyProducts(rows []ProductRow, existing map[string]domain.Product) ([]Status, Counts) {
	st := make([]Status, len(rows))
	var c Counts
	for i, r := range rows {
		old, ok := existing[r.SKU]
		switch {
		case !ok:
			st[i] = StatusNew
			c.New++
		case old.SameContent(r.Product):
			st[i] = StatusUnchanged
			c.Unchanged++
		default:
			st[i] = StatusChanged
			c.Changed++
		}
	}
	return st, c
}

// ClassifyMappings compares each valid mapping row with the current SKU
// of the same channel item.
func ClassifyMappings(rows []MappingRow, existing map[string]string) ([]Status, Counts) {
	st := make([]Status, len(rows))
	var c Counts
	for i, r := range rows {
		sku, ok := existing[r.Key()]
		switch {
		case !ok:
			st[i] = StatusNew
			c.New++
		case sku == r.SKU:
			st[i] = StatusUnchanged
			c.Unchanged++
		default:
			st[i] = StatusChanged
			c.Changed++
		}
	}
	return st, c
}

// InvalidLines counts distinct rows among errs.
func InvalidLines(errs []RowError) int {
	n, last := 0, -1
	for _, e := range errs {
		if e.Line != last {
			n++
			last = e.Line
		}
	}
	return n
}
