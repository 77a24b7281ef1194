package interpark

import (
	"bytes"
	"io"
	"net/http"
	"strings"
)

// utf8Transport turns EUC-KR answers into UTF-8 before the shared HTTP
// layer sees them, so the API log keeps readable Hangul (PostgreSQL text
// refuses EUC-KR bytes) and the parser reads one encoding.
type utf8Transport struct{ base http.RoundTripper }

// maxAnswer bounds what is read of one answer.
const maxAnswer = 64 << 20

func (t utf8Transport) RoundTrip(r *http.Request) (*http.Response, error) {
	res, err := t.base.RoundTrip(r)
	if err != nil || strings.Contains(strings.ToLower(res.Header.Get("Content-Type")), "utf-8") {
		return res, err
	}
	raw, err := io.ReadAll(io.LimitReader(res.Body, maxAnswer))
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	text, err := DecodeBody("", raw)
	if err != nil {
		text = raw // classify reports it as Malformed
	}
	res.Body = io.NopCloser(bytes.NewReader(text))
	res.ContentLength = int64(len(text))
	res.Header.Del("Content-Length")
	res.Header.Set("Content-Type", "text/xml; charset=utf-8")
	return res, nil
}

// withUTF8 returns a copy of c whose answers arrive in UTF-8.
func withUTF8(c *http.Client) *http.Client {
	if c == nil {
		c = &http.Client{}
	}
	cp := *c
	base := cp.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	cp.Transport = utf8Transport{base: base}
	return &cp
}
