package sessions

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nuages-go/nuages/cache"
)

// cachePrefix starts the cache keys of sessions: Django's
// "django.contrib.sessions.cache" + the session key.
const cachePrefix = "django.contrib.sessions.cache"

// CacheStore keeps sessions in a cache, Django's cache backend: fast, and
// shared by every server when the cache is (Redis), but a session is
// lost when the cache evicts it or restarts, so size the cache for it.
type CacheStore struct {
	Cache cache.Cache
}

func (s CacheStore) Load(ctx context.Context, key string) ([]byte, error) {
	if !validKey(key) {
		return nil, ErrNotFound
	}
	data, err := s.Cache.Get(ctx, cachePrefix+key)
	if errors.Is(err, cache.ErrCacheMiss) {
		return nil, ErrNotFound
	}
	return data, err
}

// Create adds the data under a new key, drawing again if it is taken.
func (s CacheStore) Create(ctx context.Context, data []byte, expiry time.Time) (string, error) {
	for range 10 {
		key := NewKey()
		added, err := s.Cache.Add(ctx, cachePrefix+key, data, ttl(expiry))
		if err != nil || added {
			return key, err
		}
	}
	return "", errors.New("sessions: no free session key after 10 draws")
}

// Save replaces the data of key; ErrNotFound when it is gone (deleted by
// a logout, or evicted).
func (s CacheStore) Save(ctx context.Context, key string, data []byte, expiry time.Time) (string, error) {
	if _, err := s.Cache.Get(ctx, cachePrefix+key); errors.Is(err, cache.ErrCacheMiss) {
		return "", ErrNotFound
	} else if err != nil {
		return "", err
	}
	if err := s.Cache.Set(ctx, cachePrefix+key, data, ttl(expiry)); err != nil {
		return "", fmt.Errorf("sessions: %w", err)
	}
	return key, nil
}

func (s CacheStore) Delete(ctx context.Context, key string) error {
	_, err := s.Cache.Delete(ctx, cachePrefix+key)
	return err
}

// ttl is the time left until expiry; a past expiry expires at once (a
// negative TTL other than cache.NoExpiry).
func ttl(expiry time.Time) time.Duration {
	if d := time.Until(expiry); d > 0 {
		return d
	}
	return -time.Second
}
