package web_test

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"

	"github.com/nuages-go/nuages/web"
)

// quietErrors answers errors as the default handler does, without logging them
// (the examples' output is what they print).
var quietErrors = &web.Errors{Logger: slog.New(slog.DiscardHandler)}

// question is what a detail view would load from the database.
var questions = map[int]string{5: "What's up?"}

// detail is a web.HandlerFunc: it returns its error, and the router's
// ErrorHandler turns it into the response.
func detail(w http.ResponseWriter, r *http.Request) error {
	text, ok := questions[web.Param[int](r, "id")]
	if !ok {
		return web.NotFound("No question found matching the query")
	}
	fmt.Fprintln(w, text)
	return nil
}

func vote(w http.ResponseWriter, r *http.Request) error {
	return web.Redirect(w, r, "polls:detail", web.Param[int](r, "id"))
}

func index(w http.ResponseWriter, r *http.Request) error {
	_, err := fmt.Fprintln(w, "index")
	return err
}

// get serves one request with h and prints the status and what matters.
func get(h http.Handler, method, target string) {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(method, target, nil))
	res := w.Result()
	fmt.Print(method, " ", target, " → ", res.StatusCode)
	if loc := res.Header.Get("Location"); loc != "" {
		fmt.Print(" ", loc)
	}
	if allow := res.Header.Get("Allow"); allow != "" {
		fmt.Print(" Allow: ", allow)
	}
	if res.StatusCode == http.StatusOK {
		fmt.Print(" ", strings.TrimSpace(w.Body.String()))
	}
	fmt.Println()
}

// A configuration in Django's path syntax, with an included namespace; the
// router is the http.Handler of the site.
func ExampleNewRouter() {
	router, err := web.NewRouter(web.Options{Errors: quietErrors},
		web.Path("", web.HandlerFunc(index), "index"),
		web.Include("polls/", "polls",
			web.Path("<int:id>/", web.HandlerFunc(detail), "detail"),
			web.Path("POST <int:id>/vote/", web.HandlerFunc(vote), "vote"),
		),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	get(router, "GET", "/polls/5/")
	get(router, "GET", "/polls/6/")      // detail returns web.NotFound
	get(router, "GET", "/polls/5")       // APPEND_SLASH
	get(router, "GET", "/polls/5/vote/") // a POST route
	get(router, "POST", "/polls/5/vote/")
	// Output:
	// GET /polls/5/ → 200 What's up?
	// GET /polls/6/ → 404
	// GET /polls/5 → 301 /polls/5/
	// GET /polls/5/vote/ → 405 Allow: POST
	// POST /polls/5/vote/ → 302 /polls/5/
}

// Reverse is Django's reverse(): a route's name and its parameters in
// order give the URL; a url.Values becomes the query string.
func ExampleRouter_Reverse() {
	router, err := web.NewRouter(web.Options{},
		web.Path("articles/<int:year>/<slug:slug>/", http.NotFoundHandler(), "article"),
		web.Include("polls/", "polls",
			web.Path("<int:id>/", http.NotFoundHandler(), "detail"),
		),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(router.Reverse("polls:detail", 5))
	fmt.Println(router.Reverse("article", 2026, "hello-world", url.Values{"page": {"2"}}))
	_, err = router.Reverse("detail", 5) // the namespace is missing
	fmt.Println(err)
	// Output:
	// /polls/5/ <nil>
	// /articles/2026/hello-world/?page=2 <nil>
	// web: reverse for "detail": no route has that name; did you mean polls:detail?
}

// Resolve is Django's resolve(): where a path leads, without serving it.
func ExampleRouter_Resolve() {
	router, err := web.NewRouter(web.Options{},
		web.Include("polls/", "polls",
			web.Path("<int:id>/", http.NotFoundHandler(), "detail"),
		),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	m, err := router.Resolve("GET", "/polls/5/")
	fmt.Println(m.Route, m.Name, m.Namespace(), m.Params, m.Args, err)
	_, err = router.Resolve("GET", "/nowhere/")
	var he *web.Error
	fmt.Println(errors.As(err, &he), he.Status)
	// Output:
	// polls/<int:id>/ polls:detail polls [id] [5] <nil>
	// true 404
}

// fourDigits matches four digits: Django's register_converter.
type fourDigits struct{}

func (fourDigits) Regexp() string { return "[0-9]{4}" }

func (fourDigits) Parse(s string) (any, error) { return strconv.Atoi(s) }

func (fourDigits) Format(v any) (string, error) {
	year, ok := v.(int)
	if !ok {
		return "", fmt.Errorf("a year is an int, not %T", v)
	}
	return fmt.Sprintf("%04d", year), nil
}

func ExampleConverter() {
	archive := func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "the archive of", web.Param[int](r, "year"))
	}
	router, err := web.NewRouter(web.Options{
		Converters: map[string]web.Converter{"yyyy": fourDigits{}},
		Errors:     quietErrors,
	}, web.Path("articles/<yyyy:year>/", http.HandlerFunc(archive), "archive"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(router.Reverse("archive", 987))
	get(router, "GET", "/articles/2026/")
	get(router, "GET", "/articles/26/")
	// Output:
	// /articles/0987/ <nil>
	// GET /articles/2026/ → 200 the archive of 2026
	// GET /articles/26/ → 404
}

// A HandlerFunc's errors are answered in one place: an *Error with its
// status and its message, anything else with a 500 that shows nothing.
func ExampleHandlerFunc() {
	h := web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		switch r.URL.Query().Get("fail") {
		case "forbidden":
			return web.Forbidden("You cannot vote twice.")
		case "db":
			return errors.New("database is down") // logged, never shown
		}
		return web.JSON(w, http.StatusOK, map[string]int{"votes": 3})
	})
	for _, target := range []string{"/", "/?fail=forbidden", "/?fail=db"} {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", target, nil)
		web.WithErrors(quietErrors)(h).ServeHTTP(w, r)
		fmt.Println(w.Code, strings.Contains(w.Body.String(), "You cannot vote twice."),
			strings.Contains(w.Body.String(), "database"))
	}
	// Output:
	// 200 false false
	// 403 true false
	// 500 false false
}

func ExampleIsSafeRedirect() {
	for _, next := range []string{"/polls/", "https://example.com/x", "//evil.com/", "/\\evil.com", "javascript:alert(1)"} {
		fmt.Println(next, web.IsSafeRedirect(next, "example.com"))
	}
	// Output:
	// /polls/ true
	// https://example.com/x true
	// //evil.com/ false
	// /\evil.com false
	// javascript:alert(1) false
}

// jsonErrors is an ErrorHandler for an API: the *web.Error's status and
// message as JSON, and a bare 500 for anything else.
type jsonErrors struct{}

func (jsonErrors) ServeError(w http.ResponseWriter, r *http.Request, err error) {
	var he *web.Error
	if !errors.As(err, &he) {
		he = &web.Error{Status: http.StatusInternalServerError, Message: "Server error."}
	}
	web.JSON(w, he.Status, map[string]string{"detail": he.Message})
}

func ExampleDecodeJSON() {
	h := web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var in struct{ Choice int }
		if err := web.DecodeJSON(w, r, &in, 1<<10); err != nil {
			return err // a 400, 413 or 415 whose message says what is wrong
		}
		return web.JSON(w, http.StatusOK, map[string]int{"voted": in.Choice})
	})
	for _, body := range []string{`{"choice": 2}`, `{"choise": 2}`, `{"choice": "2"}`} {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("POST", "/", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		web.WithErrors(jsonErrors{})(h).ServeHTTP(w, r)
		fmt.Println(w.Code, strings.TrimSpace(w.Body.String()))
	}
	// Output:
	// 200 {"voted":2}
	// 400 {"detail":"Unknown field \"choise\"."}
	// 400 {"detail":"Choice: expected int, got a JSON string."}
}
