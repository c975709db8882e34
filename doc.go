// Package nuages wires a project together: its settings, its databases, the
// apps installed in it and the commands of its binary, which plays the part
// of Django's manage.py.
//
// A project's main function is one line:
//
//	func main() { nuages.Main(settings(), &auth.App{}, polls.App{}) }
//
// Main reads the environment over the settings (see [Settings.LoadEnv]),
// checks them, builds the [Project] and runs the command named on the command
// line: help, version, check, migrate, runserver, and the commands apps
// contribute.
//
// # Apps
//
// An [App] has a name (its label, like Django's) and may offer more through
// small optional interfaces that the project finds by type assertion:
// [Modeler] (models, for makemigrations), [Migrator] (migrations),
// [Commander] (commands), [Checker] (system checks), [Readier] (a hook run
// once the project is built), [TemplateProvider] and [StaticProvider] (files
// for the template and static-file layers), [MiddlewareProvider]
// (middleware for every request), [ProcessorProvider] (data for every
// template) and [PostMigrator] (a hook run after every migrate). The
// project's routes are [Settings.URLs], which may include the apps' own.
//
// Nothing is registered globally: a Project holds everything, so tests can
// run several projects side by side, each on its own database.
//
// ExampleMain is a main.go; ExampleProject_Handler builds a site from an
// app and its routes; ExampleCommand adds a command with flags.
package nuages
