package upload

import (
	"strconv"

	"github.com/gocarina/gocsv"

	"github.com/renkei-oss/renkei/domain"
)

// Each CSV layout we write is one row struct: its csv tags are the header,
// so an upload template and the export of the same master cannot drift
// apart. The upload side reads these headers through OwnColumns and
// MappingColumns, which are taken from the structs too.

// ProductCSV is a row of our product layout (自社形式): the upload template.
type ProductCSV struct {
	SKU          string `csv:"商品コード"`
	Name         string `csv:"商品名"`
	JAN          string `csv:"JANコード"`
	Type         string `csv:"種別"`
	HandlingDays string `csv:"出荷作業日数"`
	LowStock     string `csv:"在庫わずか通知の数"`
}

// ProductExportCSV is the 商品マスタ export: our upload layout plus 無効,
// which the upload ignores, so an exported file can be edited and uploaded again.
type ProductExportCSV struct {
	ProductCSV
	Disabled string `csv:"無効"`
}

// MappingCSV is a row of the 外部商品対応表 layout, template and export alike.
type MappingCSV struct {
	Channel    string `csv:"販売チャネル"`
	ItemCode   string `csv:"商品コード(チャネル)"`
	OptionCode string `csv:"オプションコード"`
	SKU        string `csv:"SKU"`
}

// CarrierCSV is a row of the 配送会社 export.
type CarrierCSV struct {
	Name          string `csv:"配送会社名"`
	RakutenCode   string `csv:"楽天コード"`
	AmazonCode    string `csv:"Amazonコード"`
	InterparkCode string `csv:"Interparkコード"`
	ShopserveName string `csv:"Shopserve配送会社"`
	Disabled      string `csv:"無効"`
}

// DeliveryServiceCSV is a row of the 配送サービス export: one per time slot.
type DeliveryServiceCSV struct {
	Carrier             string `csv:"配送会社"`
	Name                string `csv:"配送サービス名"`
	TimeSlot            string `csv:"配送時間帯"`
	RakutenShippingTerm string `csv:"楽天shippingTerm"`
	Disabled            string `csv:"無効"`
}

// DeliveryMappingCSV is a row of the 配送方法名の対応 export.
type DeliveryMappingCSV struct {
	Channel     string `csv:"販売チャネル"`
	ChannelName string `csv:"チャネルの配送方法名"`
	Carrier     string `csv:"配送会社"`
	Service     string `csv:"配送サービス名"`
}

// PaymentMethodCSV is a row of the 支払方法マスタ export.
type PaymentMethodCSV struct {
	Name     string `csv:"支払方法名"`
	Kind     string `csv:"種別"`
	Disabled string `csv:"無効"`
}

// PaymentMappingCSV is a row of the 支払方法の対応 export.
type PaymentMappingCSV struct {
	Channel     string `csv:"販売チャネル"`
	ChannelName string `csv:"チャネルの支払方法名"`
	ChannelCode string `csv:"チャネルのコード"`
	Method      string `csv:"支払方法"`
}

// OwnColumns is our product layout, in template order.
var OwnColumns = Header[ProductCSV]()

// MappingColumns is our 外部商品対応表 layout, in template order.
var MappingColumns = Header[MappingCSV]()

// Header is the header row gocsv writes for row struct T.
func Header[T any]() []string {
	var h headerRow
	if err := gocsv.MarshalCSV([]T{}, &h); err != nil {
		panic("upload: " + err.Error()) // a programming error in a row struct
	}
	return h.row
}

// headerRow keeps the first row gocsv writes.
type headerRow struct{ row []string }

func (h *headerRow) Write(r []string) error {
	if h.row == nil {
		h.row = append([]string{}, r...)
	}
	return nil
}
func (h *headerRow) Flush()       {}
func (h *headerRow) Error() error { return nil }

// ProductRecord is a product as a row of our layout.
func ProductRecord(p domain.Product) ProductExportCSV {
	return ProductExportCSV{
		ProductCSV: ProductCSV{
			SKU: p.SKU, Name: p.Name, JAN: p.JAN, Type: p.ProductTypeLabel(),
			HandlingDays: optInt(p.HandlingDays), LowStock: optInt(p.LowStockThreshold),
		},
		Disabled: Flag(p.Disabled),
	}
}

// Flag writes a yes/no column as "1" or empty.
func Flag(b bool) string {
	if b {
		return "1"
	}
	return ""
}

func optInt(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}
