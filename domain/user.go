package domain

import (
	"errors"
	"fmt"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"
)

// Role decides what a user may do. Admins manage users and connections;
// operators work the ship-order list.
type Role string

const (
	RoleAdmin    Role = "admin"
	RoleOperator Role = "operator"
)

// Roles lists every role, in the order forms show them.
var Roles = []Role{RoleAdmin, RoleOperator}

// Label is the role's name in the UI.
func (r Role) Label() string {
	switch r {
	case RoleAdmin:
		return "管理者"
	case RoleOperator:
		return "オペレーター"
	}
	return string(r)
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleOperator }

// ParseRole reads a role as written in forms and on the command line.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if !r.Valid() {
		return "", fmt.Errorf("権限 %q は使えません。admin（管理者）か operator（オペレーター）を指定してください。", s)
	}
	return r, nil
}

// User is a person who logs in to Renkei.
type User struct {
	ID           int64  `db:"id"`
	Name         string `db:"name"`
	PasswordHash string `db:"password_hash"`
	Role         Role   `db:"role"`
	Disabled     bool   `db:"disabled"`
	// SessionVersion is copied into each session; bumping it (password
	// reset, disabling) ends the sessions issued before.
	SessionVersion int       `db:"session_version"`
	CreatedAt      time.Time `db:"created_at"`
	UpdatedAt      time.Time `db:"updated_at"`
}

// IsAdmin reports whether u may use the admin pages.
func (u User) IsAdmin() bool { return u.Role == RoleAdmin && !u.Disabled }

// MaxUserNameLength bounds user names; they are typed at every login.
const MaxUserNameLength = 64

// ValidateUserName checks a new user's login name: 1–64 characters of
// ASCII letters, digits and . _ - @, so it is easy to type on any keyboard.
func ValidateUserName(name string) error {
	if name == "" {
		return errors.New("ユーザー名を入力してください。")
	}
	if len(name) > MaxUserNameLength {
		return fmt.Errorf("ユーザー名は%d文字以内で入力してください。", MaxUserNameLength)
	}
	for _, c := range name {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '.' || c == '_' || c == '-' || c == '@'
		if !ok {
			return errors.New("ユーザー名には半角英数字と . _ - @ だけを使ってください。")
		}
	}
	return nil
}

// Password length limits. bcrypt reads at most 72 bytes.
const (
	MinPasswordLength = 8
	MaxPasswordBytes  = 72
)

// ValidatePassword checks a password chosen for a user.
func ValidatePassword(pw string) error {
	if utf8.RuneCountInString(pw) < MinPasswordLength {
		return fmt.Errorf("パスワードは%d文字以上で入力してください。", MinPasswordLength)
	}
	if len(pw) > MaxPasswordBytes {
		return fmt.Errorf("パスワードが長すぎます。半角%d文字以内で入力してください。", MaxPasswordBytes)
	}
	return nil
}

// HashPassword returns the bcrypt hash of pw at bcrypt's default cost.
func HashPassword(pw string) (string, error) {
	return HashPasswordCost(pw, bcrypt.DefaultCost)
}

// HashPasswordCost is HashPassword with an explicit cost; tests use
// bcrypt.MinCost to stay fast.
func HashPasswordCost(pw string, cost int) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), cost)
	if err != nil {
		return "", err
	}
	return string(h), nil
}

// dummyHash is compared against when the user does not exist, so a login
// for an unknown name takes as long as one for a known name.
// Computed on first use, not at start-up: every binary importing domain
// would pay for it otherwise.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("renkei-dummy-password"), bcrypt.DefaultCost)
	return h
})

// CheckPassword reports whether pw matches hash. An empty hash compares
// against a dummy so that timing does not reveal which names exist.
func CheckPassword(hash, pw string) bool {
	if hash == "" {
		_ = bcrypt.CompareHashAndPassword(dummyHash(), []byte(pw))
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}
