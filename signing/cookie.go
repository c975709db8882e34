package signing

import (
	"fmt"
	"net/http"
	"time"
)

// SetCookie sets the cookie c on w with its Value signed, and the time:
// Django's response.set_signed_cookie(c.Name, c.Value, salt=s.Salt). The
// salt is the cookie's name followed by s.Salt (empty is fine here), so
// that one cookie's value cannot be replayed as another's. It refuses a
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
	s.Salt = name + s.Salt
	return s
}
