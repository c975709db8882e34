package passwords

import (
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Django's Argon2PasswordHasher parameters. The hash length is
// argon2-cffi's DEFAULT_HASH_LENGTH, which Django uses: 32 bytes since
// argon2-cffi 21.2 (16 before, so older hashes verify and MustUpdate
// reports them, as Django does).
const (
	DefaultArgon2Time    = 2
	DefaultArgon2Memory  = 102400 // KiB: 100 MiB
	DefaultArgon2Threads = 8
	argon2HashLen        = 32
)

// maxArgon2Memory bounds the memory a stored hash may ask for, in KiB
// (4 GiB): far above any sane setting, but a corrupt row cannot make a
// login allocate terabytes.
const maxArgon2Memory = 4 << 20

// Argon2 is Django's Argon2PasswordHasher: argon2id, stored as
// "argon2$argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>" with
// unpadded base64 salt and hash, the PHC string format behind Django's
// "argon2" prefix. It also verifies the argon2i hashes of Django before
// 3.2 (MustUpdate reports them).
type Argon2 struct {
	Time    uint32 // passes over memory; 0 means DefaultArgon2Time
	Memory  uint32 // KiB; 0 means DefaultArgon2Memory
	Threads uint8  // lanes, the "parallelism" of Django; 0 means DefaultArgon2Threads
}

func (Argon2) Algorithm() string { return "argon2" }

func (h Argon2) params() argon2Params {
	p := argon2Params{variant: "argon2id", version: argon2.Version, memory: h.Memory, time: h.Time, threads: h.Threads}
	if p.time == 0 {
		p.time = DefaultArgon2Time
	}
	if p.memory == 0 {
		p.memory = DefaultArgon2Memory
	}
	if p.threads == 0 {
		p.threads = DefaultArgon2Threads
	}
	return p
}

func (h Argon2) check() error {
	p := h.params()
	if p.memory < 8*uint32(p.threads) || p.memory > maxArgon2Memory {
		return fmt.Errorf("passwords: Argon2 Memory is %d KiB; it must be between 8 per thread (%d) and %d", p.memory, 8*uint32(p.threads), maxArgon2Memory)
	}
	return nil
}

func (h Argon2) Hash(password string) (string, error) {
	p := h.params()
	// Django passes its 22-character salt string to argon2 as bytes.
	salt := []byte(newSalt())
	return p.encode(salt, p.key(password, salt, argon2HashLen)), nil
}

func (h Argon2) Verify(password, encoded string) (bool, error) {
	p, salt, want, err := decodeArgon2(encoded)
	if err != nil {
		return false, err
	}
	got := p.key(password, salt, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// MustUpdate reports a hash of another variant, version or parameters, a
// hash length other than 32 bytes, or a weak salt, as Django's.
func (h Argon2) MustUpdate(encoded string) bool {
	p, salt, sum, err := decodeArgon2(encoded)
	return err != nil || p != h.params() || len(sum) != argon2HashLen || weakSalt(string(salt))
}

type argon2Params struct {
	variant string // "argon2id" or "argon2i"
	version int
	memory  uint32
	time    uint32
	threads uint8
}

func (p argon2Params) key(password string, salt []byte, keyLen uint32) []byte {
	if p.variant == "argon2i" {
		return argon2.Key([]byte(password), salt, p.time, p.memory, p.threads, keyLen)
	}
	return argon2.IDKey([]byte(password), salt, p.time, p.memory, p.threads, keyLen)
}

func (p argon2Params) encode(salt, sum []byte) string {
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("argon2$%s$v=%d$m=%d,t=%d,p=%d$%s$%s", p.variant, p.version, p.memory, p.time, p.threads, b64.EncodeToString(salt), b64.EncodeToString(sum))
}

// decodeArgon2 reads Django's argon2 hash; it refuses parameters that
// golang.org/x/crypto/argon2 would panic on or that ask for absurd memory.
func decodeArgon2(encoded string) (p argon2Params, salt, sum []byte, err error) {
	parts := strings.Split(encoded, "$")
	const form = `argon2 hash does not read "argon2$argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>"`
	if len(parts) != 6 || parts[0] != "argon2" {
		if len(parts) == 5 && parts[0] == "argon2" {
			return p, nil, nil, fmt.Errorf("argon2 hash has no version: argon2 1.0 (v=16), from Django 1.10, is not supported; reset these passwords")
		}
		return p, nil, nil, fmt.Errorf("%s", form)
	}
	switch parts[1] {
	case "argon2id", "argon2i":
		p.variant = parts[1]
	default:
		return p, nil, nil, fmt.Errorf("argon2 hash has variant %q; argon2id and argon2i are supported", parts[1])
	}
	v, ok := strings.CutPrefix(parts[2], "v=")
	if !ok || v != strconv.Itoa(argon2.Version) {
		return p, nil, nil, fmt.Errorf("argon2 hash has version %q; only v=%d is supported", parts[2], argon2.Version)
	}
	p.version = argon2.Version
	var m, t, lanes uint64
	for i, kv := range strings.Split(parts[3], ",") {
		name, val, _ := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(val, 10, 32)
		if err != nil || i > 2 || name != "mtp"[i:i+1] {
			return p, nil, nil, fmt.Errorf("argon2 hash has parameters %q; want m=<KiB>,t=<passes>,p=<lanes>", parts[3])
		}
		switch i {
		case 0:
			m = n
		case 1:
			t = n
		case 2:
			lanes = n
		}
	}
	switch {
	case t < 1:
		return p, nil, nil, fmt.Errorf("argon2 hash has t=%d; want at least 1", t)
	case lanes < 1 || lanes > 255:
		return p, nil, nil, fmt.Errorf("argon2 hash has p=%d; want 1 to 255", lanes)
	case m < 8*lanes || m > maxArgon2Memory:
		return p, nil, nil, fmt.Errorf("argon2 hash has m=%d; want %d (8 per lane) to %d", m, 8*lanes, maxArgon2Memory)
	}
	p.memory, p.time, p.threads = uint32(m), uint32(t), uint8(lanes)
	if salt, err = base64.RawStdEncoding.DecodeString(parts[4]); err != nil || len(salt) == 0 {
		return p, nil, nil, fmt.Errorf("argon2 hash has a salt that is not unpadded base64")
	}
	if sum, err = base64.RawStdEncoding.DecodeString(parts[5]); err != nil || len(sum) < 4 || len(sum) > 1024 {
		return p, nil, nil, fmt.Errorf("argon2 hash has a hash that is not 4 to 1024 bytes of unpadded base64")
	}
	return p, salt, sum, nil
}
