package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/handlers/handlertest"
)

// Every state-changing request must prove it comes from our own pages
// (Sec-Fetch-Site: same-origin, or an Origin equal to ours); otherwise 403.
func TestStateChangingRequestsWithoutProofAre403(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	form := url.Values{"name": {"intruder"}, "password": {"password123"}, "role": {"admin"}}.Encode()

	tests := []struct {
		name    string
		method  string
		headers map[string]string
		want    int
	}{
		{"no proof at all", "POST", nil, http.StatusForbidden},
		{"cross-site fetch", "POST", map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"same-site other origin", "POST", map[string]string{"Sec-Fetch-Site": "same-site"}, http.StatusForbidden},
		{"foreign Origin", "POST", map[string]string{"Origin": "http://evil.example"}, http.StatusForbidden},
		{"htmx from another site", "POST", map[string]string{"HX-Request": "true", "Sec-Fetch-Site": "cross-site", "Origin": "http://evil.example"}, http.StatusForbidden},
		{"PUT cross-site", "PUT", map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"PATCH cross-site", "PATCH", map[string]string{"Origin": "http://evil.example"}, http.StatusForbidden},
		{"DELETE no proof", "DELETE", nil, http.StatusForbidden},
		{"same origin", "POST", map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": app.URL}, http.StatusSeeOther},
		{"same Origin, no Sec-Fetch-Site (plain-HTTP LAN)", "POST", map[string]string{"Origin": app.URL}, http.StatusSeeOther},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := strings.Replace(form, "intruder", "intruder"+string(rune('a'+i)), 1)
			req, _ := http.NewRequest(tt.method, app.URL+"/settings/users", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			res := app.Do(t, app.Admin, req)
			if res.StatusCode != tt.want {
				t.Fatalf("status %d, want %d\n%s", res.StatusCode, tt.want, res.Body)
			}
			_, err := app.Store.UserByName(context.Background(), "intruder"+string(rune('a'+i)))
			if created := err == nil; created != (tt.want == http.StatusSeeOther) {
				t.Errorf("user created = %v (err %v)", created, err)
			}
			if tt.want == http.StatusForbidden && !strings.Contains(res.Text("#error-message"), "別のサイトから送られた操作") {
				t.Errorf("403 page message = %q", res.Text("#error-message"))
			}
		})
	}
	if _, err := app.Store.UserByName(context.Background(), "intrudera"); err != store.ErrNotFound {
		t.Errorf("forged request created a user: %v", err)
	}
}

// The login form is protected too: a forged cross-site login is refused.
func TestLoginFormNeedsSameOrigin(t *testing.T) {
	t.Parallel()
	app := handlertest.New(t)
	body := url.Values{"username": {handlertest.AdminName}, "password": {handlertest.AdminPassword}}.Encode()
	req, _ := http.NewRequest("POST", app.URL+"/login", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://evil.example")
	res := app.Do(t, app.NewClient(t), req)
	res.WantStatus(t, http.StatusForbidden)
	if sessionCookie(res) != nil {
		t.Error("forged login set a session cookie")
	}
}
