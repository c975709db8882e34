// Package cachetest is the behaviour suite every cache backend passes, and
// a fake clock for tests: a backend's test calls Run with a function that
// opens an empty cache.
//
//	func TestSuite(t *testing.T) {
//		cachetest.Run(t, cachetest.Suite{New: func(t *testing.T, opts cache.Options) cache.Cache {
//			c := mybackend.New(opts)
//			t.Cleanup(func() { c.Close() })
//			return c
//		}})
//	}
package cachetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nuages-go/nuages/cache"
)

// Clock is a fake clock for cache.Options.Clock: time moves only when
// Advance is called. It is safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock stopped at a fixed instant.
func NewClock() *Clock {
	return &Clock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Suite describes the backend under test.
type Suite struct {
	// New opens a cache with opts, empty of the keys of opts.KeyPrefix.
	// Caches opened by one run of the suite must share their storage
	// when the backend has one (a server, a table), so that the suite can
	// check that prefixes and versions keep caches apart. New closes
	// what it opens with t.Cleanup.
	New func(t *testing.T, opts cache.Options) cache.Cache
	// RealTime says the backend keeps time itself (Redis) and ignores
	// Options.Clock: the expiry tests then sleep, for a few hundred
	// milliseconds in all.
	RealTime bool
	// SeparateStores says each cache New returns has a store of its own
	// (process memory): the check that two caches with the same prefix
	// and version see the same keys is skipped.
	SeparateStores bool
	// Bounded, when the backend bounds its number of keys, opens a cache
	// holding at most maxEntries keys, for the eviction test.
	Bounded func(t *testing.T, opts cache.Options, maxEntries int) cache.Cache
}

// Run runs the behaviour suite as subtests of t.
func Run(t *testing.T, s Suite) {
	tests := []struct {
		name string
		fn   func(*testing.T, *env)
	}{
		{"GetSet", testGetSet},
		{"TTL", testTTL},
		{"Add", testAdd},
		{"Delete", testDelete},
		{"Incr", testIncr},
		{"IncrConcurrent", testIncrConcurrent},
		{"GetOrSet", testGetOrSet},
		{"GetOrSetConcurrent", testGetOrSetConcurrent},
		{"Many", testMany},
		{"Touch", testTouch},
		{"Clear", testClear},
		{"PrefixAndVersion", testPrefixAndVersion},
		{"InvalidKeys", testInvalidKeys},
		{"Values", testValues},
		{"Close", testClose},
		{"Eviction", testEviction},
	}
	run := fmt.Sprintf("%x", time.Now().UnixNano())
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &env{suite: s, clock: NewClock(), prefix: fmt.Sprintf("t%s-%d", run, i)}
			e.unit = time.Second
			if s.RealTime {
				e.unit = 250 * time.Millisecond
			}
			tt.fn(t, e)
		})
	}
}

// env is one subtest's view of the backend.
type env struct {
	suite  Suite
	clock  *Clock
	prefix string        // unique per subtest and run, for shared servers
	unit   time.Duration // a TTL long enough to observe a hit before expiry
}

func (e *env) open(t *testing.T, opts cache.Options) cache.Cache {
	t.Helper()
	opts.KeyPrefix = e.prefix + opts.KeyPrefix
	opts.Clock = e.clock.Now
	return e.suite.New(t, opts)
}

func (e *env) cache(t *testing.T) cache.Cache { return e.open(t, cache.Options{}) }

// wait lets d pass, on the fake clock or for real.
func (e *env) wait(d time.Duration) {
	if e.suite.RealTime {
		time.Sleep(d)
		return
	}
	e.clock.Advance(d)
}

func wantValue(t *testing.T, c cache.Cache, key, want string) {
	t.Helper()
	got, err := c.Get(t.Context(), key)
	if err != nil || string(got) != want {
		t.Fatalf("Get(%q) = %q, %v; want %q, nil", key, got, err, want)
	}
}

func wantMiss(t *testing.T, c cache.Cache, key string) {
	t.Helper()
	got, err := c.Get(t.Context(), key)
	if !errors.Is(err, cache.ErrCacheMiss) {
		t.Fatalf("Get(%q) = %q, %v; want ErrCacheMiss", key, got, err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func testGetSet(t *testing.T, e *env) {
	c, ctx := e.cache(t), t.Context()
	wantMiss(t, c, "k")
	buf := []byte("one")
	must(t, c.Set(ctx, "k", buf, cache.DefaultTTL))
	copy(buf, "xxx") // the caller may reuse its buffer
	wantValue(t, c, "k", "one")
	must(t, c.Set(ctx, "k", []byte("two"), cache.NoExpiry))
	wantValue(t, c, "k", "two")

	binary := make([]byte, 256)
	for i := range binary {
		binary[i] = byte(i)
	}
	must(t, c.Set(ctx, "binary", binary, cache.DefaultTTL))
	wantValue(t, c, "binary", string(binary))

	must(t, c.Set(ctx, "empty", nil, cache.DefaultTTL))
	if got, err := c.Get(ctx, "empty"); err != nil || len(got) != 0 {
		t.Fatalf("Get(empty) = %q, %v; want an empty hit", got, err)
	}
	must(t, c.Set(ctx, "clé:été/ü", []byte("unicode"), cache.DefaultTTL))
	wantValue(t, c, "clé:été/ü", "unicode")
}

func testTTL(t *testing.T, e *env) {
	ctx, u := t.Context(), e.unit
	c := e.open(t, cache.Options{TTL: 2 * u})
	must(t, c.Set(ctx, "short", []byte("v"), 2*u))
	must(t, c.Set(ctx, "default", []byte("v"), cache.DefaultTTL))
	must(t, c.Set(ctx, "forever", []byte("v"), cache.NoExpiry))
	must(t, c.Set(ctx, "long", []byte("v"), 100*u))
	e.wait(u)
	wantValue(t, c, "short", "v")
	wantValue(t, c, "default", "v")
	e.wait(2 * u)
	wantMiss(t, c, "short")
	wantMiss(t, c, "default")
	wantValue(t, c, "forever", "v")
	wantValue(t, c, "long", "v")
	if !e.suite.RealTime {
		e.wait(1000 * time.Hour)
		wantValue(t, c, "forever", "v")
	}
	// A TTL of zero or less expires at once: Set deletes the key.
	must(t, c.Set(ctx, "long", []byte("w"), -5*time.Second))
	wantMiss(t, c, "long")
	added, err := c.Add(ctx, "neg", []byte("v"), -time.Second)
	if err != nil {
		t.Fatal(err)
	}
	wantMiss(t, c, "neg")
	_ = added // Django reports either; what matters is that nothing is kept
}

func testAdd(t *testing.T, e *env) {
	c, ctx := e.cache(t), t.Context()
	for i, want := range []bool{true, false} {
		added, err := c.Add(ctx, "k", []byte(strconv.Itoa(i)), e.unit)
		if err != nil || added != want {
			t.Fatalf("Add #%d = %v, %v; want %v, nil", i+1, added, err, want)
		}
	}
	wantValue(t, c, "k", "0")
	e.wait(2 * e.unit)
	if added, err := c.Add(ctx, "k", []byte("new"), cache.DefaultTTL); err != nil || !added {
		t.Fatalf("Add over an expired key = %v, %v; want true, nil", added, err)
	}
	wantValue(t, c, "k", "new")
}

func testDelete(t *testing.T, e *env) {
	c, ctx := e.cache(t), t.Context()
	must(t, c.Set(ctx, "k", []byte("v"), cache.DefaultTTL))
	for i, want := range []bool{true, false} {
		if ok, err := c.Delete(ctx, "k"); err != nil || ok != want {
			t.Fatalf("Delete #%d = %v, %v; want %v, nil", i+1, ok, err, want)
		}
	}
	wantMiss(t, c, "k")
}

func testIncr(t *testing.T, e *env) {
	c, ctx := e.cache(t), t.Context()
	if _, err := c.Incr(ctx, "missing", 1); !errors.Is(err, cache.ErrCacheMiss) {
		t.Errorf("Incr(missing) error = %v; want ErrCacheMiss", err)
	}
	if _, err := c.Decr(ctx, "missing", 1); !errors.Is(err, cache.ErrCacheMiss) {
		t.Errorf("Decr(missing) error = %v; want ErrCacheMiss", err)
	}
	must(t, c.Set(ctx, "text", []byte("ten"), cache.DefaultTTL))
	if _, err := c.Incr(ctx, "text", 1); !errors.Is(err, cache.ErrNotInteger) {
		t.Errorf("Incr(text) error = %v; want ErrNotInteger", err)
	}
	wantValue(t, c, "text", "ten")

	must(t, c.Set(ctx, "n", []byte("10"), 2*e.unit))
	steps := []struct {
		decr  bool
		delta int64
		want  int64
	}{{false, 5, 15}, {true, 20, -5}, {false, 0, -5}, {false, -1, -6}, {true, -16, 10}}
	for _, s := range steps {
		op, f := "Incr", c.Incr
		if s.decr {
			op, f = "Decr", c.Decr
		}
		if got, err := f(ctx, "n", s.delta); err != nil || got != s.want {
			t.Fatalf("%s(n, %d) = %d, %v; want %d", op, s.delta, got, err, s.want)
		}
	}
	wantValue(t, c, "n", "10")

	must(t, c.Set(ctx, "big", []byte(strconv.FormatInt(1<<63-1, 10)), cache.DefaultTTL))
	if _, err := c.Incr(ctx, "big", 1); !errors.Is(err, cache.ErrNotInteger) {
		t.Errorf("Incr past MaxInt64 error = %v; want ErrNotInteger", err)
	}
	// Incr keeps the key's expiry.
	e.wait(3 * e.unit)
	wantMiss(t, c, "n")
}

func testIncrConcurrent(t *testing.T, e *env) {
	c, ctx := e.cache(t), t.Context()
	must(t, c.Set(ctx, "n", []byte("0"), cache.NoExpiry))
	const workers, each = 8, 50
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Go(func() {
			for range each {
				if _, err := c.Incr(ctx, "n", 1); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	wantValue(t, c, "n", strconv.Itoa(workers*each))
}

func testGetOrSet(t *testing.T, e *env) {
	c, ctx := e.cache(t), t.Context()
	calls := 0
	compute := func(context.Context) ([]byte, error) { calls++; return []byte("computed"), nil }
	for i := range 2 {
		got, err := c.GetOrSet(ctx, "k", cache.DefaultTTL, compute)
		if err != nil || string(got) != "computed" {
			t.Fatalf("GetOrSet #%d = %q, %v", i+1, got, err)
		}
	}
	if calls != 1 {
		t.Errorf("compute ran %d times; want 1 (the second call is a hit)", calls)
	}
	wantValue(t, c, "k", "computed")

	boom := errors.New("boom")
	_, err := c.GetOrSet(ctx, "failing", cache.DefaultTTL, func(context.Context) ([]byte, error) { return nil, boom })
	if !errors.Is(err, boom) {
		t.Errorf("GetOrSet with a failing compute = %v; want its error", err)
	}
	wantMiss(t, c, "failing")
}

func testGetOrSetConcurrent(t *testing.T, e *env) {
	c, ctx := e.cache(t), t.Context()
	const workers = 16
	var calls atomic.Int32
	var arrived sync.WaitGroup // every worker has started its GetOrSet
	arrived.Add(workers)
	compute := func(context.Context) ([]byte, error) {
		calls.Add(1)
		arrived.Wait() // the others pile up meanwhile
		return []byte("once"), nil
	}
	var wg sync.WaitGroup
	results := make(chan string, workers)
	for range workers {
		wg.Go(func() {
			arrived.Done()
			v, err := c.GetOrSet(ctx, "k", cache.DefaultTTL, compute)
			if err != nil {
				results <- "error: " + err.Error()
				return
			}
			results <- string(v)
		})
	}
	wg.Wait()
	close(results)
	for r := range results {
		if r != "once" {
			t.Errorf("a GetOrSet returned %q; want once", r)
		}
	}
	// Whatever the timing, later callers find the stored value, so the
	// count is exactly one.
	if n := calls.Load(); n != 1 {
		t.Errorf("compute ran %d times for %d concurrent misses; want 1", n, workers)
	}
}

func testMany(t *testing.T, e *env) {
	c, ctx := e.cache(t), t.Context()
	must(t, c.SetMany(ctx, map[string][]byte{"a": []byte("1"), "b": []byte("2"), "c": []byte("3")}, e.unit))
	got, err := c.GetMany(ctx, []string{"a", "b", "missing", "c"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || string(got["a"]) != "1" || string(got["b"]) != "2" || string(got["c"]) != "3" {
		t.Fatalf("GetMany = %q; want a, b and c", got)
	}
	must(t, c.DeleteMany(ctx, []string{"a", "c", "missing"}))
	got, err = c.GetMany(ctx, []string{"a", "b", "c"})
	if err != nil || len(got) != 1 || string(got["b"]) != "2" {
		t.Fatalf("GetMany after DeleteMany = %q, %v; want only b", got, err)
	}
	e.wait(2 * e.unit)
	wantMiss(t, c, "b")

	if got, err := c.GetMany(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("GetMany(nil) = %q, %v; want an empty map", got, err)
	}
	must(t, c.SetMany(ctx, nil, cache.DefaultTTL))
	must(t, c.DeleteMany(ctx, nil))

	// One bad key fails the whole call, before anything is stored.
	err = c.SetMany(ctx, map[string][]byte{"good": []byte("1"), "bad key": []byte("2")}, cache.DefaultTTL)
	if !errors.Is(err, cache.ErrInvalidKey) {
		t.Fatalf("SetMany with a bad key = %v; want ErrInvalidKey", err)
	}
	wantMiss(t, c, "good")
}

func testTouch(t *testing.T, e *env) {
	c, ctx := e.cache(t), t.Context()
	if ok, err := c.Touch(ctx, "missing", e.unit); err != nil || ok {
		t.Fatalf("Touch(missing) = %v, %v; want false, nil", ok, err)
	}
	must(t, c.Set(ctx, "k", []byte("v"), 2*e.unit))
	must(t, c.Set(ctx, "forever", []byte("v"), 2*e.unit))
	if ok, err := c.Touch(ctx, "k", 10*e.unit); err != nil || !ok {
		t.Fatalf("Touch(k) = %v, %v; want true, nil", ok, err)
	}
	if ok, err := c.Touch(ctx, "forever", cache.NoExpiry); err != nil || !ok {
		t.Fatalf("Touch(forever, NoExpiry) = %v, %v; want true, nil", ok, err)
	}
	e.wait(3 * e.unit)
	wantValue(t, c, "k", "v")
	wantValue(t, c, "forever", "v")
	must(t, c.Set(ctx, "shorten", []byte("v"), cache.NoExpiry))
	if ok, err := c.Touch(ctx, "shorten", e.unit); err != nil || !ok {
		t.Fatalf("Touch(shorten) = %v, %v; want true, nil", ok, err)
	}
	e.wait(2 * e.unit)
	wantMiss(t, c, "shorten")
}

func testClear(t *testing.T, e *env) {
	ctx := t.Context()
	// The prefix holds the wildcards of GLOB, SCAN MATCH and LIKE; each
	// other prefix matches it where they are not escaped.
	c := e.open(t, cache.Options{KeyPrefix: "m*i?[n]%_e"})
	others := []cache.Cache{
		e.open(t, cache.Options{KeyPrefix: "mXiYn%_e"}),   // matches the glob
		e.open(t, cache.Options{KeyPrefix: "m*i?[n]XYe"}), // matches the LIKE
		e.open(t, cache.Options{KeyPrefix: "m*i?[n]%_e", Version: 2}),
	}
	for i := range 30 {
		must(t, c.Set(ctx, "k"+strconv.Itoa(i), []byte("v"), cache.DefaultTTL))
	}
	for _, o := range others {
		must(t, o.Set(ctx, "k0", []byte("theirs"), cache.DefaultTTL))
	}
	must(t, c.Clear(ctx))
	for i := range 30 {
		wantMiss(t, c, "k"+strconv.Itoa(i))
	}
	for _, o := range others {
		wantValue(t, o, "k0", "theirs")
	}
	must(t, c.Set(ctx, "after", []byte("v"), cache.DefaultTTL))
	wantValue(t, c, "after", "v")
	must(t, c.Set(ctx, "quote'\"key;--", []byte("v"), cache.DefaultTTL))
	wantValue(t, c, "quote'\"key;--", "v")
}

func testPrefixAndVersion(t *testing.T, e *env) {
	ctx := t.Context()
	a := e.open(t, cache.Options{KeyPrefix: "a"})
	b := e.open(t, cache.Options{KeyPrefix: "b"})
	v2 := e.open(t, cache.Options{KeyPrefix: "a", Version: 2})
	v1 := e.open(t, cache.Options{KeyPrefix: "a", Version: 1})
	must(t, a.Set(ctx, "k", []byte("a1"), cache.DefaultTTL))
	wantMiss(t, b, "k")
	wantMiss(t, v2, "k")
	must(t, v2.Set(ctx, "k", []byte("a2"), cache.DefaultTTL))
	wantValue(t, a, "k", "a1")
	wantValue(t, v2, "k", "a2")
	if !e.suite.SeparateStores {
		wantValue(t, v1, "k", "a1") // Version 0 means 1
	}
}

func testInvalidKeys(t *testing.T, e *env) {
	c, ctx := e.cache(t), t.Context()
	head := len(cache.NewKeys(cache.Options{KeyPrefix: e.prefix}).Prefix())
	longest := strings.Repeat("k", cache.MaxKeyLength-head)
	must(t, c.Set(ctx, longest, []byte("v"), cache.DefaultTTL))
	wantValue(t, c, longest, "v")

	bad := []struct{ name, key string }{
		{"empty", ""},
		{"space", "a key"},
		{"tab", "a\tkey"},
		{"newline", "a\nkey"},
		{"nul", "a\x00key"},
		{"del", "a\x7fkey"},
		{"too_long", longest + "k"},
		{"crlf_injection", "k\r\nFLUSHALL"},
		{"invalid_utf8", "caf\xe9"},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			noop := func(context.Context) ([]byte, error) { return []byte("v"), nil }
			ops := map[string]func() error{
				"Get":        func() error { _, err := c.Get(ctx, b.key); return err },
				"Set":        func() error { return c.Set(ctx, b.key, []byte("v"), cache.DefaultTTL) },
				"Add":        func() error { _, err := c.Add(ctx, b.key, []byte("v"), cache.DefaultTTL); return err },
				"GetOrSet":   func() error { _, err := c.GetOrSet(ctx, b.key, cache.DefaultTTL, noop); return err },
				"Delete":     func() error { _, err := c.Delete(ctx, b.key); return err },
				"Incr":       func() error { _, err := c.Incr(ctx, b.key, 1); return err },
				"Decr":       func() error { _, err := c.Decr(ctx, b.key, 1); return err },
				"GetMany":    func() error { _, err := c.GetMany(ctx, []string{"ok", b.key}); return err },
				"SetMany":    func() error { return c.SetMany(ctx, map[string][]byte{b.key: nil}, cache.DefaultTTL) },
				"DeleteMany": func() error { return c.DeleteMany(ctx, []string{"ok", b.key}) },
				"Touch":      func() error { _, err := c.Touch(ctx, b.key, cache.DefaultTTL); return err },
			}
			for op, f := range ops {
				if err := f(); !errors.Is(err, cache.ErrInvalidKey) {
					t.Errorf("%s(%q) error = %v; want ErrInvalidKey", op, b.key, err)
				}
			}
		})
	}
}

func testValues(t *testing.T, e *env) {
	c, ctx := e.cache(t), t.Context()
	type poll struct {
		ID    int
		Text  string
		Votes []int
	}
	want := poll{7, "Qui?", []int{1, 2}}
	must(t, cache.SetValue(ctx, c, "poll", want, cache.DefaultTTL))
	got, err := cache.GetValue[poll](ctx, c, "poll")
	if err != nil || got.ID != want.ID || got.Text != want.Text || len(got.Votes) != 2 {
		t.Fatalf("GetValue = %+v, %v; want %+v", got, err, want)
	}
	if _, err := cache.GetValue[int](ctx, c, "poll"); err == nil || errors.Is(err, cache.ErrCacheMiss) {
		t.Errorf("GetValue[int] of a struct = %v; want a decoding error", err)
	}
	if _, err := cache.GetValue[poll](ctx, c, "missing"); !errors.Is(err, cache.ErrCacheMiss) {
		t.Errorf("GetValue(missing) = %v; want ErrCacheMiss", err)
	}
	// An integer stored as a value is one Incr works on.
	must(t, cache.SetValue(ctx, c, "n", 41, cache.DefaultTTL))
	if n, err := c.Incr(ctx, "n", 1); err != nil || n != 42 {
		t.Fatalf("Incr after SetValue(41) = %d, %v", n, err)
	}
	if n, err := cache.GetValue[int64](ctx, c, "n"); err != nil || n != 42 {
		t.Fatalf("GetValue[int64] after Incr = %d, %v", n, err)
	}
	// A stale shape is computed again and replaced.
	v, err := cache.GetOrSetValue(ctx, c, "poll", cache.DefaultTTL, func(context.Context) ([]string, error) { return []string{"fresh"}, nil })
	if err != nil || len(v) != 1 || v[0] != "fresh" {
		t.Fatalf("GetOrSetValue over a stale shape = %q, %v", v, err)
	}
	raw, err := c.Get(ctx, "poll")
	if err != nil || !bytes.Equal(raw, []byte(`["fresh"]`)) {
		t.Fatalf("stored after GetOrSetValue = %q, %v", raw, err)
	}
}

func testClose(t *testing.T, e *env) {
	c, ctx := e.cache(t), t.Context()
	must(t, c.Close())
	if _, err := c.Get(ctx, "k"); !errors.Is(err, cache.ErrClosed) {
		t.Errorf("Get after Close = %v; want ErrClosed", err)
	}
	if err := c.Set(ctx, "k", nil, cache.DefaultTTL); !errors.Is(err, cache.ErrClosed) {
		t.Errorf("Set after Close = %v; want ErrClosed", err)
	}
}

func testEviction(t *testing.T, e *env) {
	if e.suite.Bounded == nil {
		t.Skip("the backend does not bound its number of keys")
	}
	const max = 20
	opts := cache.Options{KeyPrefix: e.prefix, Clock: e.clock.Now}
	c, ctx := e.suite.Bounded(t, opts, max), t.Context()
	keys := make([]string, 3*max)
	for i := range keys {
		keys[i] = "k" + strconv.Itoa(i)
		must(t, c.Set(ctx, keys[i], []byte("v"), cache.NoExpiry))
	}
	got, err := c.GetMany(ctx, keys)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) > max {
		t.Errorf("%d keys kept after %d writes; want at most %d", len(got), len(keys), max)
	}
	if _, ok := got[keys[len(keys)-1]]; !ok {
		t.Error("the last key written was evicted")
	}
}
