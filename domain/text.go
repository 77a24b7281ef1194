package domain

import (
	"strings"
	"unicode/utf8"
)

// MsgInvalidChars is the operator's message for text PostgreSQL cannot
// store (NUL bytes, invalid UTF-8).
const MsgInvalidChars = "使用できない文字が含まれています"

// ValidText reports whether s can be stored as PostgreSQL text: valid
// UTF-8 with no NUL byte.
func ValidText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}
