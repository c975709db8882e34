package signing

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// ErrBadSignature is the error of every value that does not verify:
// tampered, signed with another key or salt, or malformed. Test for it
// with errors.Is; ErrSignatureExpired wraps it.
var ErrBadSignature = errors.New("signing: bad signature")

// DefaultSalt is the salt of a Signer whose Salt is empty: Django's, so
// that values cross between a Django site and a Nuages one.
const DefaultSalt = "django.core.signing.Signer"

// Signer signs strings with a secret key. The zero Sep is ":"; the zero
// Salt is DefaultSalt. A Signer is a value: copy it to change a field.
type Signer struct {
	// Key is the secret key (Settings.SecretKey). It must not be empty.
	Key string
	// FallbackKeys are previous keys: values they signed still verify
	// (Settings.SecretKeyFallbacks). Sign always uses Key. Empty ones are
	// skipped: an empty key would let anyone compute signatures.
	FallbackKeys []string
	// Salt separates uses of the same key: a value signed with one salt
	// never verifies with another. Use a name of your own per purpose.
	Salt string
	// Sep separates the value from its signature. It must not be empty
	// nor made only of characters of the base64url alphabet, or a
	// signature could not be told from the value.
	Sep string
	// Compress has SignObject zlib-compress the JSON when that makes it
	// shorter.
	Compress bool
}

func (s Signer) sep() string {
	if s.Sep == "" {
		return ":"
	}
	return s.Sep
}

func (s Signer) salt() string {
	if s.Salt == "" {
		return DefaultSalt
	}
	return s.Salt
}

// check panics on a Signer that cannot sign safely: these are mistakes in
// the program, like a bad regexp for regexp.MustCompile.
func (s Signer) check() {
	if s.Key == "" {
		panic("signing: the Signer's Key is empty; set it to Settings.SecretKey")
	}
	if s.Sep != "" && strings.Trim(s.Sep, "ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz0123456789-=") == "" {
		panic(fmt.Sprintf("signing: unsafe Signer separator %q: it cannot consist only of A-z0-9-_=", s.Sep))
	}
}

// Signature returns the signature of value with the signer's Key.
func (s Signer) Signature(value string) string {
	s.check()
	return s.signature(value, s.Key)
}

// signature is Django's base64_hmac(salt + "signer", value, key): an
// HMAC-SHA256 keyed with SHA-256(salt + "signer" + key).
func (s Signer) signature(value, key string) string {
	derived := sha256.Sum256([]byte(s.salt() + "signer" + key))
	mac := hmac.New(sha256.New, derived[:])
	mac.Write([]byte(value))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// Sign returns value, the separator and value's signature. It panics if
// the Key is empty or the Sep unsafe.
func (s Signer) Sign(value string) string {
	return value + s.sep() + s.Signature(value)
}

// Unsign returns the value of signed if its signature was made with Key
// or one of the FallbackKeys; otherwise an error wrapping ErrBadSignature.
func (s Signer) Unsign(signed string) (string, error) {
	if s.Key == "" {
		return "", fmt.Errorf("%w: the Signer's Key is empty", ErrBadSignature)
	}
	sep := s.sep()
	i := strings.LastIndex(signed, sep)
	if i < 0 {
		return "", fmt.Errorf("%w: no %q found in the value", ErrBadSignature, sep)
	}
	value, sig := signed[:i], signed[i+len(sep):]
	for _, key := range VerifyingKeys(s.Key, s.FallbackKeys) {
		if subtle.ConstantTimeCompare([]byte(sig), []byte(s.signature(value, key))) == 1 {
			return value, nil
		}
	}
	return "", fmt.Errorf("%w: the signature does not match", ErrBadSignature)
}

// VerifyingKeys are the keys a signature may have been made with: key,
// then the fallbacks without empty ones (an empty key would make a
// signature anyone can compute; Django's signature() uses the main key
// for it, which is tried first anyway). For code that checks HMACs of its
// own with the project's keys.
func VerifyingKeys(key string, fallbacks []string) []string {
	keys := []string{key}
	for _, k := range fallbacks {
		if k != "" {
			keys = append(keys, k)
		}
	}
	return keys
}
