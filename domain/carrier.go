package domain

import (
	"fmt"
	"strings"
)

// Carrier (配送会社) is a transport company with each marketplace's own code
// for it. Marketplaces refuse shipment results that name the carrier in
// words (Rakuten wants "1001", not "ヤマト運輸"), so the codes live here.
type Carrier struct {
	ID            int64  `db:"id"`
	Name          string `db:"name"`
	RakutenCode   string `db:"rakuten_code"`   // deliveryCompany, 1000–1031
	AmazonCode    string `db:"amazon_code"`    // CarrierCode; "Other" needs a CarrierName
	InterparkCode string `db:"interpark_code"` // delvEntrNo
	ShopserveName string `db:"shopserve_name"` // delivery_company (a fixed list of names)
	SortOrder     int    `db:"sort_order"`
	Disabled      bool   `db:"disabled"`
}

// RakutenCarrierCodes are Rakuten's delivery company codes (rakuten.md §5.2).
var RakutenCarrierCodes = map[string]string{
	"1000": "その他", "1001": "ヤマト運輸", "1002": "佐川急便", "1003": "日本郵便",
	"1004": "西濃運輸", "1005": "セイノースーパーエクスプレス", "1006": "福山通運",
	"1007": "名鉄運輸", "1008": "トナミ運輸", "1009": "第一貨物", "1010": "新潟運輸",
	"1011": "中越運送", "1012": "岡山県貨物運送", "1013": "久留米運送", "1014": "山陽自動車運送",
	"1015": "NXトランスポート", "1016": "エコ配", "1017": "EMS", "1018": "DHL", "1019": "FedEx",
	"1020": "UPS", "1021": "日本通運", "1022": "TNT", "1023": "OCS", "1024": "USPS",
	"1025": "SFエクスプレス", "1026": "Aramex", "1027": "SGHグローバル・ジャパン",
	"1028": "Rakuten EXPRESS", "1029": "日本郵便 楽天倉庫出荷",
	"1030": "ヤマト運輸 クロネコゆうパケット", "1031": "名鉄NX運輸",
}

// ShopserveCarrierNames is the closed list Shopserve accepts as delivery_company.
var ShopserveCarrierNames = []string{"ヤマト運輸", "佐川急便", "日本郵便", "西濃運輸", "福山通運", "その他"}

// Validate returns a Japanese message per invalid field, keyed by the field's label.
func (c Carrier) Validate() map[string]string {
	errs := map[string]string{}
	if strings.TrimSpace(c.Name) == "" {
		errs["配送会社名"] = "配送会社名を入力してください。"
	} else if len([]rune(c.Name)) > 100 {
		errs["配送会社名"] = "配送会社名は100文字以内で入力してください。"
	}
	if c.RakutenCode != "" {
		if _, ok := RakutenCarrierCodes[c.RakutenCode]; !ok {
			errs["楽天コード"] = fmt.Sprintf("楽天の配送会社コード「%s」はありません。1000〜1031 のいずれかを入力してください。", c.RakutenCode)
		}
	}
	if c.InterparkCode != "" && !masterDigits(c.InterparkCode) {
		errs["Interparkコード"] = "Interparkの配送会社コードは数字で入力してください（例: 169167 = 기타）。"
	}
	if c.ShopserveName != "" && !masterIn(ShopserveCarrierNames, c.ShopserveName) {
		errs["Shopserve配送会社"] = "Shopserveの配送会社は " + strings.Join(ShopserveCarrierNames, "・") + " のいずれかです。"
	}
	if len(c.AmazonCode) > 50 {
		errs["Amazonコード"] = "Amazonの配送業者コードは50文字以内で入力してください。"
	}
	return errs
}

func masterDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func masterIn(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
