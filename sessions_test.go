package nuages

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/orm"
	"github.com/nuages-go/nuages/sessions"
	"github.com/nuages-go/nuages/signing"
	"github.com/nuages-go/nuages/web"
)

// counter counts the visits of a session.
var counter = web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
	s := sessions.From(r)
	n, _ := sessions.Value[int](s, "visits")
	if err := s.Set("visits", n+1); err != nil {
		return err
	}
	_, err := fmt.Fprint(w, n+1)
	return err
})

func counterURLs(*Project) ([]web.Pattern, error) {
	return []web.Pattern{web.Path("visit/", counter, "visit")}, nil
}

// The default engine: the built-in app's migration makes the table on
// each database, the middleware keeps the count, clearsessions clears.
func TestSessionsOnTheDatabase(t *testing.T) {
	nuagestest.EachEngine(t, func(t *testing.T, engine string) {
		s := devSettings(t)
		s.Databases = map[string]database.Config{"default": {URL: nuagestest.URL(t, engine)}}
		s.Engines = nuagestest.AllEngines()
		s.URLs = counterURLs
		p := newProject(t, s)
		for _, args := range [][]string{{"migrate"}, {"makemigrations", "-check", "-noinput"}} {
			if code, out, errOut := runCLI(t, p, args...); code != 0 {
				t.Fatalf("%v: exit %d\n%s%s", args, code, out, errOut)
			}
		}
		h, err := p.Handler()
		if err != nil {
			t.Fatal(err)
		}
		c := nuagestest.NewClient(t, h)
		c.Get("/visit/").AssertStatus(200).AssertContains("1")
		c.Get("/visit/").AssertStatus(200).AssertContains("2")
		nuagestest.NewClient(t, h).Get("/visit/").AssertContains("1") // another visitor

		if code, out, _ := runCLI(t, p, "clearsessions"); code != 0 || out != "Deleted 0 expired session(s).\n" {
			t.Errorf("clearsessions: %d %q", code, out)
		}
		db, err := p.DB(t.Context(), "default")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := orm.Query[sessions.Row](db).Update(t.Context(), orm.Set{"expire_date": time.Now().Add(-time.Hour)}); err != nil {
			t.Fatal(err)
		}
		c.Get("/visit/").AssertContains("1") // expired: a new session
		if code, out, _ := runCLI(t, p, "clearsessions"); code != 0 || out != "Deleted 2 expired session(s).\n" {
			t.Errorf("clearsessions: %d %q", code, out)
		}
	})
}

func TestSessionEngines(t *testing.T) {
	cases := []struct {
		engine     string
		migrations bool   // the sessions app is installed
		second     string // the body of a second visit
	}{
		{SessionsCookies, false, "2"},
		{SessionsCache, false, "2"},
		{SessionsNone, false, "1"}, // no middleware: nothing kept
	}
	for _, c := range cases {
		t.Run(c.engine, func(t *testing.T) {
			s := devSettings(t)
			s.SecretKey, s.SessionEngine, s.URLs = "a-secret-key-for-cookies-0123456789", c.engine, counterURLs
			p := newProject(t, s)
			if _, out, _ := runCLI(t, p, "showmigrations"); strings.Contains(out, "sessions") != c.migrations {
				t.Errorf("showmigrations: %q", out)
			}
			h, err := p.Handler()
			if err != nil {
				t.Fatal(err)
			}
			client := nuagestest.NewClient(t, h)
			client.Get("/visit/").AssertContains("1")
			client.Get("/visit/").AssertContains(c.second)
			if code, out, _ := runCLI(t, p, "clearsessions"); code != 0 || !strings.Contains(out, "Nothing to clear") {
				t.Errorf("clearsessions: %d %q", code, out)
			}
		})
	}
}

func TestSessionSettings(t *testing.T) {
	s := DefaultSettings()
	err := s.LoadEnv([]string{"SESSION_ENGINE=cookies", "SESSION_COOKIE_AGE=3600", "SESSION_COOKIE_SECURE=false", "SESSION_COOKIE_DOMAIN=.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if s.SessionEngine != "cookies" || s.Sessions.CookieAge != time.Hour || !s.Sessions.CookieInsecure || s.Sessions.CookieDomain != ".example.com" {
		t.Errorf("settings from the environment: %q %+v", s.SessionEngine, s.Sessions)
	}
	if err := s.LoadEnv([]string{"SESSION_COOKIE_AGE=two weeks"}); err == nil || !strings.Contains(err.Error(), "SESSION_COOKIE_AGE") {
		t.Errorf("a malformed SESSION_COOKIE_AGE: %v", err)
	}
	s = devSettings(t)
	s.SessionEngine = "redis"
	if err := s.Validate(); err == nil || !strings.Contains(err.Error(), `SESSION_ENGINE "redis" is not a session engine`) {
		t.Errorf("an unknown engine: %v", err)
	}
	if _, err := New(t.Context(), devSettings(t), namedApp("sessions")); err == nil || !strings.Contains(err.Error(), "built-in app of the database session engine") {
		t.Errorf("an app named sessions: %v", err)
	}
}

type namedApp string

func (a namedApp) Name() string { return string(a) }

func TestSessionCookieAgeKeptWithoutVariable(t *testing.T) {
	s := DefaultSettings()
	s.Sessions.CookieAge = 1500 * time.Millisecond
	if err := s.LoadEnv(nil); err != nil || s.Sessions.CookieAge != 1500*time.Millisecond {
		t.Errorf("CookieAge %v, %v", s.Sessions.CookieAge, err)
	}
}

// With the default settings (no SESSION_COOKIE_AGE), a cookie session
// expires after Django's two weeks: the store must not load an older
// cookie, whose age is the only limit on it.
func TestCookieSessionsExpireByDefault(t *testing.T) {
	const day = 24 * time.Hour
	cases := []struct {
		name   string
		signed time.Duration // how long ago
		want   string        // the body of /visit/
	}{
		{"fresh", time.Minute, "6"},
		{"13 days", 13 * day, "6"},
		{"15 days", 15 * day, "1"}, // expired: a new, empty session
		{"a year", 365 * day, "1"},
	}
	s := devSettings(t)
	s.SecretKey, s.SessionEngine, s.URLs = "a-secret-key-for-cookies-0123456789", SessionsCookies, counterURLs
	if s.Sessions.CookieAge != 0 {
		t.Fatalf("the default CookieAge is %v, not zero", s.Sessions.CookieAge)
	}
	h, err := newProject(t, s).Handler()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			then := func() time.Time { return time.Now().Add(-c.signed) }
			ts := signing.TimestampSigner{Signer: signing.Signer{Key: s.SecretKey, Salt: sessions.CookieSalt, Compress: true}, Now: then}
			cookie, err := ts.SignObject(map[string]int{"visits": 5})
			if err != nil {
				t.Fatal(err)
			}
			r := httptest.NewRequest("GET", "http://localhost/visit/", nil)
			r.AddCookie(&http.Cookie{Name: "sessionid", Value: cookie})
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			if rec.Code != 200 || rec.Body.String() != c.want {
				t.Errorf("GET /visit/: %d %q, want %q", rec.Code, rec.Body.String(), c.want)
			}
		})
	}
}
