package nuages

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nuages-go/nuages/cache"
	"github.com/nuages-go/nuages/cache/httpcache"
	"github.com/nuages-go/nuages/cache/redis"
	"github.com/nuages-go/nuages/internal/testenv"
	"github.com/nuages-go/nuages/templates"
	"github.com/nuages-go/nuages/web"
)

func TestProjectCache(t *testing.T) {
	t.Parallel()
	s := devSettings(t)
	s.CacheBackends = []cache.Backend{redis.Backend{}}
	s.Caches = map[string]CacheConfig{
		"pages":    {URL: "memory://?max_entries=2", TTL: time.Minute},
		"off":      {URL: "dummy://"},
		"shared":   {URL: "database://default/site_cache?max_entries=50&cull_frequency=2", KeyPrefix: "site"},
		"redisish": {URL: "redis://127.0.0.1:1/0"},
	}
	p := newProject(t, s)
	ctx := t.Context()

	def, err := p.Cache(DefaultCache)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := def.(*cache.Memory); !ok {
		t.Errorf("the unconfigured default cache is a %T; want *cache.Memory", def)
	}
	if again, _ := p.Cache(DefaultCache); again != def {
		t.Error("Cache returned a second cache for the same name; want the one opened first")
	}
	wantTypes := map[string]string{"pages": "*cache.Memory", "off": "cache.Dummy", "shared": "*dbcache.Cache", "redisish": "*redis.Cache"}
	for name, want := range wantTypes {
		c, err := p.Cache(name)
		if err != nil {
			t.Fatalf("Cache(%q): %v", name, err)
		}
		if got := fmt.Sprintf("%T", c); got != want {
			t.Errorf("Cache(%q) is a %s; want %s", name, got, want)
		}
	}
	pages, _ := p.Cache("pages")
	for _, k := range []string{"a", "b", "c"} {
		if err := pages.Set(ctx, k, []byte(k), cache.DefaultTTL); err != nil {
			t.Fatal(err)
		}
	}
	if n := pages.(*cache.Memory).Len(); n != 2 {
		t.Errorf("max_entries=2 from the URL: Len = %d", n)
	}

	if _, err := p.Cache("nope"); err == nil || !strings.Contains(err.Error(), `no cache "nope": the configured ones are off, pages, redisish, shared`) {
		t.Errorf("Cache(nope) = %v", err)
	}

	// createcachetable creates the database cache's table once.
	if code, out, errOut := runCLI(t, p, "createcachetable", "-dry-run"); code != 0 || !strings.Contains(out, `CREATE TABLE "site_cache"`) {
		t.Errorf("createcachetable -dry-run: %d %q %q", code, out, errOut)
	}
	for _, want := range []string{`Cache table "site_cache" created in database "default".`, `Cache table "site_cache" already exists`} {
		if code, out, errOut := runCLI(t, p, "createcachetable"); code != 0 || !strings.Contains(out, want) {
			t.Errorf("createcachetable: %d %q %q; want %q", code, out, errOut, want)
		}
	}
	if code, _, errOut := runCLI(t, p, "createcachetable", "pages"); code != 2 || !strings.Contains(errOut, `cache "pages" is not a database cache`) {
		t.Errorf("createcachetable pages: %d %q", code, errOut)
	}
	shared, _ := p.Cache("shared")
	if err := shared.Set(ctx, "k", []byte("v"), cache.DefaultTTL); err != nil {
		t.Fatalf("the database cache after createcachetable: %v", err)
	}

	// A Redis that is down: the site keeps going.
	r, _ := p.Cache("redisish")
	if _, err := r.Get(ctx, "k"); !errors.Is(err, cache.ErrCacheMiss) {
		t.Errorf("Get on a Redis that is down = %v; want a miss", err)
	}

	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := def.Get(ctx, "a"); !errors.Is(err, cache.ErrClosed) {
		t.Errorf("Get after Project.Close = %v; want ErrClosed", err)
	}
	if _, err := p.Cache(DefaultCache); !errors.Is(err, cache.ErrClosed) {
		t.Errorf("Cache after Close = %v; want ErrClosed", err)
	}
}

func TestCacheSettings(t *testing.T) {
	tests := []struct {
		name, url, want string
	}{
		{"unknown_scheme", "memcached://x", `nuages: cache "c": unknown backend "memcached"`},
		{"bad_max_entries", "memory://?max_entries=lots", `max_entries="lots": want a positive integer`},
		{"bad_max_bytes", "memory://?max_bytes=-1", `max_bytes="-1": want a positive number of bytes`},
		{"unknown_database", "database://replica/t", `no database "replica": the configured ones are default`},
		{"unparsable", "redis://%zz", `the URL does not parse`},
		{"redis_bad_db", "redis://localhost/notanumber", `cache "c"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := devSettings(t)
			s.CacheBackends = []cache.Backend{redis.Backend{}}
			s.Caches = map[string]CacheConfig{"c": {URL: tt.url}}
			err := s.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate = %v; want %q", err, tt.want)
			}
		})
	}
	for _, ok := range []string{"", "memory://", "dummy://", "redis://localhost:6379/0", "rediss://u:p@h:6380/1?pool_size=5", "database://", "database://default/other"} {
		s := devSettings(t)
		s.CacheBackends = []cache.Backend{redis.Backend{}}
		s.Caches = map[string]CacheConfig{"c": {URL: ok}}
		if err := s.Validate(); err != nil {
			t.Errorf("URL %q: %v", ok, err)
		}
	}
}

func TestCacheEnv(t *testing.T) {
	s := devSettings(t)
	orig := map[string]CacheConfig{"default": {URL: "memory://", KeyPrefix: "kept"}}
	s.Caches = orig
	if err := s.LoadEnv([]string{"CACHE_URL=dummy://", "NUAGES_CACHE_URL=redis://cache:6379/2"}); err != nil {
		t.Fatal(err)
	}
	if got := s.Caches["default"]; got.URL != "redis://cache:6379/2" || got.KeyPrefix != "kept" {
		t.Errorf("default cache after LoadEnv = %+v", got)
	}
	if orig["default"].URL != "memory://" {
		t.Error("LoadEnv wrote into the caller's map")
	}
}

// TestProjectRedisCache opens a Redis cache from settings on the real
// server, when NUAGES_TEST_REDIS names one.
func TestProjectRedisCache(t *testing.T) {
	t.Parallel()
	u := testenv.Lookup(t, testenv.Redis)
	s := devSettings(t)
	prefix := "projecttest" + time.Now().Format("150405.000000000")
	s.CacheBackends = []cache.Backend{redis.Backend{}}
	s.Caches = map[string]CacheConfig{DefaultCache: {URL: u, KeyPrefix: prefix, Strict: true}}
	p := newProject(t, s)
	c, err := p.Cache(DefaultCache)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Clear(t.Context())
	if err := c.Set(t.Context(), "k", []byte("v"), time.Minute); err != nil {
		testenv.Unreachable(t, testenv.Redis, err)
	}
	if v, err := c.Get(t.Context(), "k"); err != nil || string(v) != "v" {
		t.Errorf("Get = %q, %v", v, err)
	}
}

// TestSiteCache runs the site-wide cache in a project's middleware stack:
// public pages are served from the cache (compressed on the way out by
// Gzip), personal pages never are, whichever session cookie comes first.
func TestSiteCache(t *testing.T) {
	t.Parallel()
	s := devSettings(t)
	calls := map[string]int{}
	s.Middleware = func(p *Project) []func(http.Handler) http.Handler {
		c, err := p.Cache(DefaultCache)
		if err != nil {
			t.Fatal(err)
		}
		return append(p.DefaultMiddleware(), httpcache.Middleware(httpcache.Options{Cache: c}))
	}
	s.URLs = func(p *Project) ([]web.Pattern, error) {
		return []web.Pattern{
			web.Path("news/", web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
				calls["news"]++
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				fmt.Fprintf(w, "<p>%s</p>", strings.Repeat("news ", 200))
				return nil
			}), "news"),
			web.Path("account/", web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
				calls["account"]++
				w.Header().Add("Vary", "Cookie")
				c, err := r.Cookie("sessionid")
				if err != nil {
					return web.NotFound("no session")
				}
				fmt.Fprintf(w, "account of %s", c.Value)
				return nil
			}), "account"),
		}, nil
	}
	p := newProject(t, s)
	h, err := p.Handler()
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string, header ...string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", path, nil)
		r.Host = "localhost"
		for i := 0; i+1 < len(header); i += 2 {
			r.Header.Set(header[i], header[i+1])
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	ids := map[string]bool{}
	for i, enc := range []string{"", "gzip", ""} {
		w := get("/news/", "Accept-Encoding", enc)
		ids[w.Header().Get("X-Request-Id")] = true
		if w.Code != 200 || w.Header().Get("Cache-Control") != "max-age=600" {
			t.Fatalf("news #%d: %d, Cache-Control %q", i+1, w.Code, w.Header().Get("Cache-Control"))
		}
		if got := w.Header().Get("Content-Encoding"); got != enc {
			t.Errorf("news #%d with Accept-Encoding %q: Content-Encoding %q", i+1, enc, got)
		}
	}
	if len(ids) != 3 {
		t.Errorf("request ids %v: a cached page replays its first request's id", ids)
	}
	if calls["news"] != 1 {
		t.Errorf("the news view ran %d times for 3 requests; want 1", calls["news"])
	}
	for range 2 {
		for _, user := range []string{"alice", "bob"} {
			if w := get("/account/", "Cookie", "sessionid="+user); w.Body.String() != "account of "+user {
				t.Fatalf("%s got %d %q", user, w.Code, w.Body)
			}
		}
	}
	if calls["account"] != 4 {
		t.Errorf("the account view ran %d times for 4 requests; want 4 (never cached)", calls["account"])
	}
}

// TestTemplateCacheFunc shows the project's templates caching a fragment in
// the default cache.
func TestTemplateCacheFunc(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	page := `{{define "side"}}<aside>{{.n}}</aside>{{end}}<main>{{cache 60 "page.html#side" . .user}}</main>`
	if err := os.WriteFile(filepath.Join(dir, "page.html"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	s := devSettings(t)
	s.TemplateDirs = []string{dir}
	p := newProject(t, s)
	render := func(n int) string {
		var b strings.Builder
		if err := p.Render(&b, nil, "page.html", templates.Data{"n": n, "user": "ann"}); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	if first, second := render(1), render(2); first != "<main><aside>1</aside></main>" || second != first {
		t.Errorf("renders %q then %q; want the first fragment twice", first, second)
	}
	c, _ := p.Cache(DefaultCache)
	if v, err := c.Get(t.Context(), httpcache.FragmentKey("page.html#side", "ann")); err != nil || string(v) != "<aside>1</aside>" {
		t.Errorf("the cached fragment = %q, %v", v, err)
	}
}
