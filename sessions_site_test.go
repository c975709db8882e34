package nuages_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/nuages-go/nuages"
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

func counterURLs(*nuages.Project) ([]web.Pattern, error) {
	return []web.Pattern{web.Path("visit/", counter, "visit")}, nil
}

// The default engine: the built-in app's migration makes the table on
// each database, the middleware keeps the count, clearsessions clears.
func TestSessionsOnTheDatabase(t *testing.T) {
	t.Parallel()
	nuagestest.EachEngine(t, func(t *testing.T, engine string) {
		s := devSettings()
		s.URLs = counterURLs
		p := nuagestest.NewOn(t, engine, s)
		if code, out, errOut := runCLI(t, p, "makemigrations", "-check", "-noinput"); code != 0 {
			t.Fatalf("makemigrations -check: exit %d\n%s%s", code, out, errOut)
		}
		c := nuagestest.NewSiteClient(t, p)
		c.Get("/visit/").AssertStatus(200).AssertContains("1")
		c.Get("/visit/").AssertStatus(200).AssertContains("2")
		nuagestest.NewSiteClient(t, p).Get("/visit/").AssertContains("1") // another visitor

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
	t.Parallel()
	cases := []struct {
		engine     string
		migrations bool   // the sessions app is installed
		second     string // the body of a second visit
	}{
		{nuages.SessionsCookies, false, "2"},
		{nuages.SessionsCache, false, "2"},
		{nuages.SessionsNone, false, "1"}, // no middleware: nothing kept
	}
	for _, c := range cases {
		t.Run(c.engine, func(t *testing.T) {
			t.Parallel()
			s := devSettings()
			s.SecretKey, s.SessionEngine, s.URLs = "a-secret-key-for-cookies-0123456789", c.engine, counterURLs
			p := nuagestest.New(t, s)
			if _, out, _ := runCLI(t, p, "showmigrations"); strings.Contains(out, "sessions") != c.migrations {
				t.Errorf("showmigrations: %q", out)
			}
			client := nuagestest.NewSiteClient(t, p)
			client.Get("/visit/").AssertContains("1")
			client.Get("/visit/").AssertContains(c.second)
			if code, out, _ := runCLI(t, p, "clearsessions"); code != 0 || !strings.Contains(out, "Nothing to clear") {
				t.Errorf("clearsessions: %d %q", code, out)
			}
		})
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
	t.Parallel()
	s := devSettings()
	s.SecretKey, s.SessionEngine, s.URLs = "a-secret-key-for-cookies-0123456789", nuages.SessionsCookies, counterURLs
	if s.Sessions.CookieAge != 0 {
		t.Fatalf("the default CookieAge is %v, not zero", s.Sessions.CookieAge)
	}
	h, err := nuagestest.New(t, s).Handler()
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
