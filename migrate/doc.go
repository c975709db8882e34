// Package migrate keeps a project's schema in step with its models, as
// Django's migrations: each app has a history of Migrations, Go values of
// Operations (CreateModel, AddField, RenameField, RunSQL, RunGo...); the
// State of any point of that history is rebuilt by replaying them, never
// stored; an Executor applies or unapplies them on a database, each in a
// transaction where the engine can roll DDL back, under a lock so that two
// deploys at once apply each migration once, and records them in the table
// nuages_migrations.
//
// The project's makemigrations command is built from the parts here:
// StateOf gives the state of the models, Changes compares it with the
// state of the migrations (asking a Questioner about renames), and Source
// writes each new migration as a Go file. Squash and Optimize fold a run
// of migrations into one (squashmigrations), Inspect writes models for an
// existing database (inspectdb), and Dump, Load and Flush read and write
// Django's JSON fixtures (dumpdata, loaddata, flush).
//
// SQLite cannot alter a column in place: the operations that need it
// rebuild the table, copying its rows and keeping its indexes and the
// foreign keys that point to it.
//
// The examples apply a history with a data migration (ExampleExecutor_Migrate),
// show its SQL (ExampleExecutor_SQL) and write one as makemigrations does
// (ExampleSource).
package migrate
