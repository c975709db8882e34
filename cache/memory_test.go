package cache_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/nuages-go/nuages/cache"
	"github.com/nuages-go/nuages/cache/cachetest"
)

func TestMemorySuite(t *testing.T) {
	cachetest.Run(t, cachetest.Suite{New: func(t *testing.T, opts cache.Options) cache.Cache {
		c := cache.NewMemory(cache.MemoryOptions{Options: opts})
		t.Cleanup(func() { c.Close() })
		return c
	}, SeparateStores: true, Bounded: func(t *testing.T, opts cache.Options, maxEntries int) cache.Cache {
		c := cache.NewMemory(cache.MemoryOptions{Options: opts, MaxEntries: maxEntries})
		t.Cleanup(func() { c.Close() })
		return c
	}})
}

func TestMemoryEvictsLeastRecentlyUsed(t *testing.T) {
	ctx := t.Context()
	c := cache.NewMemory(cache.MemoryOptions{MaxEntries: 3})
	for _, k := range []string{"a", "b", "c"} {
		if err := c.Set(ctx, k, []byte(k), cache.NoExpiry); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Get(ctx, "a"); err != nil { // a is now the most recent
		t.Fatal(err)
	}
	if err := c.Set(ctx, "d", []byte("d"), cache.NoExpiry); err != nil {
		t.Fatal(err)
	}
	if c.Len() != 3 {
		t.Errorf("Len = %d; want 3", c.Len())
	}
	for k, want := range map[string]bool{"a": true, "b": false, "c": true, "d": true} {
		_, err := c.Get(ctx, k)
		if got := err == nil; got != want {
			t.Errorf("after eviction, %q present = %v; want %v", k, got, want)
		}
	}
}

// Reads run under a shared lock while writes evict: the bounds hold, and
// every read sees a whole value. Run it with -race.
func TestMemoryConcurrentReadsAndWrites(t *testing.T) {
	ctx := t.Context()
	const maxEntries, keys = 16, 64
	c := cache.NewMemory(cache.MemoryOptions{MaxEntries: maxEntries})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 2000 {
				k := "k" + strconv.Itoa((w*7+i)%keys)
				if w%2 == 0 {
					if err := c.Set(ctx, k, []byte(k), cache.NoExpiry); err != nil {
						t.Error(err)
						return
					}
					continue
				}
				v, err := c.Get(ctx, k)
				if err == nil && string(v) != k {
					t.Errorf("Get(%q) = %q", k, v)
					return
				}
				if err != nil && !errors.Is(err, cache.ErrCacheMiss) {
					t.Error(err)
					return
				}
				if n := c.Len(); n > maxEntries {
					t.Errorf("Len = %d; want at most %d", n, maxEntries)
					return
				}
			}
		})
	}
	wg.Wait()
	if n := c.Len(); n > maxEntries {
		t.Errorf("Len = %d; want at most %d", n, maxEntries)
	}
}

// GetMany drops the expired keys it meets, as Get does.
func TestMemoryGetManyDropsExpired(t *testing.T) {
	ctx := t.Context()
	clock := cachetest.NewClock()
	c := cache.NewMemory(cache.MemoryOptions{Options: cache.Options{Clock: clock.Now}})
	if err := c.Set(ctx, "old", []byte("x"), time.Second); err != nil {
		t.Fatal(err)
	}
	if err := c.Set(ctx, "new", []byte("y"), cache.NoExpiry); err != nil {
		t.Fatal(err)
	}
	clock.Advance(2 * time.Second)
	got, err := c.GetMany(ctx, []string{"old", "new"})
	if err != nil || len(got) != 1 || string(got["new"]) != "y" {
		t.Fatalf("GetMany = %q, %v; want only new", got, err)
	}
	if c.Len() != 1 {
		t.Errorf("Len = %d after GetMany met an expired key; want 1", c.Len())
	}
}

func TestMemoryBoundedByBytes(t *testing.T) {
	ctx := t.Context()
	const maxBytes = 4096
	c := cache.NewMemory(cache.MemoryOptions{MaxBytes: maxBytes})
	value := make([]byte, 1000)
	for i := range 20 {
		if err := c.Set(ctx, "k"+strconv.Itoa(i), value, cache.NoExpiry); err != nil {
			t.Fatal(err)
		}
		if b := c.Bytes(); b > maxBytes {
			t.Fatalf("after %d sets, Bytes = %d; want at most %d", i+1, b, maxBytes)
		}
	}
	if n := c.Len(); n < 3 || n > 4 {
		t.Errorf("Len = %d; want the 3 or 4 most recent 1000-byte values", n)
	}
	if _, err := c.Get(ctx, "k19"); err != nil {
		t.Errorf("the newest key was evicted: %v", err)
	}
	// Shrinking and growing a value keeps the count right.
	if err := c.Set(ctx, "k19", nil, cache.NoExpiry); err != nil {
		t.Fatal(err)
	}
	if err := c.Clear(ctx); err != nil || c.Bytes() != 0 || c.Len() != 0 {
		t.Errorf("after Clear: Bytes %d, Len %d, err %v", c.Bytes(), c.Len(), err)
	}
	err := c.Set(ctx, "huge", make([]byte, maxBytes), cache.NoExpiry)
	if !errors.Is(err, cache.ErrValueTooBig) {
		t.Errorf("Set of a value over MaxBytes = %v; want ErrValueTooBig", err)
	}
}

func TestMemoryExpiredEntriesFreeSpace(t *testing.T) {
	ctx := t.Context()
	clock := cachetest.NewClock()
	c := cache.NewMemory(cache.MemoryOptions{Options: cache.Options{Clock: clock.Now}})
	if err := c.Set(ctx, "k", make([]byte, 100), time.Second); err != nil {
		t.Fatal(err)
	}
	clock.Advance(2 * time.Second)
	if _, err := c.Get(ctx, "k"); !errors.Is(err, cache.ErrCacheMiss) {
		t.Fatalf("Get of an expired key = %v", err)
	}
	if c.Len() != 0 || c.Bytes() != 0 {
		t.Errorf("an expired key met by Get is kept: Len %d, Bytes %d", c.Len(), c.Bytes())
	}
}

func TestMemoryGetHitAllocatesNothing(t *testing.T) {
	ctx := context.Background()
	c := cache.NewMemory(cache.MemoryOptions{})
	if err := c.Set(ctx, "page:/polls/", []byte("<html>"), cache.DefaultTTL); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := c.Get(ctx, "page:/polls/"); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("Get hit allocates %v times; want 0", allocs)
	}
}

func TestKeysValidateMessages(t *testing.T) {
	k := cache.NewKeys(cache.Options{KeyPrefix: "site"})
	if k.Prefix() != "site:1:" {
		t.Errorf("Prefix = %q; want site:1:", k.Prefix())
	}
	tests := []struct{ key, want string }{
		{"", "cache: invalid key: the key is empty"},
		{"a b", `cache: invalid key: key "a b" has a space or control character at byte 1: use only printable characters`},
		{strings.Repeat("x", 244), "is 251 bytes with its prefix and version, over the limit of 250: hash long keys"},
	}
	for _, tt := range tests {
		err := k.Validate(tt.key)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !errors.Is(err, cache.ErrInvalidKey) {
			t.Errorf("Validate(%.20q) = %v; want an ErrInvalidKey containing %q", tt.key, err, tt.want)
		}
	}
	if got, err := k.Make("ok"); err != nil || got != "site:1:ok" {
		t.Errorf("Make(ok) = %q, %v", got, err)
	}
}

func TestResolveTTL(t *testing.T) {
	tests := []struct {
		ttl, def time.Duration
		want     time.Duration
		expires  bool
	}{
		{cache.DefaultTTL, 0, cache.DefaultTimeout, true},
		{cache.DefaultTTL, time.Minute, time.Minute, true},
		{cache.DefaultTTL, cache.NoExpiry, 0, false},
		{cache.NoExpiry, time.Minute, 0, false},
		{time.Second, time.Minute, time.Second, true},
		{-2 * time.Second, time.Minute, -2 * time.Second, true},
		{-time.Nanosecond, time.Minute, -time.Nanosecond, true}, // a deadline just passed is not NoExpiry
	}
	for _, tt := range tests {
		got, expires := cache.ResolveTTL(tt.ttl, tt.def)
		if got != tt.want || expires != tt.expires {
			t.Errorf("ResolveTTL(%v, %v) = %v, %v; want %v, %v", tt.ttl, tt.def, got, expires, tt.want, tt.expires)
		}
	}
}

func TestIntegers(t *testing.T) {
	if _, err := cache.AddInt(math.MaxInt64, 1); !errors.Is(err, cache.ErrNotInteger) {
		t.Errorf("AddInt overflow = %v", err)
	}
	if _, err := cache.AddInt(math.MinInt64, -1); !errors.Is(err, cache.ErrNotInteger) {
		t.Errorf("AddInt underflow = %v", err)
	}
	if _, err := cache.Negate(math.MinInt64); !errors.Is(err, cache.ErrNotInteger) {
		t.Errorf("Negate(MinInt64) = %v", err)
	}
	for _, bad := range []string{"", " 1", "1.5", "0x10", "99999999999999999999"} {
		if _, err := cache.ParseInt([]byte(bad)); !errors.Is(err, cache.ErrNotInteger) {
			t.Errorf("ParseInt(%q) = %v; want ErrNotInteger", bad, err)
		}
	}
}

func TestFlightPanicFreesKey(t *testing.T) {
	var f cache.Flight
	func() {
		defer func() { recover() }()
		f.Do(t.Context(), "k", func() ([]byte, error) { panic("boom") })
	}()
	v, err := f.Do(t.Context(), "k", func() ([]byte, error) { return []byte("ok"), nil })
	if err != nil || string(v) != "ok" {
		t.Errorf("Do after a panic = %q, %v; want ok", v, err)
	}
}

func TestDummy(t *testing.T) {
	ctx := t.Context()
	d := cache.NewDummy(cache.Options{})
	if err := d.Set(ctx, "k", []byte("v"), cache.DefaultTTL); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Get(ctx, "k"); !errors.Is(err, cache.ErrCacheMiss) {
		t.Errorf("Get = %v; want ErrCacheMiss", err)
	}
	if _, err := d.Incr(ctx, "k", 1); !errors.Is(err, cache.ErrCacheMiss) {
		t.Errorf("Incr = %v; want ErrCacheMiss", err)
	}
	calls := 0
	for range 2 {
		if _, err := d.GetOrSet(ctx, "k", cache.DefaultTTL, func(context.Context) ([]byte, error) { calls++; return nil, nil }); err != nil {
			t.Fatal(err)
		}
	}
	if calls != 2 {
		t.Errorf("GetOrSet computed %d times; want 2 (nothing is stored)", calls)
	}
	if m, err := d.GetMany(ctx, []string{"k"}); err != nil || len(m) != 0 {
		t.Errorf("GetMany = %v, %v", m, err)
	}
	for _, err := range []error{
		d.Set(ctx, "bad key", nil, cache.DefaultTTL),
		d.SetMany(ctx, map[string][]byte{"": nil}, cache.DefaultTTL),
		d.DeleteMany(ctx, []string{"a\nb"}),
	} {
		if !errors.Is(err, cache.ErrInvalidKey) {
			t.Errorf("a bad key on the dummy cache = %v; want ErrInvalidKey", err)
		}
	}
}

// A waiter does not inherit the error of a leader whose client went away.
func TestFlightLeaderCanceled(t *testing.T) {
	var f cache.Flight
	leaderCtx, cancel := context.WithCancel(t.Context())
	started, release := make(chan struct{}), make(chan struct{})
	leaderDone := make(chan error)
	go func() {
		_, err := f.Do(leaderCtx, "k", func() ([]byte, error) {
			close(started)
			<-release
			return nil, leaderCtx.Err()
		})
		leaderDone <- err
	}()
	<-started
	result := make(chan string)
	waiterCtx := &doneWatcher{Context: t.Context(), asked: make(chan struct{})}
	go func() {
		v, err := f.Do(waiterCtx, "k", func() ([]byte, error) { return []byte("mine"), nil })
		result <- fmt.Sprintf("%s %v", v, err)
	}()
	<-waiterCtx.asked // the waiter waits on the leader
	cancel()
	close(release)
	if err := <-leaderDone; !errors.Is(err, context.Canceled) {
		t.Errorf("leader: %v", err)
	}
	if got := <-result; got != "mine <nil>" {
		t.Errorf("waiter got %q; want its own computation", got)
	}
}

// doneWatcher closes asked when Done is first called: Flight.Do asks for
// it only to wait on a leader.
type doneWatcher struct {
	context.Context
	once  sync.Once
	asked chan struct{}
}

func (c *doneWatcher) Done() <-chan struct{} {
	c.once.Do(func() { close(c.asked) })
	return c.Context.Done()
}

func FuzzValidate(f *testing.F) {
	for _, s := range []string{"k", "", "a b", "caf\xe9", "clé", strings.Repeat("x", 300)} {
		f.Add(s)
	}
	keys := cache.NewKeys(cache.Options{KeyPrefix: "p"})
	f.Fuzz(func(t *testing.T, key string) {
		if keys.Validate(key) != nil {
			return
		}
		if key == "" || len(keys.Prefix())+len(key) > cache.MaxKeyLength || !utf8.ValidString(key) ||
			strings.ContainsFunc(key, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
			t.Errorf("Validate accepted %q", key)
		}
	})
}
