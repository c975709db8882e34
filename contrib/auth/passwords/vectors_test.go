package passwords_test

import (
	"strings"
	"testing"

	"github.com/nuages-go/nuages/contrib/auth/passwords"
)

// djangoVectors were made by Django itself (3.2.25, Debian's
// python3-django, with argon2-cffi 21.1 and bcrypt 3.2), not by this
// package: Hasher.encode with a fixed salt for PBKDF2, bcrypt with random
// salts. The argon2 ones with 32-byte hashes come from argon2-cffi's
// hash_secret with the hash length of argon2-cffi 21.2+, which current
// Django uses; the scrypt ones from Python's hashlib.scrypt in Django's
// ScryptPasswordHasher format (Django 4.0+, newer than the Django at hand).
// The 1.2M-iteration PBKDF2 hash is also the one the Rust djangohashers
// crate expects for Django 5.3+ in its tests.
var djangoVectors = []struct {
	name     string
	hasher   passwords.Hasher
	password string
	encoded  string
	slow     bool
}{
	{"pbkdf2_sha256 1.2M iterations (Django 6.0 default)", passwords.PBKDF2SHA256{}, "lètmein",
		"pbkdf2_sha256$1200000$seasalt$6sTlFi4QohxXLuZigqDIUNX8xG9NxrTmV8+flFQdBqE=", true},
	{"pbkdf2_sha256 260000 iterations (Django 3.2 default)", passwords.PBKDF2SHA256{}, "lètmein",
		"pbkdf2_sha256$260000$seasalt$YlZ2Vggtqdc61YjArZuoApoBh9JNGYoDRBUGu6tcJQo=", true},
	{"pbkdf2_sha256 10 iterations", passwords.PBKDF2SHA256{}, "lètmein",
		"pbkdf2_sha256$10$seasalt$VbSPqS8BdRSyZf3o3EFw4JIgQ7e+0T7vCqysXj34iII=", false},
	{"pbkdf2_sha256 empty password", passwords.PBKDF2SHA256{}, "",
		"pbkdf2_sha256$10$seasalt$WMlEk/RJy667y6qBgWtaO+e5qauWKUqT78v1M4jLNqc=", false},
	{"pbkdf2_sha256 22-character salt", passwords.PBKDF2SHA256{}, "correct horse battery staple",
		"pbkdf2_sha256$1000$AbCdEfGhIjKlMnOpQrStUv$Vi9DUyXzP0t/gsJvorpo6uvz/g7i+3wZ9erdfCuxiBI=", false},
	{"pbkdf2_sha1 260000 iterations", passwords.PBKDF2SHA1{}, "lètmein",
		"pbkdf2_sha1$260000$seasalt$XXHk2gQ7tjWIyrS320RXXsGqkUg=", true},
	{"pbkdf2_sha1 10 iterations", passwords.PBKDF2SHA1{}, "lètmein",
		"pbkdf2_sha1$10$seasalt$wp1Is8HMt3fH32HSJWQKKwD0mBE=", false},
	{"argon2id 16-byte hash (argon2-cffi before 21.2)", passwords.Argon2{}, "lètmein",
		"argon2$argon2id$v=19$m=256,t=1,p=1$c2Vhc2FsdDI$5/M3ohjyUUgCRhmqGa0Usw", false},
	{"argon2id 32-byte hash", passwords.Argon2{}, "lètmein",
		"argon2$argon2id$v=19$m=256,t=1,p=1$QWJDZEVmR2hJaktsTW5PcFFyU3RVdg$+A4uJXaT0psyssI2ouHkQ3BYJJPofcc/Ag8+HmS7bIs", false},
	// Also published by another project as made by Django's
	// Argon2PasswordHasher().encode("Parity-Pass-2026 ü", "abcdefghijklmnopqrstuv").
	{"argon2id Django defaults", passwords.Argon2{}, "Parity-Pass-2026 ü",
		"argon2$argon2id$v=19$m=102400,t=2,p=8$YWJjZGVmZ2hpamtsbW5vcHFyc3R1dg$IgorAEoC45Hed6TrnrYvCyIvYcj3785+rmJayoEyW88", true},
	{"argon2i (Django before 3.2)", passwords.Argon2{}, "secret",
		"argon2$argon2i$v=19$m=512,t=2,p=2$c2FsdHNhbHRzYWx0$wzTKvDvH6VLXhHA3hai7hg", false},
	{"bcrypt_sha256 cost 4", passwords.BCryptSHA256{}, "lètmein",
		"bcrypt_sha256$$2b$04$loD1Oy7/AbadSnsHq/Ghv.rcfT9xZimIieauOVK/094xHZH/WvMra", false},
	{"bcrypt_sha256 cost 12", passwords.BCryptSHA256{}, "lètmein",
		"bcrypt_sha256$$2b$12$WIrN2YhFNWAP5BfrscAWeOtMJ.IlmU2cH8HT.hz7ilVlf.M7mCyVS", true},
	{"bcrypt_sha256 100-byte password", passwords.BCryptSHA256{}, strings.Repeat("x", 100),
		"bcrypt_sha256$$2b$04$nEg76bIbKyMSeJN/AMbmAOTFdUhyS1UoqHeabJUEyhTF9QQdTmAsi", false},
	{"bcrypt cost 4", passwords.BCrypt{}, "lètmein",
		"bcrypt$$2b$04$tMAzDk6ppUqIo16ZO/rxge2eYQM.mP01.gETIZRvwKqx793sRkjIm", false},
	{"scrypt N=1024 p=1", passwords.Scrypt{}, "lètmein",
		"scrypt$1024$seasalt$8$1$+qO2jTkVUbPNlniTkHY96ldSJKs4U0WQif8UbWlfO3wJDNhKOg+pPtDckiT6Zw0qkEvKIQ1MdONfGxsWrpoiNg==", false},
	{"scrypt Django defaults", passwords.Scrypt{}, "lètmein",
		"scrypt$16384$AbCdEfGhIjKlMnOpQrStUv$8$5$CkijUMRQNmyGxUQ6iiBQJNaHbrVrH7jkH8SvkHT9jgl+i20Z41rNwYIhpnyLqtwE0N5e7z9SlSbnXuCTOsmbVA==", false},
}

func TestDjangoVectors(t *testing.T) {
	for _, v := range djangoVectors {
		t.Run(v.name, func(t *testing.T) {
			if v.slow && testing.Short() {
				t.Skip("slow vector; run without -short")
			}
			if got := v.hasher.Algorithm(); !strings.HasPrefix(v.encoded, got+"$") {
				t.Fatalf("hasher %T has algorithm %q for %q", v.hasher, got, v.encoded)
			}
			ok, err := v.hasher.Verify(v.password, v.encoded)
			if err != nil || !ok {
				t.Fatalf("Verify(%q) = %v, %v; want true", v.password, ok, err)
			}
			// One wrong character, and a password that differs only
			// after bcrypt's 72 bytes for the sha256 variant, both fail.
			wrongs := []string{v.password + "x", strings.ToUpper(v.password), "letmein"}
			if v.slow {
				wrongs = nil // the fast vectors of the same hashers test refusals
			}
			for _, wrong := range wrongs {
				if wrong == v.password {
					continue
				}
				if ok, err := v.hasher.Verify(wrong, v.encoded); err != nil || ok {
					t.Errorf("Verify(%q) = %v, %v; want false", wrong, ok, err)
				}
			}
		})
	}
}

// TestDjangoVectors_makeMatchesDjango checks that this package makes, from the
// same salt and count, byte for byte what Django made: a new hash is one a
// Django site reads.
func TestDjangoVectors_makeMatchesDjango(t *testing.T) {
	for _, v := range djangoVectors {
		if v.slow || !strings.HasPrefix(v.encoded, "pbkdf2") && !strings.HasPrefix(v.encoded, "scrypt") {
			continue // argon2 and bcrypt salts are random; their Verify is the test
		}
		t.Run(v.name, func(t *testing.T) {
			got := passwords.EncodeWithSalt(t, v.hasher, v.password, v.encoded)
			if got != v.encoded {
				t.Errorf("encoding again with Django's salt and parameters\n got %s\nwant %s", got, v.encoded)
			}
		})
	}
}
