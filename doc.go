// Package nuages wires a project together: its settings, its databases, the
// apps installed in it and the commands of its binary, which plays the part
// of Django's manage.py.
//
// A project's main function is one line:
//
//	func main() { nuages.Main(settings(), polls.App()) }
//
// Main reads the environment over the settings (see [Settings.LoadEnv]),
// checks them, builds the [Project] and runs the command named on the command
// line: help, version, check, dbshell, and the commands apps contribute.
//
// # Apps
//
// An [App] has a name (its label, like Django's) and may offer more through
// small optional interfaces that the project finds by type assertion:
// [Commander] (commands), [Checker] (system checks), [Readier] (a hook run
// once the project is built), [TemplateProvider] and [StaticProvider] (files
// for the template and static-file layers). Models, migrations and URLs join
// this list with the ORM, migrations and web issues.
//
// Nothing is registered globally: a Project holds everything, so tests can
// run several projects side by side, each on its own database.
package nuages
