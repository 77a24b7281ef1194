package interparksim

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/renkei-oss/renkei/marketplace/sandbox/kit"
)

// Interpark buyers are in Korea: the kit's generator decides the shape of
// each order (items, quantities, cancellations), these tables give it
// Korean names and addresses so the EUC-KR answers carry Hangul, as the
// real ones do.

var familyKo = []string{"김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오"}

var givenKo = []string{"민준", "서연", "도윤", "지우", "하준", "서윤", "지호", "민서", "예준", "지민", "수아", "현우"}

var placesKo = []struct{ Zip, Addr string }{
	{"06236", "서울특별시 강남구 테헤란로 152"},
	{"04524", "서울특별시 중구 세종대로 110"},
	{"03925", "서울특별시 마포구 월드컵북로 396"},
	{"48058", "부산광역시 해운대구 센텀중앙로 79"},
	{"21999", "인천광역시 연수구 컨벤시아대로 165"},
	{"13529", "경기도 성남시 분당구 판교역로 166"},
	{"16514", "경기도 수원시 영통구 광교중앙로 140"},
	{"41911", "대구광역시 중구 공평로 88"},
	{"61945", "광주광역시 서구 내방로 111"},
	{"34126", "대전광역시 유성구 대학로 99"},
	{"63122", "제주특별자치도 제주시 문연로 6"},
}

var commentsKo = []string{"", "", "", "부재시 경비실에 맡겨주세요", "배송 전 연락 바랍니다", "문 앞에 놓아주세요"}

// itemsKo are the Korean listing names of the kit catalogue, by index.
// One carries a bare "&", as real Interpark texts do [V3].
var itemsKo = []string{
	"이마바리 타월 페이스타월", "유기농 녹차 티백 50개입", "홋카이도산 다시마 200g", "시가라키 머그컵",
	"난부 철기 주전자 0.6L", "일본 전통 테누구이 & 손수건", "일본산 꿀 500g", "무첨가 다시팩 30개입",
	"면마 진베이", "히노키 도마", "기슈 우메보시 1kg", "캔버스 토트백",
	"우지 말차 롤케이크", "대나무 젓가락 5벌 세트", "교토 니시진오리 명함지갑", "사누키 우동 건면 6인분",
}

var optionKo = map[string]string{
	"カラー": "색상", "色": "색상", "柄": "무늬", "サイズ": "사이즈",
	"白": "흰색", "紺": "남색", "桜": "벚꽃", "黒釉": "흑유", "白釉": "백유", "麻の葉": "삼잎무늬", "青海波": "물결무늬",
	"市松": "체크", "M": "M", "L": "L", "LL": "XL", "小": "소", "大": "대", "生成": "내추럴", "黒": "검정", "カーキ": "카키",
	"紅": "빨강", "藍": "쪽빛",
}

// optionName translates the kit's "カラー:白" into "색상:흰색".
func optionName(o string) string {
	if o == "" {
		return ""
	}
	k, v, _ := strings.Cut(o, ":")
	tr := func(s string) string {
		if t, ok := optionKo[s]; ok {
			return t
		}
		return "옵션"
	}
	return tr(k) + ":" + tr(v)
}

type personKo struct{ Name, Phone, Zip, Addr1, Addr2 string }

func koreanPerson(r *rand.Rand) personKo {
	pl := placesKo[r.IntN(len(placesKo))]
	p := personKo{
		Name:  familyKo[r.IntN(len(familyKo))] + givenKo[r.IntN(len(givenKo))],
		Phone: fmt.Sprintf("010-%04d-%04d", r.IntN(10000), r.IntN(10000)),
		Zip:   pl.Zip,
		Addr1: pl.Addr,
	}
	if r.IntN(3) > 0 {
		p.Addr2 = fmt.Sprintf("%d동 %d%02d호", 101+r.IntN(8), 1+r.IntN(20), 1+r.IntN(6))
	}
	return p
}

// krw turns the catalogue's yen price into a won price rounded to 100 [I:
// about 9 won a yen].
func krw(yen int64) int64 { return (yen*9 + 50) / 100 * 100 }

// catalogIndex finds an item's position in the kit catalogue.
func catalogIndex(g *kit.Gen, it *kit.Item) int {
	for i := range g.Catalog() {
		if g.Catalog()[i].ManageNumber == it.ManageNumber {
			return i
		}
	}
	return 0
}
