package secretbox

import (
	"bytes"
	"errors"
	"testing"
)

const (
	oldPass = "old passphrase for tests 0123456789"
	newPass = "new passphrase for tests 9876543210"
)

func TestSealOpenRoundTrip(t *testing.T) {
	b, err := New(oldPass)
	if err != nil {
		t.Fatal(err)
	}
	plain := []byte("SL-license-key-ABCD")
	aad := []byte("connection 1 license_key")
	id, ct, err := b.Seal(plain, aad)
	if err != nil {
		t.Fatal(err)
	}
	if id != b.KeyID() {
		t.Errorf("key id %q, want primary %q", id, b.KeyID())
	}
	if bytes.Contains(ct, plain) {
		t.Fatal("ciphertext contains the plaintext")
	}
	got, err := b.Open(id, ct, aad)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, plain) {
		t.Errorf("Open = %q, want %q", got, plain)
	}
	// Two seals of the same value differ (random nonce), so equal secrets are not linkable.
	_, ct2, _ := b.Seal(plain, aad)
	if bytes.Equal(ct, ct2) {
		t.Error("two seals of the same plaintext are identical")
	}
}

func TestOpenRejects(t *testing.T) {
	b, _ := New(oldPass)
	id, ct, _ := b.Seal([]byte("secret"), []byte("row 1"))

	tests := []struct {
		name  string
		id    string
		ct    []byte
		aad   []byte
		known bool
	}{
		{"other row's aad", id, ct, []byte("row 2"), true},
		{"tampered", id, append(append([]byte{}, ct[:len(ct)-1]...), ct[len(ct)-1]^1), []byte("row 1"), true},
		{"truncated", id, ct[:5], []byte("row 1"), true},
		{"unknown key id", "0000000000000000", ct, []byte("row 1"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := b.Open(tt.id, tt.ct, tt.aad)
			if err == nil {
				t.Fatal("Open succeeded")
			}
			if got := errors.Is(err, ErrUnknownKey); got != !tt.known {
				t.Errorf("errors.Is(err, ErrUnknownKey) = %v, want %v (err %v)", got, !tt.known, err)
			}
		})
	}
}

func TestRotation(t *testing.T) {
	oldBox, _ := New(oldPass)
	id, ct, _ := oldBox.Seal([]byte("refresh-token"), nil)

	newOnly, _ := New(newPass)
	if _, err := newOnly.Open(id, ct, nil); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("new key alone opened an old row: %v", err)
	}

	rot, err := New(newPass, oldPass)
	if err != nil {
		t.Fatal(err)
	}
	if rot.KeyID() == oldBox.KeyID() {
		t.Fatal("different passphrases gave the same key id")
	}
	if !rot.NeedsRotation(id) {
		t.Error("old row not flagged for rotation")
	}
	pt, err := rot.Open(id, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	id2, ct2, _ := rot.Seal(pt, nil)
	if rot.NeedsRotation(id2) {
		t.Error("re-sealed row still flagged")
	}
	if got, err := newOnly.Open(id2, ct2, nil); err != nil || string(got) != "refresh-token" {
		t.Errorf("after rotation: %q, %v", got, err)
	}
}

func TestKeyIDStable(t *testing.T) {
	a, _ := New(oldPass)
	b, _ := New(oldPass)
	if a.KeyID() != b.KeyID() || len(a.KeyID()) != 16 {
		t.Errorf("key ids %q / %q", a.KeyID(), b.KeyID())
	}
}

func TestShortSecretRefused(t *testing.T) {
	if _, err := New("short"); err == nil {
		t.Error("short secret accepted")
	}
	if _, err := New(newPass, "short"); err == nil {
		t.Error("short previous secret accepted")
	}
}
