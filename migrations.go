package nuages

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/migrate"
)

// MigrationGraph returns the migrations of the installed apps, checked
// and ordered.
func (p *Project) MigrationGraph() (*migrate.Graph, error) {
	all, err := p.migrations()
	if err != nil {
		return nil, err
	}
	return migrate.NewGraph(all)
}

// migrations returns the migrations of the installed apps.
func (p *Project) migrations() ([]*migrate.Migration, error) {
	var all []*migrate.Migration
	for _, app := range p.apps {
		m, ok := app.(Migrator)
		if !ok {
			continue
		}
		for _, mig := range m.Migrations() {
			if mig.App != app.Name() {
				return nil, fmt.Errorf("nuages: app %q returns the migration %s.%s: a migration's App must be the app's name", app.Name(), mig.App, mig.Name)
			}
			all = append(all, mig)
		}
	}
	return all, nil
}

// executor opens the database of the -database flag and the executor of
// the project's migrations on it.
func (inv *Invocation) executor(ctx context.Context) (*migrate.Executor, *migrate.Graph, error) {
	db, err := inv.db(ctx)
	if err != nil {
		return nil, nil, err
	}
	g, err := inv.Project.MigrationGraph()
	if err != nil {
		return nil, nil, err
	}
	return migrate.NewExecutor(db, g, inv.Out), g, nil
}

func runMigrate(ctx context.Context, inv *Invocation) error {
	if len(inv.Args) > 2 {
		return Usagef("migrate takes at most an app and a migration, got %q", inv.Args)
	}
	x, g, err := inv.executor(ctx)
	if err != nil {
		return err
	}
	app, target := "", ""
	if len(inv.Args) > 0 {
		app = inv.Args[0]
	}
	if len(inv.Args) > 1 {
		target = inv.Args[1]
	}
	steps, err := x.Plan(ctx, app, target)
	if err != nil {
		return err
	}
	if inv.Bool("plan") {
		fmt.Fprintln(inv.Out, "Planned operations:")
		if len(steps) == 0 {
			fmt.Fprintln(inv.Out, "  No planned migration operations.")
		}
		for _, s := range steps {
			fmt.Fprintln(inv.Out, s.Node)
			m, _ := g.Migration(s.Node)
			for _, op := range m.Operations {
				prefix := "    "
				if s.Backward {
					prefix = "    Undo "
				}
				fmt.Fprintln(inv.Out, prefix+op.Describe())
			}
		}
		return nil
	}
	fmt.Fprintln(inv.Out, "Operations to perform:")
	switch {
	case app == "" && len(g.Apps()) == 0:
		fmt.Fprintln(inv.Out, "  Apply all migrations: (no installed app has migrations)")
	case app == "":
		fmt.Fprintf(inv.Out, "  Apply all migrations: %s\n", strings.Join(g.Apps(), ", "))
	case target == "":
		fmt.Fprintf(inv.Out, "  Apply all migrations: %s\n", app)
	case target == "zero":
		fmt.Fprintf(inv.Out, "  Unapply all migrations: %s\n", app)
	default:
		fmt.Fprintf(inv.Out, "  Target specific migration: %s, from %s\n", target, app)
	}
	fmt.Fprintln(inv.Out, "Running migrations:")
	if len(steps) == 0 {
		fmt.Fprintln(inv.Out, "  No migrations to apply.")
	} else if err := x.Migrate(ctx, steps, migrate.Options{Fake: inv.Bool("fake"), FakeInitial: inv.Bool("fake-initial")}); err != nil {
		return err
	}
	db, err := inv.db(ctx)
	if err != nil {
		return err
	}
	return inv.Project.postMigrate(ctx, db)
}

// postMigrate runs the apps' PostMigrate hooks, in app order, as Django
// sends post_migrate after every migrate.
func (p *Project) postMigrate(ctx context.Context, db *database.DB) error {
	for _, app := range p.apps {
		if pm, ok := app.(PostMigrator); ok {
			if err := pm.PostMigrate(ctx, p, db); err != nil {
				return fmt.Errorf("app %q after migrating: %w", app.Name(), err)
			}
		}
	}
	return nil
}

func runShowMigrations(ctx context.Context, inv *Invocation) error {
	x, g, err := inv.executor(ctx)
	if err != nil {
		return err
	}
	applied, err := x.Applied(ctx)
	if err != nil {
		return err
	}
	mark := func(n migrate.Node) string {
		if applied[n] {
			return "[X]"
		}
		return "[ ]"
	}
	if inv.Bool("plan") {
		for _, n := range g.Order() {
			m, _ := g.Migration(n)
			line := mark(n) + "  " + n.String()
			if len(m.Dependencies) > 0 {
				deps := make([]string, len(m.Dependencies))
				for i, d := range m.Dependencies {
					deps[i] = d.String()
				}
				line += " ... (" + strings.Join(deps, ", ") + ")"
			}
			fmt.Fprintln(inv.Out, line)
		}
		return nil
	}
	apps := inv.Args
	if len(apps) == 0 {
		apps = g.Apps()
	}
	for _, app := range apps {
		if !slices.Contains(g.Apps(), app) {
			return Usagef("app %q has no migrations; the apps with migrations are %s", app, strings.Join(g.Apps(), ", "))
		}
		fmt.Fprintln(inv.Out, app)
		for _, n := range g.Order() {
			if n.App == app {
				fmt.Fprintf(inv.Out, " %s %s\n", mark(n), n.Name)
			}
		}
	}
	return nil
}

func runSQLMigrate(ctx context.Context, inv *Invocation) error {
	if len(inv.Args) != 2 {
		return Usagef("sqlmigrate takes an app and a migration, got %q", inv.Args)
	}
	x, g, err := inv.executor(ctx)
	if err != nil {
		return err
	}
	n, err := g.Find(inv.Args[0], inv.Args[1])
	if err != nil {
		return err
	}
	sql, err := x.SQL(ctx, n, inv.Bool("backwards"))
	if err != nil {
		return err
	}
	for _, s := range sql {
		if strings.HasPrefix(s, "--") {
			fmt.Fprintln(inv.Out, s)
			continue
		}
		fmt.Fprintln(inv.Out, s+";")
	}
	return nil
}

func runDumpData(ctx context.Context, inv *Invocation) error {
	apps, db, err := inv.modelsAndDB(ctx)
	if err != nil {
		return err
	}
	out := inv.Out
	if path := inv.String("output"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		defer f.Close()
		out = f
	}
	return migrate.Dump(ctx, db, apps, out, migrate.DumpOptions{
		Only: inv.Args, Indent: inv.Int("indent"),
		NaturalForeign: inv.Bool("natural-foreign"), NaturalPrimary: inv.Bool("natural-primary"),
	})
}

func runLoadData(ctx context.Context, inv *Invocation) error {
	if len(inv.Args) == 0 {
		return Usagef("loaddata needs at least one fixture file")
	}
	apps, db, err := inv.modelsAndDB(ctx)
	if err != nil {
		return err
	}
	total := 0
	// One transaction for all the files: a bad object anywhere loads nothing.
	err = db.Atomic(ctx, func(ctx context.Context) error {
		for _, path := range inv.Args {
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			n, err := migrate.Load(ctx, db, apps, path, f)
			f.Close()
			if err != nil {
				return err
			}
			total += n
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(inv.Out, "Installed %d object(s) from %d fixture(s)\n", total, len(inv.Args))
	return nil
}

func runFlush(ctx context.Context, inv *Invocation) error {
	apps, db, err := inv.modelsAndDB(ctx)
	if err != nil {
		return err
	}
	if !inv.Bool("noinput") {
		fmt.Fprintf(inv.Out, "You have requested a flush of the database %q.\nThis will IRREVERSIBLY DESTROY all data in the models' tables.\nAre you sure you want to do this?\n\n    Type 'yes' to continue, or 'no' to cancel: ", inv.String("database"))
		answer, _ := bufio.NewReader(inv.In).ReadString('\n')
		if strings.TrimSpace(answer) != "yes" {
			fmt.Fprintln(inv.Out, "Flush cancelled.")
			return nil
		}
	}
	return migrate.Flush(ctx, db, apps)
}

// modelsAndDB reads the installed apps' models and opens the database of
// the -database flag, what the fixture commands need.
func (inv *Invocation) modelsAndDB(ctx context.Context) ([]migrate.AppModels, *database.DB, error) {
	apps, err := inv.Project.AppModels()
	if err != nil {
		return nil, nil, err
	}
	db, err := inv.db(ctx)
	return apps, db, err
}

// db opens the database of the -database flag.
func (inv *Invocation) db(ctx context.Context) (*database.DB, error) {
	alias := inv.String("database")
	if _, ok := inv.Project.settings.Databases[alias]; !ok {
		return nil, Usagef("-database %q: no such database alias", alias)
	}
	return inv.Project.DB(ctx, alias)
}

func runInspectDB(ctx context.Context, inv *Invocation) error {
	db, err := inv.db(ctx)
	if err != nil {
		return err
	}
	src, err := migrate.Inspect(ctx, db, inv.String("package"), inv.Args)
	if err != nil {
		return err
	}
	_, err = inv.Out.Write(src)
	return err
}
