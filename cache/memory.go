package cache

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"
)

// Defaults of the in-memory cache's bounds.
const (
	DefaultMaxEntries       = 10_000
	DefaultMaxBytes   int64 = 64 << 20
)

// entryOverhead approximates what an entry costs beyond its key and value
// (the entry struct and its map slot), so that many tiny values still
// count against MaxBytes.
const entryOverhead = 96

// MemoryOptions configure NewMemory.
type MemoryOptions struct {
	Options
	// MaxEntries bounds the number of keys (0: DefaultMaxEntries).
	MaxEntries int
	// MaxBytes bounds the size of keys and values plus a small overhead
	// per entry (0: DefaultMaxBytes). A value larger than this is refused
	// with ErrValueTooBig.
	MaxBytes int64
}

// Memory is a cache in the process's memory, Django's LocMemCache: bounded
// by entries and bytes, least recently used keys evicted first, expired
// keys dropped when met. It starts no goroutine, so there is nothing to
// leak. Each Memory is its own store, so its key prefix only counts
// against the key length.
type Memory struct {
	keys       Keys
	ttl        time.Duration
	now        func() int64 // Unix nanoseconds
	maxEntries int
	maxBytes   int64
	flight     Flight

	mu    sync.Mutex
	items map[string]*entry // nil once closed
	lru   entry             // sentinel: lru.next is the most recently used
	bytes int64
}

// entry is one key, linked in the LRU list.
type entry struct {
	key        string
	value      []byte
	expires    int64 // Unix nanoseconds; 0 never expires
	prev, next *entry
}

func (e *entry) size() int64 { return int64(len(e.key)+len(e.value)) + entryOverhead }

var _ Cache = (*Memory)(nil)

// NewMemory returns an empty in-memory cache.
func NewMemory(opts MemoryOptions) *Memory {
	m := &Memory{
		keys:       NewKeys(opts.Options),
		ttl:        opts.TTL,
		maxEntries: opts.MaxEntries,
		maxBytes:   opts.MaxBytes,
		items:      map[string]*entry{},
	}
	if opts.Clock != nil {
		m.now = func() int64 { return opts.Clock().UnixNano() }
	} else {
		// The monotonic clock alone: time.Since reads one clock where
		// time.Now reads two, which halves the cost of a hit on a key
		// with an expiry, and a wall clock set back does not revive keys.
		base := time.Now()
		wall := base.UnixNano()
		m.now = func() int64 { return wall + int64(time.Since(base)) }
	}
	if m.maxEntries <= 0 {
		m.maxEntries = DefaultMaxEntries
	}
	if m.maxBytes <= 0 {
		m.maxBytes = DefaultMaxBytes
	}
	m.lru.next, m.lru.prev = &m.lru, &m.lru
	return m
}

// Len returns the number of keys stored, expired ones included until they
// are met or evicted.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.items)
}

// Bytes returns the size counted against MaxBytes.
func (m *Memory) Bytes() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.bytes
}

// live returns the unexpired entry of key, removing an expired one. The
// caller holds mu and has checked that the cache is open.
func (m *Memory) live(key string) *entry {
	e := m.items[key]
	if e == nil {
		return nil
	}
	if e.expires != 0 && m.now() >= e.expires {
		m.remove(e)
		return nil
	}
	return e
}

func (m *Memory) remove(e *entry) {
	e.prev.next, e.next.prev = e.next, e.prev
	delete(m.items, e.key)
	m.bytes -= e.size()
}

func (m *Memory) toFront(e *entry) {
	if m.lru.next == e {
		return
	}
	e.prev.next, e.next.prev = e.next, e.prev
	e.prev, e.next = &m.lru, m.lru.next
	m.lru.next.prev = e
	m.lru.next = e
}

// expiry returns the expiry of a key stored now for ttl, and false if the
// key is expired already.
func (m *Memory) expiry(ttl time.Duration) (int64, bool) {
	d, expires := ResolveTTL(ttl, m.ttl)
	if !expires {
		return 0, true
	}
	if d <= 0 {
		return 0, false
	}
	return m.now() + int64(d), true
}

// set stores a copy of value; the caller holds mu on an open cache and
// has validated key.
func (m *Memory) set(key string, value []byte, ttl time.Duration) error {
	expires, ok := m.expiry(ttl)
	if !ok {
		if e := m.items[key]; e != nil {
			m.remove(e)
		}
		return nil
	}
	if n := int64(len(key)+len(value)) + entryOverhead; n > m.maxBytes {
		return fmt.Errorf("%w: %d bytes for key %q, over the cache's MaxBytes of %d", ErrValueTooBig, n, key, m.maxBytes)
	}
	value = append([]byte(nil), value...)
	if e := m.items[key]; e != nil {
		m.bytes += int64(len(value) - len(e.value))
		e.value, e.expires = value, expires
		m.toFront(e)
	} else {
		e = &entry{key: key, value: value, expires: expires}
		e.prev, e.next = &m.lru, m.lru.next
		m.lru.next.prev = e
		m.lru.next = e
		m.items[key] = e
		m.bytes += e.size()
	}
	for len(m.items) > m.maxEntries || m.bytes > m.maxBytes {
		m.remove(m.lru.prev)
	}
	return nil
}

// Get implements Cache. A hit allocates nothing and returns the cache's
// own bytes: do not modify them.
func (m *Memory) Get(_ context.Context, key string) ([]byte, error) {
	if err := m.keys.Validate(key); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.items == nil {
		return nil, ErrClosed
	}
	e := m.live(key)
	if e == nil {
		return nil, ErrCacheMiss
	}
	m.toFront(e)
	return e.value, nil
}

// Set implements Cache.
func (m *Memory) Set(_ context.Context, key string, value []byte, ttl time.Duration) error {
	if err := m.keys.Validate(key); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.items == nil {
		return ErrClosed
	}
	return m.set(key, value, ttl)
}

// Add implements Cache.
func (m *Memory) Add(_ context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	if err := m.keys.Validate(key); err != nil {
		return false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.items == nil {
		return false, ErrClosed
	}
	if m.live(key) != nil {
		return false, nil
	}
	if err := m.set(key, value, ttl); err != nil {
		return false, err
	}
	return true, nil
}

// GetOrSet implements Cache.
func (m *Memory) GetOrSet(ctx context.Context, key string, ttl time.Duration, compute func(context.Context) ([]byte, error)) ([]byte, error) {
	return m.flight.GetOrSet(ctx, m, key, ttl, compute)
}

// Delete implements Cache.
func (m *Memory) Delete(_ context.Context, key string) (bool, error) {
	if err := m.keys.Validate(key); err != nil {
		return false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.items == nil {
		return false, ErrClosed
	}
	e := m.live(key)
	if e != nil {
		m.remove(e)
	}
	return e != nil, nil
}

// Incr implements Cache.
func (m *Memory) Incr(_ context.Context, key string, delta int64) (int64, error) {
	if err := m.keys.Validate(key); err != nil {
		return 0, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.items == nil {
		return 0, ErrClosed
	}
	e := m.live(key)
	if e == nil {
		return 0, fmt.Errorf("%w: cannot increment %q", ErrCacheMiss, key)
	}
	n, err := ParseInt(e.value)
	if err != nil {
		return 0, err
	}
	if n, err = AddInt(n, delta); err != nil {
		return 0, err
	}
	// A new slice: readers may hold the old one.
	value := strconv.AppendInt(nil, n, 10)
	m.bytes += int64(len(value) - len(e.value))
	e.value = value
	m.toFront(e)
	return n, nil
}

// Decr implements Cache.
func (m *Memory) Decr(ctx context.Context, key string, delta int64) (int64, error) {
	neg, err := Negate(delta)
	if err != nil {
		return 0, err
	}
	return m.Incr(ctx, key, neg)
}

// GetMany implements Cache.
func (m *Memory) GetMany(_ context.Context, keys []string) (map[string][]byte, error) {
	for _, k := range keys {
		if err := m.keys.Validate(k); err != nil {
			return nil, err
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.items == nil {
		return nil, ErrClosed
	}
	out := make(map[string][]byte, len(keys))
	for _, k := range keys {
		if e := m.live(k); e != nil {
			m.toFront(e)
			out[k] = e.value
		}
	}
	return out, nil
}

// SetMany implements Cache. Nothing is stored unless every key is valid.
func (m *Memory) SetMany(_ context.Context, items map[string][]byte, ttl time.Duration) error {
	for k := range items {
		if err := m.keys.Validate(k); err != nil {
			return err
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.items == nil {
		return ErrClosed
	}
	for k, v := range items {
		if err := m.set(k, v, ttl); err != nil {
			return err
		}
	}
	return nil
}

// DeleteMany implements Cache.
func (m *Memory) DeleteMany(_ context.Context, keys []string) error {
	for _, k := range keys {
		if err := m.keys.Validate(k); err != nil {
			return err
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.items == nil {
		return ErrClosed
	}
	for _, k := range keys {
		if e := m.items[k]; e != nil {
			m.remove(e)
		}
	}
	return nil
}

// Touch implements Cache.
func (m *Memory) Touch(_ context.Context, key string, ttl time.Duration) (bool, error) {
	if err := m.keys.Validate(key); err != nil {
		return false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.items == nil {
		return false, ErrClosed
	}
	e := m.live(key)
	if e == nil {
		return false, nil
	}
	expires, ok := m.expiry(ttl)
	if !ok {
		m.remove(e)
		return true, nil
	}
	e.expires = expires
	return true, nil
}

// Clear implements Cache.
func (m *Memory) Clear(context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.items == nil {
		return ErrClosed
	}
	m.items = map[string]*entry{}
	m.lru.next, m.lru.prev = &m.lru, &m.lru
	m.bytes = 0
	return nil
}

// Close drops every key; later calls return ErrClosed.
func (m *Memory) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.items = nil
	m.lru.next, m.lru.prev = &m.lru, &m.lru
	m.bytes = 0
	return nil
}
