package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"

	"github.com/nuages-go/nuages/internal/unwrap"
	"github.com/nuages-go/nuages/orm"
)

// Backend authenticates users: an entry of Django's
// AUTHENTICATION_BACKENDS. App.Backends lists them in order; the model
// backend alone when empty. A backend may have further abilities, each a
// one-method interface found by type assertion: NamedBackend,
// PermBackend, ModulePermsBackend.
//
// A wrapper around a backend (to log, count or limit attempts) has an
// Unwrap method returning it, as http.ResponseController finds the
// abilities of a wrapped ResponseWriter: an ability the wrapper does not
// have is looked for in the backend it wraps, and the wrapped model
// backend keeps its name in sessions.
type Backend interface {
	// Authenticate returns the user with these credentials (a row of the
	// user model: a backend for another directory creates or updates it),
	// or ErrInvalidCredentials when it does not know them, and the next
	// backend is asked; another error stops.
	Authenticate(ctx context.Context, username, password string) (AnyUser, error)
}

// BackendFunc is an adapter to use a function as a Backend. It has no
// name of its own to keep in sessions: wrap it with Named.
type BackendFunc func(ctx context.Context, username, password string) (AnyUser, error)

// Authenticate returns f(ctx, username, password).
func (f BackendFunc) Authenticate(ctx context.Context, username, password string) (AnyUser, error) {
	return f(ctx, username, password)
}

// NamedBackend is a Backend with a name, which identifies it in sessions
// as Django's dotted path does: a session logged in through a backend no
// longer configured is logged out. A backend without Name is named by its
// Go type ("example.com/ldap.Backend").
type NamedBackend interface {
	Name() string
}

// PermBackend is a Backend that grants permissions, Django's backend
// has_perm: HasPerm reports whether it grants u perm, on obj when obj is
// not nil (object permissions). Any backend granting it is enough.
type PermBackend interface {
	HasPerm(ctx context.Context, u AnyUser, perm string, obj any) (bool, error)
}

// Named returns b with name, for a backend with no name of its own (a
// BackendFunc) or to keep the name sessions hold when its type is
// renamed.
func Named(name string, b Backend) Backend { return named{name, b} }

type named struct {
	name string
	b    Backend
}

func (n named) Authenticate(ctx context.Context, username, password string) (AnyUser, error) {
	return n.b.Authenticate(ctx, username, password)
}
func (n named) Name() string    { return n.name }
func (n named) Unwrap() Backend { return n.b }

// ability returns the first backend of b's Unwrap chain that has the
// ability T: b itself, or a backend it wraps.
func ability[T any](b Backend) (T, bool) { return unwrap.As[T](b) }

// backendName is b's name in sessions: its NamedBackend name, or the Go
// type of the backend it wraps last; "" for a function or a type without
// a name, which Ready refuses.
func backendName(b Backend) string {
	if n, ok := ability[NamedBackend](b); ok {
		return n.Name()
	}
	for {
		w, ok := b.(interface{ Unwrap() Backend })
		if !ok || w.Unwrap() == nil {
			break
		}
		b = w.Unwrap()
	}
	t := reflect.TypeOf(b)
	if t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Name() == "" || t == reflect.TypeFor[BackendFunc]() {
		return ""
	}
	return t.PkgPath() + "." + t.Name()
}

// checkBackends reports a backend without a name, or two with one name:
// sessions could not tell them apart.
func checkBackends(backends []Backend) error {
	seen := map[string]int{}
	for i, b := range backends {
		if b == nil {
			return fmt.Errorf("auth: App.Backends[%d] is nil", i)
		}
		name := backendName(b)
		if name == "" {
			return fmt.Errorf("auth: App.Backends[%d] (%T) has no name to keep in sessions: wrap it with auth.Named(\"yourapp.YourBackend\", b)", i, b)
		}
		if j, ok := seen[name]; ok {
			return fmt.Errorf("auth: App.Backends[%d] and [%d] are both named %q: sessions could not tell them apart (wrap one with auth.Named)", j, i, name)
		}
		seen[name] = i
	}
	return nil
}

// ModelBackendName is the model backend's Name: Django's, so that
// sessions shared with a Django site stay logged in.
const ModelBackendName = "django.contrib.auth.backends.ModelBackend"

// ModelBackend returns the backend of the auth tables, Django's
// ModelBackend: login names (the user model's UsernameField) and password
// hashes, users' and groups' permissions; no object permissions. It is a
// NamedBackend and a PermBackend.
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

var (
	_ NamedBackend = modelBackend{}
	_ PermBackend  = modelBackend{}
)

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
		u.AuthUser().backend = backendName(b)
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
	return slices.ContainsFunc(a.Backends, func(b Backend) bool { return backendName(b) == name })
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
		pb, ok := ability[PermBackend](b)
		if !ok {
			continue
		}
		if ok, err := pb.HasPerm(ctx, u, perm, obj); err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}
