package nuages

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"html/template"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nuages-go/nuages/cache"
	"github.com/nuages-go/nuages/cache/dbcache"
	"github.com/nuages-go/nuages/cache/httpcache"
	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/templates"
)

// DefaultCache is the name of the cache that Project.Cache opens when asked
// for "default"; without a configuration it is in memory.
const DefaultCache = "default"

// CacheConfig configures one named cache of Settings.Caches, Django's
// CACHES entry.
type CacheConfig struct {
	// URL picks the backend:
	//
	//	memory://                          in this process, Django's LocMemCache (the default)
	//	redis://[user:pass@]host:6379/0    Redis (rediss:// for TLS), with redis.Backend{} in Settings.CacheBackends
	//	database://default/nuages_cache    a table of the database with that alias, Django's DatabaseCache
	//	dummy://                           caches nothing
	//
	// Query parameters set the fields below from the environment:
	// memory://?max_entries=1000&max_bytes=67108864,
	// database://default/my_cache?max_entries=5000&cull_frequency=4.
	URL string
	// KeyPrefix starts every key (Django's KEY_PREFIX), so that sites
	// sharing a Redis server never see each other's keys.
	KeyPrefix string
	// Version is the default key version, Django's VERSION.
	Version int
	// TTL is the default time to live (0: five minutes, Django's
	// TIMEOUT; cache.NoExpiry: none).
	TTL time.Duration
	// MaxEntries bounds a memory or database cache (Django's MAX_ENTRIES).
	MaxEntries int
	// MaxBytes bounds a memory cache.
	MaxBytes int64
	// CullFrequency is the database cache's CULL_FREQUENCY.
	CullFrequency int
	// Strict makes a Redis cache return errors while Redis is down,
	// instead of missing on reads and dropping writes.
	Strict bool
	// Clock is a memory cache's clock (nil: Settings.Now, the project's
	// clock): tests move it to expire keys, such as the login throttle's
	// counts, without sleeping. A Redis or database cache keeps the time
	// of its server.
	Clock func() time.Time
}

// cacheBackend is a parsed CacheConfig.URL.
type cacheBackend struct {
	scheme  string        // memory, database, dummy, or the backend's
	alias   string        // database
	table   string        // database
	backend cache.Backend // the one of Settings.CacheBackends that has the scheme
}

// parse reads cfg.URL and its query into a backend and cfg's fields; the
// schemes of the built-in caches come first, then those of backends.
func (cfg *CacheConfig) parse(backends []cache.Backend) (cacheBackend, error) {
	raw := cfg.URL
	if raw == "" {
		raw = "memory://"
	}
	u, err := url.Parse(raw)
	if err != nil {
		return cacheBackend{}, fmt.Errorf("the URL does not parse: want memory://, redis://host:6379/0, database://default/nuages_cache or dummy://")
	}
	b := cacheBackend{scheme: u.Scheme}
	q := u.Query()
	ints := map[string]*int{}
	switch u.Scheme {
	case "memory":
		ints["max_entries"] = &cfg.MaxEntries
		if v := q.Get("max_bytes"); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				return b, fmt.Errorf("max_bytes=%q: want a positive number of bytes", v)
			}
			cfg.MaxBytes = n
		}
	case "database":
		ints["max_entries"] = &cfg.MaxEntries
		ints["cull_frequency"] = &cfg.CullFrequency
		b.alias = u.Host
		b.table = strings.Trim(u.Path, "/")
		if b.alias == "" {
			b.alias = database.DefaultAlias
		}
		if b.table == "" {
			b.table = dbcache.DefaultTable
		}
	case "dummy":
	default:
		for _, be := range backends {
			if be != nil && slices.Contains(be.Schemes(), u.Scheme) {
				b.backend = be
				return b, nil // the backend reads its own parameters
			}
		}
		if u.Scheme == "redis" || u.Scheme == "rediss" {
			return b, errors.New(`redis: this binary was built without the Redis cache backend: import "github.com/nuages-go/nuages/cache/redis" and name redis.Backend{} in Settings.CacheBackends`)
		}
		return b, fmt.Errorf("unknown backend %q: want memory://, redis://host:6379/0, database://default/nuages_cache or dummy://", u.Scheme)
	}
	for name, dst := range ints {
		if v := q.Get(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				return b, fmt.Errorf("%s=%q: want a positive integer", name, v)
			}
			*dst = n
		}
	}
	return b, nil
}

// validateCaches reports the malformed entries of Settings.Caches.
func (s Settings) validateCaches() []error {
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(s.Caches)) {
		cfg := s.Caches[name]
		b, err := cfg.parse(s.CacheBackends)
		if err == nil && b.scheme == "database" {
			if _, ok := s.Databases[b.alias]; !ok {
				err = fmt.Errorf("no database %q: the configured ones are %s", b.alias, strings.Join(slices.Sorted(maps.Keys(s.Databases)), ", "))
			}
		}
		if err == nil && b.backend != nil {
			var c cache.Cache
			if c, err = b.backend.Open(cache.BackendConfig{URL: cfg.URL}); err == nil {
				c.Close() // Open does not connect: this only checks the URL
			}
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("nuages: cache %q: %w", name, err))
		}
	}
	return errs
}

// loadCacheEnv reads CACHE_URL and NUAGES_CACHE_URL (which wins) into the
// default cache's URL, the django-environ convention.
func (s *Settings) loadCacheEnv(lookup func(string) (string, bool)) {
	for _, name := range []string{"CACHE_URL", "NUAGES_CACHE_URL"} {
		if u, ok := lookup(name); ok {
			caches := maps.Clone(s.Caches) // never write into the caller's map
			if caches == nil {
				caches = map[string]CacheConfig{}
			}
			cfg := caches[DefaultCache]
			cfg.URL = u
			caches[DefaultCache] = cfg
			s.Caches = caches
		}
	}
}

// cacheSet holds the caches a project has opened.
type cacheSet struct {
	mu     sync.Mutex
	open   map[string]cache.Cache
	closed bool
}

// Cache returns the named cache of Settings.Caches, opening it on first
// use; "default" is an in-memory cache unless configured. Handlers get it
// from the project they were built with:
//
//	c, err := p.Cache(nuages.DefaultCache)
//	n, err := cache.GetOrSetValue(r.Context(), c, "poll:count", time.Minute, countPolls)
func (p *Project) Cache(name string) (cache.Cache, error) {
	cfg, ok := p.settings.Caches[name]
	if !ok && name != DefaultCache {
		return nil, fmt.Errorf("nuages: no cache %q: the configured ones are %s", name, strings.Join(slices.Sorted(maps.Keys(p.settings.Caches)), ", "))
	}
	cs := &p.caches
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if c, ok := cs.open[name]; ok {
		return c, nil
	}
	if cs.closed {
		return nil, fmt.Errorf("nuages: cache %q: %w", name, cache.ErrClosed)
	}
	c, err := p.openCache(cfg)
	if err != nil {
		return nil, fmt.Errorf("nuages: cache %q: %w", name, err)
	}
	if cs.open == nil {
		cs.open = map[string]cache.Cache{}
	}
	cs.open[name] = c
	return c, nil
}

func (p *Project) openCache(cfg CacheConfig) (cache.Cache, error) {
	b, err := cfg.parse(p.settings.CacheBackends)
	if err != nil {
		return nil, err
	}
	opts := cache.Options{KeyPrefix: cfg.KeyPrefix, Version: cfg.Version, TTL: cfg.TTL}
	if b.backend != nil {
		return b.backend.Open(cache.BackendConfig{Options: opts, URL: cfg.URL, Strict: cfg.Strict, Logger: p.logger})
	}
	switch b.scheme {
	case "database":
		// Opening a database is bounded by its ConnectTimeout.
		db, err := p.DB(context.Background(), b.alias)
		if err != nil {
			return nil, err
		}
		return dbcache.New(db, dbcache.Options{Options: opts, Table: b.table, MaxEntries: cfg.MaxEntries, CullFrequency: cfg.CullFrequency})
	case "dummy":
		return cache.NewDummy(opts), nil
	}
	opts.Clock = cfg.Clock
	if opts.Clock == nil {
		opts.Clock = p.settings.Now
	}
	return cache.NewMemory(cache.MemoryOptions{Options: opts, MaxEntries: cfg.MaxEntries, MaxBytes: cfg.MaxBytes}), nil
}

// close closes the caches opened so far.
func (cs *cacheSet) close() error {
	cs.mu.Lock()
	open := cs.open
	cs.open, cs.closed = nil, true
	cs.mu.Unlock()
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(open)) {
		errs = append(errs, open[name].Close())
	}
	return errors.Join(errs...)
}

// cacheFunc is the templates' "cache" function, httpcache.FragmentFunc on
// the project's default cache, opened on first use.
func (p *Project) cacheFunc(render httpcache.RenderFunc) func(ttl any, name string, data templates.Data, varyOn ...any) (template.HTML, error) {
	return func(ttl any, name string, data templates.Data, varyOn ...any) (template.HTML, error) {
		c, err := p.Cache(DefaultCache)
		if err != nil {
			return "", err
		}
		return httpcache.FragmentFunc(c, render)(ttl, name, data, varyOn...)
	}
}

func createCacheTableCommand() *Command {
	return &Command{
		Name:    "createcachetable",
		Summary: "Create the tables of the database caches (database:// in Settings.Caches).",
		Usage:   "[cache...]",
		Flags: func(fs *flag.FlagSet) {
			fs.Bool("dry-run", false, "print the SQL and create nothing")
		},
		Run: runCreateCacheTable,
	}
}

func runCreateCacheTable(ctx context.Context, inv *Invocation) error {
	p := inv.Project
	caches := p.settings.Caches
	names := inv.Args
	if len(names) == 0 {
		names = slices.Sorted(maps.Keys(caches))
	}
	found := 0
	for _, name := range names {
		cfg, ok := caches[name]
		if !ok {
			return Usagef("no cache %q: the configured ones are %s", name, strings.Join(slices.Sorted(maps.Keys(caches)), ", "))
		}
		b, err := cfg.parse(p.settings.CacheBackends)
		if err != nil {
			return fmt.Errorf("cache %q: %w", name, err)
		}
		if b.scheme != "database" {
			if len(inv.Args) > 0 {
				return Usagef("cache %q is not a database cache (its URL is %s)", name, cfg.URL)
			}
			continue
		}
		found++
		db, err := p.DB(ctx, b.alias)
		if err != nil {
			return err
		}
		if inv.Bool("dry-run") {
			stmts, err := db.Dialect().CreateTable(dbcache.Table(b.table))
			if err != nil {
				return err
			}
			for _, s := range stmts {
				fmt.Fprintf(inv.Out, "%s;\n", s)
			}
			continue
		}
		c, err := dbcache.New(db, dbcache.Options{Table: b.table})
		if err != nil {
			return err
		}
		created, err := c.CreateTable(ctx)
		if err != nil {
			return err
		}
		if created {
			fmt.Fprintf(inv.Out, "Cache table %q created in database %q.\n", b.table, b.alias)
		} else {
			fmt.Fprintf(inv.Out, "Cache table %q already exists in database %q.\n", b.table, b.alias)
		}
	}
	if found == 0 {
		fmt.Fprintln(inv.Out, "No database caches are configured: set a cache's URL to database://default/nuages_cache.")
	}
	return nil
}
