package middleware_test

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/nuages-go/nuages/web/middleware"
)

func TestSecurityHeaders(t *testing.T) {
	defaults := map[string]string{
		"X-Content-Type-Options":     "nosniff",
		"Referrer-Policy":            "same-origin",
		"Cross-Origin-Opener-Policy": "same-origin",
		"X-Frame-Options":            "DENY",
		"Strict-Transport-Security":  "",
	}
	with := func(changes map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range defaults {
			m[k] = v
		}
		for k, v := range changes {
			m[k] = v
		}
		return m
	}
	noop := func(http.ResponseWriter, *http.Request) {}
	cases := []struct {
		name    string
		opts    middleware.SecurityOptions
		https   bool              // over TLS
		header  map[string]string // request headers
		handler http.HandlerFunc
		status  int
		want    map[string]string // response headers, "" for absent
	}{
		{name: "defaults", want: defaults},
		{name: "changed", opts: middleware.SecurityOptions{ReferrerPolicy: "no-referrer", FrameOptions: "SAMEORIGIN", CrossOriginOpenerPolicy: "same-origin-allow-popups"},
			want: with(map[string]string{"Referrer-Policy": "no-referrer", "X-Frame-Options": "SAMEORIGIN", "Cross-Origin-Opener-Policy": "same-origin-allow-popups"})},
		{name: "omitted", opts: middleware.SecurityOptions{ContentTypeOptions: middleware.Omit, ReferrerPolicy: middleware.Omit, CrossOriginOpenerPolicy: middleware.Omit, FrameOptions: middleware.Omit},
			want: map[string]string{"X-Content-Type-Options": "", "Referrer-Policy": "", "Cross-Origin-Opener-Policy": "", "X-Frame-Options": ""}},
		{name: "handler_replaces", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Frame-Options", "SAMEORIGIN")
			w.Header().Set("Referrer-Policy", "no-referrer")
		}, want: with(map[string]string{"X-Frame-Options": "SAMEORIGIN", "Referrer-Policy": "no-referrer"})},
		{name: "handler_exempts", handler: func(w http.ResponseWriter, r *http.Request) { w.Header().Del("X-Frame-Options") },
			want: with(map[string]string{"X-Frame-Options": ""})},
		{name: "hsts_not_on_http", opts: middleware.SecurityOptions{HSTSSeconds: 3600}, want: defaults},
		{name: "hsts_on_https", opts: middleware.SecurityOptions{HSTSSeconds: 3600}, https: true,
			want: with(map[string]string{"Strict-Transport-Security": "max-age=3600"})},
		{name: "hsts_full", opts: middleware.SecurityOptions{HSTSSeconds: 31536000, HSTSIncludeSubdomains: true, HSTSPreload: true}, https: true,
			want: with(map[string]string{"Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload"})},
		{name: "hsts_handler_own", opts: middleware.SecurityOptions{HSTSSeconds: 3600}, https: true,
			handler: func(w http.ResponseWriter, r *http.Request) { w.Header().Set("Strict-Transport-Security", "max-age=0") },
			want:    with(map[string]string{"Strict-Transport-Security": "max-age=0"})},
		{name: "hsts_proxy_https", opts: middleware.SecurityOptions{HSTSSeconds: 60, ProxySSLHeader: [2]string{"X-Forwarded-Proto", "https"}},
			header: map[string]string{"X-Forwarded-Proto": "https, http"},
			want:   with(map[string]string{"Strict-Transport-Security": "max-age=60"})},
		{name: "hsts_proxy_says_http", opts: middleware.SecurityOptions{HSTSSeconds: 60, ProxySSLHeader: [2]string{"X-Forwarded-Proto", "https"}},
			https: true, header: map[string]string{"X-Forwarded-Proto": "http"}, want: defaults},
		{name: "hsts_untrusted_proxy_header", opts: middleware.SecurityOptions{HSTSSeconds: 60},
			header: map[string]string{"X-Forwarded-Proto": "https"}, want: defaults},
		{name: "ssl_redirect", opts: middleware.SecurityOptions{SSLRedirect: true, AllowedHosts: []string{"example.com"}}, status: 301,
			want: map[string]string{"Location": "https://example.com/polls/?page=2"}},
		{name: "ssl_redirect_host", opts: middleware.SecurityOptions{SSLRedirect: true, SSLHost: "secure.example.com"}, status: 301,
			want: map[string]string{"Location": "https://secure.example.com/polls/?page=2"}},
		{name: "ssl_redirect_not_on_https", opts: middleware.SecurityOptions{SSLRedirect: true}, https: true, status: 200, want: defaults},
		{name: "ssl_redirect_behind_proxy", opts: middleware.SecurityOptions{SSLRedirect: true, ProxySSLHeader: [2]string{"X-Forwarded-Proto", "https"}},
			header: map[string]string{"X-Forwarded-Proto": "https"}, status: 200, want: defaults},
		{name: "ssl_redirect_exempt", opts: middleware.SecurityOptions{SSLRedirect: true, RedirectExempt: []*regexp.Regexp{regexp.MustCompile(`^polls/`)}},
			status: 200, want: defaults},
		{name: "ssl_redirect_bad_host", opts: middleware.SecurityOptions{SSLRedirect: true}, header: map[string]string{"Host": "evil.com:80@good.com"},
			status: 200, want: map[string]string{"Location": ""}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := c.handler
			if h == nil {
				h = noop
			}
			req := httptest.NewRequest("GET", "http://example.com/polls/?page=2", nil)
			if c.https {
				req.TLS = &tls.ConnectionState{}
			}
			for k, v := range c.header {
				if k == "Host" {
					req.Host = v
				}
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			middleware.SecurityHeaders(c.opts)(h).ServeHTTP(rec, req)
			if c.status != 0 && rec.Code != c.status {
				t.Errorf("status %d, want %d", rec.Code, c.status)
			}
			for k, v := range c.want {
				if got := rec.Header().Get(k); got != v {
					t.Errorf("%s: got %q, want %q", k, got, v)
				}
			}
		})
	}
}

// The header values are shared between responses: what a handler does
// to its response's headers must not reach the next response.
func TestSecurityHeaders_Shared(t *testing.T) {
	h := middleware.SecurityHeaders(middleware.SecurityOptions{})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/add" {
			w.Header().Add("X-Frame-Options", "SAMEORIGIN")
		}
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/add", nil))
	if got := rec.Header()["X-Frame-Options"]; len(got) != 2 {
		t.Errorf("after Add: %q", got)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if got := rec.Header()["X-Frame-Options"]; len(got) != 1 || got[0] != "DENY" {
		t.Errorf("the next response: %q, want [DENY]", got)
	}
}

func TestContentSecurityPolicy(t *testing.T) {
	cases := []struct {
		name         string
		opts         middleware.SecurityOptions
		header, only string // with {n} for the request's nonce
	}{
		{"none", middleware.SecurityOptions{}, "", ""},
		{"fixed", middleware.SecurityOptions{CSP: middleware.CSP{"default-src": {middleware.CSPSelf}, "img-src": {middleware.CSPSelf, "https://cdn.example"}, "upgrade-insecure-requests": nil}},
			"default-src 'self'; img-src 'self' https://cdn.example; upgrade-insecure-requests", ""},
		{"nonce", middleware.SecurityOptions{CSP: middleware.CSP{"script-src": {middleware.CSPSelf, middleware.CSPNonce}}},
			"script-src 'self' 'nonce-{n}'", ""},
		{"report only", middleware.SecurityOptions{CSPReportOnly: middleware.CSP{"default-src": {middleware.CSPNone}, "style-src": {middleware.CSPNonce}}},
			"", "default-src 'none'; style-src 'nonce-{n}'"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var nonces []string
			h := middleware.SecurityHeaders(c.opts)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				nonces = append(nonces, middleware.CSPNonceOf(r))
			}))
			for i := range 2 {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
				n := nonces[i]
				if strings.Contains(c.header+c.only, "{n}") != (n != "") {
					t.Fatalf("nonce %q for a policy %q", n, c.header+c.only)
				}
				for name, want := range map[string]string{"Content-Security-Policy": c.header, "Content-Security-Policy-Report-Only": c.only} {
					if got := rec.Header().Get(name); got != strings.ReplaceAll(want, "{n}", n) {
						t.Errorf("%s: %q, want %q", name, got, want)
					}
				}
			}
			if nonces[0] != "" && nonces[0] == nonces[1] {
				t.Error("two requests had the same nonce")
			}
		})
	}
}

func TestSecure(t *testing.T) {
	opts := middleware.SecurityOptions{ProxySSLHeader: [2]string{"X-Forwarded-Proto", "https"}}
	cases := []struct {
		proto string
		tls   bool
		want  bool
	}{
		{"", false, false}, {"", true, true}, {"https", false, true}, {"http", true, false}, {"https, http", false, true},
	}
	for _, c := range cases {
		r := httptest.NewRequest("GET", "/", nil)
		if c.proto != "" {
			r.Header.Set("X-Forwarded-Proto", c.proto)
		}
		if c.tls {
			r.TLS = &tls.ConnectionState{}
		}
		if got := opts.Secure(r); got != c.want {
			t.Errorf("proto %q, TLS %v: %v", c.proto, c.tls, got)
		}
	}
}
