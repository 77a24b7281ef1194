package paper

import (
	"fmt"
	"time"

	"github.com/renkei-oss/renkei/domain"
)

// sampleSlip is a typical order: three lines, buyer and recipient apart.
func sampleSlip(i int) domain.PackingSlip {
	return domain.PackingSlip{
		Order: domain.ShipOrder{
			ChannelOrderNo: fmt.Sprintf("123456-20261207-%07d", i),
			OrderedAt:      time.Date(2026, 12, 6, 21, 30, 0, 0, tokyo),
			DeliveryDate:   "2026-12-10", TimeSlot: "14-16時", Currency: "JPY", TotalAmount: 5280,
			Recipient: domain.Party{Name: "山田 花子", PostalCode: "150-0001", Prefecture: "東京都", Address: fmt.Sprintf("渋谷区神宮前1-2-%d メゾン原宿201", i%50+1), Phone: "03-1234-5678"},
			Buyer:     domain.Party{Name: "山田 太郎", PostalCode: "530-0001", Prefecture: "大阪府", Address: "大阪市北区梅田3-1-1", Phone: "06-1111-2222"},
			Lines: []domain.ShipOrderLine{
				{LineNo: 1, SKU: "SKU-A001", Name: "有機緑茶 ティーバッグ 20包", Quantity: 2, UnitPrice: 980},
				{LineNo: 2, SKU: "SKU-B010", Name: "急須 常滑焼 300ml", Quantity: 1, UnitPrice: 2500},
				{LineNo: 3, SKU: "SKU-C100", Name: "湯呑み 2客セット", Quantity: 1, UnitPrice: 820},
			},
		},
		From:        domain.ShipFrom{Name: "連携倉庫 東京センター", PostalCode: "135-0061", Prefecture: "東京都", Address: "江東区豊洲6-1-1", Phone: "03-9999-0000"},
		ChannelName: "楽天 本店", ServiceName: "宅急便", CarrierName: "ヤマト運輸",
	}
}
