package nuages

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/mail"
	"github.com/nuages-go/nuages/orm"
	"github.com/nuages-go/nuages/signing"
)

// builtinGroup is the name built-in commands are listed under; no app may
// take it.
const builtinGroup = "nuages"

var appName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// Project is a configured project: settings, apps, commands and databases.
// It is safe for concurrent use.
type Project struct {
	settings Settings
	apps     []App
	commands map[string]registered
	// lookPath finds programs for dbshell; nil means exec.LookPath.
	// Tests replace it.
	lookPath func(string) (string, error)
	logger   *slog.Logger

	registry *orm.Registry // the apps' models and hooks, attached to every database

	dbs    map[string]*dbSlot // one per configured alias, made by New, never written after
	closed atomic.Bool        // Close ran: DB opens nothing more

	mailOnce sync.Once
	mailer   mail.Backend // built on first use by Mail
	caches   cacheSet     // opened so far

	siteOnce sync.Once
	built    *site
	builtErr error
}

// dbSlot holds the database of one alias, opened on first use.
type dbSlot struct {
	db atomic.Pointer[database.DB] // nil until opened; read without a lock
	// opening is a lock of one token, held while connecting, that waiters
	// give up on when their context ends.
	opening chan struct{}
}

// registered is a command and the app that contributed it.
type registered struct {
	cmd   *Command
	group string
}

// New validates the settings and apps, collects the apps' commands, builds
// the registry of the apps' models and hooks (Modeler, HookProvider) and
// runs their Ready hooks. It opens no database: DB does, on first use, and
// attaches the registry to it.
func New(ctx context.Context, s Settings, apps ...App) (*Project, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	p := &Project{settings: s, apps: apps, commands: map[string]registered{}, dbs: map[string]*dbSlot{}, logger: slog.Default()}
	p.settings.Databases = maps.Clone(s.Databases) // the caller's map may change
	for alias := range s.Databases {
		p.dbs[alias] = &dbSlot{opening: make(chan struct{}, 1)}
	}
	for _, c := range builtinCommands() {
		p.commands[c.Name] = registered{cmd: c, group: builtinGroup}
	}
	seen := map[string]bool{}
	var errs []error
	for i, app := range apps {
		if app == nil {
			errs = append(errs, fmt.Errorf("nuages: app #%d is nil", i+1))
			continue
		}
		name := app.Name()
		switch {
		case !appName.MatchString(name):
			errs = append(errs, fmt.Errorf("nuages: app %T has name %q: an app name is a lower-case identifier such as \"polls\"", app, name))
			continue
		case name == builtinGroup:
			errs = append(errs, fmt.Errorf("nuages: app %T has the reserved name %q", app, name))
			continue
		case seen[name]:
			errs = append(errs, fmt.Errorf("nuages: two apps are named %q: app names must be unique", name))
			continue
		}
		seen[name] = true
		if c, ok := app.(Commander); ok {
			for _, cmd := range c.Commands() {
				if err := cmd.validate(); err != nil {
					errs = append(errs, fmt.Errorf("nuages: app %q: %w", name, err))
					continue
				}
				if prev, dup := p.commands[cmd.Name]; dup {
					errs = append(errs, fmt.Errorf("nuages: apps %q and %q both provide the command %q: rename one", prev.group, name, cmd.Name))
					continue
				}
				p.commands[cmd.Name] = registered{cmd: cmd, group: name}
			}
		}
	}
	if s.SessionEngine == "" || s.SessionEngine == SessionsDB {
		if seen["sessions"] {
			errs = append(errs, errors.New(`nuages: an app is named "sessions", the name of the built-in app of the database session engine: rename the app, or set SessionEngine to "cookies" or "none"`))
		}
		p.apps = append([]App{sessionsApp{}}, apps...) // first, as django.contrib apps are
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	var err error
	if p.registry, err = buildRegistry(p.apps); err != nil {
		return nil, err
	}
	for _, app := range apps {
		if r, ok := app.(Readier); ok {
			if err := r.Ready(ctx, p); err != nil {
				p.Close()
				return nil, fmt.Errorf("nuages: app %q is not ready: %w", app.Name(), err)
			}
		}
	}
	return p, nil
}

// Logger is the project's logger, for apps' warnings.
func (p *Project) Logger() *slog.Logger { return p.logger }

// Settings returns the project's settings.
func (p *Project) Settings() Settings { return p.settings }

// Signer returns a signer with the project's SecretKey and
// SecretKeyFallbacks for salt, a name per purpose ("myapp.invite"):
// Django's signing.TimestampSigner(salt=salt) with the settings' keys.
func (p *Project) Signer(salt string) signing.TimestampSigner {
	return signing.TimestampSigner{Signer: signing.Signer{
		Key:          p.settings.SecretKey,
		FallbackKeys: slices.Clone(p.settings.SecretKeyFallbacks),
		Salt:         salt,
	}}
}

// Apps returns the installed apps, in the order given to New.
func (p *Project) Apps() []App { return slices.Clone(p.apps) }

// Templates returns the template file systems of the apps, in app order.
func (p *Project) Templates() []fs.FS {
	var out []fs.FS
	for _, app := range p.apps {
		if t, ok := app.(TemplateProvider); ok {
			out = append(out, t.Templates())
		}
	}
	return out
}

// Static returns the static file systems of the apps, in app order.
func (p *Project) Static() []fs.FS {
	var out []fs.FS
	for _, app := range p.apps {
		if s, ok := app.(StaticProvider); ok {
			out = append(out, s.Static())
		}
	}
	return out
}

// DB returns the database with the given alias, opening it on first use
// with the engine of Settings.Engines that its URL names. Once it is open,
// DB takes no lock. While it connects (up to its ConnectTimeout), other
// callers for the same alias wait for that connection or for the end of
// their own context; other aliases do not wait.
func (p *Project) DB(ctx context.Context, alias string) (*database.DB, error) {
	slot, ok := p.dbs[alias]
	if !ok {
		return nil, fmt.Errorf("nuages: no database %q: the configured ones are %s", alias, strings.Join(slices.Sorted(maps.Keys(p.settings.Databases)), ", "))
	}
	if db := slot.db.Load(); db != nil {
		return db, nil
	}
	select {
	case slot.opening <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("nuages: database %q: waiting for its connection: %w", alias, ctx.Err())
	}
	defer func() { <-slot.opening }()
	if db := slot.db.Load(); db != nil {
		return db, nil // opened while this call waited
	}
	if p.closed.Load() {
		return nil, fmt.Errorf("nuages: database %q: %w", alias, database.ErrClosed)
	}
	cfg, err := p.settings.database(alias)
	if err != nil {
		return nil, fmt.Errorf("nuages: database %q: %w", alias, err)
	}
	if cfg.Now == nil {
		cfg.Now = p.settings.Now
	}
	db, err := database.Open(ctx, alias, cfg)
	if err != nil {
		return nil, err
	}
	p.registry.Use(db) // before db is shared: its writes follow the apps' models and hooks
	slot.db.Store(db)
	return db, nil
}

// Close closes every database opened so far, waiting for work in flight
// and for connections in progress.
func (p *Project) Close() error {
	p.closed.Store(true)
	var errs []error
	for _, alias := range slices.Sorted(maps.Keys(p.dbs)) {
		slot := p.dbs[alias]
		slot.opening <- struct{}{} // a DB call that is connecting finishes first
		db := slot.db.Swap(nil)
		<-slot.opening
		if db != nil {
			errs = append(errs, db.Close())
		}
	}
	if p.built != nil {
		errs = append(errs, p.built.close())
	}
	errs = append(errs, p.caches.close())
	return errors.Join(errs...)
}
