package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/store/testdb"
)

func newStore(t *testing.T) *store.Store {
	t.Helper()
	return store.New(testdb.New(t))
}

func TestCreateAndFindUser(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	u, err := st.CreateUser(ctx, "sato", domain.RoleOperator, "hash")
	if err != nil {
		t.Fatal(err)
	}
	if u.ID == 0 || u.Name != "sato" || u.Role != domain.RoleOperator || u.Disabled || u.SessionVersion != 1 {
		t.Errorf("created user = %+v", u)
	}
	byName, err := st.UserByName(ctx, "sato")
	if err != nil || byName.ID != u.ID {
		t.Errorf("UserByName = %+v, %v", byName, err)
	}
	if _, err := st.CreateUser(ctx, "sato", domain.RoleAdmin, "x"); !errors.Is(err, store.ErrUserNameTaken) {
		t.Errorf("duplicate name: err = %v, want ErrUserNameTaken", err)
	}
	if _, err := st.UserByID(ctx, u.ID+1000); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing id: err = %v, want ErrNotFound", err)
	}
}

func TestEnsureUserCreatesOnce(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	for i, want := range []bool{true, false} {
		created, err := st.EnsureUser(ctx, "admin", domain.RoleAdmin, "h")
		if err != nil || created != want {
			t.Errorf("call %d: created = %v, %v; want %v", i, created, err, want)
		}
	}
}

func TestLastAdminIsKept(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	a, _ := st.CreateUser(ctx, "a", domain.RoleAdmin, "h")
	b, _ := st.CreateUser(ctx, "b", domain.RoleAdmin, "h")

	if err := st.SetUserRole(ctx, a.ID, domain.RoleOperator); err != nil {
		t.Fatalf("demote a with b left: %v", err)
	}
	if err := st.SetUserRole(ctx, b.ID, domain.RoleOperator); !errors.Is(err, store.ErrLastAdmin) {
		t.Errorf("demote last admin: err = %v, want ErrLastAdmin", err)
	}
	if err := st.SetUserDisabled(ctx, b.ID, true); !errors.Is(err, store.ErrLastAdmin) {
		t.Errorf("disable last admin: err = %v, want ErrLastAdmin", err)
	}
	if err := st.SetUserDisabled(ctx, a.ID, true); err != nil {
		t.Errorf("disable an operator: %v", err)
	}
	if err := st.SetUserRole(ctx, 99999, domain.RoleOperator); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing user: err = %v, want ErrNotFound", err)
	}
}

func TestPasswordAndDisableEndSessions(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	u, _ := st.CreateUser(ctx, "u", domain.RoleOperator, "h1")
	if err := st.SetUserPassword(ctx, u.ID, "h2"); err != nil {
		t.Fatal(err)
	}
	got, _ := st.UserByID(ctx, u.ID)
	if got.PasswordHash != "h2" || got.SessionVersion != u.SessionVersion+1 {
		t.Errorf("after reset: %+v", got)
	}
	if err := st.SetUserDisabled(ctx, u.ID, true); err != nil {
		t.Fatal(err)
	}
	got, _ = st.UserByID(ctx, u.ID)
	if !got.Disabled || got.SessionVersion != u.SessionVersion+2 {
		t.Errorf("after disable: %+v", got)
	}
	if err := st.SetUserDisabled(ctx, u.ID, false); err != nil {
		t.Fatal(err)
	}
	if got, _ = st.UserByID(ctx, u.ID); got.Disabled {
		t.Error("still disabled after enabling")
	}
}

func TestLoginFailuresWindow(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	for i := range 3 {
		if err := st.RecordLoginFailure(ctx, "x", t0.Add(time.Duration(i)*20*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		since time.Time
		want  int
	}{
		{t0, 3},
		{t0.Add(30 * time.Second), 1},
		{t0.Add(time.Minute), 0},
	}
	for _, tt := range tests {
		if n, err := st.LoginFailuresSince(ctx, "x", tt.since); err != nil || n != tt.want {
			t.Errorf("since %v: %d, %v; want %d", tt.since, n, err, tt.want)
		}
	}
	if err := st.ClearLoginFailures(ctx, "x"); err != nil {
		t.Fatal(err)
	}
	if n, _ := st.LoginFailuresSince(ctx, "x", t0); n != 0 {
		t.Errorf("after clear: %d failures", n)
	}
}
