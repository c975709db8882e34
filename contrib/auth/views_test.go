package auth_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nuages-go/nuages"
	"github.com/nuages-go/nuages/cache"
	"github.com/nuages-go/nuages/cache/httpcache"
	"github.com/nuages-go/nuages/contrib/auth"
	"github.com/nuages-go/nuages/contrib/auth/passwords"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/nuagestest/authtest"
	"github.com/nuages-go/nuages/orm"
	"github.com/nuages-go/nuages/web"
	"github.com/nuages-go/nuages/web/csrf"
)

// viewsSite is a migrated project on engine with app, its views under
// accounts/ and a page for logged-in users.
func viewsSite(t *testing.T, engine string, app *auth.App) *nuages.Project {
	t.Helper()
	return nuagestest.NewOn(t, engine, viewsSettings(app), app)
}

// viewsSettings are viewsSite's settings.
func viewsSettings(app *auth.App) nuages.Settings {
	private := auth.LoginRequired(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := auth.UserAs[*auth.User](r)
		w.Write([]byte("hello " + u.Username))
	}))
	modules := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ok, err := auth.HasModulePerms(r, r.PathValue("app"))
		fmt.Fprintf(w, "%v %v", ok, err)
	})
	return testSettings([]web.Pattern{
		web.Include("accounts/", "", app.URLs()...),
		web.Path("private/", private, "private"),
		web.Path("modules/<str:app>/", modules, "modules"),
	})
}

func TestLoginAndLogoutViews(t *testing.T) {
	t.Parallel()
	nuagestest.EachEngine(t, func(t *testing.T, engine string) {
		app := &auth.App{}
		p := viewsSite(t, engine, app)
		authtest.CreateUser(t, app, "alice", "correct horse")
		c := nuagestest.NewSiteClient(t, p)
		c.GetFollow("/private/").AssertContains(`name="username"`, `type="password"`, `name="next" value="/private/"`, `name="csrfmiddlewaretoken"`)
		c.Post("/accounts/login/", url.Values{"username": {"alice"}, "password": {"wrong"}, "next": {"/private/"}}).
			AssertContains("Please enter a correct username and password.", `value="alice"`).AssertNotContains("wrong")
		c.Post("/accounts/login/", url.Values{"username": {""}, "password": {""}}).AssertContains("This field is required.")
		c.Post("/accounts/login/", url.Values{"username": {"alice"}, "password": {"correct horse"}, "next": {"/private/"}}).AssertRedirects("/private/")
		c.Get("/private/").AssertContains("hello alice")

		c.Get("/accounts/logout/").AssertStatus(http.StatusMethodNotAllowed)
		c.Get("/private/").AssertContains("hello alice") // a GET logged nobody out
		c.Post("/accounts/logout/", nil).AssertContains("Logged out")
		c.Get("/private/").AssertRedirects("/accounts/login/?next=%2Fprivate%2F")

		// From an HTTPS page, next may not be plain HTTP (Django's
		// require_https); behind the test's proxy header the request is
		// secure.
		secure := nuagestest.NewSiteClient(t, p)
		secure.Header.Set("X-Forwarded-Proto", "https")
		secure.Post("/accounts/login/", url.Values{"username": {"alice"}, "password": {"correct horse"}, "next": {"http://testserver/private/"}}).AssertRedirects("/accounts/profile/")
		c.Post("/accounts/login/", url.Values{"username": {"alice"}, "password": {"correct horse"}, "next": {"http://testserver/private/"}}).AssertRedirects("/private/")

		// The login field as the model has it; spaces in a password count.
		c.Get("/accounts/login/").AssertContains(`<label for="id_username">Username:</label>`, `maxlength="150"`, `autofocus`)
		authtest.CreateUser(t, app, "bob", " spaced out ")
		c.Post("/accounts/login/", url.Values{"username": {"bob"}, "password": {"spaced out"}}).AssertContains("Please enter a correct username")
		c.Post("/accounts/login/", url.Values{"username": {"bob"}, "password": {" spaced out "}}).AssertRedirects("/accounts/profile/")
	})
}

// "next" never leads off the site; without one, LoginRedirectURL.
func TestLoginNext(t *testing.T) {
	t.Parallel()
	app := &auth.App{}
	p := viewsSite(t, nuagestest.SQLite, app)
	authtest.CreateUser(t, app, "alice", "correct horse")
	cases := map[string]string{
		"":                           "/accounts/profile/",
		"/private/?x=1":              "/private/?x=1",
		"//evil.example/":            "/accounts/profile/",
		"https://evil.example/":      "/accounts/profile/",
		"/\\evil.example":            "/accounts/profile/",
		"javascript:alert(1)":        "/accounts/profile/",
		"http://testserver/private/": "/private/", // the same site
	}
	for next, want := range cases {
		c := nuagestest.NewSiteClient(t, p)
		c.Post("/accounts/login/", url.Values{"username": {"alice"}, "password": {"correct horse"}, "next": {next}}).AssertRedirects(want)
	}
}

// Through the real CSRF check: the form's token logs in; a form without
// it (made by another site) does not.
func TestLoginNeedsCSRFToken(t *testing.T) {
	t.Parallel()
	app := &auth.App{}
	p := viewsSite(t, nuagestest.SQLite, app)
	authtest.CreateUser(t, app, "alice", "correct horse")
	c := nuagestest.NewSiteClient(t, p)
	c.EnforceCSRF = true
	c.Post("/accounts/login/", url.Values{"username": {"alice"}, "password": {"correct horse"}}).AssertStatus(http.StatusForbidden)
	page := c.Get("/accounts/login/")
	m := regexp.MustCompile(`name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"`).FindStringSubmatch(page.Body)
	if m == nil {
		t.Fatalf("no token:\n%s", page.Body)
	}
	c.Post("/accounts/login/", url.Values{"username": {"alice"}, "password": {"correct horse"}, "csrfmiddlewaretoken": {m[1]}}).AssertStatus(http.StatusFound)
	c.Get("/private/").AssertContains("hello alice")
}

func TestPasswordChangeView(t *testing.T) {
	t.Parallel()
	nuagestest.EachEngine(t, func(t *testing.T, engine string) {
		app := &auth.App{}
		p := viewsSite(t, engine, app)
		alice := authtest.CreateUser(t, app, "alice", "correct horse")
		c := nuagestest.NewSiteClient(t, p)
		c.Get("/accounts/password_change/").AssertRedirects("/accounts/login/?next=%2Faccounts%2Fpassword_change%2F")
		c.ForceLogin(alice)
		other := nuagestest.NewSiteClient(t, p)
		other.ForceLogin(alice)

		c.Get("/accounts/password_change/").AssertContains(`name="old_password"`, `name="new_password1"`, `name="new_password2"`)
		change := func(old, p1, p2 string) *nuagestest.Response {
			return c.Post("/accounts/password_change/", url.Values{"old_password": {old}, "new_password1": {p1}, "new_password2": {p2}})
		}
		change("wrong", "battery staple 9", "battery staple 9").AssertContains("Your old password was entered incorrectly.")
		change("correct horse", "battery staple 9", "battery staple 8").AssertContains("The two password fields didn’t match.")
		change("correct horse", "alice", "alice").AssertContains("This password is too short.", "The password is too similar to the username.")
		change("correct horse", "battery staple 9", "battery staple 9").AssertRedirects("/accounts/password_change/done/")
		c.Get("/private/").AssertContains("hello alice")                              // this session stays logged in
		other.Get("/private/").AssertRedirects("/accounts/login/?next=%2Fprivate%2F") // the other is logged out
		if _, err := app.Authenticate(t.Context(), "alice", "battery staple 9"); err != nil {
			t.Errorf("the new password: %v", err)
		}
	})
}

// Failed logins lock an account, and an address, for a while; a right
// password does not get through meanwhile; success clears the account.
func TestLoginThrottling(t *testing.T) {
	t.Parallel()
	app := &auth.App{Throttle: auth.Throttle{
		PerAccount: 3, PerAddress: 5, Window: time.Minute,
		ClientAddress: func(r *http.Request) string { return r.Header.Get("X-Test-Address") },
	}}
	// The counts live in the cache: the project's clock ends the window.
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	s := viewsSettings(app)
	s.Now = clock
	p := nuagestest.New(t, s, app)
	for _, name := range []string{"alice", "bob", "carol"} {
		authtest.CreateUser(t, app, name, "correct horse")
	}
	from := func(addr string) *nuagestest.Client {
		c := nuagestest.NewSiteClient(t, p)
		c.Header.Set("X-Test-Address", addr)
		return c
	}
	login := func(c *nuagestest.Client, user, pw string) *nuagestest.Response {
		return c.Post("/accounts/login/", url.Values{"username": {user}, "password": {pw}, "next": {"/private/"}})
	}
	const locked = "Too many failed login attempts."

	a := from("10.0.0.1")
	login(a, "alice", "wrong").AssertContains("Please enter a correct username")
	login(a, "alice", "wrong")
	login(a, "alice", "correct horse").AssertRedirects("/private/") // clears alice's count
	for range 3 {
		login(from("10.0.0.2"), "alice", "wrong").AssertStatus(200)
	}
	res := login(from("10.0.0.3"), "alice", "correct horse") // from anywhere: the account is locked
	if res.AssertStatus(http.StatusTooManyRequests); !strings.Contains(res.Body, locked) {
		t.Errorf("the locked login does not say why:\n%s", res.Body)
	}
	login(from("10.0.0.3"), "bob", "correct horse").AssertRedirects("/private/") // another account is not

	// Five failures from one address lock it for every account.
	b := from("10.0.0.4")
	for _, name := range []string{"u1", "u2", "u3", "u4", "u5"} {
		login(b, name, "wrong")
	}
	login(b, "carol", "correct horse").AssertStatus(http.StatusTooManyRequests)
	login(from("10.0.0.5"), "carol", "correct horse").AssertRedirects("/private/")

	mu.Lock()
	now = now.Add(59 * time.Second) // the window goes on
	mu.Unlock()
	login(from("10.0.0.3"), "alice", "correct horse").AssertStatus(http.StatusTooManyRequests)
	mu.Lock()
	now = now.Add(time.Second) // the window ends
	mu.Unlock()
	login(from("10.0.0.3"), "alice", "correct horse").AssertRedirects("/private/")
}

// The throttle counts an e-mail login without case (one account for the
// EmailBackend), and counts parallel attempts before their passwords are
// checked, so that a burst cannot check more than the limit.
func TestLoginThrottlingCannotBeDodged(t *testing.T) {
	t.Parallel()
	// Slow hashes, so that the burst's attempts overlap.
	slow, err := passwords.New(passwords.Options{Hashers: []passwords.Hasher{passwords.PBKDF2SHA256{Iterations: 20000}}})
	if err != nil {
		t.Fatal(err)
	}
	app := &auth.App{Hashers: slow, Throttle: auth.Throttle{PerAccount: 3, PerAddress: 1000}}
	app.Backends = []auth.Backend{app.EmailBackend()}
	p := viewsSite(t, nuagestest.SQLite, app)
	h, err := p.Handler()
	if err != nil {
		t.Fatal(err)
	}
	createUser(t, app, "ada", "correct horse", func(u *auth.User) { u.Email = "ada@example.com" })
	login := func(user, pw string) *nuagestest.Response {
		return nuagestest.NewSiteClient(t, p).Post("/accounts/login/", url.Values{"username": {user}, "password": {pw}})
	}
	for range 3 {
		login("ada@example.com", "wrong").AssertStatus(http.StatusOK)
	}
	login("ADA@Example.com", "correct horse").AssertStatus(http.StatusTooManyRequests)

	createUser(t, app, "bob", "correct horse", func(u *auth.User) { u.Email = "bob@example.com" })
	const burst = 20
	statuses := make(chan int, burst)
	var wg sync.WaitGroup
	for range burst {
		wg.Go(func() {
			req := httptest.NewRequest(http.MethodPost, "http://testserver/accounts/login/", strings.NewReader("username=bob%40example.com&password=wrong"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, csrf.SkipChecks(req))
			statuses <- w.Code
		})
	}
	wg.Wait()
	close(statuses)
	checked := 0
	for code := range statuses {
		if code == http.StatusOK { // a password was checked and refused
			checked++
		}
	}
	if checked != 3 {
		t.Errorf("%d of %d parallel attempts had their password checked, want 3", checked, burst)
	}
}

// The whole reset: the form, the mail, the link (which moves its token to
// the session), the new password; then the link is spent. An unknown
// address gets the same answer and no mail.
func TestPasswordReset(t *testing.T) {
	t.Parallel()
	nuagestest.EachEngine(t, func(t *testing.T, engine string) {
		app := &auth.App{}
		p := viewsSite(t, engine, app)
		alice := authtest.CreateUser(t, app, "alice", "correct horse")
		db, _ := app.DB(t.Context())
		if _, err := orm.Query[auth.User](db).Filter("pk", alice.ID).Update(t.Context(), orm.Set{"email": "Alice@Example.com"}); err != nil {
			t.Fatal(err)
		}
		c := nuagestest.NewSiteClient(t, p)
		c.Get("/accounts/password_reset/").AssertContains(`name="email"`)
		c.Post("/accounts/password_reset/", url.Values{"email": {"nobody@example.com"}}).AssertRedirects("/accounts/password_reset/done/")
		if n := len(nuagestest.Outbox(p).Messages()); n != 0 {
			t.Fatalf("%d mails for an unknown address", n)
		}
		c.PostFollow("/accounts/password_reset/", url.Values{"email": {"alice@example.com"}}).AssertContains("We’ve emailed you instructions")
		msgs := nuagestest.Outbox(p).Messages()
		if len(msgs) != 1 || msgs[0].To[0] != "Alice@Example.com" || !strings.Contains(msgs[0].Body, "Your username, in case you’ve forgotten: alice") {
			t.Fatalf("mails: %+v", msgs)
		}
		link := regexp.MustCompile(`http://testserver(/accounts/reset/[^/]+/[^/]+/)`).FindStringSubmatch(msgs[0].Body)
		if link == nil {
			t.Fatalf("no link in:\n%s", msgs[0].Body)
		}
		set := c.Get(link[1])
		set.AssertRedirects(regexp.MustCompile(`[^/]+/$`).ReplaceAllString(link[1], "set-password/"))
		form := set.Header.Get("Location")
		c.Get(form).AssertContains(`name="new_password1"`).AssertNotContains(strings.Split(link[1], "/")[4])
		c.Post(form, url.Values{"new_password1": {"battery staple 9"}, "new_password2": {"battery staple 8"}}).AssertContains("didn’t match")
		c.Post(form, url.Values{"new_password1": {"battery staple 9"}, "new_password2": {"battery staple 9"}}).AssertRedirects("/accounts/reset/done/")
		if _, err := app.Authenticate(t.Context(), "alice", "battery staple 9"); err != nil {
			t.Errorf("the new password: %v", err)
		}
		nuagestest.NewSiteClient(t, p).GetFollow(link[1]).AssertContains("The password reset link was invalid")
		c.Get(form).AssertContains("The password reset link was invalid")
		nuagestest.NewSiteClient(t, p).Get("/accounts/reset/Nw/set-password/").AssertContains("The password reset link was invalid")
		nuagestest.NewSiteClient(t, p).Get("/accounts/reset/!!/abc-def/").AssertContains("The password reset link was invalid")
	})
}

// With LoginRequiredByDefault, every view needs a login but those marked
// open: the app's login and reset pages, and the project's own.
func TestLoginRequiredByDefault(t *testing.T) {
	t.Parallel()
	app := &auth.App{LoginRequiredByDefault: true}
	hello := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("hello")) })
	p := nuagestest.New(t, testSettings([]web.Pattern{
		web.Include("accounts/", "", app.URLs()...),
		web.Path("", auth.LoginNotRequired(hello), "home"),
		web.Path("private/", hello, "private"),
		web.Path("POST hook/", csrf.Exempt(auth.LoginNotRequired(hello)), "hook"),
		web.Path("POST hook2/", auth.LoginNotRequired(csrf.Exempt(hello)), "hook2"),
	}), app)
	u := authtest.CreateUser(t, app, "alice", "correct horse")
	c := nuagestest.NewSiteClient(t, p)
	c.Run(t,
		nuagestest.Scenario{Name: "open view", Path: "/", WantContains: []string{"hello"}},
		nuagestest.Scenario{Name: "closed view", Path: "/private/", WantRedirect: "/accounts/login/?next=%2Fprivate%2F"},
		nuagestest.Scenario{Name: "login page", Path: "/accounts/login/", WantContains: []string{`name="username"`}},
		nuagestest.Scenario{Name: "reset page", Path: "/accounts/password_reset/", WantContains: []string{`name="email"`}},
		nuagestest.Scenario{Name: "no such page", Path: "/nope/", WantStatus: 404},
		nuagestest.Scenario{Name: "password change", Path: "/accounts/password_change/", WantRedirect: "/accounts/login/?next=%2Faccounts%2Fpassword_change%2F"},
	)
	// A webhook is open and exempt from CSRF, whichever mark is outside.
	h, err := p.Handler()
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/hook/", "/hook2/"} {
		r := httptest.NewRequest("POST", "http://testserver"+path, nil)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != 200 || w.Body.String() != "hello" {
			t.Errorf("POST %s by a visitor without a CSRF token: %d %q; want 200 hello", path, w.Code, w.Body)
		}
	}
	c.ForceLogin(u)
	c.Get("/private/").AssertContains("hello")
}

// The cache issue's test: a page cached per view that shows the user is
// never served to another logged-in user, nor to a visitor.
func TestCachedPageWithTwoUsers(t *testing.T) {
	t.Parallel()
	app := &auth.App{}
	whoami := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := auth.UserAs[*auth.User](r)
		w.Write([]byte("hello " + u.String()))
	})
	page := httpcache.Page(httpcache.Options{Cache: cache.NewMemory(cache.MemoryOptions{})}, time.Minute)(whoami)
	p := nuagestest.New(t, testSettings([]web.Pattern{web.Path("me/", page, "me")}), app)
	for i, name := range []string{"alice", "bob", "alice", "bob"} {
		c := nuagestest.NewSiteClient(t, p)
		c.ForceLogin(authtest.CreateUser(t, app, name+strconv.Itoa(i), "pw"))
		res := c.Get("/me/")
		if !strings.HasPrefix(res.Body, "hello "+name) {
			t.Errorf("%s got %q", name, res.Body)
		}
	}
	nuagestest.NewSiteClient(t, p).Get("/me/").AssertContains("hello AnonymousUser")
}

// OnLogin, OnLogout and OnLoginFailed see each login, logout and failed
// attempt, with the request (Django's user_logged_in, user_logged_out and
// user_login_failed signals).
func TestLoginHooks(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var events []string
	note := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, fmt.Sprintf(format, args...))
	}
	app := &auth.App{}
	app.OnLogin = func(r *http.Request, u auth.AnyUser) { note("in %s %s", u, r.URL.Path) }
	app.OnLogout = func(r *http.Request, u auth.AnyUser) { note("out %s", u) }
	app.OnLoginFailed = func(r *http.Request, username string) { note("failed %s %v", username, r != nil) }
	p := viewsSite(t, nuagestest.SQLite, app)
	authtest.CreateUser(t, app, "alice", "correct horse")
	c := nuagestest.NewSiteClient(t, p)
	c.Post("/accounts/login/", url.Values{"username": {"alice"}, "password": {"wrong"}})
	c.Post("/accounts/login/", url.Values{"username": {"alice"}, "password": {"correct horse"}})
	c.Post("/accounts/logout/", nil)
	c.Post("/accounts/logout/", nil)
	if _, err := app.Authenticate(t.Context(), "bob", "x"); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Fatal(err)
	}
	want := []string{"failed alice true", "in alice /accounts/login/", "out alice", "out AnonymousUser", "failed bob false"}
	if !slices.Equal(events, want) {
		t.Errorf("events:\n%q\nwant\n%q", events, want)
	}
}
