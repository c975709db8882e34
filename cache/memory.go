package cache

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"strconv"
	"sync"
	"sync/atomic"
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
//
// Reads do not wait on each other: the keys are spread over shards by
// hash, and Get and GetMany take only the read lock of a key's shard.
// Writes take one writer lock, then the lock of each shard they change,
// so the bounds and the LRU list stay global and exact. A read does not
// move its key in the LRU list (a write): it marks the key used, and
// eviction gives a used key at the tail a second chance, moving it to the
// front unmarked, as the CLOCK algorithm approximates LRU. Writes move
// their key to the front.
type Memory struct {
	keys       Keys
	ttl        time.Duration
	now        func() int64 // Unix nanoseconds
	maxEntries int
	maxBytes   int64
	flight     Flight
	seed       maphash.Seed
	shards     [memoryShards]shard

	// wmu is held by every write for its whole length; the LRU list, the
	// counts and the closed flag are guarded by it, and are never read by
	// Get or GetMany.
	wmu    sync.Mutex
	lru    entry // sentinel: lru.next is the most recently used
	n      int   // entries, over all shards
	bytes  int64
	closed bool
}

// memoryShards is the number of shards: enough that the cores of a large
// machine seldom read from the same one, few enough that Clear stays cheap.
const memoryShards = 32

// shard is a part of the keys, chosen by hash. Its map is written only by
// holders of Memory.wmu, under mu, and read under mu's read lock (or
// under wmu alone, by writers).
type shard struct {
	mu    sync.RWMutex
	items map[string]*entry // nil once closed
	_     [64]byte          // keeps neighbouring shards' locks off one cache line
}

// entry is one key, linked in the LRU list.
type entry struct {
	key     string
	shard   *shard
	value   []byte // written under wmu and shard.mu; read under either
	expires int64  // Unix nanoseconds; 0 never expires. Guarded as value
	// prev and next link the LRU list; guarded by wmu.
	prev, next *entry
	// used is set by reads, under the shard's read lock, and cleared by
	// eviction.
	used atomic.Bool
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
		seed:       maphash.MakeSeed(),
	}
	for i := range m.shards {
		m.shards[i].items = map[string]*entry{}
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
	m.wmu.Lock()
	defer m.wmu.Unlock()
	return m.n
}

// Bytes returns the size counted against MaxBytes.
func (m *Memory) Bytes() int64 {
	m.wmu.Lock()
	defer m.wmu.Unlock()
	return m.bytes
}

func (m *Memory) shardOf(key string) *shard {
	return &m.shards[maphash.String(m.seed, key)%memoryShards]
}

// lookup returns the entry of key, expired or not. The caller holds wmu.
func (m *Memory) lookup(key string) *entry { return m.shardOf(key).items[key] }

// live returns the unexpired entry of key, removing an expired one. The
// caller holds wmu and has checked that the cache is open.
func (m *Memory) live(key string) *entry {
	e := m.lookup(key)
	if e == nil {
		return nil
	}
	if m.expired(e) {
		m.remove(e)
		return nil
	}
	return e
}

// expired reports whether e is past its expiry.
func (m *Memory) expired(e *entry) bool { return e.expires != 0 && m.now() >= e.expires }

// remove drops e; the caller holds wmu.
func (m *Memory) remove(e *entry) {
	e.prev.next, e.next.prev = e.next, e.prev
	e.shard.mu.Lock()
	delete(e.shard.items, e.key)
	e.shard.mu.Unlock()
	m.n--
	m.bytes -= e.size()
}

// update replaces e's value and expiry; the caller holds wmu.
func (m *Memory) update(e *entry, value []byte, expires int64) {
	m.bytes += int64(len(value) - len(e.value))
	e.shard.mu.Lock()
	e.value, e.expires = value, expires
	e.shard.mu.Unlock()
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

// evict removes keys from the tail of the LRU list until the cache is
// within its bounds; a key marked used since it was last passed, and keep
// (the key being written), go back to the front instead. Each key goes
// back at most once, unmarked, so the loop ends. The caller holds wmu.
func (m *Memory) evict(keep *entry) {
	for m.n > m.maxEntries || m.bytes > m.maxBytes {
		e := m.lru.prev
		if e == keep || e.used.Load() {
			e.used.Store(false)
			m.toFront(e)
			continue
		}
		m.remove(e)
	}
}

// drop removes the entries of keys that a read found expired, unless a
// write replaced them meanwhile.
func (m *Memory) drop(keys ...string) {
	m.wmu.Lock()
	defer m.wmu.Unlock()
	if m.closed {
		return
	}
	for _, k := range keys {
		if e := m.lookup(k); e != nil && m.expired(e) {
			m.remove(e)
		}
	}
}

// markUsed marks e for eviction's second chance; a key already marked is
// only read, so hot keys do not bounce a cache line between cores.
func markUsed(e *entry) {
	if !e.used.Load() {
		e.used.Store(true)
	}
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
		if e := m.lookup(key); e != nil {
			m.remove(e)
		}
		return nil
	}
	if n := int64(len(key)+len(value)) + entryOverhead; n > m.maxBytes {
		return fmt.Errorf("%w: %d bytes for key %q, over the cache's MaxBytes of %d", ErrValueTooBig, n, key, m.maxBytes)
	}
	value = append([]byte(nil), value...)
	sh := m.shardOf(key)
	e := sh.items[key]
	if e != nil {
		m.update(e, value, expires)
		m.toFront(e)
	} else {
		e = &entry{key: key, shard: sh, value: value, expires: expires}
		e.prev, e.next = &m.lru, m.lru.next
		m.lru.next.prev = e
		m.lru.next = e
		sh.mu.Lock()
		sh.items[key] = e
		sh.mu.Unlock()
		m.n++
		m.bytes += e.size()
	}
	m.evict(e)
	return nil
}

// Get implements Cache. A hit allocates nothing and returns the cache's
// own bytes: do not modify them.
func (m *Memory) Get(_ context.Context, key string) ([]byte, error) {
	if err := m.keys.Validate(key); err != nil {
		return nil, err
	}
	v, err := m.read(key)
	if err == errExpired {
		m.drop(key)
		return nil, ErrCacheMiss
	}
	return v, err
}

// errExpired tells read's callers to drop the key, under the writer lock.
var errExpired = errors.New("cache: expired")

// read returns the value of key under its shard's read lock, and marks the
// key used.
func (m *Memory) read(key string) ([]byte, error) {
	sh := m.shardOf(key)
	sh.mu.RLock()
	defer sh.mu.RUnlock()
	if sh.items == nil {
		return nil, ErrClosed
	}
	e := sh.items[key]
	if e == nil {
		return nil, ErrCacheMiss
	}
	if m.expired(e) {
		return nil, errExpired
	}
	markUsed(e)
	return e.value, nil
}

// Set implements Cache.
func (m *Memory) Set(_ context.Context, key string, value []byte, ttl time.Duration) error {
	if err := m.keys.Validate(key); err != nil {
		return err
	}
	m.wmu.Lock()
	defer m.wmu.Unlock()
	if m.closed {
		return ErrClosed
	}
	return m.set(key, value, ttl)
}

// Add implements Cache.
func (m *Memory) Add(_ context.Context, key string, value []byte, ttl time.Duration) (bool, error) {
	if err := m.keys.Validate(key); err != nil {
		return false, err
	}
	m.wmu.Lock()
	defer m.wmu.Unlock()
	if m.closed {
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
	m.wmu.Lock()
	defer m.wmu.Unlock()
	if m.closed {
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
	m.wmu.Lock()
	defer m.wmu.Unlock()
	if m.closed {
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
	m.update(e, strconv.AppendInt(nil, n, 10), e.expires)
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
	out := make(map[string][]byte, len(keys))
	var expired []string
	for _, k := range keys {
		switch v, err := m.read(k); err {
		case nil:
			out[k] = v
		case errExpired:
			expired = append(expired, k)
		case ErrCacheMiss:
		default:
			return nil, err
		}
	}
	if len(expired) > 0 {
		m.drop(expired...)
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
	m.wmu.Lock()
	defer m.wmu.Unlock()
	if m.closed {
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
	m.wmu.Lock()
	defer m.wmu.Unlock()
	if m.closed {
		return ErrClosed
	}
	for _, k := range keys {
		if e := m.lookup(k); e != nil {
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
	m.wmu.Lock()
	defer m.wmu.Unlock()
	if m.closed {
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
	m.update(e, e.value, expires)
	return true, nil
}

// Clear implements Cache.
func (m *Memory) Clear(context.Context) error {
	m.wmu.Lock()
	defer m.wmu.Unlock()
	if m.closed {
		return ErrClosed
	}
	m.reset(false)
	return nil
}

// Close drops every key; later calls return ErrClosed.
func (m *Memory) Close() error {
	m.wmu.Lock()
	defer m.wmu.Unlock()
	m.closed = true
	m.reset(true)
	return nil
}

// reset drops every key, and with closed every shard's map; the caller
// holds wmu.
func (m *Memory) reset(closed bool) {
	for i := range m.shards {
		sh := &m.shards[i]
		sh.mu.Lock()
		if closed {
			sh.items = nil
		} else {
			sh.items = map[string]*entry{}
		}
		sh.mu.Unlock()
	}
	m.lru.next, m.lru.prev = &m.lru, &m.lru
	m.n, m.bytes = 0, 0
}
