package handlers_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/renkei-oss/renkei/handlers/handlertest"
)

// An admin creates a robot in Chromium, presses 今すぐ実行 and sees the run
// with its counts in the history.
func TestSyncJobBrowserCreateRunAndHistory(t *testing.T) {
	app := newRobotsApp(t)
	conn := rakutenConnection(t, app.App, nil)
	b := handlertest.OpenBrowser(t)
	b.Login(app.App, handlertest.AdminName, handlertest.AdminPassword)

	b.Navigate(app.URL + "/sync-jobs")
	if status := b.ClickAndWait("#new-sync-job"); status != 200 {
		t.Fatalf("連携ロボット登録: status %d", status)
	}
	b.Fill("#sj-name", "ブラウザで登録した取込")
	setSelect(b, "#sj-connection", strconv.FormatInt(conn, 10))
	setSelect(b, "#sj-action", "order_import")
	setSelect(b, "#sj-trigger", "interval")
	b.Fill("#sj-interval", "30")
	if status := b.ClickAndWait(`#sync-job-form button[type="submit"]`); status != 200 {
		t.Fatalf("register: page after submit has status %d", status)
	}
	if !strings.Contains(b.Text("h1"), "ブラウザで登録した取込") || !strings.Contains(b.Text("#sync-job-summary"), "30分ごと") {
		t.Fatalf("robot page: %s / %s", b.Text("h1"), b.Text("#sync-job-summary"))
	}
	if got := b.Text("#no-runs"); got == "" {
		t.Fatal("a new robot shows runs")
	}

	if status := b.ClickAndWait("button.run-now"); status != 200 {
		t.Fatalf("今すぐ実行: status %d", status)
	}
	// The history polls (HTMX) until the run has shown up and finished.
	waitFor(t, b, "the run in the history", `document.querySelector('#sync-runs tbody tr[data-status="succeeded"]') !== null`)
	row := `#sync-runs tbody tr[data-status="succeeded"]`
	if got := b.Text(row + " .run-created"); got != "5" {
		t.Fatalf("登録 in the history = %q", got)
	}
	if got := b.Text(row + " .api-log-link"); got != "この実行のAPIログ" {
		t.Fatalf("API log link %q", got)
	}
	screenshot(t, b, "sync-job-history")
}
