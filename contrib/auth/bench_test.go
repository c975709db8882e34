package auth_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nuages-go/nuages"
	"github.com/nuages-go/nuages/contrib/auth"
	"github.com/nuages-go/nuages/contrib/auth/passwords"
	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/nuagestest/authtest"
	"github.com/nuages-go/nuages/sessions"
	"github.com/nuages-go/nuages/signing"
	"github.com/nuages-go/nuages/web"
	"github.com/nuages-go/nuages/web/csrf"
)

// BenchmarkAuthenticatedRequest: a GET by a logged-in user whose view
// reads the user (auth.UserOf), through the project's whole stack with
// sessions in the database; the baseline is a hand-written handler doing
// the same work on the same database: read the session row, verify its
// signature, read the user row, check the session's password hash.
//
//	go test -run '^$' -bench AuthenticatedRequest -benchmem -count 3 ./contrib/auth/
func BenchmarkAuthenticatedRequest(b *testing.B) {
	s := nuages.DefaultSettings()
	s.SecretKey = "a-real-secret-key-of-some-length-0123456789"
	s.AllowedHosts = []string{"localhost"}
	s.Databases = map[string]database.Config{"default": {URL: "sqlite:///" + b.TempDir() + "/bench.sqlite3"}}
	// The access log is written, as in production, to nowhere.
	defer slog.SetDefault(slog.Default())
	slog.SetDefault(slog.New(slog.NewJSONHandler(io.Discard, nil)))
	app := &auth.App{Hashers: passwords.ForTests()}
	s.URLs = func(*nuages.Project) ([]web.Pattern, error) {
		return []web.Pattern{web.Path("me/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			u, err := auth.UserAs[*auth.User](r)
			if err != nil || u.IsAnonymous() {
				http.Error(w, "no user", http.StatusInternalServerError)
				return
			}
			io.WriteString(w, "hello "+u.Username)
		}), "me")}, nil
	}
	p, err := nuages.New(b.Context(), s, app)
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	if out, code := run(b, p, "", "migrate"); code != 0 {
		b.Fatal(out)
	}
	h, err := p.Handler()
	if err != nil {
		b.Fatal(err)
	}
	ada := authtest.CreateUser(b, app, "ada", "correct horse")
	login := httptest.NewRecorder()
	h.ServeHTTP(login, auth.ForceLogin(httptest.NewRequest("GET", "http://localhost/me/", nil), ada))
	var cookie string
	for _, c := range login.Result().Cookies() {
		if c.Name == "sessionid" {
			cookie = c.Name + "=" + c.Value
		}
	}
	if cookie == "" {
		b.Fatalf("no session cookie: %d %s", login.Code, login.Body)
	}

	b.Run("nuages", func(b *testing.B) { benchGet(b, h, cookie) })
	b.Run("baseline", func(b *testing.B) {
		db, err := p.DB(b.Context(), database.DefaultAlias)
		if err != nil {
			b.Fatal(err)
		}
		signer := signing.TimestampSigner{Signer: signing.Signer{Key: s.SecretKey, Salt: sessions.DBSalt}}
		hashKey := sha256.Sum256([]byte("django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash" + s.SecretKey))
		baseline := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c, err := r.Cookie("sessionid")
			if err != nil {
				http.Error(w, "no session", http.StatusInternalServerError)
				return
			}
			var data string
			if err := db.QueryRow(r.Context(), "SELECT session_data FROM django_session WHERE session_key = ? AND expire_date > ?", c.Value, time.Now().UTC()).Scan(&data); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			var session map[string]string
			if err := signer.UnsignObject(data, &session, 0); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			var u auth.User // the whole row, as a view gets it
			if err := db.QueryRow(r.Context(), "SELECT id, password, last_login, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined FROM auth_user WHERE id = ?", session["_auth_user_id"]).
				Scan(&u.ID, &u.Password, &u.LastLogin, &u.IsSuperuser, &u.Username, &u.FirstName, &u.LastName, &u.Email, &u.IsStaff, &u.IsActive, &u.DateJoined); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			mac := hmac.New(sha256.New, hashKey[:])
			mac.Write([]byte(u.Password))
			if !u.IsActive || subtle.ConstantTimeCompare([]byte(hex.EncodeToString(mac.Sum(nil))), []byte(session["_auth_user_hash"])) != 1 {
				http.Error(w, "logged out", http.StatusInternalServerError)
				return
			}
			io.WriteString(w, "hello "+u.Username)
		})
		benchGet(b, baseline, cookie)
	})
}

func benchGet(b *testing.B, h http.Handler, cookie string) {
	req := httptest.NewRequest("GET", "http://localhost/me/", nil)
	req.Header.Set("Cookie", cookie)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != 200 || !strings.HasPrefix(w.Body.String(), "hello ada") {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}

// BenchmarkRouteOnce: requests by a visitor through the project's whole
// stack with LoginRequiredByDefault, where the login check, the CSRF
// exemption and the router each need the request's route: a GET of an open
// page, and a POST to a webhook (csrf.Exempt, LoginNotRequired).
//
//	go test -run '^$' -bench RouteOnce -benchmem -count 6 ./contrib/auth/ | benchstat
func BenchmarkRouteOnce(b *testing.B) {
	s := nuages.DefaultSettings()
	s.SecretKey = "a-real-secret-key-of-some-length-0123456789"
	s.AllowedHosts = []string{"localhost"}
	s.Databases = map[string]database.Config{"default": {URL: "sqlite:///" + b.TempDir() + "/bench.sqlite3"}}
	defer slog.SetDefault(slog.Default())
	slog.SetDefault(slog.New(slog.NewJSONHandler(io.Discard, nil)))
	app := &auth.App{Hashers: passwords.ForTests(), LoginRequiredByDefault: true}
	hello := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello") })
	s.URLs = func(*nuages.Project) ([]web.Pattern, error) {
		patterns := []web.Pattern{
			web.Path("", auth.LoginNotRequired(hello), "home"),
			web.Path("POST hooks/<slug:source>/", csrf.Exempt(auth.LoginNotRequired(hello)), "hook"),
		}
		for i := range 50 { // a site's other routes, tried before
			patterns = append(patterns, web.Path("section"+strconv.Itoa(i)+"/<int:id>/", hello, ""))
		}
		return append(patterns, app.URLs()...), nil
	}
	p, err := nuages.New(b.Context(), s, app)
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	if out, code := run(b, p, "", "migrate"); code != 0 {
		b.Fatal(out)
	}
	h, err := p.Handler()
	if err != nil {
		b.Fatal(err)
	}
	for _, tt := range []struct{ name, method, url string }{
		{"GET_open", "GET", "http://localhost/"},
		{"POST_webhook", "POST", "http://localhost/hooks/github/"},
	} {
		b.Run(tt.name, func(b *testing.B) {
			req := httptest.NewRequest(tt.method, tt.url, nil)
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != 200 {
					b.Fatalf("status %d: %s", w.Code, w.Body)
				}
			}
		})
	}
}
