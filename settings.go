package nuages

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/nuages-go/nuages/cache"
	"github.com/nuages-go/nuages/conf"
	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/sessions"
	"github.com/nuages-go/nuages/templates"
	"github.com/nuages-go/nuages/web"
	"github.com/nuages-go/nuages/web/csrf"
	"github.com/nuages-go/nuages/web/middleware"
)

// InsecureKeyPrefix starts the secret keys that examples and new projects
// ship with, like Django's "django-insecure-": such a key is refused unless
// Debug is on.
const InsecureKeyPrefix = "nuages-insecure-"

// Settings configures a project. Start from DefaultSettings, change what the
// project needs in code, and let the environment override it (LoadEnv).
type Settings struct {
	// Debug shows detailed error pages and allows a development secret
	// key. Never turn it on in production.
	Debug bool
	// SecretKey signs sessions, tokens and cookies. Required, except in
	// Debug without sessions; in Debug, a key starting with
	// InsecureKeyPrefix will do.
	SecretKey string
	// SecretKeyFallbacks are previous keys still accepted when verifying,
	// so that keys can be rotated without logging everyone out.
	SecretKeyFallbacks []string
	// AllowedHosts lists the host names the site answers to.
	AllowedHosts []string
	// Databases maps aliases to databases; "default" is required.
	Databases map[string]database.Config
	// Engines are the database engines the project links beside the
	// built-in SQLite, Django's DATABASES ENGINE: postgres.Engine{} for
	// postgres:// URLs, mysql.Engine{} for mysql:// and mariadb://. A
	// URL naming an engine not listed stops the project at start-up with
	// an error that says what to add. A Config.Engine set wins.
	Engines []database.Engine
	// TimeZone is the IANA name of the time zone used to display times
	// (default "UTC"); times are stored in UTC whatever it is.
	TimeZone string
	// Now is the project's clock: the time the ORM writes into auto_now
	// fields (of every database whose Config.Now is nil) and templates'
	// timesince and timeuntil read; nil means time.Now. Tests fix it.
	Now func() time.Time
	// LanguageCode is the default language (default "en-us").
	LanguageCode string
	// SilencedSystemChecks lists check ids to hide, such as "security.W018".
	SilencedSystemChecks []string
	// URLs returns the project's URL patterns, Django's ROOT_URLCONF:
	// the project's own routes and the apps' under Include; it may fail
	// (a database the views need cannot be opened). With none and Debug,
	// the site shows a welcome page.
	URLs func(p *Project) ([]web.Pattern, error)
	// Middleware returns the middleware around the site, outermost
	// first, Django's MIDDLEWARE; nil means DefaultMiddleware.
	Middleware func(p *Project) []func(http.Handler) http.Handler
	// TemplateDirs are the project's template directories, Django's
	// TEMPLATES DIRS: searched before the apps' templates, so a project
	// overrides any app template.
	TemplateDirs []string
	// ContextProcessors add to every template's data, Django's TEMPLATES
	// context_processors (request and debug are built in; auth and
	// messages apps add theirs).
	ContextProcessors []templates.Processor
	// StaticURL is where static files are served, Django's STATIC_URL
	// (default "/static/").
	StaticURL string
	// StaticRoot is where collectstatic writes, and where the site serves
	// static files from without Debug, Django's STATIC_ROOT (default
	// "staticfiles").
	StaticRoot string
	// StaticDirs are the project's static directories, Django's
	// STATICFILES_DIRS, searched before the apps'.
	StaticDirs []string
	// Uploads bound the forms requests send: Django's
	// DATA_UPLOAD_MAX_MEMORY_SIZE, DATA_UPLOAD_MAX_NUMBER_FIELDS and
	// FILE_UPLOAD_MAX_MEMORY_SIZE (the zero value: Django's defaults).
	Uploads middleware.FormLimits
	// Email configures sending mail, Django's EMAIL_* settings,
	// DEFAULT_FROM_EMAIL and SERVER_EMAIL; Project.Mail is the backend.
	Email EmailSettings
	// SessionEngine is where sessions are kept, Django's SESSION_ENGINE:
	// SessionsDB (the default: the django_session table, whose
	// migration the built-in "sessions" app adds), SessionsCookies,
	// SessionsCache (the default cache) or SessionsNone (no session
	// middleware).
	SessionEngine string
	// Sessions configures the session cookie, Django's SESSION_COOKIE_*
	// settings (zero values: Django's defaults, with Secure cookies); a
	// nil Store is the SessionEngine's.
	Sessions sessions.Config
	// CSRF configures the CSRF protection, Django's CSRF_* settings
	// (TrustedOrigins is CSRF_TRUSTED_ORIGINS); its Secure and Exempt
	// are the project's when nil.
	CSRF csrf.Config
	// Security configures the security headers and HTTPS, Django's
	// SECURE_* and X_FRAME_OPTIONS settings: HSTS, the SSL redirect, the
	// proxy's HTTPS header, the Content-Security-Policy. Its
	// AllowedHosts and Debug are the project's.
	Security middleware.SecurityOptions
	// Caches maps names to caches, Django's CACHES; "default" is in
	// memory unless set (see CacheConfig and Project.Cache).
	Caches map[string]CacheConfig
	// CacheBackends are the cache backends the project links beside the
	// built-in ones (memory, database, dummy), Django's CACHES BACKEND:
	// redis.Backend{} for redis:// and rediss:// URLs. A URL naming a
	// backend not listed stops the project at start-up.
	CacheBackends []cache.Backend
}

// DefaultSettings returns the defaults: no debug, no secret key, a SQLite
// database db.sqlite3 in the working directory, UTC, American English.
func DefaultSettings() Settings {
	return Settings{
		Databases:    map[string]database.Config{database.DefaultAlias: {URL: "sqlite:///db.sqlite3"}},
		TimeZone:     "UTC",
		LanguageCode: "en-us",
		StaticURL:    "/static/",
		StaticRoot:   "staticfiles",
	}
}

// LoadEnv overrides s with the environment, given as "KEY=value" strings
// (os.Environ() in production). Each setting is read from its Django name and then from the
// NUAGES_ one, which wins:
//
//	DEBUG                  NUAGES_DEBUG
//	SECRET_KEY             NUAGES_SECRET_KEY
//	SECRET_KEY_FALLBACKS   NUAGES_SECRET_KEY_FALLBACKS   (comma-separated)
//	ALLOWED_HOSTS          NUAGES_ALLOWED_HOSTS          (comma-separated)
//	DATABASE_URL           NUAGES_DATABASE_URL           (the "default" database)
//	                       NUAGES_DATABASE_URL_<ALIAS>   (another alias, e.g. _REPLICA)
//	TIME_ZONE              NUAGES_TIME_ZONE
//	LANGUAGE_CODE          NUAGES_LANGUAGE_CODE
//	STATIC_URL             NUAGES_STATIC_URL
//	STATIC_ROOT            NUAGES_STATIC_ROOT
//	SESSION_ENGINE         NUAGES_SESSION_ENGINE         (db, cookies, cache or none)
//	SESSION_COOKIE_AGE     NUAGES_SESSION_COOKIE_AGE     (seconds)
//	SESSION_COOKIE_DOMAIN  NUAGES_SESSION_COOKIE_DOMAIN
//	SESSION_COOKIE_SECURE  NUAGES_SESSION_COOKIE_SECURE  (true by default)
//	SESSION_COOKIE_NAME, SESSION_COOKIE_PATH, SESSION_COOKIE_SAMESITE (Lax, Strict or None),
//	SESSION_EXPIRE_AT_BROWSER_CLOSE, SESSION_SAVE_EVERY_REQUEST, and their NUAGES_ names
//	CSRF_TRUSTED_ORIGINS   NUAGES_CSRF_TRUSTED_ORIGINS   (comma-separated, with schemes)
//	CSRF_COOKIE_SECURE     NUAGES_CSRF_COOKIE_SECURE     (true by default)
//	SECURE_HSTS_SECONDS    NUAGES_SECURE_HSTS_SECONDS    (and _INCLUDE_SUBDOMAINS, _PRELOAD)
//	SECURE_SSL_REDIRECT    NUAGES_SECURE_SSL_REDIRECT    (and SECURE_SSL_HOST)
//	SECURE_PROXY_SSL_HEADER NUAGES_SECURE_PROXY_SSL_HEADER (e.g. X-Forwarded-Proto,https)
//	SECURE_REFERRER_POLICY NUAGES_SECURE_REFERRER_POLICY
//	X_FRAME_OPTIONS        NUAGES_X_FRAME_OPTIONS
//	                       NUAGES_SILENCED_SYSTEM_CHECKS (comma-separated)
//	EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
//	EMAIL_USE_TLS, EMAIL_USE_SSL, EMAIL_TIMEOUT (seconds),
//	EMAIL_FILE_PATH, DEFAULT_FROM_EMAIL, SERVER_EMAIL, and their NUAGES_ names
//	CACHE_URL              NUAGES_CACHE_URL              (the "default" cache)
//
// Every malformed variable is reported, in one error.
func (s *Settings) LoadEnv(environ []string) error {
	vars := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			vars[k] = v
		}
	}
	lookup := conf.MapLookup(vars)
	env := conf.NewEnv(lookup)
	both := func(name string, read func(string)) {
		read(name)
		read("NUAGES_" + name)
	}
	both("DEBUG", func(n string) { env.Bool(n, &s.Debug) })
	both("SECRET_KEY", func(n string) { env.String(n, &s.SecretKey) })
	both("SECRET_KEY_FALLBACKS", func(n string) { env.List(n, &s.SecretKeyFallbacks) })
	both("ALLOWED_HOSTS", func(n string) { env.List(n, &s.AllowedHosts) })
	both("TIME_ZONE", func(n string) { env.String(n, &s.TimeZone) })
	both("LANGUAGE_CODE", func(n string) { env.String(n, &s.LanguageCode) })
	both("STATIC_URL", func(n string) { env.String(n, &s.StaticURL) })
	both("STATIC_ROOT", func(n string) { env.String(n, &s.StaticRoot) })
	both("SESSION_ENGINE", func(n string) { env.String(n, &s.SessionEngine) })
	both("SESSION_COOKIE_DOMAIN", func(n string) { env.String(n, &s.Sessions.CookieDomain) })
	both("SESSION_COOKIE_AGE", func(n string) {
		if _, ok := lookup(n); !ok {
			return // a sub-second age set in code stays as it is
		}
		secs := int(s.Sessions.CookieAge / time.Second)
		env.Int(n, &secs)
		s.Sessions.CookieAge = time.Duration(secs) * time.Second
	})
	both("SESSION_COOKIE_SECURE", func(n string) {
		secure := !s.Sessions.CookieInsecure
		env.Bool(n, &secure)
		s.Sessions.CookieInsecure = !secure
	})
	both("SESSION_COOKIE_NAME", func(n string) { env.String(n, &s.Sessions.CookieName) })
	both("SESSION_COOKIE_PATH", func(n string) { env.String(n, &s.Sessions.CookiePath) })
	both("SESSION_COOKIE_SAMESITE", func(n string) {
		v, ok := lookup(n)
		if !ok {
			return
		}
		modes := map[string]http.SameSite{"lax": http.SameSiteLaxMode, "strict": http.SameSiteStrictMode, "none": http.SameSiteNoneMode}
		mode, known := modes[strings.ToLower(strings.TrimSpace(v))]
		if !known {
			env.Fail(n, v, "Lax, Strict or None")
			return
		}
		s.Sessions.CookieSameSite = mode
	})
	both("SESSION_EXPIRE_AT_BROWSER_CLOSE", func(n string) { env.Bool(n, &s.Sessions.ExpireAtBrowserClose) })
	both("SESSION_SAVE_EVERY_REQUEST", func(n string) { env.Bool(n, &s.Sessions.SaveEveryRequest) })
	both("CSRF_TRUSTED_ORIGINS", func(n string) { env.List(n, &s.CSRF.TrustedOrigins) })
	both("CSRF_COOKIE_SECURE", func(n string) {
		secure := !s.CSRF.CookieInsecure
		env.Bool(n, &secure)
		s.CSRF.CookieInsecure = !secure
	})
	both("SECURE_HSTS_SECONDS", func(n string) { env.Int(n, &s.Security.HSTSSeconds) })
	both("SECURE_HSTS_INCLUDE_SUBDOMAINS", func(n string) { env.Bool(n, &s.Security.HSTSIncludeSubdomains) })
	both("SECURE_HSTS_PRELOAD", func(n string) { env.Bool(n, &s.Security.HSTSPreload) })
	both("SECURE_SSL_REDIRECT", func(n string) { env.Bool(n, &s.Security.SSLRedirect) })
	both("SECURE_SSL_HOST", func(n string) { env.String(n, &s.Security.SSLHost) })
	both("SECURE_REFERRER_POLICY", func(n string) { env.String(n, &s.Security.ReferrerPolicy) })
	both("X_FRAME_OPTIONS", func(n string) { env.String(n, &s.Security.FrameOptions) })
	both("SECURE_PROXY_SSL_HEADER", func(n string) {
		var pair []string
		if env.List(n, &pair); len(pair) == 0 {
			return
		}
		if len(pair) != 2 || pair[0] == "" || pair[1] == "" {
			env.Fail(n, strings.Join(pair, ","), `a header and a value, such as "X-Forwarded-Proto,https"`)
			return
		}
		s.Security.ProxySSLHeader = [2]string{pair[0], pair[1]}
	})
	env.List("NUAGES_SILENCED_SYSTEM_CHECKS", &s.SilencedSystemChecks)
	s.Email.loadEnv(env, both)

	databaseURL := func(alias, name string) {
		if url, ok := lookup(name); ok {
			if s.Databases == nil {
				s.Databases = map[string]database.Config{}
			} else {
				s.Databases = maps.Clone(s.Databases) // never write into the caller's map
			}
			cfg := s.Databases[alias]
			cfg.URL = url
			s.Databases[alias] = cfg
		}
	}
	s.loadCacheEnv(lookup)
	databaseURL(database.DefaultAlias, "DATABASE_URL")
	databaseURL(database.DefaultAlias, "NUAGES_DATABASE_URL")
	for _, name := range slices.Sorted(maps.Keys(vars)) {
		if alias, ok := strings.CutPrefix(name, "NUAGES_DATABASE_URL_"); ok && alias != "" {
			databaseURL(strings.ToLower(alias), name)
		}
	}
	return env.Err()
}

// Validate reports every problem that would stop the project from starting,
// each with what to do about it.
func (s Settings) Validate() error {
	var errs []error
	switch {
	case s.SecretKey == "" && s.Debug && s.SessionEngine != SessionsNone:
		errs = append(errs, fmt.Errorf(`nuages: SECRET_KEY is not set: sessions sign their data with it; set SECRET_KEY, in development to any value starting with %q (or set SessionEngine to "none")`, InsecureKeyPrefix))
	case s.Debug:
	case s.SecretKey == "":
		errs = append(errs, errors.New(`nuages: SECRET_KEY is not set and DEBUG is off: set SECRET_KEY in the environment to a long random value, for example: export SECRET_KEY="$(openssl rand -base64 48)"`))
	case strings.HasPrefix(s.SecretKey, InsecureKeyPrefix):
		errs = append(errs, fmt.Errorf(`nuages: SECRET_KEY starts with %q, the mark of a development key, and DEBUG is off: set SECRET_KEY in the environment to a long random value, for example: export SECRET_KEY="$(openssl rand -base64 48)"`, InsecureKeyPrefix))
	}
	if _, err := time.LoadLocation(s.TimeZone); err != nil || s.TimeZone == "" {
		errs = append(errs, fmt.Errorf("nuages: TIME_ZONE %q is not a known time zone: use an IANA name such as UTC or Europe/Paris", s.TimeZone))
	}
	switch s.SessionEngine {
	case "", SessionsDB, SessionsCookies, SessionsCache, SessionsNone:
	default:
		errs = append(errs, fmt.Errorf("nuages: SESSION_ENGINE %q is not a session engine: use %q, %q, %q or %q", s.SessionEngine, SessionsDB, SessionsCookies, SessionsCache, SessionsNone))
	}
	for _, o := range s.CSRF.TrustedOrigins {
		u, err := url.Parse(o)
		switch {
		case err != nil || u.Scheme == "" || u.Host == "" || u.User != nil || strings.Trim(u.Path, "/") != "":
			errs = append(errs, fmt.Errorf("nuages: CSRF_TRUSTED_ORIGINS: %q is not an origin: write a scheme and a host, such as https://example.com or https://*.example.com", o))
		case u.Hostname() == "*" || u.Hostname() == "*.":
			errs = append(errs, fmt.Errorf("nuages: CSRF_TRUSTED_ORIGINS: %q trusts every site, which turns CSRF protection off: name your domains, such as https://*.example.com", o))
		}
	}
	if _, ok := s.Databases[database.DefaultAlias]; !ok {
		errs = append(errs, errors.New(`nuages: no "default" database: set DATABASE_URL, for example DATABASE_URL=sqlite:///db.sqlite3`))
	}
	for _, alias := range slices.Sorted(maps.Keys(s.Databases)) {
		if _, err := s.database(alias); err != nil {
			errs = append(errs, fmt.Errorf("nuages: database %q: %w", alias, err))
		}
	}
	errs = append(errs, s.Email.validate()...)
	errs = append(errs, s.validateCaches()...)
	return errors.Join(errs...)
}

// database returns the configuration of the database alias with its
// engine: Config.Engine, or the one of Engines (or the built-in SQLite)
// that its URL names.
func (s Settings) database(alias string) (database.Config, error) {
	cfg := s.Databases[alias]
	if cfg.Engine != nil {
		_, err := database.ParseURL(cfg.URL)
		return cfg, err // Open checks that the engine is the URL's
	}
	e, err := database.EngineFor(cfg.URL, s.Engines)
	cfg.Engine = e
	return cfg, err
}
