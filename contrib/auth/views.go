package auth

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"strings"

	"github.com/nuages-go/nuages/forms"
	"github.com/nuages-go/nuages/templates"
	"github.com/nuages-go/nuages/web"
)

//go:embed templates
var files embed.FS

// Templates are the app's pages, Django's registration/*.html: a project
// overrides them with files of the same names in its TemplateDirs.
func (*App) Templates() fs.FS {
	sub, err := fs.Sub(files, "templates")
	if err != nil {
		panic(err) // the embedded directory exists
	}
	return sub
}

// LoginForm is Django's AuthenticationForm. The login view labels
// Username with the user model's login field ("Email address" for a model
// that logs in by e-mail) and bounds it by that field's length.
type LoginForm struct {
	Username string `form:"max_length=254" label:"Username"`           // an e-mail address with EmailBackend
	Password string `form:"widget=password,no_strip" label:"Password"` // spaces are part of a password, as set by the other forms
}

// loginNameField is the login form's username field for the user model,
// as Django's AuthenticationForm sets it: the login field's verbose name
// and maximum length (254 when it has none), autofocused.
func (a *App) loginNameField() forms.Field {
	f := a.UserModel.username
	limit := f.MaxLength
	if limit == 0 {
		limit = 254
	}
	return forms.Field{
		Name: "username", Label: capitalize(f.VerboseName), Type: forms.Char{MaxLength: limit},
		Attrs: forms.Attrs{{Name: "autofocus"}, {Name: "autocomplete", Value: "username"}},
	}
}

// URLs are the routes of Django's django.contrib.auth.urls: include them
// where LoginURL points,
//
//	web.Include("accounts/", "", app.URLs()...)
//
// for /accounts/login/ ("login"), /accounts/logout/ ("logout", POST
// only, as in Django 5), password_change/ (and done/), password_reset/
// (and done/), reset/<uidb64>/<token>/ and reset/done/, with Django's
// route names.
func (a *App) URLs() []web.Pattern {
	return []web.Pattern{
		web.Path("login/", LoginNotRequired(web.HandlerFunc(a.login)), "login"),
		web.Path("logout/", LoginNotRequired(web.HandlerFunc(a.logout)), "logout"),
		web.Path("password_change/", LoginRequired(web.HandlerFunc(a.passwordChange)), "password_change"),
		web.Path("password_change/done/", LoginRequired(a.page("registration/password_change_done.html")), "password_change_done"),
		web.Path("password_reset/", LoginNotRequired(web.HandlerFunc(a.passwordReset)), "password_reset"),
		web.Path("password_reset/done/", LoginNotRequired(a.page("registration/password_reset_done.html")), "password_reset_done"),
		web.Path("reset/<str:uidb64>/<str:token>/", LoginNotRequired(web.HandlerFunc(a.passwordResetConfirm)), "password_reset_confirm"),
		web.Path("reset/done/", LoginNotRequired(a.page("registration/password_reset_complete.html")), "password_reset_complete"),
	}
}

// login shows the login form and logs the user in: Django's LoginView;
// "next" is followed only when it stays on the site. A locked account or
// address (Throttle) is told so, with a 429, and its password is not
// checked.
func (a *App) login(w http.ResponseWriter, r *http.Request) error {
	next := r.FormValue("next")
	if !a.safeNext(r, next) {
		next = a.LoginRedirectURL
	}
	f := forms.New[LoginForm](a.loginNameField())
	f.Renderer = a.project
	switch r.Method {
	case http.MethodGet, http.MethodHead:
	case http.MethodPost:
		if err := f.Bind(r); err != nil {
			return err
		}
		ok, err := f.IsValid(r.Context())
		if err != nil {
			return err
		}
		if ok && !a.admit(r, f.Value.Username) {
			// The password is not even checked: guessing has to wait.
			f.AddError(forms.NonField, Invalid(fmt.Sprintf("Too many failed login attempts. Please try again in %d minutes.", int(a.Throttle.window().Minutes()))))
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusTooManyRequests)
		} else if ok {
			user, err := a.Authenticate(r.Context(), f.Value.Username, f.Value.Password)
			switch {
			case errors.Is(err, ErrInvalidCredentials):
				f.AddError(forms.NonField, Invalid(fmt.Sprintf("Please enter a correct %s and password. Note that both fields may be case-sensitive.", a.UserModel.username.VerboseName)))
			case err != nil:
				return err
			default:
				if err := Login(r, user); err != nil {
					return err
				}
				a.loginSucceeded(r, f.Value.Username)
				http.Redirect(w, r, next, http.StatusFound)
				return nil
			}
		}
	default:
		return web.MethodNotAllowed(http.MethodGet, http.MethodHead, http.MethodPost)
	}
	return a.project.Render(w, r, "registration/login.html", templates.Data{"form": f, "next": next})
}

// safeNext reports whether next is a page of this site to go to after
// logging in or out: not another site, and not plain HTTP from an HTTPS
// page (Django's url_has_allowed_host_and_scheme with require_https).
func (a *App) safeNext(r *http.Request, next string) bool {
	if !web.IsSafeRedirect(next, r.Host) {
		return false
	}
	if u, err := url.Parse(strings.TrimSpace(next)); err == nil && u.Scheme != "" && a.project.Settings().Security.Secure(r) {
		return strings.EqualFold(u.Scheme, "https")
	}
	return true
}

// logout logs out on POST only (a GET must not change anything, and a
// link could log anyone out): Django's LogoutView.
func (a *App) logout(w http.ResponseWriter, r *http.Request) error {
	if r.Method != http.MethodPost {
		return web.MethodNotAllowed(http.MethodPost)
	}
	if err := Logout(r); err != nil {
		return err
	}
	if next := r.FormValue("next"); a.safeNext(r, next) {
		http.Redirect(w, r, next, http.StatusFound)
		return nil
	}
	return a.project.Render(w, r, "registration/logged_out.html", templates.Data{})
}
