package sessions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/nuages-go/nuages/internal/randtext"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nuages-go/nuages/web"
)

// Store keeps sessions' data, a JSON object, under their keys.
type Store interface {
	// Load returns the data saved under key, or ErrNotFound when there is
	// none, it expired, or the key is not one this store could have made.
	Load(ctx context.Context, key string) ([]byte, error)
	// Create saves data under a new key, which it returns.
	Create(ctx context.Context, data []byte, expiry time.Time) (key string, err error)
	// Save replaces the data under key and returns the key to give the
	// client (the same, except for stores that keep data in the key). It
	// returns ErrNotFound if the session was deleted meanwhile.
	Save(ctx context.Context, key string, data []byte, expiry time.Time) (string, error)
	// Delete removes the session key; an unknown key is not an error.
	Delete(ctx context.Context, key string) error
}

// ErrNotFound is a Store's answer for a key it has no session for.
var ErrNotFound = errors.New("sessions: no such session")

// expiryKey is where Django keeps a session's own expiry in its data:
// seconds of inactivity (a number) or an ISO 8601 date (a string).
const expiryKey = "_session_expiry"

// Session is one visitor's data. It is loaded on first use and safe for
// concurrent use by the goroutines of one request.
type Session struct {
	mu       sync.Mutex
	ctx      context.Context
	store    Store
	policy   *Config
	key      string // the client's key; "" for a new session
	data     map[string]json.RawMessage
	loaded   bool
	loadErr  error
	modified bool
	accessed bool
	// header is the response's, to mark it Vary: Cookie the moment the
	// session is read: a page cache inside the middleware decides before
	// the middleware's own hook runs.
	header  http.Header
	deleted string // a key to delete from the store when saving (Flush, CycleKey)
}

// access marks the session used, and the response as depending on the
// session cookie.
func (s *Session) access() {
	if !s.accessed && s.header != nil {
		web.AddVary(s.header, "Cookie")
	}
	s.accessed = true
}

func (s *Session) load() error {
	s.access()
	if s.loaded {
		return s.loadErr
	}
	s.loaded = true
	s.data = map[string]json.RawMessage{}
	if s.key == "" {
		return nil
	}
	raw, err := s.store.Load(s.ctx, s.key)
	switch {
	case errors.Is(err, ErrNotFound):
		s.key = "" // unknown or expired: a new session, under a new key
		return nil
	case err != nil:
		s.loadErr = fmt.Errorf("sessions: loading the session: %w", err)
		return s.loadErr
	}
	// Data that is not a JSON object - malformed, or null, which leaves the
	// map nil - is corrupt: a fresh session, as for a bad signature.
	if json.Unmarshal(raw, &s.data) != nil || s.data == nil || s.expiredByDate(time.Now()) {
		s.data, s.key = map[string]json.RawMessage{}, ""
	}
	return nil
}

// Get decodes the value of key into dst and reports whether there was
// one; the error is a store failure or a value that does not fit dst.
func (s *Session) Get(key string, dst any) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return false, err
	}
	raw, ok := s.data[key]
	if !ok {
		return false, nil
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return true, fmt.Errorf("sessions: the value of %q: %w", key, err)
	}
	return true, nil
}

// Value returns the value of key as a T, and whether there was one that
// fits: sessions.Value[int](s, "visits").
func Value[T any](s *Session, key string) (T, bool) {
	var v T
	ok, err := s.Get(key, &v)
	return v, ok && err == nil
}

// Set stores v, as JSON, under key.
func (s *Session) Set(key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("sessions: the value of %q: %w", key, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return err
	}
	s.data[key] = raw
	s.modified = true
	return nil
}

// Delete removes key.
func (s *Session) Delete(key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return err
	}
	if _, ok := s.data[key]; ok {
		delete(s.data, key)
		s.modified = true
	}
	return nil
}

// Has reports whether key has a value.
func (s *Session) Has(key string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return false, err
	}
	_, ok := s.data[key]
	return ok, nil
}

// Keys returns the keys that have values, sorted, Django's own
// _session_expiry left out.
func (s *Session) Keys() ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return nil, err
	}
	keys := slices.Sorted(maps.Keys(s.data))
	return slices.DeleteFunc(keys, func(k string) bool { return k == expiryKey }), nil
}

// Key is the session's key as the client knows it: "" until the session
// has been saved once.
func (s *Session) Key() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.key
}

// Modified reports whether the session will be saved at the end of the
// request.
func (s *Session) Modified() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.modified
}

// CycleKey gives the session a new key and keeps its data; the old key
// stops working. Call it at login, against session fixation (auth.Login
// does).
func (s *Session) CycleKey() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.load(); err != nil {
		return err
	}
	if s.key != "" {
		s.deleted, s.key = s.key, ""
	}
	s.modified = true
	return nil
}

// Flush deletes the session's data and its key: the visitor gets a new,
// empty session. Call it at logout (auth.Logout does).
func (s *Session) Flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.access()
	s.loaded, s.loadErr = true, nil
	s.data = map[string]json.RawMessage{}
	if s.key != "" {
		s.deleted, s.key = s.key, ""
	}
	s.modified = true
	return nil
}

// SetMaxAge makes the session expire after d without a request that
// saves it, instead of the configured cookie age: Django's
// set_expiry(seconds). A d of 0 or less restores the configured age.
func (s *Session) SetMaxAge(d time.Duration) error {
	if d <= 0 {
		return s.Delete(expiryKey)
	}
	return s.Set(expiryKey, int64(d/time.Second))
}

// ExpireAt makes the session expire at t: Django's set_expiry(datetime).
func (s *Session) ExpireAt(t time.Time) error {
	return s.Set(expiryKey, t.UTC().Format("2006-01-02T15:04:05.000000+00:00"))
}

// ExpireAtBrowserClose makes the session's cookie last until the browser
// closes: Django's set_expiry(0).
func (s *Session) ExpireAtBrowserClose() error { return s.Set(expiryKey, 0) }

// expiry returns when the session, saved now, expires, and whether its
// cookie lasts only until the browser closes.
func (s *Session) expiry(now time.Time) (time.Time, bool) {
	age := s.policy.cookieAge()
	browserClose := s.policy.ExpireAtBrowserClose
	if raw, ok := s.data[expiryKey]; ok {
		var secs int64
		var date string
		switch {
		case json.Unmarshal(raw, &secs) == nil && secs == 0:
			browserClose = true
		case json.Unmarshal(raw, &secs) == nil:
			age, browserClose = time.Duration(secs)*time.Second, false
		case json.Unmarshal(raw, &date) == nil:
			if t, err := time.Parse(time.RFC3339Nano, date); err == nil {
				return t, false
			}
		}
	}
	return now.Add(age), browserClose
}

// expiredByDate reports whether the data carries an expiry date that has
// passed (an age is the store's business: it expires the row).
func (s *Session) expiredByDate(now time.Time) bool {
	raw, ok := s.data[expiryKey]
	if !ok {
		return false
	}
	var date string
	if json.Unmarshal(raw, &date) != nil {
		return false
	}
	t, err := time.Parse(time.RFC3339Nano, date)
	return err == nil && !t.After(now)
}

// keyAlphabet and keyLength are Django's: 32 characters of [a-z0-9],
// about 165 bits.
const (
	keyAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	keyLength   = 32
)

// NewKey returns a random session key in Django's form.
func NewKey() string { return randtext.String(keyLength, keyAlphabet) }

// validKey reports whether key could be one of NewKey's (or a Django
// site's): anything else is not worth a trip to the store.
func validKey(key string) bool {
	if len(key) < 8 || len(key) > 40 {
		return false
	}
	for i := range len(key) {
		if !strings.ContainsRune(keyAlphabet, rune(key[i])) {
			return false
		}
	}
	return true
}
