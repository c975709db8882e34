package auth

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/nuages-go/nuages/orm"
)

// Permissions returns the permissions of u ("polls.add_question"), its
// own and its groups', as Django's ModelBackend.get_all_permissions: none
// for an inactive or anonymous user; a superuser has every permission
// without this list (HasPerm knows).
func (a *App) Permissions(ctx context.Context, u AnyUser) (map[string]bool, error) {
	perms := map[string]bool{}
	if missing(u) || !u.AuthUser().IsAuthenticated() || !u.AuthUser().IsActive {
		return perms, nil
	}
	db, err := a.DB(ctx)
	if err != nil {
		return nil, err
	}
	for _, path := range []string{"user_permissions__", "groups__permissions__"} {
		rows, err := a.UserModel.table.values(ctx, db, orm.Q{"pk": u.AuthUser().ID, path + "id__isnull": false}, path+"app", path+"codename")
		if err != nil {
			return nil, err
		}
		for _, row := range rows {
			perms[row[0].(string)+"."+row[1].(string)] = true
		}
	}
	return perms, nil
}

// GrantPermissions gives u, a saved user of the user model, perms of its
// own (its user_permissions): Django's user.user_permissions.add.
func (a *App) GrantPermissions(ctx context.Context, u AnyUser, perms ...Permission) error {
	db, err := a.DB(ctx)
	if err != nil {
		return err
	}
	return a.UserModel.table.grant(ctx, db, u, perms)
}

// HasPerm reports whether r's user has perm; the permissions are read once
// per request.
func HasPerm(r *http.Request, perm string) (bool, error) {
	return HasPerms(r, perm)
}

// HasPerms reports whether r's user has every one of perms: active
// superusers have all, inactive users none; otherwise any backend may
// grant each. Answers are kept for the request (the model backend's
// permissions are read once).
func HasPerms(r *http.Request, perms ...string) (bool, error) {
	ra, u, err := activeUser(r)
	if err != nil || u == nil {
		return false, err
	}
	if u.AuthUser().IsSuperuser {
		return true, nil
	}
	for _, p := range perms {
		if ok, err := ra.has(r.Context(), u, p); err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

// HasModulePerms reports whether r's user has any permission in app, from
// the model backend or any backend that is a ModulePermsBackend: Django's
// has_module_perms (the admin shows the app when true).
func HasModulePerms(r *http.Request, app string) (bool, error) {
	ra, u, err := activeUser(r)
	if err != nil || u == nil {
		return false, err
	}
	if u.AuthUser().IsSuperuser {
		return true, nil
	}
	ra.once.Lock()
	defer ra.once.Unlock()
	if err := ra.loadModelPerms(r.Context(), u); err != nil {
		return false, err
	}
	for p := range ra.modelPerms {
		if strings.HasPrefix(p, app+".") {
			return true, nil
		}
	}
	for _, b := range ra.app.Backends {
		if mb, ok := ability[ModulePermsBackend](b); ok {
			if ok, err := mb.HasModulePerms(r.Context(), u, app); err != nil || ok {
				return ok, err
			}
		}
	}
	return false, nil
}

// ModulePermsBackend is a Backend that also answers whether a user has any
// permission in an app (Django's backend has_module_perms): a backend that
// grants permissions of its own implements it, so that the admin shows
// their apps.
type ModulePermsBackend interface {
	HasModulePerms(ctx context.Context, u AnyUser, app string) (bool, error)
}

// activeUser is r's user when logged in and active, else nil.
func activeUser(r *http.Request) (*requestAuth, AnyUser, error) {
	ra, err := authOf(r)
	if err != nil {
		return nil, nil, err
	}
	u, err := UserOf(r)
	if err != nil || !u.IsAuthenticated() || !u.AuthUser().IsActive {
		return nil, nil, err
	}
	return ra, u, nil
}

// has answers one permission for the request's user, once.
func (ra *requestAuth) has(ctx context.Context, u AnyUser, perm string) (bool, error) {
	ra.once.Lock()
	defer ra.once.Unlock()
	if ok, seen := ra.perms[perm]; seen {
		return ok, nil
	}
	if err := ra.loadModelPerms(ctx, u); err != nil {
		return false, err
	}
	ok := ra.modelPerms[perm]
	for _, b := range ra.app.Backends {
		pb, grants := ability[PermBackend](b)
		if ok || !grants || isModelBackend(b) {
			continue
		}
		var err error
		if ok, err = pb.HasPerm(ctx, u, perm, nil); err != nil {
			return false, err
		}
	}
	if ra.perms == nil {
		ra.perms = map[string]bool{}
	}
	ra.perms[perm] = ok
	return ok, nil
}

// isModelBackend reports whether b grants the model backend's
// permissions: it is the model backend, or wraps it without a HasPerm of
// its own.
func isModelBackend(b Backend) bool {
	pb, _ := ability[PermBackend](b)
	_, ok := pb.(modelBackend)
	return ok
}

// loadModelPerms reads the model backend's permissions of u, once; the
// caller holds ra.once.
func (ra *requestAuth) loadModelPerms(ctx context.Context, u AnyUser) error {
	if ra.modelPerms != nil {
		return nil
	}
	ra.modelPerms = map[string]bool{}
	if !slices.ContainsFunc(ra.app.Backends, isModelBackend) {
		return nil
	}
	p, err := ra.app.Permissions(ctx, u)
	if err != nil {
		ra.modelPerms = nil
		return err
	}
	ra.modelPerms = p
	return nil
}
