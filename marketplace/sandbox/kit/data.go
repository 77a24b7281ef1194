package kit

// Reference tables for generated orders. Postal codes are real and match
// their prefecture, city and town, so address validation downstream sees
// realistic data.

type place struct {
	Postal, Pref, City, Town, Area string // Area: phone area code
}

var places = []place{
	{"1000005", "東京都", "千代田区", "丸の内", "03"},
	{"1600022", "東京都", "新宿区", "新宿", "03"},
	{"1500002", "東京都", "渋谷区", "渋谷", "03"},
	{"1050011", "東京都", "港区", "芝公園", "03"},
	{"1130033", "東京都", "文京区", "本郷", "03"},
	{"2200012", "神奈川県", "横浜市西区", "みなとみらい", "045"},
	{"3300063", "埼玉県", "さいたま市浦和区", "高砂", "048"},
	{"2600013", "千葉県", "千葉市中央区", "中央", "043"},
	{"5300001", "大阪府", "大阪市北区", "梅田", "06"},
	{"5420081", "大阪府", "大阪市中央区", "南船場", "06"},
	{"6008216", "京都府", "京都市下京区", "東塩小路町", "075"},
	{"6500001", "兵庫県", "神戸市中央区", "加納町", "078"},
	{"4600008", "愛知県", "名古屋市中区", "栄", "052"},
	{"4500002", "愛知県", "名古屋市中村区", "名駅", "052"},
	{"4200851", "静岡県", "静岡市葵区", "黒金町", "054"},
	{"8120011", "福岡県", "福岡市博多区", "博多駅前", "092"},
	{"0600001", "北海道", "札幌市中央区", "北一条西", "011"},
	{"9800021", "宮城県", "仙台市青葉区", "中央", "022"},
	{"7300011", "広島県", "広島市中区", "基町", "082"},
	{"9000006", "沖縄県", "那覇市", "おもろまち", "098"},
	{"9200031", "石川県", "金沢市", "広岡", "076"},
	{"7600019", "香川県", "高松市", "サンポート", "087"},
	{"8600806", "熊本県", "熊本市中央区", "花畑町", "096"},
	{"3800823", "長野県", "長野市", "南千歳", "026"},
}

type name struct{ Kanji, Kana string }

var familyNames = []name{
	{"佐藤", "サトウ"}, {"鈴木", "スズキ"}, {"高橋", "タカハシ"}, {"田中", "タナカ"}, {"伊藤", "イトウ"},
	{"渡辺", "ワタナベ"}, {"山本", "ヤマモト"}, {"中村", "ナカムラ"}, {"小林", "コバヤシ"}, {"加藤", "カトウ"},
	{"吉田", "ヨシダ"}, {"山田", "ヤマダ"}, {"佐々木", "ササキ"}, {"山口", "ヤマグチ"}, {"松本", "マツモト"},
	{"井上", "イノウエ"}, {"木村", "キムラ"}, {"林", "ハヤシ"}, {"斎藤", "サイトウ"}, {"清水", "シミズ"},
}

var givenNames = []name{
	{"翔太", "ショウタ"}, {"大輔", "ダイスケ"}, {"健一", "ケンイチ"}, {"誠", "マコト"}, {"拓也", "タクヤ"},
	{"陽子", "ヨウコ"}, {"美咲", "ミサキ"}, {"恵子", "ケイコ"}, {"由美", "ユミ"}, {"さくら", "サクラ"},
	{"花子", "ハナコ"}, {"太郎", "タロウ"}, {"直樹", "ナオキ"}, {"裕子", "ユウコ"}, {"愛", "アイ"},
	{"浩", "ヒロシ"}, {"明美", "アケミ"}, {"隆", "タカシ"}, {"真由美", "マユミ"}, {"蓮", "レン"},
}

var buildings = []string{"", "", "", "グランドメゾン", "コーポ桜", "ハイツ緑", "サンライズ", "パークハウス"}

// PaymentMethod is a payment method as the seeds list them (楽天ペイ用決済方法).
type PaymentMethod struct {
	Code     int // Rakuten settlementMethodCode
	Name     string
	Prepaid  bool // paid when the money arrives (bank transfer, prepaid)
	Deferred bool // paid on credit approval (後払い)
	COD      bool
}

var payments = []PaymentMethod{
	{Code: 1, Name: "クレジットカード"},
	{Code: 1, Name: "クレジットカード"},
	{Code: 1, Name: "クレジットカード"},
	{Code: 2, Name: "代金引換", COD: true},
	{Code: 9, Name: "銀行振込", Prepaid: true},
	{Code: 21, Name: "後払い", Deferred: true},
	{Code: 12, Name: "Apple Pay"},
	{Code: 14, Name: "ローソン、郵便局ATM等（前払）", Prepaid: true},
}

// DeliveryMethods are the shop's 配送方法 names.
var deliveryMethods = []string{"宅配便", "宅配便", "宅配便", "メール便", "クール便", "コンビニ受取"}

// TimeSlot is a delivery time window: Rakuten shippingTerm code and label.
type TimeSlot struct{ Code, Name string }

var timeSlots = []TimeSlot{
	{"0", ""}, {"0", ""}, {"0", ""}, {"1", "午前中"}, {"1416", "14-16時"}, {"1618", "16-18時"}, {"1820", "18-20時"}, {"1921", "19-21時"},
}

type itemSeed struct {
	Name    string
	Food    bool
	Price   int64
	Options []string // selector values; one variant each, or a single "" variant
}

var itemSeeds = []itemSeed{
	{"今治タオル フェイスタオル", false, 1650, []string{"カラー:白", "カラー:紺", "カラー:桜"}},
	{"有機緑茶 ティーバッグ 50包", true, 1080, nil},
	{"北海道産 日高昆布 200g", true, 1280, nil},
	{"信楽焼 マグカップ", false, 2420, []string{"色:黒釉", "色:白釉"}},
	{"南部鉄器 急須 0.6L", false, 8800, nil},
	{"注染手ぬぐい", false, 1320, []string{"柄:麻の葉", "柄:青海波", "柄:市松"}},
	{"国産はちみつ 500g", true, 2980, nil},
	{"無添加 だしパック 30袋", true, 1944, nil},
	{"綿麻 甚平", false, 4980, []string{"サイズ:M", "サイズ:L", "サイズ:LL"}},
	{"ひのき まな板", false, 3300, []string{"サイズ:小", "サイズ:大"}},
	{"紀州南高梅 梅干し 1kg", true, 3980, nil},
	{"帆布 トートバッグ", false, 5500, []string{"カラー:生成", "カラー:黒", "カラー:カーキ"}},
	{"宇治抹茶 ロールケーキ", true, 2160, nil},
	{"竹製 お箸 5膳セット", false, 1540, nil},
	{"京都 西陣織 名刺入れ", false, 3850, []string{"色:紅", "色:藍"}},
	{"讃岐うどん 乾麺 6人前", true, 1200, nil},
}
