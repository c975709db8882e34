package signing

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// ErrSignatureExpired is the error of a value older than the maximum age
// it was checked against. It wraps ErrBadSignature.
var ErrSignatureExpired = fmt.Errorf("%w: signature expired", ErrBadSignature)

// DefaultTimestampSalt is the salt of a TimestampSigner whose Salt is
// empty: Django's.
const DefaultTimestampSalt = "django.core.signing.TimestampSigner"

// TimestampSigner is a Signer that also signs the time of signing, so
// that values can expire: Django's TimestampSigner, in its format (the
// Unix time in base 62 between the value and the signature).
type TimestampSigner struct {
	Signer
	// Now is the clock, time.Now when nil; tests set it.
	Now func() time.Time
}

func (s TimestampSigner) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s TimestampSigner) signer() Signer {
	if s.Salt == "" {
		s.Salt = DefaultTimestampSalt
	}
	return s.Signer
}

// Sign signs value and the current time.
func (s TimestampSigner) Sign(value string) string {
	sg := s.signer()
	return sg.Sign(value + sg.sep() + encodeBase62(s.now().Unix()))
}

// Unsign returns the value of signed if its signature verifies and, when
// maxAge is positive, it was signed less than maxAge ago; otherwise an
// error wrapping ErrBadSignature (ErrSignatureExpired for an old value).
func (s TimestampSigner) Unsign(signed string, maxAge time.Duration) (string, error) {
	value, signedAt, err := s.UnsignTime(signed)
	if err != nil {
		return "", err
	}
	if maxAge > 0 {
		if age := s.now().Sub(signedAt); age > maxAge {
			return "", fmt.Errorf("%w: signed %s ago, more than %s", ErrSignatureExpired, age.Truncate(time.Second), maxAge)
		}
	}
	return value, nil
}

// UnsignTime returns the value of signed and when it was signed, whatever
// its age.
func (s TimestampSigner) UnsignTime(signed string) (string, time.Time, error) {
	sg := s.signer()
	inner, err := sg.Unsign(signed)
	if err != nil {
		return "", time.Time{}, err
	}
	i := strings.LastIndex(inner, sg.sep())
	if i < 0 {
		return "", time.Time{}, fmt.Errorf("%w: no timestamp in the value", ErrBadSignature)
	}
	ts, err := decodeBase62(inner[i+len(sg.sep()):])
	if err != nil {
		return "", time.Time{}, fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	return inner[:i], time.Unix(ts, 0), nil
}

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// encodeBase62 is Django's b62_encode.
func encodeBase62(n int64) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	u := uint64(n)
	if neg {
		u = -u
	}
	var buf [12]byte
	i := len(buf)
	for u > 0 {
		i--
		buf[i] = base62[u%62]
		u /= 62
	}
	if neg {
		i--
		buf[i] = '-'
	}
	return string(buf[i:])
}

var errBase62 = errors.New("malformed timestamp")

// decodeBase62 is Django's b62_decode, refusing what does not fit an
// int64 instead of growing without bound.
func decodeBase62(s string) (int64, error) {
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	if s == "" {
		return 0, errBase62
	}
	var n int64
	for i := range len(s) {
		d := int64(strings.IndexByte(base62, s[i]))
		if d < 0 || n > (math.MaxInt64-d)/62 {
			return 0, errBase62
		}
		n = n*62 + d
	}
	if neg {
		return -n, nil
	}
	return n, nil
}
