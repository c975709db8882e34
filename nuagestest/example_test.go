package nuagestest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"

	"github.com/nuages-go/nuages"
	"github.com/nuages-go/nuages/contrib/auth"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/nuagestest/authtest"
	"github.com/nuages-go/nuages/web"
)

// siteSettings are a small site's: a page for logged-in users, and the
// auth app's views under accounts/.
func siteSettings(app *auth.App) nuages.Settings {
	s := nuages.DefaultSettings()
	s.Debug, s.SecretKey = true, nuages.InsecureKeyPrefix+"example"
	s.URLs = func(*nuages.Project) ([]web.Pattern, error) {
		return []web.Pattern{
			web.Include("accounts/", "", app.URLs()...),
			web.Path("private/", auth.LoginRequired(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				u, _ := auth.UserOf(r)
				fmt.Fprintf(w, "Hello %s", u)
			})), "private"),
		}, nil
	}
	return s
}

// A test builds its project with New, on a fresh database, migrated, and
// talks to its site with a client that logs in in one call. (In a test,
// t is the test's *testing.T; here a stand-in runs the example.)
func ExampleNew() {
	t := exampleT()
	defer t.finish()

	app := &auth.App{}
	p := nuagestest.New(t, siteSettings(app), app)
	authtest.CreateUser(t, app, "ada", "correct horse")

	c := nuagestest.NewSiteClient(t, p)
	fmt.Println(c.Get("/private/").Status) // to the login page
	fmt.Println(c.Login("ada", "wrong"), c.Login("ada", "correct horse"))
	fmt.Println(c.Get("/private/").Body)
	// Output:
	// 302
	// false true
	// Hello ada
}

// The client follows redirects when asked, keeps cookies, and checks what
// it gets with assertions that fail the test.
func ExampleClient_PostFollow() {
	t := exampleT()
	defer t.finish()

	app := &auth.App{}
	p := nuagestest.New(t, siteSettings(app), app)
	authtest.CreateUser(t, app, "ada", "correct horse")

	c := nuagestest.NewSiteClient(t, p)
	res := c.PostFollow("/accounts/login/", url.Values{"username": {"ada"}, "password": {"correct horse"}, "next": {"/private/"}})
	res.AssertStatus(200).AssertContains("Hello ada").AssertRedirects("/private/")
	fmt.Println(res.Redirects)
	// Output:
	// [302 /private/]
}

// The project's mail stays in an outbox, Django's mail.outbox.
func ExampleOutbox() {
	t := exampleT()
	defer t.finish()

	app := &auth.App{}
	p := nuagestest.New(t, siteSettings(app), app)
	authtest.CreateUserOf(t, app, &auth.User{Username: "ada", Email: "ada@example.com"}, "correct horse")

	nuagestest.NewSiteClient(t, p).Post("/accounts/password_reset/", url.Values{"email": {"ada@example.com"}})
	for _, m := range nuagestest.Outbox(p).Messages() {
		fmt.Println(m.To, m.Subject)
	}
	// Output:
	// [ada@example.com] Password reset on testserver
}

// exampleTB stands in for a test's *testing.T so that the examples run:
// it runs cleanups at the end and stops at the first failure.
type exampleTB struct {
	ctx      context.Context
	cancel   context.CancelFunc
	cleanups []func()
	dirs     []string
}

func exampleT() *exampleTB {
	ctx, cancel := context.WithCancel(context.Background())
	return &exampleTB{ctx: ctx, cancel: cancel}
}

func (t *exampleTB) Helper()                           {}
func (t *exampleTB) Cleanup(fn func())                 { t.cleanups = append(t.cleanups, fn) }
func (t *exampleTB) Context() context.Context          { return t.ctx }
func (t *exampleTB) Errorf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }
func (t *exampleTB) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }
func (t *exampleTB) Skipf(format string, args ...any)  { panic(fmt.Sprintf(format, args...)) }

func (t *exampleTB) TempDir() string {
	dir, err := os.MkdirTemp("", "nuagestest-example")
	if err != nil {
		panic(err)
	}
	t.dirs = append(t.dirs, dir)
	return dir
}

// finish runs the cleanups, last first, as testing does.
func (t *exampleTB) finish() {
	t.cancel()
	for _, fn := range slices.Backward(t.cleanups) {
		fn()
	}
	for _, dir := range t.dirs {
		os.RemoveAll(dir)
	}
}
