package cache

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Go values are stored as JSON rather than gob: the encoding is stable
// across Go versions and program changes (a renamed field decodes as
// missing, not as an error), readable in redis-cli and by other languages
// sharing the server, and an integer stored with SetValue is the decimal
// text Incr works on. Types with their own MarshalJSON/UnmarshalJSON
// control their form.

// GetValue returns the value under key decoded into a T: ErrCacheMiss if
// there is none, an error wrapping the decoding error if it does not
// decode (a stale shape after a deploy; bump Options.Version to drop them).
func GetValue[T any](ctx context.Context, c Cache, key string) (T, error) {
	var v T
	b, err := c.Get(ctx, key)
	if err != nil {
		return v, err
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return v, fmt.Errorf("cache: decoding %q as %T: %w", key, v, err)
	}
	return v, nil
}

// SetValue stores v under key as JSON, for ttl.
func SetValue[T any](ctx context.Context, c Cache, key string, v T, ttl time.Duration) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("cache: encoding %T for %q: %w", v, key, err)
	}
	return c.Set(ctx, key, b, ttl)
}

// GetOrSetValue returns the T under key, computing and storing it on a
// miss with Cache.GetOrSet (once per key across goroutines). A stored
// value that no longer decodes into T is computed again and replaced.
func GetOrSetValue[T any](ctx context.Context, c Cache, key string, ttl time.Duration, compute func(context.Context) (T, error)) (T, error) {
	var computed *T // set when this call computed, so no decoding is needed
	encode := func(ctx context.Context) ([]byte, error) {
		v, err := compute(ctx)
		if err != nil {
			return nil, err
		}
		computed = &v
		return json.Marshal(v)
	}
	b, err := c.GetOrSet(ctx, key, ttl, encode)
	if err != nil {
		var zero T
		return zero, err
	}
	if computed != nil {
		return *computed, nil
	}
	var v T
	if err := json.Unmarshal(b, &v); err == nil {
		return v, nil
	}
	// A stale shape: replace it.
	b, err = encode(ctx)
	if err != nil {
		return v, err
	}
	return *computed, c.Set(ctx, key, b, ttl)
}
