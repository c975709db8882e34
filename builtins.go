package nuages

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/internal/version"
)

// Version is the version of Nuages.
const Version = version.Version

func builtinCommands() []*Command {
	return []*Command{
		runserverCommand(),
		collectstaticCommand(),
		sendtestemailCommand(),
		clearsessionsCommand(),
		createCacheTableCommand(),
		{
			Name:    "help",
			Summary: "List the commands, or show the usage of one.",
			Usage:   "[command]",
			Run:     runHelp,
		},
		{
			Name:    "version",
			Summary: "Print the versions of Nuages and Go.",
			Run: func(_ context.Context, inv *Invocation) error {
				fmt.Fprintf(inv.Out, "nuages %s%s, %s\n", Version, moduleVersion(), runtime.Version())
				return nil
			},
		},
		{
			Name:    "check",
			Summary: "Inspect the project for common problems.",
			Flags: func(fs *flag.FlagSet) {
				fs.Bool("deploy", false, "also run the checks for deployment settings")
				fs.String("fail-level", "ERROR", "exit with 1 on messages at this level or above: CRITICAL, ERROR, WARNING, INFO or DEBUG")
				fs.String("tag", "", "run only the checks with these comma-separated tags (security, database)")
				fs.String("database", "", "connect to these comma-separated database aliases and check them")
			},
			Run: runCheck,
		},
		{
			Name:    "dbshell",
			Summary: "Open the database's command-line client (psql, mariadb or sqlite3).",
			Usage:   "[-- client arguments]",
			Flags: func(fs *flag.FlagSet) {
				fs.String("database", database.DefaultAlias, "the alias of the database to open")
			},
			Run: runDBShell,
		},
		{
			Name:    "dumpdata",
			Summary: "Write the models' rows as a Django JSON fixture.",
			Usage:   "[app[.Model]...]",
			Flags: func(fs *flag.FlagSet) {
				fs.String("database", database.DefaultAlias, "the alias of the database to read")
				fs.Int("indent", 0, "indent the JSON by this many spaces")
				fs.String("output", "", "write to this file instead of the standard output")
				fs.Bool("natural-foreign", false, "write relations to models with a natural key as that key")
				fs.Bool("natural-primary", false, "leave out the pk of models with a natural key")
			},
			Run: runDumpData,
		},
		{
			Name:    "inspectdb",
			Summary: "Write Go models for the tables of an existing database.",
			Usage:   "[table...]",
			Flags: func(fs *flag.FlagSet) {
				fs.String("database", database.DefaultAlias, "the alias of the database to read")
				fs.String("package", "models", "the package name of the Go file")
			},
			Run: runInspectDB,
		},
		{
			Name:    "loaddata",
			Summary: "Load Django JSON fixtures, all in one transaction.",
			Usage:   "fixture.json...",
			Flags: func(fs *flag.FlagSet) {
				fs.String("database", database.DefaultAlias, "the alias of the database to load into")
			},
			Run: runLoadData,
		},
		{
			Name:    "flush",
			Summary: "Delete every row of the models' tables, after confirmation.",
			Flags: func(fs *flag.FlagSet) {
				fs.String("database", database.DefaultAlias, "the alias of the database to empty")
				fs.Bool("noinput", false, "do not ask for confirmation")
			},
			Run: runFlush,
		},
		{
			Name:    "makemigrations",
			Summary: "Write the migrations that bring the apps' tables to their models.",
			Usage:   "[app...]",
			Flags: func(fs *flag.FlagSet) {
				fs.String("dir", "{app}/migrations", "where each app's migrations package is, {app} standing for its name")
				fs.Bool("dry-run", false, "say what would be written, and write nothing (-verbose: show the source)")
				fs.Bool("verbose", false, "with -dry-run, show the migrations' source")
				fs.Bool("check", false, "write nothing, and exit with 1 when migrations are missing")
				fs.Bool("noinput", false, "ask nothing: never guess a rename, refuse a NOT NULL field without a default")
				fs.String("name", "", "the migration's name, after its number")
				fs.Bool("empty", false, "write an empty migration for the app, to fill by hand")
				fs.Bool("merge", false, "write a migration that joins an app's several latest migrations")
			},
			Run: runMakeMigrations,
		},
		{
			Name:    "squashmigrations",
			Summary: "Write one migration that replaces an app's first migrations.",
			Usage:   "app last_migration",
			Flags: func(fs *flag.FlagSet) {
				fs.String("dir", "{app}/migrations", "where each app's migrations package is, {app} standing for its name")
				fs.String("squashed-name", "", "the squashed migration's name, after 0001_squashed_")
				fs.Bool("dry-run", false, "say what would be written, and write nothing")
			},
			Run: runSquashMigrations,
		},
		{
			Name:    "migrate",
			Summary: "Apply or unapply the apps' migrations.",
			Usage:   "[app [migration | zero]]",
			Flags: func(fs *flag.FlagSet) {
				fs.String("database", database.DefaultAlias, "the alias of the database to migrate")
				fs.Bool("plan", false, "show the operations that would run, and run nothing")
				fs.Bool("fake", false, "record the migrations as applied (or unapplied) without running them")
				fs.Bool("fake-initial", false, "record an initial migration without running it when its tables exist already")
			},
			Run: runMigrate,
		},
		{
			Name:    "showmigrations",
			Summary: "List the apps' migrations, [X] where applied.",
			Usage:   "[app...]",
			Flags: func(fs *flag.FlagSet) {
				fs.String("database", database.DefaultAlias, "the alias of the database to look at")
				fs.Bool("plan", false, "list them in the order they apply, with their dependencies")
			},
			Run: runShowMigrations,
		},
		{
			Name:    "sqlmigrate",
			Summary: "Print the SQL of one migration, without running it.",
			Usage:   "app migration",
			Flags: func(fs *flag.FlagSet) {
				fs.String("database", database.DefaultAlias, "the alias of the database whose SQL to write")
				fs.Bool("backwards", false, "the SQL that unapplies the migration")
			},
			Run: runSQLMigrate,
		},
	}
}

// moduleVersion is the version of the nuages module the binary was built
// with, when the build recorded it.
func moduleVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, dep := range append(info.Deps, &info.Main) {
		if dep.Path == "github.com/nuages-go/nuages" && dep.Version != "" && dep.Version != "(devel)" {
			return " (module " + dep.Version + ")"
		}
	}
	return ""
}

func runHelp(_ context.Context, inv *Invocation) error {
	switch len(inv.Args) {
	case 0:
		inv.Project.printHelp(inv.Out, inv.Program)
		return nil
	case 1:
	default:
		return Usagef("help takes one command name, got %d arguments", len(inv.Args))
	}
	reg, ok := inv.Project.commands[inv.Args[0]]
	if !ok {
		msg := fmt.Sprintf("unknown command %q", inv.Args[0])
		if s := inv.Project.closest(inv.Args[0]); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		}
		return Usagef("%s", msg)
	}
	inv.Project.flagSet(inv.Program, reg.cmd, inv.Out).Usage()
	return nil
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(s string) []string {
	var out []string
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

func runCheck(ctx context.Context, inv *Invocation) error {
	if len(inv.Args) > 0 {
		return Usagef("check takes no arguments, got %q", inv.Args)
	}
	failLevel, ok := parseLevel(inv.String("fail-level"))
	if !ok {
		return Usagef("-fail-level %q: use CRITICAL, ERROR, WARNING, INFO or DEBUG", inv.String("fail-level"))
	}
	opts := CheckOptions{
		Deploy:    inv.Bool("deploy"),
		Tags:      splitList(inv.String("tag")),
		Databases: splitList(inv.String("database")),
	}
	for _, alias := range opts.Databases {
		if _, ok := inv.Project.settings.Databases[alias]; !ok {
			return Usagef("-database %q: no such database alias", alias)
		}
	}
	msgs, silenced := inv.Project.Check(ctx, opts)
	failed := false
	for _, m := range msgs {
		failed = failed || m.Level >= failLevel
	}
	if failed {
		report(inv.Err, msgs, silenced)
		return &ExitError{Code: ExitFailure}
	}
	report(inv.Out, msgs, silenced)
	return nil
}

func runDBShell(ctx context.Context, inv *Invocation) error {
	alias := inv.String("database")
	if _, ok := inv.Project.settings.Databases[alias]; !ok {
		return Usagef("-database %q: no such database alias", alias)
	}
	cfg, err := inv.Project.settings.database(alias)
	if err != nil {
		return fmt.Errorf("database %q: %w", alias, err)
	}
	sh, err := database.Shell(cfg)
	if err != nil {
		return fmt.Errorf("database %q: %w", alias, err)
	}
	lookPath := inv.Project.lookPath
	if lookPath == nil {
		lookPath = exec.LookPath
	}
	path, err := lookPath(sh.Program)
	if err != nil {
		return fmt.Errorf("%s is not installed or not on PATH: install it with %s", sh.Program, sh.Install)
	}
	cmd := exec.CommandContext(ctx, path, append(sh.Args, inv.Args...)...)
	cmd.Env = append(os.Environ(), sh.Env...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inv.In, inv.Out, inv.Err
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() > 0 {
			return &ExitError{Code: ee.ExitCode()}
		}
		return fmt.Errorf("running %s: %w", sh.Program, err)
	}
	return nil
}
