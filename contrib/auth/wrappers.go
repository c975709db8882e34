package auth

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/nuages-go/nuages/web"
)

// LoginRequired lets logged-in users through to h and sends the others to
// the login page with the page they wanted in "next": Django's
// @login_required.
func LoginRequired(h http.Handler) http.Handler {
	return gate(h, func(*http.Request, AnyUser) (bool, error) { return true, nil })
}

// PermissionRequired lets through users with every one of perms; it sends
// anonymous visitors to the login page and answers 403 to users without
// them: Django's @permission_required(..., raise_exception=True) for
// users who are logged in.
func PermissionRequired(h http.Handler, perms ...string) http.Handler {
	return gate(h, func(r *http.Request, _ AnyUser) (bool, error) { return HasPerms(r, perms...) })
}

// UserPassesTest lets through logged-in users for whom test is true,
// answers 403 to other logged-in users, and sends anonymous visitors to
// the login page: Django's @user_passes_test for views that need a user.
// T is the user model's type, *User unless App.UserModel names another
// (the test's parameter tells it: func(u *auth.User) bool { ... }).
func UserPassesTest[T AnyUser](test func(T) bool, h http.Handler) http.Handler {
	return gate(h, func(_ *http.Request, u AnyUser) (bool, error) {
		t, ok := u.(T)
		if !ok {
			var want T
			return false, fmt.Errorf("auth: UserPassesTest's test takes a %T, but the user model is %T", want, u)
		}
		return test(t), nil
	})
}

// gate sends anonymous visitors to the login page, and logged-in users
// to h when allow says so, to a 403 otherwise.
func gate(h http.Handler, allow func(*http.Request, AnyUser) (bool, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := UserOf(r)
		if err != nil {
			web.ServeError(w, r, err)
			return
		}
		if !u.IsAuthenticated() {
			redirectToLogin(w, r)
			return
		}
		ok, err := allow(r, u)
		switch {
		case err != nil:
			web.ServeError(w, r, err)
		case !ok:
			web.ServeError(w, r, web.Forbidden("You do not have permission to do this."))
		default:
			h.ServeHTTP(w, r)
		}
	})
}

// redirectToLogin sends r to the login page, with its path in "next".
func redirectToLogin(w http.ResponseWriter, r *http.Request) {
	ra, err := authOf(r)
	if err != nil {
		web.ServeError(w, r, err)
		return
	}
	target, err := url.Parse(ra.app.LoginURL)
	if err != nil {
		web.ServeError(w, r, err)
		return
	}
	q := target.Query()
	q.Set("next", r.URL.RequestURI())
	target.RawQuery = q.Encode()
	http.Redirect(w, r, target.String(), http.StatusFound)
}
