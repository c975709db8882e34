package nuages

import (
	"context"
	"net/http"
	"reflect"
	"slices"
	"strings"

	"github.com/nuages-go/nuages/web/csrf"
	"github.com/nuages-go/nuages/web/middleware"
)

// checkDeploySecurity is Django's deployment checks of the security
// middleware, the session and CSRF cookies and clickjacking, with
// Django's ids and messages in the names of our settings (the
// environment variables are Django's).
func checkDeploySecurity(_ context.Context, in CheckInput) []Message {
	s := in.Project.settings
	sec := s.Security
	var msgs []Message
	warn := func(id, msg, hint string) {
		msgs = append(msgs, Message{Level: Warning, ID: id, Msg: msg, Hint: hint})
	}
	headers, csrfOn := in.Project.protectedStack()
	if !headers {
		warn("security.W001", "You do not have middleware.SecurityHeaders in Settings.Middleware so the SECURE_HSTS_SECONDS, SECURE_CONTENT_TYPE_NOSNIFF, SECURE_REFERRER_POLICY, SECURE_CROSS_ORIGIN_OPENER_POLICY, and SECURE_SSL_REDIRECT settings will have no effect.",
			"Keep middleware.SecurityHeaders in Settings.Middleware, or start from p.DefaultMiddleware().")
		warn("security.W002", "You do not have middleware.SecurityHeaders in Settings.Middleware, so your pages will not be served with an 'x-frame-options' header. Unless there is a good reason for your site to be served in a frame, you should consider enabling this header to help prevent clickjacking attacks.",
			"Keep middleware.SecurityHeaders in Settings.Middleware.")
	}
	if !csrfOn {
		warn("security.W003", "You don't appear to be using the built-in cross-site request forgery protection via the middleware (csrf.Middleware is not in Settings.Middleware). Enabling the middleware is the safest approach to ensure you don't leave any holes.",
			"Keep csrf.Middleware in Settings.Middleware, or start from p.DefaultMiddleware().")
	}
	if !headers {
		return append(msgs, checkCookies(s, csrfOn)...) // the header settings have no effect
	}
	if sec.HSTSSeconds <= 0 {
		warn("security.W004", "You have not set a value for the SECURE_HSTS_SECONDS setting. If your entire site is served only over SSL, you may want to consider setting a value and enabling HTTP Strict Transport Security. Be sure to read the documentation first; enabling HSTS carelessly can cause serious, irreversible problems.",
			"Set Settings.Security.HSTSSeconds (SECURE_HSTS_SECONDS), starting small: 3600.")
	} else {
		if !sec.HSTSIncludeSubdomains {
			warn("security.W005", "You have not set the SECURE_HSTS_INCLUDE_SUBDOMAINS setting to True. Without this, your site is potentially vulnerable to attack via an insecure connection to a subdomain. Only set this to True if you are certain that all subdomains of your domain should be served exclusively via SSL.",
				"Set Settings.Security.HSTSIncludeSubdomains (SECURE_HSTS_INCLUDE_SUBDOMAINS=true).")
		}
		if !sec.HSTSPreload {
			warn("security.W021", "You have not set the SECURE_HSTS_PRELOAD setting to True. Without this, your site cannot be submitted to the browser preload list.",
				"Set Settings.Security.HSTSPreload (SECURE_HSTS_PRELOAD=true).")
		}
	}
	if sec.ContentTypeOptions == middleware.Omit {
		warn("security.W006", "Your SECURE_CONTENT_TYPE_NOSNIFF setting is not set to True, so your pages will not be served with an 'X-Content-Type-Options: nosniff' header. You should consider enabling this header to prevent the browser from identifying content types incorrectly.",
			"Leave Settings.Security.ContentTypeOptions empty.")
	}
	if !sec.SSLRedirect {
		warn("security.W008", "Your SECURE_SSL_REDIRECT setting is not set to True. Unless your site should be available over both SSL and non-SSL connections, you may want to either set this setting True or configure a load balancer or reverse-proxy server to redirect all connections to HTTPS.",
			"Set Settings.Security.SSLRedirect (SECURE_SSL_REDIRECT=true), and behind a proxy SECURE_PROXY_SSL_HEADER.")
	}
	msgs = append(msgs, checkCookies(s, csrfOn)...)
	if sec.FrameOptions == middleware.Omit {
		warn("security.W002", "X_FRAME_OPTIONS is turned off, so your pages will not be served with an 'x-frame-options' header. Unless there is a good reason for your site to be served in a frame, you should consider enabling this header to help prevent clickjacking attacks.",
			"Leave Settings.Security.FrameOptions empty (DENY), and let the views that must be framed set their own header.")
	} else if fo := strings.ToUpper(sec.FrameOptions); fo != "" && fo != "DENY" {
		warn("security.W019", "X_FRAME_OPTIONS is not set to 'DENY'. Unless there is a good reason for your site to serve other parts of itself in a frame, you should change it to 'DENY'.",
			"Leave Settings.Security.FrameOptions empty, and let the views that must be framed set their own header.")
	}
	if sec.ReferrerPolicy == middleware.Omit {
		warn("security.W022", "You have not set the SECURE_REFERRER_POLICY setting. Without this, your site will not send a Referrer-Policy header. You should consider enabling this header to protect user privacy.",
			"Leave Settings.Security.ReferrerPolicy empty (same-origin).")
	}
	return msgs
}

// checkCookies is Django's W012, W015 and W016: session and CSRF cookies
// a network sniffer or a script could read.
func checkCookies(s Settings, csrfOn bool) []Message {
	var msgs []Message
	warn := func(id, msg, hint string) {
		msgs = append(msgs, Message{Level: Warning, ID: id, Msg: msg, Hint: hint})
	}
	if s.SessionEngine != SessionsNone {
		if s.Sessions.CookieInsecure {
			warn("security.W012", "SESSION_COOKIE_SECURE is not set to True. Using a secure-only session cookie makes it more difficult for network traffic sniffers to hijack user sessions.",
				"Leave Settings.Sessions.CookieInsecure false (unset SESSION_COOKIE_SECURE).")
		}
		if s.Sessions.CookieScriptReadable {
			warn("security.W015", "SESSION_COOKIE_HTTPONLY is not set to True. Using an HttpOnly session cookie makes it more difficult for cross-site scripting attacks to hijack user sessions.",
				"Leave Settings.Sessions.CookieScriptReadable false.")
		}
	}
	if csrfOn && s.CSRF.CookieInsecure {
		warn("security.W016", "You have not set CSRF_COOKIE_SECURE to True. Using a secure-only CSRF cookie makes it more difficult for network traffic sniffers to steal the CSRF token.",
			"Leave Settings.CSRF.CookieInsecure false (unset CSRF_COOKIE_SECURE).")
	}
	return msgs
}

// protectedStack reports whether the project's middleware has the
// security headers and the CSRF protection: always with the default
// stack; in a Settings.Middleware of the project's own, when it lists
// middleware.SecurityHeaders and csrf.Middleware (found by their code, as
// Django finds them by their dotted path in MIDDLEWARE).
func (p *Project) protectedStack() (headers, csrfOn bool) {
	if p.settings.Middleware == nil {
		return true, true
	}
	code := func(mw func(http.Handler) http.Handler) uintptr { return reflect.ValueOf(mw).Pointer() }
	headersCode := code(middleware.SecurityHeaders(middleware.SecurityOptions{}))
	csrfCode := code(csrf.Middleware(csrf.Config{}))
	for _, mw := range p.settings.Middleware(p) {
		switch code(mw) {
		case headersCode:
			headers = true
		case csrfCode:
			csrfOn = true
		}
	}
	return headers, csrfOn
}

// referrerPolicies are the values of Referrer-Policy.
var referrerPolicies = []string{"no-referrer", "no-referrer-when-downgrade", "origin", "origin-when-cross-origin", "same-origin", "strict-origin", "strict-origin-when-cross-origin", "unsafe-url"}

// checkSecurityValues is Django's E023 and E024: header values browsers
// would ignore. It runs without -deploy: a typo is a bug anywhere.
func checkSecurityValues(_ context.Context, in CheckInput) []Message {
	sec := in.Project.settings.Security
	var msgs []Message
	if rp := sec.ReferrerPolicy; rp != "" && rp != middleware.Omit {
		for v := range strings.SplitSeq(rp, ",") {
			if !slices.Contains(referrerPolicies, strings.TrimSpace(v)) {
				msgs = append(msgs, Message{Level: Error, ID: "security.E023", Msg: "You have set the SECURE_REFERRER_POLICY setting to an invalid value.",
					Hint: "Valid values are: " + strings.Join(referrerPolicies, ", ") + "."})
				break
			}
		}
	}
	if coop := sec.CrossOriginOpenerPolicy; coop != "" && coop != middleware.Omit && !slices.Contains([]string{"same-origin", "same-origin-allow-popups", "unsafe-none"}, coop) {
		msgs = append(msgs, Message{Level: Error, ID: "security.E024", Msg: "You have set the SECURE_CROSS_ORIGIN_OPENER_POLICY setting to an invalid value.",
			Hint: "Valid values are: same-origin, same-origin-allow-popups, unsafe-none."})
	}
	return msgs
}
