package nuages

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/database/dialect"
	"github.com/nuages-go/nuages/migrate"
	"github.com/nuages-go/nuages/sessions"
)

// The session engines of Settings.SessionEngine, Django's SESSION_ENGINE.
const (
	SessionsDB      = "db"      // the django_session table of the built-in sessions app
	SessionsCookies = "cookies" // signed cookies: nothing on the server
	SessionsCache   = "cache"   // the default cache (Settings.Caches)
	SessionsNone    = "none"    // no session middleware
)

// sessionsApp is the built-in app of the database engine, installed for
// it as Django's startproject installs django.contrib.sessions: the
// django_session table and its migration.
type sessionsApp struct{}

func (sessionsApp) Name() string { return "sessions" }

// Models is the table's model, for makemigrations.
func (sessionsApp) Models() []any { return []any{sessions.Row{}} }

// Migrations creates django_session as Django's sessions.0001_initial.
func (sessionsApp) Migrations() []*migrate.Migration {
	return []*migrate.Migration{{
		App:  "sessions",
		Name: "0001_initial",
		Operations: []migrate.Operation{
			migrate.CreateModel{App: "sessions", Name: "Row", Table: "django_session", Fields: []migrate.Field{
				{Name: "key", Column: "session_key", Kind: dialect.KindChar, MaxLength: 40, PrimaryKey: true},
				{Name: "data", Column: "session_data", Kind: dialect.KindText},
				{Name: "expire_date", Column: "expire_date", Kind: dialect.KindDateTime, Index: true},
			}, Options: migrate.ModelOptions{VerboseName: "session", VerboseNamePlural: "sessions"}},
		},
	}}
}

// sessionStore is the store of the configured engine (Validate has
// checked its name).
func (p *Project) sessionStore() sessions.Store {
	st := p.settings
	switch st.SessionEngine {
	case SessionsCookies:
		return sessions.CookieStore{Key: st.SecretKey, FallbackKeys: st.SecretKeyFallbacks, MaxAge: st.Sessions.CookieAge}
	case SessionsCache:
		return lazyStore(func(context.Context) (sessions.Store, error) {
			c, err := p.Cache(DefaultCache)
			return sessions.CacheStore{Cache: c}, err
		})
	}
	return lazyStore(func(ctx context.Context) (sessions.Store, error) { return p.dbSessions(ctx) })
}

// dbSessions is the DBStore on the default database.
func (p *Project) dbSessions(ctx context.Context) (sessions.DBStore, error) {
	db, err := p.DB(ctx, database.DefaultAlias)
	return sessions.DBStore{DB: db, Key: p.settings.SecretKey, FallbackKeys: p.settings.SecretKeyFallbacks}, err
}

// lazyStore opens its store at each use, as the project opens databases
// and caches on first use (and keeps them): a store that cannot open
// fails the request, not the start.
type lazyStore func(ctx context.Context) (sessions.Store, error)

func (open lazyStore) Load(ctx context.Context, key string) ([]byte, error) {
	s, err := open(ctx)
	if err != nil {
		return nil, err
	}
	return s.Load(ctx, key)
}

func (open lazyStore) Create(ctx context.Context, data []byte, expiry time.Time) (string, error) {
	s, err := open(ctx)
	if err != nil {
		return "", err
	}
	return s.Create(ctx, data, expiry)
}

func (open lazyStore) Save(ctx context.Context, key string, data []byte, expiry time.Time) (string, error) {
	s, err := open(ctx)
	if err != nil {
		return "", err
	}
	return s.Save(ctx, key, data, expiry)
}

func (open lazyStore) Delete(ctx context.Context, key string) error {
	s, err := open(ctx)
	if err != nil {
		return err
	}
	return s.Delete(ctx, key)
}

// sessionMiddleware is the session middleware of the settings, or nil
// for the "none" engine.
func (p *Project) sessionMiddleware() func(http.Handler) http.Handler {
	if p.settings.SessionEngine == SessionsNone {
		return nil
	}
	cfg := p.settings.Sessions
	if cfg.Store == nil {
		cfg.Store = p.sessionStore()
	}
	if cfg.Logger == nil {
		cfg.Logger = p.logger
	}
	return sessions.Middleware(cfg)
}

// clearsessionsCommand deletes expired sessions, Django's clearsessions:
// run it from cron with the database engine (cookies expire by
// themselves).
func clearsessionsCommand() *Command {
	return &Command{
		Name:    "clearsessions",
		Summary: "Delete the expired sessions from the database.",
		Run: func(ctx context.Context, inv *Invocation) error {
			p := inv.Project
			if e := p.settings.SessionEngine; e != "" && e != SessionsDB {
				fmt.Fprintf(inv.Out, "Nothing to clear: the %q session engine keeps no expired sessions.\n", e)
				return nil
			}
			store, err := p.dbSessions(ctx)
			if err != nil {
				return err
			}
			n, err := store.ClearExpired(ctx)
			if err != nil {
				return fmt.Errorf("clearsessions: %w", err)
			}
			fmt.Fprintf(inv.Out, "Deleted %d expired session(s).\n", n)
			return nil
		},
	}
}
