package sandbox

import (
	"encoding/json"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
)

var pageTmpl = template.Must(template.New("page").Funcs(template.FuncMap{
	"json": func(v any) string {
		b, _ := json.MarshalIndent(v, "", "  ")
		return string(b)
	},
	"display": marketplace.DisplayName,
	"jst":     func(t time.Time) string { return t.In(marketplace.JST).Format("2006-01-02 15:04:05") },
}).Parse(`<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>サンドボックス | Renkei</title>
<style>body{font-family:sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem}
pre{background:#f4f4f4;padding:.5rem;overflow:auto}fieldset{margin:.5rem 0}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem}</style>
</head><body>
<h1>モールAPIサンドボックス</h1>
<p>本番のモールに接続せずに連携を試すためのシミュレーターです。API接続設定のベースURLを下記に変えると、そのまま動きます。</p>
<p>サンドボックス時刻: <strong>{{jst .Now}}</strong>{{if .Frozen}}（停止中）{{end}} ／ ライブモード: <strong>{{if .Live}}オン{{else}}オフ{{end}}</strong></p>
<form method="post" action="/sandbox/control/clock">
 <label for="clock-hours">時計を進める（時間）</label>
 <input id="clock-hours" name="hours" type="number" min="0" step="0.25" value="1">
 <button type="submit">時計を進める</button>
</form>
<form method="post" action="/sandbox/control/live">
 <input type="hidden" name="on" value="{{if .Live}}0{{else}}1{{end}}">
 <button type="submit">{{if .Live}}ライブモードを止める{{else}}ライブモードを始める（注文を自動追加）{{end}}</button>
</form>
{{range .Sims}}
<section>
<h2>{{display .Name}}（{{.Name}}）</h2>
<h3>接続情報</h3>
<pre>{{json .Creds}}</pre>
<p>レート制限: 倍率 {{.Factor}}（0以下は無効） ／ 通過 {{.Allowed}} 件 ／ 429応答 {{.Rejected}} 件</p>
{{$sim := .Name}}
{{range .Shops}}
<h3>ショップ {{.Shop}}</h3>
{{if .Stats}}<table><tbody>{{range .Stats}}<tr><th scope="row">{{.Label}}</th><td>{{.Value}}</td></tr>{{end}}</tbody></table>{{end}}
<form method="post" action="/sandbox/control/orders">
 <input type="hidden" name="sim" value="{{$sim}}"><input type="hidden" name="shop" value="{{.Shop}}">
 <label for="orders-{{$sim}}-{{.Shop}}">追加する注文数</label>
 <input id="orders-{{$sim}}-{{.Shop}}" name="count" type="number" min="1" max="10000" value="1">
 <button type="submit">注文を追加する</button>
</form>
<form method="post" action="/sandbox/control/fault">
 <input type="hidden" name="sim" value="{{$sim}}"><input type="hidden" name="shop" value="{{.Shop}}">
 <label for="fault-{{$sim}}-{{.Shop}}">障害の種類</label>
 <select id="fault-{{$sim}}-{{.Shop}}" name="kind">{{range $.Kinds}}<option value="{{.}}">{{.Label}}</option>{{end}}</select>
 <label for="times-{{$sim}}-{{.Shop}}">回数（0は解除まで）</label>
 <input id="times-{{$sim}}-{{.Shop}}" name="times" type="number" min="0" value="1">
 <button type="submit">障害を発生させる</button>
</form>
{{if .Faults}}<p>設定中の障害:</p><ul>{{range .Faults}}<li>{{.Kind.Label}}{{if .Times}}（残り{{.Times}}回）{{else}}（解除まで）{{end}}</li>{{end}}</ul>
<form method="post" action="/sandbox/control/clear">
 <input type="hidden" name="sim" value="{{$sim}}"><input type="hidden" name="shop" value="{{.Shop}}">
 <button type="submit">このショップの障害をすべて解除する</button>
</form>{{end}}
{{end}}
</section>
{{end}}
<p><a href="/sandbox/credentials.json">credentials.json</a></p>
</body></html>`))

type pageShop struct {
	Shop   string
	Faults []kit.Fault
	Stats  []kit.Stat
}

type pageSim struct {
	Name              string
	Creds             any
	Shops             []pageShop
	Factor            float64
	Allowed, Rejected int64
}

func (s *Server) page(w http.ResponseWriter, r *http.Request) {
	data := struct {
		Now    time.Time
		Frozen bool
		Live   bool
		Kinds  []kit.FaultKind
		Sims   []pageSim
	}{Now: s.opts.Clock.Now(), Frozen: s.opts.Clock.Frozen(), Live: s.Live(), Kinds: kit.FaultKinds}
	base := s.baseURL(r)
	for _, sim := range s.sims {
		ps := pageSim{Name: sim.Name(), Creds: sim.Credentials(base + "/sandbox/" + sim.Name()),
			Factor: sim.Limits().Factor(), Allowed: sim.Limits().Allowed(), Rejected: sim.Limits().Rejected()}
		for _, shop := range sim.Shops() {
			p := pageShop{Shop: shop, Faults: sim.Faults().List(shop)}
			if sr, ok := sim.(StatsReporter); ok {
				p.Stats = sr.Stats(shop)
			}
			ps.Shops = append(ps.Shops, p)
		}
		data.Sims = append(data.Sims, ps)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := pageTmpl.Execute(w, data); err != nil {
		http.Error(w, "ページを表示できませんでした", http.StatusInternalServerError)
	}
}

// control applies a form from the page and goes back to it.
func (s *Server) control(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "フォームを読み取れませんでした", http.StatusBadRequest)
		return
	}
	sim := s.byKey[r.PostFormValue("sim")]
	shop := r.PostFormValue("shop")
	bad := func(msg string) { http.Error(w, msg, http.StatusBadRequest) }
	switch r.PathValue("action") {
	case "clock":
		h, err := strconv.ParseFloat(r.PostFormValue("hours"), 64)
		if err != nil || h < 0 {
			bad("進める時間は0以上の数で指定してください")
			return
		}
		s.opts.Clock.Advance(time.Duration(h * float64(time.Hour)))
	case "live":
		s.SetLive(r.PostFormValue("on") == "1")
	case "orders":
		n, err := strconv.Atoi(r.PostFormValue("count"))
		if sim == nil || err != nil || n < 1 || n > 10000 {
			bad("注文数は1〜10000で指定してください")
			return
		}
		if err := sim.AddOrders(shop, n); err != nil {
			bad(err.Error())
			return
		}
	case "fault":
		times, err := strconv.Atoi(r.PostFormValue("times"))
		if sim == nil || err != nil || times < 0 {
			bad("回数は0以上で指定してください")
			return
		}
		sim.Faults().Set(shop, kit.Fault{Kind: kit.FaultKind(r.PostFormValue("kind")), Times: times})
	case "clear":
		if sim == nil {
			bad("モールが見つかりません")
			return
		}
		sim.Faults().Clear(shop)
	default:
		http.NotFound(w, r)
		return
	}
	http.Redirect(w, r, "/sandbox/", http.StatusSeeOther)
}
