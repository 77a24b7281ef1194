package views

import (
	"time"
	_ "time/tzdata" // Asia/Tokyo on machines without a zoneinfo database

	"github.com/renkei-oss/renkei/domain"
)

// Page is what the layout needs around a page's content.
type Page struct {
	Title   string
	User    *domain.User // nil on pages shown before login
	Path    string       // the request path, to mark the current menu entry
	Banners []Banner
	Flashes []Flash
}

// Banner is a standing notice shown above every page's content while its
// cause lasts (for example a marketplace credential about to expire).
type Banner struct {
	Kind     string // "warning", "error" or "info"
	Text     string
	Link     string // optional: where to fix it
	LinkText string
}

// Flash is the one-time result of the previous action ("ユーザーを追加しました").
type Flash struct {
	Kind string // "success" or "error"
	Text string
}

// Tokyo is the time zone every date is shown in.
var Tokyo = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		panic(err) // time/tzdata is embedded, so this cannot happen
	}
	return loc
}()

// FormatTime shows t in Japan time, to the minute.
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Tokyo).Format("2006-01-02 15:04")
}
