package nuages

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/nuages-go/nuages/forms"
	"github.com/nuages-go/nuages/staticfiles"
	"github.com/nuages-go/nuages/templates"
	"github.com/nuages-go/nuages/web"
	"github.com/nuages-go/nuages/web/csrf"
	"github.com/nuages-go/nuages/web/middleware"
)

// site is what the project serves, built once: the template engine, the
// static files, the router and the middleware around it.
type site struct {
	engine  *templates.Engine
	static  *staticfiles.Storage
	router  *web.Router
	handler http.Handler
	errors  *web.Errors
	roots   []*os.Root // the project's template and static directories
}

// Handler returns the project's site: the router of Settings.URLs, with
// the static files under StaticURL, wrapped in Settings.Middleware, every
// error answered in one place (web.Errors, with the project's 400.html,
// 403.html, 404.html and 500.html templates when it has them). With no
// URLs and Debug, the welcome page. It is built once.
func (p *Project) Handler() (http.Handler, error) {
	s, err := p.site()
	if err != nil {
		return nil, err
	}
	return s.handler, nil
}

// Render renders the template name with data for r into w, with the
// project's template engine: the project's directories, then the apps'.
//
//	return p.Render(w, r, "polls/index.html", templates.Data{"latest": latest})
func (p *Project) Render(w io.Writer, r *http.Request, name string, data templates.Data) error {
	s, err := p.site()
	if err != nil {
		return err
	}
	return s.engine.Render(w, r, name, data)
}

// RenderText renders the plain-text template name (an e-mail's subject or
// body), as templates.Engine.RenderText: found like pages, not escaped.
func (p *Project) RenderText(w io.Writer, name string, data templates.Data) error {
	s, err := p.site()
	if err != nil {
		return err
	}
	return s.engine.RenderText(w, name, data)
}

// Reverse returns the path of the route named name, as web.Router.Reverse.
func (p *Project) Reverse(name string, args ...any) (string, error) {
	s, err := p.site()
	if err != nil {
		return "", err
	}
	return s.router.Reverse(name, args...)
}

// Resolve returns the route a request for method and path would take,
// Django's resolve(): for middleware that must know the view before the
// router runs (CSRF exemption, login required by default).
func (p *Project) Resolve(method, path string) (web.Match, error) {
	s, err := p.site()
	if err != nil {
		return web.Match{}, err
	}
	if s.router == nil {
		return web.Match{}, errors.New("nuages: the site's routes are being built")
	}
	return s.router.Resolve(method, path)
}

// ResolveRequest returns the route r takes, as web.Router.ResolveRequest:
// the Match the site resolved once for r, shared by the middleware that
// needs the view before the router (CSRF exemption, login required by
// default) and the router itself. Do not modify it.
func (p *Project) ResolveRequest(r *http.Request) (*web.Match, error) {
	s, err := p.site()
	if err != nil {
		return nil, err
	}
	return s.router.ResolveRequest(r)
}

// StaticFiles returns the project's static files: for collectstatic and
// the static template function.
func (p *Project) StaticFiles() (*staticfiles.Storage, error) {
	s, err := p.site()
	if err != nil {
		return nil, err
	}
	return s.static, nil
}

func (p *Project) site() (*site, error) {
	p.siteOnce.Do(func() { p.built, p.builtErr = p.buildSite() })
	return p.built, p.builtErr
}

func (p *Project) buildSite() (*site, error) {
	st := p.settings
	s := &site{}
	openDirs := func(setting string, dirs []string) ([]fs.FS, error) {
		var out []fs.FS
		for _, d := range dirs {
			root, err := os.OpenRoot(d) // no symbolic link leads out of it
			if err != nil {
				return nil, fmt.Errorf("nuages: %s: %w", setting, err)
			}
			s.roots = append(s.roots, root)
			out = append(out, root.FS())
		}
		return out, nil
	}
	tdirs, err := openDirs("TemplateDirs", st.TemplateDirs)
	if err != nil {
		return nil, errors.Join(err, s.close())
	}
	sdirs, err := openDirs("StaticDirs", st.StaticDirs)
	if err != nil {
		return nil, errors.Join(err, s.close())
	}
	s.static, err = staticfiles.New(staticfiles.Options{Dirs: append(sdirs, p.Static()...), URL: st.StaticURL, Root: st.StaticRoot, Debug: st.Debug})
	if err != nil {
		return nil, errors.Join(err, s.close())
	}
	s.engine = templates.New(templates.Options{
		Dirs:       append(append(tdirs, p.Templates()...), forms.Templates()), // the forms' own last: a project overrides them
		Debug:      st.Debug,
		Processors: p.contextProcessors(),
		Now:        st.Now,
		Funcs: map[string]any{
			"url": func(name string, args ...any) (string, error) {
				if s.router == nil {
					return "", errors.New("url: the site's routes are being built")
				}
				return s.router.Reverse(name, args...)
			},
			"static":     s.static.URL,
			"csrf_field": csrf.Field,
			"csrf_token": csrf.Token,
			"csp_nonce":  middleware.CSPNonceOf,
			"cache": p.cacheFunc(func(w io.Writer, r *http.Request, name string, d templates.Data) error {
				return s.engine.Render(w, r, name, d)
			}),
		},
	})
	s.errors = &web.Errors{Debug: st.Debug, Logger: p.logger, Settings: st.shown, Page: s.errorPage}
	var patterns []web.Pattern
	if st.URLs != nil {
		if patterns, err = st.URLs(p); err != nil {
			return nil, errors.Join(fmt.Errorf("nuages: the URLs: %w", err), s.close())
		}
	}
	if len(patterns) == 0 && st.Debug {
		patterns = []web.Pattern{web.Path("", http.HandlerFunc(welcome), "")}
	}
	if prefix := strings.TrimPrefix(s.static.Prefix(), "/"); prefix != "" {
		patterns = append(patterns, web.Path("GET "+prefix+"<path:name>", s.static.Handler(), ""))
	}
	s.router, err = web.NewRouter(web.Options{Debug: st.Debug, Errors: s.errors}, patterns...)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("nuages: the URLs: %w", err), s.close())
	}
	mws := p.DefaultMiddleware()
	if st.Middleware != nil {
		mws = st.Middleware(p)
	}
	// Resolving: the route is resolved once, for the middleware that needs
	// the view and for the router.
	s.handler = middleware.Chain(append([]func(http.Handler) http.Handler{web.WithErrors(s.errors), s.router.Resolving}, mws...)...)(s.router)
	return s, nil
}

// DefaultMiddleware is the middleware of a project without
// Settings.Middleware, outermost first: Recover, RequestID, AccessLog,
// SecurityHeaders (Django's SecurityMiddleware and X-Frame-Options
// defaults), AllowedHosts (ALLOWED_HOSTS), Forms (Settings.Uploads), the
// sessions of Settings.SessionEngine, CSRF (Settings.CSRF), the apps'
// middleware (MiddlewareProvider), ConditionalGet and Gzip.
func (p *Project) DefaultMiddleware() []func(http.Handler) http.Handler {
	hosts := p.settings.AllowedHosts
	mws := []func(http.Handler) http.Handler{
		middleware.Recover(p.logger),
		middleware.RequestID,
		middleware.AccessLog(p.logger),
		middleware.SecurityHeaders(p.securityOptions(hosts)),
		middleware.AllowedHosts(hosts, p.settings.Debug),
		middleware.Forms(p.settings.Uploads),
	}
	if sm := p.sessionMiddleware(); sm != nil {
		mws = append(mws, sm)
	}
	mws = append(mws, csrf.Middleware(p.csrfConfig()))
	for _, app := range p.apps {
		if m, ok := app.(MiddlewareProvider); ok {
			mws = append(mws, m.Middleware(p)...)
		}
	}
	return append(mws, middleware.ConditionalGet, middleware.Gzip(gzip.DefaultCompression))
}

// contextProcessors are the settings' then the apps'.
func (p *Project) contextProcessors() []templates.Processor {
	out := slices.Clone(p.settings.ContextProcessors)
	for _, app := range p.apps {
		if pp, ok := app.(ProcessorProvider); ok {
			out = append(out, pp.ContextProcessors()...)
		}
	}
	return out
}

// securityOptions is Settings.Security with the project's hosts and
// Debug.
func (p *Project) securityOptions(hosts []string) middleware.SecurityOptions {
	opts := p.settings.Security
	opts.AllowedHosts, opts.Debug = hosts, p.settings.Debug
	return opts
}

// csrfConfig is Settings.CSRF, with the router deciding which views are
// exempt (csrf.Exempt).
func (p *Project) csrfConfig() csrf.Config {
	cfg := p.settings.CSRF
	if cfg.Secure == nil {
		cfg.Secure = p.settings.Security.Secure // behind a proxy, its header says
	}
	if cfg.Exempt == nil {
		cfg.Exempt = func(r *http.Request) bool {
			m, err := p.ResolveRequest(r)
			return err == nil && csrf.IsExempt(m.Handler)
		}
	}
	return cfg
}

// errorPage renders the project's template for status ("404.html"), with
// the message and status in its data; an error lets web.Errors write its
// built-in page.
func (s *site) errorPage(w http.ResponseWriter, r *http.Request, status int, msg string) error {
	var buf bytes.Buffer
	if err := s.engine.Render(&buf, r, strconv.Itoa(status)+".html", templates.Data{"status": status, "message": msg}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

func (s *site) close() error {
	var errs []error
	for _, r := range s.roots {
		errs = append(errs, r.Close())
	}
	if s.static != nil {
		errs = append(errs, s.static.Close())
	}
	return errors.Join(errs...)
}

// shown is what the debug page lists of the settings; web.Errors masks the
// secrets.
func (s Settings) shown() map[string]any {
	dbs := map[string]string{}
	for alias, cfg := range s.Databases {
		dbs[alias] = cfg.URL
	}
	shown := map[string]any{
		"DEBUG": s.Debug, "SECRET_KEY": s.SecretKey, "SECRET_KEY_FALLBACKS": s.SecretKeyFallbacks,
		"ALLOWED_HOSTS": s.AllowedHosts, "DATABASES": dbs, "TIME_ZONE": s.TimeZone,
		"LANGUAGE_CODE": s.LanguageCode, "SILENCED_SYSTEM_CHECKS": s.SilencedSystemChecks,
		"STATIC_URL": s.StaticURL, "STATIC_ROOT": s.StaticRoot, "STATICFILES_DIRS": s.StaticDirs,
		"TEMPLATE_DIRS": s.TemplateDirs,
	}
	for k, v := range s.Email.shown() {
		shown[k] = v
	}
	return shown
}
