package csrf_test

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"

	"github.com/nuages-go/nuages/web"
	"github.com/nuages-go/nuages/web/csrf"
)

// votePage is a page with a form, rendered with the csrf_field function, as
// a project's templates have it.
var votePage = template.Must(template.New("form").Funcs(template.FuncMap{"csrf_field": csrf.Field}).Parse(
	`<form method="post">{{csrf_field .}}<button>Vote</button></form>`))

// reasons answers errors with their status and, for the example, the
// reason of a CSRF failure (a real site shows it only on the Debug page).
type reasons struct{}

func (reasons) ServeError(w http.ResponseWriter, r *http.Request, err error) {
	var he *web.Error
	var reason *csrf.Reason
	if errors.As(err, &he) && errors.As(err, &reason) {
		http.Error(w, reason.Text, he.Status)
		return
	}
	http.Error(w, err.Error(), http.StatusInternalServerError)
}

// A GET renders the token and sets the cookie; a POST must send both back
// from the site's own origin.
func ExampleMiddleware() {
	vote := web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		if r.Method == http.MethodPost {
			_, err := fmt.Fprint(w, "voted")
			return err
		}
		// Render into a buffer first, as templates.Engine does: the token
		// must be asked for before the headers go out, with its cookie.
		var b bytes.Buffer
		if err := votePage.Execute(&b, r); err != nil {
			return err
		}
		_, err := b.WriteTo(w)
		return err
	})
	h := web.WithErrors(reasons{})(csrf.Middleware(csrf.Config{})(vote))

	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "http://example.com/vote/", nil))
	cookie := w.Result().Cookies()[0]
	token := regexp.MustCompile(`value="([^"]+)"`).FindStringSubmatch(w.Body.String())[1]
	fmt.Println(cookie.Name, cookie.Value != token) // the token in the page is masked anew each time

	post := func(origin string, form url.Values) {
		r := httptest.NewRequest("POST", "http://example.com/vote/", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("Origin", origin)
		r.AddCookie(cookie)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		fmt.Println(w.Code, strings.TrimSpace(w.Body.String()))
	}
	post("http://example.com", url.Values{csrf.FieldName: {token}})
	post("http://example.com", nil)
	post("https://evil.example", url.Values{csrf.FieldName: {token}})
	// Output:
	// csrftoken true
	// 200 voted
	// 403 CSRF token missing.
	// 403 Origin checking failed - https://evil.example does not match any trusted origins.
}

// An API called from JavaScript sends the token in the X-CSRFToken header
// instead of a form field.
func ExampleToken() {
	h := csrf.Middleware(csrf.Config{})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			fmt.Fprint(w, csrf.Token(r)) // a page would put it in a <meta> tag
			return
		}
		fmt.Fprint(w, "saved")
	}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "http://example.com/", nil))
	cookie, token := w.Result().Cookies()[0], w.Body.String()

	r := httptest.NewRequest("PUT", "http://example.com/api/", strings.NewReader(`{}`))
	r.Header.Set("X-CSRFToken", token)
	r.Header.Set("Origin", "http://example.com")
	r.AddCookie(cookie)
	w = httptest.NewRecorder()
	h.ServeHTTP(w, r)
	fmt.Println(w.Code, w.Body.String())
	// Output:
	// 200 saved
}
