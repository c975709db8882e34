package signing

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// maxObject bounds what a compressed object may inflate to, so that a
// small signed value cannot make the server allocate without limit. A
// valid signature already rules out strangers; this also covers keys
// that leaked.
const maxObject = 1 << 20

// SignObject signs v's compact JSON, ASCII only (other runes escaped as
// \uXXXX, as Python's json.dumps writes them), base64url-encoded (zlib-compressed
// first, with a "." prefix, when Compress is set and it is shorter):
// Django's sign_object, whose values it reads and writes.
func (s Signer) SignObject(v any) (string, error) {
	payload, err := encodeObject(v, s.Compress)
	if err != nil {
		return "", err
	}
	return s.Sign(payload), nil
}

// UnsignObject verifies signed and decodes its JSON into v.
func (s Signer) UnsignObject(signed string, v any) error {
	payload, err := s.Unsign(signed)
	if err != nil {
		return err
	}
	return decodeObject(payload, v)
}

// SignObject is Signer.SignObject with the signing time: Django's
// signing.dumps when the Salt is "django.core.signing".
func (s TimestampSigner) SignObject(v any) (string, error) {
	payload, err := encodeObject(v, s.Compress)
	if err != nil {
		return "", err
	}
	return s.Sign(payload), nil
}

// UnsignObject verifies signed, and its age when maxAge is positive, and
// decodes its JSON into v: Django's signing.loads.
func (s TimestampSigner) UnsignObject(signed string, v any, maxAge time.Duration) error {
	payload, err := s.Unsign(signed, maxAge)
	if err != nil {
		return err
	}
	return decodeObject(payload, v)
}

func encodeObject(v any, compress bool) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", fmt.Errorf("signing: %w", err)
	}
	data := asciiJSON(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	if compress {
		var z bytes.Buffer
		w := deflaters.Get().(*zlib.Writer)
		w.Reset(&z)
		w.Write(data) // writes to a bytes.Buffer do not fail
		w.Close()
		deflaters.Put(w)
		if z.Len() < len(data)-1 {
			return "." + base64.RawURLEncoding.EncodeToString(z.Bytes()), nil
		}
	}
	return base64.RawURLEncoding.EncodeToString(data), nil
}

// asciiJSON escapes every rune of JSON text outside printable ASCII as
// \uXXXX (a surrogate pair above U+FFFF), as Python's json.dumps does by
// default (ensure_ascii): Django encodes the JSON as Latin-1 and decodes it
// back as Latin-1, so raw UTF-8 would reach a Django site as mojibake.
// Non-ASCII runes and DEL only occur inside JSON strings, where the escape
// means the same rune; text without them is returned unchanged.
func asciiJSON(data []byte) []byte {
	i := bytes.IndexFunc(data, func(r rune) bool { return r >= utf8.RuneSelf-1 })
	if i < 0 {
		return data
	}
	out := make([]byte, 0, len(data)+len(data)/2)
	out = append(out, data[:i]...)
	for _, r := range string(data[i:]) { // invalid UTF-8 reads as U+FFFD
		switch {
		case r < utf8.RuneSelf-1:
			out = append(out, byte(r))
		case r > 0xFFFF:
			r1, r2 := utf16.EncodeRune(r)
			out = fmt.Appendf(out, `\u%04x\u%04x`, r1, r2)
		default:
			out = fmt.Appendf(out, `\u%04x`, r)
		}
	}
	return out
}

// decodeObject reads a payload that verified: malformed content then
// means a bug or a leaked key, and is still an error, not a panic.
// A zlib writer holds about 800 KB and a reader 40 KB of state: made
// afresh, they were most of the cost of signing and reading a session.
var (
	deflaters = sync.Pool{New: func() any { return zlib.NewWriter(nil) }}
	inflaters sync.Pool // of zlib readers, which cannot be made without input
)

// inflate decompresses zlib data, at most maxObject+1 bytes of it.
func inflate(data []byte) ([]byte, error) {
	src := bytes.NewReader(data)
	var r io.ReadCloser
	if pooled, ok := inflaters.Get().(io.ReadCloser); ok {
		if err := pooled.(zlib.Resetter).Reset(src, nil); err != nil {
			inflaters.Put(pooled)
			return nil, err
		}
		r = pooled
	} else {
		var err error
		if r, err = zlib.NewReader(src); err != nil {
			return nil, err
		}
	}
	defer inflaters.Put(r)
	return io.ReadAll(io.LimitReader(r, maxObject+1))
}

func decodeObject(payload string, v any) error {
	compressed := strings.HasPrefix(payload, ".")
	data, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(payload, "."))
	if err != nil {
		return fmt.Errorf("%w: the object is not base64: %v", ErrBadSignature, err)
	}
	if compressed {
		data, err = inflate(data)
		if err != nil {
			return fmt.Errorf("%w: the object does not decompress: %v", ErrBadSignature, err)
		}
		if len(data) > maxObject {
			return fmt.Errorf("%w: the object decompresses to more than %d bytes", ErrBadSignature, maxObject)
		}
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("signing: the signed object does not decode: %w", err)
	}
	return nil
}
