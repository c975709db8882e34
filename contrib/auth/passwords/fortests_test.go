package passwords_test

import (
	"strings"
	"testing"

	"github.com/nuages-go/nuages/contrib/auth/passwords"
)

// ForTests hashes with few iterations, and still checks the hashes that
// Django's parameters make, asking for them to be made again.
func TestForTests(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	hs := passwords.ForTests()
	encoded, err := hs.Make(ctx, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if want := "pbkdf2_sha256$1000$"; !strings.HasPrefix(encoded, want) {
		t.Errorf("Make = %q, want it to start with %q", encoded, want)
	}
	for _, h := range []passwords.Hasher{passwords.PBKDF2SHA256{Iterations: 1200}, passwords.Argon2{Time: 1, Memory: 64, Threads: 1}, passwords.Scrypt{N: 16, R: 1, P: 1}} {
		stored, err := h.Hash("correct horse")
		if err != nil {
			t.Fatal(err)
		}
		ok, mustUpdate, err := hs.Check(ctx, "correct horse", stored)
		if !ok || !mustUpdate || err != nil {
			t.Errorf("Check of a %s hash = %v, %v, %v; want true, true, <nil>", h.Algorithm(), ok, mustUpdate, err)
		}
	}
}
