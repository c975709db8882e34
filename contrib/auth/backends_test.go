package auth_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/nuages-go/nuages"
	"github.com/nuages-go/nuages/contrib/auth"
	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/nuagestest/authtest"
	"github.com/nuages-go/nuages/orm"
)

// directory is a backend for users of another directory: "dir-" users
// with the password "from the directory", copied into auth_user at their
// first login; it grants "auth.view_group" to them and object
// permissions on their own name.
type directory struct{ app *auth.App }

func (directory) Name() string { return "example.DirectoryBackend" }

func (d directory) Authenticate(ctx context.Context, username, password string) (auth.AnyUser, error) {
	if len(username) < 4 || username[:4] != "dir-" || password != "from the directory" {
		return nil, auth.ErrInvalidCredentials
	}
	db, err := d.app.DB(ctx)
	if err != nil {
		return nil, err
	}
	u, _, err := orm.Query[auth.User](db).Filter("username", username).GetOrCreate(ctx, auth.User{Username: username, BaseUser: auth.BaseUser{IsActive: true, Password: "!"}})
	return &u, err
}

func (directory) HasPerm(_ context.Context, user auth.AnyUser, perm string, obj any) (bool, error) {
	u, ok := user.(*auth.User)
	if !ok {
		return false, nil
	}
	if obj != nil {
		return obj == u.Username, nil
	}
	return strings.HasPrefix(u.Username, "dir-") && perm == "auth.view_group", nil
}

// HasModulePerms: the directory grants auth.view_group to its users.
func (d directory) HasModulePerms(ctx context.Context, u auth.AnyUser, app string) (bool, error) {
	return d.HasPerm(ctx, u, app+".view_group", nil)
}

func TestBackends(t *testing.T) {
	t.Parallel()
	app := &auth.App{}
	app.Backends = []auth.Backend{app.ModelBackend(), directory{app}}
	p := viewsSite(t, nuagestest.SQLite, app)
	createUser(t, app, "alice", "correct horse", nil)
	ctx := t.Context()

	cases := []struct {
		username, password string
		ok                 bool
	}{
		{"alice", "correct horse", true},        // the model backend
		{"dir-bob", "from the directory", true}, // the directory
		{"dir-bob", "correct horse", false},     // neither
		{"alice", "from the directory", false},  // the directory does not know alice
		{"nobody", "from the directory", false}, //
	}
	for _, c := range cases {
		u, err := app.Authenticate(ctx, c.username, c.password)
		if c.ok != (err == nil) || !c.ok && !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Errorf("Authenticate(%q, %q) = %v, %v", c.username, c.password, u, err)
		}
	}
	bob, err := app.Authenticate(ctx, "dir-bob", "from the directory")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		obj  any
		perm string
		want bool
	}{{nil, "auth.view_group", true}, {nil, "auth.add_group", false}, {"dir-bob", "x", true}, {"alice", "x", false}} {
		if got, err := app.HasPerm(ctx, bob, c.perm, c.obj); err != nil || got != c.want {
			t.Errorf("HasPerm(%q, %v) = %v, %v", c.perm, c.obj, got, err)
		}
	}

	// Logged in through the directory, the session names it; permissions
	// it grants count through HTTP.
	c := nuagestest.NewSiteClient(t, p)
	c.Post("/accounts/login/", url.Values{"username": {"dir-bob"}, "password": {"from the directory"}, "next": {"/private/"}}).AssertRedirects("/private/")
	c.Get("/private/").AssertContains("hello dir-bob")
	c.Get("/modules/auth/").AssertContains("true <nil>") // from the directory's HasModulePerms
	c.Get("/modules/polls/").AssertContains("false <nil>")
	if res := c.Get("/accounts/password_change/"); res.Status != http.StatusOK {
		t.Errorf("a directory user's page: %d", res.Status)
	}
}

// A user logged in without a password (ForceLogin, or Login with a user
// not from Authenticate) is kept by the session whatever the backends:
// the model backend when configured, else the first, as Django's
// force_login.
func TestForceLoginWithoutTheModelBackend(t *testing.T) {
	t.Parallel()
	app := &auth.App{}
	app.Backends = []auth.Backend{app.EmailBackend(), directory{app}}
	p := viewsSite(t, nuagestest.SQLite, app)
	ada := createUser(t, app, "ada", "correct horse", nil)
	c := nuagestest.NewSiteClient(t, p)
	c.ForceLogin(ada)
	c.Get("/private/").AssertContains("hello ada")
}

// Logging in by e-mail: the e-mail backend finds the user by address,
// without case; a shared or blank address logs no one in.
func TestEmailBackend(t *testing.T) {
	t.Parallel()
	app := &auth.App{}
	app.Backends = []auth.Backend{app.EmailBackend()}
	p := viewsSite(t, nuagestest.SQLite, app)
	withEmail := func(email string) func(*auth.User) { return func(u *auth.User) { u.Email = email } }
	createUser(t, app, "ada", "correct horse", withEmail("Ada@Example.com"))
	createUser(t, app, "twin1", "correct horse", withEmail("twins@example.com"))
	createUser(t, app, "twin2", "correct horse", withEmail("twins@example.com"))
	createUser(t, app, "blank", "correct horse", nil)
	cases := []struct {
		login string
		ok    bool
	}{
		{"ada@example.com", true},
		{"ADA@EXAMPLE.COM", true},
		{"ada", false}, // not a username backend
		{"twins@example.com", false},
		{"", false},
	}
	for _, c := range cases {
		u, err := app.Authenticate(t.Context(), c.login, "correct horse")
		if c.ok != (err == nil) || c.ok && u.(*auth.User).Username != "ada" {
			t.Errorf("Authenticate(%q) = %v, %v", c.login, u, err)
		}
	}
	client := nuagestest.NewSiteClient(t, p)
	client.Post("/accounts/login/", url.Values{"username": {"ada@example.com"}, "password": {"correct horse"}, "next": {"/private/"}}).AssertRedirects("/private/")
	client.Get("/private/").AssertContains("hello ada")
}

// counted counts the attempts of the backend it wraps; Unwrap lets the
// wrapped backend keep its name in sessions and its permissions.
type counted struct {
	auth.Backend
	attempts *atomic.Int64
}

func (c counted) Authenticate(ctx context.Context, username, password string) (auth.AnyUser, error) {
	c.attempts.Add(1)
	return c.Backend.Authenticate(ctx, username, password)
}

func (c counted) Unwrap() auth.Backend { return c.Backend }

// A function is a backend through BackendFunc, named with Named; a
// wrapped model backend logs users in and grants their permissions as
// the model backend does.
func TestBackendFuncAndWrapper(t *testing.T) {
	t.Parallel()
	app := &auth.App{}
	var attempts atomic.Int64
	var robot *auth.User
	token := auth.BackendFunc(func(ctx context.Context, username, password string) (auth.AnyUser, error) {
		if username != "robot" || password != "a long API token" {
			return nil, auth.ErrInvalidCredentials
		}
		return robot, nil
	})
	app.Backends = []auth.Backend{counted{app.ModelBackend(), &attempts}, auth.Named("example.TokenBackend", token)}
	p := viewsSite(t, nuagestest.SQLite, app)
	authtest.CreateUser(t, app, "alice", "correct horse", "auth.view_group")
	robot = authtest.CreateUser(t, app, "robot", "unused password")

	// Through the login view, whose session names the backend.
	alice := nuagestest.NewSiteClient(t, p)
	alice.Post("/accounts/login/", url.Values{"username": {"alice"}, "password": {"correct horse"}, "next": {"/private/"}}).AssertRedirects("/private/")
	alice.Get("/private/").AssertContains("hello alice")
	alice.Get("/modules/auth/").AssertContains("true <nil>") // the model backend's permissions, through the wrapper

	bot := nuagestest.NewSiteClient(t, p)
	bot.Post("/accounts/login/", url.Values{"username": {"robot"}, "password": {"a long API token"}, "next": {"/private/"}}).AssertRedirects("/private/")
	bot.Get("/private/").AssertContains("hello robot")
	bot.Get("/modules/auth/").AssertContains("false <nil>")
	if got := attempts.Load(); got != 2 { // alice, then robot (the model backend asked first)
		t.Errorf("attempts through the wrapper = %d, want 2", got)
	}
}

// A BackendFunc has no name for sessions: the project refuses it until
// it is wrapped with Named.
func TestBackendFuncWithoutName(t *testing.T) {
	t.Parallel()
	app := &auth.App{}
	app.Backends = []auth.Backend{auth.BackendFunc(func(context.Context, string, string) (auth.AnyUser, error) {
		return nil, auth.ErrInvalidCredentials
	})}
	s := testSettings(nil)
	s.Databases = map[string]database.Config{"default": {URL: "sqlite://:memory:"}}
	_, err := nuages.New(t.Context(), s, app)
	if err == nil || !strings.Contains(err.Error(), "wrap it with auth.Named") {
		t.Errorf("nuages.New = %v, want an error saying to wrap the function with auth.Named", err)
	}
}
