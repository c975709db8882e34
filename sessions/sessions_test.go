package sessions_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/nuages-go/nuages/cache"
	"github.com/nuages-go/nuages/cache/httpcache"
	"github.com/nuages-go/nuages/cache/redis"
	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/internal/testenv"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/sessions"
	"github.com/nuages-go/nuages/signing"
	"github.com/nuages-go/nuages/web"
)

const secret = "a-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"

// app is a handler that does to its session what the path says.
func app() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := sessions.From(r)
		q := r.URL.Query()
		var err error
		switch r.URL.Path {
		case "/set":
			err = s.Set(q.Get("k"), q.Get("v"))
		case "/get":
			var v string
			var ok bool
			if ok, err = s.Get(q.Get("k"), &v); err == nil {
				fmt.Fprintf(w, "%v %s", ok, v)
			}
		case "/cycle":
			err = s.CycleKey()
		case "/flush":
			err = s.Flush()
		case "/browser":
			if err = s.ExpireAtBrowserClose(); err == nil {
				err = s.Set("k", "v")
			}
		case "/age":
			if err = s.SetMaxAge(time.Hour); err == nil {
				err = s.Set("k", "v")
			}
		case "/fail":
			s.Set("k", "lost")
			http.Error(w, "boom", 500)
			return
		case "/big":
			var big strings.Builder // random text: it does not compress away
			for range 300 {
				big.WriteString(rand.Text())
			}
			err = s.Set("big", big.String())
		}
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		io.WriteString(w, " done")
	})
}

// visit sends a GET with the session cookie value (if any) and returns
// the response and the session cookie it set (nil if none).
func visit(t *testing.T, h http.Handler, path, cookie string) (*http.Response, string, *http.Cookie) {
	t.Helper()
	r := httptest.NewRequest("GET", path, nil)
	if cookie != "" {
		r.Header.Set("Cookie", "sessionid="+cookie) // raw: hostile values too
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	res := rec.Result()
	var set *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "sessionid" {
			set = c
		}
	}
	return res, rec.Body.String(), set
}

// eachStore runs fn with every store: cookies, and the database on each
// engine.
func eachStore(t *testing.T, fn func(t *testing.T, store sessions.Store, server bool)) {
	t.Run("cookie", func(t *testing.T) {
		fn(t, sessions.CookieStore{Key: secret, MaxAge: 14 * 24 * time.Hour}, false)
	})
	t.Run("memory cache", func(t *testing.T) {
		fn(t, sessions.CacheStore{Cache: cache.NewMemory(cache.MemoryOptions{})}, true)
	})
	t.Run("redis cache", func(t *testing.T) {
		fn(t, sessions.CacheStore{Cache: redisCache(t)}, true)
	})
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		nuagestest.CreateTables(t, db, sessions.Row{})
		fn(t, sessions.DBStore{DB: db, Key: secret}, true)
	})
}

// redisCache is a Redis cache with a prefix of its own on
// NUAGES_TEST_REDIS.
func redisCache(t *testing.T) cache.Cache {
	url := testenv.Lookup(t, "NUAGES_TEST_REDIS")
	c, err := redis.Open(redis.Options{URL: url, Options: cache.Options{KeyPrefix: "sessions-test-" + rand.Text()}, Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Set(t.Context(), "ping", []byte("1"), time.Minute); err != nil {
		testenv.Unreachable(t, "NUAGES_TEST_REDIS", err)
	}
	t.Cleanup(func() {
		c.Clear(context.Background())
		c.Close()
	})
	return c
}

func TestSessionLifecycle(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, store sessions.Store, server bool) {
		h := sessions.Middleware(sessions.Config{Store: store})(app())

		// Untouched: no cookie, no Vary.
		res, _, set := visit(t, h, "/none", "")
		if set != nil || res.Header.Get("Vary") != "" {
			t.Errorf("an untouched session set %v, Vary %q", set, res.Header.Get("Vary"))
		}
		// Read but empty: Vary, still no cookie.
		res, body, set := visit(t, h, "/get?k=a", "")
		if set != nil || res.Header.Get("Vary") != "Cookie" || body != "false  done" {
			t.Errorf("reading an empty session: %q, cookie %v, Vary %q", body, set, res.Header.Get("Vary"))
		}

		// Set: the cookie, with safe attributes.
		_, _, set = visit(t, h, "/set?k=a&v=1", "")
		if set == nil {
			t.Fatal("Set did not set a cookie")
		}
		if !set.Secure || !set.HttpOnly || set.SameSite != http.SameSiteLaxMode || set.Path != "/" || set.MaxAge != 14*24*3600 {
			t.Errorf("cookie attributes: %+v", set)
		}
		key := set.Value
		if _, body, _ := visit(t, h, "/get?k=a", key); body != "true 1 done" {
			t.Errorf("read back: %q", body)
		}
		// Reading does not save.
		if _, _, set := visit(t, h, "/get?k=a", key); set != nil {
			t.Errorf("a read saved the session: %+v", set)
		}

		// A change keeps the key on server stores.
		_, _, set = visit(t, h, "/set?k=b&v=2", key)
		if set == nil || server && set.Value != key {
			t.Fatalf("after a change: %+v (key %q)", set, key)
		}
		key = set.Value

		// CycleKey: a new key with the data; the old key is dead.
		_, _, set = visit(t, h, "/cycle", key)
		if set == nil || server && set.Value == key { // a cookie store's key is its data
			t.Fatalf("CycleKey kept the key: %+v", set)
		}
		old, key := key, set.Value
		if _, body, _ := visit(t, h, "/get?k=b", key); body != "true 2 done" {
			t.Errorf("after CycleKey: %q", body)
		}
		if server {
			if _, body, _ := visit(t, h, "/get?k=b", old); body != "false  done" {
				t.Errorf("the old key still works after CycleKey: %q", body)
			}
		}

		// Flush: the cookie is deleted, the data gone.
		_, _, set = visit(t, h, "/flush", key)
		if set == nil || set.MaxAge >= 0 {
			t.Errorf("Flush did not delete the cookie: %+v", set)
		}
		if server {
			if _, body, _ := visit(t, h, "/get?k=b", key); body != "false  done" {
				t.Errorf("the key works after Flush: %q", body)
			}
		}
	})
}

// Cookies that are tampered with, unknown or malformed give a new empty
// session, never an error.
func TestHostileCookies(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, store sessions.Store, server bool) {
		h := sessions.Middleware(sessions.Config{Store: store})(app())
		_, _, set := visit(t, h, "/set?k=a&v=1", "")
		good := set.Value
		for _, bad := range []string{
			changeAt(good, len(good)-1), changeAt(good, 0), "abcdefghijklmnopqrstuvwxyz012345",
			"short", strings.Repeat("a", 41), "'DROP TABLE django_session--", "\xff\xfe", strings.Repeat("é", 30),
		} {
			res, body, set := visit(t, h, "/get?k=a", bad)
			if res.StatusCode != 200 || body != "false  done" {
				t.Errorf("cookie %q: %d %q", bad, res.StatusCode, body)
			}
			// A cookie net/http can read is deleted; one it cannot is not
			// even seen.
			readable := (&http.Cookie{Name: "sessionid", Value: bad}).Valid() == nil
			if readable && (set == nil || set.MaxAge >= 0) {
				t.Errorf("cookie %q: the bad cookie was not deleted: %+v", bad, set)
			}
		}
		if _, body, _ := visit(t, h, "/get?k=a", good); body != "true 1 done" {
			t.Errorf("the good session after the attempts: %q", body)
		}
	})
}

// changeAt returns s with another character at i.
func changeAt(s string, i int) string {
	c := byte('x')
	if s[i] == c {
		c = 'y'
	}
	return s[:i] + string(c) + s[i+1:]
}

func TestExpiry(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, store sessions.Store, server bool) {
		h := sessions.Middleware(sessions.Config{Store: store})(app())
		if _, _, set := visit(t, h, "/browser", ""); set == nil || set.MaxAge != 0 || !set.Expires.IsZero() {
			t.Errorf("ExpireAtBrowserClose: %+v", set)
		}
		if _, _, set := visit(t, h, "/age", ""); set == nil || set.MaxAge != 3600 {
			t.Errorf("SetMaxAge(1h): %+v", set)
		}
		every := sessions.Middleware(sessions.Config{Store: store, SaveEveryRequest: true, CookieAge: time.Hour})(app())
		_, _, set := visit(t, every, "/set?k=a&v=1", "")
		if _, _, again := visit(t, every, "/none", set.Value); again == nil || again.MaxAge != 3600 {
			t.Errorf("SaveEveryRequest did not save an untouched session: %+v", again)
		}
		if _, _, none := visit(t, every, "/none", ""); none != nil {
			t.Errorf("SaveEveryRequest saved an empty session: %+v", none)
		}
		short := sessions.Middleware(sessions.Config{Store: store, ExpireAtBrowserClose: true})(app())
		if _, _, set := visit(t, short, "/set?k=a&v=1", ""); set == nil || set.MaxAge != 0 {
			t.Errorf("Config.ExpireAtBrowserClose: %+v", set)
		}
	})
}

// An expired row is not loaded, and ClearExpired removes it.
func TestDBStoreExpired(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		nuagestest.CreateTables(t, db, sessions.Row{})
		ctx := context.Background()
		store := sessions.DBStore{DB: db, Key: secret}
		key, err := store.Create(ctx, []byte(`{"a":"1"}`), time.Now().Add(-time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		live, err := store.Create(ctx, []byte(`{"a":"2"}`), time.Now().Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := store.Load(ctx, key); !errors.Is(err, sessions.ErrNotFound) {
			t.Errorf("an expired session loaded: %v", err)
		}
		if n, err := store.ClearExpired(ctx); err != nil || n != 1 {
			t.Errorf("ClearExpired = %d, %v; want 1", n, err)
		}
		if data, err := store.Load(ctx, live); err != nil || string(data) != `{"a":"2"}` {
			t.Errorf("the live session: %s, %v", data, err)
		}
		// Data signed with another key is refused, as Django does.
		other := sessions.DBStore{DB: db, Key: "another-secret-key-0123456789"}
		if _, err := other.Load(ctx, live); !errors.Is(err, sessions.ErrNotFound) {
			t.Errorf("a session signed with another key loaded: %v", err)
		}
	})
}

// A session deleted while a request runs (a logout in another tab) is a
// 400, as Django's SessionInterrupted, not a silent re-creation.
func TestInterrupted(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		nuagestest.CreateTables(t, db, sessions.Row{})
		store := sessions.DBStore{DB: db, Key: secret}
		h := sessions.Middleware(sessions.Config{Store: store})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s := sessions.From(r)
			s.Set("k", "v")
			store.Delete(r.Context(), s.Key())
			io.WriteString(w, "handler's body")
		}))
		_, _, set := visit(t, sessions.Middleware(sessions.Config{Store: store})(app()), "/set?k=a&v=1", "")
		res, body, _ := visit(t, h, "/", set.Value)
		if res.StatusCode != 400 || strings.Contains(body, "handler's body") || !strings.Contains(body, "logged out") {
			t.Errorf("%d %q", res.StatusCode, body)
		}
	})
}

// ErrInterrupted matches through wrapping and answers with a 400 that
// tells the client what happened.
func TestErrInterrupted(t *testing.T) {
	err := fmt.Errorf("saving: %w", sessions.ErrInterrupted)
	if !errors.Is(err, sessions.ErrInterrupted) {
		t.Error("errors.Is does not match a wrapped ErrInterrupted")
	}
	he, ok := errors.AsType[*web.Error](err)
	if !ok || he.Status != http.StatusBadRequest || he.Message != sessions.ErrInterrupted.Error() {
		t.Errorf("ErrInterrupted's HTTP error: %#v, %v; want a 400 with its text", he, ok)
	}
}

// failing is a store whose every call fails, as a database that is down.
type failing struct{}

var errDown = errors.New("connection refused")

func (failing) Load(context.Context, string) ([]byte, error)              { return nil, errDown }
func (failing) Create(context.Context, []byte, time.Time) (string, error) { return "", errDown }
func (failing) Save(context.Context, string, []byte, time.Time) (string, error) {
	return "", errDown
}
func (failing) Delete(context.Context, string) error { return errDown }

func TestStoreFailures(t *testing.T) {
	h := sessions.Middleware(sessions.Config{Store: failing{}})(app())
	// Saving fails: the error page replaces the handler's response.
	res, body, set := visit(t, h, "/set?k=a&v=1", "")
	if res.StatusCode != 500 || strings.Contains(body, "done") || set != nil {
		t.Errorf("a failed save: %d %q, cookie %v", res.StatusCode, body, set)
	}
	// Loading fails: the handler sees the error; the cookie is kept.
	res, body, set = visit(t, h, "/get?k=a", "abcdefghijklmnopqrstuvwxyz012345")
	if res.StatusCode != 500 || !strings.Contains(body, "connection refused") || set != nil {
		t.Errorf("a failed load: %d %q, cookie %v", res.StatusCode, body, set)
	}
	// A 500 from the handler saves nothing.
	cookies := sessions.Middleware(sessions.Config{Store: sessions.CookieStore{Key: secret}})(app())
	if _, _, set := visit(t, cookies, "/fail", ""); set != nil {
		t.Errorf("a 500 saved the session: %+v", set)
	}
	// A session too big for a cookie is an error, not a cookie the
	// browser would drop.
	if res, _, set := visit(t, cookies, "/big", ""); res.StatusCode != 500 || set != nil {
		t.Errorf("an oversized cookie session: %d, %+v", res.StatusCode, set)
	}
}

// Values written by Django's signed_cookies backend
// (signing.dumps({"a": "1", "n": 2}, salt=..., compress=True) with this
// secret) load. The value was signed long ago: MaxAge covers it (the
// default two weeks would refuse it).
func TestDjangoCookie(t *testing.T) {
	store := sessions.CookieStore{Key: secret, MaxAge: 100 * 365 * 24 * time.Hour}
	data, err := store.Load(context.Background(), djangoCookie)
	if err != nil || string(data) != `{"a":"1","n":2}` {
		t.Fatalf("Django's session cookie: %s, %v", data, err)
	}
}

const djangoCookie = "eyJhIjoiMSIsIm4iOjJ9:1vNYyu:tkaxx9Hc6SEWZIZPBQQ07qlL--GSZoqm_sB-qsGiajs"

// A change after the response started cannot reach the client: it is
// logged, not lost silently.
func TestLateChangeIsLogged(t *testing.T) {
	var logs strings.Builder
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	h := sessions.Middleware(sessions.Config{Store: sessions.CookieStore{Key: secret}, Logger: logger})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "started")
		sessions.From(r).Set("k", "v")
	}))
	if _, _, set := visit(t, h, "/", ""); set != nil {
		t.Errorf("a cookie after the body: %+v", set)
	}
	if !strings.Contains(logs.String(), "the change is lost") {
		t.Errorf("no warning: %q", logs.String())
	}
	logs.Reset() // ordinary requests, a 500 included, log nothing
	ok := sessions.Middleware(sessions.Config{Store: sessions.CookieStore{Key: secret}, Logger: logger})(app())
	visit(t, ok, "/set?k=a&v=1", "")
	visit(t, ok, "/fail", "")
	if strings.Contains(logs.String(), "the change is lost") {
		t.Errorf("spurious warnings: %q", logs.String())
	}
}

// A page cached per view (inside the session middleware) that reads the
// session is never served to another visitor: the session marks the
// response as varying on Cookie when it is read, before the view writes,
// so the page cache sees it (Django's cache_page leaks here unless the
// view is also decorated with vary_on_cookie).
func TestPageCacheNeverSharesASessionPage(t *testing.T) {
	c := cache.NewMemory(cache.MemoryOptions{})
	page := httpcache.Page(httpcache.Options{Cache: c}, time.Minute)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var name string
		sessions.From(r).Get("name", &name)
		fmt.Fprintf(w, "hello %s", name)
	}))
	mux := http.NewServeMux()
	mux.Handle("/page", page)
	mux.HandleFunc("/as", func(w http.ResponseWriter, r *http.Request) { sessions.From(r).Set("name", r.URL.Query().Get("n")) })
	h := sessions.Middleware(sessions.Config{Store: sessions.CookieStore{Key: secret}})(mux)
	_, _, alice := visit(t, h, "/as?n=alice", "")
	_, _, bob := visit(t, h, "/as?n=bob", "")
	for _, v := range []struct{ cookie, want string }{{alice.Value, "hello alice"}, {bob.Value, "hello bob"}, {"", "hello "}, {alice.Value, "hello alice"}} {
		if _, body, _ := visit(t, h, "/page", v.cookie); body != v.want {
			t.Errorf("got %q, want %q", body, v.want)
		}
	}
}

// A CookieStore refuses cookies older than its MaxAge, and a zero MaxAge
// means the default two weeks, never "no limit": a cookie session cannot
// be revoked, so its age is the only bound on a stolen cookie.
func TestCookieStoreAge(t *testing.T) {
	const day = 24 * time.Hour
	cases := []struct {
		name   string
		maxAge time.Duration
		signed time.Duration // how long ago
		ok     bool
	}{
		{"zero MaxAge, fresh", 0, time.Minute, true},
		{"zero MaxAge, 13 days", 0, 13 * day, true},
		{"zero MaxAge, 15 days", 0, 15 * day, false},
		{"zero MaxAge, a year", 0, 365 * day, false},
		{"negative MaxAge, 15 days", -time.Second, 15 * day, false},
		{"one hour, 30 minutes", time.Hour, 30 * time.Minute, true},
		{"one hour, two hours", time.Hour, 2 * time.Hour, false},
		{"thirty days, 15 days", 30 * day, 15 * day, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			then := func() time.Time { return time.Now().Add(-c.signed) }
			ts := signing.TimestampSigner{Signer: signing.Signer{Key: secret, Salt: sessions.CookieSalt, Compress: true}, Now: then}
			cookie, err := ts.SignObject(json.RawMessage(`{"_auth_user_id":"1"}`))
			if err != nil {
				t.Fatal(err)
			}
			data, err := sessions.CookieStore{Key: secret, MaxAge: c.maxAge}.Load(t.Context(), cookie)
			if c.ok && (err != nil || string(data) != `{"_auth_user_id":"1"}`) {
				t.Errorf("Load: %s, %v; want the data", data, err)
			}
			if !c.ok && !errors.Is(err, sessions.ErrNotFound) {
				t.Errorf("Load: %s, %v; want ErrNotFound", data, err)
			}
		})
	}
}

// Stored data that is valid JSON but not an object - null above all,
// which decodes to a nil map - is corrupt: the visitor gets a fresh
// session, and setting a value works (it used to panic on a nil map).
func TestNonObjectData(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, store sessions.Store, server bool) {
		h := sessions.Middleware(sessions.Config{Store: store})(app())
		for _, data := range []string{"null", "[]", "1", `"x"`, "true"} {
			t.Run(data, func(t *testing.T) {
				key, err := store.Create(t.Context(), []byte(data), time.Now().Add(time.Hour))
				if err != nil {
					t.Fatal(err)
				}
				if _, body, _ := visit(t, h, "/get?k=a", key); body != "false  done" {
					t.Errorf("reading: %q", body)
				}
				var res *http.Response
				var body string
				var set *http.Cookie
				func() {
					defer func() {
						if p := recover(); p != nil {
							t.Fatalf("setting a value panicked: %v", p)
						}
					}()
					res, body, set = visit(t, h, "/set?k=a&v=b", key)
				}()
				if res.StatusCode != 200 || body != " done" || set == nil {
					t.Fatalf("setting a value: %d %q, cookie %+v", res.StatusCode, body, set)
				}
				if server && set.Value == key {
					t.Errorf("the corrupt session's key was kept: %q", key)
				}
				if _, body, _ := visit(t, h, "/get?k=a", set.Value); body != "true b done" {
					t.Errorf("reading back: %q", body)
				}
			})
		}
	})
}
