package passwords

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// SummaryItem is one labelled part of a stored hash, masked so that it is
// safe to show, as in the items of Django's safe_summary.
type SummaryItem struct {
	Label, Value string
}

// Summarizer is implemented by hashers that can describe a stored hash
// without revealing it: the algorithm and parameters in full, the salt and
// hash masked after their first 6 characters, as Django's safe_summary,
// which its admin shows in place of the password.
type Summarizer interface {
	Summary(encoded string) ([]SummaryItem, error)
}

// Summary describes encoded for display, with its hasher's Summarizer.
func (hs *Hashers) Summary(encoded string) ([]SummaryItem, error) {
	h, err := hs.Identify(encoded)
	if err != nil {
		return nil, err
	}
	s, ok := h.(Summarizer)
	if !ok {
		return []SummaryItem{{"algorithm", h.Algorithm()}}, nil
	}
	items, err := s.Summary(encoded)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformedHash, err)
	}
	return items, nil
}

// maskHash is Django's mask_hash: the first show characters, then one "*"
// for each of the others.
func maskHash(s string, show int) string {
	n := utf8.RuneCountInString(s)
	if n <= show {
		return s
	}
	i := 0
	for range show {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i] + strings.Repeat("*", n-show)
}

func (h PBKDF2SHA256) Summary(encoded string) ([]SummaryItem, error) { return h.kdf().summary(encoded) }
func (h PBKDF2SHA1) Summary(encoded string) ([]SummaryItem, error)   { return h.kdf().summary(encoded) }

func (k pbkdf2Hasher) summary(encoded string) ([]SummaryItem, error) {
	d, err := k.decode(encoded)
	if err != nil {
		return nil, err
	}
	return []SummaryItem{
		{"algorithm", k.alg},
		{"iterations", strconv.Itoa(d.iterations)},
		{"salt", maskHash(d.salt, 6)},
		{"hash", maskHash(d.hash, 6)},
	}, nil
}

func (Argon2) Summary(encoded string) ([]SummaryItem, error) {
	p, salt, _, err := decodeArgon2(encoded)
	if err != nil {
		return nil, err
	}
	// Django shows the salt decoded (its salts are text) and the hash as
	// stored.
	hash := encoded[strings.LastIndexByte(encoded, '$')+1:]
	return []SummaryItem{
		{"algorithm", "argon2"},
		{"variety", p.variant},
		{"version", strconv.Itoa(p.version)},
		{"memory cost", strconv.FormatUint(uint64(p.memory), 10)},
		{"time cost", strconv.FormatUint(uint64(p.time), 10)},
		{"parallelism", strconv.Itoa(int(p.threads))},
		{"salt", maskHash(latin1(salt), 6)},
		{"hash", maskHash(hash, 6)},
	}, nil
}

// latin1 reads b as Latin-1, as Django decodes argon2 salts for display.
func latin1(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

func (h BCryptSHA256) Summary(encoded string) ([]SummaryItem, error) { return h.b().summary(encoded) }
func (h BCrypt) Summary(encoded string) ([]SummaryItem, error)       { return h.b().summary(encoded) }

func (b bcryptHasher) summary(encoded string) ([]SummaryItem, error) {
	data, cost, err := b.data(encoded)
	if err != nil {
		return nil, err
	}
	rest := data[7:] // 22 characters of salt, 31 of checksum
	return []SummaryItem{
		{"algorithm", b.alg},
		{"work factor", strconv.Itoa(cost)},
		{"salt", maskHash(rest[:22], 6)},
		{"checksum", maskHash(rest[22:], 6)},
	}, nil
}

func (Scrypt) Summary(encoded string) ([]SummaryItem, error) {
	d, err := decodeScrypt(encoded)
	if err != nil {
		return nil, err
	}
	return []SummaryItem{
		{"algorithm", "scrypt"},
		{"work factor", strconv.Itoa(d.n)},
		{"block size", strconv.Itoa(d.r)},
		{"parallelism", strconv.Itoa(d.p)},
		{"salt", maskHash(d.salt, 6)},
		{"hash", maskHash(encoded[strings.LastIndexByte(encoded, '$')+1:], 6)},
	}, nil
}
