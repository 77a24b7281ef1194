package marketplace_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/renkei-oss/renkei/marketplace"
)

func TestRedactorBodyJSON(t *testing.T) {
	r := marketplace.DefaultRedactor("SLsecretkey123")
	tests := []struct {
		name, body, want string
	}{
		{"compacted, order kept", "{\n  \"b\": 1,\n  \"a\": [ true, null ]\n}", `{"b":1,"a":[true,null]}`},
		{"nested field", `{"x":{"refresh_token":"Atzr|x"},"ok":"z"}`, `{"x":{"refresh_token":"***"},"ok":"z"}`},
		{"object value masked whole", `{"token":{"a":"b","c":[1,{"d":"}"}]},"n":2}`, `{"token":"***","n":2}`},
		{"case-insensitive", `{"Client_Secret" : "y", "k":"v"}`, `{"Client_Secret":"***","k":"v"}`},
		{"escaped key", `{"refresh\u005ftoken":"Atzr|x"}`, `{"refresh\u005ftoken":"***"}`},
		{"number and literal values", `{"password":12345,"apiKey":true,"z":0}`, `{"password":"***","apiKey":"***","z":0}`},
		{"value that looks like a key", `{"note":"token","s":"a\"token\":b"}`, `{"note":"token","s":"a\"token\":b"}`},
		{"literal secret inside a value", `{"msg":"key SLsecretkey123 expired"}`, `{"msg":"key *** expired"}`},
		{"array at the top", `[{"access_token":"t"},{"x":"y"}]`, `[{"access_token":"***"},{"x":"y"}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := r.Body([]byte(tt.body)); got != tt.want {
				t.Errorf("Body(%s) = %s, want %s", tt.body, got, tt.want)
			}
		})
	}
}

// A literal secret near the cut is replaced or cut before its first
// characters, wherever it falls, in JSON and in plain text.
func TestRedactorBodySecretAtTheCut(t *testing.T) {
	const secret = "SLsecretkey123"
	r := marketplace.DefaultRedactor(secret)
	for off := marketplace.SummaryLimit - 40; off < marketplace.SummaryLimit+40; off++ {
		for _, body := range []string{
			`{"m":"` + strings.Repeat("x", off-6) + secret + strings.Repeat("y", 5000) + `"}`,
			strings.Repeat("あ", off/3) + strings.Repeat("x", off%3) + secret + strings.Repeat("y", 5000),
		} {
			got := r.Body([]byte(body))
			if strings.Contains(got, secret[:4]) {
				t.Fatalf("offset %d: part of the secret in %q", off, got[max(len(got)-40, 0):])
			}
			if !strings.HasSuffix(got, "…") || len(got) > marketplace.SummaryLimit+len("…") || !utf8.ValidString(got) {
				t.Fatalf("offset %d: not cut cleanly (%d bytes, valid %v)", off, len(got), utf8.ValidString(got))
			}
		}
	}
}

// A field after the summary's end is never reached; the summary of a large
// body is the start of the compacted body.
func TestRedactorBodyLarge(t *testing.T) {
	r := marketplace.DefaultRedactor()
	got := r.Body([]byte(bigOrdersPage(5000)))
	if !strings.HasPrefix(got, `{"orders":[{"id":"ORDER-0","buyer":{"name":"山田 太郎","token":"***"}`) {
		t.Errorf("summary starts %q", got[:100])
	}
	if len(got) > marketplace.SummaryLimit+len("…") || !strings.HasSuffix(got, "…") {
		t.Errorf("summary of %d bytes", len(got))
	}
}

func bigOrdersPage(n int) string {
	var b strings.Builder
	b.WriteString("{\n  \"orders\": [")
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "\n    {\"id\": \"ORDER-%d\", \"buyer\": {\"name\": \"山田 太郎\", \"token\": \"t-%d\"}, \"lines\": [{\"sku\": \"SKU-%d\", \"qty\": 2}]}", i, i, i)
	}
	b.WriteString("\n  ],\n  \"nextToken\": \"abc\"\n}")
	return b.String()
}

func BenchmarkRedactorBody(b *testing.B) {
	r := marketplace.DefaultRedactor("SLsecretkey123", "Atzr|refresh")
	body := []byte(bigOrdersPage(5000))
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		r.Body(body)
	}
}
