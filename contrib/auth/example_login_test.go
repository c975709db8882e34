package auth_test

import (
	"errors"
	"net/http"

	"github.com/nuages-go/nuages/contrib/auth"
	"github.com/nuages-go/nuages/web"
)

// A login view of one's own (the app's URLs have Django's): Authenticate
// checks the password through the app's backends, Login gives the session
// a new key. (Compiled, not run: Example_customUserModel authenticates.)
func ExampleLogin() {
	var app *auth.App // the project's: auth.AppOf(p)
	login := func(w http.ResponseWriter, r *http.Request) error {
		user, err := app.Authenticate(r.Context(), r.PostFormValue("username"), r.PostFormValue("password"))
		if errors.Is(err, auth.ErrInvalidCredentials) {
			return web.Forbidden(err.Error()) // or show the form again
		}
		if err != nil {
			return err
		}
		if err := auth.Login(r, user); err != nil {
			return err
		}
		return web.Redirect(w, r, "polls:index")
	}
	_ = web.Path("POST login/", web.HandlerFunc(login), "login")
}
