package sessions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/nuages-go/nuages/web"
	"github.com/nuages-go/nuages/web/middleware"
)

// Config is the session middleware's configuration: Django's SESSION_*
// settings. The zero value of each field is Django's default, except
// that cookies are Secure unless CookieInsecure says otherwise.
type Config struct {
	Store Store
	// CookieName is "sessionid" when empty.
	CookieName string
	// CookieAge is how long a session lasts without being saved: two
	// weeks when zero.
	CookieAge    time.Duration
	CookieDomain string
	// CookiePath is "/" when empty.
	CookiePath string
	// CookieInsecure lets the cookie travel over plain HTTP. Leave it
	// off in production; browsers accept Secure cookies from
	// http://localhost and http://127.0.0.1 in development.
	CookieInsecure bool
	// CookieScriptReadable drops HttpOnly, letting JavaScript read the
	// session key; almost never what you want.
	CookieScriptReadable bool
	// CookieSameSite is Lax when zero.
	CookieSameSite http.SameSite
	// ExpireAtBrowserClose makes cookies last until the browser closes.
	ExpireAtBrowserClose bool
	// SaveEveryRequest saves (and so extends) every non-empty session at
	// every request, not only modified ones.
	SaveEveryRequest bool
	// Logger gets the failures to delete an old session; slog.Default
	// when nil.
	Logger *slog.Logger
}

// defaultCookieAge is the session age when none is set: two weeks,
// Django's SESSION_COOKIE_AGE.
const defaultCookieAge = 14 * 24 * time.Hour

func (c *Config) cookieAge() time.Duration {
	if c.CookieAge <= 0 {
		return defaultCookieAge
	}
	return c.CookieAge
}

func (c *Config) cookieName() string {
	if c.CookieName == "" {
		return "sessionid"
	}
	return c.CookieName
}

type sessionKey struct{}

// From returns the session of r: a new, empty one when the request did
// not go through Middleware (then nothing is saved).
func From(r *http.Request) *Session {
	if s, ok := r.Context().Value(sessionKey{}).(*Session); ok {
		return s
	}
	return &Session{ctx: r.Context(), store: nopStore{}, policy: &Config{}, loaded: true, data: map[string]json.RawMessage{}}
}

// ErrInterrupted answers a request whose session was deleted while it
// ran, typically by a logout in another tab, with a 400: Django's
// SessionInterrupted. Match it with errors.Is. It is a constant, so that
// no code can change what every such request is told.
const ErrInterrupted = interruptedError("The request's session was deleted before the request completed. The user may have logged out in a concurrent request, for example.")

// interruptedError is ErrInterrupted's type: its text, shown to the client.
type interruptedError string

func (e interruptedError) Error() string { return string(e) }

// Unwrap is the 400 the error page answers with.
func (e interruptedError) Unwrap() error { return web.BadRequest(string(e)) }

// Middleware gives each request a Session (From reads it) and, before
// the response's headers go out, saves it if it was modified and sets or
// deletes the cookie; a response that used the session varies on Cookie.
// A failure to save answers with the error page instead of the handler's
// response, so that no change is silently lost.
func Middleware(cfg Config) func(http.Handler) http.Handler {
	if cfg.Store == nil {
		panic("sessions: Config.Store is nil; use a DBStore, CacheStore or CookieStore")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s := &Session{ctx: r.Context(), store: cfg.Store, policy: &cfg, header: w.Header()}
			hadCookie := false
			if c, err := r.Cookie(cfg.cookieName()); err == nil && c.Value != "" {
				s.key, hadCookie = c.Value, true
			}
			r = r.WithContext(context.WithValue(r.Context(), sessionKey{}, s))
			hw, finish := middleware.BeforeHeaders(w, func(status int) bool {
				if err := cfg.commit(w, r, s, status, hadCookie); err != nil {
					web.ServeError(w, r, err)
					return false
				}
				return true
			})
			next.ServeHTTP(hw, r)
			finish()
			if s.Modified() {
				cfg.Logger.Warn("sessions: the session changed after the response started, and the change is lost: change it before writing the response", "path", r.URL.Path)
			}
		})
	}
}

// commit saves s and sets the cookie, as Django's
// SessionMiddleware.process_response.
func (cfg *Config) commit(w http.ResponseWriter, r *http.Request, s *Session, status int, hadCookie bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	// From here on, a change is one the response cannot carry.
	modified := s.modified
	s.modified = false
	if cfg.SaveEveryRequest && s.key != "" {
		s.load() // to extend it; an error is kept in loadErr
	}
	if s.accessed {
		web.AddVary(w.Header(), "Cookie")
	}
	ctx := context.WithoutCancel(r.Context()) // the session outlives a client gone mid-response
	if s.deleted != "" {
		if err := s.store.Delete(ctx, s.deleted); err != nil {
			cfg.Logger.Error("sessions: deleting the old session", "err", err)
		}
		s.deleted = ""
	}
	if s.loadErr != nil {
		return nil // the store failed: keep the cookie for when it is back
	}
	if !s.loaded {
		return nil // never used: nothing to save
	}
	if len(s.data) == 0 {
		if hadCookie {
			http.SetCookie(w, cfg.cookie("", -1, time.Time{}))
		}
		return nil
	}
	if !modified && !cfg.SaveEveryRequest || status >= 500 {
		return nil
	}
	raw, err := json.Marshal(s.data)
	if err != nil {
		return err // json.RawMessage values were checked by Set
	}
	now := time.Now()
	expiry, browserClose := s.expiry(now)
	var key string
	if s.key == "" {
		key, err = s.store.Create(ctx, raw, expiry)
	} else {
		key, err = s.store.Save(ctx, s.key, raw, expiry)
		if errors.Is(err, ErrNotFound) {
			return ErrInterrupted
		}
	}
	if err != nil {
		return fmt.Errorf("saving the session: %w", err)
	}
	s.key = key
	maxAge := int(expiry.Sub(now) / time.Second)
	if browserClose {
		maxAge, expiry = 0, time.Time{}
	}
	http.SetCookie(w, cfg.cookie(key, maxAge, expiry))
	return nil
}

func (cfg *Config) cookie(value string, maxAge int, expires time.Time) *http.Cookie {
	sameSite := cfg.CookieSameSite
	if sameSite == 0 {
		sameSite = http.SameSiteLaxMode
	}
	path := cfg.CookiePath
	if path == "" {
		path = "/"
	}
	return &http.Cookie{
		Name: cfg.cookieName(), Value: value, Path: path, Domain: cfg.CookieDomain,
		MaxAge: maxAge, Expires: expires,
		Secure: !cfg.CookieInsecure, HttpOnly: !cfg.CookieScriptReadable, SameSite: sameSite,
	}
}

// nopStore is the store of a session outside the middleware: empty, and
// nothing is kept.
type nopStore struct{}

func (nopStore) Load(context.Context, string) ([]byte, error) { return nil, ErrNotFound }
func (nopStore) Create(context.Context, []byte, time.Time) (string, error) {
	return "", errors.New("sessions: the request did not go through the session middleware")
}
func (s nopStore) Save(ctx context.Context, _ string, data []byte, expiry time.Time) (string, error) {
	return s.Create(ctx, data, expiry)
}
func (nopStore) Delete(context.Context, string) error { return nil }
