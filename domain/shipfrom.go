package domain

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// ShipFrom (発送元) is the sender printed on labels; every connection names one.
type ShipFrom struct {
	ID         int64     `db:"id"`
	Name       string    `db:"name"`
	PostalCode string    `db:"postal_code"` // normalised to 123-4567
	Prefecture string    `db:"prefecture"`
	Address    string    `db:"address"` // city, street, building
	Phone      string    `db:"phone"`
	CreatedAt  time.Time `db:"created_at"`
	UpdatedAt  time.Time `db:"updated_at"`
}

// Form field names of a ship-from, also the keys of its validation errors.
const (
	ShipFromFieldName       = "name"
	ShipFromFieldPostalCode = "postal_code"
	ShipFromFieldPrefecture = "prefecture"
	ShipFromFieldAddress    = "address"
	ShipFromFieldPhone      = "phone"
)

// Prefectures are the 47 prefectures in JIS X 0401 order, as shown in selects.
var Prefectures = []string{
	"北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県",
	"茨城県", "栃木県", "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県",
	"新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県", "岐阜県",
	"静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県",
	"奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県",
	"徳島県", "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県",
	"熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
}

var (
	postalRe = regexp.MustCompile(`^[0-9]{3}-?[0-9]{4}$`)
	phoneRe  = regexp.MustCompile(`^0[0-9-]+$`)
)

// Normalize trims the fields and turns full-width digits and hyphens into
// ASCII, so 〒１２３－４５６７ typed with a Japanese IME is accepted.
func (s *ShipFrom) Normalize() {
	s.Name = strings.TrimSpace(s.Name)
	s.Prefecture = strings.TrimSpace(s.Prefecture)
	s.Address = strings.TrimSpace(s.Address)
	s.PostalCode = strings.TrimPrefix(asciiDigits(s.PostalCode), "〒")
	s.Phone = asciiDigits(s.Phone)
	if postalRe.MatchString(s.PostalCode) && !strings.Contains(s.PostalCode, "-") {
		s.PostalCode = s.PostalCode[:3] + "-" + s.PostalCode[3:]
	}
}

// asciiDigits maps full-width digits and the hyphen look-alikes Japanese
// keyboards produce to ASCII, and drops spaces.
func asciiDigits(v string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(v) {
		switch {
		case r >= '０' && r <= '９':
			b.WriteRune('0' + (r - '０'))
		case r == '－' || r == 'ー' || r == '−' || r == '‐' || r == '―':
			b.WriteByte('-')
		case r == ' ' || r == '　':
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Validate returns a Japanese message per invalid field, keyed by form field name.
// Call Normalize first.
func (s ShipFrom) Validate() map[string]string {
	errs := map[string]string{}
	switch {
	case s.Name == "":
		errs[ShipFromFieldName] = "発送元名を入力してください。"
	case utf8.RuneCountInString(s.Name) > 100:
		errs[ShipFromFieldName] = "発送元名は100文字以内で入力してください。"
	}
	switch {
	case s.PostalCode == "":
		errs[ShipFromFieldPostalCode] = "郵便番号を入力してください。"
	case !postalRe.MatchString(s.PostalCode):
		errs[ShipFromFieldPostalCode] = "郵便番号は「123-4567」のように7桁の数字で入力してください。"
	}
	switch {
	case s.Prefecture == "":
		errs[ShipFromFieldPrefecture] = "都道府県を選んでください。"
	case !isPrefecture(s.Prefecture):
		errs[ShipFromFieldPrefecture] = "都道府県は一覧から選んでください。"
	}
	switch {
	case s.Address == "":
		errs[ShipFromFieldAddress] = "住所（市区町村・番地・建物名）を入力してください。"
	case utf8.RuneCountInString(s.Address) > 200:
		errs[ShipFromFieldAddress] = "住所は200文字以内で入力してください。"
	}
	digits := strings.ReplaceAll(s.Phone, "-", "")
	switch {
	case s.Phone == "":
		errs[ShipFromFieldPhone] = "電話番号を入力してください。"
	case !phoneRe.MatchString(s.Phone) || len(digits) < 10 || len(digits) > 11:
		errs[ShipFromFieldPhone] = "電話番号は0から始まる10桁か11桁の数字で入力してください（ハイフン可。例: 03-1234-5678）。"
	}
	return errs
}

func isPrefecture(p string) bool {
	for _, v := range Prefectures {
		if v == p {
			return true
		}
	}
	return false
}

// OneLine is the origin as one line, for lists and selects.
func (s ShipFrom) OneLine() string {
	return s.Name + "（〒" + s.PostalCode + " " + s.Prefecture + s.Address + "）"
}
