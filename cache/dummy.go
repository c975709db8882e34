package cache

import (
	"context"
	"fmt"
	"time"
)

// Dummy caches nothing, Django's DummyCache: for development, or to turn
// caching off without changing code. Keys are still validated, so a bad
// key fails in development as it would in production.
type Dummy struct{ keys Keys }

var _ Cache = Dummy{}

// NewDummy returns a cache that stores nothing.
func NewDummy(opts Options) Dummy { return Dummy{keys: NewKeys(opts)} }

func (d Dummy) validate(keys ...string) error {
	for _, k := range keys {
		if err := d.keys.Validate(k); err != nil {
			return err
		}
	}
	return nil
}

// Get always misses.
func (d Dummy) Get(_ context.Context, key string) ([]byte, error) {
	if err := d.validate(key); err != nil {
		return nil, err
	}
	return nil, ErrCacheMiss
}

// Set stores nothing.
func (d Dummy) Set(_ context.Context, key string, _ []byte, _ time.Duration) error {
	return d.validate(key)
}

// Add stores nothing and reports true, as Django's does.
func (d Dummy) Add(_ context.Context, key string, _ []byte, _ time.Duration) (bool, error) {
	return true, d.validate(key)
}

// GetOrSet computes the value on every call.
func (d Dummy) GetOrSet(ctx context.Context, key string, _ time.Duration, compute func(context.Context) ([]byte, error)) ([]byte, error) {
	if err := d.validate(key); err != nil {
		return nil, err
	}
	return compute(ctx)
}

// Delete reports false.
func (d Dummy) Delete(_ context.Context, key string) (bool, error) {
	return false, d.validate(key)
}

// Incr returns ErrCacheMiss.
func (d Dummy) Incr(_ context.Context, key string, _ int64) (int64, error) {
	if err := d.validate(key); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("%w: cannot increment %q", ErrCacheMiss, key)
}

// Decr returns ErrCacheMiss.
func (d Dummy) Decr(ctx context.Context, key string, delta int64) (int64, error) {
	return d.Incr(ctx, key, delta)
}

// GetMany returns an empty map.
func (d Dummy) GetMany(_ context.Context, keys []string) (map[string][]byte, error) {
	if err := d.validate(keys...); err != nil {
		return nil, err
	}
	return map[string][]byte{}, nil
}

// SetMany stores nothing.
func (d Dummy) SetMany(_ context.Context, items map[string][]byte, _ time.Duration) error {
	for k := range items {
		if err := d.validate(k); err != nil {
			return err
		}
	}
	return nil
}

// DeleteMany does nothing.
func (d Dummy) DeleteMany(_ context.Context, keys []string) error { return d.validate(keys...) }

// Touch reports false.
func (d Dummy) Touch(_ context.Context, key string, _ time.Duration) (bool, error) {
	return false, d.validate(key)
}

// Clear does nothing.
func (Dummy) Clear(context.Context) error { return nil }

// Close does nothing.
func (Dummy) Close() error { return nil }
