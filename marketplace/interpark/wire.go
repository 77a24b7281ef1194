// Package interpark speaks Interpark's seller order API (OrderClmAPI):
// plain GET calls naming the operation in _method, the seller identified by
// three query parameters (shop ID, company number, supply contract number),
// EUC-KR XML answers.
//
// The partner manual was not available: facts come from third-party
// integrators ([V3] in ../shared/marketplaces/interpark.md) and the rest are
// proposals marked [I] here. Every wire name is in this file so a correction
// from the real manual is one edit.
package interpark

import "time"

// DefaultBaseURL is production [V3]; the path below is appended to it.
const DefaultBaseURL = "https://joinapi.interpark.com"

// Wire names [V3] unless marked [I].
const (
	PathOrderAPI = "/order/OrderClmAPI.do"

	ParamMethod     = "_method"
	ParamShopID     = "sc.entrId"        // ショップID
	ParamCompanyNo  = "sc.supplyEntrNo"  // 会社番号
	ParamContractNo = "sc.supplyCtrtSeq" // 供給契約番号
	ParamStartDate  = "sc.strDate"
	ParamEndDate    = "sc.endDate"
	ParamPageNo     = "sc.pageNo" // [V3] for DelvArrCompListForSingle; [I] for the order lists

	// MethodNewOrders lists new (paid) orders and acknowledges them: what it
	// returns becomes 発送対象 (state 50) on Interpark.
	MethodNewOrders = "orderListForSingle"
	// MethodShipTargets lists acknowledged orders awaiting shipment (発送対象).
	MethodShipTargets = "orderListDelvForSingle"

	DateTimeLayout = "20060102150405" // sc.strDate, sc.endDate, ORDER_DTS, PAY_DTS

	// Shipment push, one call per order line [V3].
	MethodShipComplete = "delvCompForComm"
	ParamOrderNo       = "sc.ordclmNo"
	ParamOrderSeq      = "sc.ordSeq"
	ParamShipDate      = "sc.delvDt" // yyyyMMdd
	ParamCarrier       = "sc.delvEntrNo"
	ParamTrackingNo    = "sc.invoNo" // digits only
	ParamOptPrdType    = "sc.optPrdTp"
	ParamOptSeqList    = "sc.optOrdSeqList"
	OptPrdTypeSingle   = "01" // a line without add-on option lines
	DateLayout         = "20060102"
	CarrierOther       = "169167" // 기타: used when no carrier code is mapped [V3; I for shipments from Japan]

	// Refusals of delvCompForComm [V3 texts]; the code they come with is ours [I].
	CodeRefused         = "200"
	MsgAlreadyShipped   = "이미 배송처리가 되었습니다."
	MsgTooOld           = "주문일로부터 30일이 경과하여 발송완료 불가합니다"
	MsgNoSuchOrder      = "발송완료 처리할 주문이 존재하지 않습니다"
	MsgWrongState       = "현재 주문내역상태가 발송완료를 처리할 수 없습니다"
	ShipCompleteMaxDays = 30

	// Answer codes in <RESULT><CODE>. 000 is success [V3]; the others are
	// our proposals [I]: the manual's codes were not observed.
	CodeOK          = "000"
	CodeAuthFailed  = "999" // [I] unknown entrId/supplyEntrNo/supplyCtrtSeq
	CodeThrottled   = "998" // [I] throttling is undocumented
	CodeMaintenance = "900" // [I] maintenance is undocumented
	MsgAuthFailed   = "인증 실패"
	MsgThrottled    = "요청이 너무 많습니다. 잠시 후 다시 시도하세요."
	MsgMaintenance  = "시스템 점검 중입니다."

	// ContentType of answers [V3: EUC-KR XML; the header itself is I].
	ContentType = "text/xml; charset=euc-kr"

	// PageSize is how many orders one list answer carries before
	// PAGE_INFO/TOT_PAGE_NUM says there are more [I].
	PageSize = 100
	// MaxSearchWindow: busy sellers split a day into several windows,
	// which suggests a cap on answers [I]; one day keeps pages few.
	MaxSearchWindow = 24 * time.Hour

	// CURRENT_STATE codes [V3 one integrator] and the pre-acknowledge 40 [I].
	StateNew       = "40" // [I] paid, not yet acknowledged (新規注文)
	StateConfirmed = "50" // 発送対象 (발주확인)
	StateShipped   = "70"
	StateDelivered = "75"
	StateCompleted = "80"

	Currency = "KRW"

	// DeliveryName and PaymentName are Renkei's names, not Interpark's: the
	// order lists carry neither, and the conversion robot maps a channel's
	// names to the operator's masters, so every Interpark order gets these
	// two to map once in 配送方法・支払方法マッピング.
	DeliveryName = "Interpark配送"
	PaymentName  = "Interpark決済"
)

// Rate is our pacing [I]: Interpark publishes no limit; 1 request/second.
const Rate = 1

// KST is Korea time, the zone of every Interpark timestamp [I: the same
// +09:00 offset as Japan, so the difference never shows].
var KST = time.FixedZone("KST", 9*3600)

// StateName is the Japanese label of a CURRENT_STATE code.
func StateName(code string) string {
	switch code {
	case StateNew:
		return "新規注文"
	case StateConfirmed:
		return "発送対象"
	case StateShipped:
		return "発送済み"
	case StateDelivered:
		return "配送完了"
	case StateCompleted:
		return "購入確定"
	}
	return code
}
