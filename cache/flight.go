package cache

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Flight runs one computation per key at a time, so that many goroutines
// missing the same key wait for one result instead of stampeding the
// database (golang.org/x/sync/singleflight, in a few lines of the standard
// library). Backends embed one to implement GetOrSet. The zero value is
// ready to use.
type Flight struct {
	mu    sync.Mutex
	calls map[string]*call
}

type call struct {
	done chan struct{}
	val  []byte
	err  error
}

// Do runs fn for key unless a call for key is already running, in which
// case it waits for that call and returns its result. A waiter whose ctx
// ends stops waiting with ctx's error; a waiter whose leader failed only
// because the leader's own context ended (its client went away) runs fn
// itself rather than inherit that error.
func (f *Flight) Do(ctx context.Context, key string, fn func() ([]byte, error)) ([]byte, error) {
	for {
		f.mu.Lock()
		c, ok := f.calls[key]
		if !ok {
			break // with mu held: this goroutine leads
		}
		f.mu.Unlock()
		select {
		case <-c.done:
			if isContextErr(c.err) && ctx.Err() == nil {
				continue
			}
			return c.val, c.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if f.calls == nil {
		f.calls = map[string]*call{}
	}
	c := &call{done: make(chan struct{})}
	f.calls[key] = c
	f.mu.Unlock()

	// If fn panics, waiters get an error and the key is freed; the panic
	// goes on up the leader's stack.
	c.err = errors.New("cache: the computation of this key panicked")
	defer func() {
		f.mu.Lock()
		delete(f.calls, key)
		f.mu.Unlock()
		close(c.done)
	}()
	c.val, c.err = fn()
	return c.val, c.err
}

func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// GetOrSet implements Cache.GetOrSet for c: Get, and on a miss compute
// once per key across the goroutines of the process, store with Add and
// return the stored value (another process may have stored first).
func (f *Flight) GetOrSet(ctx context.Context, c Cache, key string, ttl time.Duration, compute func(context.Context) ([]byte, error)) ([]byte, error) {
	v, err := c.Get(ctx, key)
	if !errors.Is(err, ErrCacheMiss) {
		return v, err
	}
	return f.Do(ctx, key, func() ([]byte, error) {
		// A previous leader may have stored the value between our Get
		// and taking the lead.
		if v, err := c.Get(ctx, key); !errors.Is(err, ErrCacheMiss) {
			return v, err
		}
		v, err := compute(ctx)
		if err != nil {
			return nil, fmt.Errorf("cache: computing %q: %w", key, err)
		}
		added, err := c.Add(ctx, key, v, ttl)
		if err != nil || added {
			return v, err
		}
		if theirs, err := c.Get(ctx, key); err == nil {
			return theirs, nil
		}
		return v, nil
	})
}
