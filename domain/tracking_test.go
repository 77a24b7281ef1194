package domain

import "testing"

func TestValidateTrackingNo(t *testing.T) {
	tests := []struct {
		name, carrier, no string
		ok                bool
	}{
		// 12345678901 mod 7 = 3.
		{"yamato with its check digit", "ヤマト運輸", "123456789013", true},
		{"yamato with a wrong check digit", "ヤマト運輸", "123456789016", false},
		{"yamato too short", "ヤマト運輸", "12345678901", false},
		{"yamato not digits", "ヤマト運輸", "12345678901A", false},
		{"sagawa with its check digit", "佐川急便", "123456789013", true},
		{"sagawa wrong check digit", "佐川急便", "123456789010", false},
		{"japan post 11 digits", "日本郵便", "12345678901", true},
		{"japan post 13 digits", "日本郵便", "1234567890123", true},
		{"japan post 10 digits", "日本郵便", "1234567890", false},
		{"japan post 14 digits", "日本郵便", "12345678901234", false},
		{"other carrier takes own label numbers", CarrierOther, "RK-000001", true},
		{"empty", "ヤマト運輸", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := ValidateTrackingNo(tt.carrier, tt.no)
			if (msg == "") != tt.ok {
				t.Fatalf("ValidateTrackingNo(%q, %q) = %q, want ok=%v", tt.carrier, tt.no, msg, tt.ok)
			}
		})
	}
}

func TestNormalizeTrackingNo(t *testing.T) {
	for in, want := range map[string]string{
		" 1234-5678-9015 ": "123456789015",
		"１２３４ ５６７８":        "12345678",
		"RK-1":             "RK1",
	} {
		if got := NormalizeTrackingNo(in); got != want {
			t.Errorf("NormalizeTrackingNo(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestShipmentRefusal(t *testing.T) {
	tests := []struct {
		name     string
		status   Status
		parcels  int
		tracking string
		want     string
	}{
		{"allocated with a parcel ships", StatusAllocated, 1, "", ""},
		{"allocated with the order's number ships", StatusAllocated, 0, "123456789013", ""},
		{"no 問番 is refused by name", StatusAllocated, 0, "", "注文番号「R-1」は問番が登録されていないため出荷確定できません。"},
		{"not allocated is refused", StatusReady, 1, "", "注文番号「R-1」は出荷待ちのため出荷確定できません（引当済の注文だけが出荷確定できます）。"},
		{"already shipped is refused", StatusShipped, 1, "", "注文番号「R-1」は出荷済みのため出荷確定できません（引当済の注文だけが出荷確定できます）。"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := ShipOrder{ChannelOrderNo: "R-1", Status: tt.status, TrackingNo: tt.tracking}
			if got := ShipmentRefusal(o, tt.parcels); got != tt.want {
				t.Fatalf("ShipmentRefusal = %q, want %q", got, tt.want)
			}
		})
	}
}
