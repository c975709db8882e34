package nuages

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nuages-go/nuages/migrate"
	"github.com/nuages-go/nuages/orm"
)

// Modeler is an App with models: zero values of its model structs, which
// makemigrations compares with the app's migrations.
type Modeler interface {
	Models() []any
}

// AppModels returns the models of the installed Modeler apps, app by
// app, in app order.
func (p *Project) AppModels() ([]migrate.AppModels, error) {
	var out []migrate.AppModels
	for _, app := range p.apps {
		m, ok := app.(Modeler)
		if !ok {
			continue
		}
		am := migrate.AppModels{App: app.Name()}
		for _, v := range m.Models() {
			t := reflect.TypeOf(v)
			if t == nil || t.Kind() != reflect.Struct {
				return nil, fmt.Errorf("nuages: app %q lists %T among its models: list zero values of model structs, as Question{}", app.Name(), v)
			}
			meta, err := orm.MetaOfType(t)
			if err != nil {
				return nil, err
			}
			am.Models = append(am.Models, meta)
		}
		out = append(out, am)
	}
	return out, nil
}

// questioner asks on the terminal, or answers no to everything with
// -noinput and remembers what it was asked.
type questioner struct {
	in      *bufio.Reader
	out     io.Writer
	noinput bool
	skipped []string // renames not asked, with -noinput
}

func (q *questioner) Renamed(model, old, new string) bool {
	if q.noinput {
		q.skipped = append(q.skipped, fmt.Sprintf("%s.%s to %s", strings.ToLower(model), old, new))
		return false
	}
	return q.yes(fmt.Sprintf("Was %s.%s renamed to %s.%s? [y/N] ", strings.ToLower(model), old, strings.ToLower(model), new))
}

func (q *questioner) RenamedModel(old, new string) bool {
	if q.noinput {
		q.skipped = append(q.skipped, fmt.Sprintf("the model %s to %s", old, new))
		return false
	}
	return q.yes(fmt.Sprintf("Was the model %s renamed to %s? [y/N] ", old, new))
}

func (q *questioner) yes(prompt string) bool {
	fmt.Fprint(q.out, prompt)
	answer, _ := q.in.ReadString('\n')
	answer = strings.ToLower(strings.TrimSpace(answer))
	return answer == "y" || answer == "yes"
}

// defaultFor asks a one-off default for a NOT NULL field added to a table
// that may have rows.
func (q *questioner) defaultFor(model, field string) (string, error) {
	if q.noinput {
		return "", fmt.Errorf("the NOT NULL field %s.%s has no default for the rows the table may have: give it a default (or null) in its tag, or run makemigrations without -noinput to type a one-off default", strings.ToLower(model), field)
	}
	fmt.Fprintf(q.out, "The NOT NULL field %s.%s needs a default for the existing rows.\nType it as SQL (0, 'text', TRUE), or nothing to stop: ", strings.ToLower(model), field)
	answer, _ := q.in.ReadString('\n')
	if answer = strings.TrimSpace(answer); answer == "" {
		return "", fmt.Errorf("stopped: the field %s.%s needs a default", strings.ToLower(model), field)
	}
	return answer, nil
}

func runMakeMigrations(ctx context.Context, inv *Invocation) error {
	p := inv.Project
	if inv.Bool("merge") {
		return mergeMigrations(inv)
	}
	g, err := p.MigrationGraph()
	if err != nil {
		return err
	}
	apps, err := p.AppModels()
	if err != nil {
		return err
	}
	modelApps := map[string]bool{}
	for _, a := range apps {
		modelApps[a.App] = true
	}
	for _, app := range inv.Args {
		if !modelApps[app] {
			return Usagef("app %q has no models: it must be installed and implement Models()", app)
		}
	}
	if inv.Bool("empty") && len(inv.Args) != 1 {
		return Usagef("-empty needs the app to write the empty migration for")
	}
	from, err := g.State(nodeSet(g.Order()))
	if err != nil {
		return err
	}
	for key, m := range from.Models {
		if !modelApps[m.App] {
			delete(from.Models, key) // an app without models keeps its own history
		}
	}
	to, skipped, err := migrate.StateOf(apps)
	if err != nil {
		return err
	}
	for _, s := range skipped {
		fmt.Fprintf(inv.Out, "Not in the migrations yet: %s; the table will lack it until a RunSQL adds it.\n", s)
	}
	q := &questioner{in: bufio.NewReader(inv.In), out: inv.Out, noinput: inv.Bool("noinput")}
	changes, deps := migrate.Changes(from, to, q)
	selected := func(app string) bool { return len(inv.Args) == 0 || slices.Contains(inv.Args, app) }
	if inv.Bool("empty") {
		changes = map[string][]migrate.Operation{inv.Args[0]: nil}
	}
	// Name the new migrations first: an app's may depend on another's.
	newNode := map[string]migrate.Node{}
	stamp := time.Now().UTC().Format("20060102_1504")
	for _, app := range slices.Sorted(maps.Keys(changes)) {
		if !selected(app) || (len(changes[app]) == 0 && !inv.Bool("empty")) {
			continue
		}
		number, initial := 1, true
		if leaves := g.Leaves(app); len(leaves) == 1 {
			n, _ := strconv.Atoi(strings.SplitN(leaves[0].Name, "_", 2)[0])
			number, initial = n+1, false
		}
		name := migrate.Name(number, changes[app], initial, stamp)
		if custom := inv.String("name"); custom != "" {
			name = fmt.Sprintf("%04d_%s", number, custom)
		}
		newNode[app] = migrate.Node{App: app, Name: name}
	}
	if len(newNode) == 0 {
		if len(inv.Args) == 1 {
			fmt.Fprintf(inv.Out, "No changes detected in app '%s'\n", inv.Args[0])
		} else {
			fmt.Fprintln(inv.Out, "No changes detected")
		}
		return nil
	}
	for _, app := range slices.Sorted(maps.Keys(newNode)) {
		m := &migrate.Migration{App: app, Name: newNode[app].Name, Operations: changes[app]}
		if leaves := g.Leaves(app); len(leaves) == 1 {
			m.Dependencies = append(m.Dependencies, leaves[0])
		}
		for _, other := range deps[app] {
			if n, ok := newNode[other]; ok {
				m.Dependencies = append(m.Dependencies, n)
			} else if leaves := g.Leaves(other); len(leaves) == 1 {
				m.Dependencies = append(m.Dependencies, leaves[0])
			}
		}
		if !inv.Bool("check") { // -check writes nothing: no default to ask
			if m.Operations, err = withOneOffDefaults(q, from, m.Operations); err != nil {
				return err
			}
		}
		if err := writeMigration(inv, g, m); err != nil {
			return err
		}
	}
	for _, s := range q.skipped {
		fmt.Fprintf(inv.Out, "Written as a removal and an addition, not guessed: a possible rename of %s. Run makemigrations without -noinput to say it is one.\n", s)
	}
	if inv.Bool("check") {
		return &ExitError{Code: ExitFailure}
	}
	return nil
}

// mergeMigrations writes, for each app with several latest migrations, a
// migration that depends on all of them, as Django's makemigrations
// --merge.
func mergeMigrations(inv *Invocation) error {
	all, err := inv.Project.migrations()
	if err != nil {
		return err
	}
	g, conflicts, err := migrate.Conflicts(all)
	if err != nil {
		return err
	}
	if len(conflicts) == 0 {
		fmt.Fprintln(inv.Out, "No conflicts detected to merge.")
		return nil
	}
	for _, app := range slices.Sorted(maps.Keys(conflicts)) {
		leaves := conflicts[app]
		number, parts := 0, []string{}
		for _, l := range leaves {
			n, _ := strconv.Atoi(strings.SplitN(l.Name, "_", 2)[0])
			number = max(number, n)
			parts = append(parts, l.Name)
		}
		name := fmt.Sprintf("%04d_merge_%s", number+1, strings.Join(parts, "_"))
		if custom := inv.String("name"); custom != "" {
			name = fmt.Sprintf("%04d_%s", number+1, custom)
		}
		m := &migrate.Migration{App: app, Name: name, Dependencies: leaves}
		if err := writeMigration(inv, g, m); err != nil {
			return err
		}
	}
	return nil
}

// writing says where and whether writeMigration writes.
type writing struct {
	dir        string // the -dir pattern
	dryRun     bool   // report only
	showSource bool   // with dryRun, print the source
}

// writingOf reads the flags of the commands that write migrations.
func writingOf(inv *Invocation) writing {
	w := writing{dir: inv.String("dir"), dryRun: inv.Bool("dry-run")}
	if inv.Flags.Lookup("check") != nil {
		w.dryRun = w.dryRun || inv.Bool("check")
	}
	if inv.Flags.Lookup("verbose") != nil {
		w.showSource = inv.Bool("verbose")
	}
	return w
}

// writeMigration writes m into the app's migrations directory, with the
// index of the app's migrations, or only reports it on a dry run.
func writeMigration(inv *Invocation, g *migrate.Graph, m *migrate.Migration) error {
	w := writingOf(inv)
	dir := strings.ReplaceAll(w.dir, "{app}", m.App)
	pkg := filepath.Base(dir)
	path := filepath.Join(dir, m.Name+".go")
	fmt.Fprintf(inv.Out, "Migrations for '%s':\n  %s\n", m.App, path)
	for _, op := range m.Operations {
		fmt.Fprintf(inv.Out, "    - %s\n", op.Describe())
	}
	src, err := migrate.Source(pkg, m)
	if err != nil {
		return err
	}
	if w.dryRun {
		if w.showSource {
			inv.Out.Write(src)
		}
		return nil
	}
	var names []string
	for _, n := range g.Order() {
		if n.App == m.App {
			names = append(names, n.Name)
		}
	}
	index, err := migrate.IndexSource(pkg, append(names, m.Name))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(path, src, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "all.go"), index, 0o644)
}

func nodeSet(ns []migrate.Node) map[migrate.Node]bool {
	out := make(map[migrate.Node]bool, len(ns))
	for _, n := range ns {
		out[n] = true
	}
	return out
}

func runSquashMigrations(_ context.Context, inv *Invocation) error {
	if len(inv.Args) != 2 {
		return Usagef("squashmigrations takes an app and the last migration to squash, got %q", inv.Args)
	}
	g, err := inv.Project.MigrationGraph()
	if err != nil {
		return err
	}
	name := inv.String("squashed-name")
	if name != "" {
		name = "0001_squashed_" + name
	}
	m, err := migrate.Squash(g, inv.Args[0], inv.Args[1], name)
	if err != nil {
		return err
	}
	if err := writeMigration(inv, g, m); err != nil {
		return err
	}
	fmt.Fprintf(inv.Out, "Squashed %d migrations into %s. Keep the originals until every database has migrated past them, then delete them and drop the Replaces list.\n", len(m.Replaces), m.Name)
	if refs := migrate.References(m); len(refs) > 0 {
		fmt.Fprintf(inv.Out, "Manual porting required: %s repeats these operations from the originals; copy each in (with the functions it calls) before deleting them:\n", m.Name)
		for _, r := range refs {
			fmt.Fprintf(inv.Out, "  - %s\n", r)
		}
	}
	return nil
}

// withOneOffDefaults asks a default for each field that becomes NOT NULL
// without one, added or altered from NULL, as Django's makemigrations: the
// default fills the existing rows, then goes (preserve_default=False), since
// the model has none.
func withOneOffDefaults(q *questioner, from *migrate.State, ops []migrate.Operation) ([]migrate.Operation, error) {
	var out []migrate.Operation
	for _, op := range ops {
		var app, model string
		var field migrate.Field
		switch op := op.(type) {
		case migrate.AddField:
			app, model, field = op.App, op.Model, op.Field
		case migrate.AlterField:
			m, err := from.Model(migrate.Key(op.App, op.Model))
			if err != nil {
				out = append(out, op)
				continue
			}
			if _, was, err := m.Field(op.Field.Name); err != nil || !was.Null {
				out = append(out, op) // not NULL before: no rows to fill
				continue
			}
			app, model, field = op.App, op.Model, op.Field
		default:
			out = append(out, op)
			continue
		}
		if field.Null || field.Default != "" || field.PrimaryKey {
			out = append(out, op)
			continue
		}
		def, err := q.defaultFor(model, field.Name)
		if err != nil {
			return nil, err
		}
		filled := field
		filled.Default = def
		if _, isAdd := op.(migrate.AddField); isAdd {
			out = append(out, migrate.AddField{App: app, Model: model, Field: filled})
		} else {
			out = append(out, migrate.AlterField{App: app, Model: model, Field: filled})
		}
		out = append(out, migrate.AlterField{App: app, Model: model, Field: field})
	}
	return out, nil
}
