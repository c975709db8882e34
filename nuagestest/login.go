package nuagestest

import (
	"errors"
	"net/http"

	"github.com/nuages-go/nuages/contrib/auth"
)

// loginPath is the page Login and ForceLogin request for the session
// cookie: any page will do, as the auth middleware logs the user in
// before the view runs (and a 404 passes through it too).
const loginPath = "/"

// ForceLogin logs u in on the client's session without a password, as
// Django's client.force_login: the next request, to "/", carries u to the
// auth middleware, which logs u in and sets the session cookie.
func (c *Client) ForceLogin(u auth.AnyUser) {
	c.t.Helper()
	c.PrepareNext(func(r *http.Request) *http.Request { return auth.ForceLogin(r, u) })
	if res := c.Get(loginPath); res.Status >= 500 {
		c.t.Fatalf("nuagestest: ForceLogin: %s answered %d\n%s", loginPath, res.Status, excerpt(res.Body))
	}
}

// Login logs the client in with username and password, checked by the
// project's auth app as its login view would, and reports whether they
// were right, as Django's client.login. The client must come from
// NewSiteClient, on a project with the auth app.
func (c *Client) Login(username, password string) bool {
	c.t.Helper()
	if c.project == nil {
		c.t.Fatalf("nuagestest: Login needs the client of a project: make it with NewSiteClient")
		return false
	}
	app := auth.AppOf(c.project)
	if app == nil {
		c.t.Fatalf("nuagestest: Login: the project has no auth app: install &auth.App{}")
		return false
	}
	u, err := app.Authenticate(c.t.Context(), username, password)
	if errors.Is(err, auth.ErrInvalidCredentials) {
		return false
	}
	if err != nil {
		c.t.Fatalf("nuagestest: Login: %v", err)
		return false
	}
	c.ForceLogin(u)
	return true
}
