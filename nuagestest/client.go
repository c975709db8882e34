package nuagestest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/nuages-go/nuages"
	"github.com/nuages-go/nuages/templates"
	"github.com/nuages-go/nuages/web/csrf"
)

// TestHost is the host of the Client's requests, as Django's "testserver":
// a project's ALLOWED_HOSTS must let it in for tests.
const TestHost = "testserver"

// Client sends requests straight to a handler, with no network, as
// Django's test client: cookies are kept between requests, redirects are
// followed when asked. Its responses carry assertions that report to the
// test that made the client.
//
//	c := nuagestest.NewClient(t, handler)
//	c.Get("/polls/").AssertStatus(200).AssertContains("What's up?")
//	c.Post("/polls/1/vote/", url.Values{"choice": {"2"}}).AssertRedirects("/polls/1/results/")
type Client struct {
	t       TB
	handler http.Handler
	jar     *cookiejar.Jar
	// Header is added to every request (for example Accept-Language).
	Header http.Header
	// EnforceCSRF makes the client's unsafe requests pass the CSRF check
	// as a browser's would: with the token of a page fetched first. By
	// default they skip it, as with Django's test client.
	EnforceCSRF bool
	prepare     func(*http.Request) *http.Request // see PrepareNext
	project     *nuages.Project                   // NewSiteClient's, for Login
}

// PrepareNext has fn change the client's next request before the site
// sees it: how ForceLogin marks a request, in
// the same process, for the site's middleware.
func (c *Client) PrepareNext(fn func(*http.Request) *http.Request) { c.prepare = fn }

// NewClient returns a client of h for t.
func NewClient(t TB, h http.Handler) *Client {
	jar, _ := cookiejar.New(nil) // never fails without options
	return &Client{t: t, handler: h, jar: jar, Header: http.Header{}}
}

// Response is what the handler answered.
type Response struct {
	Status int
	Header http.Header
	Body   string
	// URL is the last URL requested: after redirects, the last one.
	URL *url.URL
	// Redirects lists the redirects followed, in order, as "302 /path".
	Redirects []string
	// Templates lists the templates the last request rendered with a
	// templates.Engine: each page, then the files it was made of.
	Templates []string
	t         TB
}

// Get requests path (which may hold a query string).
func (c *Client) Get(path string) *Response { return c.do("GET", path, nil, "", false) }

// GetFollow requests path and follows its redirects.
func (c *Client) GetFollow(path string) *Response { return c.do("GET", path, nil, "", true) }

// Post sends form as an HTML form would.
func (c *Client) Post(path string, form url.Values) *Response {
	return c.do("POST", path, []byte(form.Encode()), "application/x-www-form-urlencoded", false)
}

// PostFollow is Post, then the redirects followed.
func (c *Client) PostFollow(path string, form url.Values) *Response {
	return c.do("POST", path, []byte(form.Encode()), "application/x-www-form-urlencoded", true)
}

// SendJSON sends v as a JSON body with method.
func (c *Client) SendJSON(method, path string, v any) *Response {
	c.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		c.t.Fatalf("nuagestest: the JSON body of %s %s: %v", method, path, err)
		return &Response{t: c.t, URL: &url.URL{Path: path}}
	}
	return c.do(method, path, b, "application/json", false)
}

// Do sends any request; its Host is TestHost unless set.
func (c *Client) Do(method, path string, body []byte, contentType string, follow bool) *Response {
	return c.do(method, path, body, contentType, follow)
}

func (c *Client) do(method, path string, body []byte, contentType string, follow bool) *Response {
	c.t.Helper()
	resp := &Response{t: c.t}
	start := path
	for hop := 0; ; hop++ {
		u, err := url.Parse(path)
		if err != nil {
			c.t.Fatalf("nuagestest: %s %q: %v", method, path, err)
			return resp
		}
		if u.Host == "" {
			u.Scheme, u.Host = "http", TestHost
		}
		req := httptest.NewRequest(method, u.String(), bytes.NewReader(body))
		for k, v := range c.Header {
			req.Header[k] = v
		}
		if contentType != "" && body != nil {
			req.Header.Set("Content-Type", contentType)
		}
		for _, ck := range c.jar.Cookies(jarURL(u)) {
			req.AddCookie(ck)
		}
		if !c.EnforceCSRF {
			req = csrf.SkipChecks(req)
		}
		if c.prepare != nil {
			req, c.prepare = c.prepare(req), nil
		}
		ctx, rendered := templates.Record(req.Context())
		rec := httptest.NewRecorder()
		c.handler.ServeHTTP(rec, req.WithContext(ctx))
		res := rec.Result()
		c.jar.SetCookies(jarURL(u), res.Cookies())
		b, _ := io.ReadAll(res.Body)
		resp.Status, resp.Header, resp.Body, resp.URL = res.StatusCode, res.Header, string(b), u
		resp.Templates = rendered.Names()
		loc := res.Header.Get("Location")
		if !follow || loc == "" || res.StatusCode < 300 || res.StatusCode > 399 {
			return resp
		}
		if hop == 10 {
			c.t.Fatalf("nuagestest: more than 10 redirects from %s: %s", start, strings.Join(resp.Redirects, ", "))
			return resp
		}
		next, err := u.Parse(loc)
		if err != nil {
			c.t.Fatalf("nuagestest: %s %s redirects to %q: %v", method, u, loc, err)
			return resp
		}
		resp.Redirects = append(resp.Redirects, fmt.Sprintf("%d %s", res.StatusCode, relative(next)))
		if res.StatusCode != http.StatusTemporaryRedirect && res.StatusCode != http.StatusPermanentRedirect {
			method, body, contentType = "GET", nil, ""
		}
		path = next.String()
	}
}

// jarURL is u in https: the jar then keeps and sends Secure cookies too,
// as Django's test client sends every cookie it holds.
func jarURL(u *url.URL) *url.URL {
	s := *u
	s.Scheme = "https"
	return &s
}

// relative writes u without scheme and host when it is on TestHost.
func relative(u *url.URL) string {
	if u.Host == TestHost {
		return u.RequestURI()
	}
	return u.String()
}

// AssertStatus fails the test unless the status is code.
func (r *Response) AssertStatus(code int) *Response {
	r.t.Helper()
	if r.Status != code {
		r.t.Errorf("%s: status %d, want %d\n%s", r.URL.RequestURI(), r.Status, code, excerpt(r.Body))
	}
	return r
}

// AssertContains fails the test unless the status is 200 and the body
// holds each text, as Django's assertContains.
func (r *Response) AssertContains(texts ...string) *Response {
	r.t.Helper()
	r.AssertStatus(http.StatusOK)
	for _, s := range texts {
		if !strings.Contains(r.Body, s) {
			r.t.Errorf("%s: the body lacks %q\n%s", r.URL.RequestURI(), s, excerpt(r.Body))
		}
	}
	return r
}

// AssertNotContains fails the test if the body holds any of texts.
func (r *Response) AssertNotContains(texts ...string) *Response {
	r.t.Helper()
	for _, s := range texts {
		if strings.Contains(r.Body, s) {
			r.t.Errorf("%s: the body holds %q\n%s", r.URL.RequestURI(), s, excerpt(r.Body))
		}
	}
	return r
}

// AssertRedirects fails the test unless the response redirects (301, 302,
// 303, 307 or 308) to target, a path or a URL, as Django's
// assertRedirects. After a followed request, the first redirect counts.
func (r *Response) AssertRedirects(target string) *Response {
	r.t.Helper()
	got := ""
	switch {
	case len(r.Redirects) > 0:
		_, got, _ = strings.Cut(r.Redirects[0], " ")
	case r.Status >= 300 && r.Status <= 399:
		if u, err := r.URL.Parse(r.Header.Get("Location")); err == nil {
			got = relative(u)
		}
	}
	if got != target {
		r.t.Errorf("%s: redirects to %q (status %d), want %q", r.URL.RequestURI(), got, r.Status, target)
	}
	return r
}

// AssertTemplateUsed fails the test unless the response rendered the
// template name (a page, or a file it extends or includes), as Django's
// assertTemplateUsed.
func (r *Response) AssertTemplateUsed(name string) *Response {
	r.t.Helper()
	if !slices.Contains(r.Templates, name) {
		r.t.Errorf("%s: the template %q was not rendered; the templates were %q", r.URL.RequestURI(), name, r.Templates)
	}
	return r
}

// AssertHeader fails the test unless the header name has the value want.
func (r *Response) AssertHeader(name, want string) *Response {
	r.t.Helper()
	if got := r.Header.Get(name); got != want {
		r.t.Errorf("%s: %s is %q, want %q", r.URL.RequestURI(), name, got, want)
	}
	return r
}

// JSON decodes the body into v, failing the test if it cannot.
func (r *Response) JSON(v any) *Response {
	r.t.Helper()
	if err := json.Unmarshal([]byte(r.Body), v); err != nil {
		r.t.Errorf("%s: the body is not the JSON of a %T: %v\n%s", r.URL.RequestURI(), v, err, excerpt(r.Body))
	}
	return r
}

func excerpt(body string) string {
	if len(body) > 2000 {
		return body[:2000] + "..."
	}
	return body
}

// Scenario is one request of a table-driven HTTP test and what it must
// answer, as PocketBase's ApiScenario. The zero WantStatus is 200 (or the
// redirect's status when WantRedirect is set and Follow is not).
type Scenario struct {
	Name            string
	Method          string // GET when empty
	Path            string
	Form            url.Values // a POST form
	JSON            any        // a JSON body
	Follow          bool
	WantStatus      int
	WantRedirect    string
	WantContains    []string
	WantNotContains []string
	WantTemplate    string
}

// Run runs the scenarios in order as subtests, on one client: cookies set
// by one (a login) hold for the next.
func (c *Client) Run(t *testing.T, scenarios ...Scenario) {
	t.Helper()
	for _, s := range scenarios {
		t.Run(s.Name, func(t *testing.T) {
			sub := *c
			sub.t = t
			method := s.Method
			if method == "" {
				method = "GET"
				if s.Form != nil {
					method = "POST"
				}
			}
			var resp *Response
			switch {
			case s.JSON != nil:
				b, err := json.Marshal(s.JSON)
				if err != nil {
					t.Fatal(err)
				}
				resp = sub.do(method, s.Path, b, "application/json", s.Follow)
			case s.Form != nil:
				resp = sub.do(method, s.Path, []byte(s.Form.Encode()), "application/x-www-form-urlencoded", s.Follow)
			default:
				resp = sub.do(method, s.Path, nil, "", s.Follow)
			}
			want := s.WantStatus
			if want == 0 {
				want = http.StatusOK
				if s.WantRedirect != "" && !s.Follow {
					want = http.StatusFound
				}
			}
			resp.AssertStatus(want)
			if s.WantRedirect != "" {
				resp.AssertRedirects(s.WantRedirect)
			}
			for _, w := range s.WantContains {
				if !strings.Contains(resp.Body, w) {
					t.Errorf("%s: the body lacks %q\n%s", s.Path, w, excerpt(resp.Body))
				}
			}
			resp.AssertNotContains(s.WantNotContains...)
			if s.WantTemplate != "" {
				resp.AssertTemplateUsed(s.WantTemplate)
			}
		})
	}
}
