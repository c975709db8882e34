package cache

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// Cache is what every backend implements. All methods are safe for
// concurrent use. Keys are validated (see ValidateKey) and errors are
// returned as values: a miss is ErrCacheMiss, never a nil slice with a nil
// error.
//
// Byte slices returned by Get, GetMany and GetOrSet may be shared with the
// cache (the in-memory backend returns its own copy, for speed): treat
// them as read-only. Slices passed to Set, Add and SetMany may be reused
// by the caller once the call returns.
type Cache interface {
	// Get returns the value stored under key, or ErrCacheMiss.
	Get(ctx context.Context, key string) ([]byte, error)
	// Set stores value under key for ttl (see the TTL constants).
	Set(ctx context.Context, key string, value []byte, ttl time.Duration) error
	// Add stores value only if key holds nothing yet, and reports whether
	// it did.
	Add(ctx context.Context, key string, value []byte, ttl time.Duration) (bool, error)
	// GetOrSet returns the value under key; on a miss it calls compute
	// and stores its result with Add. When many goroutines of the process
	// miss the same key at once, compute runs once and they all get its
	// result.
	GetOrSet(ctx context.Context, key string, ttl time.Duration, compute func(context.Context) ([]byte, error)) ([]byte, error)
	// Delete removes key and reports whether it was there.
	Delete(ctx context.Context, key string) (bool, error)
	// Incr adds delta to the integer stored under key, atomically, and
	// returns the new value: ErrCacheMiss if there is none, ErrNotInteger
	// if the value is not a decimal integer. The key keeps its expiry.
	Incr(ctx context.Context, key string, delta int64) (int64, error)
	// Decr subtracts delta, like Incr.
	Decr(ctx context.Context, key string, delta int64) (int64, error)
	// GetMany returns the values of the keys that are present; missing
	// keys are absent from the map.
	GetMany(ctx context.Context, keys []string) (map[string][]byte, error)
	// SetMany stores every item for ttl.
	SetMany(ctx context.Context, items map[string][]byte, ttl time.Duration) error
	// DeleteMany removes the keys.
	DeleteMany(ctx context.Context, keys []string) error
	// Touch gives key a new ttl and reports whether the key was there.
	Touch(ctx context.Context, key string, ttl time.Duration) (bool, error)
	// Clear removes every key of this cache (only those with its prefix
	// on a shared server).
	Clear(ctx context.Context) error
	// Close releases the cache's resources; the cache is unusable after.
	Close() error
}

// TTL values with a special meaning, for Set, Add, SetMany, GetOrSet and
// Touch. Any positive duration is a time to live; a negative one other
// than NoExpiry expires the key at once (Set deletes it), as Django's
// timeouts of 0 or less do.
const (
	// DefaultTTL uses the cache's default time to live (Options.TTL,
	// five minutes unless configured), like Django's DEFAULT_TIMEOUT.
	DefaultTTL time.Duration = 0
	// NoExpiry keeps the key until it is deleted or evicted, like
	// Django's timeout=None. It is the most negative duration, which no
	// computed TTL (time.Until of a past deadline) comes near.
	NoExpiry time.Duration = math.MinInt64
)

// DefaultTimeout is the default time to live of a cache whose Options.TTL
// is zero: Django's 300 seconds.
const DefaultTimeout = 5 * time.Minute

// MaxKeyLength is the longest key, counting its prefix and version:
// memcached's limit, which Django warns about.
const MaxKeyLength = 250

// Errors returned by caches; test for them with errors.Is.
var (
	ErrCacheMiss   = errors.New("cache: key not found")
	ErrNotInteger  = errors.New("cache: value is not an integer")
	ErrInvalidKey  = errors.New("cache: invalid key")
	ErrClosed      = errors.New("cache: cache is closed")
	ErrValueTooBig = errors.New("cache: value too large")
	// ErrUnavailable wraps the errors of a cache server that does not
	// answer, when the backend is configured to report them.
	ErrUnavailable = errors.New("cache: server unavailable")
)

// Options are what every backend understands.
type Options struct {
	// KeyPrefix starts every key, Django's KEY_PREFIX: caches sharing a
	// server with different prefixes never see each other's keys.
	KeyPrefix string
	// Version is the default version of keys, Django's VERSION (0 means
	// 1). Bumping it makes every existing key a miss.
	Version int
	// TTL is the default time to live (0: DefaultTimeout; NoExpiry: none).
	TTL time.Duration
	// Clock returns the current time; nil means time.Now. Tests inject a
	// fake clock to expire keys without sleeping. Backends that keep time
	// on a server (Redis) ignore it.
	Clock func() time.Time
}

// Keys turns user keys into stored keys, Django's make_key and
// validate_key: "prefix:version:key".
type Keys struct {
	version int
	head    string // "prefix:version:", counted against MaxKeyLength
}

// NewKeys returns the key maker for opts.
func NewKeys(opts Options) Keys {
	v := max(opts.Version, 1)
	head := opts.KeyPrefix + ":" + strconv.Itoa(v) + ":"
	return Keys{version: v, head: head}
}

// Prefix returns "prefix:version:", what every stored key starts with.
func (k Keys) Prefix() string { return k.head }

// Version returns the version keys are made with.
func (k Keys) Version() int { return k.version }

// Validate reports whether key may be used: not empty, valid UTF-8, at
// most MaxKeyLength bytes once prefixed, and free of spaces and control
// characters (which memcached and many tools cannot handle).
func (k Keys) Validate(key string) error {
	if key == "" {
		return fmt.Errorf("%w: the key is empty", ErrInvalidKey)
	}
	if n := len(k.head) + len(key); n > MaxKeyLength {
		return fmt.Errorf("%w: key %.40q... is %d bytes with its prefix and version, over the limit of %d: hash long keys (e.g. with crypto/sha256)", ErrInvalidKey, key, n, MaxKeyLength)
	}
	ascii := true
	for i := 0; i < len(key); i++ {
		c := key[i]
		if c < 33 || c == 127 {
			return fmt.Errorf("%w: key %q has a space or control character at byte %d: use only printable characters", ErrInvalidKey, key, i)
		}
		ascii = ascii && c < utf8.RuneSelf
	}
	// Databases refuse text that is not UTF-8.
	if !ascii && !utf8.ValidString(key) {
		return fmt.Errorf("%w: key %q is not valid UTF-8: hash binary keys (e.g. with crypto/sha256)", ErrInvalidKey, key)
	}
	return nil
}

// Make validates key and returns the stored key "prefix:version:key".
func (k Keys) Make(key string) (string, error) {
	if err := k.Validate(key); err != nil {
		return "", err
	}
	return k.head + key, nil
}

// ResolveTTL returns what ttl means for a cache whose default is def (zero
// meaning DefaultTimeout): expires is false for NoExpiry; otherwise d is the
// time to live, and d <= 0 means the key is already expired.
func ResolveTTL(ttl, def time.Duration) (d time.Duration, expires bool) {
	if ttl == DefaultTTL {
		ttl = def
		if ttl == 0 {
			ttl = DefaultTimeout
		}
	}
	if ttl == NoExpiry {
		return 0, false
	}
	return ttl, true
}

// ParseInt reads a value stored by Incr or SetValue of an integer.
func ParseInt(b []byte) (int64, error) {
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %.40q", ErrNotInteger, b)
	}
	return n, nil
}

// AddInt returns n+delta, or an error if it overflows int64.
func AddInt(n, delta int64) (int64, error) {
	s := n + delta
	if (delta > 0 && s < n) || (delta < 0 && s > n) {
		return 0, fmt.Errorf("%w: %d%+d overflows int64", ErrNotInteger, n, delta)
	}
	return s, nil
}

// Negate returns -delta for Decr, or an error for math.MinInt64, which has
// no opposite.
func Negate(delta int64) (int64, error) {
	if delta != 0 && delta == -delta {
		return 0, fmt.Errorf("%w: cannot decrement by %d", ErrNotInteger, delta)
	}
	return -delta, nil
}
