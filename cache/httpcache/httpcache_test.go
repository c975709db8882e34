package httpcache_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nuages-go/nuages/cache"
	"github.com/nuages-go/nuages/cache/cachetest"
	"github.com/nuages-go/nuages/cache/httpcache"
)

// counter is a view that counts its calls and lets each test shape the
// response.
type counter struct {
	calls atomic.Int32
	fn    func(w http.ResponseWriter, r *http.Request)
}

func (c *counter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := c.calls.Add(1)
	if c.fn != nil {
		c.fn(w, r)
	}
	fmt.Fprintf(w, "call %d", n)
}

func newOpts(t *testing.T) (httpcache.Options, *cachetest.Clock) {
	clock := cachetest.NewClock()
	c := cache.NewMemory(cache.MemoryOptions{Options: cache.Options{Clock: clock.Now}})
	t.Cleanup(func() { c.Close() })
	return httpcache.Options{Cache: c, Now: clock.Now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, clock
}

func do(t *testing.T, h http.Handler, method, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Add(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestMiddlewareCachesPages(t *testing.T) {
	opts, clock := newOpts(t)
	view := &counter{fn: func(w http.ResponseWriter, r *http.Request) { w.Header().Set("Content-Type", "text/plain") }}
	h := httpcache.Middleware(opts)(view)

	first := do(t, h, "GET", "/polls/")
	second := do(t, h, "GET", "/polls/")
	if first.Body.String() != "call 1" || second.Body.String() != "call 1" || view.calls.Load() != 1 {
		t.Fatalf("bodies %q and %q after %d calls; want the first page twice", first.Body, second.Body, view.calls.Load())
	}
	for _, w := range []*httptest.ResponseRecorder{first, second} {
		if cc := w.Header().Get("Cache-Control"); cc != "max-age=600" {
			t.Errorf("Cache-Control = %q; want max-age=600", cc)
		}
		want := clock.Now().Add(10 * time.Minute).UTC().Format(http.TimeFormat)
		if got := w.Header().Get("Expires"); got != want {
			t.Errorf("Expires = %q; want %q", got, want)
		}
		if ct := w.Header().Get("Content-Type"); ct != "text/plain" {
			t.Errorf("Content-Type = %q", ct)
		}
	}
	head := do(t, h, "HEAD", "/polls/")
	if head.Code != 200 || head.Body.Len() != 0 || head.Header().Get("Cache-Control") == "" || view.calls.Load() != 1 {
		t.Errorf("HEAD: %d %q, %d calls; want the cached headers without a body", head.Code, head.Body, view.calls.Load())
	}
	// Another query, another page.
	if w := do(t, h, "GET", "/polls/?page=2"); w.Body.String() != "call 2" {
		t.Errorf("another query string got %q; want a fresh page", w.Body)
	}
	clock.Advance(11 * time.Minute)
	if w := do(t, h, "GET", "/polls/"); w.Body.String() != "call 3" {
		t.Errorf("after the TTL got %q; want a fresh page", w.Body)
	}
}

func TestNotCached(t *testing.T) {
	tests := []struct {
		name   string
		method string
		header []string // request headers
		view   func(w http.ResponseWriter, r *http.Request)
	}{
		{"post", "POST", nil, nil},
		{"not_found", "GET", nil, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(404) }},
		{"redirect", "GET", nil, func(w http.ResponseWriter, r *http.Request) { w.Header().Set("Location", "/x"); w.WriteHeader(302) }},
		{"sets_cookie", "GET", nil, func(w http.ResponseWriter, r *http.Request) {
			http.SetCookie(w, &http.Cookie{Name: "csrftoken", Value: "x"})
		}},
		{"varies_on_cookie", "GET", nil, func(w http.ResponseWriter, r *http.Request) { w.Header().Add("Vary", "Accept-Encoding, cookie") }},
		{"varies_on_star", "GET", nil, func(w http.ResponseWriter, r *http.Request) { w.Header().Set("Vary", "*") }},
		{"private", "GET", nil, func(w http.ResponseWriter, r *http.Request) { w.Header().Set("Cache-Control", "Private") }},
		{"no_store", "GET", nil, func(w http.ResponseWriter, r *http.Request) { w.Header().Set("Cache-Control", "public, no-store") }},
		{"no_cache", "GET", nil, func(w http.ResponseWriter, r *http.Request) { w.Header().Set("Cache-Control", "no-cache") }},
		{"max_age_zero", "GET", nil, func(w http.ResponseWriter, r *http.Request) { w.Header().Set("Cache-Control", "max-age=0") }},
		{"max_age_garbage", "GET", nil, func(w http.ResponseWriter, r *http.Request) { w.Header().Set("Cache-Control", "max-age=soon") }},
		{"authorization", "GET", []string{"Authorization", "Bearer t"}, nil},
		{"streamed", "GET", nil, func(w http.ResponseWriter, r *http.Request) { http.NewResponseController(w).Flush() }},
		{"too_big", "GET", nil, func(w http.ResponseWriter, r *http.Request) { w.Write(make([]byte, 2000)) }},
		{"never_cache", "GET", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts, _ := newOpts(t)
			opts.MaxBodyBytes = 1000
			view := &counter{fn: tt.view}
			var h http.Handler = view
			if tt.name == "never_cache" {
				h = httpcache.NeverCache(h)
			}
			h = httpcache.Middleware(opts)(h)
			for range 2 {
				do(t, h, tt.method, "/page/", tt.header...)
			}
			if n := view.calls.Load(); n != 2 {
				t.Errorf("the view ran %d times for 2 requests; want 2 (never cached)", n)
			}
		})
	}
}

// TestSessionsDoNotLeak shows that two users with different session
// cookies never see each other's page, whether the view says it varies on
// the cookie or sets one.
func TestSessionsDoNotLeak(t *testing.T) {
	views := map[string]func(w http.ResponseWriter, r *http.Request){
		"varies_on_cookie": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Add("Vary", "Cookie") // what a session middleware adds when the session is read
			c, _ := r.Cookie("sessionid")
			fmt.Fprintf(w, "hello %s, ", c.Value)
		},
		"rotates_session": func(w http.ResponseWriter, r *http.Request) {
			c, _ := r.Cookie("sessionid")
			http.SetCookie(w, &http.Cookie{Name: "sessionid", Value: c.Value})
			fmt.Fprintf(w, "hello %s, ", c.Value)
		},
	}
	for name, fn := range views {
		t.Run(name, func(t *testing.T) {
			opts, _ := newOpts(t)
			h := httpcache.Middleware(opts)(&counter{fn: fn})
			page := httpcache.Page(opts, time.Hour)(&counter{fn: fn})
			for _, h := range []http.Handler{h, page} {
				for range 2 {
					for _, user := range []string{"alice", "bob"} {
						w := do(t, h, "GET", "/account/", "Cookie", "sessionid="+user)
						if !strings.HasPrefix(w.Body.String(), "hello "+user+",") {
							t.Fatalf("%s got %q", user, w.Body)
						}
					}
				}
			}
		})
	}
}

func TestVary(t *testing.T) {
	opts, _ := newOpts(t)
	view := &counter{fn: func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Vary", "Accept-Language")
		fmt.Fprintf(w, "%s ", r.Header.Get("Accept-Language"))
	}}
	h := httpcache.Middleware(opts)(view)
	for _, lang := range []string{"fr", "en", "fr", "en", ""} {
		w := do(t, h, "GET", "/", "Accept-Language", lang)
		if !strings.HasPrefix(w.Body.String(), lang+" ") {
			t.Errorf("Accept-Language %q got %q", lang, w.Body)
		}
	}
	if n := view.calls.Load(); n != 3 {
		t.Errorf("the view ran %d times for fr, en, fr, en and none; want 3", n)
	}
}

func TestMaxAge(t *testing.T) {
	opts, clock := newOpts(t)
	view := &counter{fn: func(w http.ResponseWriter, r *http.Request) { w.Header().Set("Cache-Control", "public, max-age=60") }}
	site := httpcache.Middleware(opts)(view)
	pageView := &counter{fn: view.fn}
	opts.KeyPrefix = "page" // else page would find site's entries
	page := httpcache.Page(opts, time.Hour)(pageView)
	for _, h := range []http.Handler{site, page} {
		w := do(t, h, "GET", "/x/")
		do(t, h, "GET", "/x/")
		if cc := w.Header().Get("Cache-Control"); cc != "public, max-age=60" {
			t.Errorf("Cache-Control = %q; want the view's, unchanged", cc)
		}
	}
	clock.Advance(2 * time.Minute)
	do(t, site, "GET", "/x/")
	do(t, page, "GET", "/x/")
	if view.calls.Load() != 2 {
		t.Errorf("Middleware: %d calls; want 2 (max-age=60 expired)", view.calls.Load())
	}
	if pageView.calls.Load() != 1 {
		t.Errorf("Page: %d calls; want 1 (Page's own TTL wins)", pageView.calls.Load())
	}
}

func TestNeverCacheHeaders(t *testing.T) {
	w := do(t, httpcache.NeverCache(&counter{}), "GET", "/")
	if cc := w.Header().Get("Cache-Control"); cc != "max-age=0, no-cache, no-store, must-revalidate, private" {
		t.Errorf("Cache-Control = %q", cc)
	}
	if w.Header().Get("Expires") == "" {
		t.Error("no Expires header")
	}
}

// failing is a cache whose every call fails.
type failing struct{ cache.Dummy }

var errDown = fmt.Errorf("%w: down", cache.ErrUnavailable)

func (failing) Get(context.Context, string) ([]byte, error)              { return nil, errDown }
func (failing) Set(context.Context, string, []byte, time.Duration) error { return errDown }

func TestCacheFailureStillServes(t *testing.T) {
	var logs bytes.Buffer
	opts := httpcache.Options{Cache: failing{}, Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	view := &counter{}
	h := httpcache.Middleware(opts)(view)
	for i := range 2 {
		if w := do(t, h, "GET", "/"); w.Code != 200 || w.Body.String() != fmt.Sprintf("call %d", i+1) {
			t.Errorf("request %d: %d %q", i+1, w.Code, w.Body)
		}
	}
	if !strings.Contains(logs.String(), "down") {
		t.Errorf("the cache's failure was not logged: %q", logs.String())
	}
}

func TestOuterHeadersNotStored(t *testing.T) {
	opts, _ := newOpts(t)
	n := 0
	outer := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n++
			w.Header().Set("X-Request-Id", fmt.Sprint(n))
			next.ServeHTTP(w, r)
		})
	}
	h := outer(httpcache.Middleware(opts)(&counter{fn: func(w http.ResponseWriter, r *http.Request) { w.Header().Set("X-View", "v") }}))
	for i := range 2 {
		w := do(t, h, "GET", "/")
		if got := w.Header().Get("X-Request-Id"); got != fmt.Sprint(i+1) {
			t.Errorf("request %d has X-Request-Id %q; want its own", i+1, got)
		}
		if w.Header().Get("X-View") != "v" || w.Body.String() != "call 1" {
			t.Errorf("request %d: %v %q", i+1, w.Header(), w.Body)
		}
	}
}
