package handlers_test

import (
	"math/rand"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/renkei-oss/renkei/handlers/handlertest"
)

// routePatterns reads the route table's POST and GET patterns from routes.go,
// so a route added later is covered without editing this test.
func routePatterns(t *testing.T) []string {
	t.Helper()
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range regexp.MustCompile(`"((?:GET|POST) /[^"]*)"`).FindAllStringSubmatch(string(src), -1) {
		out = append(out, regexp.MustCompile(`\{[^}]+\}`).ReplaceAllString(m[1], "999999"))
	}
	if len(out) < 20 {
		t.Fatalf("found only %d routes in routes.go", len(out))
	}
	return out
}

// Random and invalid bytes in every form field and query of every route end
// in a 4xx at worst, never a 5xx.
func TestBadBytesNeverGive5xx(t *testing.T) {
	app := handlertest.New(t)
	rnd := rand.New(rand.NewSource(19))
	fields := []string{"name", "q", "sku", "address", "value", "reason", "password", "role", "product_name", "condition_value"}
	junk := func() string {
		b := make([]byte, 1+rnd.Intn(12))
		rnd.Read(b)
		return "x\x00" + string(b) + "\xff\xfe"
	}
	for _, p := range routePatterns(t) {
		method, path, _ := strings.Cut(p, " ")
		if path == "/logout" {
			continue // would end the session the rest of the walk uses
		}
		form := url.Values{}
		for _, f := range fields {
			form.Set(f, junk())
		}
		req, _ := http.NewRequest(method, app.URL+strings.TrimSuffix(path, "/{$}")+"?q="+url.QueryEscape(junk()), strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", app.URL)
		res := app.Do(t, app.Admin, req)
		if res.StatusCode >= 500 {
			t.Errorf("%s: status %d", p, res.StatusCode)
		}
	}
}

func TestBadBytesNameTheField(t *testing.T) {
	app := handlertest.New(t)
	req, _ := http.NewRequest("GET", app.URL+"/ship-orders?q="+url.QueryEscape("a\x00b"), nil)
	res := app.Do(t, app.Admin, req)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Text("#error-message"), "「q」に使用できない文字が含まれています") {
		t.Errorf("status %d, message %q", res.StatusCode, res.Text("#error-message"))
	}
}
