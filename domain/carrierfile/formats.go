package carrierfile

import (
	"strconv"
	"strings"
)

// OrderRef is what a file carries as the customer's management number:
// Renkei's ship order id, unique across channels (order numbers are not)
// and within every software's 20-character limit.
func OrderRef(shipOrderID int64) string { return strconv.FormatInt(shipOrderID, 10) }

// ParseOrderRef reads OrderRef back from a file the software wrote.
func ParseOrderRef(s string) (int64, bool) {
	id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return id, err == nil && id > 0
}

func ref(s Shipment) string { return OrderRef(s.order().ID) }

// ---- ヤマト運輸 B2クラウド: 外部データ取込 基本レイアウト (95 columns) ----

// b2Slots are B2's 配達時間帯 codes.
var b2Slots = map[[2]int]string{
	{8, 12}: "0812", {12, 14}: "1214", {14, 16}: "1416", {16, 18}: "1618",
	{18, 20}: "1820", {19, 21}: "1921", {20, 21}: "2021",
}

// b2Kind is 送り状種類: 0 発払, 2 コレクト (代引き), 3 DM便, 7 ネコポス,
// 8 宅急便コンパクト, 9 宅急便コンパクトコレクト, from the service name.
func b2Kind(s Shipment) string {
	svc := s.service()
	switch {
	case strings.Contains(svc, "ネコポス"):
		return "7"
	case strings.Contains(svc, "DM便"):
		return "3"
	case strings.Contains(svc, "コンパクト") && s.cod():
		return "9"
	case strings.Contains(svc, "コンパクト"):
		return "8"
	case s.cod():
		return "2"
	}
	return "0"
}

// b2Cool is クール区分: 0 通常, 1 クール冷凍, 2 クール冷蔵.
func b2Cool(s Shipment) string {
	switch cool(s.service()) {
	case "frozen":
		return "1"
	case "chilled":
		return "2"
	}
	return "0"
}

func codAmount(s Shipment) string {
	if !s.cod() {
		return ""
	}
	return yenDigits(s.order().TotalAmount)
}

var b2Cloud = Format{
	Key: "b2", Name: "ヤマト運輸 B2クラウド", Carrier: "ヤマト運輸", OrderNoCol: 0, TrackingCol: 3,
	cols: append([]column{
		val("お客様管理番号", ref),
		val("送り状種類", b2Kind),
		val("クール区分", b2Cool),
		blank("伝票番号"), // B2 assigns it; its 発行済みデータ carries it here
		val("出荷予定日", func(s Shipment) string { return s.ShipDate.Format("2006/01/02") }),
		val("お届け予定日", func(s Shipment) string { return date(s.order().DeliveryDate, "2006/01/02") }),
		val("配達時間帯", func(s Shipment) string { return slotCode(s.order().TimeSlot, b2Slots) }),
		blank("お届け先コード"),
		val("お届け先電話番号", func(s Shipment) string { return s.order().Recipient.Phone }),
		blank("お届け先電話番号枝番"),
		val("お届け先郵便番号", func(s Shipment) string { return s.order().Recipient.PostalCode }),
		val("お届け先住所", func(s Shipment) string { return cut(recipientAddress(s), 32, 2)[0] }),
		val("お届け先アパートマンション名", func(s Shipment) string { return cut(recipientAddress(s), 32, 2)[1] }),
		blank("お届け先会社・部門１"),
		blank("お届け先会社・部門２"),
		val("お届け先名", func(s Shipment) string { return s.order().Recipient.Name }),
		val("お届け先名(ｶﾅ)", func(s Shipment) string { return s.order().Recipient.Kana }),
		fixed("敬称", "様"),
		blank("ご依頼主コード"),
		val("ご依頼主電話番号", func(s Shipment) string { return s.Slip.From.Phone }),
		blank("ご依頼主電話番号枝番"),
		val("ご依頼主郵便番号", func(s Shipment) string { return s.Slip.From.PostalCode }),
		val("ご依頼主住所", func(s Shipment) string { return cut(senderAddress(s), 32, 2)[0] }),
		val("ご依頼主アパートマンション", func(s Shipment) string { return cut(senderAddress(s), 32, 2)[1] }),
		val("ご依頼主名", func(s Shipment) string { return s.Slip.From.Name }),
		blank("ご依頼主名(ｶﾅ)"),
		blank("品名コード１"),
		val("品名１", Shipment.itemName),
		blank("品名コード２"),
		blank("品名２"),
		blank("荷扱い１"),
		blank("荷扱い２"),
		val("記事", func(s Shipment) string { return s.order().ChannelOrderNo }),
		val("ｺﾚｸﾄ代金引換額（税込)", codAmount),
		blank("内消費税額等"),
		blank("止置き"),
		blank("営業所コード"),
		fixed("発行枚数", "1"),
		blank("個数口表示フラグ"),
		blank("請求先顧客コード"), // the shipper's own code: set once in B2
		blank("請求先分類コード"),
		blank("運賃管理番号"),
	}, b2Tail()...),
}

// b2Tail are columns 43–95 (web collect, e-mail notices, 収納代行, search
// keys, posting notices), all left empty.
func b2Tail() []column {
	names := []string{
		"クロネコwebコレクトデータ登録", "クロネコwebコレクト加盟店番号", "クロネコwebコレクト申込受付番号１",
		"クロネコwebコレクト申込受付番号２", "クロネコwebコレクト申込受付番号３",
		"お届け予定ｅメール利用区分", "お届け予定ｅメールe-mailアドレス", "入力機種", "お届け予定ｅメールメッセージ",
		"お届け完了ｅメール利用区分", "お届け完了ｅメールe-mailアドレス", "お届け完了ｅメールメッセージ",
		"クロネコ収納代行利用区分", "予備", "収納代行請求金額(税込)", "収納代行内消費税額等",
		"収納代行請求先郵便番号", "収納代行請求先住所", "収納代行請求先住所（アパートマンション名）",
		"収納代行請求先会社・部門名１", "収納代行請求先会社・部門名２", "収納代行請求先名(漢字)", "収納代行請求先名(カナ)",
		"収納代行問合せ先名(漢字)", "収納代行問合せ先郵便番号", "収納代行問合せ先住所",
		"収納代行問合せ先住所（アパートマンション名）", "収納代行問合せ先電話番号", "収納代行管理番号",
		"収納代行品名", "収納代行備考", "複数口くくりキー",
		"検索キータイトル1", "検索キー1", "検索キータイトル2", "検索キー2", "検索キータイトル3", "検索キー3",
		"検索キータイトル4", "検索キー4", "検索キータイトル5", "検索キー5", "予備", "予備",
		"投函予定メール利用区分", "投函予定メールe-mailアドレス", "投函予定メールメッセージ",
		"投函完了メール（お届け先宛）利用区分", "投函完了メール（お届け先宛）e-mailアドレス", "投函完了メール（お届け先宛）メールメッセージ",
		"投函完了メール（ご依頼主宛）利用区分", "投函完了メール（ご依頼主宛）e-mailアドレス", "投函完了メール（ご依頼主宛）メールメッセージ",
	}
	out := make([]column, len(names))
	for i, n := range names {
		out[i] = blank(n)
	}
	return out
}

// ---- 佐川急便 e飛伝: 出荷データ 標準取込パターン (42 columns) ----

// eHidenSlots are e飛伝's 配達指定時間帯 codes.
var eHidenSlots = map[[2]int]string{
	{8, 12}: "01", {12, 14}: "12", {14, 16}: "14", {16, 18}: "16",
	{18, 20}: "18", {19, 21}: "19", {18, 21}: "04",
}

// eHidenProduct is 便種（商品）: 001 指定なし, 002 クール冷蔵, 003 クール冷凍.
func eHidenProduct(s Shipment) string {
	switch cool(s.service()) {
	case "frozen":
		return "003"
	case "chilled":
		return "002"
	}
	return "001"
}

func eHidenAddr(i int) func(Shipment) string {
	return func(s Shipment) string { return cut(recipientAddress(s), 16, 3)[i] }
}

func eHidenName(i int) func(Shipment) string {
	return func(s Shipment) string { return cut(s.order().Recipient.Name, 16, 2)[i] }
}

func eHidenFrom(i int) func(Shipment) string {
	return func(s Shipment) string { return cut(senderAddress(s), 16, 2)[i] }
}

func eHidenFromName(i int) func(Shipment) string {
	return func(s Shipment) string { return cut(s.Slip.From.Name, 16, 2)[i] }
}

var eHiden = Format{
	Key: "ehiden", Name: "佐川急便 e飛伝", Carrier: "佐川急便", OrderNoCol: 8, TrackingCol: -1,
	cols: []column{
		blank("住所録コード"),
		val("お届け先電話番号", func(s Shipment) string { return s.order().Recipient.Phone }),
		val("お届け先郵便番号", func(s Shipment) string { return s.order().Recipient.PostalCode }),
		val("お届け先住所１", eHidenAddr(0)),
		val("お届け先住所２", eHidenAddr(1)),
		val("お届け先住所３", eHidenAddr(2)),
		val("お届け先名称１", eHidenName(0)),
		val("お届け先名称２", eHidenName(1)),
		val("お客様管理ナンバー", ref),
		blank("お客様コード"),
		blank("部署・担当者"),
		val("荷送人電話番号", func(s Shipment) string { return s.Slip.From.Phone }),
		val("ご依頼主電話番号", func(s Shipment) string { return s.Slip.From.Phone }),
		val("ご依頼主郵便番号", func(s Shipment) string { return s.Slip.From.PostalCode }),
		val("ご依頼主住所１", eHidenFrom(0)),
		val("ご依頼主住所２", eHidenFrom(1)),
		val("ご依頼主名称１", eHidenFromName(0)),
		val("ご依頼主名称２", eHidenFromName(1)),
		blank("荷姿コード"),
		val("品名１", Shipment.itemName),
		val("品名２", func(s Shipment) string { return "注文番号 " + s.order().ChannelOrderNo }),
		blank("品名３"),
		blank("品名４"),
		blank("品名５"),
		fixed("出荷個数", "1"),
		fixed("便種（スピードで選択）", "000"),
		val("便種（商品）", eHidenProduct),
		val("配達日", func(s Shipment) string { return date(s.order().DeliveryDate, "20060102") }),
		val("配達指定時間帯", func(s Shipment) string { return slotCode(s.order().TimeSlot, eHidenSlots) }),
		blank("配達指定時間（時分）"),
		val("代引金額", codAmount),
		blank("消費税"),
		blank("決済種別"),
		blank("保険金額"),
		blank("保険金額印字"),
		blank("指定シール①"),
		blank("指定シール②"),
		blank("指定シール③"),
		blank("営業店止め"),
		blank("ＳＲＣ区分"),
		blank("営業店コード"),
		fixed("元着区分", "1"), // 1 元払
	},
}

// ---- 日本郵便 ゆうパックプリントR: 発送予定データ (read through a フィルタ) ----

// yuPrintSlots are ゆうパック's 配達時間帯区分 codes.
var yuPrintSlots = map[[2]int]string{
	{8, 12}: "51", {12, 14}: "52", {14, 16}: "53", {16, 18}: "54",
	{18, 20}: "55", {20, 21}: "56", {19, 21}: "57",
}

// yuPrintKind is 郵便種別: 0 ゆうパック, 9 ゆうパケット.
func yuPrintKind(s Shipment) string {
	if strings.Contains(s.service(), "ゆうパケット") {
		return "9"
	}
	return "0"
}

// yuPrintCool is 保冷種別: 0 なし, 1 チルド, 2 冷凍.
func yuPrintCool(s Shipment) string {
	switch cool(s.service()) {
	case "frozen":
		return "2"
	case "chilled":
		return "1"
	}
	return "0"
}

func yuPrintPayment(s Shipment) string {
	if s.cod() {
		return "2" // 代引き
	}
	return "0" // 元払い
}

func yuAddr(i int) func(Shipment) string {
	return func(s Shipment) string { return cut(recipientAddress(s), 25, 3)[i] }
}

func yuFrom(i int) func(Shipment) string {
	return func(s Shipment) string { return cut(senderAddress(s), 25, 2)[i] }
}

var yuPrintR = Format{
	Key: "yupri", Name: "日本郵便 ゆうプリR", Carrier: "日本郵便", OrderNoCol: 0, TrackingCol: 23,
	cols: []column{
		val("お客様側管理番号", ref),
		val("発送予定日", func(s Shipment) string { return s.ShipDate.Format("20060102") }),
		blank("発送予定時間区分"),
		val("郵便種別", yuPrintKind),
		val("保冷種別", yuPrintCool),
		val("元/着払/代引", yuPrintPayment),
		val("お届け先 郵便番号", func(s Shipment) string { return s.order().Recipient.PostalCode }),
		val("お届け先 住所1", yuAddr(0)),
		val("お届け先 住所2", yuAddr(1)),
		val("お届け先 住所3", yuAddr(2)),
		val("お届け先 名称1", func(s Shipment) string { return s.order().Recipient.Name }),
		fixed("お届け先 敬称", "様"),
		val("お届け先 電話番号", func(s Shipment) string { return s.order().Recipient.Phone }),
		val("ご依頼主 郵便番号", func(s Shipment) string { return s.Slip.From.PostalCode }),
		val("ご依頼主 住所1", yuFrom(0)),
		val("ご依頼主 住所2", yuFrom(1)),
		val("ご依頼主 名称1", func(s Shipment) string { return s.Slip.From.Name }),
		val("ご依頼主 電話番号", func(s Shipment) string { return s.Slip.From.Phone }),
		val("品名", Shipment.itemName),
		val("配達希望日", func(s Shipment) string { return date(s.order().DeliveryDate, "20060102") }),
		val("配達時間帯区分", func(s Shipment) string {
			if c := slotCode(s.order().TimeSlot, yuPrintSlots); c != "" {
				return c
			}
			return "00" // 指定なし
		}),
		val("代引金額", codAmount),
		val("記事", func(s Shipment) string { return s.order().ChannelOrderNo }),
		blank("お問い合わせ番号"), // ゆうプリR assigns it; read back from here
	},
}
