package sessions

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/nuages-go/nuages/signing"
)

// CookieSalt is the salt of CookieStore's signatures: Django's, so that
// session cookies cross between a Django site and a Nuages one.
const CookieSalt = "django.contrib.sessions.backends.signed_cookies"

// maxCookie is the most a browser keeps in a cookie, name included.
const maxCookie = 4093

// CookieStore keeps the whole session in the cookie, signed (not
// encrypted: the visitor can read it) and compressed: Django's
// signed_cookies backend. Nothing is stored on the server, so a session
// cannot be revoked before it expires, and its data must fit in a cookie.
type CookieStore struct {
	// Key and FallbackKeys are the project's secret keys.
	Key          string
	FallbackKeys []string
	// MaxAge is how old a cookie may be: the session cookie's age. Zero
	// (or less) means two weeks, Config.CookieAge's default and Django's
	// SESSION_COOKIE_AGE: a cookie session cannot be revoked, so its age
	// is the only limit on it, and it never goes unchecked.
	MaxAge time.Duration
}

// maxAge is MaxAge, or the default session age when it is not positive.
func (c CookieStore) maxAge() time.Duration {
	if c.MaxAge <= 0 {
		return defaultCookieAge
	}
	return c.MaxAge
}

func (c CookieStore) signer() signing.TimestampSigner {
	return signing.TimestampSigner{Signer: signing.Signer{Key: c.Key, FallbackKeys: c.FallbackKeys, Salt: CookieSalt, Compress: true}}
}

// Load verifies the cookie's value and returns its data.
func (c CookieStore) Load(_ context.Context, key string) ([]byte, error) {
	var data json.RawMessage
	if c.Key == "" || c.signer().UnsignObject(key, &data, c.maxAge()) != nil {
		return nil, ErrNotFound
	}
	return data, nil
}

// Create signs data: the result is the cookie's value.
func (c CookieStore) Create(_ context.Context, data []byte, _ time.Time) (string, error) {
	if c.Key == "" {
		return "", fmt.Errorf("sessions: the CookieStore's Key is empty; set it to the project's SecretKey")
	}
	signed, err := c.signer().SignObject(json.RawMessage(data))
	if err != nil {
		return "", err
	}
	if len(signed) > maxCookie-len("sessionid=") {
		return "", fmt.Errorf("sessions: the session takes %d bytes signed, more than a cookie holds (about 4,000); keep less in it, or use a DBStore or CacheStore", len(signed))
	}
	return signed, nil
}

// Save is Create: the new cookie replaces the old one.
func (c CookieStore) Save(ctx context.Context, _ string, data []byte, expiry time.Time) (string, error) {
	return c.Create(ctx, data, expiry)
}

// Delete does nothing: the middleware deletes the cookie.
func (CookieStore) Delete(context.Context, string) error { return nil }
