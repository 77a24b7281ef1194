package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/renkei-oss/renkei/domain"
	"github.com/renkei-oss/renkei/domain/secretbox"
	"github.com/renkei-oss/renkei/domain/store"
	"github.com/renkei-oss/renkei/domain/store/testdb"
)

const (
	testKey    = "store test secret key 0123456789"
	rotatedKey = "store test rotated key 9876543210"
)

func mustBox(t *testing.T, secret string, previous ...string) *secretbox.Box {
	t.Helper()
	b, err := secretbox.New(secret, previous...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustShipFrom(t *testing.T, st *store.Store, name string) domain.ShipFrom {
	t.Helper()
	sf := domain.ShipFrom{Name: name, PostalCode: "100-0001", Prefecture: "東京都", Address: "千代田区千代田1-1", Phone: "03-1234-5678"}
	if err := st.CreateShipFrom(context.Background(), &sf); err != nil {
		t.Fatal(err)
	}
	return sf
}

// knownSecrets are distinctive values searched for in every column afterwards.
var knownSecrets = map[domain.Marketplace]map[string]string{
	domain.MarketplaceRakuten:    {domain.FieldRakutenServiceSecret: "SP-PLAINTEXT-service-secret-7781", domain.FieldRakutenLicenseKey: "SL-PLAINTEXT-license-key-5512"},
	domain.MarketplaceAmazon:     {domain.FieldAmazonClientSecret: "amzn1.oa2-cs.PLAINTEXT-9921", domain.FieldAmazonRefreshToken: "Atzr|PLAINTEXT-refresh-3310"},
	domain.MarketplaceFutureshop: {domain.FieldFutureshopClientSecret: "fs-PLAINTEXT-secret-4410"},
	domain.MarketplaceShopserve:  {domain.FieldShopserveManagerKey: "0123456789abcdef0123456789abcdef01234567"},
}

func newConnection(m domain.Marketplace, name string, shipFrom int64) *domain.Connection {
	c := domain.NewConnection(m, time.Now())
	c.ChannelName = name
	c.ShipFromID = shipFrom
	for k, v := range knownSecrets[m] {
		c.Secrets[k] = v
	}
	return c
}

// assertNoPlaintext scans every text-like and bytea column of every table
// in the public schema for each value.
func assertNoPlaintext(t *testing.T, db *sqlx.DB, values []string) {
	t.Helper()
	var cols []struct {
		Table string `db:"table_name"`
		Col   string `db:"column_name"`
		Type  string `db:"data_type"`
	}
	err := db.Select(&cols, `SELECT table_name, column_name, data_type FROM information_schema.columns
		WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'character', 'bytea', 'json', 'jsonb', 'ARRAY')`)
	if err != nil {
		t.Fatal(err)
	}
	if len(cols) == 0 {
		t.Fatal("no columns to scan")
	}
	for _, c := range cols {
		expr := fmt.Sprintf("position($1 in %q::text) > 0", c.Col)
		if c.Type == "bytea" {
			expr = fmt.Sprintf("position(convert_to($1, 'UTF8') in %q) > 0", c.Col)
		}
		for _, v := range values {
			var n int
			if err := db.Get(&n, fmt.Sprintf("SELECT count(*) FROM %q WHERE %s", c.Table, expr), v); err != nil {
				t.Fatal(err)
			}
			if n > 0 {
				t.Errorf("plaintext %q found in %s.%s", v, c.Table, c.Col)
			}
		}
	}
}

func TestSecretsNeverStoredInPlaintext(t *testing.T) {
	db := testdb.New(t)
	st := store.New(db)
	ctx := context.Background()
	box := mustBox(t, testKey)
	sf := mustShipFrom(t, st, "本社倉庫")
	var all []string
	for m, secrets := range knownSecrets {
		c := newConnection(m, "店 "+string(m), sf.ID)
		if err := st.CreateConnection(ctx, box, c); err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		got, err := st.Connection(ctx, box, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range secrets {
			if got.Secret(k) != v {
				t.Errorf("%s %s read back as %q", m, k, got.Secret(k))
			}
			all = append(all, v)
		}
	}
	var n int
	if err := db.Get(&n, `SELECT count(*) FROM connection_secrets`); err != nil || n != len(all) {
		t.Fatalf("connection_secrets rows = %d (%v), want %d", n, err, len(all))
	}
	assertNoPlaintext(t, db, all)
}

func TestConnectionCreateUpdateBlankKeepsSecret(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	box := mustBox(t, testKey)
	sf := mustShipFrom(t, st, "本社倉庫")
	c := newConnection(domain.MarketplaceRakuten, "楽天本店", sf.ID)
	c.PaymentStatuses = append(c.PaymentStatuses, domain.PaymentStatusRule{PaymentMethod: "2", Status: 100})
	if err := st.CreateConnection(ctx, box, c); err != nil {
		t.Fatal(err)
	}
	dup := newConnection(domain.MarketplaceAmazon, "楽天本店", sf.ID)
	if err := st.CreateConnection(ctx, box, dup); !errors.Is(err, store.ErrChannelNameTaken) {
		t.Errorf("duplicate channel name: %v", err)
	}
	bad := newConnection(domain.MarketplaceAmazon, "Amazon", sf.ID+99)
	if err := st.CreateConnection(ctx, box, bad); !errors.Is(err, store.ErrShipFromMissing) {
		t.Errorf("missing ship-from: %v", err)
	}

	// Edit: blank secrets keep their values, a typed one replaces.
	c.Secrets = map[string]string{domain.FieldRakutenServiceSecret: "", domain.FieldRakutenLicenseKey: "SL-new-license"}
	c.Params[domain.FieldRakutenOrderFetchDays] = "7"
	c.AutoImport = true
	if err := st.UpdateConnection(ctx, box, c); err != nil {
		t.Fatal(err)
	}
	got, err := st.Connection(ctx, box, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Secret(domain.FieldRakutenServiceSecret) != knownSecrets[domain.MarketplaceRakuten][domain.FieldRakutenServiceSecret] {
		t.Errorf("blank service secret did not keep the stored value: %q", got.Secret(domain.FieldRakutenServiceSecret))
	}
	if got.Secret(domain.FieldRakutenLicenseKey) != "SL-new-license" {
		t.Errorf("license key = %q", got.Secret(domain.FieldRakutenLicenseKey))
	}
	if got.Param(domain.FieldRakutenOrderFetchDays) != "7" || !got.AutoImport || len(got.PaymentStatuses) != 2 || got.PaymentStatuses[1] != (domain.PaymentStatusRule{PaymentMethod: "2", Status: 100}) {
		t.Errorf("saved connection = %+v", got)
	}

	if err := st.SetConnectionEnabled(ctx, c.ID, false); err != nil {
		t.Fatal(err)
	}
	list, err := st.Connections(ctx)
	if err != nil || len(list) != 1 || list[0].Enabled || list[0].Secrets[domain.FieldRakutenLicenseKey] != "" {
		t.Errorf("Connections = %+v, %v (disabled, without secrets)", list, err)
	}

	// The origin is in use: refused, naming the channel.
	var inUse *store.ShipFromInUseError
	if err := st.DeleteShipFrom(ctx, sf.ID); !errors.As(err, &inUse) || len(inUse.Channels) != 1 || inUse.Channels[0] != "楽天本店" {
		t.Errorf("delete used ship-from: %v", err)
	}
	if err := st.DeleteConnection(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Connection(ctx, box, c.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("after delete: %v", err)
	}
	if err := st.DeleteShipFrom(ctx, sf.ID); err != nil {
		t.Errorf("delete unused ship-from: %v", err)
	}
}

func TestRotateSecrets(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	old := mustBox(t, testKey)
	sf := mustShipFrom(t, st, "本社倉庫")
	for m := range knownSecrets {
		if err := st.CreateConnection(ctx, old, newConnection(m, string(m), sf.ID)); err != nil {
			t.Fatal(err)
		}
	}
	rot := mustBox(t, rotatedKey, testKey)
	n, err := st.RotateSecrets(ctx, rot)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, secrets := range knownSecrets {
		want += len(secrets)
	}
	if n != want {
		t.Errorf("rotated %d rows, want %d", n, want)
	}
	if n, _ := st.RotateSecrets(ctx, rot); n != 0 {
		t.Errorf("second rotation re-sealed %d rows, want 0", n)
	}
	newOnly := mustBox(t, rotatedKey)
	list, _ := st.Connections(ctx)
	for _, c := range list {
		got, err := st.Connection(ctx, newOnly, c.ID)
		if err != nil {
			t.Fatalf("%s with the new key only: %v", c.ChannelName, err)
		}
		for k, v := range knownSecrets[c.Marketplace] {
			if got.Secret(k) != v {
				t.Errorf("%s %s = %q after rotation", c.ChannelName, k, got.Secret(k))
			}
		}
	}
	if _, err := st.Connection(ctx, old, list[0].ID); !errors.Is(err, secretbox.ErrUnknownKey) {
		t.Errorf("old key still opens rotated rows: %v", err)
	}
}

func TestRecordConnectionTestAndExpiring(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	box := mustBox(t, testKey)
	sf := mustShipFrom(t, st, "本社倉庫")
	now := time.Date(2026, 3, 1, 3, 0, 0, 0, time.UTC)
	soon, later := now.AddDate(0, 0, 10), now.AddDate(0, 0, 60)
	var ids []int64
	for i, exp := range []*time.Time{&soon, &later, nil} {
		c := newConnection(domain.MarketplaceRakuten, fmt.Sprintf("楽天%d", i), sf.ID)
		if err := st.CreateConnection(ctx, box, c); err != nil {
			t.Fatal(err)
		}
		if err := st.RecordConnectionTest(ctx, c.ID, now, true, "接続に成功しました", exp); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	// A failed test later keeps the expiry learned before.
	if err := st.RecordConnectionTest(ctx, ids[0], now.Add(time.Hour), false, "接続に失敗しました", nil); err != nil {
		t.Fatal(err)
	}
	exp, err := st.ExpiringConnections(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(exp) != 1 || exp[0].ID != ids[0] || !exp[0].CredentialExpiresAt.Equal(soon) || *exp[0].LastTestOK || exp[0].LastTestMessage != "接続に失敗しました" {
		t.Errorf("expiring = %+v", exp)
	}
	if err := st.SetConnectionEnabled(ctx, ids[0], false); err != nil {
		t.Fatal(err)
	}
	if exp, _ := st.ExpiringConnections(ctx, now); len(exp) != 0 {
		t.Errorf("disabled connection still warned about: %+v", exp)
	}
}

func TestShipFromCRUD(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	a := mustShipFrom(t, st, "東京倉庫")
	b := domain.ShipFrom{Name: "東京倉庫", PostalCode: "530-0001", Prefecture: "大阪府", Address: "大阪市北区1-1", Phone: "06-1234-5678"}
	if err := st.CreateShipFrom(ctx, &b); !errors.Is(err, store.ErrShipFromNameTaken) {
		t.Errorf("duplicate name: %v", err)
	}
	b.Name = "大阪倉庫"
	if err := st.CreateShipFrom(ctx, &b); err != nil {
		t.Fatal(err)
	}
	a.Address = "千代田区丸の内2-2"
	if err := st.UpdateShipFrom(ctx, &a); err != nil {
		t.Fatal(err)
	}
	b.Name = "東京倉庫"
	if err := st.UpdateShipFrom(ctx, &b); !errors.Is(err, store.ErrShipFromNameTaken) {
		t.Errorf("rename onto another's name: %v", err)
	}
	list, err := st.ShipFroms(ctx)
	if err != nil || len(list) != 2 || list[0].Name != "大阪倉庫" || list[1].Address != "千代田区丸の内2-2" {
		t.Errorf("ShipFroms = %+v, %v", list, err)
	}
	if err := st.DeleteShipFrom(ctx, a.ID+b.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("delete missing: %v", err)
	}
	if _, err := st.ShipFrom(ctx, a.ID); err != nil {
		t.Error(err)
	}
	if !strings.Contains(a.OneLine(), "〒100-0001") {
		t.Errorf("OneLine = %s", a.OneLine())
	}
}

func TestDeleteConnectionRefusedWhileShipOrdersExist(t *testing.T) {
	db := testdb.New(t)
	st := store.New(db)
	ctx := context.Background()
	box := mustBox(t, testKey)
	sf := mustShipFrom(t, st, "本社倉庫")
	c := newConnection(domain.MarketplaceRakuten, "楽天", sf.ID)
	if err := st.CreateConnection(ctx, box, c); err != nil {
		t.Fatal(err)
	}
	var orderID int64
	if err := db.Get(&orderID, `INSERT INTO ship_orders (connection_id, marketplace, channel_order_no, status, api_status, payment_status, ordered_at)
		VALUES ($1, 'rakuten', '400001-20260301-0000001', 'ready', 'unlinked', 'paid', now()) RETURNING id`, c.ID); err != nil {
		t.Fatal(err)
	}
	if n, err := st.OpenShipOrderCount(ctx, c.ID); err != nil || n != 1 {
		t.Errorf("open ship orders = %d, %v", n, err)
	}
	if err := st.DeleteConnection(ctx, c.ID); !errors.Is(err, store.ErrConnectionHasOpenOrders) {
		t.Errorf("delete with an open order: %v", err)
	}
	if _, err := db.Exec(`UPDATE ship_orders SET status = 'shipped' WHERE id = $1`, orderID); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteConnection(ctx, c.ID); !errors.Is(err, store.ErrConnectionHasShipOrders) {
		t.Errorf("delete with a shipped order: %v", err)
	}
	if _, err := st.Connection(ctx, box, c.ID); err != nil {
		t.Errorf("connection gone after a refused delete: %v", err)
	}
}

func TestConnectionSaveWritesCredentialExpiry(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	box := mustBox(t, testKey)
	sf := mustShipFrom(t, st, "本社倉庫")
	first := time.Date(2026, 8, 28, 0, 0, 0, 0, time.UTC)
	second := first.AddDate(0, 0, 90)
	c := newConnection(domain.MarketplaceAmazon, "Amazon JP", sf.ID)
	c.CredentialExpiresAt = &first
	if err := st.CreateConnection(ctx, box, c); err != nil {
		t.Fatal(err)
	}
	expiry := func() *time.Time {
		t.Helper()
		got, err := st.Connection(ctx, box, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got.CredentialExpiresAt
	}
	steps := []struct {
		name string
		set  *time.Time // what the save carries; nil keeps the stored expiry
		want time.Time
	}{
		{"nil keeps", nil, first},
		{"a new expiry replaces", &second, second},
		{"nil keeps the new one", nil, second},
	}
	if got := expiry(); got == nil || !got.Equal(first) {
		t.Fatalf("after create: expiry %v, want %v", got, first)
	}
	for _, s := range steps {
		c.CredentialExpiresAt = s.set
		c.Secrets = map[string]string{}
		if err := st.UpdateConnection(ctx, box, c); err != nil {
			t.Fatal(err)
		}
		if c.CredentialExpiresAt == nil || !c.CredentialExpiresAt.Equal(s.want) {
			t.Errorf("%s: UpdateConnection left %v on c, want %v", s.name, c.CredentialExpiresAt, s.want)
		}
		if got := expiry(); got == nil || !got.Equal(s.want) {
			t.Errorf("%s: stored expiry %v, want %v", s.name, got, s.want)
		}
	}
}
