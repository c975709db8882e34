package passwords

import (
	"context"
	"errors"
	"fmt"
	"github.com/nuages-go/nuages/internal/randtext"
	"math"
	"runtime"
	"slices"
	"strings"
)

// Hasher is one password hashing algorithm, in Django's stored format
// "<algorithm>$...". Hashers must be safe for concurrent use.
type Hasher interface {
	// Algorithm is the name before the first "$" of the hashes it makes,
	// as in Django ("pbkdf2_sha256").
	Algorithm() string
	// Hash hashes password with a new random salt.
	Hash(password string) (string, error)
	// Verify reports whether password matches encoded, a hash of this
	// algorithm, comparing in constant time. An error means encoded is
	// malformed, never that the password is wrong.
	Verify(password, encoded string) (bool, error)
	// MustUpdate reports whether encoded, a hash of this algorithm, was
	// made with other parameters than the hasher's, or a weaker salt, so
	// that it should be made again when the password is next known.
	MustUpdate(encoded string) bool
}

// RuntimeHardener is implemented by hashers that can spend, after a wrong
// password checked against an older, cheaper hash, the time the difference
// with their current parameters costs, as Django's harden_runtime does, so
// that timing does not tell which accounts have old hashes.
type RuntimeHardener interface {
	HardenRuntime(password, encoded string)
}

// UnusablePrefix starts every unusable password: a value no hasher makes,
// so that no password matches it (Django's UNUSABLE_PASSWORD_PREFIX).
const UnusablePrefix = "!"

// unusableSuffixLength is the length of the random part of an unusable
// password, as Django's UNUSABLE_PASSWORD_SUFFIX_LENGTH.
const unusableSuffixLength = 40

var (
	// ErrBusy is matched (errors.Is) by the error of a Make, Check or
	// SimulateCheck whose context ended while it waited for a free hashing
	// slot. The error also matches the context's error. A login view
	// answers it with 503 Service Unavailable.
	ErrBusy = errors.New("passwords: too many passwords being hashed at once")
	// ErrUnknownAlgorithm is matched by the error of a Check against a
	// hash whose algorithm has no hasher in Options.Hashers.
	ErrUnknownAlgorithm = errors.New("passwords: unknown hash algorithm")
	// ErrMalformedHash is matched by the error of a Check against a hash
	// that its algorithm's hasher cannot read.
	ErrMalformedHash = errors.New("passwords: malformed hash")
)

// Options configure New.
type Options struct {
	// Hashers lists the accepted hashers, the preferred one first, as
	// Django's PASSWORD_HASHERS: Make uses the first, Check any of them.
	// Nil means DefaultHashers().
	Hashers []Hasher
	// MaxConcurrent bounds the hashes computed at once by this Hashers;
	// 0 means runtime.GOMAXPROCS(0). Each slow hash keeps a core busy
	// (and Argon2 100 MiB of memory), so more than the cores only makes
	// every login slower.
	MaxConcurrent int
}

// DefaultHashers returns Django's default PASSWORD_HASHERS, with Django's
// current parameters: PBKDF2SHA256 (preferred), PBKDF2SHA1, Argon2,
// BCryptSHA256 and Scrypt.
func DefaultHashers() []Hasher {
	return []Hasher{PBKDF2SHA256{}, PBKDF2SHA1{}, Argon2{}, BCryptSHA256{}, Scrypt{}}
}

// Hashers makes and checks password hashes with an ordered list of
// hashers, at most MaxConcurrent at once. It is safe for concurrent use.
type Hashers struct {
	list  []Hasher
	byAlg map[string]Hasher
	slots chan struct{}
}

// New returns the Hashers that opts describe. It refuses an empty or
// duplicated algorithm name, a nil hasher and a negative MaxConcurrent,
// and checks each hasher's parameters when it can.
func New(opts Options) (*Hashers, error) {
	list := slices.Clone(opts.Hashers) // the caller's slice may change later
	if list == nil {
		list = DefaultHashers()
	}
	if len(list) == 0 {
		return nil, errors.New("passwords: Options.Hashers is empty; leave it nil for Django's defaults")
	}
	n := opts.MaxConcurrent
	if n < 0 {
		return nil, fmt.Errorf("passwords: Options.MaxConcurrent is %d; use 0 for GOMAXPROCS or a positive bound", n)
	}
	if n == 0 {
		n = runtime.GOMAXPROCS(0)
	}
	hs := &Hashers{list: list, byAlg: make(map[string]Hasher, len(list)), slots: make(chan struct{}, n)}
	for i, h := range list {
		if h == nil {
			return nil, fmt.Errorf("passwords: Options.Hashers[%d] is nil", i)
		}
		alg := h.Algorithm()
		if alg == "" || strings.Contains(alg, "$") {
			return nil, fmt.Errorf("passwords: Options.Hashers[%d] (%T) has algorithm %q; it must be non-empty and without \"$\"", i, h, alg)
		}
		if _, dup := hs.byAlg[alg]; dup {
			return nil, fmt.Errorf("passwords: Options.Hashers lists algorithm %q twice", alg)
		}
		if c, ok := h.(interface{ check() error }); ok {
			if err := c.check(); err != nil {
				return nil, err
			}
		}
		hs.byAlg[alg] = h
	}
	return hs, nil
}

// Preferred returns the hasher Make uses: the first of Options.Hashers.
func (hs *Hashers) Preferred() Hasher { return hs.list[0] }

// Identify returns the hasher for encoded's algorithm.
func (hs *Hashers) Identify(encoded string) (Hasher, error) {
	alg, _, ok := strings.Cut(encoded, "$")
	if !ok {
		return nil, fmt.Errorf("%w: a stored hash reads \"<algorithm>$...\"", ErrMalformedHash)
	}
	h, ok := hs.byAlg[alg]
	if !ok {
		return nil, fmt.Errorf("%w %q: add its hasher to Options.Hashers", ErrUnknownAlgorithm, alg)
	}
	return h, nil
}

// Make hashes password with the preferred hasher and a new random salt,
// waiting for a free slot until ctx ends.
func (hs *Hashers) Make(ctx context.Context, password string) (string, error) {
	if err := hs.acquire(ctx); err != nil {
		return "", err
	}
	defer hs.release()
	return hs.list[0].Hash(password)
}

// Check reports whether password matches encoded, and whether encoded
// should be replaced by a new Make of the password (the preferred hasher or
// its parameters changed): when ok and mustUpdate, save a new hash, as
// Django's check_password does with its setter.
//
// An unusable password (see Unusable) matches nothing; Check still spends
// the time of a hash, so that an account without a usable password cannot
// be told from one with a wrong password. An error is ErrBusy (wrapping the
// context's error), ErrUnknownAlgorithm or ErrMalformedHash: a login view
// treats all of them as a refusal, and should log the last two, which point
// at the stored data.
func (hs *Hashers) Check(ctx context.Context, password, encoded string) (ok, mustUpdate bool, err error) {
	if !IsUsable(encoded) {
		return false, false, hs.SimulateCheck(ctx, password)
	}
	h, err := hs.Identify(encoded)
	if err != nil {
		return false, false, err
	}
	if err := hs.acquire(ctx); err != nil {
		return false, false, err
	}
	defer hs.release()
	preferred := hs.list[0]
	changed := h.Algorithm() != preferred.Algorithm()
	mustUpdate = changed || preferred.MustUpdate(encoded)
	ok, err = h.Verify(password, encoded)
	if err != nil {
		return false, false, fmt.Errorf("%w: %w", ErrMalformedHash, err)
	}
	// Like Django, harden only within one algorithm: across algorithms
	// the cost difference is not something a hasher can compute.
	if !ok && !changed && mustUpdate {
		if hr, isHardener := h.(RuntimeHardener); isHardener {
			hr.HardenRuntime(password, encoded)
		}
	}
	return ok, mustUpdate, nil
}

// MustUpdate reports whether encoded was not made by the preferred hasher
// with its current parameters.
func (hs *Hashers) MustUpdate(encoded string) bool {
	h, err := hs.Identify(encoded)
	if err != nil {
		return true
	}
	preferred := hs.list[0]
	return h.Algorithm() != preferred.Algorithm() || preferred.MustUpdate(encoded)
}

// SimulateCheck spends the time a Check of password against a hash of the
// preferred hasher takes, and returns only a context error (ErrBusy). Call
// it when no user has the submitted name, so that the answer takes as long
// as for a wrong password; Django's ModelBackend hashes the password once
// for the same reason.
func (hs *Hashers) SimulateCheck(ctx context.Context, password string) error {
	if err := hs.acquire(ctx); err != nil {
		return err
	}
	defer hs.release()
	// Hashing with a new salt costs what verifying does: both derive one
	// key with the preferred parameters. The result is thrown away. A
	// hasher that refuses this password at once (plain BCrypt, over 72
	// bytes) hashes an empty one instead, so the time is spent all the same.
	if _, err := hs.list[0].Hash(password); err != nil {
		_, _ = hs.list[0].Hash("")
	}
	return nil
}

// acquire takes a hashing slot, or gives up when ctx ends first.
func (hs *Hashers) acquire(ctx context.Context) error {
	if ctx.Err() != nil {
		return hs.busy(ctx)
	}
	select {
	case hs.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return hs.busy(ctx)
	}
}

// busy returns the error of a wait that ctx ended: it matches ErrBusy,
// the context's error and, with context.WithCancelCause, the cause.
func (hs *Hashers) busy(ctx context.Context) error {
	err, cause := ctx.Err(), context.Cause(ctx)
	if cause != err {
		return fmt.Errorf("%w (%d at most), gave up waiting: %w: %w", ErrBusy, cap(hs.slots), err, cause)
	}
	return fmt.Errorf("%w (%d at most), gave up waiting: %w", ErrBusy, cap(hs.slots), err)
}

func (hs *Hashers) release() { <-hs.slots }

// Unusable returns a new unusable password: UnusablePrefix and 40 random
// characters, as Django's make_password(None). Store it for accounts that
// must not log in with a password (single sign-on, disabled accounts); it
// differs per user so that the stored values tell nothing.
func Unusable() string {
	return UnusablePrefix + randtext.String(unusableSuffixLength, saltChars)
}

// IsUsable reports whether encoded can match a password: it is not empty
// and does not start with UnusablePrefix. Unlike Django, which calls "" a
// usable password that no password matches, the zero value is unusable.
func IsUsable(encoded string) bool {
	return encoded != "" && !strings.HasPrefix(encoded, UnusablePrefix)
}

// saltChars is the alphabet of Django's salts (RANDOM_STRING_CHARS).
const saltChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// saltEntropy is the entropy, in bits, of a new salt; Django's
// BasePasswordHasher.salt_entropy.
const saltEntropy = 128

// saltLength is the number of saltChars giving saltEntropy bits: 22.
var saltLength = int(math.Ceil(saltEntropy / math.Log2(float64(len(saltChars)))))

// newSalt returns a salt as Django makes them: 22 characters of saltChars.
func newSalt() string { return randtext.String(saltLength, saltChars) }

// weakSalt reports whether salt has less than saltEntropy bits, counting
// each character as one of saltChars, as Django's must_update_salt does.
func weakSalt(salt string) bool {
	return float64(len(salt))*math.Log2(float64(len(saltChars))) < saltEntropy
}
