package middleware

import (
	"compress/gzip"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// gzipMinLength is the size under which a response is not worth
// compressing: Django's GZipMiddleware's 200 bytes.
const gzipMinLength = 200

// maxRandomBytes bounds the random padding of each compressed response,
// Django's max_random_bytes (Heal-the-BREACH).
const maxRandomBytes = 100

var padding = strings.Repeat("a", maxRandomBytes)

// Gzip is Django's GZipMiddleware: it compresses a response with gzip at
// level (gzip.DefaultCompression, gzip.BestSpeed, ... ; a bad level
// panics) when the client accepts gzip (Accept-Encoding, q > 0), the
// response has no Content-Encoding, its Content-Type is text (text/*,
// JSON, JavaScript, XML, SVG) and its body is at least 200 bytes long.
// It adds Vary: Accept-Encoding to each such response, compressed or
// not, for caches; removes Content-Length and Accept-Ranges; and weakens
// a strong ETag (RFC 9110 section 8.8.1), as Django does, so that
// ConditionalGet still matches it. Flush works: a response flushed before
// 200 bytes is compressed as a stream. HEAD requests, 204, 206 and 304
// responses are left alone. gzip.Writers are pooled.
//
// The first 200 bytes are held until the decision; a response below that
// is written uncompressed when the handler returns.
//
// # Security: BREACH
//
// Compression makes a response's length depend on its content. A page
// that holds a secret (a CSRF token) and reflects an attacker's input
// can then leak the secret, byte by byte, to an attacker who watches the
// lengths of encrypted responses (the BREACH attack). As Django, Gzip
// pads each response's gzip header with 0 to 99 random bytes
// (Heal-the-BREACH), which makes the attack slower, not impossible; the
// real defenses are masking secrets per response (as Django's CSRF token
// is) and not compressing pages that mix secrets with reflected input.
func Gzip(level int) func(http.Handler) http.Handler {
	if _, err := gzip.NewWriterLevel(nil, level); err != nil {
		panic(fmt.Sprintf("middleware: Gzip(%d): %v", level, err))
	}
	pool := &sync.Pool{New: func() any {
		zw, _ := gzip.NewWriterLevel(nil, level)
		return zw
	}}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodHead {
				next.ServeHTTP(w, r)
				return
			}
			gw := &gzipWriter{ResponseWriter: w, pool: pool, accepts: acceptsGzip(r.Header)}
			next.ServeHTTP(gw, r)
			gw.close()
		})
	}
}

// gzipWriter holds the status and the first bytes of a response until it
// knows whether to compress it.
type gzipWriter struct {
	http.ResponseWriter
	pool    *sync.Pool
	accepts bool
	status  int  // the status the handler sent, 0 before
	decided bool // the status went below; zw != nil when compressing
	zw      *gzip.Writer
	buf     []byte
	arr     [gzipMinLength]byte
}

func (gw *gzipWriter) WriteHeader(code int) {
	switch {
	case gw.status != 0:
		gw.ResponseWriter.WriteHeader(code) // net/http's superfluous-call warning
	case code < 200:
		gw.ResponseWriter.WriteHeader(code) // informational: the final status comes later
	default:
		gw.status = code
		if !compressibleStatus(code) {
			gw.decide(false, nil)
			return
		}
		if cl := gw.Header().Get("Content-Length"); cl != "" {
			n, err := strconv.ParseInt(cl, 10, 64)
			gw.decide(err == nil && n >= gzipMinLength, nil)
		}
	}
}

func (gw *gzipWriter) Write(b []byte) (int, error) {
	if gw.status == 0 {
		gw.WriteHeader(http.StatusOK)
	}
	if gw.decided {
		if gw.zw != nil {
			return gw.zw.Write(b)
		}
		return gw.ResponseWriter.Write(b)
	}
	if len(gw.buf)+len(b) < gzipMinLength {
		if gw.buf == nil {
			gw.buf = gw.arr[:0]
		}
		gw.buf = append(gw.buf, b...)
		return len(b), nil
	}
	if err := gw.decide(true, b); err != nil {
		return 0, err
	}
	return gw.Write(b)
}

// WriteString spares the []byte conversion of io.WriteString while the
// first bytes are held, or when the response is not compressed.
func (gw *gzipWriter) WriteString(s string) (int, error) {
	if gw.status == 0 {
		gw.WriteHeader(http.StatusOK)
	}
	switch {
	case !gw.decided && len(gw.buf)+len(s) < gzipMinLength:
		if gw.buf == nil {
			gw.buf = gw.arr[:0]
		}
		gw.buf = append(gw.buf, s...)
		return len(s), nil
	case gw.decided && gw.zw == nil:
		return io.WriteString(gw.ResponseWriter, s)
	}
	return gw.Write([]byte(s))
}

func (gw *gzipWriter) Flush() { gw.FlushError() }

// FlushError, what http.ResponseController.Flush calls, sends what is
// held: a response flushed before its first 200 bytes is a stream, and
// compressed.
func (gw *gzipWriter) FlushError() error {
	if gw.status == 0 {
		gw.WriteHeader(http.StatusOK)
	}
	if !gw.decided {
		if err := gw.decide(true, nil); err != nil {
			return err
		}
	}
	if gw.zw != nil {
		if err := gw.zw.Flush(); err != nil {
			return err
		}
	}
	return http.NewResponseController(gw.ResponseWriter).Flush()
}

func (gw *gzipWriter) Unwrap() http.ResponseWriter { return gw.ResponseWriter }

// decide sends the status, compressing when big is true and the headers
// allow, and then the bytes held; next are the bytes about to be written,
// for sniffing the type when none is set.
func (gw *gzipWriter) decide(big bool, next []byte) error {
	gw.decided = true
	h := gw.Header()
	if big && compressibleStatus(gw.status) && !hasHeader(h, "Content-Encoding") {
		if sample := append(gw.buf[:len(gw.buf):len(gw.buf)], next[:min(len(next), 512)]...); !hasHeader(h, "Content-Type") && len(sample) > 0 {
			// What net/http would sniff from the same bytes.
			h.Set("Content-Type", http.DetectContentType(sample))
		}
		if compressibleType(h.Get("Content-Type")) {
			addVary(h, "Accept-Encoding")
			if gw.accepts {
				h.Set("Content-Encoding", "gzip")
				h.Del("Content-Length")
				h.Del("Accept-Ranges")
				if etag := h.Get("Etag"); strings.HasPrefix(etag, `"`) {
					h.Set("Etag", "W/"+etag)
				}
				gw.zw = gw.pool.Get().(*gzip.Writer)
				gw.zw.Reset(gw.ResponseWriter)
				gw.zw.Name = padding[:rand.IntN(maxRandomBytes)]
			}
		}
	}
	gw.ResponseWriter.WriteHeader(gw.status)
	if len(gw.buf) == 0 {
		return nil
	}
	var err error
	if gw.zw != nil {
		_, err = gw.zw.Write(gw.buf)
	} else {
		_, err = gw.ResponseWriter.Write(gw.buf)
	}
	gw.buf = nil
	return err
}

// close ends the response once the handler returned: what is still held
// is below 200 bytes and goes uncompressed; a gzip stream is finished.
func (gw *gzipWriter) close() {
	if gw.status == 0 {
		return // nothing written: net/http sends its empty 200
	}
	if !gw.decided {
		gw.decide(false, nil)
	}
	if gw.zw != nil {
		gw.zw.Close()
		gw.zw.Reset(nil) // let go of the ResponseWriter
		gw.pool.Put(gw.zw)
		gw.zw = nil
	}
}

func compressibleStatus(code int) bool {
	return code >= 200 && code != http.StatusNoContent && code != http.StatusPartialContent && code != http.StatusNotModified
}

func hasHeader(h http.Header, key string) bool {
	_, ok := h[key]
	return ok
}

// compressibleType reports whether a Content-Type is text that gzip
// shrinks: text/*, JSON, JavaScript, XML and SVG, with their +json and
// +xml variants. Images, video, archives and fonts are compressed
// already.
func compressibleType(ct string) bool {
	mt, _, _ := strings.Cut(ct, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	switch {
	case strings.HasPrefix(mt, "text/"), mt == "image/svg+xml":
		return true
	case !strings.HasPrefix(mt, "application/"):
		return false
	}
	sub := mt[len("application/"):]
	return sub == "json" || sub == "javascript" || sub == "ecmascript" || sub == "xml" ||
		strings.HasSuffix(sub, "+json") || strings.HasSuffix(sub, "+xml")
}

// acceptsGzip reports whether Accept-Encoding lists gzip (or x-gzip)
// with a q-value above 0.
func acceptsGzip(h http.Header) bool {
	for _, v := range h["Accept-Encoding"] {
		for part := range strings.SplitSeq(v, ",") {
			coding, params, _ := strings.Cut(part, ";")
			coding = strings.TrimSpace(coding)
			if !strings.EqualFold(coding, "gzip") && !strings.EqualFold(coding, "x-gzip") {
				continue
			}
			return qValue(params) > 0
		}
	}
	return false
}

// qValue is the q parameter of params ("q=0.5"), 1 when absent.
func qValue(params string) float64 {
	for p := range strings.SplitSeq(params, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
			q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				return 0
			}
			return q
		}
	}
	return 1
}

// addVary adds value to the Vary header unless it is there (in any
// case) or Vary is "*", as Django's patch_vary_headers.
func addVary(h http.Header, value string) {
	for _, v := range h["Vary"] {
		for f := range strings.SplitSeq(v, ",") {
			f = strings.TrimSpace(f)
			if f == "*" || strings.EqualFold(f, value) {
				return
			}
		}
	}
	h.Add("Vary", value)
}
