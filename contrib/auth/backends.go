package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/nuages-go/nuages/orm"
)

// Backend authenticates users and grants permissions: an entry of
// Django's AUTHENTICATION_BACKENDS. App.Backends lists them in order; the
// model backend alone when empty.
type Backend interface {
	// Name identifies the backend in sessions, as Django's dotted path
	// does: a session logged in through a backend no longer configured
	// is logged out.
	Name() string
	// Authenticate returns the user with these credentials (a row of the
	// user model: a backend for another directory creates or updates it),
	// or ErrInvalidCredentials when it does not know them, and the next
	// backend is asked; another error stops.
	Authenticate(ctx context.Context, username, password string) (AnyUser, error)
	// HasPerm reports whether the backend grants u perm, on obj when obj
	// is not nil (object permissions). Any backend granting it is enough.
	HasPerm(ctx context.Context, u AnyUser, perm string, obj any) (bool, error)
}

// ModelBackendName is the model backend's Name: Django's, so that
// sessions shared with a Django site stay logged in.
const ModelBackendName = "django.contrib.auth.backends.ModelBackend"

// ModelBackend returns the backend of the auth tables, Django's
// ModelBackend: login names (the user model's UsernameField) and password
// hashes, users' and groups' permissions; no object permissions.
func (a *App) ModelBackend() Backend { return modelBackend{a, false} }

// EmailBackend is the model backend with the e-mail address as the login
// name (compared without case): for sites that log in by e-mail. Use it
// instead of the model backend, or beside it to accept both.
func (a *App) EmailBackend() Backend { return modelBackend{a, true} }

// modelBackend finds users by login name, or by e-mail address.
type modelBackend struct {
	a     *App
	email bool
}

func (b modelBackend) Name() string {
	if !b.email {
		return ModelBackendName
	}
	return "nuages.contrib.auth.EmailBackend"
}

// Authenticate checks the password of the active user username. An
// unknown user costs one hash too, so that the time of the answer does not
// tell whether the account exists. A password hashed with an outdated
// hasher or iteration count is rehashed and saved.
func (b modelBackend) Authenticate(ctx context.Context, username, password string) (AnyUser, error) {
	db, err := b.a.DB(ctx)
	if err != nil {
		return nil, err
	}
	um := b.a.UserModel
	where := orm.Q{um.username.Name: username}
	if b.email {
		if um.email == nil {
			return nil, fmt.Errorf("auth: EmailBackend: the user model %s has no e-mail field (define EmailField() to name it)", um.Meta().Name)
		}
		where = orm.Q{um.email.Name + "__iexact": username}
	}
	user, err := um.table.get(ctx, db, where)
	if errors.Is(err, orm.ErrMultipleObjectsReturned) {
		err = orm.ErrDoesNotExist // two accounts share the address: neither logs in by it
	}
	if errors.Is(err, orm.ErrDoesNotExist) || b.email && username == "" {
		if err := b.a.Hashers.SimulateCheck(ctx, password); err != nil {
			return nil, err
		}
		return nil, ErrInvalidCredentials
	}
	if err != nil {
		return nil, err
	}
	ok, err := b.a.CheckPassword(ctx, user, password)
	if err != nil {
		return nil, err
	}
	if !ok || !user.AuthUser().IsActive {
		return nil, ErrInvalidCredentials
	}
	return user, nil
}

func (b modelBackend) HasPerm(ctx context.Context, u AnyUser, perm string, obj any) (bool, error) {
	if obj != nil || !u.AuthUser().IsActive {
		return false, nil
	}
	perms, err := b.a.Permissions(ctx, u)
	return perms[perm], err
}

// Authenticate asks the backends in turn for the user with username and
// password, Django's authenticate(): ErrInvalidCredentials when none
// knows them, alike for an unknown user, a wrong password or an inactive
// account, so that a form cannot tell which.
func (a *App) Authenticate(ctx context.Context, username, password string) (AnyUser, error) {
	for _, b := range a.Backends {
		u, err := b.Authenticate(ctx, username, password)
		if errors.Is(err, ErrInvalidCredentials) {
			continue
		}
		if err != nil {
			return nil, err
		}
		u.AuthUser().backend = b.Name()
		return u, nil
	}
	if a.OnLoginFailed != nil {
		var r *http.Request
		if ra, ok := ctx.Value(authKey{}).(*requestAuth); ok {
			r = ra.r
		}
		a.OnLoginFailed(r, username)
	}
	return nil, ErrInvalidCredentials
}

// backendNamed reports whether name is a configured backend's.
func (a *App) backendNamed(name string) bool {
	return slices.ContainsFunc(a.Backends, func(b Backend) bool { return b.Name() == name })
}

// HasPerm reports whether u has perm ("polls.change_question"), on obj
// when not nil: active superusers have every permission, inactive users
// none; otherwise any backend may grant it.
func (a *App) HasPerm(ctx context.Context, u AnyUser, perm string, obj any) (bool, error) {
	if missing(u) {
		return false, nil
	}
	if b := u.AuthUser(); !b.IsAuthenticated() || !b.IsActive {
		return false, nil
	}
	if u.AuthUser().IsSuperuser {
		return true, nil
	}
	for _, b := range a.Backends {
		if ok, err := b.HasPerm(ctx, u, perm, obj); err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}
