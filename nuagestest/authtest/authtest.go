// Package authtest helps tests of sites that install the auth app: users
// with permissions in one call. A client logs in as one with
// nuagestest's Client.Login or Client.ForceLogin.
package authtest

import (
	"strings"

	"github.com/nuages-go/nuages/contrib/auth"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/orm"
)

// CreateUser saves an active User with password and the given permissions
// ("polls.add_question"), failing the test on any error. With a custom
// user model, use CreateUserOf.
func CreateUser(t nuagestest.TB, app *auth.App, username, password string, perms ...string) *auth.User {
	t.Helper()
	u := &auth.User{Username: username}
	CreateUserOf(t, app, u, password, perms...)
	return u
}

// CreateUserOf saves u, a new user of the app's user model with its fields
// set, as an active user with password and the given permissions, failing
// the test on any error.
func CreateUserOf(t nuagestest.TB, app *auth.App, u auth.AnyUser, password string, perms ...string) {
	t.Helper()
	ctx := t.Context()
	if err := app.CreateUser(ctx, u, password); err != nil {
		t.Fatalf("authtest: creating a user: %v", err)
	}
	db, err := app.DB(ctx)
	if err != nil {
		t.Fatalf("authtest: %v", err)
	}
	for _, perm := range perms {
		appLabel, codename, ok := strings.Cut(perm, ".")
		p, err := orm.Query[auth.Permission](db).Filter("app", appLabel).Filter("codename", codename).Get(ctx)
		if !ok || err != nil {
			t.Fatalf("authtest: permission %q: %v (run migrate first: it creates the permissions)", perm, err)
		}
		if err := app.GrantPermissions(ctx, u, p); err != nil {
			t.Fatalf("authtest: %v", err)
		}
	}
}
