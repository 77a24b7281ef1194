package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/handlers"
	"github.com/renkei-oss/renkei/handlers/handlertest"
	"github.com/renkei-oss/renkei/jobs"
)

// robotsApp is the app with a running robot scheduler whose registry has a
// stand-in 出荷指示取得(差分) reporting fixed counts; the other actions are
// not registered, as in a Renkei where they have not landed yet.
type robotsApp struct {
	*handlertest.App
	Sched *jobs.Scheduler
}

var fakeImportCounts = domain.SyncCounts{Fetched: 7, Created: 5, Skipped: 1, Failed: 1}

func newRobotsApp(t *testing.T, opts ...handlertest.Option) *robotsApp {
	t.Helper()
	return newRobotsAppWith(t, nil, opts...)
}

// newRobotsAppWith lets register add real actions built on the app's deps.
func newRobotsAppWith(t *testing.T, register func(*jobs.Registry, *handlers.Deps), opts ...handlertest.Option) *robotsApp {
	t.Helper()
	reg := jobs.NewRegistry()
	reg.Register(domain.ActionOrderImport, jobs.ActionFunc(func(ctx context.Context, run *jobs.Run) (domain.SyncCounts, error) {
		return fakeImportCounts, nil
	}))
	var sched *jobs.Scheduler
	opts = append(opts, func(d *handlers.Deps) {
		if register != nil {
			register(reg, d)
		}
		s, err := jobs.New(d.DB, reg, jobs.Options{Instance: "handlers-test", Logger: d.Logger})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := s.Stop(ctx); err != nil {
				t.Errorf("stop scheduler: %v", err)
			}
		})
		d.Scheduler = s
		sched = s
	})
	app := handlertest.New(t, opts...)
	return &robotsApp{App: app, Sched: sched}
}

// rakutenConnection registers a Rakuten connection through the form and
// returns its id; form tweaks adjust the fields.
func rakutenConnection(t *testing.T, app *handlertest.App, tweak func(url.Values)) int64 {
	t.Helper()
	sf := createShipFrom(t, app, "本社倉庫")
	f := rakutenForm(sf, "https://api.rms.rakuten.co.jp", "SP000000_secret", "SL000000_license")
	if tweak != nil {
		tweak(f)
	}
	id, _ := strconv.ParseInt(createdID(t, app.PostForm(t, app.Admin, "/settings/connections", f)), 10, 64)
	return id
}

func robotForm(conn int64, name string, kv ...string) url.Values {
	f := url.Values{"name": {name}, "connection_id": {strconv.FormatInt(conn, 10)}, "action": {"order_import"},
		"trigger_kind": {"interval"}, "interval_minutes": {"15"}, "enabled": {"on"}}
	for i := 0; i+1 < len(kv); i += 2 {
		f.Set(kv[i], kv[i+1])
	}
	return f
}

// createRobot posts the form as the admin and returns the new robot's id.
func createRobot(t *testing.T, app *robotsApp, f url.Values) int64 {
	t.Helper()
	res := app.PostForm(t, app.Admin, "/sync-jobs", f)
	res.WantStatus(t, http.StatusSeeOther)
	id, err := strconv.ParseInt(strings.TrimPrefix(res.Header.Get("Location"), "/sync-jobs/"), 10, 64)
	if err != nil {
		t.Fatalf("redirect after create to %q", res.Header.Get("Location"))
	}
	return id
}

// waitRun waits until the robot has a finished run and returns the newest
// run. The bound only keeps a broken scheduler from hanging the test.
func waitRun(t *testing.T, app *robotsApp, id int64) domain.SyncRun {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); ; {
		runs, err := app.Store.SyncRuns(context.Background(), id, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) == 1 && runs[0].Status != domain.SyncRunRunning {
			return runs[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("robot %d: no finished run (%+v)", id, runs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestSyncJobRoutesAdminOnly(t *testing.T) {
	app := newRobotsApp(t)
	conn := rakutenConnection(t, app.App, nil)
	id := createRobot(t, app, robotForm(conn, "受注取込"))
	p := "/sync-jobs/" + strconv.FormatInt(id, 10)

	for _, path := range []string{"/sync-jobs", p, p + "/runs"} {
		app.Get(t, app.Operator, path).WantStatus(t, http.StatusOK)
	}
	for _, path := range []string{"/sync-jobs/new", "/sync-jobs/easy", p + "/edit"} {
		app.Get(t, app.Operator, path).WantStatus(t, http.StatusForbidden)
		app.Get(t, app.Admin, path).WantStatus(t, http.StatusOK)
	}
	for _, path := range []string{"/sync-jobs", "/sync-jobs/easy", p, p + "/enable", p + "/disable", p + "/delete", p + "/run"} {
		app.PostForm(t, app.Operator, path, robotForm(conn, "書き換え", "confirm", "on")).WantStatus(t, http.StatusForbidden)
	}
	j, err := app.Store.SyncJob(context.Background(), id)
	if err != nil || j.Name != "受注取込" || !j.Enabled {
		t.Fatalf("an operator changed the robot: %+v %v", j, err)
	}
	runs, _ := app.Store.SyncRuns(context.Background(), id, 10)
	if len(runs) != 0 {
		t.Fatalf("an operator ran the robot: %+v", runs)
	}
	list := app.Get(t, app.Operator, "/sync-jobs")
	if list.Doc.Find("#new-sync-job, #easy-sync-jobs, .run-now").Length() != 0 {
		t.Fatal("operators are offered buttons that change robots")
	}
}

func TestSyncJobFormValidation(t *testing.T) {
	app := newRobotsApp(t)
	conn := rakutenConnection(t, app.App, nil)
	cases := []struct {
		name  string
		form  url.Values
		field string // the field whose error is shown beside it
		want  string
	}{
		{"empty name", robotForm(conn, " "), "name", "連携ロボット名が空です"},
		{"no connection", robotForm(0, "x"), "connection_id", "API接続設定が選ばれていません"},
		{"deleted connection", robotForm(conn+999, "x"), "connection_id", "削除されています"},
		{"interval 0", robotForm(conn, "x", "interval_minutes", "0"), "interval_minutes", "実行間隔は1〜"},
		{"bad time", robotForm(conn, "x", "trigger_kind", "daily", "times_of_day", "25:00"), "times_of_day", "実行時刻「25:00」が読めません"},
		{"bad cron", robotForm(conn, "x", "trigger_kind", "cron", "cron_expr", "every day"), "cron_expr", "cron式「every day」が読めません"},
		{"no trigger", robotForm(conn, "x", "trigger_kind", ""), "trigger_kind", "トリガーが選ばれていません"},
		{"after itself", robotForm(conn, "x", "trigger_kind", "after", "after_action", "order_import"), "after_action", "自分自身"},
		{"unsupported action", robotForm(conn, "x", "action", "stock_push"), "action", "未対応"},
		{"bad product code field", robotForm(conn, "x", "action", "product_import", "code_column", "販売価格"), "code_column", "「販売価格」は選べません"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := app.PostForm(t, app.Admin, "/sync-jobs", c.form)
			res.WantStatus(t, http.StatusUnprocessableEntity)
			msg := res.Doc.Find("#err-" + c.field).Text()
			if !strings.Contains(msg, c.want) {
				t.Fatalf("beside %s: %q, want %q\n%s", c.field, msg, c.want, res.Text("main"))
			}
			if res.Doc.Find("#form-error").Length() != 1 {
				t.Fatal("no error summary")
			}
			// What was typed comes back.
			if v, _ := res.Doc.Find("#sj-name").Attr("value"); v != strings.TrimSpace(c.form.Get("name")) {
				t.Fatalf("name field %q", v)
			}
		})
	}
	// Every field has a label tied to it.
	form := app.Get(t, app.Admin, "/sync-jobs/new")
	form.Doc.Find("#sync-job-form input:not([type=hidden]), #sync-job-form select").Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("id")
		if id == "" || form.Doc.Find(`label[for="`+id+`"]`).Length() != 1 {
			t.Errorf("field %s has no label", id)
		}
	})
	// An old robot whose action cannot run here may be edited, not enabled.
	old, err := app.Store.CreateSyncJob(context.Background(), domain.SyncJob{Name: "在庫", ConnectionID: conn, Action: domain.ActionStockPush,
		Trigger: domain.Trigger{Kind: domain.TriggerInterval, IntervalMinutes: 30}})
	if err != nil {
		t.Fatal(err)
	}
	op := "/sync-jobs/" + strconv.FormatInt(old.ID, 10)
	res := app.PostForm(t, app.Admin, op, robotForm(conn, "在庫", "action", "stock_push"))
	res.WantStatus(t, http.StatusUnprocessableEntity)
	if !strings.Contains(res.Text("#err-enabled"), "有効にできません") {
		t.Fatalf("beside 有効: %q", res.Text("#err-enabled"))
	}
	f := robotForm(conn, "在庫 30分", "action", "stock_push", "interval_minutes", "20")
	f.Del("enabled")
	app.PostForm(t, app.Admin, op, f).WantRedirect(t, op)
	app.PostForm(t, app.Admin, op+"/enable", nil).WantRedirect(t, "/sync-jobs")
	if j, _ := app.Store.SyncJob(context.Background(), old.ID); j.Enabled || j.Name != "在庫 30分" {
		t.Fatalf("unsupported robot %+v", j)
	}
	if err := app.Store.DeleteSyncJob(context.Background(), old.ID); err != nil {
		t.Fatal(err)
	}
	jobs, _ := app.Store.SyncJobs(context.Background())
	if len(jobs) != 0 {
		t.Fatalf("invalid robots saved: %+v", jobs)
	}
}

// Two robots chained after each other would start each other forever: the
// second link of the loop is refused beside 前のアクション.
func TestSyncJobChainCycleRefused(t *testing.T) {
	app := newRobotsApp(t)
	conn := rakutenConnection(t, app.App, nil)
	ctx := context.Background()
	// A confirm robot after the import (stored directly: confirm is not
	// registered in this app, and the loop check is what is under test).
	if _, err := app.Store.CreateSyncJob(ctx, domain.SyncJob{Name: "確認", ConnectionID: conn, Action: domain.ActionConfirm,
		Trigger: domain.Trigger{Kind: domain.TriggerAfter, AfterAction: domain.ActionOrderImport}}); err != nil {
		t.Fatal(err)
	}
	res := app.PostForm(t, app.Admin, "/sync-jobs", robotForm(conn, "取込", "trigger_kind", "after", "after_action", "confirm"))
	res.WantStatus(t, http.StatusUnprocessableEntity)
	if msg := res.Text("#err-after_action"); !strings.Contains(msg, "輪になっています") {
		t.Fatalf("cycle message %q", msg)
	}
}

func TestSyncJobEditReschedules(t *testing.T) {
	app := newRobotsApp(t)
	conn := rakutenConnection(t, app.App, nil)
	id := createRobot(t, app, robotForm(conn, "受注取込"))
	p := "/sync-jobs/" + strconv.FormatInt(id, 10)
	before := app.Sched.NextRun(id)
	if before.IsZero() || before.Sub(time.Now()) > 15*time.Minute {
		t.Fatalf("next run of an every-15-minutes robot: %v", before)
	}

	edit := app.Get(t, app.Admin, p+"/edit")
	if v, _ := edit.Doc.Find("#sj-interval").Attr("value"); v != "15" {
		t.Fatalf("edit form interval %q", v)
	}
	bad := app.PostForm(t, app.Admin, p, robotForm(conn, "受注取込", "trigger_kind", "daily", "times_of_day", "9:60"))
	bad.WantStatus(t, http.StatusUnprocessableEntity)
	if !strings.Contains(bad.Text("#err-times_of_day"), "9:60") {
		t.Fatalf("error beside 実行時刻: %q", bad.Text("#err-times_of_day"))
	}

	app.PostForm(t, app.Admin, p, robotForm(conn, "受注取込 朝", "trigger_kind", "daily", "times_of_day", "3:00")).WantRedirect(t, p)
	next := app.Sched.NextRun(id)
	jst := next.In(domain.SyncJobZone)
	if jst.Hour() != 3 || jst.Minute() != 0 || next.Sub(time.Now()) > 24*time.Hour || !next.After(time.Now()) {
		t.Fatalf("after the edit the next run is %v, want the next 03:00 Japan time", jst)
	}
	page := app.Get(t, app.Operator, p)
	if got := page.Text("#sync-job-next"); !strings.HasSuffix(got, "03:00") {
		t.Fatalf("page shows next run %q", got)
	}
	if !strings.Contains(page.Text("#sync-job-summary"), "毎日 03:00") {
		t.Fatalf("summary %q", page.Text("#sync-job-summary"))
	}

	// Disabled: not scheduled at all; enabled again: back on the schedule.
	app.PostForm(t, app.Admin, p+"/disable", url.Values{"back": {p}}).WantRedirect(t, p)
	if !app.Sched.NextRun(id).IsZero() {
		t.Fatal("a disabled robot is still scheduled")
	}
	if got := app.Get(t, app.Admin, p).Text("#sync-job-next"); !strings.Contains(got, "無効") {
		t.Fatalf("next run of a disabled robot shown as %q", got)
	}
	app.PostForm(t, app.Admin, p+"/enable", nil).WantRedirect(t, "/sync-jobs")
	if app.Sched.NextRun(id).IsZero() {
		t.Fatal("an enabled robot is not scheduled")
	}

	// Delete needs the confirmation, then unschedules.
	app.PostForm(t, app.Admin, p+"/delete", nil).WantRedirect(t, p+"/edit")
	app.PostForm(t, app.Admin, p+"/delete", url.Values{"confirm": {"on"}}).WantRedirect(t, "/sync-jobs")
	if !app.Sched.NextRun(id).IsZero() {
		t.Fatal("a deleted robot is still scheduled")
	}
	app.Get(t, app.Admin, p).WantStatus(t, http.StatusNotFound)
}

func TestSyncJobRunNowListAndHistory(t *testing.T) {
	app := newRobotsApp(t)
	conn := rakutenConnection(t, app.App, nil)
	// Disabled: 今すぐ実行 runs it all the same.
	f := robotForm(conn, "受注取込")
	f.Del("enabled")
	id := createRobot(t, app, f)
	p := "/sync-jobs/" + strconv.FormatInt(id, 10)

	list := app.Get(t, app.Admin, "/sync-jobs")
	row := list.Doc.Find("#sync-job-" + strconv.FormatInt(id, 10))
	if !strings.Contains(row.Find(".last-run").Text(), "未実行") || !strings.Contains(row.Find(".enabled").Text(), "無効") {
		t.Fatalf("row before the run: %q", row.Text())
	}

	app.PostForm(t, app.Admin, p+"/run", nil).WantRedirect(t, p)
	run := waitRun(t, app, id)
	if run.Status != domain.SyncRunSucceeded || run.Cause != domain.SyncCauseManual || run.SyncCounts != fakeImportCounts {
		t.Fatalf("run %+v", run)
	}

	page := app.Get(t, app.Operator, p)
	tr := page.Doc.Find("#run-" + strconv.FormatInt(run.ID, 10))
	for sel, want := range map[string]string{".run-status": "成功", ".run-fetched": "7", ".run-created": "5", ".run-skipped": "1", ".run-failed": "1"} {
		if got := strings.TrimSpace(tr.Find(sel).Text()); got != want {
			t.Errorf("history %s = %q, want %q", sel, got, want)
		}
	}
	href, _ := tr.Find("a.api-log-link").Attr("href")
	u, err := url.Parse(href)
	if err != nil || u.Path != "/api-logs" || u.Query().Get("connection") != strconv.FormatInt(conn, 10) || u.Query().Get("action") != "order_import" || u.Query().Get("from") == "" {
		t.Fatalf("API log link %q", href)
	}
	app.Get(t, app.Operator, href).WantStatus(t, http.StatusOK)
	// A finished history does not poll.
	if _, polls := page.Doc.Find("#sync-job-runs").Attr("hx-get"); polls {
		t.Fatal("finished history still polls")
	}

	row = app.Get(t, app.Operator, "/sync-jobs").Doc.Find("#sync-job-" + strconv.FormatInt(id, 10))
	last := row.Find(".last-run").Text()
	if !strings.Contains(last, "成功") || !strings.Contains(last, "取得 7 / 登録 5 / スキップ 1 / 失敗 1") {
		t.Fatalf("list's last run %q", last)
	}
	for _, want := range []string{"楽天市場 本店", "出荷指示取得(差分)", "15分ごと"} {
		if !strings.Contains(row.Text(), want) {
			t.Errorf("row lacks %s: %q", want, row.Text())
		}
	}
}

func TestSyncJobsEasySetup(t *testing.T) {
	app := newRobotsApp(t)
	conn := rakutenConnection(t, app.App, nil)
	q := "/sync-jobs/easy?connection=" + strconv.FormatInt(conn, 10)
	page := app.Get(t, app.Admin, q)
	page.WantStatus(t, http.StatusOK)
	// Rakuten's set: import, shipment result, stock push; only the import
	// can run in this app, the others are listed as 未対応 without a box.
	states := map[string]string{}
	page.Doc.Find("#easy-presets tbody tr").Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("id")
		states[strings.TrimPrefix(id, "preset-")] = strings.TrimSpace(s.Find(".preset-state").Text())
	})
	want := map[string]string{"order_import": "作成します", "shipment_result": "未対応", "stock_push": "未対応"}
	if len(states) != len(want) {
		t.Fatalf("presets %v", states)
	}
	for a, s := range want {
		if states[a] != s {
			t.Errorf("%s: %q, want %q", a, states[a], s)
		}
	}
	if page.Doc.Find(`#easy-presets input[value="stock_push"]`).Length() != 0 {
		t.Error("an unsupported robot can be chosen")
	}

	bad := app.PostForm(t, app.Admin, "/sync-jobs/easy", url.Values{"connection_id": {""}})
	bad.WantStatus(t, http.StatusUnprocessableEntity)
	if !strings.Contains(bad.Text("#form-error"), "API接続設定が選ばれていません") {
		t.Fatalf("error %q", bad.Text("#form-error"))
	}

	// Created disabled, as chosen (no "enabled"), even though an
	// unsupported action was sent.
	res := app.PostForm(t, app.Admin, "/sync-jobs/easy", url.Values{"connection_id": {strconv.FormatInt(conn, 10)}, "action": {"order_import", "stock_push"}})
	res.WantRedirect(t, "/sync-jobs")
	robots, err := app.Store.SyncJobsOfConnection(context.Background(), conn)
	if err != nil || len(robots) != 1 {
		t.Fatalf("robots %+v %v", robots, err)
	}
	r := robots[0]
	if r.Name != "【自動連携】楽天市場 出荷指示取得(差分)" || r.Action != domain.ActionOrderImport || r.Enabled || r.Trigger.Kind != domain.TriggerInterval {
		t.Fatalf("robot %+v", r)
	}
	if !app.Sched.NextRun(r.ID).IsZero() {
		t.Fatal("a robot created disabled is scheduled")
	}
	// Again: it exists now, so nothing is left to create.
	if got := app.Get(t, app.Admin, q).Text("#preset-order_import .preset-state"); got != "作成済み" {
		t.Fatalf("second visit: %q", got)
	}
	app.PostForm(t, app.Admin, "/sync-jobs/easy", url.Values{"connection_id": {strconv.FormatInt(conn, 10)}, "action": {"order_import"}, "enabled": {"on"}}).
		WantStatus(t, http.StatusUnprocessableEntity)
	if n, _ := app.Store.SyncJobsOfConnection(context.Background(), conn); len(n) != 1 {
		t.Fatalf("かんたん設定 made a second robot: %+v", n)
	}
}

// The same set created enabled is scheduled at once.
func TestSyncJobsEasySetupEnabled(t *testing.T) {
	app := newRobotsApp(t)
	conn := rakutenConnection(t, app.App, nil)
	app.PostForm(t, app.Admin, "/sync-jobs/easy", url.Values{"connection_id": {strconv.FormatInt(conn, 10)}, "action": {"order_import"}, "enabled": {"on"}}).
		WantRedirect(t, "/sync-jobs")
	robots, _ := app.Store.SyncJobsOfConnection(context.Background(), conn)
	if len(robots) != 1 || !robots[0].Enabled || app.Sched.NextRun(robots[0].ID).IsZero() {
		t.Fatalf("robots %+v", robots)
	}
}

// 自動注文連動 switches the connection's import robots when it changes.
func TestConnectionOptionsSwitchRobots(t *testing.T) {
	app := newRobotsApp(t)
	conn := rakutenConnection(t, app.App, func(f url.Values) { f.Del("auto_import") })
	app.PostForm(t, app.Admin, "/sync-jobs/easy", url.Values{"connection_id": {strconv.FormatInt(conn, 10)}, "action": {"order_import"}}).
		WantRedirect(t, "/sync-jobs")
	robots, _ := app.Store.SyncJobsOfConnection(context.Background(), conn)
	if len(robots) != 1 || robots[0].Enabled {
		t.Fatalf("robots %+v", robots)
	}
	id := robots[0].ID
	cp := "/settings/connections/" + strconv.FormatInt(conn, 10)
	sf := createShipFrom(t, app.App, "第二倉庫")
	form := func(auto bool) url.Values {
		f := rakutenForm(sf, "https://api.rms.rakuten.co.jp", "", "")
		if !auto {
			f.Del("auto_import")
		}
		return f
	}
	save := func(auto bool) {
		t.Helper()
		app.PostForm(t, app.Admin, cp, form(auto)).WantRedirect(t, cp)
	}
	enabled := func() bool {
		t.Helper()
		j, err := app.Store.SyncJob(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		return j.Enabled
	}

	save(true)
	if !enabled() || app.Sched.NextRun(id).IsZero() {
		t.Fatal("自動注文連動 on did not switch the import robot on")
	}
	save(true) // unchanged option: nothing to switch
	if !enabled() {
		t.Fatal("saving again switched the robot off")
	}
	save(false)
	if enabled() || !app.Sched.NextRun(id).IsZero() {
		t.Fatal("自動注文連動 off did not switch the import robot off")
	}
	// An admin switching the robot on by hand is not undone by saving an
	// unrelated field.
	app.PostForm(t, app.Admin, "/sync-jobs/"+strconv.FormatInt(id, 10)+"/enable", nil).WantRedirect(t, "/sync-jobs")
	save(false)
	if !enabled() {
		t.Fatal("saving the connection undid a robot switched on by hand")
	}
}
