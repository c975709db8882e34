// Package cache is Nuages's cache framework, Django's django.core.cache: one
// API (the Cache interface) over backends from process memory to Redis.
//
// Values are bytes; GetValue, SetValue and GetOrSetValue store Go values
// as JSON. Keys are made like Django's, "prefix:version:key", and
// validated: at most MaxKeyLength bytes with the prefix, no spaces or
// control characters. Time to live is a time.Duration, with DefaultTTL (the
// cache's default, five minutes unless configured) and NoExpiry.
//
// This package holds the in-memory backend (NewMemory, Django's LocMemCache)
// and the dummy one (NewDummy). Redis is in cache/redis, the database
// backend in cache/dbcache, HTTP caching in cache/httpcache, and
// cache/cachetest is the behaviour suite every backend passes. A backend
// that links a client library implements [Backend], and a project names it
// in Settings.CacheBackends for its URLs to open, so that only the projects
// that use Redis link its client.
//
//	c := cache.NewMemory(cache.MemoryOptions{MaxEntries: 1000})
//	n, err := cache.GetOrSetValue(ctx, c, "poll:42:votes", time.Minute,
//		func(ctx context.Context) (int, error) { return countVotes(ctx, 42) })
//
// A project opens the caches of its settings and hands them out with
// Project.Cache; see docs/cache.md.
package cache
