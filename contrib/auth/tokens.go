package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/nuages-go/nuages/database/dialect"
	"github.com/nuages-go/nuages/orm"
	"github.com/nuages-go/nuages/signing"
)

// ResetTokens makes and checks the tokens of password reset links, as
// Django's PasswordResetTokenGenerator, in its format: stateless (nothing
// is stored), valid for Timeout, and spent as soon as the user's password
// or last login changes, since both are in the hash.
type ResetTokens struct {
	// Key and FallbackKeys are the project's secret keys.
	Key          string
	FallbackKeys []string
	// Timeout is how long a link works, Django's PASSWORD_RESET_TIMEOUT:
	// three days when zero.
	Timeout time.Duration
	// Now is the clock, time.Now when nil; tests set it.
	Now func() time.Time
}

// ResetTokens returns the generator with the project's keys and the app's
// PasswordResetTimeout.
func (a *App) ResetTokens() ResetTokens {
	st := a.project.Settings()
	return ResetTokens{Key: st.SecretKey, FallbackKeys: st.SecretKeyFallbacks, Timeout: a.PasswordResetTimeout}
}

// epoch is Django's: tokens count seconds from 2001-01-01.
var epoch = time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)

func (t ResetTokens) now() int64 {
	now := time.Now
	if t.Now != nil {
		now = t.Now
	}
	return int64(now().Sub(epoch) / time.Second)
}

// Make returns a token for u, valid from now.
func (t ResetTokens) Make(u AnyUser) string {
	if missing(u) {
		return "" // a token that never checks
	}
	return t.token(u, t.now(), t.Key)
}

// Check reports whether token is a valid, unexpired token for u.
func (t ResetTokens) Check(u AnyUser, token string) bool {
	if missing(u) || token == "" || t.Key == "" {
		return false
	}
	tsText, _, ok := strings.Cut(token, "-")
	if !ok || len(tsText) > 12 {
		return false
	}
	ts, err := strconv.ParseInt(tsText, 36, 64)
	if err != nil || ts < 0 {
		return false
	}
	valid := false
	for _, key := range signing.VerifyingKeys(t.Key, t.FallbackKeys) {
		if subtle.ConstantTimeCompare([]byte(t.token(u, ts, key)), []byte(token)) == 1 {
			valid = true
		}
	}
	timeout := t.Timeout
	if timeout <= 0 {
		timeout = 3 * 24 * time.Hour
	}
	return valid && t.now()-ts <= int64(timeout/time.Second)
}

// token is Django's _make_token_with_timestamp: the base-36 time, and
// every other hex digit of an HMAC of the user's key, password hash, last
// login, the time and e-mail.
func (t ResetTokens) token(user AnyUser, ts int64, key string) string {
	u := user.AuthUser()
	login := ""
	if u.LastLogin != nil {
		login = u.LastLogin.UTC().Truncate(time.Second).Format(time.DateTime)
	}
	value := strconv.FormatInt(u.ID, 10) + u.Password + login + strconv.FormatInt(ts, 10) + emailOf(user)
	k := sha256.Sum256([]byte("django.contrib.auth.tokens.PasswordResetTokenGenerator" + key))
	mac := hmac.New(sha256.New, k[:])
	mac.Write([]byte(value))
	full := hex.EncodeToString(mac.Sum(nil))
	half := make([]byte, 0, len(full)/2)
	for i := 0; i < len(full); i += 2 {
		half = append(half, full[i])
	}
	return strconv.FormatInt(ts, 36) + "-" + string(half)
}

// EncodeUID is the user's key as reset links carry it, Django's
// urlsafe_base64_encode(force_bytes(pk)).
func EncodeUID(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(id, 10)))
}

// DecodeUID reads EncodeUID's text; false when it is not one.
func DecodeUID(uid string) (int64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(uid)
	if err != nil {
		return 0, false
	}
	id, err := strconv.ParseInt(string(b), 10, 64)
	return id, err == nil && id > 0
}

// emailOf is u's e-mail address, from the field its model's EmailField
// names ("email"), or "" when the model has none.
func emailOf(u AnyUser) string {
	name := "email"
	if f, ok := u.(emailFielder); ok {
		name = f.EmailField()
	}
	m, err := orm.MetaOfType(reflect.TypeOf(u).Elem())
	if err != nil {
		return ""
	}
	if f, ok := m.Field(name); ok && (f.Kind == dialect.KindChar || f.Kind == dialect.KindText) {
		return f.Value(u).String()
	}
	return ""
}
