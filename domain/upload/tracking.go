package upload

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/renkei-oss/renkei/domain"
)

// The columns of 問番アップロード, required first.
const (
	TrackingColOrderNo  = "注文番号"
	TrackingColNo       = "問番"
	TrackingColCarrier  = "配送会社"
	TrackingColShipDate = "出荷日"
	TrackingColChannel  = "販売チャネル"
)

// TrackingColumns are the columns of the 問番 template.
var TrackingColumns = []string{TrackingColOrderNo, TrackingColNo, TrackingColCarrier, TrackingColShipDate, TrackingColChannel}

// TrackingCSV is the 問番 template's row.
type TrackingCSV struct {
	OrderNo  string `csv:"注文番号"`
	No       string `csv:"問番"`
	Carrier  string `csv:"配送会社"`
	ShipDate string `csv:"出荷日"`
	Channel  string `csv:"販売チャネル"`
}

// TrackingRow is one parcel of an uploaded 問番 file: which order, which
// carrier's number, and the order's 出荷日.
type TrackingRow struct {
	Line       int    `db:"line"`
	OrderNo    string `db:"order_no"`
	ChannelID  int64  `db:"connection_id"` // 0: the order number alone decides
	CarrierID  int64  `db:"carrier_id"`
	Carrier    string `db:"carrier_name"`
	TrackingNo string `db:"tracking_no"`
	ShipDate   string `db:"ship_date"` // YYYY-MM-DD
}

// ParseTracking reads the own layout: every cell is checked (carrier known,
// number of that carrier's form, a date), and a number appears once per
// file. carriers maps carrier names to ids, channels names and ids to
// connection ids.
func ParseTracking(t *Table, carriers, channels map[string]int64) ([]TrackingRow, []RowError, error) {
	cols := map[string]int{}
	for _, name := range TrackingColumns[:4] {
		if cols[name] = t.Col(name); cols[name] < 0 {
			return nil, nil, fileErr("1行目に「%s」列がありません。見出しは「注文番号, 問番, 配送会社, 出荷日」（任意で「販売チャネル」）です。", name)
		}
	}
	ch := t.Col(TrackingColChannel)
	p := newTrackingParser(len(t.Rows))
	for _, r := range t.Rows {
		p.row(r.Line, r.Cell(cols[TrackingColOrderNo]), r.Cell(cols[TrackingColNo]), r.Cell(cols[TrackingColShipDate]), func(fail func(col, reason string), row *TrackingRow) {
			name := r.Cell(cols[TrackingColCarrier])
			if row.CarrierID = carriers[name]; name == "" {
				fail(TrackingColCarrier, "配送会社が空です")
			} else if row.CarrierID == 0 {
				fail(TrackingColCarrier, fmt.Sprintf("配送会社「%s」は配送会社マスタにありません", name))
			}
			row.Carrier = name
			if v := r.Cell(ch); v != "" {
				if row.ChannelID = channels[v]; row.ChannelID == 0 {
					fail(TrackingColChannel, fmt.Sprintf("販売チャネル「%s」はAPI接続設定にありません", v))
				}
			}
		})
	}
	return p.rows, append(p.errs, t.RowErrors()...), nil
}

// trackingParser holds what every 問番 layout checks the same way.
type trackingParser struct {
	rows []TrackingRow
	errs []RowError
	seen map[[2]string]int // carrier, number → first line
}

func newTrackingParser(n int) *trackingParser {
	return &trackingParser{rows: make([]TrackingRow, 0, n), seen: make(map[[2]string]int, n)}
}

// row checks the order number, date and (after layout fills carrier and
// channel) the number against its carrier, and keeps the row when all hold.
func (p *trackingParser) row(line int, orderNo, no, date string, layout func(fail func(col, reason string), row *TrackingRow)) {
	row := TrackingRow{Line: line, OrderNo: orderNo, TrackingNo: domain.NormalizeTrackingNo(no)}
	bad := false
	fail := func(col, reason string) { p.errs, bad = append(p.errs, RowError{line, col, reason}), true }
	if orderNo == "" {
		fail(TrackingColOrderNo, "注文番号が空です")
	}
	layout(fail, &row)
	if d, ok := ParseDate(date); !ok {
		fail(TrackingColShipDate, fmt.Sprintf("出荷日「%s」は日付ではありません（2026-12-07 や 2026/12/07 の形）", date))
	} else {
		row.ShipDate = d
	}
	if row.CarrierID != 0 {
		if msg := domain.ValidateTrackingNo(row.Carrier, row.TrackingNo); msg != "" {
			fail(TrackingColNo, strings.TrimSuffix(msg, "。"))
		} else if first, dup := p.seen[[2]string{row.Carrier, row.TrackingNo}]; dup {
			fail(TrackingColNo, fmt.Sprintf("問番「%s」は%d行目と重複しています", row.TrackingNo, first))
		} else {
			p.seen[[2]string{row.Carrier, row.TrackingNo}] = line
		}
	}
	if !bad {
		p.rows = append(p.rows, row)
	}
}

// ParseDate reads a date as people and carriers' software write it
// (2026-12-07, 2026/12/7, 20261207) and returns it as YYYY-MM-DD.
func ParseDate(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) == 8 && isDigits(s) {
		s = s[:4] + "-" + s[4:6] + "-" + s[6:]
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '/' })
	if len(parts) != 3 || len(parts[0]) != 4 {
		return "", false
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || len(p) > 4 {
			return "", false
		}
		n[i] = v
	}
	d := time.Date(n[0], time.Month(n[1]), n[2], 0, 0, 0, 0, time.UTC)
	if d.Year() != n[0] || int(d.Month()) != n[1] || d.Day() != n[2] {
		return "", false
	}
	return d.Format(time.DateOnly), true
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// TrackingOrder is an order a 問番 row may name.
type TrackingOrder struct {
	ID           int64         `db:"id"`
	ConnectionID int64         `db:"connection_id"`
	OrderNo      string        `db:"channel_order_no"`
	Status       domain.Status `db:"status"`
}

// TrackingPlan is a valid row with the order it names.
type TrackingPlan struct {
	TrackingRow
	OrderID int64  `db:"ship_order_id"`
	Status  Status `db:"status"`
}

// ParcelKey is a carrier's number; one number is one parcel.
type ParcelKey struct {
	CarrierID  int64
	TrackingNo string
}

// PlanTracking resolves each row's order among orders (those whose numbers
// the file names) and decides it: a new parcel, or unchanged when the order
// has that number already. taken maps numbers already stored to their
// order. A row is invalid when its order is unknown, ambiguous between
// channels, not 引当済/出荷待ち, or the number is another order's.
func PlanTracking(rows []TrackingRow, orders []TrackingOrder, taken map[ParcelKey]int64) ([]TrackingPlan, []RowError) {
	byNo := make(map[string][]TrackingOrder, len(orders))
	for _, o := range orders {
		byNo[o.OrderNo] = append(byNo[o.OrderNo], o)
	}
	plans := make([]TrackingPlan, 0, len(rows))
	var errs []RowError
	for _, r := range rows {
		o, msg := pickOrder(byNo[r.OrderNo], r)
		if msg == "" && !domain.TakesTracking(o.Status) {
			msg = fmt.Sprintf("注文番号「%s」は%sのため問番を登録できません（引当済・出荷待ちの注文だけ）", r.OrderNo, o.Status.Label())
		}
		if msg != "" {
			errs = append(errs, RowError{r.Line, TrackingColOrderNo, msg})
			continue
		}
		st := StatusNew
		if holder, ok := taken[ParcelKey{r.CarrierID, r.TrackingNo}]; ok && holder != o.ID {
			errs = append(errs, RowError{r.Line, TrackingColNo, fmt.Sprintf("%sの問番「%s」は別の注文に登録済みです", r.Carrier, r.TrackingNo)})
			continue
		} else if ok {
			st = StatusUnchanged
		}
		plans = append(plans, TrackingPlan{TrackingRow: r, OrderID: o.ID, Status: st})
	}
	return plans, errs
}

// pickOrder finds the one order a row names, or says why there is none.
func pickOrder(cands []TrackingOrder, r TrackingRow) (TrackingOrder, string) {
	var found []TrackingOrder
	for _, o := range cands {
		if r.ChannelID == 0 || o.ConnectionID == r.ChannelID {
			found = append(found, o)
		}
	}
	switch {
	case len(found) == 1:
		return found[0], ""
	case len(found) > 1:
		return TrackingOrder{}, fmt.Sprintf("注文番号「%s」は複数の販売チャネルにあります。「販売チャネル」列で指定してください", r.OrderNo)
	case r.ChannelID != 0 && len(cands) > 0:
		return TrackingOrder{}, fmt.Sprintf("注文番号「%s」はその販売チャネルの出荷指示にありません", r.OrderNo)
	}
	return TrackingOrder{}, fmt.Sprintf("注文番号「%s」の出荷指示がありません", r.OrderNo)
}

// TrackingLayout is a file layout 問番アップロード reads: ours, or a
// carrier's 発行済みデータ.
type TrackingLayout struct {
	ID    string
	Label string
	Parse func(t *Table, carriers, channels map[string]int64) ([]TrackingRow, []RowError, error)
}

// TrackingLayouts lists the layouts in the order the form offers them.
var TrackingLayouts = []TrackingLayout{
	{ID: "own", Label: "Renkei形式（注文番号, 問番, 配送会社, 出荷日, 販売チャネル）", Parse: ParseTracking},
}

// FindTrackingLayout returns the layout with id.
func FindTrackingLayout(id string) (TrackingLayout, bool) {
	for _, l := range TrackingLayouts {
		if l.ID == id {
			return l, true
		}
	}
	return TrackingLayout{}, false
}
