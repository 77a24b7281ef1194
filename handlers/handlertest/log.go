package handlertest

import (
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
)

// testLogger writes the application's log lines to t.Log, so they show next
// to the failure they explain and stay quiet otherwise. Lines logged after
// the test ended (a straggling goroutine) are dropped: t.Log would panic.
func testLogger(t testing.TB) *slog.Logger {
	w := &tWriter{t: t}
	t.Cleanup(func() { w.done.Store(true) }) // registered first, so it runs last
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tWriter struct {
	t    testing.TB
	done atomic.Bool
}

func (w *tWriter) Write(p []byte) (int, error) {
	if !w.done.Load() {
		w.t.Log(strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}
