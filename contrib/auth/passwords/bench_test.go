package passwords_test

import (
	"context"
	"crypto/pbkdf2"
	"crypto/sha256"
	"testing"

	"github.com/nuages-go/nuages/contrib/auth/passwords"
)

// BenchmarkHashers measures Hash and Verify of each hasher with Django's
// default parameters: what one login costs a core. Run with
// -benchtime=3x: the PBKDF2 ones take about a second each.
func BenchmarkHashers(b *testing.B) {
	for _, h := range []passwords.Hasher{
		passwords.PBKDF2SHA256{}, passwords.PBKDF2SHA1{}, passwords.Argon2{},
		passwords.BCryptSHA256{}, passwords.BCrypt{}, passwords.Scrypt{},
	} {
		encoded, err := h.Hash("correct horse")
		if err != nil {
			b.Fatal(err)
		}
		b.Run("Hash/"+h.Algorithm(), func(b *testing.B) {
			for b.Loop() {
				if _, err := h.Hash("correct horse"); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("Verify/"+h.Algorithm(), func(b *testing.B) {
			for b.Loop() {
				if ok, err := h.Verify("correct horse", encoded); !ok || err != nil {
					b.Fatal(ok, err)
				}
			}
		})
	}
}

// benchIterations makes the hash short enough for the bookkeeping around
// it (parsing, the semaphore) to show, if it costs anything.
const benchIterations = 1000

// BenchmarkCheckOverhead compares Hashers.Check (identify, semaphore,
// parse, constant-time compare) with the raw key derivation it wraps, one
// goroutine and all cores: the ratio is the cost of the bound.
func BenchmarkCheckOverhead(b *testing.B) {
	ctx := context.Background()
	h := passwords.PBKDF2SHA256{Iterations: benchIterations}
	hs, err := passwords.New(passwords.Options{Hashers: []passwords.Hasher{h}})
	if err != nil {
		b.Fatal(err)
	}
	encoded, err := hs.Make(ctx, "correct horse")
	if err != nil {
		b.Fatal(err)
	}
	salt := []byte("AbCdEfGhIjKlMnOpQrStUv")
	raw := func() {
		if _, err := pbkdf2.Key(sha256.New, "correct horse", salt, benchIterations, sha256.Size); err != nil {
			b.Fatal(err)
		}
	}
	check := func() {
		if ok, _, err := hs.Check(ctx, "correct horse", encoded); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
	b.Run("raw_pbkdf2", func(b *testing.B) {
		for b.Loop() {
			raw()
		}
	})
	b.Run("Check", func(b *testing.B) {
		for b.Loop() {
			check()
		}
	})
	b.Run("raw_pbkdf2_parallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				raw()
			}
		})
	})
	b.Run("Check_parallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				check()
			}
		})
	})
}

// BenchmarkCheckBookkeeping measures Check around a hasher that does no
// work: the absolute cost of identifying the hash and taking a slot.
func BenchmarkCheckBookkeeping(b *testing.B) {
	ctx := context.Background()
	hs, err := passwords.New(passwords.Options{Hashers: []passwords.Hasher{fake{alg: "f"}}})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("serial", func(b *testing.B) {
		for b.Loop() {
			if ok, _, err := hs.Check(ctx, "pw", "f$pw"); !ok || err != nil {
				b.Fatal(ok, err)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if ok, _, err := hs.Check(ctx, "pw", "f$pw"); !ok || err != nil {
					b.Fatal(ok, err)
				}
			}
		})
	})
}
