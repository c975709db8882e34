package middleware_test

import (
	"compress/gzip"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/nuages-go/nuages/web"
	"github.com/nuages-go/nuages/web/middleware"
)

// A project's MIDDLEWARE: the list reads as Django's settings, the first
// outermost.
func ExampleChain() {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	router, err := web.NewRouter(web.Options{},
		web.Path("", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "Hello from "+middleware.RequestIDFrom(r.Context()))
		}), "index"),
	)
	if err != nil {
		panic(err)
	}
	stack := middleware.Chain(
		middleware.Recover(logger),
		middleware.RequestID,
		middleware.AccessLog(logger),
		middleware.SecurityHeaders(middleware.SecurityOptions{
			HSTSSeconds:    3600, // on HTTPS requests only
			ProxySSLHeader: [2]string{"X-Forwarded-Proto", "https"},
		}),
		middleware.AllowedHosts([]string{"example.com", ".example.com"}, false),
		middleware.ConditionalGet,
		middleware.Gzip(gzip.DefaultCompression),
	)
	handler := stack(router)

	req := httptest.NewRequest("GET", "https://www.example.com/", nil)
	req.Header.Set("X-Request-Id", "req-42")
	req.Header.Set("X-Forwarded-Proto", "https")
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, req)
	fmt.Println(rec.Code, rec.Body)
	fmt.Println(rec.Header().Get("X-Frame-Options"), rec.Header().Get("Strict-Transport-Security"))
	// Output:
	// 200 Hello from req-42
	// DENY max-age=3600
}

// BeforeHeaders lets a middleware change the headers once the handler has
// chosen its status, before anything is sent, without buffering the body:
// here a header that says whether the request failed.
func ExampleBeforeHeaders() {
	outcome := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hw, finish := middleware.BeforeHeaders(w, func(status int) bool {
				w.Header().Set("X-Outcome", map[bool]string{true: "ok", false: "failed"}[status < 400])
				return true // false: the hook wrote a response of its own
			})
			next.ServeHTTP(hw, r)
			finish()
		})
	}
	for _, status := range []int{200, 404} {
		w := httptest.NewRecorder()
		outcome(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(status)
		})).ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
		fmt.Println(w.Code, w.Header().Get("X-Outcome"))
	}
	// Output:
	// 200 ok
	// 404 failed
}
