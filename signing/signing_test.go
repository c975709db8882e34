package signing_test

import (
	"bytes"
	"compress/zlib"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/nuages-go/nuages/signing"
)

// Values signed by Django (or by its algorithm run in Python's hashlib and
// hmac, checked against Django's own test vectors): each must verify and,
// where signing is deterministic, be produced byte for byte.
func TestDjangoVectors(t *testing.T) {
	at := func(unix int64) func() time.Time { return func() time.Time { return time.Unix(unix, 0) } }
	cases := []struct {
		name   string
		signer signing.TimestampSigner // a plain Signer when Now is nil
		value  string
		signed string
	}{
		{"binary key (Django's test_works_with_non_ascii_keys)", signing.TimestampSigner{Signer: signing.Signer{Key: "\xe7"}},
			"foo", "foo:EE4qGC5MEKyQG5msxYA0sBohAxLC0BJf8uRhemh0BGU"},
		{"separator / (Django's test_valid_sep)", signing.TimestampSigner{Signer: signing.Signer{Key: "predictable-secret", Sep: "/"}},
			"foo", "foo/jZQoX_FtSO70jX9HLRGg2A_2s4kdDBxz1QoO_OpEQb0"},
		{"separator *sep*", signing.TimestampSigner{Signer: signing.Signer{Key: "predictable-secret", Sep: "*sep*"}},
			"foo", "foo*sep*jZQoX_FtSO70jX9HLRGg2A_2s4kdDBxz1QoO_OpEQb0"},
		{"timestamp", signing.TimestampSigner{Signer: signing.Signer{Key: "predictable-key"}, Now: at(123456789)},
			"hello", "hello:8M0kX:0pJB1_TN9Bno2aK29thnZKKHn76ngzcQVnIrp_DNs5M"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var signed, value string
			var err error
			if c.signer.Now == nil {
				signed = c.signer.Signer.Sign(c.value)
				value, err = c.signer.Signer.Unsign(c.signed)
			} else {
				signed = c.signer.Sign(c.value)
				value, err = c.signer.Unsign(c.signed, 0)
			}
			if signed != c.signed {
				t.Errorf("Sign(%q) = %q, want %q", c.value, signed, c.signed)
			}
			if err != nil || value != c.value {
				t.Errorf("Unsign(%q) = %q, %v; want %q", c.signed, value, err, c.value)
			}
		})
	}
}

// Django's signing.dumps output (salt "django.core.signing"), plain and
// compressed, is read by UnsignObject.
func TestDjangoObjects(t *testing.T) {
	s := signing.TimestampSigner{Signer: signing.Signer{Key: "secret", Salt: "django.core.signing"}}
	cases := []struct {
		signed string
		want   any
	}{
		{"eyJhIjoiZGljdGlvbmFyeSIsIm4iOlsxLDIsM119:1r31eq:P7v_oEoweDn2_zmmdOPOWYTvzbsxtjIskNIZ-QVYIkY",
			map[string]any{"a": "dictionary", "n": []any{1.0, 2.0, 3.0}}},
		{".eJyLVqoYJkApFgDwcl69:1r31eq:qJDSNgNyiTi8TGzkebtUaPZ-JXNSgyjDlD95vkvTB8Y",
			[]any{strings.Repeat("x", 200)}},
	}
	for _, c := range cases {
		var got any
		if err := s.UnsignObject(c.signed, &got, 0); err != nil {
			t.Fatalf("UnsignObject(%q): %v", c.signed, err)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("UnsignObject(%q) = %v, want %v", c.signed, got, c.want)
		}
	}
}

func TestSignUnsignRoundTrip(t *testing.T) {
	s := signing.Signer{Key: "predictable-secret"}
	for _, v := range []string{"q;wjmbk;wkmb", "3098247529087", "3098247:529:087:", "jkw osanteuh ,rcuh", "\u2019", "", "a\x00b"} {
		signed := s.Sign(v)
		if signed == v {
			t.Errorf("Sign(%q) did not change it", v)
		}
		if got, err := s.Unsign(signed); err != nil || got != v {
			t.Errorf("Unsign(Sign(%q)) = %q, %v", v, got, err)
		}
	}
}

func TestUnsignRefuses(t *testing.T) {
	s := signing.Signer{Key: "predictable-secret"}
	signed := s.Sign("Another string")
	cases := map[string]string{
		"upper case":         strings.ToUpper(signed),
		"appended":           signed + "a",
		"first byte changed": "a" + signed[1:],
		"no separator":       strings.ReplaceAll(signed, ":", ""),
		"empty":              "",
		"only separator":     ":",
		"other salt":         signing.Signer{Key: "predictable-secret", Salt: "other"}.Sign("Another string"),
		"other key":          signing.Signer{Key: "other-secret"}.Sign("Another string"),
		"truncated sig":      signed[:len(signed)-1],
		"invalid UTF-8":      "\xff\xfe:" + s.Signature("\xff\xfe")[1:],
	}
	for name, in := range cases {
		if v, err := s.Unsign(in); !errors.Is(err, signing.ErrBadSignature) {
			t.Errorf("%s: Unsign(%q) = %q, %v; want ErrBadSignature", name, in, v, err)
		}
	}
	if _, err := (signing.Signer{}).Unsign(signed); !errors.Is(err, signing.ErrBadSignature) {
		t.Errorf("a Signer without a key verified a value: %v", err)
	}
}

func TestFallbackKeys(t *testing.T) {
	old := signing.Signer{Key: "secret"}.Sign("abc")
	rotated := signing.Signer{Key: "newsecret", FallbackKeys: []string{"othersecret", "secret"}}
	if v, err := rotated.Unsign(old); err != nil || v != "abc" {
		t.Errorf("a value signed with a fallback key: %q, %v", v, err)
	}
	if signed := rotated.Sign("abc"); signed == old {
		t.Error("Sign used a fallback key")
	}
	if _, err := (signing.Signer{Key: "newsecret"}).Unsign(old); !errors.Is(err, signing.ErrBadSignature) {
		t.Errorf("without fallbacks, the old key's value verified: %v", err)
	}
}

func TestSignerPanicsOnMistakes(t *testing.T) {
	for _, s := range []signing.Signer{{}, {Key: "k", Sep: "-"}, {Key: "k", Sep: "abc"}, {Key: "k", Sep: "=_"}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Sign with %+v did not panic", s)
				}
			}()
			s.Sign("v")
		}()
	}
}

func TestTimestampMaxAge(t *testing.T) {
	now := time.Unix(123456789, 0)
	s := signing.TimestampSigner{Signer: signing.Signer{Key: "predictable-key"}, Now: func() time.Time { return now }}
	signed := s.Sign("hello")
	if signed == (signing.Signer{Key: "predictable-key"}).Sign("hello") {
		t.Fatal("the timestamp signer signed like a plain one")
	}
	now = now.Add(11 * time.Second)
	cases := []struct {
		maxAge  time.Duration
		expired bool
	}{{0, false}, {12 * time.Second, false}, {11 * time.Second, false}, {10 * time.Second, true}}
	for _, c := range cases {
		v, err := s.Unsign(signed, c.maxAge)
		if c.expired != errors.Is(err, signing.ErrSignatureExpired) || !c.expired && (err != nil || v != "hello") {
			t.Errorf("Unsign(maxAge %s) = %q, %v; expired: %v", c.maxAge, v, err, c.expired)
		}
		if c.expired && !errors.Is(err, signing.ErrBadSignature) {
			t.Errorf("ErrSignatureExpired does not wrap ErrBadSignature: %v", err)
		}
	}
	if _, at, err := s.UnsignTime(signed); err != nil || !at.Equal(time.Unix(123456789, 0)) {
		t.Errorf("UnsignTime = %v, %v", at, err)
	}
	// A plain signature over a value without a timestamp, and timestamps
	// that are not base 62 or overflow, are refused.
	for _, ts := range []string{"", "!!", "zzzzzzzzzzzz", "-"} {
		inner := "hello:" + ts
		forged := signing.Signer{Key: "predictable-key", Salt: signing.DefaultTimestampSalt}.Sign(inner)
		if _, err := s.Unsign(forged, 0); !errors.Is(err, signing.ErrBadSignature) {
			t.Errorf("timestamp %q accepted: %v", ts, err)
		}
	}
	if _, err := s.Unsign(signing.Signer{Key: "predictable-key", Salt: signing.DefaultTimestampSalt}.Sign("hello"), 0); !errors.Is(err, signing.ErrBadSignature) {
		t.Errorf("a value without a timestamp accepted: %v", err)
	}
}

func TestObjects(t *testing.T) {
	t.Parallel()
	type payload struct {
		User  int      `json:"user"`
		Perms []string `json:"perms"`
		Note  string   `json:"note"`
	}
	in := payload{User: 42, Perms: []string{"polls.add_question"}, Note: strings.Repeat("<b>&", 50)}
	for _, compress := range []bool{false, true} {
		s := signing.TimestampSigner{Signer: signing.Signer{Key: "k", Compress: compress}}
		signed, err := s.SignObject(in)
		if err != nil {
			t.Fatal(err)
		}
		if compress != strings.HasPrefix(signed, ".") {
			t.Errorf("compress %v: %q", compress, signed)
		}
		var out payload
		if err := s.UnsignObject(signed, &out, time.Minute); err != nil || !reflect.DeepEqual(in, out) {
			t.Errorf("compress %v: %+v, %v", compress, out, err)
		}
		var plain payload
		if err := s.Signer.UnsignObject(signed, &plain); !errors.Is(err, signing.ErrBadSignature) {
			t.Errorf("a timestamped object verified with the plain signer: %v", err)
		}
	}
	// Short values are not compressed: zlib would make them longer.
	if signed, _ := (signing.Signer{Key: "k", Compress: true}).SignObject(1); strings.HasPrefix(signed, ".") {
		t.Errorf("1 was compressed: %q", signed)
	}
	if _, err := (signing.Signer{Key: "k"}).SignObject(func() {}); err == nil {
		t.Error("SignObject of a func did not fail")
	}
	s := signing.Signer{Key: "k"}
	bad := map[string]string{
		"not base64":       s.Sign("!!!"),
		"not zlib":         s.Sign(".AAAA"),
		"not JSON":         s.Sign("bm90IGpzb24"),
		"tampered":         strings.Replace(s.Sign("e30"), "e30", "e31", 1),
		"inflates to 2 MB": s.Sign("." + base64.RawURLEncoding.EncodeToString(zeros(2<<20))),
	}
	for name, signed := range bad {
		var v any
		if err := s.UnsignObject(signed, &v); err == nil {
			t.Errorf("%s: UnsignObject(%q) accepted: %v", name, signed, v)
		}
	}
}

// zeros is n zero bytes, zlib-compressed.
func zeros(n int) []byte {
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	w.Write(make([]byte, n))
	w.Close()
	return b.Bytes()
}

func TestSignedCookies(t *testing.T) {
	now := time.Unix(1700000000, 0)
	s := signing.TimestampSigner{Signer: signing.Signer{Key: "secret"}, Now: func() time.Time { return now }}
	rec := httptest.NewRecorder()
	if err := s.SetCookie(rec, &http.Cookie{Name: "session", Value: "hello", HttpOnly: true}); err != nil {
		t.Fatal(err)
	}
	set := rec.Result().Cookies()
	// The value Django's set_signed_cookie("session", "hello") writes.
	if len(set) != 1 || set[0].Value != "hello:1r31eq:VBTP57Y1crIUvMor5NZ8ilbGyMwLtYB0id3UY5zbBYw" || !set[0].HttpOnly {
		t.Fatalf("cookies set: %+v", set)
	}
	request := func(name, value string) *http.Request {
		r := httptest.NewRequest("GET", "/", nil)
		r.AddCookie(&http.Cookie{Name: name, Value: value})
		return r
	}
	if v, err := s.Cookie(request("session", set[0].Value), "session", time.Hour); err != nil || v != "hello" {
		t.Errorf("Cookie = %q, %v", v, err)
	}
	// Replayed under another name, the value does not verify.
	if _, err := s.Cookie(request("other", set[0].Value), "other", 0); !errors.Is(err, signing.ErrBadSignature) {
		t.Errorf("a cookie replayed under another name: %v", err)
	}
	rotated := s
	rotated.Key, rotated.FallbackKeys = "new-secret", []string{"secret"}
	if v, err := rotated.Cookie(request("session", set[0].Value), "session", 0); err != nil || v != "hello" {
		t.Errorf("a cookie signed with a fallback key: %q, %v", v, err)
	}
	if _, err := s.Cookie(httptest.NewRequest("GET", "/", nil), "session", 0); !errors.Is(err, http.ErrNoCookie) {
		t.Errorf("no cookie: %v", err)
	}
	later := s
	later.Now = func() time.Time { return now.Add(2 * time.Hour) }
	if _, err := later.Cookie(request("session", set[0].Value), "session", time.Hour); !errors.Is(err, signing.ErrSignatureExpired) {
		t.Errorf("an old cookie: %v", err)
	}
	if err := s.SetCookie(httptest.NewRecorder(), &http.Cookie{Name: "c", Value: `a "quoted"; value`}); err == nil {
		t.Error("SetCookie accepted a value net/http would mangle")
	}
}

// An empty fallback key is skipped, not used as an HMAC key: anyone can
// compute a signature made with it (its derived key is sha256(salt +
// "signer")). This holds for plain, timestamp and cookie signers.
func TestEmptyFallbackKeyIsSkipped(t *testing.T) {
	const salt = "myapp.invite"
	cases := []struct {
		name   string
		unsign func(fallbacks []string, signed string) (string, error)
		forged string
	}{
		{"Signer", func(fb []string, signed string) (string, error) {
			return signing.Signer{Key: "real-secret", FallbackKeys: fb, Salt: salt}.Unsign(signed)
		}, "user=1;admin=true:" + publicSignature(salt, "user=1;admin=true")},
		{"TimestampSigner", func(fb []string, signed string) (string, error) {
			return signing.TimestampSigner{Signer: signing.Signer{Key: "real-secret", FallbackKeys: fb, Salt: salt}}.Unsign(signed, time.Hour)
		}, timestamped(salt, "user=1")},
		{"CookieSigner", func(fb []string, signed string) (string, error) {
			return signing.CookieSigner("real-secret", fb, salt).Unsign(signed, time.Hour)
		}, timestampedWithKey(salt, "django.http.cookies", "user=1")},
	}
	for _, c := range cases {
		for _, fb := range [][]string{{""}, {"old-secret", ""}, {"", "old-secret"}} {
			t.Run(fmt.Sprintf("%s %q", c.name, fb), func(t *testing.T) {
				if v, err := c.unsign(fb, c.forged); !errors.Is(err, signing.ErrBadSignature) {
					t.Errorf("fallbacks %q: a value signed with an empty key verified: %q, %v", fb, v, err)
				}
			})
		}
	}
	// The real keys still work alongside an empty one.
	s := signing.Signer{Key: "real-secret", FallbackKeys: []string{"", "old-secret"}, Salt: salt}
	for _, key := range []string{"real-secret", "old-secret"} {
		signed := signing.Signer{Key: key, Salt: salt}.Sign("v")
		if v, err := s.Unsign(signed); err != nil || v != "v" {
			t.Errorf("a value signed with %q: %q, %v", key, v, err)
		}
	}
}

// publicSignature is what a stranger computes for key "": base64url of
// HMAC-SHA256(sha256(salt+"signer"), value).
func publicSignature(salt, value string) string {
	return publicSignatureWithKey(salt, "", value)
}

func publicSignatureWithKey(salt, key, value string) string {
	d := sha256.Sum256([]byte(salt + "signer" + key))
	m := hmac.New(sha256.New, d[:])
	m.Write([]byte(value))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// timestamped is value with a current timestamp, signed with the key "".
func timestamped(salt, value string) string {
	return timestampedWithKey(salt, "", value)
}

func timestampedWithKey(salt, key, value string) string {
	inner := signing.TimestampSigner{Signer: signing.Signer{Key: "x"}}.Sign(value) // value:timestamp:sig
	inner = inner[:strings.LastIndex(inner, ":")]
	return inner + ":" + publicSignatureWithKey(salt, key, inner)
}

// SignObject writes JSON as Python's json.dumps(obj, separators=(",",
// ":")) does, ASCII only: Django decodes the payload as Latin-1, so raw
// UTF-8 would reach it as mojibake ("ZoÃ«"). The expected values were
// made by Django's Signer.sign_object algorithm in Python (key "secret").
func TestSignObjectEscapesNonASCII(t *testing.T) {
	cases := []struct {
		name   string
		v      any
		json   string // the signed JSON
		signed string // Django's sign_object output
	}{
		{"Latin-1", map[string]string{"name": "Zoë"}, `{"name":"Zo\u00eb"}`,
			"eyJuYW1lIjoiWm9cdTAwZWIifQ:dycBQj_wbKipqe1B3-uYAVT3NfI7zBX_jxwlkhHt_NE"},
		{"emoji: a surrogate pair", map[string]string{"emoji": "😀"}, `{"emoji":"\ud83d\ude00"}`,
			"eyJlbW9qaSI6Ilx1ZDgzZFx1ZGUwMCJ9:IgXXCXeneG8ec8to4kQsS7flZ_hrCEolIdOCKFKZDUo"},
		{"keys, CJK, separators and control characters", map[string]string{"Clé": "日本\u2028\x7f\x01\b\f\n\"\\<>&"},
			`{"Cl\u00e9":"\u65e5\u672c\u2028\u007f\u0001\b\f\n\"\\<>&"}`,
			"eyJDbFx1MDBlOSI6Ilx1NjVlNVx1NjcyY1x1MjAyOFx1MDA3Zlx1MDAwMVxiXGZcblwiXFw8PiYifQ:It-DWizhhRm-lNlN5tMoVsy-mAOh2VEzP_uyhJSZNrk"},
		{"ASCII is unchanged", map[string]string{"a": "plain ascii"}, `{"a":"plain ascii"}`,
			"eyJhIjoicGxhaW4gYXNjaWkifQ:WG2DSHQk3xqI5LR_vNssQMyCpuvvP_n6aPuCCz34KhE"},
		{"raw JSON is escaped too", json.RawMessage(`{"name": "Zoë"}`), `{"name":"Zo\u00eb"}`,
			"eyJuYW1lIjoiWm9cdTAwZWIifQ:dycBQj_wbKipqe1B3-uYAVT3NfI7zBX_jxwlkhHt_NE"},
	}
	s := signing.Signer{Key: "secret"}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			signed, err := s.SignObject(c.v)
			if err != nil {
				t.Fatal(err)
			}
			payload, _ := base64.RawURLEncoding.DecodeString(signed[:strings.LastIndex(signed, ":")])
			if string(payload) != c.json {
				t.Errorf("JSON %s, want %s", payload, c.json)
			}
			if signed != c.signed {
				t.Errorf("SignObject = %q, want Django's %q", signed, c.signed)
			}
			var back, want any
			if err := s.UnsignObject(signed, &back); err != nil {
				t.Fatal(err)
			}
			raw, _ := json.Marshal(c.v)
			json.Unmarshal(raw, &want)
			if !reflect.DeepEqual(back, want) {
				t.Errorf("round trip: %#v, want %#v", back, want)
			}
		})
	}
	// Compressed, the JSON inside is the same ASCII text.
	long := map[string]string{"name": strings.Repeat("Zoë ", 50)}
	signed, err := (signing.Signer{Key: "secret", Compress: true}).SignObject(long)
	if err != nil || !strings.HasPrefix(signed, ".") {
		t.Fatalf("compressed: %q, %v", signed, err)
	}
	z, _ := base64.RawURLEncoding.DecodeString(signed[1:strings.LastIndex(signed, ":")])
	r, err := zlib.NewReader(bytes.NewReader(z))
	if err != nil {
		t.Fatal(err)
	}
	var inflated bytes.Buffer
	inflated.ReadFrom(r)
	if want := `{"name":"` + strings.Repeat(`Zo\u00eb `, 50) + `"}`; inflated.String() != want {
		t.Errorf("compressed JSON %s, want %s", inflated.String(), want)
	}
}
