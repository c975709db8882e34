package nuagestest_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/nuages-go/nuages"
	"github.com/nuages-go/nuages/contrib/auth"
	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/mail"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/nuagestest/authtest"
	"github.com/nuages-go/nuages/orm"
	"github.com/nuages-go/nuages/web"
)

// settings are a development project's, with a page that says who is
// logged in and a welcome page for a site without URLs.
func settings(withURLs bool) nuages.Settings {
	s := nuages.DefaultSettings()
	s.Debug, s.SecretKey = true, nuages.InsecureKeyPrefix+"nuagestest"
	if withURLs {
		s.URLs = func(*nuages.Project) ([]web.Pattern, error) {
			return []web.Pattern{web.Path("whoami/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				u, err := auth.UserOf(r)
				fmt.Fprintf(w, "user=%s err=%v", u, err)
			}), "whoami")}, nil
		}
	}
	return s
}

// New migrates a fresh database on every engine: the auth tables are
// there, empty, and another project does not see this one's rows.
func TestNew_MigratedAndFresh(t *testing.T) {
	t.Parallel()
	nuagestest.EachEngine(t, func(t *testing.T, engine string) {
		app := &auth.App{}
		p := nuagestest.NewOn(t, engine, settings(false), app)
		authtest.CreateUser(t, app, "ada", "correct horse")
		other := &auth.App{}
		nuagestest.NewOn(t, engine, settings(false), other)
		for _, c := range []struct {
			app  *auth.App
			want int64
		}{{app, 1}, {other, 0}} {
			db, err := c.app.DB(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if n, err := orm.Query[auth.User](db).Count(t.Context()); err != nil || n != c.want {
				t.Errorf("users: %d, %v; want %d", n, err, c.want)
			}
		}
		if got := p.Settings().Databases[database.DefaultAlias].URL; !strings.HasPrefix(got, engine) {
			t.Errorf("the database %q is not on %s", database.Redact(got), engine)
		}
	})
}

// Every alias of the settings gets a database of its own.
func TestNew_EveryAlias(t *testing.T) {
	t.Parallel()
	s := settings(false)
	s.Databases = map[string]database.Config{"default": {URL: "sqlite:///prod.db"}, "replica": {URL: "sqlite:///prod.db", MaxOpenConns: 3}}
	p := nuagestest.New(t, s)
	dbs := p.Settings().Databases
	if dbs["default"].URL == "sqlite:///prod.db" || dbs["replica"].URL == "sqlite:///prod.db" || dbs["replica"].MaxOpenConns != 3 {
		t.Errorf("databases: %+v; want fresh URLs, the other fields kept", dbs)
	}
	if _, err := p.DB(t.Context(), "replica"); err != nil {
		t.Error(err)
	}
}

// The project is closed when its test ends.
func TestNew_ClosedAtCleanup(t *testing.T) {
	t.Parallel()
	var p *nuages.Project
	t.Run("inner", func(t *testing.T) {
		p = nuagestest.New(t, settings(false))
		if _, err := p.DB(t.Context(), database.DefaultAlias); err != nil {
			t.Fatal(err)
		}
	})
	if _, err := p.DB(t.Context(), database.DefaultAlias); !errors.Is(err, database.ErrClosed) {
		t.Errorf("DB after the test: %v, want ErrClosed", err)
	}
}

// What production code used to decide by looking for go test, the kit
// sets: testserver allowed (with Debug's development hosts when the list
// is empty, as Django's test runner adds it to whatever the list holds),
// mail kept, fast hashing, a secret key.
func TestNew_TestSettings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		debug     bool
		hosts     []string
		wantHosts string
	}{
		{"debug_no_hosts", true, nil, ".localhost 127.0.0.1 [::1] testserver"},
		{"hosts", false, []string{"example.com"}, "example.com testserver"},
		{"testserver_listed", false, []string{"testserver"}, "testserver"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := settings(true)
			s.Debug, s.SecretKey, s.AllowedHosts = tt.debug, "", tt.hosts
			app := &auth.App{}
			p := nuagestest.New(t, s, app)
			st := p.Settings()
			if got := strings.Join(st.AllowedHosts, " "); got != tt.wantHosts {
				t.Errorf("AllowedHosts = %q, want %q", got, tt.wantHosts)
			}
			if st.SecretKey == "" {
				t.Error("no secret key")
			}
			nuagestest.NewSiteClient(t, p).Get("/").AssertStatus(404) // not 400: the host is allowed
			u := authtest.CreateUser(t, app, "ada", "correct horse")
			if !strings.HasPrefix(u.Password, "pbkdf2_sha256$1000$") {
				t.Errorf("the password hash %q is not the fast one", u.Password)
			}
		})
	}
}

// A site without URLs in Debug shows the welcome page to the client
// (it was a 400 when "testserver" was added only to a non-empty list).
func TestNew_WelcomePage(t *testing.T) {
	t.Parallel()
	nuagestest.NewSiteClient(t, nuagestest.New(t, settings(false))).Get("/").AssertStatus(200)
}

// Mail goes to the outbox, with the project's default sender, unless the
// settings give a backend of their own.
func TestOutbox(t *testing.T) {
	t.Parallel()
	p := nuagestest.New(t, settings(false))
	if err := p.Mail().Send(t.Context(), &mail.Message{To: []string{"ada@example.com"}, Subject: "Hi", Body: "Hello"}); err != nil {
		t.Fatal(err)
	}
	msgs := nuagestest.Outbox(p).Messages()
	if len(msgs) != 1 || msgs[0].To[0] != "ada@example.com" || msgs[0].From != "webmaster@localhost" {
		t.Errorf("outbox: %+v", msgs)
	}

	var mine mail.Outbox
	s := settings(false)
	s.Email.Custom = &mine
	if got := nuagestest.Outbox(nuagestest.New(t, s)); got != &mine {
		t.Errorf("Outbox = %p, want the settings' own %p", got, &mine)
	}
}

// Login checks the password as the login view does; ForceLogin needs
// none; both log in with one call.
func TestClient_Login(t *testing.T) {
	t.Parallel()
	app := &auth.App{}
	p := nuagestest.New(t, settings(true), app)
	ada := authtest.CreateUser(t, app, "ada", "correct horse")
	authtest.CreateUser(t, app, "bob", "battery staple")

	c := nuagestest.NewSiteClient(t, p)
	c.Get("/whoami/").AssertContains("user=AnonymousUser")
	if c.Login("ada", "wrong") {
		t.Error("Login with a wrong password = true")
	}
	c.Get("/whoami/").AssertContains("user=AnonymousUser")
	if !c.Login("ada", "correct horse") {
		t.Error("Login with the right password = false")
	}
	c.Get("/whoami/").AssertContains("user=ada")

	f := nuagestest.NewSiteClient(t, p)
	f.ForceLogin(ada)
	f.Get("/whoami/").AssertContains("user=ada")
	if !f.Login("bob", "battery staple") {
		t.Error("Login as bob = false")
	}
	f.Get("/whoami/").AssertContains("user=bob")
}

// Login needs a project with the auth app.
func TestClient_LoginNeedsAProject(t *testing.T) {
	t.Parallel()
	rec := &recorder{TB: t}
	if nuagestest.NewClient(rec, site(t)).Login("ada", "pw") {
		t.Error("Login without a project = true")
	}
	rec2 := &recorder{TB: t}
	if nuagestest.NewSiteClient(rec2, nuagestest.New(t, settings(false))).Login("ada", "pw") {
		t.Error("Login without the auth app = true")
	}
	got := strings.Join(append(rec.msgs, rec2.msgs...), "\n")
	for _, want := range []string{"make it with NewSiteClient", "install &auth.App{}"} {
		if !strings.Contains(got, want) {
			t.Errorf("the failures %q do not say %q", got, want)
		}
	}
}
