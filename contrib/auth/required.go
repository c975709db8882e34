package auth

import (
	"net/http"
	"strings"

	"github.com/nuages-go/nuages/web"
)

// loginNotRequired marks a view open to visitors when the app requires a
// login by default.
type loginNotRequired struct{ http.Handler }

// LoginNotRequired opens h to visitors when App.LoginRequiredByDefault
// is set, Django 5.1's @login_not_required: for a home page, a sign-up
// form. The app's own login and password reset views are open already.
func LoginNotRequired(h http.Handler) http.Handler { return loginNotRequired{h} }

// Unwrap returns the handler LoginNotRequired marked, so that other
// markers (csrf.Exempt) see through this one.
func (h loginNotRequired) Unwrap() http.Handler { return h.Handler }

// isOpen reports whether h, or a handler below markers that unwrap, was
// made by LoginNotRequired.
func isOpen(h http.Handler) bool { return web.Marked[loginNotRequired](h) }

// requireLogin is the middleware of App.LoginRequiredByDefault, Django's
// LoginRequiredMiddleware: a visitor who is not logged in is sent to the
// login page, except for views marked LoginNotRequired, static files, and
// paths no route takes (their 404 stays a 404).
func (a *App) requireLogin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if static := a.project.Settings().StaticURL; static != "" && strings.HasPrefix(r.URL.Path, static) {
			next.ServeHTTP(w, r)
			return
		}
		m, err := a.project.ResolveRequest(r)
		if err != nil || isOpen(m.Handler) {
			next.ServeHTTP(w, r)
			return
		}
		LoginRequired(next).ServeHTTP(w, r)
	})
}
