// Package redis is the Redis backend of the cache framework, Django's
// RedisCache, over github.com/redis/go-redis/v9: the cache that several
// processes or machines share.
//
// A project links it only when it names it: import this package and add
// Backend{} to Settings.CacheBackends, and the redis:// and rediss:// URLs
// of Settings.Caches (or CACHE_URL) open a Redis cache:
//
//	s.CacheBackends = []cache.Backend{redis.Backend{}}
//	s.Caches = map[string]nuages.CacheConfig{nuages.DefaultCache: {URL: "redis://127.0.0.1:6379/0"}}
//
// Its failure policy keeps a site serving when Redis is down: reads miss,
// writes are dropped, and one warning is logged when Redis stops answering
// and one notice when it answers again. Set Options.Strict to get errors
// (wrapping cache.ErrUnavailable) instead. After a failure the cache does
// not call Redis for Options.RetryAfter, so that requests do not each wait
// for a dead server; the first call after that tries again, which is how it
// recovers by itself.
package redis

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/nuages-go/nuages/cache"
)

// Options configure Open.
type Options struct {
	cache.Options
	// URL names the server, redis://[user:password@]host:port/db or
	// rediss:// for TLS. Query parameters tune the connection pool and
	// timeouts, in go-redis's names: pool_size, min_idle_conns,
	// dial_timeout, read_timeout, write_timeout, pool_timeout,
	// max_retries. Unless given, dial_timeout is 2s, read and write
	// timeouts 1s and max_retries 1, and a failed dial is not retried:
	// a cache must fail fast.
	URL string
	// Strict returns errors when Redis does not answer, instead of
	// missing on reads and dropping writes.
	Strict bool
	// RetryAfter is how long the cache leaves Redis alone after a failure
	// (0: one second).
	RetryAfter time.Duration
	// Logger receives the outage warnings (nil: slog.Default()).
	Logger *slog.Logger
}

// Backend opens Redis caches for the redis:// and rediss:// URLs of a
// project's Settings.Caches.
type Backend struct{}

var _ cache.Backend = Backend{}

// Schemes returns "redis" and "rediss" (TLS).
func (Backend) Schemes() []string { return []string{"redis", "rediss"} }

// Open returns Open(Options{...}) for cfg: a cache that connects on its
// first call.
func (Backend) Open(cfg cache.BackendConfig) (cache.Cache, error) {
	c, err := Open(Options{Options: cfg.Options, URL: cfg.URL, Strict: cfg.Strict, Logger: cfg.Logger})
	if err != nil {
		return nil, err // not a nil *Cache in a non-nil interface
	}
	return c, nil
}

// Cache is a cache.Cache on a Redis server.
type Cache struct {
	client     *goredis.Client
	keys       cache.Keys
	ttl        time.Duration
	strict     bool
	retryAfter time.Duration
	logger     *slog.Logger
	flight     cache.Flight

	closed    atomic.Bool
	down      atomic.Bool  // Redis failed and has not answered since
	downUntil atomic.Int64 // Unix nanoseconds before which Redis is not called
}

var _ cache.Cache = (*Cache)(nil)

// Open returns a cache on the server of opts.URL. It does not connect:
// the first command does, so a project starts even when Redis is down.
func Open(opts Options) (*Cache, error) {
	// Parse first: go-redis's errors quote the URL, password included.
	u, err := url.Parse(opts.URL)
	if err != nil {
		return nil, errors.New("cache/redis: the URL does not parse: want redis://[user:password@]host:6379/0")
	}
	ropts, err := goredis.ParseURL(opts.URL)
	if err != nil {
		return nil, fmt.Errorf("cache/redis: URL %s: %w (want redis://host:6379/0)", u.Redacted(), err)
	}
	q := u.Query()
	ropts.DialerRetries = 1 // not 5: a cache whose server is down must answer at once
	if !q.Has("dial_timeout") {
		ropts.DialTimeout = 2 * time.Second
	}
	if !q.Has("read_timeout") {
		ropts.ReadTimeout = time.Second
	}
	if !q.Has("write_timeout") {
		ropts.WriteTimeout = time.Second
	}
	if !q.Has("max_retries") {
		ropts.MaxRetries = 1
	}
	c := &Cache{
		client:     goredis.NewClient(ropts),
		keys:       cache.NewKeys(opts.Options),
		ttl:        opts.TTL,
		strict:     opts.Strict,
		retryAfter: opts.RetryAfter,
		logger:     opts.Logger,
	}
	if c.retryAfter <= 0 {
		c.retryAfter = time.Second
	}
	if c.logger == nil {
		c.logger = slog.Default()
	}
	return c, nil
}

// Client returns the go-redis client, for what the Cache interface does
// not cover. Keys written through it bypass the prefix.
func (c *Cache) Client() *goredis.Client { return c.client }

// errSkipped stands for the call not made while Redis is marked down.
var errSkipped = errors.New("not called: Redis failed less than RetryAfter ago")

// call runs fn unless Redis is marked down, and sorts its error: nil for a
// success, redis.Nil or a Redis error reply returned as they are, and an
// outage marked and returned wrapped in cache.ErrUnavailable.
func (c *Cache) call(ctx context.Context, fn func() error) error {
	if c.closed.Load() {
		return cache.ErrClosed
	}
	if until := c.downUntil.Load(); until != 0 && time.Now().UnixNano() < until {
		return fmt.Errorf("%w: %w", cache.ErrUnavailable, errSkipped)
	}
	err := fn()
	var reply goredis.Error
	switch {
	case err == nil || errors.Is(err, goredis.Nil) || (errors.As(err, &reply) && !isOutageReply(err)):
		if c.down.CompareAndSwap(true, false) {
			c.downUntil.Store(0)
			c.logger.Info("cache: Redis answers again", "addr", c.client.Options().Addr)
		}
		return err
	case ctx.Err() != nil: // the caller gave up; Redis may be fine
		return ctx.Err()
	case errors.Is(err, goredis.ErrClosed):
		return cache.ErrClosed
	}
	c.downUntil.Store(time.Now().Add(c.retryAfter).UnixNano())
	if c.down.CompareAndSwap(false, true) {
		policy := "reads miss and writes are dropped until it answers"
		if c.strict {
			policy = "calls fail until it answers"
		}
		c.logger.Warn("cache: Redis does not answer; "+policy, "addr", c.client.Options().Addr, "error", err)
	}
	return fmt.Errorf("%w: %w", cache.ErrUnavailable, err)
}

// isOutageReply tells the replies of a server that cannot serve (loading,
// read-only replica, out of memory) from those about the command.
func isOutageReply(err error) bool {
	msg := err.Error()
	for _, p := range []string{"LOADING", "READONLY", "MASTERDOWN", "OOM", "CLUSTERDOWN", "TRYAGAIN"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// tolerate applies the failure policy to err from call: an outage becomes
// nil unless Strict (the caller then reports a miss or a dropped write).
func (c *Cache) tolerate(err error) (outage bool, _ error) {
	if errors.Is(err, cache.ErrUnavailable) {
		if c.strict {
			return true, err
		}
		return true, nil
	}
	return false, err
}

// reply turns a Redis error reply about a value into the cache's errors.
func reply(key string, err error) error {
	if err == nil {
		return nil
	}
	if msg := err.Error(); strings.Contains(msg, "not an integer") || strings.Contains(msg, "overflow") {
		return fmt.Errorf("%w: %q: %s", cache.ErrNotInteger, key, msg)
	}
	return fmt.Errorf("cache/redis: %q: %w", key, err)
}

// expiration returns go-redis's expiration for ttl (0: none), and false
// when the key is expired at once.
func (c *Cache) expiration(ttl time.Duration) (time.Duration, bool) {
	d, expires := cache.ResolveTTL(ttl, c.ttl)
	if !expires {
		return 0, true
	}
	if d <= 0 {
		return 0, false
	}
	return max(d, time.Millisecond), true
}

func (c *Cache) make(keys ...string) ([]string, error) {
	out := make([]string, len(keys))
	for i, k := range keys {
		m, err := c.keys.Make(k)
		if err != nil {
			return nil, err
		}
		out[i] = m
	}
	return out, nil
}

// Get implements cache.Cache.
func (c *Cache) Get(ctx context.Context, key string) ([]byte, error) {
	k, err := c.keys.Make(key)
	if err != nil {
		return nil, err
	}
	var v []byte
	err = c.call(ctx, func() (err error) { v, err = c.client.Get(ctx, k).Bytes(); return err })
	if errors.Is(err, goredis.Nil) {
		return nil, cache.ErrCacheMiss
	}
	if outage, err := c.tolerate(err); outage || err != nil {
		if err == nil {
			err = cache.ErrCacheMiss
		}
		return nil, err
	}
	return v, nil
}

// Set implements cache.Cache.
func (c *Cache) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	k, err := c.keys.Make(key)
	if err != nil {
		return err
	}
	exp, ok := c.expiration(ttl)
	err = c.call(ctx, func() error {
		if !ok {
			return c.client.Del(ctx, k).Err()
		}
		return c.client.Set(ctx, k, value, exp).Err()
	})
	_, err = c.tolerate(err)
	return err
}

// Add implements cache.Cache with SET NX.
func (c *Cache) Add(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	k, err := c.keys.Make(key)
	if err != nil {
		return false, err
	}
	exp, ok := c.expiration(ttl)
	if !ok {
		return false, nil
	}
	var added bool
	err = c.call(ctx, func() (err error) { added, err = c.client.SetNX(ctx, k, value, exp).Result(); return err })
	_, err = c.tolerate(err)
	return added && err == nil, err
}

// GetOrSet implements cache.Cache.
func (c *Cache) GetOrSet(ctx context.Context, key string, ttl time.Duration, compute func(context.Context) ([]byte, error)) ([]byte, error) {
	return c.flight.GetOrSet(ctx, c, key, ttl, compute)
}

// Delete implements cache.Cache.
func (c *Cache) Delete(ctx context.Context, key string) (bool, error) {
	k, err := c.keys.Make(key)
	if err != nil {
		return false, err
	}
	var n int64
	err = c.call(ctx, func() (err error) { n, err = c.client.Del(ctx, k).Result(); return err })
	_, err = c.tolerate(err)
	return n > 0 && err == nil, err
}

// incr increments an existing key only: INCRBY alone would create it.
var incr = goredis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
return redis.call('INCRBY', KEYS[1], ARGV[1])`)

// Incr implements cache.Cache.
func (c *Cache) Incr(ctx context.Context, key string, delta int64) (int64, error) {
	k, err := c.keys.Make(key)
	if err != nil {
		return 0, err
	}
	var n int64
	err = c.call(ctx, func() (err error) { n, err = incr.Run(ctx, c.client, []string{k}, delta).Int64(); return err })
	if errors.Is(err, goredis.Nil) {
		return 0, fmt.Errorf("%w: cannot increment %q", cache.ErrCacheMiss, key)
	}
	if outage, err := c.tolerate(err); outage {
		if err == nil {
			err = fmt.Errorf("%w: cannot increment %q: Redis does not answer", cache.ErrCacheMiss, key)
		}
		return 0, err
	}
	if err != nil {
		return 0, reply(key, err)
	}
	return n, nil
}

// Decr implements cache.Cache.
func (c *Cache) Decr(ctx context.Context, key string, delta int64) (int64, error) {
	neg, err := cache.Negate(delta)
	if err != nil {
		return 0, err
	}
	return c.Incr(ctx, key, neg)
}

// GetMany implements cache.Cache with MGET.
func (c *Cache) GetMany(ctx context.Context, keys []string) (map[string][]byte, error) {
	ks, err := c.make(keys...)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]byte, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	var vals []any
	err = c.call(ctx, func() (err error) { vals, err = c.client.MGet(ctx, ks...).Result(); return err })
	if _, err := c.tolerate(err); err != nil {
		return nil, err
	}
	for i, v := range vals {
		if s, ok := v.(string); ok {
			out[keys[i]] = []byte(s)
		}
	}
	return out, nil
}

// SetMany implements cache.Cache, in one transaction (MULTI/EXEC).
func (c *Cache) SetMany(ctx context.Context, items map[string][]byte, ttl time.Duration) error {
	made := make(map[string][]byte, len(items))
	for k, v := range items {
		m, err := c.keys.Make(k)
		if err != nil {
			return err
		}
		made[m] = v
	}
	if len(made) == 0 {
		return nil
	}
	exp, ok := c.expiration(ttl)
	err := c.call(ctx, func() error {
		_, err := c.client.TxPipelined(ctx, func(p goredis.Pipeliner) error {
			for k, v := range made {
				if ok {
					p.Set(ctx, k, v, exp)
				} else {
					p.Del(ctx, k)
				}
			}
			return nil
		})
		return err
	})
	_, err = c.tolerate(err)
	return err
}

// DeleteMany implements cache.Cache.
func (c *Cache) DeleteMany(ctx context.Context, keys []string) error {
	ks, err := c.make(keys...)
	if err != nil || len(ks) == 0 {
		return err
	}
	err = c.call(ctx, func() error { return c.client.Del(ctx, ks...).Err() })
	_, err = c.tolerate(err)
	return err
}

// persist removes a key's expiry, reporting whether the key exists
// (PERSIST alone reports false for a key without expiry).
var persist = goredis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('PERSIST', KEYS[1])
return 1`)

// Touch implements cache.Cache.
func (c *Cache) Touch(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	k, err := c.keys.Make(key)
	if err != nil {
		return false, err
	}
	d, expires := cache.ResolveTTL(ttl, c.ttl)
	var ok bool
	err = c.call(ctx, func() error {
		switch {
		case !expires:
			n, err := persist.Run(ctx, c.client, []string{k}).Int64()
			ok = n == 1
			return err
		case d <= 0:
			n, err := c.client.Del(ctx, k).Result()
			ok = n > 0
			return err
		default:
			var err error
			ok, err = c.client.PExpire(ctx, k, max(d, time.Millisecond)).Result()
			return err
		}
	})
	_, err = c.tolerate(err)
	return ok && err == nil, err
}

// Clear deletes the keys of this cache, those starting with its prefix and
// version, found with SCAN: never FLUSHDB, since other caches and programs
// may share the database.
func (c *Cache) Clear(ctx context.Context) error {
	pattern := globEscape(c.keys.Prefix()) + "*"
	err := c.call(ctx, func() error {
		iter := c.client.Scan(ctx, 0, pattern, 500).Iterator()
		batch := make([]string, 0, 500)
		for iter.Next(ctx) {
			batch = append(batch, iter.Val())
			if len(batch) == cap(batch) {
				if err := c.client.Unlink(ctx, batch...).Err(); err != nil {
					return err
				}
				batch = batch[:0]
			}
		}
		if err := iter.Err(); err != nil {
			return err
		}
		if len(batch) > 0 {
			return c.client.Unlink(ctx, batch...).Err()
		}
		return nil
	})
	_, err = c.tolerate(err)
	return err
}

// globEscape escapes the characters SCAN MATCH treats specially.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Close closes the connection pool.
func (c *Cache) Close() error {
	if c.closed.Swap(true) {
		return nil
	}
	return c.client.Close()
}
