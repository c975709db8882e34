// Package httpcache caches whole responses, Django's cache middleware and
// cache_page, and template fragments, Django's {% cache %}.
//
// Middleware caches every cacheable page of a site; Page caches one view for
// a fixed time; NeverCache marks a view's responses as never to be cached,
// by this package or by browsers and proxies. A response is stored only when
// all of these hold, so that one user's page is never served to another:
//
//   - the request is a GET or HEAD without an Authorization header;
//   - the status is 200 and the handler did not flush (no streaming);
//   - the response sets no cookie and does not vary on Cookie (sessions
//     add Vary: Cookie the moment a view reads the session) nor
//     on "*";
//   - its Cache-Control says neither private, no-store nor no-cache, and a
//     max-age, if any, is above zero;
//   - the body is at most Options.MaxBodyBytes.
//
// The key of a stored page is made of the request's scheme, host, path and
// query, plus the values of the request headers the response's Vary names
// (learned per URL, as Django's learn_cache_key does). A stored response
// gets Expires and Cache-Control max-age headers, unless it has them.
package httpcache

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nuages-go/nuages/cache"
)

// DefaultTTL is how long Middleware keeps a page without max-age, Django's
// CACHE_MIDDLEWARE_SECONDS.
const DefaultTTL = 10 * time.Minute

// DefaultMaxBodyBytes bounds the pages stored.
const DefaultMaxBodyBytes = 1 << 20

// Options configure Middleware and Page.
type Options struct {
	// Cache stores the pages (required).
	Cache cache.Cache
	// KeyPrefix separates sites or page sets sharing a cache, Django's
	// CACHE_MIDDLEWARE_KEY_PREFIX.
	KeyPrefix string
	// TTL is how long a page is kept (0: DefaultTTL). Middleware uses a
	// response's max-age instead when it has one; Page always uses TTL.
	TTL time.Duration
	// MaxBodyBytes bounds the size of a stored body (0:
	// DefaultMaxBodyBytes); larger pages are served but not stored.
	MaxBodyBytes int
	// Logger receives cache errors, which never fail a request (nil:
	// slog.Default()).
	Logger *slog.Logger
	// Now returns the time for Expires headers (nil: time.Now).
	Now func() time.Time
}

// Middleware caches the site's cacheable responses: Django's
// UpdateCacheMiddleware and FetchFromCacheMiddleware in one, since a Go
// middleware sees both the request and the response. Place it inside the
// middleware that rejects requests (AllowedHosts), ConditionalGet and Gzip,
// and outside those that read the session or set cookies (sessions, CSRF,
// authentication), so that it sees their Vary and Set-Cookie headers: at
// the end of a project's DefaultMiddleware. Headers set by the middleware
// outside before the view runs (X-Request-Id) are not stored.
func Middleware(opts Options) func(http.Handler) http.Handler {
	return newCacher(opts, false).wrap
}

// Page caches one view's responses for ttl, Django's cache_page: the
// response's own max-age does not shorten it.
//
//	mux.Handle("GET /polls/", httpcache.Page(httpcache.Options{Cache: c}, 15*time.Minute)(index))
func Page(opts Options, ttl time.Duration) func(http.Handler) http.Handler {
	opts.TTL = ttl
	return newCacher(opts, true).wrap
}

// NeverCache adds headers that keep browsers, proxies and this package
// from caching a view's responses, Django's never_cache.
func NeverCache(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Expires", time.Now().UTC().Format(http.TimeFormat))
		h.Set("Cache-Control", "max-age=0, no-cache, no-store, must-revalidate, private")
		next.ServeHTTP(w, r)
	})
}

type cacher struct {
	opts     Options
	fixedTTL bool
}

func newCacher(opts Options, fixedTTL bool) *cacher {
	if opts.Cache == nil {
		panic("httpcache: Options.Cache is nil")
	}
	if opts.TTL <= 0 {
		opts.TTL = DefaultTTL
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &cacher{opts: opts, fixedTTL: fixedTTL}
}

func (c *cacher) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (r.Method != http.MethodGet && r.Method != http.MethodHead) || r.Header.Get("Authorization") != "" {
			next.ServeHTTP(w, r)
			return
		}
		url := hashURL(r)
		if c.serve(w, r, url) {
			return
		}
		if r.Method == http.MethodHead { // its body is empty: nothing to store
			next.ServeHTTP(w, r)
			return
		}
		// Headers set before the view runs belong to the outer middleware
		// and this request (X-Request-Id): they are not stored.
		rec := &recorder{ResponseWriter: w, c: c, max: c.opts.MaxBodyBytes, before: w.Header().Clone()}
		next.ServeHTTP(rec, r)
		if rec.store {
			c.save(r, url, rec)
		}
	})
}

// hashURL hashes the absolute URL of r, as Django's cache keys do.
func hashURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	sum := sha256.Sum256([]byte(scheme + "://" + r.Host + r.URL.RequestURI()))
	return hex.EncodeToString(sum[:16])
}

func (c *cacher) headersKey(url string) string {
	return "httpcache.headers." + c.opts.KeyPrefix + "." + url
}

// pageKey is the key of the page for url and the values r has for the
// varied headers.
func (c *cacher) pageKey(r *http.Request, url string, vary []string) string {
	h := sha256.New()
	for _, name := range vary {
		h.Write([]byte(name))
		h.Write([]byte{0})
		for _, v := range r.Header.Values(name) {
			h.Write([]byte(v))
			h.Write([]byte{0})
		}
		h.Write([]byte{1})
	}
	return "httpcache.page." + c.opts.KeyPrefix + ".GET." + url + "." + hex.EncodeToString(h.Sum(nil)[:16])
}

// serve answers r from the cache, reporting whether it did.
func (c *cacher) serve(w http.ResponseWriter, r *http.Request, url string) bool {
	ctx := r.Context()
	names, err := c.opts.Cache.Get(ctx, c.headersKey(url))
	if err != nil {
		c.logError("reading", err)
		return false
	}
	var vary []string
	if len(names) > 0 {
		vary = strings.Split(string(names), "\n")
	}
	b, err := c.opts.Cache.Get(ctx, c.pageKey(r, url, vary))
	if err != nil {
		c.logError("reading", err)
		return false
	}
	status, header, body, err := decode(b)
	if err != nil {
		c.opts.Logger.Warn("httpcache: a stored page does not decode; serving afresh", "error", err)
		return false
	}
	dst := w.Header()
	for k, vs := range header {
		dst[k] = vs
	}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
	return true
}

func (c *cacher) logError(op string, err error) {
	if err != nil && !errors.Is(err, cache.ErrCacheMiss) {
		c.opts.Logger.Warn("httpcache: "+op+" the cache failed; serving without it", "error", err)
	}
}

// cacheable decides, when the handler sends its status, whether the
// response may be stored and for how long.
func (c *cacher) cacheable(status int, h http.Header) (time.Duration, bool) {
	if status != http.StatusOK || len(h.Values("Set-Cookie")) > 0 {
		return 0, false
	}
	for _, name := range varyNames(h) {
		if name == "*" || name == "Cookie" {
			return 0, false
		}
	}
	ttl := c.opts.TTL
	for _, d := range cacheControl(h) {
		name, value, _ := strings.Cut(d, "=")
		switch name {
		case "private", "no-store", "no-cache":
			return 0, false
		case "max-age":
			n, err := strconv.Atoi(strings.Trim(value, `"`))
			if err != nil || n <= 0 {
				return 0, false
			}
			if !c.fixedTTL {
				ttl = time.Duration(n) * time.Second
			}
		}
	}
	return ttl, true
}

// cacheControl returns the directives of h's Cache-Control, lower-cased.
func cacheControl(h http.Header) []string {
	var out []string
	for _, v := range h.Values("Cache-Control") {
		for d := range strings.SplitSeq(v, ",") {
			if d = strings.TrimSpace(d); d != "" {
				name, value, ok := strings.Cut(d, "=")
				d = strings.ToLower(name)
				if ok {
					d += "=" + value
				}
				out = append(out, d)
			}
		}
	}
	return out
}

// varyNames returns the canonical header names of h's Vary, sorted.
func varyNames(h http.Header) []string {
	var out []string
	for _, v := range h.Values("Vary") {
		for name := range strings.SplitSeq(v, ",") {
			if name = strings.TrimSpace(name); name != "" {
				out = append(out, http.CanonicalHeaderKey(name))
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// patch adds Expires and max-age to a response about to be stored,
// Django's patch_response_headers.
func (c *cacher) patch(h http.Header, ttl time.Duration) {
	if h.Get("Expires") == "" {
		h.Set("Expires", c.opts.Now().Add(ttl).UTC().Format(http.TimeFormat))
	}
	for _, d := range cacheControl(h) {
		if strings.HasPrefix(d, "max-age=") {
			return
		}
	}
	maxAge := "max-age=" + strconv.Itoa(int(ttl/time.Second))
	if cc := h.Get("Cache-Control"); cc != "" {
		maxAge = cc + ", " + maxAge
	}
	h.Set("Cache-Control", maxAge)
}

func (c *cacher) save(r *http.Request, url string, rec *recorder) {
	ctx := r.Context()
	vary := varyNames(rec.header)
	err := c.opts.Cache.Set(ctx, c.headersKey(url), []byte(strings.Join(vary, "\n")), rec.ttl)
	if err == nil {
		err = c.opts.Cache.Set(ctx, c.pageKey(r, url, vary), encode(rec.status, rec.header, rec.body.Bytes()), rec.ttl)
	}
	if err != nil {
		c.opts.Logger.Warn("httpcache: storing a page failed", "path", r.URL.Path, "error", err)
	}
}

// recorder passes the response through to the client and keeps a copy
// while it may be stored.
type recorder struct {
	http.ResponseWriter
	c      *cacher
	max    int
	wrote  bool
	store  bool // still worth storing
	status int
	ttl    time.Duration
	before http.Header // the headers when the view started
	header http.Header // those the view and the middleware inside set
	body   bytes.Buffer
}

// ResponseStarted tells web.ResponseStarted whether the status is sent.
func (rec *recorder) ResponseStarted() bool { return rec.wrote }

// Unwrap lets http.ResponseController reach the writer below.
func (rec *recorder) Unwrap() http.ResponseWriter { return rec.ResponseWriter }

func (rec *recorder) WriteHeader(status int) {
	if rec.wrote || status < 200 {
		rec.ResponseWriter.WriteHeader(status)
		return
	}
	rec.wrote, rec.status = true, status
	h := rec.ResponseWriter.Header()
	if ttl, ok := rec.c.cacheable(status, h); ok {
		rec.c.patch(h, ttl)
		rec.store, rec.ttl = true, ttl
		rec.header = make(http.Header, len(h))
		for k, vs := range h {
			if !slices.Equal(vs, rec.before[k]) {
				rec.header[k] = slices.Clone(vs)
			}
		}
	}
	rec.ResponseWriter.WriteHeader(status)
}

func (rec *recorder) Write(b []byte) (int, error) {
	if !rec.wrote {
		rec.WriteHeader(http.StatusOK)
	}
	if rec.store {
		if rec.body.Len()+len(b) > rec.max {
			rec.store = false
			rec.body = bytes.Buffer{}
		} else {
			rec.body.Write(b)
		}
	}
	return rec.ResponseWriter.Write(b)
}

// Flush streams: a streamed response is not stored.
func (rec *recorder) Flush() {
	rec.FlushError()
}

// FlushError is what http.ResponseController.Flush calls.
func (rec *recorder) FlushError() error {
	if !rec.wrote {
		rec.WriteHeader(http.StatusOK)
	}
	rec.store = false
	return http.NewResponseController(rec.ResponseWriter).Flush()
}

// The stored form of a page: a version byte, the status, the headers and
// the body, with lengths as uvarints. Hand-rolled because decoding it is on
// every cache hit.
const formatVersion = 1

func encode(status int, h http.Header, body []byte) []byte {
	b := make([]byte, 0, len(body)+512)
	b = append(b, formatVersion)
	b = binary.AppendUvarint(b, uint64(status))
	b = binary.AppendUvarint(b, uint64(len(h)))
	for _, k := range slices.Sorted(maps.Keys(h)) {
		b = appendString(b, k)
		b = binary.AppendUvarint(b, uint64(len(h[k])))
		for _, v := range h[k] {
			b = appendString(b, v)
		}
	}
	return append(b, body...)
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

var errFormat = errors.New("httpcache: malformed stored page")

// decode reads what encode wrote; body shares b's memory.
func decode(b []byte) (status int, h http.Header, body []byte, err error) {
	d := decoder{b: b}
	if len(b) == 0 || b[0] != formatVersion {
		return 0, nil, nil, errFormat
	}
	d.b = b[1:]
	st := d.uvarint()
	n := d.uvarint()
	if d.err != nil || st < 200 || st > 999 || n > uint64(len(d.b)) {
		return 0, nil, nil, errFormat
	}
	h = make(http.Header, n)
	for range n {
		k := d.string()
		nv := d.uvarint()
		if d.err != nil || nv > uint64(len(d.b)) {
			return 0, nil, nil, errFormat
		}
		vs := make([]string, nv)
		for i := range vs {
			vs[i] = d.string()
		}
		h[k] = vs
	}
	if d.err != nil {
		return 0, nil, nil, d.err
	}
	return int(st), h, d.b, nil
}

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errFormat
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) string() string {
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.b)) {
		d.err = errFormat
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}
