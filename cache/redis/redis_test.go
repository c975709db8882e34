package redis_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nuages-go/nuages/cache"
	"github.com/nuages-go/nuages/cache/cachetest"
	"github.com/nuages-go/nuages/cache/httpcache"
	"github.com/nuages-go/nuages/cache/redis"
	"github.com/nuages-go/nuages/internal/testenv"
)

// serverURL returns NUAGES_TEST_REDIS after checking that it answers.
func serverURL(t *testing.T) string {
	t.Helper()
	u := testenv.Lookup(t, testenv.Redis)
	c, err := redis.Open(redis.Options{URL: u, Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Client().Ping(t.Context()).Err(); err != nil {
		testenv.Unreachable(t, testenv.Redis, err)
	}
	return u
}

func TestSuite(t *testing.T) {
	t.Parallel()
	u := serverURL(t)
	cachetest.Run(t, cachetest.Suite{RealTime: true, New: func(t *testing.T, opts cache.Options) cache.Cache {
		// The suite's prefixes are unique per run, so tests never touch
		// other keys of a shared database.
		c, err := redis.Open(redis.Options{Options: opts, URL: u, Strict: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			c.Clear(context.Background())
			c.Close()
		})
		return c
	}})
}

func TestOpenRejectsBadURLs(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"", "http://localhost:6379", "redis://:secret@host:port/x"} {
		_, err := redis.Open(redis.Options{URL: u})
		if err == nil {
			t.Errorf("Open(%q) succeeded; want an error", u)
		} else if strings.Contains(err.Error(), "secret") {
			t.Errorf("Open(%q) error shows the password: %v", u, err)
		}
	}
}

// closedPort returns an address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestOutageMissesAndDropsWrites(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	c, err := redis.Open(redis.Options{
		URL:    "redis://" + closedPort(t) + "/0",
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := t.Context()
	if _, err := c.Get(ctx, "k"); !errors.Is(err, cache.ErrCacheMiss) {
		t.Errorf("Get during an outage = %v; want ErrCacheMiss", err)
	}
	if err := c.Set(ctx, "k", []byte("v"), cache.DefaultTTL); err != nil {
		t.Errorf("Set during an outage = %v; want nil (dropped)", err)
	}
	if added, err := c.Add(ctx, "k", []byte("v"), cache.DefaultTTL); err != nil || added {
		t.Errorf("Add during an outage = %v, %v; want false, nil", added, err)
	}
	v, err := c.GetOrSet(ctx, "k", cache.DefaultTTL, func(context.Context) ([]byte, error) { return []byte("computed"), nil })
	if err != nil || string(v) != "computed" {
		t.Errorf("GetOrSet during an outage = %q, %v; want the computed value", v, err)
	}
	if m, err := c.GetMany(ctx, []string{"a", "b"}); err != nil || len(m) != 0 {
		t.Errorf("GetMany during an outage = %v, %v; want an empty map", m, err)
	}
	if _, err := c.Incr(ctx, "n", 1); !errors.Is(err, cache.ErrCacheMiss) {
		t.Errorf("Incr during an outage = %v; want ErrCacheMiss", err)
	}
	for name, err := range map[string]error{
		"SetMany":    c.SetMany(ctx, map[string][]byte{"a": nil}, cache.DefaultTTL),
		"DeleteMany": c.DeleteMany(ctx, []string{"a"}),
		"Clear":      c.Clear(ctx),
	} {
		if err != nil {
			t.Errorf("%s during an outage = %v; want nil", name, err)
		}
	}
	if ok, err := c.Delete(ctx, "k"); err != nil || ok {
		t.Errorf("Delete during an outage = %v, %v", ok, err)
	}
	if n := strings.Count(logs.String(), "level=WARN"); n != 1 {
		t.Errorf("logged %d warnings; want exactly 1 per outage:\n%s", n, logs.String())
	}
	// Invalid keys are still errors: they are bugs, not outages.
	if err := c.Set(ctx, "bad key", nil, cache.DefaultTTL); !errors.Is(err, cache.ErrInvalidKey) {
		t.Errorf("Set(bad key) during an outage = %v; want ErrInvalidKey", err)
	}
}

func TestOutageStrict(t *testing.T) {
	t.Parallel()
	c, err := redis.Open(redis.Options{URL: "redis://" + closedPort(t) + "/0", Strict: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := t.Context()
	if _, err := c.Get(ctx, "k"); !errors.Is(err, cache.ErrUnavailable) {
		t.Errorf("Get = %v; want ErrUnavailable", err)
	}
	if err := c.Set(ctx, "k", nil, cache.DefaultTTL); !errors.Is(err, cache.ErrUnavailable) {
		t.Errorf("Set = %v; want ErrUnavailable", err)
	}
	// Within RetryAfter the cache does not even dial.
	if _, err := c.Get(ctx, "k"); !errors.Is(err, cache.ErrUnavailable) || !strings.Contains(err.Error(), "not called") {
		t.Errorf("Get right after a failure = %v; want a call not made", err)
	}
}

// proxy forwards TCP connections to a Redis server and can be stopped and
// started on the same address, to simulate an outage and a recovery.
type proxy struct {
	t      *testing.T
	addr   string
	target string
	mu     sync.Mutex
	l      net.Listener
	conns  []net.Conn
}

func (p *proxy) start() {
	l, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatal(err)
	}
	p.mu.Lock()
	p.l, p.addr = l, l.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			in, err := l.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", p.target)
			if err != nil {
				in.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, in, out)
			p.mu.Unlock()
			go func() { io.Copy(out, in); out.Close() }()
			go func() { io.Copy(in, out); in.Close() }()
		}
	}()
}

func (p *proxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.l.Close()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func TestRecoversAfterOutage(t *testing.T) {
	t.Parallel()
	u := serverURL(t)
	parsed, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{t: t, addr: "127.0.0.1:0", target: parsed.Host}
	p.start()
	defer p.stop()
	parsed.Host = p.addr // same credentials and database, through the proxy
	var logs bytes.Buffer
	c, err := redis.Open(redis.Options{
		Options:    cache.Options{KeyPrefix: "recovery" + time.Now().Format("150405.000000000")},
		URL:        parsed.String(),
		RetryAfter: 50 * time.Millisecond,
		Logger:     slog.New(slog.NewTextHandler(&logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := t.Context()
	defer c.Clear(context.Background())
	if err := c.Set(ctx, "k", []byte("before"), time.Minute); err != nil {
		t.Fatal(err)
	}

	p.stop() // Redis goes away
	if _, err := c.Get(ctx, "k"); !errors.Is(err, cache.ErrCacheMiss) {
		t.Fatalf("Get during the outage = %v; want a miss", err)
	}
	if err := c.Set(ctx, "k", []byte("dropped"), time.Minute); err != nil {
		t.Fatalf("Set during the outage = %v; want nil", err)
	}

	p.start() // and comes back on the same address
	deadline := time.Now().Add(5 * time.Second)
	for {
		v, err := c.Get(ctx, "k")
		if err == nil {
			if string(v) != "before" {
				t.Errorf("after recovery Get = %q; want before (the dropped write never happened)", v)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the cache did not recover within 5s: %v\n%s", err, logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(logs.String(), "Redis does not answer") || !strings.Contains(logs.String(), "Redis answers again") {
		t.Errorf("want a warning for the outage and a notice for the recovery; logged:\n%s", logs.String())
	}
}

// TestClearEscapesGlob shows that Clear on a prefix with glob characters
// deletes only its own keys.
func TestClearEscapesGlob(t *testing.T) {
	t.Parallel()
	u := serverURL(t)
	run := time.Now().Format("150405.000000000")
	open := func(prefix string) *redis.Cache {
		c, err := redis.Open(redis.Options{Options: cache.Options{KeyPrefix: prefix}, URL: u, Strict: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Clear(context.Background()); c.Close() })
		return c
	}
	glob, plain := open("glob"+run+"*[a]?"), open("glob"+run+"xa_")
	ctx := t.Context()
	for _, c := range []*redis.Cache{glob, plain} {
		if err := c.Set(ctx, "k", []byte("v"), time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	if err := glob.Clear(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := glob.Get(ctx, "k"); !errors.Is(err, cache.ErrCacheMiss) {
		t.Errorf("the cleared cache still has k: %v", err)
	}
	if _, err := plain.Get(ctx, "k"); err != nil {
		t.Errorf("Clear of prefix %q deleted another prefix's key: %v", "*[a]?", err)
	}
}

// TestSiteKeepsAnswering serves pages through the site cache on a Redis
// that is down: every request is answered, none waits for Redis.
func TestSiteKeepsAnswering(t *testing.T) {
	t.Parallel()
	c, err := redis.Open(redis.Options{URL: "redis://" + closedPort(t) + "/0", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	calls := 0
	view := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { calls++; io.WriteString(w, "page") })
	h := httpcache.Middleware(httpcache.Options{Cache: c, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})(view)
	for i := range 20 {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
		if w.Code != 200 || w.Body.String() != "page" {
			t.Fatalf("request %d: %d %q", i+1, w.Code, w.Body)
		}
	}
	if calls != 20 {
		t.Errorf("the view ran %d times for 20 requests; want 20 (nothing can be cached)", calls)
	}
}

// Backend opens a Redis cache for a project's redis:// URLs, with the
// project's prefix and strictness, and a bad URL is an error with no cache
// (not a nil *Cache in a non-nil cache.Cache).
func TestBackend(t *testing.T) {
	if got := (redis.Backend{}).Schemes(); strings.Join(got, ",") != "redis,rediss" {
		t.Errorf("Schemes = %q, want redis and rediss", got)
	}
	if c, err := (redis.Backend{}).Open(cache.BackendConfig{URL: "redis://localhost/notanumber"}); err == nil || c != nil {
		t.Errorf("Open(bad URL) = %#v, %v; want nil and an error", c, err)
	}
	u := serverURL(t)
	prefix := "backendtest" + time.Now().Format("150405.000000000")
	c, err := (redis.Backend{}).Open(cache.BackendConfig{Options: cache.Options{KeyPrefix: prefix}, URL: u, Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	defer c.Clear(context.Background())
	if err := c.Set(t.Context(), "k", []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}
	raw, err := c.(*redis.Cache).Client().Get(t.Context(), prefix+":1:k").Result()
	if err != nil || raw != "v" {
		t.Errorf("the key under the project's prefix holds %q, %v; want v", raw, err)
	}
}
