package signing

import (
	"fmt"
	"net/http"
	"time"
)

// SetCookie sets the cookie c on w with its Value signed, and the time:
// Django's response.set_signed_cookie(c.Name, c.Value, salt=s.Salt), in
// its format. The salt is the cookie's name followed by s.Salt (empty is
// fine here), so that one cookie's value cannot be replayed as another's. It refuses a
// cookie net/http would change on the way out (a value with a ";" or a
// quote, a bad name): it would not verify when it came back.
func (s TimestampSigner) SetCookie(w http.ResponseWriter, c *http.Cookie) error {
	signed := *c
	signed.Value = s.cookieSigner(c.Name).Sign(c.Value)
	if err := signed.Valid(); err != nil {
		return fmt.Errorf("signing: cookie %q: %w", c.Name, err)
	}
	http.SetCookie(w, &signed)
	return nil
}

// Cookie returns the verified value of r's signed cookie name: Django's
// request.get_signed_cookie(name, salt=s.Salt, max_age=maxAge). The error
// is http.ErrNoCookie when r has no such cookie, and wraps
// ErrBadSignature (or ErrSignatureExpired) when it does not verify.
func (s TimestampSigner) Cookie(r *http.Request, name string, maxAge time.Duration) (string, error) {
	c, err := r.Cookie(name)
	if err != nil {
		return "", err
	}
	return s.cookieSigner(name).Unsign(c.Value, maxAge)
}

func (s TimestampSigner) cookieSigner(name string) TimestampSigner {
	c := CookieSigner(s.Key, s.FallbackKeys, name+s.Salt)
	c.Now, c.Sep, c.Compress = s.Now, s.Sep, s.Compress
	return c
}

// CookieSigner returns the signer of values kept in cookies, Django's
// get_cookie_signer(salt): its keys are prefixed with
// "django.http.cookies", so that a cookie's signature is never one made
// for another use of the key. Django's messages framework, for one, signs
// its cookie with it. Empty fallback keys are dropped: prefixed, they
// would be a key anyone knows.
func CookieSigner(key string, fallbackKeys []string, salt string) TimestampSigner {
	const prefix = "django.http.cookies"
	s := TimestampSigner{Signer: Signer{Salt: salt}}
	if key != "" {
		s.Key = prefix + key
	}
	for _, k := range fallbackKeys {
		if k == "" {
			continue // prefixed, it would be a public key
		}
		s.FallbackKeys = append(s.FallbackKeys, prefix+k)
	}
	return s
}
