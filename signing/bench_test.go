package signing_test

import (
	"bytes"
	"compress/zlib"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/nuages-go/nuages/signing"
)

// benchSession is what a logged-in user's session holds.
var benchSession = map[string]string{
	"_auth_user_id":      "42",
	"_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
	"_auth_user_hash":    "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8",
}

// BenchmarkObject: signing and verifying a session's data, compressed as
// sessions store it; the baseline is the same work written out with the
// standard library (JSON, zlib, base64, HMAC-SHA256), with fresh zlib
// state each time as a first version would.
//
//	go test -run '^$' -bench Object -benchmem -count 3 ./signing/
func BenchmarkObject(b *testing.B) {
	s := signing.TimestampSigner{Signer: signing.Signer{Key: "a-real-secret-key-of-some-length-0123456789", Salt: "bench", Compress: true}}
	signed, err := s.SignObject(benchSession)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("sign/nuages", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.SignObject(benchSession); err != nil {
				b.Fatal(err)
			}
		}
	})
	key := sha256.Sum256([]byte("benchsigner" + "a-real-secret-key-of-some-length-0123456789"))
	b.Run("sign/baseline", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			data, _ := json.Marshal(benchSession)
			var z bytes.Buffer
			w := zlib.NewWriter(&z)
			w.Write(data)
			w.Close()
			value := "." + base64.RawURLEncoding.EncodeToString(z.Bytes()) + ":1tJ0zH"
			mac := hmac.New(sha256.New, key[:])
			mac.Write([]byte(value))
			_ = value + ":" + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
		}
	})
	b.Run("verify/nuages", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var got map[string]string
			if err := s.UnsignObject(signed, &got, 0); err != nil || got["_auth_user_id"] != "42" {
				b.Fatal(got, err)
			}
		}
	})
	b.Run("verify/baseline", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			i := strings.LastIndexByte(signed, ':')
			value, sig := signed[:i], signed[i+1:]
			mac := hmac.New(sha256.New, key[:])
			mac.Write([]byte(value))
			want := base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
			if !hmac.Equal([]byte(want), []byte(sig)) {
				b.Fatal("bad signature")
			}
			payload := value[1:strings.LastIndexByte(value, ':')]
			data, _ := base64.RawURLEncoding.DecodeString(payload)
			r, err := zlib.NewReader(bytes.NewReader(data))
			if err != nil {
				b.Fatal(err)
			}
			plain, _ := io.ReadAll(r)
			var got map[string]string
			if err := json.Unmarshal(plain, &got); err != nil || got["_auth_user_id"] != "42" {
				b.Fatal(got, err)
			}
		}
	})
}
