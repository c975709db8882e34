package passwords

import (
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"strings"
)

// DefaultPBKDF2Iterations is the iteration count of current Django (6.0)
// for its PBKDF2 hashers.
const DefaultPBKDF2Iterations = 1_200_000

// PBKDF2SHA256 is Django's default hasher, PBKDF2PasswordHasher:
// PBKDF2 with HMAC-SHA256 and a 32-byte key, stored as
// "pbkdf2_sha256$<iterations>$<salt>$<base64 key>".
type PBKDF2SHA256 struct {
	// Iterations for new hashes; 0 means DefaultPBKDF2Iterations. A
	// stored hash with another count still verifies, and MustUpdate
	// reports it.
	Iterations int
}

// PBKDF2SHA1 is Django's PBKDF2SHA1PasswordHasher: PBKDF2 with
// HMAC-SHA1 and a 20-byte key, stored as
// "pbkdf2_sha1$<iterations>$<salt>$<base64 key>". Keep it in the list to
// verify old hashes; prefer PBKDF2SHA256 for new ones.
type PBKDF2SHA1 struct {
	// Iterations for new hashes; 0 means DefaultPBKDF2Iterations.
	Iterations int
}

func (PBKDF2SHA256) Algorithm() string { return "pbkdf2_sha256" }
func (PBKDF2SHA1) Algorithm() string   { return "pbkdf2_sha1" }

func (h PBKDF2SHA256) Hash(password string) (string, error) {
	return h.kdf().encode(password, newSalt(), h.Iterations)
}
func (h PBKDF2SHA1) Hash(password string) (string, error) {
	return h.kdf().encode(password, newSalt(), h.Iterations)
}

func (h PBKDF2SHA256) Verify(password, encoded string) (bool, error) {
	return h.kdf().verify(password, encoded)
}
func (h PBKDF2SHA1) Verify(password, encoded string) (bool, error) {
	return h.kdf().verify(password, encoded)
}

func (h PBKDF2SHA256) MustUpdate(encoded string) bool {
	return h.kdf().mustUpdate(encoded, h.Iterations)
}
func (h PBKDF2SHA1) MustUpdate(encoded string) bool { return h.kdf().mustUpdate(encoded, h.Iterations) }

func (h PBKDF2SHA256) HardenRuntime(password, encoded string) {
	h.kdf().hardenRuntime(password, encoded, h.Iterations)
}
func (h PBKDF2SHA1) HardenRuntime(password, encoded string) {
	h.kdf().hardenRuntime(password, encoded, h.Iterations)
}

func (h PBKDF2SHA256) check() error { return checkIterations(h.Iterations) }
func (h PBKDF2SHA1) check() error   { return checkIterations(h.Iterations) }

func (PBKDF2SHA256) kdf() pbkdf2Hasher {
	return pbkdf2Hasher{alg: "pbkdf2_sha256", digest: sha256.New, keyLen: sha256.Size}
}
func (PBKDF2SHA1) kdf() pbkdf2Hasher {
	return pbkdf2Hasher{alg: "pbkdf2_sha1", digest: sha1.New, keyLen: sha1.Size}
}

func checkIterations(n int) error {
	if n < 0 {
		return fmt.Errorf("passwords: PBKDF2 Iterations is %d; use 0 for %d or a positive count", n, DefaultPBKDF2Iterations)
	}
	return nil
}

// pbkdf2Hasher is the code both PBKDF2 hashers share; Django's key length
// is the digest size.
type pbkdf2Hasher struct {
	alg    string
	digest func() hash.Hash
	keyLen int
}

func (k pbkdf2Hasher) encode(password, salt string, iterations int) (string, error) {
	if iterations == 0 {
		iterations = DefaultPBKDF2Iterations
	}
	if salt == "" || strings.Contains(salt, "$") {
		return "", errors.New("passwords: a PBKDF2 salt must be non-empty and without \"$\"")
	}
	key, err := pbkdf2.Key(k.digest, password, []byte(salt), iterations, k.keyLen)
	if err != nil {
		return "", fmt.Errorf("passwords: %s: %w", k.alg, err)
	}
	return k.alg + "$" + strconv.Itoa(iterations) + "$" + salt + "$" + base64.StdEncoding.EncodeToString(key), nil
}

type pbkdf2Decoded struct {
	iterations int
	salt, hash string
}

func (k pbkdf2Hasher) decode(encoded string) (pbkdf2Decoded, error) {
	parts := strings.SplitN(encoded, "$", 4)
	if len(parts) != 4 || parts[0] != k.alg {
		return pbkdf2Decoded{}, fmt.Errorf("%s hash does not read \"%s$<iterations>$<salt>$<hash>\"", k.alg, k.alg)
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil || n <= 0 {
		return pbkdf2Decoded{}, fmt.Errorf("%s hash has iterations %q; want a positive integer", k.alg, parts[1])
	}
	if parts[2] == "" {
		return pbkdf2Decoded{}, fmt.Errorf("%s hash has an empty salt", k.alg)
	}
	return pbkdf2Decoded{iterations: n, salt: parts[2], hash: parts[3]}, nil
}

// verify hashes password again with encoded's salt and count and compares
// the whole encodings in constant time, as Django does.
func (k pbkdf2Hasher) verify(password, encoded string) (bool, error) {
	d, err := k.decode(encoded)
	if err != nil {
		return false, err
	}
	again, err := k.encode(password, d.salt, d.iterations)
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare([]byte(encoded), []byte(again)) == 1, nil
}

func (k pbkdf2Hasher) mustUpdate(encoded string, iterations int) bool {
	if iterations == 0 {
		iterations = DefaultPBKDF2Iterations
	}
	d, err := k.decode(encoded)
	return err != nil || d.iterations != iterations || weakSalt(d.salt)
}

// hardenRuntime runs the iterations a hash with the current count would
// take beyond encoded's own, and returns how many (for the tests).
func (k pbkdf2Hasher) hardenRuntime(password, encoded string, iterations int) (extra int) {
	if iterations == 0 {
		iterations = DefaultPBKDF2Iterations
	}
	d, err := k.decode(encoded)
	if err != nil {
		return 0
	}
	if extra = iterations - d.iterations; extra <= 0 {
		return 0
	}
	_, _ = k.encode(password, d.salt, extra)
	return extra
}
