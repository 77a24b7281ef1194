package domain

import (
	"strings"
	"testing"
)

func TestShipFromNormalize(t *testing.T) {
	s := ShipFrom{Name: " 本社倉庫 ", PostalCode: "〒１２３４５６７", Prefecture: "東京都", Address: "千代田区1-1", Phone: "０３－１２３４－５６７８"}
	s.Normalize()
	if s.PostalCode != "123-4567" || s.Phone != "03-1234-5678" || s.Name != "本社倉庫" {
		t.Errorf("normalised to %+v", s)
	}
	if errs := s.Validate(); len(errs) != 0 {
		t.Errorf("errors %v", errs)
	}
}

func TestShipFromValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*ShipFrom)
		field  string
		want   string
	}{
		{"name required", func(s *ShipFrom) { s.Name = "" }, ShipFromFieldName, "発送元名を入力"},
		{"name too long", func(s *ShipFrom) { s.Name = strings.Repeat("倉", 101) }, ShipFromFieldName, "100文字以内"},
		{"postal required", func(s *ShipFrom) { s.PostalCode = "" }, ShipFromFieldPostalCode, "郵便番号を入力"},
		{"postal format", func(s *ShipFrom) { s.PostalCode = "12-34567" }, ShipFromFieldPostalCode, "7桁"},
		{"prefecture required", func(s *ShipFrom) { s.Prefecture = "" }, ShipFromFieldPrefecture, "選んで"},
		{"prefecture unknown", func(s *ShipFrom) { s.Prefecture = "東京" }, ShipFromFieldPrefecture, "一覧から"},
		{"address required", func(s *ShipFrom) { s.Address = "" }, ShipFromFieldAddress, "住所"},
		{"address too long", func(s *ShipFrom) { s.Address = strings.Repeat("あ", 201) }, ShipFromFieldAddress, "200文字以内"},
		{"phone required", func(s *ShipFrom) { s.Phone = "" }, ShipFromFieldPhone, "電話番号を入力"},
		{"phone too short", func(s *ShipFrom) { s.Phone = "03-1234" }, ShipFromFieldPhone, "10桁か11桁"},
		{"phone letters", func(s *ShipFrom) { s.Phone = "03-1234-567a" }, ShipFromFieldPhone, "10桁か11桁"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ShipFrom{Name: "本社", PostalCode: "1000001", Prefecture: "東京都", Address: "千代田区1-1", Phone: "09012345678"}
			tt.change(&s)
			s.Normalize()
			errs := s.Validate()
			if len(errs) != 1 || !strings.Contains(errs[tt.field], tt.want) {
				t.Errorf("errors %v, want one on %s containing %q", errs, tt.field, tt.want)
			}
		})
	}
}
