package nuages

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nuages-go/nuages/cache"
	"github.com/nuages-go/nuages/cache/redis"
	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/database/mysql"
	"github.com/nuages-go/nuages/database/postgres"
	"github.com/nuages-go/nuages/templates"
)

func TestLoadEnv(t *testing.T) {
	tests := []struct {
		name    string
		environ []string
		check   func(s Settings) string // "" when s is as wanted
	}{
		{"nothing_set_keeps_code_values", nil, func(s Settings) string {
			if s.Debug || s.SecretKey != "code-key" || s.TimeZone != "UTC" || s.Databases["default"].URL != "sqlite:///db.sqlite3" {
				return fmt.Sprintf("%+v", s)
			}
			return ""
		}},
		{"django_names", []string{"DEBUG=true", "SECRET_KEY=k1", "ALLOWED_HOSTS=a.com, b.com", "DATABASE_URL=postgres://h/db", "TIME_ZONE=Europe/Paris", "LANGUAGE_CODE=fr", "SECRET_KEY_FALLBACKS=old1,old2"}, func(s Settings) string {
			got := spaced(s.Debug, s.SecretKey, s.AllowedHosts, s.Databases["default"].URL, s.TimeZone, s.LanguageCode, s.SecretKeyFallbacks)
			if want := "true k1 [a.com b.com] postgres://h/db Europe/Paris fr [old1 old2]"; got != want {
				return got + ", want " + want
			}
			return ""
		}},
		{"nuages_names_win", []string{"DEBUG=true", "NUAGES_DEBUG=false", "SECRET_KEY=k1", "NUAGES_SECRET_KEY=k2", "DATABASE_URL=sqlite:///a.db", "NUAGES_DATABASE_URL=sqlite:///b.db", "NUAGES_ALLOWED_HOSTS=x.org"}, func(s Settings) string {
			got := spaced(s.Debug, s.SecretKey, s.Databases["default"].URL, s.AllowedHosts)
			if want := "false k2 sqlite:///b.db [x.org]"; got != want {
				return got + ", want " + want
			}
			return ""
		}},
		{"other_aliases", []string{"NUAGES_DATABASE_URL_REPLICA=postgres://r/db", "NUAGES_DATABASE_URL_ANALYTICS=mysql://a/db"}, func(s Settings) string {
			got := spaced(s.Databases["replica"].URL, s.Databases["analytics"].URL, s.Databases["default"].URL)
			if want := "postgres://r/db mysql://a/db sqlite:///db.sqlite3"; got != want {
				return got + ", want " + want
			}
			return ""
		}},
		{"silenced_checks", []string{"NUAGES_SILENCED_SYSTEM_CHECKS=security.W018, security.W020"}, func(s Settings) string {
			if got := spaced(s.SilencedSystemChecks); got != "[security.W018 security.W020]" {
				return got
			}
			return ""
		}},
		{"session_cookie", []string{"SESSION_COOKIE_NAME=sid", "SESSION_COOKIE_PATH=/app/", "SESSION_COOKIE_SAMESITE=Strict", "SESSION_EXPIRE_AT_BROWSER_CLOSE=true", "NUAGES_SESSION_SAVE_EVERY_REQUEST=1"}, func(s Settings) string {
			c := s.Sessions
			if c.CookieName != "sid" || c.CookiePath != "/app/" || c.CookieSameSite != http.SameSiteStrictMode || !c.ExpireAtBrowserClose || !c.SaveEveryRequest {
				return fmt.Sprintf("%+v", c)
			}
			return ""
		}},
		{"value_with_equals_sign", []string{"SECRET_KEY=a=b=c"}, func(s Settings) string {
			if s.SecretKey != "a=b=c" {
				return s.SecretKey
			}
			return ""
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := DefaultSettings()
			s.SecretKey = "code-key"
			defaults := s.Databases
			if err := s.LoadEnv(tt.environ); err != nil {
				t.Fatal(err)
			}
			if msg := tt.check(s); msg != "" {
				t.Error(msg)
			}
			if defaults["default"].URL != "sqlite:///db.sqlite3" || len(defaults) != 1 {
				t.Errorf("LoadEnv wrote into the caller's Databases map: %v", defaults)
			}
		})
	}
}

func TestLoadEnv_Malformed(t *testing.T) {
	s := DefaultSettings()
	err := s.LoadEnv([]string{"DEBUG=maybe", "NUAGES_DEBUG=sometimes", "SESSION_COOKIE_SAMESITE=Loose"})
	for _, want := range []string{`conf: DEBUG="maybe" is not a boolean`, `conf: NUAGES_DEBUG="sometimes" is not a boolean`, `SESSION_COOKIE_SAMESITE="Loose"`, "Lax, Strict or None"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error = %v, want it to contain %q", err, want)
		}
	}
}

func TestValidate(t *testing.T) {
	const howTo = `export SECRET_KEY="$(openssl rand -base64 48)"`
	tests := []struct {
		name    string
		edit    func(*Settings)
		wantErr []string // empty: valid
	}{
		{"debug_without_key_nor_sessions_is_fine", func(s *Settings) { s.Debug, s.SessionEngine = true, SessionsNone }, nil},
		{"debug_without_key_with_sessions", func(s *Settings) { s.Debug = true }, []string{"SECRET_KEY is not set: sessions sign their data with it", InsecureKeyPrefix}},
		{"debug_with_insecure_key_is_fine", func(s *Settings) { s.Debug, s.SecretKey = true, InsecureKeyPrefix+"x" }, nil},
		{"production_with_key", func(s *Settings) { s.SecretKey = strings.Repeat("k", 60) }, nil},
		{"missing_key_outside_debug", func(s *Settings) {}, []string{"SECRET_KEY is not set and DEBUG is off", howTo}},
		{"insecure_key_outside_debug", func(s *Settings) { s.SecretKey = InsecureKeyPrefix + "abc" }, []string{`SECRET_KEY starts with "nuages-insecure-"`, howTo}},
		{"unknown_time_zone", func(s *Settings) { s.Debug, s.SecretKey, s.TimeZone = true, "k", "Mars/Olympus" }, []string{`TIME_ZONE "Mars/Olympus" is not a known time zone`}},
		{"no_default_database", func(s *Settings) {
			s.Debug, s.SecretKey, s.Databases = true, "k", map[string]database.Config{"other": {URL: "sqlite:///x.db"}}
		}, []string{`no "default" database: set DATABASE_URL`}},
		{"bad_url_masks_password", func(s *Settings) {
			s.Debug = true
			s.Databases = map[string]database.Config{"default": {URL: "postgres://u:hunter2@h:port/db"}}
		}, []string{`database "default"`, "postgres://u:xxxxx@h:port/db"}},
		{"postgres_without_engine", func(s *Settings) {
			s.Debug, s.SecretKey = true, "k"
			s.Databases = map[string]database.Config{"default": {URL: "postgres://u:hunter2@db/app"}}
		}, []string{`nuages: database "default": postgres: this binary was built without the PostgreSQL engine: import "github.com/nuages-go/nuages/database/postgres" and name postgres.Engine{} in Settings.Engines`}},
		{"mariadb_replica_without_engine", func(s *Settings) {
			s.Debug, s.SecretKey, s.Engines = true, "k", []database.Engine{postgres.Engine{}}
			s.Databases = map[string]database.Config{"default": {URL: "sqlite:///x.db"}, "replica": {URL: "mariadb://u@db/app"}}
		}, []string{`nuages: database "replica": mysql: this binary was built without the MySQL/MariaDB engine: import "github.com/nuages-go/nuages/database/mysql" and name mysql.Engine{} in Settings.Engines`}},
		{"server_engines_named", func(s *Settings) {
			s.Debug, s.SecretKey, s.Engines = true, "k", []database.Engine{postgres.Engine{}, mysql.Engine{}}
			s.Databases = map[string]database.Config{"default": {URL: "postgresql://u@db/app"}, "replica": {URL: "mariadb://u@db/app"}}
		}, nil},
		{"engine_in_config", func(s *Settings) {
			s.Debug, s.SecretKey = true, "k"
			s.Databases = map[string]database.Config{"default": {URL: "postgres://u@db/app", Engine: postgres.Engine{}}}
		}, nil},
		{"redis_cache_without_backend", func(s *Settings) {
			s.Debug, s.SecretKey = true, "k"
			s.Caches = map[string]CacheConfig{"default": {URL: "redis://127.0.0.1:6379/0"}}
		}, []string{`nuages: cache "default": redis: this binary was built without the Redis cache backend: import "github.com/nuages-go/nuages/cache/redis" and name redis.Backend{} in Settings.CacheBackends`}},
		{"rediss_cache_with_backend", func(s *Settings) {
			s.Debug, s.SecretKey, s.CacheBackends = true, "k", []cache.Backend{redis.Backend{}}
			s.Caches = map[string]CacheConfig{"default": {URL: "rediss://127.0.0.1:6379/0"}}
		}, nil},
		{"trusted_origin_without_scheme", func(s *Settings) {
			s.Debug, s.SecretKey, s.CSRF.TrustedOrigins = true, "k", []string{"example.com"}
		}, []string{`CSRF_TRUSTED_ORIGINS: "example.com" is not an origin`}},
		{"trusted_origin_with_user", func(s *Settings) {
			s.Debug, s.SecretKey, s.CSRF.TrustedOrigins = true, "k", []string{"https://evil.com@example.com"}
		}, []string{`"https://evil.com@example.com" is not an origin`}},
		{"trusted_origin_everything", func(s *Settings) {
			s.Debug, s.SecretKey, s.CSRF.TrustedOrigins = true, "k", []string{"https://*"}
		}, []string{`"https://*" trusts every site`}},
		{"trusted_origins_fine", func(s *Settings) {
			s.Debug, s.SecretKey, s.CSRF.TrustedOrigins = true, "k", []string{"https://*.example.com", "http://localhost:8000"}
		}, nil},
		{"every_problem_at_once", func(s *Settings) { s.TimeZone = "Nowhere" }, []string{"SECRET_KEY is not set", `TIME_ZONE "Nowhere"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := DefaultSettings()
			tt.edit(&s)
			err := s.Validate()
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want an error containing %q", tt.wantErr)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate() = %q, want it to contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("Validate() = %q shows the password", err)
			}
		})
	}
}

// spaced formats vals separated by spaces, as fmt.Sprintln does.
func spaced(vals ...any) string { return strings.TrimSuffix(fmt.Sprintln(vals...), "\n") }

// Settings.Now is the one clock of a project: its databases' auto_now
// fields and its templates' timesince read it.
func TestSettingsNow(t *testing.T) {
	t.Parallel()
	frozen := time.Date(2024, time.March, 31, 12, 0, 0, 0, time.UTC)
	s := devSettings(t)
	s.Now = func() time.Time { return frozen }
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "since.txt"), []byte("{{.at | timesince}}"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.TemplateDirs = []string{dir}
	p := newProject(t, s)
	db, err := p.DB(t.Context(), "default")
	if err != nil {
		t.Fatal(err)
	}
	if got := db.Now(); !got.Equal(frozen) {
		t.Errorf("the database's clock says %v; want the settings' %v", got, frozen)
	}
	var b strings.Builder
	if err := p.RenderText(&b, "since.txt", templates.Data{"at": frozen.Add(-3 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if got, want := b.String(), "3\u00a0hours"; got != want {
		t.Errorf("timesince rendered %q; want %q", got, want)
	}
}
