package httpcache_test

import (
	"html/template"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/nuages-go/nuages/cache"
	"github.com/nuages-go/nuages/cache/httpcache"
)

// pollsPage renders a list of 50 polls through html/template, the shape of a
// typical index page (without the database query a real one would add).
var pollsPage = template.Must(template.New("index").Parse(`<!doctype html><title>Polls</title><ul>
{{range .}}<li><a href="/polls/{{.ID}}/">{{.Text}}</a> ({{.Votes}} votes)</li>
{{end}}</ul>`))

type poll struct {
	ID    int
	Text  string
	Votes int
}

func pollsView() http.Handler {
	polls := make([]poll, 50)
	for i := range polls {
		polls[i] = poll{i + 1, "What's <new> & next?", i * 7}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := pollsPage.Execute(w, polls); err != nil {
			http.Error(w, err.Error(), 500)
		}
	})
}

// Run: go test -run '^$' -bench CachedView -benchmem ./cache/httpcache/
func BenchmarkCachedView(b *testing.B) {
	c := cache.NewMemory(cache.MemoryOptions{})
	defer c.Close()
	for _, bm := range []struct {
		name string
		h    http.Handler
	}{
		{"baseline", pollsView()},
		{"nuages", httpcache.Page(httpcache.Options{Cache: c}, httpcache.DefaultTTL)(pollsView())},
	} {
		b.Run(bm.name, func(b *testing.B) {
			r := httptest.NewRequest("GET", "/polls/", nil)
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				bm.h.ServeHTTP(w, r)
				if w.Code != 200 {
					b.Fatal(w.Code)
				}
			}
		})
	}
}
