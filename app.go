package nuages

import (
	"context"
	"io/fs"
	"net/http"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/migrate"
	"github.com/nuages-go/nuages/orm"
	"github.com/nuages-go/nuages/templates"
)

// App is an installable part of a project, like a Django app. Name is its
// label: a lower-case identifier, unique in the project, used to group its
// commands and (later) to name its tables and migrations.
type App interface {
	Name() string
}

// Commander is an App that adds commands to the project binary.
type Commander interface {
	Commands() []*Command
}

// Checker is an App that adds system checks.
type Checker interface {
	Checks() []Check
}

// Readier is an App with work to do once the project is built, in the order
// apps were given, before any command runs; an error stops the project.
type Readier interface {
	Ready(ctx context.Context, p *Project) error
}

// TemplateProvider is an App that ships templates. The project layers them
// in app order, for the template engine of the web core to load (a project
// directory will override them, as Django's loaders do).
type TemplateProvider interface {
	Templates() fs.FS
}

// StaticProvider is an App that ships static files (CSS, JavaScript,
// images), for the static files layer to serve and collect.
type StaticProvider interface {
	Static() fs.FS
}

// Migrator is an App with database migrations: the history of its models'
// tables, which the migrate command applies. Each migration's App is the
// app's Name.
type Migrator interface {
	Migrations() []*migrate.Migration
}

// MiddlewareProvider is an App with middleware for every request, as
// Django apps ask to be put in MIDDLEWARE: DefaultMiddleware puts it
// after the sessions and CSRF (so that it can use both), in app order. A
// project with its own Settings.Middleware adds it itself.
type MiddlewareProvider interface {
	Middleware(p *Project) []func(http.Handler) http.Handler
}

// ProcessorProvider is an App that adds to the data of every template,
// as Django's context processors: the project runs its processors after
// Settings.ContextProcessors.
type ProcessorProvider interface {
	ContextProcessors() []templates.Processor
}

// HookProvider is an App with hooks on the writes of models, Django's
// pre_save, post_save, pre_delete and post_delete receivers: Hooks
// registers them with orm.Register on the project's registry, which New
// builds from the models of every Modeler app and attaches to every
// database the project opens. Register only: r belongs to the project
// being built, and an app value may serve several projects.
type HookProvider interface {
	Hooks(r *orm.Registry) error
}

// PostMigrator is an App with work to do after every migrate command,
// whether or not it applied anything: Django's post_migrate signal. The
// auth app creates the permissions of every model there.
type PostMigrator interface {
	PostMigrate(ctx context.Context, p *Project, db *database.DB) error
}
