package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/marketplace"
	"github.com/renkei-oss/renkei/marketplace/registry"
	"github.com/renkei-oss/renkei/views"
)

// connectionTestTimeout bounds one 接続テスト; past it the operator is told
// the marketplace did not answer in time.
const connectionTestTimeout = 30 * time.Second

// connectionTester opens the marketplace client of c for a 接続テスト.
// It returns nil, nil when the marketplace's client cannot test (未対応).
func (h *handler) connectionTester(c *domain.Connection, rec marketplace.CallRecorder) (marketplace.ConnectionTester, error) {
	t, err := registry.Open[marketplace.ConnectionTester](h.Clients.Interactive(), *c, rec)
	if errors.Is(err, registry.ErrUnsupported) {
		return nil, nil
	}
	return t, err
}

// testConnection is the 接続テスト button (HTMX): one real authenticated
// call, the result swapped in place, the outcome stored on the connection
// and every HTTP call written to the API log.
func (h *handler) testConnection(w http.ResponseWriter, r *http.Request) {
	c, ok := h.connectionByPath(w, r)
	if !ok {
		return
	}
	rec := &store.APILogRecorder{Store: h.Store, OnError: func(err error) { h.Logger.Error("write api log", "err", err) }}
	tester, err := h.connectionTester(c, rec)
	if tester == nil && err == nil {
		h.fragment(w, r, views.ConnectionTestResult(views.TestResult{Lines: []string{
			"接続テストは未対応です",
			fmt.Sprintf("%sのAPIクライアントはまだありません。対応後に接続テストできるようになります。設定は保存されています。", c.Marketplace.Label()),
		}}))
		return
	}
	started := h.Now()
	ctx := store.WithAPILogScope(r.Context(), store.APILogScope{ConnectionID: c.ID, ChannelName: c.ChannelName, Action: domain.APIActionConnectionTest})
	ctx, cancel := context.WithTimeout(ctx, connectionTestTimeout)
	defer cancel()
	var info marketplace.ConnectionInfo
	if err == nil {
		info, err = tester.TestConnection(ctx)
	} else {
		// The client could not even be built: no HTTP call was made, so log
		// the refusal ourselves to keep every 接続テスト visible in the log.
		h.logUnsentTest(r.Context(), c, started, err)
	}
	res, expires := testOutcome(c, info, err, ctx.Err(), h.Now())
	if err := h.Store.RecordConnectionTest(r.Context(), c.ID, h.Now(), res.OK, strings.Join(res.Lines, " "), expires); err != nil {
		h.serverError(w, r, err)
		return
	}
	res.LogLink = "/api-logs?" + url.Values{"connection": {strconv.FormatInt(c.ID, 10)}, "action": {domain.APIActionConnectionTest}}.Encode()
	h.fragment(w, r, views.ConnectionTestResult(res))
}

func (h *handler) logUnsentTest(ctx context.Context, c *domain.Connection, at time.Time, err error) {
	id := c.ID
	l := domain.APILog{ConnectionID: &id, ChannelName: c.ChannelName, Marketplace: c.Marketplace,
		Action: domain.APIActionConnectionTest, Operation: "接続テスト（送信前）", OK: false,
		Message: marketplace.OperatorMessage(err), StartedAt: at}
	var me *marketplace.Error
	if errors.As(err, &me) {
		l.Code = me.Code
	}
	if err := h.Store.InsertAPILog(ctx, &l); err != nil {
		h.Logger.Error("write api log", "err", err)
	}
}

// testOutcome turns the result of TestConnection into what the operator
// reads, and the credential expiry learned (nil when none).
func testOutcome(c *domain.Connection, info marketplace.ConnectionInfo, err, ctxErr error, now time.Time) (views.TestResult, *time.Time) {
	if err == nil {
		res := views.TestResult{OK: true, Lines: []string{"接続に成功しました"}}
		if info.Detail != "" {
			res.Lines = append(res.Lines, info.Detail)
		}
		if info.ExpiresAt.IsZero() {
			// Amazon's token answer carries no secret expiry; report the
			// one the issue date gave, which the test leaves as it is.
			if c.Marketplace == domain.MarketplaceAmazon && c.CredentialExpiresAt != nil {
				res.Lines = append(res.Lines, expiryLine(c.Marketplace, *c.CredentialExpiresAt, now))
			}
			return res, nil
		}
		exp := info.ExpiresAt
		res.Lines = append(res.Lines, expiryLine(c.Marketplace, exp, now))
		return res, &exp
	}

	var me *marketplace.Error
	typed := errors.As(err, &me)
	head := "接続に失敗しました"
	if typed && me.Code != "" {
		head += "（コード: " + me.Code + "）"
	} else if typed && me.HTTPStatus != 0 {
		head += fmt.Sprintf("（HTTP %d）", me.HTTPStatus)
	}
	res := views.TestResult{Lines: []string{head}}
	var expires *time.Time
	switch {
	case errors.Is(ctxErr, context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded):
		res.Lines = append(res.Lines, "理由: タイムアウト",
			fmt.Sprintf("%sから%d秒以内に応答がありませんでした。API接続先URLとネットワークを確認し、しばらくしてから再度お試しください。",
				c.Marketplace.Label(), int(connectionTestTimeout/time.Second)))
	case typed:
		res.Lines = append(res.Lines, "理由: "+failureReason(me.Kind), me.OperatorMessage())
		if me.Kind == marketplace.CredentialExpired && !me.ExpiresAt.IsZero() {
			e := me.ExpiresAt
			expires = &e
		}
	default:
		res.Lines = append(res.Lines, "理由: 不明なエラー", marketplace.OperatorMessage(err))
	}
	return res, expires
}

// failureReason is the short plain reason of a failed 接続テスト.
func failureReason(k marketplace.Kind) string {
	switch k {
	case marketplace.AuthFailed:
		return "キーまたはトークンが正しくありません"
	case marketplace.CredentialExpired:
		return "キーの有効期限切れ"
	case marketplace.FunctionNotEnabled:
		return "APIの機能が利用可能になっていません"
	case marketplace.Maintenance:
		return "メンテナンス中"
	case marketplace.Network:
		return "ネットワークエラー（接続できません）"
	case marketplace.Throttled:
		return "アクセス制限"
	case marketplace.InvalidRequest:
		return "設定内容をモールが受け付けません"
	case marketplace.Malformed:
		return "読み取れない応答"
	}
	return "モール側のエラー"
}

// expiryLine tells the credential's expiry after a successful 接続テスト,
// with what to do when it is near.
func expiryLine(m domain.Marketplace, exp, now time.Time) string {
	line := fmt.Sprintf("%sの有効期限: %s（あと%d日）", credentialLabel(m), domain.FormatJSTDate(exp), int(exp.Sub(now).Hours()/24))
	if exp.Sub(now) < domain.CredentialWarnDays*24*time.Hour {
		switch m {
		case domain.MarketplaceRakuten:
			line += "。まもなく期限切れです。RMSでライセンスキーを再発行し、この設定を更新してください。"
		case domain.MarketplaceAmazon:
			line += "。まもなく期限切れです。Seller Centralでクライアントシークレットを更新し、この設定に入力してください。"
		}
	}
	return line
}

func credentialLabel(m domain.Marketplace) string {
	switch m {
	case domain.MarketplaceRakuten:
		return "ライセンスキー"
	case domain.MarketplaceAmazon:
		return "クライアントシークレット"
	}
	return "認証情報"
}
