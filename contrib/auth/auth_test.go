package auth_test

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/nuages-go/nuages"
	"github.com/nuages-go/nuages/contrib/auth"
	"github.com/nuages-go/nuages/contrib/auth/passwords"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/nuagestest/authtest"
	"github.com/nuages-go/nuages/orm"
	"github.com/nuages-go/nuages/web"
)

// project is a migrated project with the auth app on engine, and its
// site: views to log in and out, a page for users, one for a permission.
func project(t *testing.T, engine string) (*nuages.Project, *auth.App) {
	t.Helper()
	app := &auth.App{}
	return nuagestest.NewOn(t, engine, testSettings(urls(app)), app), app
}

// testSettings are a project's settings for the tests, serving patterns:
// in development, behind a proxy that says whether a request came over
// HTTPS.
func testSettings(patterns []web.Pattern) nuages.Settings {
	s := nuages.DefaultSettings()
	s.Debug, s.SecretKey = true, "a-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
	s.Security.ProxySSLHeader = [2]string{"X-Forwarded-Proto", "https"}
	s.URLs = func(*nuages.Project) ([]web.Pattern, error) { return patterns, nil }
	return s
}

func urls(app *auth.App) []web.Pattern {
	whoami := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := auth.UserOf(r)
		fmt.Fprintf(w, "user=%s err=%v", u, err)
	})
	return []web.Pattern{
		web.Path("POST login/", web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
			u, err := app.Authenticate(r.Context(), r.PostFormValue("username"), r.PostFormValue("password"))
			if errors.Is(err, auth.ErrInvalidCredentials) {
				return web.Forbidden(err.Error())
			}
			if err != nil {
				return err
			}
			return auth.Login(r, u)
		}), "login"),
		web.Path("POST logout/", web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error { return auth.Logout(r) }), "logout"),
		web.Path("whoami/", whoami, "whoami"),
		web.Path("private/", auth.LoginRequired(whoami), "private"),
		web.Path("staff/", auth.UserPassesTest(func(u *auth.User) bool { return u.IsStaff }, whoami), "staff"),
		web.Path("questions/new/", auth.PermissionRequired(whoami, "auth.add_group", "auth.change_group"), "new"),
		web.Path("POST password/", web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
			u, err := auth.UserOf(r)
			if err != nil {
				return err
			}
			if err := app.SetPassword(r.Context(), u, r.PostFormValue("password")); err != nil {
				return err
			}
			db, _ := app.DB(r.Context())
			if _, err := orm.Query[auth.User](db).Filter("pk", u.AuthUser().ID).Update(r.Context(), orm.Set{"password": u.AuthUser().Password}); err != nil {
				return err
			}
			return auth.UpdateSessionAuthHash(r, u)
		}), "password"),
	}
}

// run runs a command of p with input on stdin.
func run(t testing.TB, p *nuages.Project, input string, args ...string) (string, int) {
	t.Helper()
	var out bytes.Buffer
	code := p.Run(t.Context(), append([]string{"mysite"}, args...), nuages.IO{In: strings.NewReader(input), Out: &out, Err: &out})
	return out.String(), code
}

func createUser(t *testing.T, app *auth.App, username, password string, edit func(*auth.User)) *auth.User {
	t.Helper()
	u := &auth.User{Username: username, BaseUser: auth.BaseUser{IsActive: true}}
	if edit != nil {
		edit(u)
	}
	if err := app.SetPassword(t.Context(), u, password); err != nil {
		t.Fatal(err)
	}
	db, err := app.DB(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if err := orm.Insert(t.Context(), db, u); err != nil {
		t.Fatal(err)
	}
	return u
}

func TestPermissionsAfterMigrate(t *testing.T) {
	t.Parallel()
	nuagestest.EachEngine(t, func(t *testing.T, engine string) {
		p, app := project(t, engine)
		run(t, p, "", "migrate") // again: nothing doubled
		if out, code := run(t, p, "", "makemigrations", "-check", "-noinput"); code != 0 {
			t.Errorf("the models and the migration differ: %s", out)
		}
		db, _ := app.DB(t.Context())
		perms, err := orm.Query[auth.Permission](db).All(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, perm := range perms {
			keys = append(keys, perm.App+"."+perm.ModelName+"."+perm.Codename)
		}
		want := "auth.group.add_group auth.group.change_group auth.group.delete_group auth.group.view_group " +
			"auth.permission.add_permission auth.permission.change_permission auth.permission.delete_permission auth.permission.view_permission " +
			"auth.user.add_user auth.user.change_user auth.user.delete_user auth.user.view_user " +
			"sessions.row.add_row sessions.row.change_row sessions.row.delete_row sessions.row.view_row"
		if got := strings.Join(keys, " "); got != want {
			t.Errorf("permissions:\n%s\nwant:\n%s", got, want)
		}
		if perms[0].Name != "Can add group" {
			t.Errorf("name %q", perms[0].Name)
		}
	})
}

func TestAuthenticate(t *testing.T) {
	t.Parallel()
	_, app := project(t, nuagestest.SQLite)
	createUser(t, app, "alice", "correct horse", nil)
	createUser(t, app, "gone", "correct horse", func(u *auth.User) { u.IsActive = false })
	cases := []struct {
		username, password string
		ok                 bool
	}{
		{"alice", "correct horse", true},
		{"alice", "wrong", false},
		{"Alice", "correct horse", false}, // usernames are case-sensitive, as Django's
		{"bob", "correct horse", false},
		{"gone", "correct horse", false},
		{"", "", false},
		{"alice\x00", "correct horse", false},
	}
	for _, c := range cases {
		u, err := app.Authenticate(t.Context(), c.username, c.password)
		if c.ok != (err == nil) || !c.ok && !errors.Is(err, auth.ErrInvalidCredentials) || c.ok && u.(*auth.User).Username != c.username {
			t.Errorf("Authenticate(%q, %q) = %v, %v", c.username, c.password, u, err)
		}
	}
}

// A hash made with fewer iterations than the preferred hasher's is
// upgraded at the next login, as Django does.
func TestHashUpgradedOnLogin(t *testing.T) {
	t.Parallel()
	_, app := project(t, nuagestest.SQLite)
	old, err := passwords.New(passwords.Options{Hashers: []passwords.Hasher{passwords.PBKDF2SHA256{Iterations: 500}}})
	if err != nil {
		t.Fatal(err)
	}
	u := &auth.User{Username: "carol", BaseUser: auth.BaseUser{IsActive: true}}
	if u.Password, err = old.Make(t.Context(), "s3cret-pass"); err != nil {
		t.Fatal(err)
	}
	db, _ := app.DB(t.Context())
	if err := orm.Insert(t.Context(), db, u); err != nil {
		t.Fatal(err)
	}
	if _, err := app.Authenticate(t.Context(), "carol", "s3cret-pass"); err != nil {
		t.Fatal(err)
	}
	got, err := orm.Query[auth.User](db).Filter("pk", u.ID).Get(t.Context())
	if err != nil || !strings.HasPrefix(got.Password, "pbkdf2_sha256$1000$") {
		t.Errorf("stored hash after login: %q, %v", got.Password, err)
	}
}

func TestLoginFlow(t *testing.T) {
	t.Parallel()
	nuagestest.EachEngine(t, func(t *testing.T, engine string) {
		p, app := project(t, engine)
		alice := createUser(t, app, "alice", "correct horse", nil)
		c := nuagestest.NewSiteClient(t, p)

		c.Get("/whoami/").AssertContains("user=AnonymousUser err=<nil>")
		c.Get("/private/").AssertRedirects("/accounts/login/?next=%2Fprivate%2F")
		c.Post("/login/", url.Values{"username": {"alice"}, "password": {"nope"}}).AssertStatus(403)

		c.Post("/login/", url.Values{"username": {"alice"}, "password": {"correct horse"}}).AssertStatus(200)
		c.Get("/private/").AssertContains("user=alice")
		c.Get("/staff/").AssertStatus(403)
		c.Get("/questions/new/").AssertStatus(403)

		// Permissions from a group and from the user both count.
		db, _ := app.DB(t.Context())
		perm := func(code string) auth.Permission {
			p, err := orm.Query[auth.Permission](db).Filter("app", "auth").Filter("codename", code).Get(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		editors := auth.Group{Name: "editors"}
		if err := orm.Insert(t.Context(), db, &editors); err != nil {
			t.Fatal(err)
		}
		if err := orm.Links(db, &editors, &editors.Permissions).Add(t.Context(), perm("change_group")); err != nil {
			t.Fatal(err)
		}
		if err := orm.Links(db, alice, &alice.Groups).Add(t.Context(), editors); err != nil {
			t.Fatal(err)
		}
		c.Get("/questions/new/").AssertStatus(403) // add_group still missing
		if err := orm.Links(db, alice, &alice.UserPermissions).Add(t.Context(), perm("add_group")); err != nil {
			t.Fatal(err)
		}
		c.Get("/questions/new/").AssertContains("user=alice")

		// A password change elsewhere logs this session out; the session
		// that changed it stays logged in.
		other := nuagestest.NewSiteClient(t, p)
		other.Post("/login/", url.Values{"username": {"alice"}, "password": {"correct horse"}}).AssertStatus(200)
		c.Post("/password/", url.Values{"password": {"battery staple"}}).AssertStatus(200)
		c.Get("/whoami/").AssertContains("user=alice")
		other.Get("/whoami/").AssertContains("user=AnonymousUser")

		c.Post("/logout/", nil).AssertStatus(200)
		c.Get("/whoami/").AssertContains("user=AnonymousUser")
		c.Get("/private/").AssertStatus(302)
	})
}

// Logging in gives the session a new key: a key planted before login
// (session fixation) is worth nothing after.
func TestLoginRotatesTheSessionKey(t *testing.T) {
	t.Parallel()
	p, app := project(t, nuagestest.SQLite)
	createUser(t, app, "alice", "correct horse", nil)
	c := nuagestest.NewSiteClient(t, p)
	res := c.Post("/login/", url.Values{"username": {"alice"}, "password": {"correct horse"}})
	first := sessionCookie(res)
	c.Post("/logout/", nil)
	res = c.Post("/login/", url.Values{"username": {"alice"}, "password": {"correct horse"}})
	if second := sessionCookie(res); first == "" || second == "" || first == second {
		t.Errorf("session keys %q then %q", first, second)
	}
}

func sessionCookie(r *nuagestest.Response) string {
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == "sessionid" {
			return c.Value
		}
	}
	return ""
}

func TestCreateSuperuserAndChangePassword(t *testing.T) {
	p, app := project(t, nuagestest.SQLite)
	t.Setenv("NUAGES_SUPERUSER_PASSWORD", "a long enough passphrase")
	if out, code := run(t, p, "", "createsuperuser", "-noinput", "-username", "admin", "-email", "admin@example.com"); code != 0 || !strings.Contains(out, "Superuser created successfully.") {
		t.Fatalf("createsuperuser: %d %s", code, out)
	}
	found, err := app.Authenticate(t.Context(), "admin", "a long enough passphrase")
	u, _ := found.(*auth.User)
	if err != nil || !u.IsSuperuser || !u.IsStaff || u.Email != "admin@example.com" {
		t.Fatalf("%+v, %v", u, err)
	}
	bad := []struct {
		args []string
		env  string
		want string
	}{
		{[]string{"-username", "admin"}, "another long passphrase", "already taken"},
		{[]string{"-username", "bad name!"}, "another long passphrase", "Enter a valid username"},
		{[]string{"-username", "bob"}, "123", "This password is too short"},
		{[]string{"-username", "bob", "-email", "not an address"}, "another long passphrase", "Enter a valid email address."},
	}
	for _, b := range bad {
		t.Setenv("NUAGES_SUPERUSER_PASSWORD", b.env)
		if out, code := run(t, p, "", append([]string{"createsuperuser", "-noinput"}, b.args...)...); code == 0 || !strings.Contains(out, b.want) {
			t.Errorf("%v: %d %s", b.args, code, out)
		}
	}
	// Interactive, from a pipe: a mismatch, a weak password refused, then a good one.
	input := "carol\ncarol@example.com\nfirst try\nsecond try\npassword\npassword\nn\ngood passphrase 42\ngood passphrase 42\n"
	out, code := run(t, p, input, "createsuperuser")
	if code != 0 || !strings.Contains(out, "Error: Your passwords didn't match.") || !strings.Contains(out, "This password is too common.") {
		t.Fatalf("interactive createsuperuser: %d %s", code, out)
	}
	if _, err := app.Authenticate(t.Context(), "carol", "good passphrase 42"); err != nil {
		t.Error(err)
	}
	out, code = run(t, p, "new passphrase 99\nnew passphrase 99\n", "changepassword", "carol")
	if code != 0 || !strings.Contains(out, `Password changed successfully for user "carol"`) {
		t.Fatalf("changepassword: %d %s", code, out)
	}
	if _, err := app.Authenticate(t.Context(), "carol", "new passphrase 99"); err != nil {
		t.Error(err)
	}
	if out, code := run(t, p, "", "changepassword", "nobody"); code == 0 || !strings.Contains(out, `user "nobody" does not exist`) {
		t.Errorf("changepassword of an unknown user: %d %s", code, out)
	}
}

func TestTestHelpers(t *testing.T) {
	t.Parallel()
	p, app := project(t, nuagestest.SQLite)
	editor := authtest.CreateUser(t, app, "editor", "pw-not-checked-here", "auth.add_group", "auth.change_group")
	c := nuagestest.NewSiteClient(t, p)
	c.Get("/questions/new/").AssertStatus(302)
	c.ForceLogin(editor)
	c.Get("/questions/new/").AssertContains("user=editor")
	nobody := authtest.CreateUser(t, app, "nobody", "pw")
	other := nuagestest.NewSiteClient(t, p)
	other.ForceLogin(nobody)
	other.Get("/questions/new/").AssertStatus(403)

	third := nuagestest.NewSiteClient(t, p)
	if third.Login("nobody", "wrong") {
		t.Error("Login accepted a wrong password")
	}
	if !third.Login("nobody", "pw") {
		t.Error("Login refused the right password")
	}
	third.Get("/whoami/").AssertContains("user=nobody")
}

// No user at all (nil, or a nil *User) is an error or a refusal, never a
// panic; the reset links last PasswordResetTimeout.
func TestNoUserAndResetTimeout(t *testing.T) {
	t.Parallel()
	app := &auth.App{PasswordResetTimeout: time.Hour}
	nuagestest.New(t, testSettings(nil), app)
	ctx := t.Context()
	for name, u := range map[string]auth.AnyUser{"nil": nil, "nil *User": (*auth.User)(nil)} {
		if ok, err := app.HasPerm(ctx, u, "auth.add_group", nil); ok || err != nil {
			t.Errorf("%s: HasPerm = %v, %v", name, ok, err)
		}
		if perms, err := app.Permissions(ctx, u); len(perms) != 0 || err != nil {
			t.Errorf("%s: Permissions = %v, %v", name, perms, err)
		}
		if ok, err := app.CheckPassword(ctx, u, "x"); ok || err == nil {
			t.Errorf("%s: CheckPassword = %v, %v", name, ok, err)
		}
		if err := app.SetPassword(ctx, u, "x"); err == nil {
			t.Errorf("%s: SetPassword accepted no user", name)
		}
		if token := app.ResetTokens().Make(u); token != "" {
			t.Errorf("%s: Make = %q", name, token)
		}
	}
	if got := app.ResetTokens().Timeout; got != time.Hour {
		t.Errorf("ResetTokens().Timeout = %v, want the app's hour", got)
	}
}

// An App value keeps its project: installing it in a second project is
// refused, not shared.
func TestAppServesOneProject(t *testing.T) {
	t.Parallel()
	app := &auth.App{}
	p := nuagestest.New(t, testSettings(nil), app)
	_, err := nuages.New(t.Context(), nuagestest.Settings(t, nuagestest.SQLite, testSettings(nil)), app)
	if want := `nuages: app "auth" is not ready: auth: this *auth.App is already installed in another project: give each project its own &auth.App{}`; err == nil || err.Error() != want {
		t.Errorf("a second project with the same app: %v, want %s", err, want)
	}
	if auth.AppOf(p) != app {
		t.Error("the first project lost its app")
	}
}
