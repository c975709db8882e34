package csrf

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/nuages-go/nuages/web"
	"github.com/nuages-go/nuages/web/middleware"
)

// FieldName is the form field of the token, as in Django.
const FieldName = "csrfmiddlewaretoken"

// Config is Django's CSRF_* settings; the zero value of each field is
// Django's default, except that the cookie is Secure unless
// CookieInsecure says otherwise.
type Config struct {
	// CookieName is "csrftoken" when empty.
	CookieName string
	// CookieAge is a year (Django's 52 weeks) when zero.
	CookieAge    time.Duration
	CookieDomain string
	// CookiePath is "/" when empty.
	CookiePath     string
	CookieInsecure bool
	// CookieHTTPOnly hides the cookie from JavaScript, which must then
	// read the token from the page instead.
	CookieHTTPOnly bool
	// CookieSameSite is Lax when zero.
	CookieSameSite http.SameSite
	// HeaderName is the header JavaScript sends the token in,
	// "X-CSRFToken" when empty.
	HeaderName string
	// TrustedOrigins are other origins whose unsafe requests are
	// accepted: "https://example.com", "https://*.example.com" for every
	// subdomain (Django's CSRF_TRUSTED_ORIGINS). Entries without a
	// scheme or a host trust nothing (a project's settings validation
	// reports them).
	TrustedOrigins []string
	// Secure reports whether r came over HTTPS; r.TLS != nil when nil
	// (behind a proxy, the project's proxy header setting decides).
	Secure func(r *http.Request) bool
	// Exempt reports whether r goes to a view exempt from the check
	// (see Exempt); none when nil.
	Exempt func(r *http.Request) bool
}

func (c *Config) secure(r *http.Request) bool {
	if c.Secure != nil {
		return c.Secure(r)
	}
	return r.TLS != nil
}

func (c *Config) cookieName() string { return or(c.CookieName, "csrftoken") }
func (c *Config) headerName() string { return or(c.HeaderName, "X-CSRFToken") }

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// state is a request's CSRF secret and whether the response must send it.
type state struct {
	mu          sync.Mutex
	secret      string
	needsUpdate bool
	header      http.Header // the response's
}

type stateKey struct{}

// Token returns a new masked token for r's secret, creating the secret if
// r has none, and has the response send the cookie: Django's get_token.
// It is "" when r did not go through Middleware.
func Token(r *http.Request) string {
	st, ok := r.Context().Value(stateKey{}).(*state)
	if !ok {
		return ""
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.secret == "" {
		st.secret = newSecret()
	}
	if !st.needsUpdate {
		// Now, not when the cookie is set: a page cache around the view
		// must see that this page, with its token, is the visitor's own.
		web.AddVary(st.header, "Cookie")
	}
	st.needsUpdate = true
	return mask(st.secret)
}

// Field returns the hidden input of r's token for a form: the template
// function csrf_field.
func Field(r *http.Request) (template.HTML, error) {
	token := Token(r)
	if token == "" {
		return "", errors.New("csrf_field: the request did not go through the CSRF middleware: add csrf.Middleware to the project's middleware")
	}
	return template.HTML(`<input type="hidden" name="` + FieldName + `" value="` + token + `">`), nil
}

// Rotate gives r a new secret, so that tokens of the old one stop
// working: Django's rotate_token, which login calls.
func Rotate(r *http.Request) {
	if st, ok := r.Context().Value(stateKey{}).(*state); ok {
		st.mu.Lock()
		st.secret, st.needsUpdate = newSecret(), true
		st.mu.Unlock()
	}
}

// exemptHandler marks a handler whose requests are not checked.
type exemptHandler struct{ http.Handler }

// Exempt marks h as exempt from the check, Django's @csrf_exempt: for
// webhooks and APIs authenticated by other means. The project's router
// tells the middleware (Config.Exempt) which route a request goes to.
func Exempt(h http.Handler) http.Handler { return exemptHandler{h} }

// Unwrap returns the handler Exempt marked, so that other markers see
// through this one.
func (h exemptHandler) Unwrap() http.Handler { return h.Handler }

// IsExempt reports whether h was made by Exempt, or wraps through markers
// that unwrap (an Unwrap() http.Handler method, as auth.LoginNotRequired
// has) a handler made by Exempt: as Django's decorators keep each other's
// marks, csrf.Exempt(auth.LoginNotRequired(h)) and the other way round
// both hold.
func IsExempt(h http.Handler) bool { return web.Marked[exemptHandler](h) }

type skipKey struct{}

// SkipChecks returns r marked to pass the check without a token, as
// Django's test client does by default: for tests only (nuagestest's
// Client uses it). Only code in the same process can mark a request.
func SkipChecks(r *http.Request) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), skipKey{}, true))
}

// Middleware checks unsafe requests and sends the cookie when a token was
// used, as Django's CsrfViewMiddleware.
func Middleware(cfg Config) func(http.Handler) http.Handler {
	origins := parseTrusted(cfg.TrustedOrigins)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			st := &state{header: w.Header()}
			if c, err := r.Cookie(cfg.cookieName()); err == nil && checkFormat(c.Value) == nil {
				// A 64-character cookie is a token from Django before 4.1.
				st.secret = c.Value
				if len(st.secret) == tokenLength {
					st.secret, st.needsUpdate = unmask(st.secret), true
				}
			}
			r = r.WithContext(context.WithValue(r.Context(), stateKey{}, st))
			if reason := cfg.check(r, origins); reason != nil {
				web.ServeError(w, r, &web.Error{Status: http.StatusForbidden, Message: "CSRF verification failed. Request aborted.", Err: reason})
				return
			}
			hw, finish := middleware.BeforeHeaders(w, func(int) bool {
				st.mu.Lock()
				defer st.mu.Unlock()
				if st.needsUpdate {
					http.SetCookie(w, cfg.cookie(st.secret))
					web.AddVary(w.Header(), "Cookie")
				}
				return true
			})
			next.ServeHTTP(hw, r)
			finish()
		})
	}
}

func (cfg *Config) cookie(secret string) *http.Cookie {
	age := cfg.CookieAge
	if age <= 0 {
		age = 52 * 7 * 24 * time.Hour
	}
	sameSite := cfg.CookieSameSite
	if sameSite == 0 {
		sameSite = http.SameSiteLaxMode
	}
	return &http.Cookie{
		Name: cfg.cookieName(), Value: secret, Path: or(cfg.CookiePath, "/"), Domain: cfg.CookieDomain,
		MaxAge: int(age / time.Second), Expires: time.Now().Add(age),
		Secure: !cfg.CookieInsecure, HttpOnly: cfg.CookieHTTPOnly, SameSite: sameSite,
	}
}

// Reason is why a request was refused, in Django's words.
type Reason struct{ Text string }

func (r *Reason) Error() string { return "csrf: " + r.Text }

func reject(format string, args ...any) *Reason { return &Reason{Text: fmt.Sprintf(format, args...)} }

// check is Django's process_view: nil when r may go on.
func (cfg *Config) check(r *http.Request, origins trusted) *Reason {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return nil
	}
	if r.Context().Value(skipKey{}) != nil || cfg.Exempt != nil && cfg.Exempt(r) {
		return nil
	}
	secure := cfg.secure(r)
	// Django checks an Origin header whenever it is present ("HTTP_ORIGIN"
	// in request.META), so an empty one fails: it is not an absent one.
	_, hasOrigin := r.Header["Origin"]
	origin := r.Header.Get("Origin")
	switch site := r.Header.Get("Sec-Fetch-Site"); site {
	case "cross-site", "same-site":
		// The browser says another site sent it; only a trusted origin
		// may.
		if !origins.exact[origin] && !origins.subdomain(origin) {
			return reject("Sec-Fetch-Site checking failed - the request came from another site (%s, Origin %q).", site, origin)
		}
	}
	if hasOrigin {
		if !cfg.originVerified(r, origin, secure, origins) {
			return reject("Origin checking failed - %s does not match any trusted origins.", origin)
		}
	} else if secure {
		if reason := cfg.checkReferer(r, origins); reason != nil {
			return reason
		}
	}
	return cfg.checkToken(r)
}

func (cfg *Config) originVerified(r *http.Request, origin string, secure bool, origins trusted) bool {
	scheme := "http"
	if secure {
		scheme = "https"
	}
	if origin == scheme+"://"+r.Host || origins.exact[origin] {
		return true
	}
	return origins.subdomain(origin)
}

func (cfg *Config) checkReferer(r *http.Request, origins trusted) *Reason {
	referer := r.Header.Get("Referer")
	if referer == "" {
		return reject("Referer checking failed - no Referer.")
	}
	u, err := url.Parse(referer)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return reject("Referer checking failed - Referer is malformed.")
	}
	if u.Scheme != "https" {
		return reject("Referer checking failed - Referer is insecure while host is secure.")
	}
	if u.User != nil {
		// url.Parse drops userinfo from Host, so https://evil.com@example.com/
		// would compare as example.com; Django compares the whole netloc,
		// which matches no host.
		return reject("Referer checking failed - %s does not match any trusted origins.", referer)
	}
	for _, host := range origins.hosts {
		if sameDomain(u.Host, host) {
			return nil
		}
	}
	good := r.Host
	if cfg.CookieDomain != "" {
		good = cfg.CookieDomain
		if _, port, err := net.SplitHostPort(r.Host); err == nil && port != "443" && port != "80" {
			good += ":" + port
		}
	}
	if !sameDomain(u.Host, good) {
		return reject("Referer checking failed - %s does not match any trusted origins.", referer)
	}
	return nil
}

func (cfg *Config) checkToken(r *http.Request) *Reason {
	st := r.Context().Value(stateKey{}).(*state)
	if c, err := r.Cookie(cfg.cookieName()); err == nil {
		if err := checkFormat(c.Value); err != nil {
			return reject("CSRF cookie %s.", err)
		}
	}
	if st.secret == "" {
		return reject("CSRF cookie not set.")
	}
	source, token := "POST", ""
	if r.Method == http.MethodPost {
		token = r.PostFormValue(FieldName)
	}
	if token == "" {
		source, token = fmt.Sprintf("the %q HTTP header", cfg.headerName()), r.Header.Get(cfg.headerName())
	}
	if token == "" {
		return reject("CSRF token missing.")
	}
	if err := checkFormat(token); err != nil {
		return reject("CSRF token from %s %s.", source, err)
	}
	if !matches(token, st.secret) {
		return reject("CSRF token from %s incorrect.", source)
	}
	return nil
}

// trusted is Config.TrustedOrigins, parsed once.
type trusted struct {
	exact      map[string]bool     // "https://example.com"
	subdomains map[string][]string // scheme -> ".example.com"
	hosts      []string            // for the Referer: "example.com", ".example.com"
}

func parseTrusted(origins []string) trusted {
	t := trusted{exact: map[string]bool{}, subdomains: map[string][]string{}}
	for _, o := range origins {
		scheme, host, ok := strings.Cut(o, "://")
		if !ok || scheme == "" || host == "" {
			continue // not an origin: the project's settings validation reports it
		}
		if rest, wild := strings.CutPrefix(host, "*"); wild {
			if rest == "" {
				continue // "https://*" names no domain
			}
			t.subdomains[scheme] = append(t.subdomains[scheme], rest)
			t.hosts = append(t.hosts, rest)
			continue
		}
		t.exact[o] = true
		t.hosts = append(t.hosts, host)
	}
	return t
}

func (t trusted) subdomain(origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.User != nil { // an origin has no userinfo
		return false
	}
	for _, pattern := range t.subdomains[u.Scheme] {
		if sameDomain(u.Host, pattern) {
			return true
		}
	}
	return false
}

// sameDomain is Django's is_same_domain: pattern ".example.com" matches
// example.com and its subdomains; otherwise the hosts are equal. An empty
// pattern matches nothing.
func sameDomain(host, pattern string) bool {
	if pattern == "" {
		return false
	}
	host, pattern = strings.ToLower(host), strings.ToLower(pattern)
	if strings.HasPrefix(pattern, ".") {
		return strings.HasSuffix(host, pattern) || host == pattern[1:]
	}
	return host == pattern
}
