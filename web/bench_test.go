package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/nuages-go/nuages/web"
)

// The 200 routes of the resolution benchmarks: 100 resources, each with a
// list and a detail route, as a mid-sized site has.
func benchRoutes() (patterns []web.Pattern, mux *http.ServeMux) { return manyRoutes(100) }

// manyRoutes makes 2n routes, and the same for a ServeMux.
func manyRoutes(n int) (patterns []web.Pattern, mux *http.ServeMux) {
	noop := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	mux = http.NewServeMux()
	for i := range n {
		patterns = append(patterns,
			web.Path(fmt.Sprintf("api/resource%d/", i), noop, fmt.Sprintf("list%d", i)),
			web.Path(fmt.Sprintf("api/resource%d/<int:id>/", i), noop, fmt.Sprintf("detail%d", i)),
		)
		mux.Handle(fmt.Sprintf("GET /api/resource%d/{$}", i), noop)
		mux.Handle(fmt.Sprintf("GET /api/resource%d/{id}/{$}", i), noop)
	}
	return patterns, mux
}

func benchServe(b *testing.B, h http.Handler, path string) {
	req := httptest.NewRequest("GET", path, nil)
	w := httptest.NewRecorder()
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(w, req)
	}
}

// BenchmarkResolve: the router finds one of 200 routes and converts its
// parameters (Router.Resolve, Django's resolve()); the baseline is
// net/http's ServeMux.Handler, its own lookup, with the same routes.
func BenchmarkResolve(b *testing.B) {
	patterns, mux := benchRoutes()
	rt, err := web.NewRouter(web.Options{}, patterns...)
	if err != nil {
		b.Fatal(err)
	}
	for _, path := range []string{"/api/resource99/42/", "/api/resource50/"} {
		b.Run("nuages"+path, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := rt.Resolve("GET", path); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("baseline"+path, func(b *testing.B) {
			req := httptest.NewRequest("GET", path, nil)
			b.ReportAllocs()
			for b.Loop() {
				if _, pattern := mux.Handler(req); pattern == "" {
					b.Fatal("no match")
				}
			}
		})
	}
}

// BenchmarkDispatch is a whole pass through the router to a handler that
// does nothing: resolution, then the Match in the request's context and
// the path values; the baseline is ServeMux.ServeHTTP.
func BenchmarkDispatch(b *testing.B) {
	patterns, mux := benchRoutes()
	rt, err := web.NewRouter(web.Options{}, patterns...)
	if err != nil {
		b.Fatal(err)
	}
	for _, path := range []string{"/api/resource99/42/", "/api/resource50/"} {
		b.Run("nuages"+path, func(b *testing.B) { benchServe(b, rt, path) })
		b.Run("baseline"+path, func(b *testing.B) { benchServe(b, mux, path) })
	}
}

func BenchmarkReverse(b *testing.B) {
	patterns, _ := benchRoutes()
	rt, err := web.NewRouter(web.Options{}, patterns...)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := rt.Reverse("detail99", 42); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkResolveScale resolves the last route of 20, 200 and 2,000: the
// time stays flat, where trying routes one by one would grow with them.
func BenchmarkResolveScale(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		patterns, _ := manyRoutes(n)
		rt, err := web.NewRouter(web.Options{}, patterns...)
		if err != nil {
			b.Fatal(err)
		}
		path := fmt.Sprintf("/api/resource%d/42/", n-1)
		b.Run(fmt.Sprint(2*n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := rt.Resolve("GET", path); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRouteOnce: two middleware that must know the view (as CSRF
// exemption and login required by default do) and the router, for one of
// 200 routes. resolve_each is each asking Router.Resolve, three
// resolutions in all; resolving is Router.Resolving ahead of them and
// ResolveRequest in each, one resolution shared.
//
//	go test -run '^$' -bench RouteOnce -benchmem -count 6 ./web/ | benchstat -col /how
func BenchmarkRouteOnce(b *testing.B) {
	patterns, _ := benchRoutes()
	rt, err := web.NewRouter(web.Options{}, patterns...)
	if err != nil {
		b.Fatal(err)
	}
	const path = "/api/resource99/42/"
	needsView := func(resolve func(r *http.Request) (http.Handler, error)) func(http.Handler) http.Handler {
		return func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if h, err := resolve(r); err != nil || h == nil {
					b.Fatal("no route", err)
				}
				next.ServeHTTP(w, r)
			})
		}
	}
	each := needsView(func(r *http.Request) (http.Handler, error) {
		m, err := rt.Resolve(r.Method, r.URL.Path)
		return m.Handler, err
	})
	once := needsView(func(r *http.Request) (http.Handler, error) {
		m, err := rt.ResolveRequest(r)
		if err != nil {
			return nil, err
		}
		return m.Handler, nil
	})
	b.Run("how=resolve_each", func(b *testing.B) { benchServe(b, each(each(rt)), path) })
	b.Run("how=resolving", func(b *testing.B) { benchServe(b, rt.Resolving(once(once(rt))), path) })
}
