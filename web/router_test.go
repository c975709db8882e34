package web_test

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/nuages-go/nuages/web"
)

// echo answers with the route's name and its converted parameters.
func echo(name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := web.MatchOf(r)
		fmt.Fprintf(w, "%s %v", name, m.Args)
		for _, p := range m.Params {
			fmt.Fprintf(w, " %s=%s", p, r.PathValue(p))
		}
	})
}

// yearConverter is a custom converter: four digits, an int.
type yearConverter struct{}

func (yearConverter) Regexp() string { return "[0-9]{4}" }
func (yearConverter) Parse(s string) (any, error) {
	var y int
	_, err := fmt.Sscan(s, &y)
	return y, err
}
func (yearConverter) Format(v any) (string, error) { return fmt.Sprintf("%04d", v), nil }

var quiet = slog.New(slog.DiscardHandler)

func testRouter(t *testing.T, opts web.Options) *web.Router {
	t.Helper()
	opts.Converters = map[string]web.Converter{"year": yearConverter{}}
	opts.Errors = &web.Errors{Debug: opts.Debug, Logger: quiet}
	rt, err := web.NewRouter(opts,
		web.Path("", echo("index"), "index"),
		web.Path("articles/<year:year>/", echo("year"), "year_archive"),
		web.Path("articles/<int:year>/<int:month>/", echo("month"), "month_archive"),
		web.Path("articles/<int:year>/<int:month>/<slug:slug>/", echo("article"), "article"),
		web.Path("pages/<int:n>/", echo("page-int"), "page"),
		web.Path("pages/<str:s>/", echo("page-str"), "page-any"),
		web.Path("items/<slug:s>/", echo("item-slug"), "item"),
		web.Path("items/new/", echo("item-new"), "item-new"), // after the slug: never reached, as in Django
		web.Path("things/new/", echo("thing-new"), "thing-new"),
		web.Path("things/<slug:s>/", echo("thing-slug"), "thing"),
		web.Path("files/<path:p>", echo("file"), "file"),
		web.Path("docs/<path:p>/edit/", echo("doc-edit"), "doc-edit"),
		web.Path("users/<uuid:id>/", echo("user"), "user"),
		web.Path("shots/shot-<int:n>.<str:ext>", echo("shot"), "shot"),
		web.Path("POST vote/<int:id>/", echo("vote"), "vote"),
		web.Path("GET form/", echo("form-get"), "form"),
		web.Path("POST form/", echo("form-post"), ""),
		web.Path("about/", echo("about"), "about"),
		web.Include("polls/", "polls",
			web.Path("", echo("polls-index"), "index"),
			web.Path("<int:id>/", echo("polls-detail"), "detail"),
			web.Include("admin/", "admin",
				web.Path("<int:id>/", echo("polls-admin"), "detail"),
			),
		),
		web.Include("shop/<slug:shop>/", "",
			web.Path("items/<int:id>/", echo("shop-item"), "shop-item"),
		),
	)
	if err != nil {
		t.Fatal(err)
	}
	return rt
}

func TestRouterResolves(t *testing.T) {
	rt := testRouter(t, web.Options{})
	cases := []struct {
		method, path string
		status       int
		body         string // the start of the body, or the Location of a redirect
	}{
		{"GET", "/", 200, "index []"},
		{"GET", "/articles/2024/", 200, "year [2024] year=2024"},
		{"GET", "/articles/2024/03/", 200, "month [2024 3] year=2024 month=03"},
		{"GET", "/articles/2024/3/hello-world/", 200, "article [2024 3 hello-world]"},
		{"GET", "/articles/24/", 404, ""},                                 // the year converter wants 4 digits
		{"GET", "/pages/12/", 200, "page-int [12]"},                       // int first
		{"GET", "/pages/twelve/", 200, "page-str [twelve]"},               // then str
		{"GET", "/pages/99999999999999999999999/", 200, "page-str"},       // int's Parse refuses: the next route
		{"GET", "/items/new/", 200, "item-slug [new]"},                    // Django's order: first match wins
		{"GET", "/things/new/", 200, "thing-new []"},                      // here the literal comes first
		{"GET", "/things/old/", 200, "thing-slug [old]"},                  //
		{"GET", "/files/a/b/c.txt", 200, "file [a/b/c.txt] p=a/b/c.txt"},  // path spans segments
		{"GET", "/docs/guide/intro/edit/", 200, "doc-edit [guide/intro]"}, // and ends before a suffix
		{"GET", "/shots/shot-12.png", 200, "shot [12 png] n=12 ext=png"},  // two parameters in one segment
		{"GET", "/users/6ba7b810-9dad-11d1-80b4-00c04fd430c8/", 200, "user [[107 167 184 16 157 173 17 209 128 180 0 192 79 212 48 200]]"},
		{"GET", "/users/6BA7B810-9DAD-11D1-80B4-00C04FD430C8/", 404, ""}, // Django's uuid is lower case
		{"POST", "/vote/3/", 200, "vote [3]"},
		{"GET", "/vote/3/", 405, ""},
		{"GET", "/form/", 200, "form-get"},
		{"HEAD", "/form/", 200, ""},
		{"POST", "/form/", 200, "form-post"},
		{"DELETE", "/form/", 405, ""},
		{"GET", "/polls/", 200, "polls-index"},
		{"GET", "/polls/7/", 200, "polls-detail [7]"},
		{"GET", "/polls/admin/7/", 200, "polls-admin [7]"},
		{"GET", "/shop/corner/items/5/", 200, "shop-item [corner 5] shop=corner id=5"},
		{"GET", "/about", 301, "/about/"},                                  // APPEND_SLASH
		{"GET", "/polls/7?x=1&y=2", 301, "/polls/7/?x=1&y=2"},              // keeps the query
		{"POST", "/about", 404, ""},                                        // never for a POST: the body would be lost
		{"GET", "/nope/", 404, ""},                                         //
		{"GET", "/articles/2024/03/hello%20world/", 404, ""},               // not a slug
		{"GET", "//about/", 404, ""},                                       // an empty segment matches no literal
		{"GET", "/articles/2024/03/%3Cscript%3E/", 404, ""},                // decoded, then refused by slug
		{"GET", "/files/", 404, ""},                                        // path needs one character
		{"GET", "/about/extra", 404, ""},                                   // no prefix matching
		{"GET", "/polls/admin/x/", 404, ""},                                //
		{"GET", "/shop/a/b/items/5/", 404, ""},                             //
		{"GET", "/articles/2024/03/ok/?q=<b>", 200, "article [2024 3 ok]"}, // a query is not the path
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			rt.ServeHTTP(rec, httptest.NewRequest(c.method, c.path, nil))
			if rec.Code != c.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, c.status, rec.Body)
			}
			got := rec.Body.String()
			if c.status == 301 {
				got = rec.Header().Get("Location")
			}
			if c.status == 200 && !strings.HasPrefix(got, c.body) || c.status == 301 && got != c.body {
				t.Errorf("got %q, want %q", got, c.body)
			}
		})
	}
}

func TestRouterMethodNotAllowed(t *testing.T) {
	rt := testRouter(t, web.Options{})
	for path, allow := range map[string]string{"/vote/1/": "POST", "/form/": "GET, HEAD, POST"} {
		rec := httptest.NewRecorder()
		rt.ServeHTTP(rec, httptest.NewRequest("PUT", path, nil))
		if rec.Code != 405 || rec.Header().Get("Allow") != allow {
			t.Errorf("PUT %s: %d, Allow %q; want 405, %q", path, rec.Code, rec.Header().Get("Allow"), allow)
		}
	}
}

func TestRouterNoAppendSlash(t *testing.T) {
	rt := testRouter(t, web.Options{NoAppendSlash: true})
	rec := httptest.NewRecorder()
	rt.ServeHTTP(rec, httptest.NewRequest("GET", "/about", nil))
	if rec.Code != 404 {
		t.Errorf("status %d, want 404", rec.Code)
	}
}

func TestReverse(t *testing.T) {
	rt := testRouter(t, web.Options{})
	cases := []struct {
		name string
		args []any
		want string
	}{
		{"index", nil, "/"},
		{"year_archive", []any{2024}, "/articles/2024/"},
		{"month_archive", []any{2024, 3}, "/articles/2024/3/"},
		{"article", []any{2024, int64(3), "hello-world"}, "/articles/2024/3/hello-world/"},
		{"file", []any{"a/b c/d.txt"}, "/files/a/b%20c/d.txt"},
		{"doc-edit", []any{"guide/intro"}, "/docs/guide/intro/edit/"},
		{"user", []any{[16]byte{0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}}, "/users/6ba7b810-9dad-11d1-80b4-00c04fd430c8/"},
		{"shot", []any{12, "png"}, "/shots/shot-12.png"},
		{"page-any", []any{"a?b"}, "/pages/a%3Fb/"},
		{"polls:index", nil, "/polls/"},
		{"polls:detail", []any{7}, "/polls/7/"},
		{"polls:admin:detail", []any{7}, "/polls/admin/7/"},
		{"shop-item", []any{"corner", 5}, "/shop/corner/items/5/"},
		{"polls:detail", []any{7, url.Values{"page": {"2"}, "q": {"a b"}}}, "/polls/7/?page=2&q=a+b"},
	}
	for _, c := range cases {
		got, err := rt.Reverse(c.name, c.args...)
		if err != nil || got != c.want {
			t.Errorf("Reverse(%q, %v) = %q, %v; want %q", c.name, c.args, got, err, c.want)
			continue
		}
		// The round trip: the path resolves to the same route, with the
		// same values.
		rec := httptest.NewRecorder()
		rt.ServeHTTP(rec, httptest.NewRequest("GET", got, nil))
		values := slices.DeleteFunc(slices.Clone(c.args), func(a any) bool { _, q := a.(url.Values); return q })
		if want := fmt.Sprint(values); rec.Code != 200 || !strings.Contains(rec.Body.String(), want) {
			t.Errorf("%s: GET %s = %d %s, want the values %s", c.name, got, rec.Code, rec.Body, want)
		}
	}
}

func TestReverseErrors(t *testing.T) {
	rt := testRouter(t, web.Options{})
	cases := []struct {
		name string
		args []any
		want string
	}{
		{"nope", nil, `web: reverse for "nope": no route has that name`},
		{"detail", []any{1}, `no route has that name; did you mean polls:admin:detail or polls:detail?`},
		{"polls:detail", nil, `takes 1 argument(s), got 0`},
		{"polls:detail", []any{-1}, `id: -1 is negative`},
		{"polls:detail", []any{"x"}, `id: "x" is not a number`},
		{"article", []any{2024, 3, "hello world"}, `slug: "hello world" does not match [-a-zA-Z0-9_]+`},
		{"year_archive", []any{12345}, `year: "12345" does not match [0-9]{4}`},
		{"user", []any{"not-a-uuid"}, `is not a lower-case UUID`},
		{"index", []any{3.5}, `takes 0 argument(s), got 1`},
	}
	for _, c := range cases {
		if got, err := rt.Reverse(c.name, c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Reverse(%q, %v) = %q, %v; want an error with %q", c.name, c.args, got, err, c.want)
		}
	}
}

func TestNewRouterErrors(t *testing.T) {
	h := echo("x")
	cases := []struct {
		pattern web.Pattern
		want    string
	}{
		{web.Path("/about/", h, ""), `route "/about/" starts with a slash`},
		{web.Path("<foo:x>/", h, ""), `uses the unknown converter "foo"`},
		{web.Path("<int:x>/<x>/", h, ""), `names the parameter "x" twice`},
		{web.Path("<int:1x>/", h, ""), `the parameter name "1x" is not an identifier`},
		{web.Path("a<b/", h, ""), `has a stray "<>"`},
		{web.Path("a/", h, "polls:a"), `the name "polls:a" has a colon`},
		{web.Path("a/", nil, ""), `route "a/" has no handler`},
		{web.Include("GET a/", "", web.Path("b/", h, "")), `Include("GET a/"): a prefix has no method`},
	}
	for _, c := range cases {
		_, err := web.NewRouter(web.Options{}, c.pattern)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewRouter(%+v) = %v, want %q", c.pattern, err, c.want)
		}
	}
}

func TestNewRouterConverterErrors(t *testing.T) {
	for name, c := range map[string]struct {
		conv web.Converter
		want string
	}{
		"grouped": {badConverter{re: "(a|b)+"}, `converter "grouped": its Regexp "(a|b)+" has groups of its own: write (?:...)`},
		"broken":  {badConverter{re: "[a-"}, `converter "broken": its Regexp does not compile`},
		"9lives":  {badConverter{re: "a"}, `converter "9lives": a converter needs an identifier`},
	} {
		_, err := web.NewRouter(web.Options{Converters: map[string]web.Converter{name: c.conv}})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
}

// badConverter has the expression it is given.
type badConverter struct {
	web.StrConverter
	re string
}

func (b badConverter) Regexp() string { return b.re }

func TestParamAndMatch(t *testing.T) {
	var gotID int
	var gotSlug string
	var m *web.Match
	rt, err := web.NewRouter(web.Options{}, web.Include("blog/", "blog",
		web.Path("<int:id>/<slug:slug>/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			gotID, gotSlug, m = web.Param[int](r, "id"), web.Param[string](r, "slug"), web.MatchOf(r)
			if web.Param[string](r, "id") != "" || web.Param[int](r, "nope") != 0 {
				t.Error("Param of another type or name is not the zero value")
			}
			u, err := web.Reverse(r, "blog:post", gotID+1, "next")
			if err != nil || u != "/blog/43/next/" {
				t.Errorf("web.Reverse = %q, %v", u, err)
			}
		}), "post")))
	if err != nil {
		t.Fatal(err)
	}
	rt.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/blog/42/hello/", nil))
	if gotID != 42 || gotSlug != "hello" {
		t.Errorf("Param = %d, %q", gotID, gotSlug)
	}
	want := &web.Match{Route: "blog/<int:id>/<slug:slug>/", Name: "blog:post", Params: []string{"id", "slug"}, Args: []any{42, "hello"}}
	if m == nil || m.Route != want.Route || m.Name != want.Name || !reflect.DeepEqual(m.Params, want.Params) || !reflect.DeepEqual(m.Args, want.Args) || m.Namespace() != "blog" {
		t.Errorf("MatchOf = %+v", m)
	}
}

func TestRouterResolve(t *testing.T) {
	rt := testRouter(t, web.Options{})
	cases := []struct {
		method, path string
		name         string // the route's name; "" when an error is expected
		route        string
		args         []any
		status       int // of the error
		allow        string
	}{
		{"GET", "/", "index", "", []any{}, 0, ""},
		{"GET", "/articles/2024/03/hello/", "article", "articles/<int:year>/<int:month>/<slug:slug>/", []any{2024, 3, "hello"}, 0, ""},
		{"GET", "/polls/admin/7/", "polls:admin:detail", "polls/admin/<int:id>/", []any{7}, 0, ""},
		{"GET", "/shop/corner/items/5/", "shop-item", "shop/<slug:shop>/items/<int:id>/", []any{"corner", 5}, 0, ""},
		{"HEAD", "/form/", "form", "form/", []any{}, 0, ""},
		{"GET", "polls/7/", "polls:detail", "polls/<int:id>/", []any{7}, 0, ""}, // the leading slash is optional
		{"PUT", "/form/", "", "", nil, 405, "GET, HEAD, POST"},
		{"GET", "/about", "", "", nil, 404, ""}, // no APPEND_SLASH: that is a redirect, not a match
		{"GET", "/nope/", "", "", nil, 404, ""},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			m, err := rt.Resolve(c.method, c.path)
			if c.status != 0 {
				var e *web.Error
				if !errors.As(err, &e) || e.Status != c.status {
					t.Fatalf("Resolve: %v (%#v), want a %d error", err, m, c.status)
				}
				rec := httptest.NewRecorder()
				(&web.Errors{Logger: quiet}).ServeError(rec, httptest.NewRequest(c.method, "/", nil), err)
				if got := rec.Header().Get("Allow"); got != c.allow {
					t.Errorf("Allow %q, want %q", got, c.allow)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if m.Handler == nil {
				t.Error("the Match has no Handler")
			}
			if m.Name != c.name || m.Route != c.route || !reflect.DeepEqual(m.Args, c.args) && len(m.Args)+len(c.args) > 0 {
				t.Errorf("got %q %q %v, want %q %q %v", m.Name, m.Route, m.Args, c.name, c.route, c.args)
			}
		})
	}
}

// countingConverter is yearConverter counting its Parse calls: one per
// resolution of a path with a year.
type countingConverter struct {
	yearConverter
	parses *int
}

func (c countingConverter) Parse(s string) (any, error) {
	*c.parses++
	return c.yearConverter.Parse(s)
}

// Below Resolving, the middleware that need the view and the router share
// one resolution; a middleware that changes the path makes the next to ask
// resolve the new one; a miss is kept too, and answered as before.
func TestRouter_Resolving(t *testing.T) {
	var parses int
	rt, err := web.NewRouter(web.Options{Converters: map[string]web.Converter{"year": countingConverter{parses: &parses}}, Errors: &web.Errors{Logger: quiet}},
		web.Path("archive/<year:y>/", echo("archive"), "archive"),
		web.Path("POST archive/<year:y>/new/", echo("new"), "new"),
	)
	if err != nil {
		t.Fatal(err)
	}
	// needsView asks for the route as CSRF's exemption and the login
	// check do, and notes what it got.
	var seen []string
	needsView := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			m, err := rt.ResolveRequest(r)
			if err != nil {
				seen = append(seen, err.Error())
			} else {
				seen = append(seen, m.Name)
				if mo := web.MatchOf(r); mo != nil && mo != m { // nil without Resolving
					t.Errorf("MatchOf below Resolving = %v; want the Match ResolveRequest returned", mo)
				}
			}
			next.ServeHTTP(w, r)
		})
	}
	rewrite := func(next http.Handler) http.Handler { // an old URL moved
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r2 := *r
			u := *r.URL
			u.Path = strings.Replace(u.Path, "/old/", "/archive/", 1)
			r2.URL = &u
			next.ServeHTTP(w, &r2)
		})
	}
	tests := []struct {
		name, method, path string
		chain              func(http.Handler) http.Handler
		wantParses         int
		wantStatus         int
		wantBody           string
		wantSeen           []string
	}{
		{"once", "GET", "/archive/2024/", func(h http.Handler) http.Handler { return rt.Resolving(needsView(needsView(h))) }, 1, 200, "archive [2024] y=2024", []string{"archive", "archive"}},
		{"without_resolving", "GET", "/archive/2024/", func(h http.Handler) http.Handler { return needsView(needsView(h)) }, 3, 200, "archive [2024] y=2024", []string{"archive", "archive"}},
		{"not_asked", "GET", "/archive/2024/", rt.Resolving, 1, 200, "archive [2024] y=2024", nil},
		{"path_changed", "GET", "/old/2024/", func(h http.Handler) http.Handler { return rt.Resolving(needsView(rewrite(needsView(h)))) }, 2, 200, "archive [2024] y=2024", []string{"web: 404 Not Found", "archive"}}, // the new path: resolved by the second and the router
		{"not_found", "GET", "/archive/24/", func(h http.Handler) http.Handler { return rt.Resolving(needsView(needsView(h))) }, 0, 404, "", []string{"web: 404 Not Found", "web: 404 Not Found"}},
		{"method", "GET", "/archive/2024/new/", func(h http.Handler) http.Handler { return rt.Resolving(needsView(h)) }, 0, 405, "", []string{"web: 405 Method Not Allowed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parses, seen = 0, nil
			w := httptest.NewRecorder()
			tt.chain(rt).ServeHTTP(w, httptest.NewRequest(tt.method, tt.path, nil))
			if w.Code != tt.wantStatus || tt.wantBody != "" && w.Body.String() != tt.wantBody {
				t.Errorf("%s %s = %d %q; want %d %q", tt.method, tt.path, w.Code, w.Body, tt.wantStatus, tt.wantBody)
			}
			if parses != tt.wantParses {
				t.Errorf("the year was parsed %d times; want %d", parses, tt.wantParses)
			}
			if !slices.Equal(seen, tt.wantSeen) {
				t.Errorf("the middleware saw %q; want %q", seen, tt.wantSeen)
			}
		})
	}
}
