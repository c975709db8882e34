package nuages

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/database/postgres"
	"github.com/nuages-go/nuages/web/csrf"
	"github.com/nuages-go/nuages/web/middleware"
)

func TestCheckCommand(t *testing.T) {
	t.Parallel()
	strong := strings.Repeat("abcdefghij", 6)
	tests := []struct {
		name     string
		edit     func(*Settings)
		appMsgs  []Message
		args     []string
		wantCode int
		want     string // the whole report
	}{
		{"clean", nil, nil, []string{"check"}, 0, "System check identified no issues (0 silenced).\n"},
		{"deploy_checks_need_deploy", func(s *Settings) { s.Debug = true }, nil, []string{"check"}, 0, "System check identified no issues (0 silenced).\n"},
		{"deploy", func(s *Settings) { s.Debug, s.SecretKey, s.AllowedHosts = true, "short", nil }, nil, []string{"check", "-deploy"}, 0,
			"System check identified some issues:\n\nWARNINGS:\n" +
				"?: (security.W009) Your SECRET_KEY has less than 50 characters, less than 5 unique characters, or it starts with \"nuages-insecure-\". It is a weak key for signing sessions and tokens.\n" +
				"\tHINT: Generate a long random key, for example: export SECRET_KEY=\"$(openssl rand -base64 48)\"\n" +
				"?: (security.W018) You should not have DEBUG set to true in deployment.\n\tHINT: Set DEBUG=false in the environment.\n" +
				"?: (security.W020) ALLOWED_HOSTS must not be empty in deployment.\n\tHINT: Set ALLOWED_HOSTS to the site's host names, e.g. ALLOWED_HOSTS=example.com,www.example.com.\n" +
				"\nSystem check identified 3 issues (0 silenced).\n"},
		{"weak_fallback_key", func(s *Settings) {
			s.SecretKeyFallbacks = []string{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}
		}, nil, []string{"check", "-deploy", "-tag", "security"}, 0,
			"System check identified some issues:\n\nWARNINGS:\n" +
				"?: (security.W025) Your SECRET_KEY_FALLBACKS[0] has less than 50 characters, less than 5 unique characters, or it starts with \"nuages-insecure-\". It is a weak key for signing sessions and tokens.\n" +
				"\tHINT: Generate a long random key, for example: export SECRET_KEY=\"$(openssl rand -base64 48)\"\n" +
				"\nSystem check identified 1 issue (0 silenced).\n"},
		{"silenced", func(s *Settings) { s.Debug = true; s.SilencedSystemChecks = []string{"security.W018"} }, nil, []string{"check", "-deploy"}, 0, "System check identified no issues (1 silenced).\n"},
		{"warning_fails_at_warning_level", func(s *Settings) { s.Debug = true }, nil, []string{"check", "-deploy", "-fail-level", "warning"}, 1,
			"System check identified some issues:\n\nWARNINGS:\n?: (security.W018) You should not have DEBUG set to true in deployment.\n\tHINT: Set DEBUG=false in the environment.\n\nSystem check identified 1 issue (0 silenced).\n"},
		{"app_error_fails_and_sorts_by_level", nil, []Message{
			{Level: Warning, ID: "polls.W001", Msg: "w", Obj: "polls.Question"},
			{Level: Error, ID: "polls.E001", Msg: "e", Hint: "fix it", Obj: "polls.Choice"},
		}, []string{"check"}, 1,
			"System check identified some issues:\n\nERRORS:\npolls.Choice: (polls.E001) e\n\tHINT: fix it\n\nWARNINGS:\npolls.Question: (polls.W001) w\n\nSystem check identified 2 issues (0 silenced).\n"},
		{"tag_filters_app_checks_out", nil, []Message{{Level: Error, ID: "polls.E001", Msg: "e"}}, []string{"check", "-tag", "security"}, 0, "System check identified no issues (0 silenced).\n"},
		{"database_reachable", nil, nil, []string{"check", "-database", "default"}, 0, "System check identified no issues (0 silenced).\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := devSettings(t)
			s.Debug, s.SecretKey, s.AllowedHosts = false, strong, []string{"example.com"}
			s.Security.HSTSSeconds, s.Security.HSTSIncludeSubdomains, s.Security.HSTSPreload, s.Security.SSLRedirect = 3600, true, true, true
			if tt.edit != nil {
				tt.edit(&s)
			}
			p := newProject(t, s, pollsApp{msgs: tt.appMsgs})
			code, out, errOut := runCLI(t, p, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit code = %d, want %d", code, tt.wantCode)
			}
			got := out
			if tt.wantCode != 0 {
				got = errOut // a failing report goes to stderr
			}
			if got != tt.want {
				t.Errorf("report:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestCheckCommand_UnreachableDatabase(t *testing.T) {
	t.Parallel()
	s := devSettings(t)
	s.Databases["default"] = database.Config{URL: "postgres://app:hunter2@127.0.0.1:1/shop?sslmode=disable"}
	s.Engines = []database.Engine{postgres.Engine{}}
	p := newProject(t, s)
	code, _, errOut := runCLI(t, p, "check", "-database", "default")
	if code != 1 {
		t.Errorf("exit code = %d, want 1", code)
	}
	for _, want := range []string{"ERRORS:\ndatabase default: (nuages.E001) Cannot connect to the database: database \"default\" (postgres://app:xxxxx@127.0.0.1:1/shop?sslmode=disable)", "HINT: Check the database URL"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr = %q, want it to contain %q", errOut, want)
		}
	}
	if strings.Contains(errOut, "hunter2") {
		t.Errorf("stderr shows the password: %q", errOut)
	}
}

// Each deployment setting left weak gives Django's check id, and only
// that one; a secure configuration gives none.
func TestDeploySecurityChecks(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		edit   func(*Settings)
		deploy bool
		want   []string
	}{
		{"secure", func(*Settings) {}, true, nil},
		{"no HSTS", func(s *Settings) { s.Security.HSTSSeconds = 0 }, true, []string{"security.W004"}},
		{"HSTS without subdomains", func(s *Settings) { s.Security.HSTSIncludeSubdomains = false }, true, []string{"security.W005"}},
		{"HSTS without preload", func(s *Settings) { s.Security.HSTSPreload = false }, true, []string{"security.W021"}},
		{"no nosniff", func(s *Settings) { s.Security.ContentTypeOptions = middleware.Omit }, true, []string{"security.W006"}},
		{"no SSL redirect", func(s *Settings) { s.Security.SSLRedirect = false }, true, []string{"security.W008"}},
		{"insecure session cookie", func(s *Settings) { s.Sessions.CookieInsecure = true }, true, []string{"security.W012"}},
		{"insecure session cookie without sessions", func(s *Settings) { s.Sessions.CookieInsecure, s.SessionEngine = true, SessionsNone }, true, nil},
		{"session cookie for scripts", func(s *Settings) { s.Sessions.CookieScriptReadable = true }, true, []string{"security.W015"}},
		{"insecure CSRF cookie", func(s *Settings) { s.CSRF.CookieInsecure = true }, true, []string{"security.W016"}},
		{"framing allowed", func(s *Settings) { s.Security.FrameOptions = "SAMEORIGIN" }, true, []string{"security.W019"}},
		{"framing off", func(s *Settings) { s.Security.FrameOptions = middleware.Omit }, true, []string{"security.W002"}},
		{"own stack without the protections", func(s *Settings) {
			s.Middleware = func(p *Project) []func(http.Handler) http.Handler {
				return []func(http.Handler) http.Handler{middleware.RequestID}
			}
			s.Security.HSTSSeconds = 0 // no W004: the headers are not sent at all
		}, true, []string{"security.W001", "security.W002", "security.W003"}},
		{"own stack with the protections", func(s *Settings) {
			s.Middleware = func(p *Project) []func(http.Handler) http.Handler {
				return []func(http.Handler) http.Handler{middleware.SecurityHeaders(middleware.SecurityOptions{}), csrf.Middleware(csrf.Config{})}
			}
		}, true, nil},
		{"the default stack, listed", func(s *Settings) { s.Middleware = (*Project).DefaultMiddleware }, true, nil},
		{"a short key in wide characters", func(s *Settings) { s.SecretKey = strings.Repeat("秘密鍵です", 4) }, true, []string{"security.W009"}},
		{"no referrer policy", func(s *Settings) { s.Security.ReferrerPolicy = middleware.Omit }, true, []string{"security.W022"}},
		{"bad referrer policy", func(s *Settings) { s.Security.ReferrerPolicy = "same-origin, nope" }, false, []string{"security.E023"}},
		{"good referrer policies", func(s *Settings) { s.Security.ReferrerPolicy = "no-referrer, strict-origin-when-cross-origin" }, false, nil},
		{"bad COOP", func(s *Settings) { s.Security.CrossOriginOpenerPolicy = "same-site" }, false, []string{"security.E024"}},
		// An empty fallback key is weak (signing skips it, but code that
		// loops over the keys itself may not).
		{"empty fallback key", func(s *Settings) { s.SecretKeyFallbacks = []string{strings.Repeat("klmnopqrst", 6), ""} }, true, []string{"security.W025"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := devSettings(t)
			s.Debug, s.SecretKey, s.AllowedHosts = false, strings.Repeat("abcdefghij", 6), []string{"example.com"}
			s.Security.HSTSSeconds, s.Security.HSTSIncludeSubdomains, s.Security.HSTSPreload, s.Security.SSLRedirect = 3600, true, true, true
			c.edit(&s)
			msgs, _ := newProject(t, s).Check(t.Context(), CheckOptions{Deploy: c.deploy, Tags: []string{TagSecurity}})
			var ids []string
			for _, m := range msgs {
				ids = append(ids, m.ID)
			}
			if !slices.Equal(ids, c.want) {
				t.Errorf("ids %v, want %v", ids, c.want)
			}
		})
	}
}

func TestSecuritySettingsFromEnv(t *testing.T) {
	s := DefaultSettings()
	err := s.LoadEnv([]string{"SECURE_HSTS_SECONDS=600", "SECURE_HSTS_INCLUDE_SUBDOMAINS=1", "SECURE_HSTS_PRELOAD=yes", "SECURE_SSL_REDIRECT=true",
		"SECURE_SSL_HOST=secure.example", "SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto,https", "X_FRAME_OPTIONS=SAMEORIGIN", "SECURE_REFERRER_POLICY=no-referrer"})
	if err != nil {
		t.Fatal(err)
	}
	sec := s.Security
	if sec.HSTSSeconds != 600 || !sec.HSTSIncludeSubdomains || !sec.HSTSPreload || !sec.SSLRedirect || sec.SSLHost != "secure.example" ||
		sec.ProxySSLHeader != [2]string{"X-Forwarded-Proto", "https"} || sec.FrameOptions != "SAMEORIGIN" || sec.ReferrerPolicy != "no-referrer" {
		t.Errorf("%+v", sec)
	}
	for _, bad := range []string{"SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto", "SECURE_PROXY_SSL_HEADER=a,b,c", "SECURE_HSTS_SECONDS=forever"} {
		s := DefaultSettings()
		if err := s.LoadEnv([]string{bad}); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

// hostCheck is a check of the user's own type with tags: Project.Check
// finds them by type assertion, and Tagged and DeployOnly keep them.
type hostCheck struct{ id string }

func (c hostCheck) Check(context.Context, CheckInput) []Message {
	return []Message{{Level: Warning, ID: c.id}}
}

func (hostCheck) Tags() []string { return []string{"hosts"} }

// timed wraps a check, as a user's wrapper would; Unwrap keeps the
// wrapped check's tags and deploy flag.
type timed struct{ next Check }

func (t timed) Check(ctx context.Context, in CheckInput) []Message { return t.next.Check(ctx, in) }
func (t timed) Unwrap() Check                                      { return t.next }

type checksApp []Check

func (checksApp) Name() string      { return "checks" }
func (a checksApp) Checks() []Check { return a }

// Which checks run, by the tags and deploy flag that Tagged, DeployOnly
// and the check's own methods give them, in any order of wrapping.
func TestCheck_TagsAndDeploy(t *testing.T) {
	msg := func(id string) CheckFunc {
		return func(context.Context, CheckInput) []Message { return []Message{{Level: Warning, ID: id}} }
	}
	app := checksApp{
		msg("plain"),
		Tagged(msg("tagged"), "polls"),
		DeployOnly(msg("deploy")),
		DeployOnly(Tagged(msg("deploy_tagged"), "polls")),
		Tagged(DeployOnly(msg("tagged_deploy")), "polls", "extra"),
		hostCheck{"own"},
		Tagged(hostCheck{"own_tagged"}, "polls"),
		DeployOnly(hostCheck{"own_deploy"}),
		timed{DeployOnly(Tagged(msg("wrapped"), "polls"))},
		Tagged(msg("database"), TagDatabase),
	}
	cases := []struct {
		name string
		opts CheckOptions
		want []string
	}{
		{"default", CheckOptions{}, []string{"plain", "tagged", "own", "own_tagged"}},
		{"deploy", CheckOptions{Deploy: true}, []string{"plain", "tagged", "deploy", "deploy_tagged", "tagged_deploy", "own", "own_tagged", "own_deploy", "wrapped"}},
		{"tag", CheckOptions{Tags: []string{"polls"}}, []string{"tagged", "own_tagged"}},
		{"deploy_tag", CheckOptions{Deploy: true, Tags: []string{"polls"}}, []string{"tagged", "deploy_tagged", "tagged_deploy", "own_tagged", "wrapped"}},
		{"own_tags_kept", CheckOptions{Deploy: true, Tags: []string{"hosts"}}, []string{"own", "own_tagged", "own_deploy"}},
		{"second_tag", CheckOptions{Deploy: true, Tags: []string{"extra"}}, []string{"tagged_deploy"}},
		{"database", CheckOptions{Tags: []string{TagDatabase}, Databases: []string{"default"}}, []string{"database"}},
	}
	s := devSettings(t)
	s.Debug, s.SecretKey, s.AllowedHosts = false, strings.Repeat("abcdefghij", 6), []string{"example.com"}
	s.Security.HSTSSeconds, s.Security.HSTSIncludeSubdomains, s.Security.HSTSPreload, s.Security.SSLRedirect = 3600, true, true, true
	p := newProject(t, s, app)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			msgs, _ := p.Check(t.Context(), c.opts)
			var got []string
			for _, m := range msgs {
				got = append(got, m.ID)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("checks run = %q, want %q", got, c.want)
			}
		})
	}
}
