package auth

import (
	"context"
	"net/http"
	"strings"

	"github.com/nuages-go/nuages/orm"
)

// Permissions returns the permissions of u ("polls.add_question"), its
// own and its groups', as Django's ModelBackend.get_all_permissions: none
// for an inactive or anonymous user; a superuser has every permission
// without this list (HasPerm knows).
func (a *App) Permissions(ctx context.Context, u *User) (map[string]bool, error) {
	perms := map[string]bool{}
	if !u.IsAuthenticated() || !u.IsActive {
		return perms, nil
	}
	db, err := a.DB(ctx)
	if err != nil {
		return nil, err
	}
	for _, path := range []string{"user_permissions__", "groups__permissions__"} {
		rows, err := orm.Query[User](db).Filter("pk", u.ID).Filter(path+"id__isnull", false).Values(path+"app", path+"codename").List(ctx)
		if err != nil {
			return nil, err
		}
		for _, row := range rows {
			perms[row[0].(string)+"."+row[1].(string)] = true
		}
	}
	return perms, nil
}

// HasPerm reports whether u has perm ("polls.change_question"): active
// superusers have every permission, inactive users none. With
// App.ObjectPerms, obj (when not nil) is asked about too.
func (a *App) HasPerm(ctx context.Context, u *User, perm string, obj any) (bool, error) {
	if !u.IsAuthenticated() || !u.IsActive {
		return false, nil
	}
	if u.IsSuperuser {
		return true, nil
	}
	if obj != nil {
		if a.ObjectPerms == nil {
			return false, nil // Django's ModelBackend grants no object permission
		}
		return a.ObjectPerms(ctx, u, perm, obj)
	}
	perms, err := a.Permissions(ctx, u)
	return perms[perm], err
}

// HasPerm reports whether r's user has perm; the permissions are read once
// per request.
func HasPerm(r *http.Request, perm string) (bool, error) {
	return HasPerms(r, perm)
}

// HasPerms reports whether r's user has every one of perms.
func HasPerms(r *http.Request, perms ...string) (bool, error) {
	all, superuser, err := requestPerms(r)
	if err != nil || superuser {
		return superuser, err
	}
	for _, p := range perms {
		if !all[p] {
			return false, nil
		}
	}
	return true, nil
}

// HasModulePerms reports whether r's user has any permission in app,
// Django's has_module_perms (the admin shows the app when true).
func HasModulePerms(r *http.Request, app string) (bool, error) {
	all, superuser, err := requestPerms(r)
	if err != nil || superuser {
		return superuser, err
	}
	for p := range all {
		if strings.HasPrefix(p, app+".") {
			return true, nil
		}
	}
	return false, nil
}

func requestPerms(r *http.Request) (perms map[string]bool, superuser bool, err error) {
	ra, err := authOf(r)
	if err != nil {
		return nil, false, err
	}
	u, err := UserOf(r)
	if err != nil || !u.IsAuthenticated() || !u.IsActive {
		return nil, false, err
	}
	if u.IsSuperuser {
		return nil, true, nil
	}
	ra.once.Lock()
	defer ra.once.Unlock()
	if ra.perms == nil {
		p, err := ra.app.Permissions(r.Context(), u)
		if err != nil {
			return nil, false, err
		}
		ra.perms = p
	}
	return ra.perms, false, nil
}
