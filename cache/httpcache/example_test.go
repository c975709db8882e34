package httpcache_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/nuages-go/nuages/cache"
	"github.com/nuages-go/nuages/cache/httpcache"
)

func ExamplePage() {
	c := cache.NewMemory(cache.MemoryOptions{})
	calls := 0
	index := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		fmt.Fprintf(w, "<h1>Latest polls</h1> (rendered %d times)", calls)
	})
	mux := http.NewServeMux()
	mux.Handle("GET /polls/", httpcache.Page(httpcache.Options{Cache: c}, 15*time.Minute)(index))

	for range 3 {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest("GET", "/polls/", nil))
		fmt.Println(w.Body, w.Header().Get("Cache-Control"))
	}
	// Output:
	// <h1>Latest polls</h1> (rendered 1 times) max-age=900
	// <h1>Latest polls</h1> (rendered 1 times) max-age=900
	// <h1>Latest polls</h1> (rendered 1 times) max-age=900
}

func ExampleNeverCache() {
	account := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "your account") })
	w := httptest.NewRecorder()
	httpcache.NeverCache(account).ServeHTTP(w, httptest.NewRequest("GET", "/account/", nil))
	fmt.Println(w.Header().Get("Cache-Control"))
	// Output: max-age=0, no-cache, no-store, must-revalidate, private
}
