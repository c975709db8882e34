package passwords

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// DefaultBCryptCost is Django's bcrypt work factor (its "rounds").
const DefaultBCryptCost = 12

// bcryptMaxPassword is the number of password bytes bcrypt reads.
const bcryptMaxPassword = 72

// BCryptSHA256 is Django's BCryptSHA256PasswordHasher: bcrypt of the
// hexadecimal SHA-256 digest of the password, so that passwords longer
// than bcrypt's 72 bytes are not truncated, stored as
// "bcrypt_sha256$$2b$<cost>$<salt and hash>".
type BCryptSHA256 struct {
	Cost int // work factor, 4 to 31; 0 means DefaultBCryptCost
}

// BCrypt is Django's BCryptPasswordHasher: plain bcrypt, stored as
// "bcrypt$$2b$<cost>$<salt and hash>". It reads only the first 72 bytes of
// a password: keep it to verify old tables, and prefer BCryptSHA256. Hash
// refuses longer passwords rather than truncate them silently.
type BCrypt struct {
	Cost int // work factor, 4 to 31; 0 means DefaultBCryptCost
}

func (BCryptSHA256) Algorithm() string { return "bcrypt_sha256" }
func (BCrypt) Algorithm() string       { return "bcrypt" }

func (h BCryptSHA256) Hash(password string) (string, error) { return h.b().hash(password) }
func (h BCrypt) Hash(password string) (string, error)       { return h.b().hash(password) }

func (h BCryptSHA256) Verify(password, encoded string) (bool, error) {
	return h.b().verify(password, encoded)
}
func (h BCrypt) Verify(password, encoded string) (bool, error) {
	return h.b().verify(password, encoded)
}

func (h BCryptSHA256) MustUpdate(encoded string) bool { return h.b().mustUpdate(encoded) }
func (h BCrypt) MustUpdate(encoded string) bool       { return h.b().mustUpdate(encoded) }

func (h BCryptSHA256) HardenRuntime(password, encoded string) { h.b().hardenRuntime(password, encoded) }
func (h BCrypt) HardenRuntime(password, encoded string)       { h.b().hardenRuntime(password, encoded) }

func (h BCryptSHA256) check() error { return h.b().check() }
func (h BCrypt) check() error       { return h.b().check() }

func (h BCryptSHA256) b() bcryptHasher {
	return bcryptHasher{alg: "bcrypt_sha256", cost: h.Cost, sha256: true}
}
func (h BCrypt) b() bcryptHasher { return bcryptHasher{alg: "bcrypt", cost: h.Cost} }

// bcryptHasher is the code both bcrypt hashers share.
type bcryptHasher struct {
	alg    string
	cost   int
	sha256 bool
}

func (b bcryptHasher) costOrDefault() int {
	if b.cost == 0 {
		return DefaultBCryptCost
	}
	return b.cost
}

func (b bcryptHasher) check() error {
	if c := b.costOrDefault(); c < bcrypt.MinCost || c > bcrypt.MaxCost {
		return fmt.Errorf("passwords: bcrypt Cost is %d; use 0 for %d or %d to %d", b.cost, DefaultBCryptCost, bcrypt.MinCost, bcrypt.MaxCost)
	}
	return nil
}

// input is what bcrypt hashes: Django hexlifies the SHA-256 digest (64
// ASCII bytes, under bcrypt's limit) for bcrypt_sha256.
func (b bcryptHasher) input(password string) []byte {
	if b.sha256 {
		sum := sha256.Sum256([]byte(password))
		return []byte(hex.EncodeToString(sum[:]))
	}
	return []byte(password)
}

func (b bcryptHasher) hash(password string) (string, error) {
	in := b.input(password)
	if len(in) > bcryptMaxPassword {
		return "", errors.New("passwords: bcrypt reads only 72 bytes of a password and this one is longer; use BCryptSHA256")
	}
	out, err := bcrypt.GenerateFromPassword(in, b.costOrDefault())
	if err != nil {
		return "", fmt.Errorf("passwords: %s: %w", b.alg, err)
	}
	// Go writes the "2a" version, Python's bcrypt (and so Django) "2b".
	// They differ only for passwords of 255 bytes and more, which bcrypt
	// is never given here, so the hash is a valid 2b hash as it stands.
	s := string(out)
	if rest, ok := strings.CutPrefix(s, "$2a$"); ok {
		s = "$2b$" + rest
	}
	return b.alg + "$" + s, nil
}

// data returns the bcrypt hash after "<alg>$", and its cost.
func (b bcryptHasher) data(encoded string) (string, int, error) {
	data, ok := strings.CutPrefix(encoded, b.alg+"$")
	// "$2b$12$" + 53 characters of salt and hash.
	if !ok || len(data) != 60 || data[0] != '$' || data[3] != '$' || data[6] != '$' {
		return "", 0, fmt.Errorf("%s hash does not read \"%s$$2b$<cost>$<53 characters>\"", b.alg, b.alg)
	}
	cost, err := strconv.Atoi(data[4:6])
	if err != nil {
		return "", 0, fmt.Errorf("%s hash has cost %q; want two digits", b.alg, data[4:6])
	}
	return data, cost, nil
}

func (b bcryptHasher) verify(password, encoded string) (bool, error) {
	data, _, err := b.data(encoded)
	if err != nil {
		return false, err
	}
	in := b.input(password)
	// Python's bcrypt, which made the hash, read only 72 bytes.
	in = in[:min(len(in), bcryptMaxPassword)]
	// CompareHashAndPassword compares in constant time.
	switch err := bcrypt.CompareHashAndPassword([]byte(data), in); {
	case err == nil:
		return true, nil
	case errors.Is(err, bcrypt.ErrMismatchedHashAndPassword):
		return false, nil
	default:
		return false, fmt.Errorf("%s hash: %w", b.alg, err)
	}
}

func (b bcryptHasher) mustUpdate(encoded string) bool {
	_, cost, err := b.data(encoded)
	return err != nil || cost != b.costOrDefault()
}

// hardenRuntime spends what a hash at the current cost takes beyond one at
// encoded's: 2^(difference) - 1 more hashes at encoded's cost, as Django,
// and returns how many it ran (for the tests).
func (b bcryptHasher) hardenRuntime(password, encoded string) (hashes int) {
	data, cost, err := b.data(encoded)
	diff := b.costOrDefault() - cost
	if err != nil || diff <= 0 || diff > 30 {
		return 0
	}
	in := b.input(password)
	in = in[:min(len(in), bcryptMaxPassword)]
	for range 1<<diff - 1 {
		_ = bcrypt.CompareHashAndPassword([]byte(data), in)
		hashes++
	}
	return hashes
}
