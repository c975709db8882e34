// Package authtest helps tests of sites that install the auth app: users
// with permissions in one call, and a test client logged in without a
// password.
package authtest

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/nuages-go/nuages/contrib/auth"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/orm"
)

// CreateUser saves an active user with password and the given permissions
// ("polls.add_question"), failing the test on any error.
func CreateUser(t testing.TB, app *auth.App, username, password string, perms ...string) *auth.User {
	t.Helper()
	ctx := t.Context()
	u := &auth.User{Username: username, IsActive: true}
	if err := app.SetPassword(ctx, u, password); err != nil {
		t.Fatalf("authtest: %v", err)
	}
	db, err := app.DB(ctx)
	if err != nil {
		t.Fatalf("authtest: %v", err)
	}
	if err := orm.Insert(ctx, db, u); err != nil {
		t.Fatalf("authtest: creating user %q: %v", username, err)
	}
	for _, perm := range perms {
		appLabel, codename, ok := strings.Cut(perm, ".")
		p, err := orm.Query[auth.Permission](db).Filter("app", appLabel).Filter("codename", codename).Get(ctx)
		if !ok || err != nil {
			t.Fatalf("authtest: permission %q: %v (run migrate first: it creates the permissions)", perm, err)
		}
		if err := orm.Links(db, u, &u.UserPermissions).Add(ctx, p); err != nil {
			t.Fatalf("authtest: %v", err)
		}
	}
	return u
}

// ForceLogin logs u in on c's session without a password, as Django's
// client.force_login, by requesting path ("/" when empty) for the cookie.
func ForceLogin(c *nuagestest.Client, t testing.TB, u *auth.User, path string) {
	t.Helper()
	if path == "" {
		path = "/"
	}
	c.PrepareNext(func(r *http.Request) *http.Request { return auth.ForceLogin(r, u) })
	if res := c.Get(path); res.Status >= 500 {
		t.Fatalf("authtest: ForceLogin: %s answered %d", path, res.Status)
	}
}

// Login logs c in with username and password, checked by app as the login
// view would (Django's client.login), and reports whether they were
// right; path is any page of the site ("/" when empty).
func Login(c *nuagestest.Client, t testing.TB, app *auth.App, username, password, path string) bool {
	t.Helper()
	u, err := app.Authenticate(t.Context(), username, password)
	if errors.Is(err, auth.ErrInvalidCredentials) {
		return false
	}
	if err != nil {
		t.Fatalf("authtest: Login: %v", err)
	}
	ForceLogin(c, t, u, path)
	return true
}
