package handlertest

// Every chromedp call of the project lives in this file: chromedp v0.20+
// has a new API (Do/Run with typed actions), unlike most examples online.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// ChromiumPath is Debian's Chromium, installed by `make test`.
const ChromiumPath = "/usr/bin/chromium"

// Browser is one headless Chromium tab for a test. Its methods fail the test
// on error. Screenshots go to the test's temp dir and their paths are
// logged.
type Browser struct {
	t   testing.TB
	Ctx context.Context // the chromedp context, for anything not wrapped here
	dir string
	// downloads counts Download calls, each saved in its own folder.
	downloads int
}

// OpenBrowser starts headless Chromium (1280×900) for t, closed when t ends.
// It fails with a plain message when Chromium is not installed.
func OpenBrowser(t testing.TB) *Browser {
	t.Helper()
	if _, err := os.Stat(ChromiumPath); err != nil {
		t.Fatalf("handlertest: browser tests need Chromium at %s (%v): run `make test` as root to install it, or `apt-get install -y --no-install-recommends chromium fonts-ipafont-gothic`", ChromiumPath, err)
	}
	dir := t.TempDir()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(ChromiumPath),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(filepath.Join(dir, "profile")),
		chromedp.WindowSize(1280, 900),
	)
	// A generous bound so a hung browser fails the test instead of the
	// whole run; this is not an assertion on speed.
	base, cancelTimeout := context.WithTimeout(context.Background(), 2*time.Minute)
	actx, cancelAlloc := chromedp.NewExecAllocator(base, opts...)
	ctx, cancelCtx := chromedp.NewContext(actx, chromedp.WithLogf(func(f string, a ...any) { t.Logf("chromium: "+f, a...) }))
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
		cancelTimeout()
	})
	b := &Browser{t: t, Ctx: ctx, dir: dir}
	b.do("start Chromium")
	return b
}

func (b *Browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.Ctx, steps...); err != nil {
		b.t.Fatalf("browser: %s: %v", what, err)
	}
}

// Navigate opens url and waits for the page to load.
func (b *Browser) Navigate(url string) {
	b.t.Helper()
	b.do("open "+url, chromedp.Navigate(url))
}

// Fill types value into the field matching the CSS selector, replacing what
// was there.
func (b *Browser) Fill(sel, value string) {
	b.t.Helper()
	// Clear, not SetValue(""): chromedp v0.23 reports a failure when the value set is empty.
	// Focus + KeyEvent, not SendKeys: for a text field SendKeys does the same,
	// but first reads the node's attributes without its lock, a data race
	// with chromedp's own DOM-event goroutine that -race catches now and then.
	b.do("fill "+sel, chromedp.Clear(chromedp.CSS(sel)), chromedp.Focus(chromedp.CSS(sel)), chromedp.KeyEvent(value))
}

// Click clicks the element matching the CSS selector, without waiting for a
// page load (use ClickAndWait for a link or submit button).
func (b *Browser) Click(sel string) {
	b.t.Helper()
	b.do("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// ClickAndWait clicks the element and waits until the page it leads to has
// loaded; it returns that page's HTTP status.
func (b *Browser) ClickAndWait(sel string) int {
	b.t.Helper()
	res, err := chromedp.RunResponse(b.Ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("browser: click %s and wait for the page: %v", sel, err)
	}
	return int(res.Status)
}

// UploadFile sets the file input matching the CSS selector to the file at path.
func (b *Browser) UploadFile(sel, path string) {
	b.t.Helper()
	b.do("choose file for "+sel, chromedp.SetUploadFiles(chromedp.CSS(sel), []string{path}))
}

// WaitVisible waits until an element matching the CSS selector is visible.
func (b *Browser) WaitVisible(sel string) {
	b.t.Helper()
	b.do("wait for "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
}

// Text is the visible text of the first element matching the CSS selector.
func (b *Browser) Text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.Ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("browser: text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// Location is the URL of the current page.
func (b *Browser) Location() string {
	b.t.Helper()
	s, err := chromedp.Run(b.Ctx, chromedp.Location())
	if err != nil {
		b.t.Fatalf("browser: location: %v", err)
	}
	return s
}

// Eval evaluates a JavaScript expression and returns its value as JSON text.
func (b *Browser) Eval(expr string) string {
	b.t.Helper()
	raw, err := chromedp.Run(b.Ctx, chromedp.Evaluate[[]byte](expr))
	if err != nil {
		b.t.Fatalf("browser: evaluate %s: %v", expr, err)
	}
	return string(raw)
}

// Screenshot saves a full-page PNG named name.png in the test's temp dir,
// logs its path and returns it.
func (b *Browser) Screenshot(name string) string {
	b.t.Helper()
	png, err := chromedp.Run(b.Ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("browser: screenshot: %v", err)
	}
	path := filepath.Join(b.dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot: %s", path)
	return path
}

// Login logs in through the real login form of app.
func (b *Browser) Login(app *App, name, password string) {
	b.t.Helper()
	b.Navigate(app.URL + "/login")
	b.Fill("#username", name)
	b.Fill("#password", password)
	if status := b.ClickAndWait(`button[type="submit"]`); status != 200 {
		b.t.Fatalf("browser: log in as %s: page after login has status %d", name, status)
	}
}

// String describes the browser for messages.
func (b *Browser) String() string { return fmt.Sprintf("Chromium (%s)", b.dir) }
