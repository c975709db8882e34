package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/nuages-go/nuages"
	"github.com/nuages-go/nuages/contrib/auth/migrations"
	"github.com/nuages-go/nuages/contrib/auth/passwords"
	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/migrate"
	"github.com/nuages-go/nuages/orm"
	"github.com/nuages-go/nuages/templates"
)

// App is the auth app. Its zero value is Django's defaults; install a
// pointer to it, which its Ready hook completes. A value serves one
// project, as a Django app belongs to one project: Ready refuses a value
// already installed in another project, since the project's settings,
// databases and the completed fields are kept in it. Give each project
// (each test) its own &auth.App{}.
type App struct {
	// Hashers makes and checks passwords: Django's PASSWORD_HASHERS
	// (passwords.New with the defaults when nil).
	Hashers *passwords.Hashers
	// Validators check new passwords, Django's AUTH_PASSWORD_VALIDATORS:
	// passwords.DefaultValidators() when nil.
	Validators []passwords.Validator
	// LoginURL is where LoginRequired sends visitors, Django's LOGIN_URL:
	// "/accounts/login/" when empty.
	LoginURL string
	// LoginRedirectURL is where the login view sends users without a
	// "next", Django's LOGIN_REDIRECT_URL: "/accounts/profile/" when
	// empty.
	LoginRedirectURL string
	// LoginRequiredByDefault sends visitors who are not logged in to the
	// login page from every view but those marked LoginNotRequired,
	// Django 5.1's LoginRequiredMiddleware.
	LoginRequiredByDefault bool
	// Throttle bounds failed logins (on by default).
	Throttle Throttle
	// Backends authenticate and grant permissions, in order, Django's
	// AUTHENTICATION_BACKENDS: the model backend alone when empty. Put
	// app.ModelBackend() in the list to keep it beside others.
	Backends []Backend
	// PasswordResetTimeout is how long a password reset link works,
	// Django's PASSWORD_RESET_TIMEOUT: three days when zero.
	PasswordResetTimeout time.Duration
	// OnLogin, OnLogout and OnLoginFailed are called after each login,
	// logout and failed authentication, Django's user_logged_in,
	// user_logged_out and user_login_failed signals: for an audit log,
	// say. OnLogout gets the user who was logged in (anonymous when none
	// was); OnLoginFailed the login name tried and the request, nil when
	// Authenticate ran outside one. They must not write to the response.
	OnLogin       func(r *http.Request, u AnyUser)
	OnLogout      func(r *http.Request, u AnyUser)
	OnLoginFailed func(r *http.Request, username string)
	// UserModel replaces User with a custom model, Django's
	// AUTH_USER_MODEL: auth.CustomUser[accounts.Account](). Set it before
	// the first migrate; User when nil.
	UserModel *UserModel

	bound   atomic.Pointer[nuages.Project] // the project whose Ready took the value; set once
	project *nuages.Project                // bound's value, for the methods that run after Ready
}

// Name is the app's label, Django's.
func (*App) Name() string { return "auth" }

// Models are the app's models, for makemigrations: User is not one when
// a custom user model replaces it.
func (a *App) Models() []any {
	if a.swapped() {
		return []any{Permission{}, Group{}}
	}
	return []any{Permission{}, Group{}, User{}}
}

// Migrations create Django's auth tables: without auth_user and its
// tables when a custom user model replaces User, as Django's swappable
// models.
func (a *App) Migrations() []*migrate.Migration {
	if !a.swapped() {
		return migrations.All
	}
	out := make([]*migrate.Migration, len(migrations.All))
	for i, m := range migrations.All {
		copied := *m
		copied.Operations = slices.DeleteFunc(slices.Clone(m.Operations), onUserModel)
		out[i] = &copied
	}
	return out
}

// swapped reports whether a custom model replaces User.
func (a *App) swapped() bool {
	if a.UserModel == nil {
		return false
	}
	_, std := a.UserModel.New().(*User)
	return !std
}

// onUserModel reports whether op changes User or its many-to-many tables
// (User_Groups): the operations left out when User is swapped. Operations
// name their model in a field Model, or Name (CreateModel, DeleteModel),
// or Old (RenameModel).
func onUserModel(op migrate.Operation) bool {
	v := reflect.ValueOf(op)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return false
	}
	for _, field := range []string{"Model", "Name", "Old"} {
		if f := v.FieldByName(field); f.IsValid() && f.Kind() == reflect.String {
			name := f.String()
			return name == "User" || strings.HasPrefix(name, "User_")
		}
	}
	return false
}

// Ready completes the configuration.
func (a *App) Ready(_ context.Context, p *nuages.Project) error {
	if p.Settings().SessionEngine == nuages.SessionsNone {
		return errors.New(`auth keeps logins in sessions: set SessionEngine to "db" or "cookies"`)
	}
	if !a.bound.CompareAndSwap(nil, p) && a.bound.Load() != p {
		return errors.New("auth: this *auth.App is already installed in another project: give each project its own &auth.App{}")
	}
	a.project = p
	if a.UserModel == nil {
		a.UserModel = CustomUser[User]()
	}
	if err := a.UserModel.bind(); err != nil {
		return err
	}
	if a.swapped() {
		if err := modelInstalled(p, a.UserModel.Meta()); err != nil {
			return err
		}
	}
	if a.Hashers == nil {
		h, err := passwords.New(passwords.Options{})
		if err != nil {
			return err
		}
		a.Hashers = h
	}
	if a.Validators == nil {
		a.Validators = passwords.DefaultValidators()
	}
	if len(a.Backends) == 0 {
		a.Backends = []Backend{a.ModelBackend()}
	}
	if err := checkBackends(a.Backends); err != nil {
		return err
	}
	if a.LoginURL == "" {
		a.LoginURL = "/accounts/login/"
	}
	if a.LoginRedirectURL == "" {
		a.LoginRedirectURL = "/accounts/profile/"
	}
	return nil
}

// DB is the default database, where the auth tables are.
func (a *App) DB(ctx context.Context) (*database.DB, error) {
	if a.project == nil {
		return nil, errors.New("auth: the app is not installed in a project (pass &auth.App{} to nuages.New or Main)")
	}
	return a.project.DB(ctx, database.DefaultAlias)
}

// Middleware is the authentication middleware, Django's
// AuthenticationMiddleware: UserOf reads the logged-in user lazily.
func (a *App) Middleware(*nuages.Project) []func(http.Handler) http.Handler {
	if a.LoginRequiredByDefault {
		return []func(http.Handler) http.Handler{a.middleware, a.requireLogin}
	}
	return []func(http.Handler) http.Handler{a.middleware}
}

// ContextProcessors set "user" (the logged-in user, or an anonymous one)
// and "perms" ({{if .perms.Has "polls.add_question"}}) in templates.
func (a *App) ContextProcessors() []templates.Processor {
	return []templates.Processor{func(r *http.Request) templates.Data {
		user, _ := UserOf(r) // an error shows as the anonymous user; the view that needs the user reports it
		return templates.Data{"user": user, "perms": Perms{r: r}}
	}}
}

// Perms answers permission questions in templates.
type Perms struct{ r *http.Request }

// Has reports whether the request's user has perm ("polls.add_question").
func (p Perms) Has(perm string) bool {
	ok, _ := HasPerm(p.r, perm)
	return ok
}

// PostMigrate creates the permissions of every installed model that lacks
// them, as Django's create_permissions after migrate.
func (a *App) PostMigrate(ctx context.Context, p *nuages.Project, db *database.DB) error {
	apps, err := p.AppModels()
	if err != nil {
		return err
	}
	existing, err := orm.Query[Permission](db).All(ctx)
	if err != nil {
		return fmt.Errorf("reading the permissions: %w", err)
	}
	have := map[[3]string]bool{}
	for _, perm := range existing {
		have[[3]string{perm.App, perm.ModelName, perm.Codename}] = true
	}
	var missing []Permission
	for _, am := range apps {
		for _, m := range am.Models {
			model := strings.ToLower(m.Name)
			for _, perm := range m.Permissions() {
				if !have[[3]string{am.App, model, perm.Codename}] {
					missing = append(missing, Permission{Name: perm.Name, App: am.App, ModelName: model, Codename: perm.Codename})
				}
			}
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return orm.BulkCreate(ctx, db, missing)
}

// modelInstalled reports an error unless an installed app lists the user
// model m: its app migrates it.
func modelInstalled(p *nuages.Project, m *orm.Meta) error {
	apps, err := p.AppModels()
	if err != nil {
		return err
	}
	for _, am := range apps {
		for _, model := range am.Models {
			if model.Table == m.Table && model.Name == m.Name {
				return nil
			}
		}
	}
	return fmt.Errorf("auth: the user model %s is in no installed app: list %s{} in its app's Models(), and run makemigrations for it", m.Name, m.Name)
}

// AppOf returns the auth app installed in p, or nil: for URL functions
// that include its views (web.Include("accounts/", "", auth.AppOf(p).URLs()...)).
func AppOf(p *nuages.Project) *App {
	for _, app := range p.Apps() {
		if a, ok := app.(*App); ok {
			return a
		}
	}
	return nil
}
