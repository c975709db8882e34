package passwords

import (
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/scrypt"
)

// Django's ScryptPasswordHasher parameters.
const (
	DefaultScryptN = 1 << 14 // work factor
	DefaultScryptR = 8       // block size
	DefaultScryptP = 5       // parallelism
	scryptKeyLen   = 64
)

// maxScryptMemory bounds the memory (128·N·r bytes) a stored hash may ask
// for: 1 GiB, far above Django's 16 MiB (and OpenSSL's 32 MiB default
// limit, which Django's own verification is under), but a corrupt row
// cannot make a login allocate terabytes.
const maxScryptMemory = 1 << 30

// Scrypt is Django's ScryptPasswordHasher, stored as
// "scrypt$<N>$<salt>$<r>$<p>$<base64 64-byte key>".
type Scrypt struct {
	N int // work factor, a power of 2; 0 means DefaultScryptN
	R int // block size; 0 means DefaultScryptR
	P int // parallelism; 0 means DefaultScryptP
}

func (Scrypt) Algorithm() string { return "scrypt" }

func (h Scrypt) params() (n, r, p int) {
	n, r, p = h.N, h.R, h.P
	if n == 0 {
		n = DefaultScryptN
	}
	if r == 0 {
		r = DefaultScryptR
	}
	if p == 0 {
		p = DefaultScryptP
	}
	return n, r, p
}

func (h Scrypt) check() error {
	n, r, p := h.params()
	if err := checkScrypt(n, r, p); err != nil {
		return fmt.Errorf("passwords: Scrypt: %w", err)
	}
	return nil
}

func checkScrypt(n, r, p int) error {
	switch {
	case n < 2 || n&(n-1) != 0:
		return fmt.Errorf("work factor N=%d is not a power of 2 above 1", n)
	case r < 1 || p < 1:
		return fmt.Errorf("r is %d and p %d; want both positive", r, p)
	case r > maxScryptMemory/128/n:
		return fmt.Errorf("memory for N=%d and r=%d (128·N·r) is more than %d bytes", n, r, maxScryptMemory)
	case p > (1<<30-1)/r:
		return fmt.Errorf("r·p is %d·%d; want under 2^30", r, p)
	}
	return nil
}

func (h Scrypt) Hash(password string) (string, error) {
	n, r, p := h.params()
	return encodeScrypt(password, newSalt(), n, r, p)
}

func encodeScrypt(password, salt string, n, r, p int) (string, error) {
	key, err := scrypt.Key([]byte(password), []byte(salt), n, r, p, scryptKeyLen)
	if err != nil {
		return "", fmt.Errorf("passwords: scrypt: %w", err)
	}
	return "scrypt$" + strconv.Itoa(n) + "$" + salt + "$" + strconv.Itoa(r) + "$" + strconv.Itoa(p) + "$" +
		base64.StdEncoding.EncodeToString(key), nil
}

type scryptDecoded struct {
	n, r, p int
	salt    string
}

func decodeScrypt(encoded string) (scryptDecoded, error) {
	parts := strings.SplitN(encoded, "$", 6)
	if len(parts) != 6 || parts[0] != "scrypt" || parts[2] == "" {
		return scryptDecoded{}, fmt.Errorf(`scrypt hash does not read "scrypt$<N>$<salt>$<r>$<p>$<hash>"`)
	}
	var d scryptDecoded
	d.salt = parts[2]
	for _, f := range []struct {
		dst *int
		s   string
	}{{&d.n, parts[1]}, {&d.r, parts[3]}, {&d.p, parts[4]}} {
		v, err := strconv.Atoi(f.s)
		if err != nil {
			return scryptDecoded{}, fmt.Errorf("scrypt hash has parameter %q; want an integer", f.s)
		}
		*f.dst = v
	}
	if err := checkScrypt(d.n, d.r, d.p); err != nil {
		return scryptDecoded{}, fmt.Errorf("scrypt hash: %w", err)
	}
	return d, nil
}

// Verify hashes password again with encoded's salt and parameters and
// compares the whole encodings in constant time, as Django does.
func (h Scrypt) Verify(password, encoded string) (bool, error) {
	d, err := decodeScrypt(encoded)
	if err != nil {
		return false, err
	}
	again, err := encodeScrypt(password, d.salt, d.n, d.r, d.p)
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare([]byte(encoded), []byte(again)) == 1, nil
}

// MustUpdate reports other parameters than the hasher's, as Django's, or
// a weak salt.
func (h Scrypt) MustUpdate(encoded string) bool {
	d, err := decodeScrypt(encoded)
	n, r, p := h.params()
	return err != nil || d.n != n || d.r != r || d.p != p || weakSalt(d.salt)
}
