package csrf

import (
	"crypto/subtle"
	"errors"
	"github.com/nuages-go/nuages/internal/randtext"
	"strings"
)

// Django's lengths and alphabet: a 32-character secret, and tokens of 64
// (a random mask, then the secret shifted by it), so that the token in a
// page changes at every render (no BREACH compression oracle) while the
// secret does not.
const (
	secretLength = 32
	tokenLength  = 2 * secretLength
	alphabet     = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
)

var (
	errLength     = errors.New("has incorrect length")
	errCharacters = errors.New("has invalid characters")
)

func newSecret() string { return randtext.String(secretLength, alphabet) }

// mask returns a fresh token for secret: Django's _mask_cipher_secret.
func mask(secret string) string {
	m := randtext.String(secretLength, alphabet)
	var b strings.Builder
	b.Grow(tokenLength)
	b.WriteString(m)
	for i := range secretLength {
		b.WriteByte(alphabet[(index(secret[i])+index(m[i]))%62])
	}
	return b.String()
}

// unmask is Django's _unmask_cipher_token.
func unmask(token string) string {
	m, cipher := token[:secretLength], token[secretLength:]
	out := make([]byte, secretLength)
	for i := range secretLength {
		out[i] = alphabet[(index(cipher[i])-index(m[i])+62)%62]
	}
	return string(out)
}

func index(c byte) int {
	switch {
	case c >= 'a' && c <= 'z':
		return int(c - 'a')
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 26
	default:
		return int(c-'0') + 52
	}
}

// checkFormat is Django's _check_token_format: a secret or a token, of
// the alphabet.
func checkFormat(s string) error {
	if len(s) != secretLength && len(s) != tokenLength {
		return errLength
	}
	for i := range len(s) {
		if !strings.ContainsRune(alphabet, rune(s[i])) {
			return errCharacters
		}
	}
	return nil
}

// matches reports whether token (a masked token, or the bare secret as
// JavaScript may send it from the cookie) is secret's, in constant time.
func matches(token, secret string) bool {
	if len(token) == tokenLength {
		token = unmask(token)
	}
	return subtle.ConstantTimeCompare([]byte(token), []byte(secret)) == 1
}
