package cache

import "log/slog"

// Backend opens caches from URLs of its schemes, Django's CACHES BACKEND.
// The built-in caches (memory, database, dummy) need none. A backend that
// links a client library, such as cache/redis, implements it, and a project
// names it in Settings.CacheBackends for its URLs to work, so that a binary
// links the Redis client only when it asks for it.
type Backend interface {
	// Schemes are the URL schemes the backend opens, such as "redis" and
	// "rediss".
	Schemes() []string
	// Open returns a cache on the server of cfg.URL. It must not connect:
	// the first call does, so that a project starts while the server is
	// down, and checking the settings may open and close a cache to
	// validate its URL.
	Open(cfg BackendConfig) (Cache, error)
}

// BackendConfig is what Backend.Open gets of a cache's configuration.
type BackendConfig struct {
	Options
	// URL names the server, with one of the backend's schemes.
	URL string
	// Strict asks for errors while the server does not answer, instead
	// of missing on reads and dropping writes.
	Strict bool
	// Logger receives the backend's warnings (nil: slog.Default()).
	Logger *slog.Logger
}
