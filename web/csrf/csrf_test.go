package csrf_test

import (
	"crypto/tls"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/nuages-go/nuages/cache"
	"github.com/nuages-go/nuages/cache/httpcache"
	"github.com/nuages-go/nuages/web"
	"github.com/nuages-go/nuages/web/csrf"
)

// form answers with a fresh token; it is what renders a page with a form.
var form = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	io.WriteString(w, csrf.Token(r))
})

// serve runs r through the middleware with cfg, with a Debug error page
// so that the reason can be read.
func serve(cfg csrf.Config, h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	errs := &web.Errors{Debug: true, Logger: slog.New(slog.DiscardHandler)}
	rec := httptest.NewRecorder()
	web.WithErrors(errs)(csrf.Middleware(cfg)(h)).ServeHTTP(rec, r)
	return rec
}

// fetchToken GETs the form and returns the cookie's secret and the token.
func fetchToken(t *testing.T) (secret, token string) {
	t.Helper()
	rec := serve(csrf.Config{}, form, httptest.NewRequest("GET", "http://example.com/", nil))
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 || cookies[0].Name != "csrftoken" {
		t.Fatalf("cookies: %v", cookies)
	}
	return cookies[0].Value, rec.Body.String()
}

func TestCookie(t *testing.T) {
	rec := serve(csrf.Config{}, form, httptest.NewRequest("GET", "/", nil))
	c := rec.Result().Cookies()[0]
	if !c.Secure || c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.MaxAge != 52*7*24*3600 || len(c.Value) != 32 {
		t.Errorf("cookie: %+v", c)
	}
	if rec.Header().Get("Vary") != "Cookie" || len(rec.Body.String()) != 64 {
		t.Errorf("Vary %q, token %q", rec.Header().Get("Vary"), rec.Body)
	}
	// A page that renders no token sets no cookie.
	rec = serve(csrf.Config{}, http.NotFoundHandler(), httptest.NewRequest("GET", "/", nil))
	if len(rec.Result().Cookies()) != 0 {
		t.Errorf("a page without a form set %v", rec.Result().Cookies())
	}
}

func TestCheck(t *testing.T) {
	secret, token := fetchToken(t)
	_, otherToken := fetchToken(t)
	cases := []struct {
		name            string
		method, target  string
		cookie          string
		field, header   string
		origin, referer string
		fetchSite       string
		trusted         []string
		reason          string // "" when accepted
	}{
		{name: "GET", method: "GET", target: "http://example.com/"},
		{name: "HEAD", method: "HEAD", target: "http://example.com/"},
		{name: "OPTIONS", method: "OPTIONS", target: "http://example.com/"},
		{name: "form token", method: "POST", target: "http://example.com/", cookie: secret, field: token},
		{name: "header token", method: "POST", target: "http://example.com/", cookie: secret, header: token},
		{name: "header with the bare secret", method: "PUT", target: "http://example.com/", cookie: secret, header: secret},
		{name: "DELETE with header", method: "DELETE", target: "http://example.com/", cookie: secret, header: token},
		{name: "no cookie", method: "POST", target: "http://example.com/", field: token, reason: "CSRF cookie not set."},
		{name: "no token", method: "POST", target: "http://example.com/", cookie: secret, reason: "CSRF token missing."},
		{name: "token of another secret", method: "POST", target: "http://example.com/", cookie: secret, field: otherToken, reason: "CSRF token from POST incorrect."},
		{name: "short token", method: "POST", target: "http://example.com/", cookie: secret, field: token[:40], reason: "CSRF token from POST has incorrect length."},
		{name: "bad characters", method: "POST", target: "http://example.com/", cookie: secret, field: token[:63] + "!", reason: "CSRF token from POST has invalid characters."},
		{name: "bad header token", method: "POST", target: "http://example.com/", cookie: secret, header: "x", reason: `CSRF token from the "X-CSRFToken" HTTP header has incorrect length.`},
		{name: "malformed cookie", method: "POST", target: "http://example.com/", cookie: "abc", field: token, reason: "CSRF cookie has incorrect length."},
		{name: "same origin", method: "POST", target: "http://example.com/", cookie: secret, field: token, origin: "http://example.com"},
		{name: "other origin", method: "POST", target: "http://example.com/", cookie: secret, field: token, origin: "http://evil.example", reason: "Origin checking failed - http://evil.example does not match any trusted origins."},
		{name: "https page, http origin", method: "POST", target: "https://example.com/", cookie: secret, field: token, origin: "http://example.com", referer: "https://example.com/", reason: "Origin checking failed"},
		{name: "null origin", method: "POST", target: "http://example.com/", cookie: secret, field: token, origin: "null", reason: "Origin checking failed - null"},
		{name: "trusted origin", method: "POST", target: "https://example.com/", cookie: secret, field: token, origin: "https://shop.example", trusted: []string{"https://shop.example"}},
		{name: "trusted subdomain", method: "POST", target: "https://example.com/", cookie: secret, field: token, origin: "https://a.b.example.org", trusted: []string{"https://*.example.org"}},
		{name: "trusted subdomain, other scheme", method: "POST", target: "https://example.com/", cookie: secret, field: token, origin: "http://a.example.org", trusted: []string{"https://*.example.org"}, reason: "Origin checking failed"},
		{name: "https without referer", method: "POST", target: "https://example.com/", cookie: secret, field: token, reason: "Referer checking failed - no Referer."},
		{name: "https, insecure referer", method: "POST", target: "https://example.com/", cookie: secret, field: token, referer: "http://example.com/form/", reason: "Referer checking failed - Referer is insecure while host is secure."},
		{name: "https, malformed referer", method: "POST", target: "https://example.com/", cookie: secret, field: token, referer: "not a url", reason: "Referer checking failed - Referer is malformed."},
		{name: "https, other referer", method: "POST", target: "https://example.com/", cookie: secret, field: token, referer: "https://evil.example/", reason: "Referer checking failed - https://evil.example/ does not match any trusted origins."},
		{name: "https, same referer", method: "POST", target: "https://example.com/", cookie: secret, field: token, referer: "https://example.com/form/"},
		{name: "https, trusted referer", method: "POST", target: "https://example.com/", cookie: secret, field: token, referer: "https://pay.example.org/", trusted: []string{"https://*.example.org"}},
		{name: "http without referer", method: "POST", target: "http://example.com/", cookie: secret, field: token},
		{name: "cross-site fetch", method: "POST", target: "http://example.com/", cookie: secret, field: token, fetchSite: "cross-site", reason: "Sec-Fetch-Site checking failed"},
		{name: "same-site fetch", method: "POST", target: "http://example.com/", cookie: secret, field: token, fetchSite: "same-site", origin: "http://sub.example.com", reason: "Sec-Fetch-Site checking failed"},
		{name: "same-origin fetch", method: "POST", target: "http://example.com/", cookie: secret, field: token, fetchSite: "same-origin", origin: "http://example.com"},
		{name: "same-origin fetch without token", method: "POST", target: "http://example.com/", cookie: secret, fetchSite: "same-origin", origin: "http://example.com", reason: "CSRF token missing."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var body io.Reader
			if c.field != "" {
				body = strings.NewReader(url.Values{csrf.FieldName: {c.field}}.Encode())
			}
			r := httptest.NewRequest(c.method, c.target, body)
			if body != nil {
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			if strings.HasPrefix(c.target, "https") {
				r.TLS = &tls.ConnectionState{}
			}
			if c.cookie != "" {
				r.Header.Set("Cookie", "csrftoken="+c.cookie)
			}
			for name, v := range map[string]string{"X-CSRFToken": c.header, "Origin": c.origin, "Referer": c.referer, "Sec-Fetch-Site": c.fetchSite} {
				if v != "" {
					r.Header.Set(name, v)
				}
			}
			checkVerdict(t, csrf.Config{TrustedOrigins: c.trusted}, r, c.reason)
		})
	}
}

func htmlEscape(s string) string {
	return strings.NewReplacer(`"`, "&#34;", "'", "&#39;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// excerpt keeps failure messages short.
func excerpt(s string) string {
	if i := strings.Index(s, "csrf: "); i >= 0 {
		s = s[i:]
	}
	if len(s) > 300 {
		return s[:300]
	}
	return s
}

// The production page says the request was refused, never why.
func TestProductionPage(t *testing.T) {
	errs := &web.Errors{Logger: slog.New(slog.DiscardHandler)}
	rec := httptest.NewRecorder()
	web.WithErrors(errs)(csrf.Middleware(csrf.Config{})(form)).ServeHTTP(rec, httptest.NewRequest("POST", "/", nil))
	if rec.Code != 403 || !strings.Contains(rec.Body.String(), "CSRF verification failed. Request aborted.") || strings.Contains(rec.Body.String(), "cookie not set") {
		t.Errorf("%d %q", rec.Code, rec.Body)
	}
}

func TestExemptSkipAndRotate(t *testing.T) {
	exempt := csrf.Exempt(form)
	if !csrf.IsExempt(exempt) || csrf.IsExempt(form) {
		t.Fatal("IsExempt")
	}
	if !csrf.IsExempt(marker{exempt}) || csrf.IsExempt(marker{form}) || csrf.IsExempt(nil) {
		t.Error("IsExempt does not see through a marker that unwraps")
	}
	cfg := csrf.Config{Exempt: func(r *http.Request) bool { return r.URL.Path == "/hook/" }}
	if rec := serve(cfg, form, httptest.NewRequest("POST", "/hook/", nil)); rec.Code != 200 {
		t.Errorf("an exempt path: %d", rec.Code)
	}
	if rec := serve(cfg, form, httptest.NewRequest("POST", "/other/", nil)); rec.Code != 403 {
		t.Errorf("a path that is not exempt: %d", rec.Code)
	}
	if rec := serve(cfg, form, csrf.SkipChecks(httptest.NewRequest("POST", "/other/", nil))); rec.Code != 200 {
		t.Errorf("SkipChecks: %d", rec.Code)
	}

	secret, _ := fetchToken(t)
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Cookie", "csrftoken="+secret)
	rec := serve(csrf.Config{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { csrf.Rotate(r) }), r)
	if c := rec.Result().Cookies(); len(c) != 1 || c[0].Value == secret || len(c[0].Value) != 32 {
		t.Errorf("Rotate: %v", c)
	}
}

func TestField(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	if _, err := csrf.Field(r); err == nil || !strings.Contains(err.Error(), "add csrf.Middleware") {
		t.Errorf("Field without the middleware: %v", err)
	}
	rec := serve(csrf.Config{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, err := csrf.Field(r)
		if err != nil {
			t.Error(err)
		}
		io.WriteString(w, string(f))
	}), r)
	if !strings.HasPrefix(rec.Body.String(), `<input type="hidden" name="csrfmiddlewaretoken" value="`) || len(rec.Body.String()) != len(`<input type="hidden" name="csrfmiddlewaretoken" value="">`)+64 {
		t.Errorf("Field: %q", rec.Body)
	}
}

// A page with a token, cached per view inside the middleware, is never
// served to another visitor: the token unmasks to the visitor's secret.
func TestPageCacheNeverSharesAToken(t *testing.T) {
	page := httpcache.Page(httpcache.Options{Cache: cache.NewMemory(cache.MemoryOptions{})}, time.Minute)(form)
	h := csrf.Middleware(csrf.Config{})(page)
	var tokens []string
	for range 2 {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
		tokens = append(tokens, rec.Body.String())
		if rec.Header().Get("Vary") != "Cookie" || len(rec.Result().Cookies()) != 1 {
			t.Errorf("Vary %q, cookies %v", rec.Header().Get("Vary"), rec.Result().Cookies())
		}
	}
	if tokens[0] == tokens[1] {
		t.Error("the second visitor got the first one's page and token")
	}
}

// Headers Django reads differently from a naive parse: an Origin that is
// present but empty is checked (and fails), a Referer with userinfo
// matches no host, and a trusted origin with no scheme or host trusts
// nothing.
func TestHeaderEdgeCases(t *testing.T) {
	secret, token := fetchToken(t)
	cases := []struct {
		name    string
		https   bool
		headers map[string][]string // set as is: an empty value is sent
		trusted []string
		reason  string // "" when accepted
	}{
		{"no Origin over http", false, nil, nil, ""},
		{"empty Origin over http", false, map[string][]string{"Origin": {""}}, nil, "Origin checking failed -  does not match any trusted origins."},
		{"empty Origin over https", true, map[string][]string{"Origin": {""}, "Referer": {"https://example.com/"}}, nil, "Origin checking failed -  does not match any trusted origins."},
		{"same Origin over https", true, map[string][]string{"Origin": {"https://example.com"}}, nil, ""},
		{"Referer of the site", true, map[string][]string{"Referer": {"https://example.com/page"}}, nil, ""},
		{"Referer with userinfo", true, map[string][]string{"Referer": {"https://evil.com@example.com/"}}, nil,
			"Referer checking failed - https://evil.com@example.com/ does not match any trusted origins."},
		{"Referer with userinfo, trusted host", true, map[string][]string{"Referer": {"https://evil.com@pay.example.org/"}}, []string{"https://*.example.org"},
			"Referer checking failed - https://evil.com@pay.example.org/ does not match any trusted origins."},
		{"Origin with userinfo, trusted wildcard", false, map[string][]string{"Origin": {"https://evil.com@pay.example.org"}}, []string{"https://*.example.org"},
			"Origin checking failed - https://evil.com@pay.example.org does not match any trusted origins."},
		{"null Origin, malformed trusted origin", false, map[string][]string{"Origin": {"null"}}, []string{"://*"},
			"Origin checking failed - null does not match any trusted origins."},
		{"empty Origin, malformed trusted origins", false, map[string][]string{"Origin": {""}}, []string{"://*", "https://", "://"},
			"Origin checking failed -  does not match any trusted origins."},
		{"https://* trusts no Origin", false, map[string][]string{"Origin": {"https://evil.com"}}, []string{"https://*"},
			"Origin checking failed - https://evil.com does not match any trusted origins."},
		{"https://* trusts no Referer", true, map[string][]string{"Referer": {"https://evil.com/"}}, []string{"https://*"},
			"Referer checking failed - https://evil.com/ does not match any trusted origins."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			target := "http://example.com/"
			if c.https {
				target = "https://example.com/"
			}
			r := httptest.NewRequest("POST", target, strings.NewReader(url.Values{csrf.FieldName: {token}}.Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.Header.Set("Cookie", "csrftoken="+secret)
			if c.https {
				r.TLS = &tls.ConnectionState{}
			}
			for name, v := range c.headers {
				r.Header[name] = v
			}
			checkVerdict(t, csrf.Config{TrustedOrigins: c.trusted}, r, c.reason)
		})
	}
}

// checkVerdict serves r through the middleware with cfg: accepted when
// reason is empty, else refused with 403 and reason on the page.
func checkVerdict(t *testing.T, cfg csrf.Config, r *http.Request, reason string) {
	t.Helper()
	rec := serve(cfg, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "accepted")
	}), r)
	if reason == "" {
		if rec.Code != 200 || rec.Body.String() != "accepted" {
			t.Errorf("refused: %d %s", rec.Code, excerpt(rec.Body.String()))
		}
		return
	}
	if rec.Code != 403 || !strings.Contains(rec.Body.String(), htmlEscape(reason)) {
		t.Errorf("%d, want 403 with %q: %s", rec.Code, reason, excerpt(rec.Body.String()))
	}
}

// marker is another package's mark on a handler, as auth.LoginNotRequired.
type marker struct{ http.Handler }

func (m marker) Unwrap() http.Handler { return m.Handler }
