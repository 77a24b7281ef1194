// Package secretbox encrypts connection secrets (API keys, tokens) at rest.
//
// Keys are derived from the operator-supplied RENKEI_SECRET_KEY with HKDF-SHA256,
// so any passphrase of sufficient length yields a proper 256-bit AES key. Every
// ciphertext is stored beside the id of the key that sealed it; the id is itself
// derived from the passphrase (under a different HKDF label) so it identifies the
// key without revealing it. Rotation is then: start with the new key as primary and
// the old one as a previous key, re-seal every row whose key id is not the primary's.
//
// The package does no I/O.
package secretbox

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
)

// MinSecretLength is the shortest RENKEI_SECRET_KEY accepted. HKDF cannot add
// entropy, so a short passphrase would make every stored secret guessable.
const MinSecretLength = 16

// Fixed salt and labels: changing any of them makes existing ciphertexts unreadable.
var (
	salt      = []byte("renkei secretbox salt v1")
	encLabel  = "renkei secretbox aes-256-gcm v1"
	idLabel   = "renkei secretbox key id v1"
	errFormat = errors.New("secretbox: ciphertext too short")
)

// ErrUnknownKey is returned by Open when no configured key has the stored key id.
var ErrUnknownKey = errors.New("secretbox: no configured key matches the stored key id")

type key struct {
	id   string
	aead cipher.AEAD
}

// Box seals with its primary key and opens with any of its keys.
type Box struct {
	primary *key
	keys    map[string]*key
}

// New builds a Box whose primary key is derived from secret. previous are older
// passphrases still needed to read rows sealed before a rotation.
func New(secret string, previous ...string) (*Box, error) {
	p, err := deriveKey(secret)
	if err != nil {
		return nil, err
	}
	b := &Box{primary: p, keys: map[string]*key{p.id: p}}
	for _, s := range previous {
		k, err := deriveKey(s)
		if err != nil {
			return nil, fmt.Errorf("previous key: %w", err)
		}
		b.keys[k.id] = k
	}
	return b, nil
}

func deriveKey(secret string) (*key, error) {
	if len(secret) < MinSecretLength {
		return nil, fmt.Errorf("secretbox: RENKEI_SECRET_KEY must be at least %d characters", MinSecretLength)
	}
	raw, err := hkdf.Key(sha256.New, []byte(secret), salt, encLabel, 32)
	if err != nil {
		return nil, err
	}
	idRaw, err := hkdf.Key(sha256.New, []byte(secret), salt, idLabel, 8)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(raw)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &key{id: hex.EncodeToString(idRaw), aead: aead}, nil
}

// KeyID is the id of the primary key, the one Seal uses.
func (b *Box) KeyID() string { return b.primary.id }

// Seal encrypts plaintext with the primary key. aad binds the ciphertext to its
// place (e.g. connection id and field name) so it cannot be copied to another row.
// The returned ciphertext is nonce || sealed data.
func (b *Box) Seal(plaintext, aad []byte) (keyID string, ciphertext []byte, err error) {
	k := b.primary
	nonce := make([]byte, k.aead.NonceSize(), k.aead.NonceSize()+len(plaintext)+k.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", nil, err
	}
	return k.id, k.aead.Seal(nonce, nonce, plaintext, aad), nil
}

// Open decrypts a ciphertext sealed under keyID with the same aad.
func (b *Box) Open(keyID string, ciphertext, aad []byte) ([]byte, error) {
	k, ok := b.keys[keyID]
	if !ok {
		return nil, fmt.Errorf("%w (%s)", ErrUnknownKey, keyID)
	}
	n := k.aead.NonceSize()
	if len(ciphertext) < n+k.aead.Overhead() {
		return nil, errFormat
	}
	pt, err := k.aead.Open(nil, ciphertext[:n], ciphertext[n:], aad)
	if err != nil {
		return nil, fmt.Errorf("secretbox: cannot decrypt with key %s: %w", keyID, err)
	}
	return pt, nil
}

// NeedsRotation reports whether a row sealed under keyID should be re-sealed
// with the primary key.
func (b *Box) NeedsRotation(keyID string) bool { return keyID != b.primary.id }
