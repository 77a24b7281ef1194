package handlers_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/handlers/handlertest"
	"github.com/renkei-oss/renkei/marketplace/sandbox"
)

// A run stopped by a marketplace's maintenance shows its own state, not
// エラー, in タスク一覧 and on its progress page, with the sentence.
func TestImportRunStoppedByMaintenanceIsShownAsSuch(t *testing.T) {
	var sb *sandbox.Server
	app := handlertest.New(t, withSandbox(&sb))
	conn := importFixture(t, app, sb)
	ctx := context.Background()
	from := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	run := domain.ImportRun{ConnectionID: conn.ID, Mode: domain.ImportRange, From: from, To: from.Add(14 * 24 * time.Hour), Trigger: "テスト",
		Windows: []domain.ImportWindow{{From: from, To: from.Add(7 * 24 * time.Hour)}, {From: from.Add(7 * 24 * time.Hour), To: from.Add(14 * 24 * time.Hour)}}}
	if err := app.Store.StartImportRun(ctx, &run); err != nil {
		t.Fatal(err)
	}
	const msg = "販売チャネルがメンテナンス中です。メンテナンス終了後に再実行してください。"
	if err := app.Store.FinishImportRun(ctx, run.ID, domain.ImportMaintenance, msg); err != nil {
		t.Fatal(err)
	}

	list := app.Get(t, app.Operator, "/ship-orders/import")
	list.WantStatus(t, http.StatusOK)
	row := list.Text("#import-run-" + strconv.FormatInt(run.ID, 10))
	if !strings.Contains(row, "メンテナンスのため中断") || strings.Contains(row, "エラー") {
		t.Fatalf("タスク一覧 row %q, want the maintenance state", row)
	}
	page := app.Get(t, app.Operator, "/ship-orders/import/runs/"+strconv.FormatInt(run.ID, 10))
	page.WantStatus(t, http.StatusOK)
	if got := page.Text("#import-state"); got != "メンテナンスのため中断" {
		t.Fatalf("progress state %q", got)
	}
	if got := page.Text("[role=alert]"); got != msg {
		t.Fatalf("progress message %q, want %q", got, msg)
	}
}
