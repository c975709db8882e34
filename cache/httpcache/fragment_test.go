package httpcache_test

import (
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/nuages-go/nuages/cache"
	"github.com/nuages-go/nuages/cache/httpcache"
	"github.com/nuages-go/nuages/templates"
)

func TestFragmentFunc(t *testing.T) {
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := cache.NewMemory(cache.MemoryOptions{Options: cache.Options{Clock: func() time.Time { return clock }}})
	renders := 0
	var engine *templates.Engine
	funcs := template.FuncMap{
		"cache": httpcache.FragmentFunc(c, func(w io.Writer, r *http.Request, name string, d templates.Data) error {
			return engine.Render(w, r, name, d)
		}),
		"expensive": func() int { renders++; return renders },
	}
	dir := fstest.MapFS{"page.html": {Data: []byte(
		`{{define "sidebar"}}<aside>{{.user}} #{{expensive}} {{.request.URL.Path}}</aside>{{end}}` +
			`<main>{{cache 60 "page.html#sidebar" . .user}}</main>`)}}
	engine = templates.New(templates.Options{Dirs: []fs.FS{dir}, Funcs: funcs})

	render := func(user string) string {
		t.Helper()
		var b strings.Builder
		r := httptest.NewRequest("GET", "/polls/", nil)
		if err := engine.Render(&b, r, "page.html", templates.Data{"user": user}); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	steps := []struct {
		user, want string
		advance    time.Duration
	}{
		{"<bob>", "<main><aside>&lt;bob&gt; #1 /polls/</aside></main>", 0},
		{"<bob>", "<main><aside>&lt;bob&gt; #1 /polls/</aside></main>", 0}, // cached
		{"alice", "<main><aside>alice #2 /polls/</aside></main>", 0},       // varies on the user
		{"<bob>", "<main><aside>&lt;bob&gt; #3 /polls/</aside></main>", 2 * time.Minute},
	}
	for i, s := range steps {
		clock = clock.Add(s.advance)
		if got := render(s.user); got != s.want {
			t.Errorf("step %d: %s", i+1, got)
		}
	}
	if err := c.DeleteMany(t.Context(), []string{httpcache.FragmentKey("page.html#sidebar", "alice")}); err != nil {
		t.Fatal(err)
	}
	if got := render("alice"); !strings.Contains(got, "#4") {
		t.Errorf("after deleting its key, the fragment is %s; want it rendered again", got)
	}
}

func TestFragmentFuncErrors(t *testing.T) {
	c := cache.NewMemory(cache.MemoryOptions{})
	f := httpcache.FragmentFunc(c, func(w io.Writer, r *http.Request, name string, d templates.Data) error {
		_, err := io.WriteString(w, "x")
		return err
	})
	for _, ttl := range []any{0, -5, "soon", 1.5, nil} {
		if _, err := f(ttl, "a#b", nil); err == nil {
			t.Errorf("ttl %v accepted; want an error", ttl)
		}
	}
	for _, ttl := range []any{5, int64(5), "5m", time.Minute} {
		if got, err := f(ttl, "a#b", nil); err != nil || got != "x" {
			t.Errorf("ttl %v: %q, %v", ttl, got, err)
		}
	}
	// Odd names still make valid keys.
	for _, name := range []string{"with space#x", strings.Repeat("n", 300)} {
		if _, err := f(5, name, nil); err != nil {
			t.Errorf("name %.20q: %v", name, err)
		}
	}
}
