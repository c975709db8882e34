package passwords

import (
	"fmt"
	"testing"

	"github.com/nuages-go/nuages/internal/randtext"
)

// EncodeWithSalt hashes password with h and the salt and parameters of
// encoded, a PBKDF2 or scrypt hash, for tests that compare with Django.
func EncodeWithSalt(t testing.TB, h Hasher, password, encoded string) string {
	t.Helper()
	var (
		out string
		err error
	)
	switch h := h.(type) {
	case PBKDF2SHA256, PBKDF2SHA1:
		k := h.(interface{ kdf() pbkdf2Hasher }).kdf()
		d, derr := k.decode(encoded)
		if derr != nil {
			t.Fatal(derr)
		}
		out, err = k.encode(password, d.salt, d.iterations)
	case Scrypt:
		d, derr := decodeScrypt(encoded)
		if derr != nil {
			t.Fatal(derr)
		}
		out, err = encodeScrypt(password, d.salt, d.n, d.r, d.p)
	default:
		t.Fatalf("EncodeWithSalt: %T takes no given salt", h)
	}
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// RandomString is how salts are drawn, for the salt tests.
func RandomString(n int) string { return randtext.String(n, saltChars) }

// QuickRatio and SplitNonWord expose the similarity's parts, to compare
// them with Python's difflib and re.
func QuickRatio(a, b string) float64 { return quickRatio([]rune(a), []rune(b)) }

var SplitNonWord = splitNonWord

func CommonPasswordsGz() []byte { return commonPasswordsGz }

// HardenRuntimeWork runs h's HardenRuntime and returns the work it did:
// PBKDF2 iterations, or bcrypt hashes.
func HardenRuntimeWork(h RuntimeHardener, password, encoded string) int {
	switch h := h.(type) {
	case PBKDF2SHA256:
		return h.kdf().hardenRuntime(password, encoded, h.Iterations)
	case PBKDF2SHA1:
		return h.kdf().hardenRuntime(password, encoded, h.Iterations)
	case BCryptSHA256:
		return h.b().hardenRuntime(password, encoded)
	case BCrypt:
		return h.b().hardenRuntime(password, encoded)
	}
	panic(fmt.Sprintf("HardenRuntimeWork: %T is not a hardener of this package", h))
}
