package handlertest

import (
	"context"
	"os"
	"path/filepath"
	"strconv"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// Download clicks the element matching the CSS selector (a button or link
// that answers with an attachment) and returns the bytes of the file the
// browser saved, as an operator's browser would keep it.
func (b *Browser) Download(sel string) []byte {
	b.t.Helper()
	b.downloads++
	dir := filepath.Join(b.dir, "downloads-"+strconv.Itoa(b.downloads))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	progress := chromedp.Events(b.Ctx, browser.DownloadProgress)
	events := true
	b.do("download from "+sel,
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
				Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &events,
			})
			return err
		}),
		chromedp.Click(chromedp.CSS(sel)),
	)
	for ev, err := range progress {
		if err != nil {
			b.t.Fatalf("browser: download from %s: %v", sel, err)
		}
		switch ev.State {
		case browser.DownloadProgressStateCompleted:
			data, err := os.ReadFile(filepath.Join(dir, ev.GUID))
			if err != nil {
				b.t.Fatal(err)
			}
			return data
		case browser.DownloadProgressStateCanceled:
			b.t.Fatalf("browser: the download from %s was cancelled", sel)
		}
	}
	b.t.Fatalf("browser: no download from %s", sel)
	return nil
}
