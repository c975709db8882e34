package passwords_test

import (
	"context"
	"encoding/base64"
	"errors"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nuages-go/nuages/contrib/auth/passwords"
)

// cheap lists every hasher with its cheapest parameters, so round trips
// stay fast; the Django vectors test the default parameters.
var cheap = []passwords.Hasher{
	passwords.PBKDF2SHA256{Iterations: 1000},
	passwords.PBKDF2SHA1{Iterations: 1000},
	passwords.Argon2{Time: 1, Memory: 64, Threads: 1},
	passwords.BCryptSHA256{Cost: 4},
	passwords.BCrypt{Cost: 4},
	passwords.Scrypt{N: 1024, R: 8, P: 1},
}

func mustNew(t testing.TB, opts passwords.Options) *passwords.Hashers {
	t.Helper()
	hs, err := passwords.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return hs
}

// withPreferred returns the cheap hashers with h first.
func withPreferred(h passwords.Hasher) []passwords.Hasher {
	list := []passwords.Hasher{h}
	for _, c := range cheap {
		if c.Algorithm() != h.Algorithm() {
			list = append(list, c)
		}
	}
	return list
}

func TestNew_refusesBadOptions(t *testing.T) {
	tests := []struct {
		name string
		opts passwords.Options
		want string
	}{
		{"empty list", passwords.Options{Hashers: []passwords.Hasher{}}, "Options.Hashers is empty"},
		{"nil hasher", passwords.Options{Hashers: []passwords.Hasher{passwords.PBKDF2SHA256{}, nil}}, "Options.Hashers[1] is nil"},
		{"duplicate", passwords.Options{Hashers: []passwords.Hasher{passwords.PBKDF2SHA256{}, passwords.PBKDF2SHA256{Iterations: 5}}}, `lists algorithm "pbkdf2_sha256" twice`},
		{"negative concurrency", passwords.Options{MaxConcurrent: -1}, "MaxConcurrent is -1"},
		{"negative iterations", passwords.Options{Hashers: []passwords.Hasher{passwords.PBKDF2SHA256{Iterations: -1}}}, "PBKDF2 Iterations is -1"},
		{"bcrypt cost too high", passwords.Options{Hashers: []passwords.Hasher{passwords.BCryptSHA256{Cost: 32}}}, "bcrypt Cost is 32"},
		{"bcrypt cost too low", passwords.Options{Hashers: []passwords.Hasher{passwords.BCrypt{Cost: 3}}}, "bcrypt Cost is 3"},
		{"argon2 memory below 8 per thread", passwords.Options{Hashers: []passwords.Hasher{passwords.Argon2{Memory: 8, Threads: 2}}}, "Argon2 Memory is 8 KiB"},
		{"scrypt N not a power of 2", passwords.Options{Hashers: []passwords.Hasher{passwords.Scrypt{N: 1000}}}, "N=1000 is not a power of 2"},
		{"bad algorithm name", passwords.Options{Hashers: []passwords.Hasher{fake{alg: "a$b"}}}, `has algorithm "a$b"`},
		{"empty algorithm name", passwords.Options{Hashers: []passwords.Hasher{fake{}}}, `has algorithm ""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := passwords.New(tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New() error = %v; want one containing %q", err, tt.want)
			}
		})
	}
}

func TestNew_defaults(t *testing.T) {
	hs := mustNew(t, passwords.Options{})
	if got := hs.Preferred().Algorithm(); got != "pbkdf2_sha256" {
		t.Errorf("default preferred algorithm %q; want pbkdf2_sha256", got)
	}
	for _, alg := range []string{"pbkdf2_sha256", "pbkdf2_sha1", "argon2", "bcrypt_sha256", "scrypt"} {
		if _, err := hs.Identify(alg + "$x"); err != nil {
			t.Errorf("Identify(%s) = %v; Django's default PASSWORD_HASHERS accept it", alg, err)
		}
	}
	if _, err := hs.Identify("bcrypt$$2b$..."); !errors.Is(err, passwords.ErrUnknownAlgorithm) {
		t.Errorf("plain bcrypt is not in Django's defaults; Identify err = %v", err)
	}
}

// formats are the shapes of new hashes: Django's stored formats, with
// Django's 22-character salts where the salt is visible.
var formats = map[string]*regexp.Regexp{
	"pbkdf2_sha256": regexp.MustCompile(`^pbkdf2_sha256\$1000\$[a-zA-Z0-9]{22}\$[A-Za-z0-9+/]{43}=$`),
	"pbkdf2_sha1":   regexp.MustCompile(`^pbkdf2_sha1\$1000\$[a-zA-Z0-9]{22}\$[A-Za-z0-9+/]{27}=$`),
	"argon2":        regexp.MustCompile(`^argon2\$argon2id\$v=19\$m=64,t=1,p=1\$[A-Za-z0-9+/]{30}\$[A-Za-z0-9+/]{43}$`),
	"bcrypt_sha256": regexp.MustCompile(`^bcrypt_sha256\$\$2b\$04\$[./A-Za-z0-9]{53}$`),
	"bcrypt":        regexp.MustCompile(`^bcrypt\$\$2b\$04\$[./A-Za-z0-9]{53}$`),
	"scrypt":        regexp.MustCompile(`^scrypt\$1024\$[a-zA-Z0-9]{22}\$8\$1\$[A-Za-z0-9+/]{86}==$`),
}

func TestMakeCheck_roundTrip(t *testing.T) {
	ctx := context.Background()
	for _, h := range cheap {
		t.Run(h.Algorithm(), func(t *testing.T) {
			hs := mustNew(t, passwords.Options{Hashers: withPreferred(h)})
			for _, pw := range []string{"correct horse", "", "lètmein ünïcode 🔑", "with$dollar", strings.Repeat("long", 30)} {
				encoded, err := hs.Make(ctx, pw)
				if h.Algorithm() == "bcrypt" && len(pw) > 72 {
					if err == nil || !strings.Contains(err.Error(), "use BCryptSHA256") {
						t.Errorf("plain bcrypt Make of %d bytes: err %v; want a refusal naming BCryptSHA256", len(pw), err)
					}
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				if re := formats[h.Algorithm()]; !re.MatchString(encoded) {
					t.Errorf("Make(%q) = %s; want %s", pw, encoded, re)
				}
				ok, mustUpdate, err := hs.Check(ctx, pw, encoded)
				if !ok || mustUpdate || err != nil {
					t.Errorf("Check(right password) = %v, %v, %v; want true, false, nil", ok, mustUpdate, err)
				}
				ok, _, err = hs.Check(ctx, pw+"!", encoded)
				if ok || err != nil {
					t.Errorf("Check(wrong password) = %v, %v; want false, nil", ok, err)
				}
				again, _ := hs.Make(ctx, pw)
				if again == encoded {
					t.Errorf("two hashes of %q are equal: the salt is not random", pw)
				}
			}
		})
	}
}

// TestCheck_upgrade is Django's "upgrade on login": a hash made with other
// parameters or another algorithm still verifies and asks to be replaced.
func TestCheck_upgrade(t *testing.T) {
	ctx := context.Background()
	const pw = "lètmein"
	// Made by Django: 10 iterations and a 7-character salt.
	const old = "pbkdf2_sha256$10$seasalt$VbSPqS8BdRSyZf3o3EFw4JIgQ7e+0T7vCqysXj34iII="
	tests := []struct {
		name       string
		preferred  passwords.Hasher
		encoded    string
		mustUpdate bool
	}{
		{"fewer iterations than preferred", passwords.PBKDF2SHA256{Iterations: 1000}, old, true},
		{"preferred is argon2", passwords.Argon2{Time: 1, Memory: 64, Threads: 1}, old, true},
		{"weak salt, same iterations", passwords.PBKDF2SHA256{Iterations: 10}, old, true},
		{"strong salt, same iterations", passwords.PBKDF2SHA256{Iterations: 1000},
			"pbkdf2_sha256$1000$AbCdEfGhIjKlMnOpQrStUv$Vi9DUyXzP0t/gsJvorpo6uvz/g7i+3wZ9erdfCuxiBI=", false},
		{"argon2i to argon2id", passwords.Argon2{Time: 2, Memory: 512, Threads: 2},
			"argon2$argon2i$v=19$m=512,t=2,p=2$c2FsdHNhbHRzYWx0$wzTKvDvH6VLXhHA3hai7hg", true},
		{"argon2 memory changed", passwords.Argon2{Time: 1, Memory: 512, Threads: 1},
			"argon2$argon2id$v=19$m=256,t=1,p=1$QWJDZEVmR2hJaktsTW5PcFFyU3RVdg$+A4uJXaT0psyssI2ouHkQ3BYJJPofcc/Ag8+HmS7bIs", true},
		{"argon2 same parameters", passwords.Argon2{Time: 1, Memory: 256, Threads: 1},
			"argon2$argon2id$v=19$m=256,t=1,p=1$QWJDZEVmR2hJaktsTW5PcFFyU3RVdg$+A4uJXaT0psyssI2ouHkQ3BYJJPofcc/Ag8+HmS7bIs", false},
		{"argon2 16-byte hash of argon2-cffi before 21.2", passwords.Argon2{Time: 1, Memory: 256, Threads: 1},
			"argon2$argon2id$v=19$m=256,t=1,p=1$QWJDZEVmR2hJaktsTW5PcFFyU3RVdg$o7Ca5xUtvYv+/lSub4mt3g", true},
		{"bcrypt cost changed", passwords.BCryptSHA256{Cost: 5},
			"bcrypt_sha256$$2b$04$loD1Oy7/AbadSnsHq/Ghv.rcfT9xZimIieauOVK/094xHZH/WvMra", true},
		{"bcrypt same cost", passwords.BCryptSHA256{Cost: 4},
			"bcrypt_sha256$$2b$04$loD1Oy7/AbadSnsHq/Ghv.rcfT9xZimIieauOVK/094xHZH/WvMra", false},
		{"scrypt p changed", passwords.Scrypt{N: 1024, P: 2},
			"scrypt$1024$seasalt$8$1$+qO2jTkVUbPNlniTkHY96ldSJKs4U0WQif8UbWlfO3wJDNhKOg+pPtDckiT6Zw0qkEvKIQ1MdONfGxsWrpoiNg==", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			password := pw
			switch {
			case strings.Contains(tt.encoded, "argon2i$"):
				password = "secret"
			case strings.Contains(tt.encoded, "AbCdEf"):
				password = "correct horse battery staple"
			}
			hs := mustNew(t, passwords.Options{Hashers: withPreferred(tt.preferred)})
			ok, mustUpdate, err := hs.Check(ctx, password, tt.encoded)
			if !ok || mustUpdate != tt.mustUpdate || err != nil {
				t.Fatalf("Check = %v, %v, %v; want true, %v, nil", ok, mustUpdate, err, tt.mustUpdate)
			}
			if got := hs.MustUpdate(tt.encoded); got != tt.mustUpdate {
				t.Errorf("MustUpdate = %v; want %v", got, tt.mustUpdate)
			}
			if !mustUpdate {
				return
			}
			// What a login does next: rehash, store, and the new hash
			// needs no update.
			fresh, err := hs.Make(ctx, password)
			if err != nil {
				t.Fatal(err)
			}
			ok, mustUpdate, err = hs.Check(ctx, password, fresh)
			if !ok || mustUpdate || err != nil {
				t.Errorf("Check(rehashed) = %v, %v, %v; want true, false, nil", ok, mustUpdate, err)
			}
		})
	}
}

func TestUnusable(t *testing.T) {
	a, b := passwords.Unusable(), passwords.Unusable()
	if !strings.HasPrefix(a, "!") || len(a) != 41 || a == b {
		t.Fatalf("Unusable() = %q, %q; want two different \"!\" + 40 characters", a, b)
	}
	for _, tt := range []struct {
		encoded string
		usable  bool
	}{{a, false}, {"!", false}, {"", false}, {"pbkdf2_sha256$1$s$h", true}, {"garbage", true}} {
		if got := passwords.IsUsable(tt.encoded); got != tt.usable {
			t.Errorf("IsUsable(%q) = %v; want %v", tt.encoded, got, tt.usable)
		}
	}
	var hashes atomic.Int32
	hs := mustNew(t, passwords.Options{Hashers: []passwords.Hasher{fake{alg: "f", hashes: &hashes}}})
	for _, encoded := range []string{a, "", "!"} {
		ok, mustUpdate, err := hs.Check(context.Background(), "!", encoded)
		if ok || mustUpdate || err != nil {
			t.Errorf("Check(%q) = %v, %v, %v; want false, false, nil", encoded, ok, mustUpdate, err)
		}
	}
	// The time of a hash is spent all the same.
	if n := hashes.Load(); n != 3 {
		t.Errorf("Check of unusable passwords hashed %d times; want 3 (one each)", n)
	}
}

func TestCheck_badHashes(t *testing.T) {
	hs := mustNew(t, passwords.Options{Hashers: cheap})
	tests := []struct {
		name, encoded string
		want          error
		detail        string
	}{
		{"no dollar", "5f4dcc3b5aa765d61d8327deb882cf99", passwords.ErrMalformedHash, "<algorithm>$"},
		{"unknown algorithm", "md5$salt$5f4dcc3b5aa765d61d8327deb882cf99", passwords.ErrUnknownAlgorithm, `"md5": add its hasher`},
		{"pbkdf2 three parts", "pbkdf2_sha256$10$seasalt", passwords.ErrMalformedHash, "does not read"},
		{"pbkdf2 iterations not a number", "pbkdf2_sha256$ten$seasalt$x", passwords.ErrMalformedHash, `iterations "ten"`},
		{"pbkdf2 zero iterations", "pbkdf2_sha256$0$seasalt$x", passwords.ErrMalformedHash, `iterations "0"`},
		{"pbkdf2 negative iterations", "pbkdf2_sha1$-5$seasalt$x", passwords.ErrMalformedHash, `iterations "-5"`},
		{"pbkdf2 empty salt", "pbkdf2_sha256$10$$x", passwords.ErrMalformedHash, "empty salt"},
		{"argon2 1.0 without version", "argon2$argon2i$m=512,t=2,p=2$c2FsdHNhbHQ$aGFzaGhhc2g", passwords.ErrMalformedHash, "no version"},
		{"argon2d", "argon2$argon2d$v=19$m=512,t=2,p=2$c2FsdHNhbHQ$aGFzaGhhc2g", passwords.ErrMalformedHash, `variant "argon2d"`},
		{"argon2 version 16", "argon2$argon2id$v=16$m=512,t=2,p=2$c2FsdHNhbHQ$aGFzaGhhc2g", passwords.ErrMalformedHash, "only v=19"},
		{"argon2 t=0", "argon2$argon2id$v=19$m=512,t=0,p=2$c2FsdHNhbHQ$aGFzaGhhc2g", passwords.ErrMalformedHash, "t=0"},
		{"argon2 p=0", "argon2$argon2id$v=19$m=512,t=1,p=0$c2FsdHNhbHQ$aGFzaGhhc2g", passwords.ErrMalformedHash, "p=0"},
		{"argon2 p=256", "argon2$argon2id$v=19$m=4096,t=1,p=256$c2FsdHNhbHQ$aGFzaGhhc2g", passwords.ErrMalformedHash, "p=256"},
		{"argon2 m=1", "argon2$argon2id$v=19$m=1,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g", passwords.ErrMalformedHash, "m=1"},
		{"argon2 m of a terabyte", "argon2$argon2id$v=19$m=1073741824,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g", passwords.ErrMalformedHash, "m=1073741824"},
		{"argon2 parameters out of order", "argon2$argon2id$v=19$t=1,m=512,p=1$c2FsdHNhbHQ$aGFzaGhhc2g", passwords.ErrMalformedHash, "want m=<KiB>"},
		{"argon2 extra parameter", "argon2$argon2id$v=19$m=512,t=1,p=1,x=1$c2FsdHNhbHQ$aGFzaGhhc2g", passwords.ErrMalformedHash, "want m=<KiB>"},
		{"argon2 salt not base64", "argon2$argon2id$v=19$m=512,t=1,p=1$!!!$aGFzaGhhc2g", passwords.ErrMalformedHash, "salt"},
		{"argon2 empty hash", "argon2$argon2id$v=19$m=512,t=1,p=1$c2FsdHNhbHQ$", passwords.ErrMalformedHash, "4 to 1024 bytes"},
		{"bcrypt truncated", "bcrypt_sha256$$2b$04$loD1Oy7", passwords.ErrMalformedHash, "does not read"},
		{"bcrypt cost letters", "bcrypt_sha256$$2b$xx$loD1Oy7/AbadSnsHq/Ghv.rcfT9xZimIieauOVK/094xHZH/WvMra", passwords.ErrMalformedHash, `cost "xx"`},
		{"bcrypt cost 99", "bcrypt_sha256$$2b$99$loD1Oy7/AbadSnsHq/Ghv.rcfT9xZimIieauOVK/094xHZH/WvMra", passwords.ErrMalformedHash, "cost"},
		{"scrypt N not a power of 2", "scrypt$1000$seasalt$8$1$x", passwords.ErrMalformedHash, "N=1000 is not a power of 2"},
		{"scrypt memory of a terabyte", "scrypt$1073741824$seasalt$8$1$x", passwords.ErrMalformedHash, "is more than 1073741824 bytes"},
		{"scrypt r=0", "scrypt$1024$seasalt$0$1$x", passwords.ErrMalformedHash, "r is 0"},
		{"scrypt missing part", "scrypt$1024$seasalt$8$1", passwords.ErrMalformedHash, "does not read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, mustUpdate, err := hs.Check(context.Background(), "password", tt.encoded)
			if ok || mustUpdate || !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.detail) {
				t.Fatalf("Check = %v, %v, %v; want false, false and %v mentioning %q", ok, mustUpdate, err, tt.want, tt.detail)
			}
			if !hs.MustUpdate(tt.encoded) {
				t.Errorf("MustUpdate(%q) = false; an unreadable hash must be replaced", tt.encoded)
			}
		})
	}
}

// fake is a Hasher that counts its work and can block until released, to
// test the concurrency bound and the timing defences without slow hashes.
type fake struct {
	alg        string
	hashes     *atomic.Int32
	verifies   *atomic.Int32
	hardens    *atomic.Int32
	mustUpdate bool
	block      chan struct{} // when set, Hash and Verify wait for a receive from it
	started    chan struct{} // when set, Hash and Verify send on it first
	inFlight   *atomic.Int32 // when set, counts Hash and Verify calls in progress
	most       *atomic.Int32 // the highest inFlight seen
}

func (f fake) Algorithm() string { return f.alg }
func (f fake) wait() {
	if f.inFlight != nil {
		n := f.inFlight.Add(1)
		defer f.inFlight.Add(-1)
		for m := f.most.Load(); n > m && !f.most.CompareAndSwap(m, n); m = f.most.Load() {
		}
	}
	if f.started != nil {
		f.started <- struct{}{}
	}
	if f.block != nil {
		<-f.block
	}
}
func (f fake) Hash(password string) (string, error) {
	if f.hashes != nil {
		f.hashes.Add(1)
	}
	f.wait()
	return f.alg + "$" + password, nil
}
func (f fake) Verify(password, encoded string) (bool, error) {
	if f.verifies != nil {
		f.verifies.Add(1)
	}
	f.wait()
	return encoded == f.alg+"$"+password, nil
}
func (f fake) MustUpdate(string) bool { return f.mustUpdate }
func (f fake) HardenRuntime(string, string) {
	if f.hardens != nil {
		f.hardens.Add(1)
	}
}

func TestCheck_hardenRuntime(t *testing.T) {
	tests := []struct {
		name       string
		mustUpdate bool
		stored     string
		password   string
		hardened   int32
	}{
		{"wrong password, stale parameters", true, "f$right", "wrong", 1},
		{"right password, stale parameters", true, "f$right", "right", 0},
		{"wrong password, current parameters", false, "f$right", "wrong", 0},
		{"wrong password, other algorithm", true, "g$right", "wrong", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hardens atomic.Int32
			hs := mustNew(t, passwords.Options{Hashers: []passwords.Hasher{
				fake{alg: "f", hardens: &hardens, mustUpdate: tt.mustUpdate},
				fake{alg: "g", hardens: &hardens},
			}})
			if _, _, err := hs.Check(context.Background(), tt.password, tt.stored); err != nil {
				t.Fatal(err)
			}
			if got := hardens.Load(); got != tt.hardened {
				t.Errorf("HardenRuntime ran %d times; want %d", got, tt.hardened)
			}
		})
	}
}

// TestHardenRuntime_real runs the real hardeners on a wrong password: each
// does the work a hash at its current parameters costs beyond the stored
// hash's, as Django's harden_runtime (N - n PBKDF2 iterations, 2^(c - s) - 1
// bcrypt hashes), and none for a stored hash as dear or a malformed one.
func TestHardenRuntime_real(t *testing.T) {
	const (
		pbkdf2At10 = "pbkdf2_sha256$10$seasalt$VbSPqS8BdRSyZf3o3EFw4JIgQ7e+0T7vCqysXj34iII="
		bcrypt256  = "bcrypt_sha256$$2b$04$loD1Oy7/AbadSnsHq/Ghv.rcfT9xZimIieauOVK/094xHZH/WvMra"
		bcryptAt4  = "bcrypt$$2b$04$tMAzDk6ppUqIo16ZO/rxge2eYQM.mP01.gETIZRvwKqx793sRkjIm"
	)
	tests := []struct {
		name    string
		h       passwords.RuntimeHardener
		encoded string
		want    int
	}{
		{"pbkdf2 10 to 25 iterations", passwords.PBKDF2SHA256{Iterations: 25}, pbkdf2At10, 15},
		{"pbkdf2 same count", passwords.PBKDF2SHA256{Iterations: 10}, pbkdf2At10, 0},
		{"pbkdf2 stored dearer", passwords.PBKDF2SHA256{Iterations: 5}, pbkdf2At10, 0},
		{"pbkdf2 malformed", passwords.PBKDF2SHA256{}, "pbkdf2_sha256$x", 0},
		{"bcrypt_sha256 cost 4 to 5", passwords.BCryptSHA256{Cost: 5}, bcrypt256, 1},
		{"bcrypt cost 4 to 6", passwords.BCrypt{Cost: 6}, bcryptAt4, 3},
		{"bcrypt same cost", passwords.BCrypt{Cost: 4}, bcryptAt4, 0},
		{"bcrypt other algorithm", passwords.BCrypt{Cost: 6}, bcrypt256, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := passwords.HardenRuntimeWork(tt.h, "wrong", tt.encoded); got != tt.want {
				t.Errorf("HardenRuntime did %d units of work; want %d", got, tt.want)
			}
		})
	}
}

func TestSimulateCheck(t *testing.T) {
	var hashes, verifies atomic.Int32
	hs := mustNew(t, passwords.Options{Hashers: []passwords.Hasher{
		fake{alg: "f", hashes: &hashes, verifies: &verifies},
		fake{alg: "g", hashes: &hashes, verifies: &verifies},
	}})
	if err := hs.SimulateCheck(context.Background(), "anything"); err != nil {
		t.Fatal(err)
	}
	if hashes.Load() != 1 || verifies.Load() != 0 {
		t.Errorf("SimulateCheck hashed %d and verified %d times; want one hash with the preferred hasher", hashes.Load(), verifies.Load())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := hs.SimulateCheck(ctx, "anything"); !errors.Is(err, passwords.ErrBusy) || !errors.Is(err, context.Canceled) {
		t.Errorf("SimulateCheck(canceled) = %v; want ErrBusy and context.Canceled", err)
	}
}

func TestConcurrencyBound_waitersGiveUp(t *testing.T) {
	block, started := make(chan struct{}), make(chan struct{})
	hs := mustNew(t, passwords.Options{MaxConcurrent: 1, Hashers: []passwords.Hasher{fake{alg: "f", block: block, started: started}}})

	done := make(chan error)
	go func() {
		_, _, err := hs.Check(context.Background(), "pw", "f$pw")
		done <- err
	}()
	<-started // the only slot is taken

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_, err := hs.Make(ctx, "pw")
	if !errors.Is(err, passwords.ErrBusy) || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "1 at most") {
		t.Errorf("Make while the slot is taken = %v; want ErrBusy wrapping DeadlineExceeded, naming the bound", err)
	}
	ctx2, cancel2 := context.WithCancelCause(context.Background())
	go cancel2(errors.New("client went away"))
	_, _, err = hs.Check(ctx2, "pw", "f$pw")
	if !errors.Is(err, passwords.ErrBusy) || !strings.Contains(err.Error(), "client went away") {
		t.Errorf("Check canceled while waiting = %v; want ErrBusy with the cancel cause", err)
	}

	block <- struct{}{} // the first Check finishes and frees the slot
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	go func() { <-started; block <- struct{}{} }()
	if _, err := hs.Make(context.Background(), "pw"); err != nil {
		t.Errorf("Make once the slot is free = %v", err)
	}
}

func TestConcurrencyBound_neverExceeded(t *testing.T) {
	const limit, callers = 3, 30
	var inFlight, most atomic.Int32
	block := make(chan struct{})
	hs := mustNew(t, passwords.Options{MaxConcurrent: limit, Hashers: []passwords.Hasher{
		fake{alg: "f", block: block, inFlight: &inFlight, most: &most},
	}})
	var wg sync.WaitGroup
	for range callers {
		wg.Go(func() {
			if _, err := hs.Make(context.Background(), "pw"); err != nil {
				t.Error(err)
			}
		})
	}
	// Each send releases one hash in progress; meanwhile the waiting
	// callers race for the freed slots.
	for range callers {
		block <- struct{}{}
	}
	wg.Wait()
	if most.Load() > limit {
		t.Errorf("%d hashes ran at once; the bound is %d", most.Load(), limit)
	}
}

func TestRandomString(t *testing.T) {
	s := passwords.RandomString(62 * 200)
	seen := map[rune]bool{}
	for _, r := range s {
		if !strings.ContainsRune("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", r) {
			t.Fatalf("salt character %q is outside Django's alphabet", r)
		}
		seen[r] = true
	}
	// 12,400 uniform draws miss one of 62 characters with probability
	// about 62·e^-200: never.
	if len(seen) != 62 {
		t.Errorf("12,400 characters drew %d distinct ones; want all 62", len(seen))
	}
}

// TestArgon2_saltIsDjangos checks that a new argon2 hash carries a salt of
// 22 characters of Django's alphabet, which Django's must_update accepts.
func TestArgon2_saltIsDjangos(t *testing.T) {
	encoded, err := passwords.Argon2{Time: 1, Memory: 64, Threads: 1}.Hash("pw")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(encoded, "$")
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil || !regexp.MustCompile(`^[a-zA-Z0-9]{22}$`).Match(salt) {
		t.Errorf("argon2 salt %q (%v); want 22 characters of Django's alphabet", salt, err)
	}
}

// slowParams matches stored values whose parameters ask for long work.
var slowParams = regexp.MustCompile(`\d{5,}|\$2.\$(0[6-9]|[1-9]\d)`)

// FuzzCheck feeds arbitrary stored values to Check: never a panic, never a
// match for a password that was not hashed. The seeds run in every go test.
func FuzzCheck(f *testing.F) {
	for _, v := range djangoVectors {
		if !v.slow {
			f.Add(v.encoded)
		}
	}
	f.Add("argon2$argon2id$v=19$m=8,t=1,p=1$$")
	f.Add("bcrypt_sha256$$2b$04$" + strings.Repeat(".", 53))
	f.Add("scrypt$2$s$1$1$")
	hs := mustNew(f, passwords.Options{Hashers: cheap})
	f.Fuzz(func(t *testing.T, encoded string) {
		if slowParams.MatchString(encoded) {
			return // huge iteration counts, memory or costs would only be slow
		}
		ok, _, err := hs.Check(context.Background(), "not the password \x00", encoded)
		if ok {
			t.Errorf("Check matched %q", encoded)
		}
		_ = err
	})
}

// TestSummary compares with Django 3.2.25's safe_summary of the same
// hashes.
func TestSummary(t *testing.T) {
	hs := mustNew(t, passwords.Options{Hashers: cheap})
	tests := []struct {
		encoded string
		want    []passwords.SummaryItem
	}{
		{"pbkdf2_sha256$10$seasalt$VbSPqS8BdRSyZf3o3EFw4JIgQ7e+0T7vCqysXj34iII=", []passwords.SummaryItem{
			{"algorithm", "pbkdf2_sha256"}, {"iterations", "10"}, {"salt", "seasal*"},
			{"hash", "VbSPqS**************************************"}}},
		{"argon2$argon2id$v=19$m=256,t=1,p=1$c2Vhc2FsdDI$5/M3ohjyUUgCRhmqGa0Usw", []passwords.SummaryItem{
			{"algorithm", "argon2"}, {"variety", "argon2id"}, {"version", "19"}, {"memory cost", "256"},
			{"time cost", "1"}, {"parallelism", "1"}, {"salt", "seasal**"}, {"hash", "5/M3oh****************"}}},
		{"bcrypt_sha256$$2b$04$loD1Oy7/AbadSnsHq/Ghv.rcfT9xZimIieauOVK/094xHZH/WvMra", []passwords.SummaryItem{
			{"algorithm", "bcrypt_sha256"}, {"work factor", "4"}, {"salt", "loD1Oy****************"},
			{"checksum", "rcfT9x*************************"}}},
		{"scrypt$1024$seasalt$8$1$+qO2jTkVUbPNlniTkHY96ldSJKs4U0WQif8UbWlfO3wJDNhKOg+pPtDckiT6Zw0qkEvKIQ1MdONfGxsWrpoiNg==", []passwords.SummaryItem{
			{"algorithm", "scrypt"}, {"work factor", "1024"}, {"block size", "8"}, {"parallelism", "1"},
			{"salt", "seasal*"}, {"hash", "+qO2jT" + strings.Repeat("*", 82)}}},
	}
	for _, tt := range tests {
		got, err := hs.Summary(tt.encoded)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("Summary(%s)\n got %v, %v\nwant %v", tt.encoded, got, err, tt.want)
		}
	}
	for _, bad := range []string{"md5$x$y", "pbkdf2_sha256$x", "nodollar"} {
		if _, err := hs.Summary(bad); err == nil {
			t.Errorf("Summary(%q) succeeded; want an error", bad)
		}
	}
}

func TestNew_copiesTheList(t *testing.T) {
	list := []passwords.Hasher{passwords.PBKDF2SHA256{Iterations: 1000}, passwords.PBKDF2SHA1{Iterations: 1000}}
	hs := mustNew(t, passwords.Options{Hashers: list})
	list[0] = passwords.PBKDF2SHA1{Iterations: 5}
	if got := hs.Preferred(); got != (passwords.PBKDF2SHA256{Iterations: 1000}) {
		t.Errorf("changing the caller's slice changed the preferred hasher to %v", got)
	}
}
