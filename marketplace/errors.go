package marketplace

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Kind is the category of a marketplace failure; callers branch on it.
type Kind int

const (
	KindUnknown Kind = iota
	AuthFailed
	CredentialExpired
	FunctionNotEnabled
	Throttled
	Maintenance
	InvalidRequest
	Remote
	Network
	Malformed
)

var kindNames = [...]string{
	KindUnknown:        "unknown",
	AuthFailed:         "auth failed",
	CredentialExpired:  "credential expired",
	FunctionNotEnabled: "function not enabled",
	Throttled:          "throttled",
	Maintenance:        "maintenance",
	InvalidRequest:     "invalid request",
	Remote:             "remote error",
	Network:            "network error",
	Malformed:          "malformed response",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Sentinels for errors.Is: errors.Is(err, marketplace.ErrThrottled).
var (
	ErrAuthFailed         = &Error{Kind: AuthFailed}
	ErrCredentialExpired  = &Error{Kind: CredentialExpired}
	ErrFunctionNotEnabled = &Error{Kind: FunctionNotEnabled}
	ErrThrottled          = &Error{Kind: Throttled}
	ErrMaintenance        = &Error{Kind: Maintenance}
	ErrInvalidRequest     = &Error{Kind: InvalidRequest}
	ErrRemote             = &Error{Kind: Remote}
	ErrNetwork            = &Error{Kind: Network}
	ErrMalformed          = &Error{Kind: Malformed}
)

// Error is every failure a marketplace adapter returns. Message is the
// marketplace's own text with secrets already removed; it never contains
// credentials.
type Error struct {
	Kind        Kind
	Marketplace string
	Operation   string // the call, e.g. "searchOrder"
	HTTPStatus  int
	Code        string // the marketplace's own code ("ES01-01", "QuotaExceeded")
	Message     string
	Field       string        // offending field for InvalidRequest
	RetryAfter  time.Duration // for Throttled (and Maintenance when known)
	ExpiresAt   time.Time     // for CredentialExpired, when known
	Err         error         // underlying cause (network, JSON)
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Marketplace != "" {
		b.WriteString(e.Marketplace)
		b.WriteString(" ")
	}
	if e.Operation != "" {
		b.WriteString(e.Operation)
		b.WriteString(": ")
	}
	b.WriteString(e.Kind.String())
	if e.HTTPStatus != 0 {
		fmt.Fprintf(&b, " (HTTP %d)", e.HTTPStatus)
	}
	if e.Code != "" {
		b.WriteString(" ")
		b.WriteString(e.Code)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.Field != "" {
		b.WriteString(" [")
		b.WriteString(e.Field)
		b.WriteString("]")
	}
	if !e.ExpiresAt.IsZero() {
		b.WriteString(" expired at ")
		b.WriteString(e.ExpiresAt.Format(time.RFC3339))
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrThrottled) match any *Error of that kind.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok {
		return false
	}
	return t.Kind == e.Kind && t.Code == "" && t.Operation == "" && t.Marketplace == ""
}

// Retryable says whether repeating the same request later may succeed
// without anyone changing anything: throttling, network trouble and 5xx.
// Maintenance is not: windows last hours, so the run stops and the
// scheduler tries again (SPEC §1 メンテナンス期間).
func (e *Error) Retryable() bool {
	switch e.Kind {
	case Throttled, Network:
		return true
	case Remote:
		return e.HTTPStatus == 0 || e.HTTPStatus >= 500
	}
	return false
}

// KindOf returns the Kind of err, or KindUnknown if it is not an *Error.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindUnknown
}

var tokyo = mustTokyo()

func mustTokyo() *time.Location {
	if l, err := time.LoadLocation("Asia/Tokyo"); err == nil {
		return l
	}
	return time.FixedZone("JST", 9*3600)
}

// credentialName is how operators know the credential of each marketplace.
func credentialName(mp string) string {
	switch mp {
	case Rakuten:
		return "サービスシークレットとライセンスキー"
	case Amazon:
		return "LWAクライアントID・クライアントシークレット・リフレッシュトークン"
	case Futureshop:
		return "店舗キー・クライアントID・シークレット"
	case Shopserve:
		return "ショップIDとAPIキー"
	case Interpark:
		return "ショップID・会社番号・供給契約番号"
	}
	return "認証情報"
}

// OperatorMessage is one plain Japanese sentence for the operator: what
// failed, the marketplace's own code and text, and what to do.
func (e *Error) OperatorMessage() string {
	mp := DisplayName(e.Marketplace)
	if mp == "" {
		mp = "モール"
	}
	call := e.Operation
	if call == "" {
		call = "API呼び出し"
	}
	detail := ""
	if e.Code != "" || e.Message != "" {
		detail = "（" + strings.TrimSpace(e.Code+" "+e.Message) + "）"
	}
	switch e.Kind {
	case AuthFailed:
		hint := ""
		if e.Marketplace == Rakuten {
			hint = "ライセンスキーは90日ごとに再発行が必要です。"
		}
		return fmt.Sprintf("%sの認証に失敗しました%s。API接続設定の%sが正しいか確認してください。%s（%s）", mp, detail, credentialName(e.Marketplace), hint, call)
	case CredentialExpired:
		what := "認証情報"
		if e.Marketplace == Rakuten {
			what = "ライセンスキー"
		}
		when := ""
		if !e.ExpiresAt.IsZero() {
			when = "（有効期限: " + e.ExpiresAt.In(tokyo).Format("2006-01-02 15:04") + "）"
		}
		todo := "新しい認証情報を取得し、API接続設定を更新してください。"
		if e.Marketplace == Rakuten {
			todo = "RMSでライセンスキーを再発行し、API接続設定を更新してください。"
		}
		return fmt.Sprintf("%sの%sの有効期限が切れています%s。%s", mp, what, when, todo)
	case FunctionNotEnabled:
		return fmt.Sprintf("%sで「%s」の機能が利用可能になっていません%s。管理画面のAPI利用設定で該当機能を「利用する」にしてください。", mp, call, detail)
	case Throttled:
		wait := ""
		if e.RetryAfter > 0 {
			wait = fmt.Sprintf("約%d秒後に", int(e.RetryAfter.Round(time.Second)/time.Second))
		}
		if wait == "" {
			wait = "しばらく待ってから"
		}
		// By the time an operator sees this, the automatic retries are spent.
		return fmt.Sprintf("%sのアクセス制限にかかりました（%s）%s。%s再実行してください。続く場合は連携ロボットの実行間隔を広げてください。", mp, call, detail, wait)
	case Maintenance:
		return fmt.Sprintf("%sはメンテナンス中です（%s）%s。メンテナンス終了後に再実行してください。", mp, call, detail)
	case InvalidRequest:
		field := ""
		if e.Field != "" {
			field = "項目「" + e.Field + "」の"
		}
		return fmt.Sprintf("%sが%s%s内容を受け付けませんでした%s。データを確認して修正してください。", mp, call, field, detail)
	case Remote:
		return fmt.Sprintf("%sでエラーが発生しました（%s）%s。しばらくしてから再実行してください。", mp, call, detail)
	case Network:
		return fmt.Sprintf("%sに接続できませんでした（%s）。ネットワークを確認し、しばらくしてから再実行してください。", mp, call)
	case Malformed:
		return fmt.Sprintf("%sから読み取れない応答が返りました（%s）。時間をおいて再実行し、続く場合はAPIログを添えて管理者に連絡してください。", mp, call)
	}
	return fmt.Sprintf("%sの%sで予期しないエラーが発生しました%s。APIログを確認してください。", mp, call, detail)
}

// OperatorMessage returns the Japanese operator message for any error:
// the typed one when err is an *Error, a generic sentence otherwise.
func OperatorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.OperatorMessage()
	}
	if err == nil {
		return ""
	}
	return "モールとの連携で予期しないエラーが発生しました。APIログを確認してください。"
}
