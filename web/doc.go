// Package web routes requests and turns errors into responses, as
// Django's URL configuration and request handling do, on plain net/http.
//
// A configuration is a list of patterns with Django's path syntax; the
// Router built from it is an http.Handler:
//
//	router, err := web.NewRouter(web.Options{Debug: true},
//		web.Path("", web.HandlerFunc(index), "index"),
//		web.Include("polls/", "polls",
//			web.Path("<int:id>/", web.HandlerFunc(detail), "detail"),
//			web.Path("POST <int:id>/vote/", web.HandlerFunc(vote), "vote"),
//		),
//	)
//	url, err := router.Reverse("polls:detail", 5) // "/polls/5/"
//
// Routes are tried in order, as Django's, but not one by one: they form a
// tree of path segments, searched for the first route that matches, so a
// configuration of hundreds of routes resolves in a few steps. Converters
// (int, str, slug, uuid, path and custom ones) type the parameters, read
// with Param or r.PathValue. Without a match the router redirects to the
// path with a slash appended when that matches (APPEND_SLASH), or answers
// 405 with Allow, or 404.
//
// Handlers are http.Handler. A HandlerFunc returns an error instead of
// writing it: an *Error (NotFound, Forbidden, ...) answers with its status,
// anything else with a 500, all written by one ErrorHandler, by default
// Errors: technical pages with Debug (the routes tried, the error chain, a
// panic's stack, the request, settings with secrets masked), plain pages
// without, which leak nothing. Panics in handlers are recovered and logged.
//
// The examples run a configuration (ExampleNewRouter), Reverse and
// Resolve, a custom converter, and an ErrorHandler of one's own that
// answers in JSON (ExampleDecodeJSON).
package web
