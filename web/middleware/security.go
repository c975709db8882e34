package middleware

import (
	"context"
	"crypto/rand"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Omit, as the value of a header in SecurityOptions, leaves the header
// out: Django's None.
const Omit = "-"

// SecurityOptions configure SecurityHeaders. The zero value is Django's
// defaults for SecurityMiddleware and XFrameOptionsMiddleware.
type SecurityOptions struct {
	// ContentTypeOptions is X-Content-Type-Options, "nosniff" by default
	// (SECURE_CONTENT_TYPE_NOSNIFF).
	ContentTypeOptions string
	// ReferrerPolicy is Referrer-Policy, "same-origin" by default
	// (SECURE_REFERRER_POLICY).
	ReferrerPolicy string
	// CrossOriginOpenerPolicy is Cross-Origin-Opener-Policy,
	// "same-origin" by default (SECURE_CROSS_ORIGIN_OPENER_POLICY).
	CrossOriginOpenerPolicy string
	// FrameOptions is X-Frame-Options, "DENY" by default
	// (X_FRAME_OPTIONS); "SAMEORIGIN" lets the site frame itself.
	FrameOptions string

	// HSTSSeconds, when positive, sends Strict-Transport-Security with
	// this max-age on HTTPS requests (SECURE_HSTS_SECONDS). Browsers then
	// refuse plain HTTP to the host for that long: start small.
	HSTSSeconds int
	// HSTSIncludeSubdomains adds includeSubDomains
	// (SECURE_HSTS_INCLUDE_SUBDOMAINS).
	HSTSIncludeSubdomains bool
	// HSTSPreload adds preload (SECURE_HSTS_PRELOAD).
	HSTSPreload bool

	// SSLRedirect redirects (301) plain HTTP requests to HTTPS
	// (SECURE_SSL_REDIRECT), to SSLHost when set (SECURE_SSL_HOST),
	// otherwise to the request's host if it is one of AllowedHosts (the
	// same entries and rules as the AllowedHosts middleware, with Debug):
	// a request for another host is not redirected but passed on, for
	// AllowedHosts to refuse, as Django validates the host it redirects
	// to. Paths (without their leading slash) matching one of
	// RedirectExempt stay on HTTP (SECURE_REDIRECT_EXEMPT).
	SSLRedirect    bool
	SSLHost        string
	RedirectExempt []*regexp.Regexp
	AllowedHosts   []string
	Debug          bool

	// ProxySSLHeader names a header and the value by which a proxy in
	// front says the request came over HTTPS, as Django's
	// SECURE_PROXY_SSL_HEADER: {"X-Forwarded-Proto", "https"}. Set it
	// only behind a proxy that sets or strips that header on every
	// request; otherwise any client can claim HTTPS.
	ProxySSLHeader [2]string

	// CSP is the Content-Security-Policy, Django 6.0's SECURE_CSP: each
	// directive with its sources, e.g. {"default-src": {CSPSelf},
	// "script-src": {CSPSelf, CSPNonce}}. None when empty.
	CSP CSP
	// CSPReportOnly is Content-Security-Policy-Report-Only, for trying a
	// policy out before enforcing it (SECURE_CSP_REPORT_ONLY).
	CSPReportOnly CSP
}

// CSP is a Content-Security-Policy: directives and their sources. A
// directive with no sources is written alone
// ("upgrade-insecure-requests").
type CSP map[string][]string

// Sources of CSP directives, Django's django.utils.csp.CSP.
const (
	CSPSelf           = "'self'"
	CSPNone           = "'none'"
	CSPUnsafeInline   = "'unsafe-inline'"
	CSPUnsafeEval     = "'unsafe-eval'"
	CSPStrictDynamic  = "'strict-dynamic'"
	CSPReportSample   = "'report-sample'"
	CSPWasmUnsafeEval = "'wasm-unsafe-eval'"
	// CSPNonce becomes 'nonce-<value>', a new value for every request,
	// which templates put on the scripts and styles they trust:
	// <script nonce="{{csp_nonce .request}}">.
	CSPNonce = "<nonce>"
)

func (c CSP) hasNonce() bool {
	for _, sources := range c {
		if slices.Contains(sources, CSPNonce) {
			return true
		}
	}
	return false
}

// header writes the policy, directives sorted, with nonce for CSPNonce.
func (c CSP) header(nonce string) string {
	var b strings.Builder
	for _, name := range slices.Sorted(maps.Keys(c)) {
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		b.WriteString(name)
		for _, src := range c[name] {
			if src == CSPNonce {
				src = "'nonce-" + nonce + "'"
			}
			b.WriteString(" " + src)
		}
	}
	return b.String()
}

type nonceKey struct{}

// CSPNonceOf returns the nonce of r's Content-Security-Policy, "" when the
// policy has none: the template function csp_nonce.
func CSPNonceOf(r *http.Request) string {
	n, _ := r.Context().Value(nonceKey{}).(string)
	return n
}

// Secure reports whether r came over HTTPS, as Django's
// request.is_secure(): the proxy's header (ProxySSLHeader), when one is
// configured and present, says; otherwise the connection does.
func (opts SecurityOptions) Secure(r *http.Request) bool {
	return isSecure(r, http.CanonicalHeaderKey(opts.ProxySSLHeader[0]), opts.ProxySSLHeader[1])
}

// SecurityHeaders is Django's SecurityMiddleware and
// XFrameOptionsMiddleware: it adds X-Content-Type-Options: nosniff,
// Referrer-Policy: same-origin, Cross-Origin-Opener-Policy: same-origin
// and X-Frame-Options: DENY to every response, Strict-Transport-Security
// to HTTPS responses and a Content-Security-Policy (with a nonce per
// request) when configured, and redirects HTTP to HTTPS when configured.
//
// The headers are set before the handler runs, so a handler replaces
// one with Header().Set, or removes it with Header().Del (Django's
// xframe_options_exempt), and its choice stands, as Django sets them only
// when the response lacks them.
func SecurityHeaders(opts SecurityOptions) func(http.Handler) http.Handler {
	var static []header
	for _, h := range []struct{ name, value, def string }{
		{"X-Content-Type-Options", opts.ContentTypeOptions, "nosniff"},
		{"Referrer-Policy", opts.ReferrerPolicy, "same-origin"},
		{"Cross-Origin-Opener-Policy", opts.CrossOriginOpenerPolicy, "same-origin"},
		{"X-Frame-Options", opts.FrameOptions, "DENY"},
	} {
		v := h.value
		if v == "" {
			v = h.def
		}
		if v != Omit {
			static = append(static, header{h.name, []string{v}})
		}
	}
	var hsts []string
	if opts.HSTSSeconds > 0 {
		v := "max-age=" + strconv.Itoa(opts.HSTSSeconds)
		if opts.HSTSIncludeSubdomains {
			v += "; includeSubDomains"
		}
		if opts.HSTSPreload {
			v += "; preload"
		}
		hsts = []string{v}
	}
	// Without a nonce, a policy is the same for every response.
	withNonce := opts.CSP.hasNonce() || opts.CSPReportOnly.hasNonce()
	var csp []header
	if len(opts.CSP) > 0 {
		csp = append(csp, header{"Content-Security-Policy", []string{opts.CSP.header("")}})
	}
	if len(opts.CSPReportOnly) > 0 {
		csp = append(csp, header{"Content-Security-Policy-Report-Only", []string{opts.CSPReportOnly.header("")}})
	}
	proxyHeader := http.CanonicalHeaderKey(opts.ProxySSLHeader[0])
	hosts := hostPatterns(opts.AllowedHosts, opts.Debug)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			secure := isSecure(r, proxyHeader, opts.ProxySSLHeader[1])
			if opts.SSLRedirect && !secure && !exempt(r.URL.Path, opts.RedirectExempt) {
				host := opts.SSLHost
				if host == "" {
					host = r.Host
					if domain, _, ok := splitHost(strings.ToLower(host)); !ok || !hostAllowed(domain, hosts) {
						next.ServeHTTP(w, r) // AllowedHosts answers a malformed or foreign Host
						return
					}
				}
				http.Redirect(w, r, "https://"+host+r.URL.RequestURI(), http.StatusMovedPermanently)
				return
			}
			h := w.Header()
			for _, s := range static {
				// The value is shared by every response: a handler can
				// replace the slice (Set, Add copy it: its capacity is
				// its length), not write into it.
				h[s.name] = s.value[:1:1]
			}
			if hsts != nil && secure {
				h["Strict-Transport-Security"] = hsts[:1:1]
			}
			if withNonce {
				nonce := rand.Text()
				r = r.WithContext(context.WithValue(r.Context(), nonceKey{}, nonce))
				if len(opts.CSP) > 0 {
					h.Set("Content-Security-Policy", opts.CSP.header(nonce))
				}
				if len(opts.CSPReportOnly) > 0 {
					h.Set("Content-Security-Policy-Report-Only", opts.CSPReportOnly.header(nonce))
				}
			} else {
				for _, c := range csp {
					h[c.name] = c.value[:1:1]
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

type header struct {
	name  string
	value []string
}

// isSecure is Django's request.is_secure(): the proxy's header, when one
// is configured and present, says; otherwise the connection does.
func isSecure(r *http.Request, name, want string) bool {
	if name != "" {
		if v, ok := r.Header[name]; ok && len(v) > 0 {
			first, _, _ := strings.Cut(v[0], ",")
			return strings.TrimSpace(first) == want
		}
	}
	return r.TLS != nil
}

func exempt(path string, res []*regexp.Regexp) bool {
	path = strings.TrimPrefix(path, "/")
	for _, re := range res {
		if re.MatchString(path) {
			return true
		}
	}
	return false
}
