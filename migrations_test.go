package nuages

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nuages-go/nuages/database/dialect"
	"github.com/nuages-go/nuages/migrate"
	"github.com/nuages-go/nuages/orm"
)

// shopApp has two migrations: a table, then a column.
type shopApp struct{ label string }

func (a shopApp) Name() string { return "shop" }

func (a shopApp) Migrations() []*migrate.Migration {
	app := a.label
	if app == "" {
		app = "shop"
	}
	return []*migrate.Migration{
		{App: app, Name: "0001_initial", Operations: []migrate.Operation{
			migrate.CreateModel{App: app, Name: "Product", Fields: []migrate.Field{
				{Name: "id", Column: "id", Kind: dialect.KindBigAuto, PrimaryKey: true},
				{Name: "name", Column: "name", Kind: dialect.KindChar, MaxLength: 50},
			}},
		}},
		{App: app, Name: "0002_product_price", Dependencies: []migrate.Node{{App: app, Name: "0001_initial"}}, Operations: []migrate.Operation{
			migrate.AddField{App: app, Model: "Product", Field: migrate.Field{Name: "price", Column: "price", Kind: dialect.KindInt, Default: "0"}},
		}},
	}
}

func TestMigrationCommands(t *testing.T) {
	t.Parallel()
	p := newProject(t, devSettings(t), shopApp{})
	steps := []struct {
		args    []string
		code    int
		wantOut []string
		wantErr string
	}{
		{[]string{"showmigrations"}, 0, []string{"shop\n [ ] 0001_initial\n [ ] 0002_product_price\n"}, ""},
		{[]string{"migrate", "-plan"}, 0, []string{"Planned operations:\nsessions.0001_initial\n    Create model Row\nshop.0001_initial\n    Create model Product\nshop.0002_product_price\n    Add field price to Product\n"}, ""},
		{[]string{"sqlmigrate", "shop", "0002"}, 0, []string{"-- Add field price to Product\n", `ALTER TABLE "product" ADD COLUMN "price" integer NOT NULL DEFAULT 0;`}, ""},
		{[]string{"migrate", "shop", "0001"}, 0, []string{"Target specific migration: 0001, from shop\nRunning migrations:\n  Applying shop.0001_initial... OK ("}, ""},
		{[]string{"showmigrations", "-plan"}, 0, []string{"[X]  shop.0001_initial\n[ ]  shop.0002_product_price ... (shop.0001_initial)\n"}, ""},
		{[]string{"migrate"}, 0, []string{"Apply all migrations: sessions, shop\n", "Applying shop.0002_product_price... OK"}, ""},
		{[]string{"migrate"}, 0, []string{"No migrations to apply."}, ""},
		{[]string{"migrate", "shop", "zero"}, 0, []string{"Unapplying shop.0002_product_price... OK", "Unapplying shop.0001_initial... OK"}, ""},
		{[]string{"migrate", "-fake"}, 0, []string{"Applying shop.0001_initial... FAKED"}, ""},
		{[]string{"migrate", "nope"}, 1, nil, `app "nope" has no migrations`},
		{[]string{"migrate", "-database", "other"}, 2, nil, `-database "other": no such database alias`},
		{[]string{"sqlmigrate", "shop"}, 2, nil, "sqlmigrate takes an app and a migration"},
		{[]string{"showmigrations", "nope"}, 2, nil, `app "nope" has no migrations; the apps with migrations are sessions, shop`},
	}
	for _, s := range steps {
		code, out, errOut := runCLI(t, p, s.args...)
		if code != s.code {
			t.Fatalf("%v: exit %d, want %d\nstdout: %s\nstderr: %s", s.args, code, s.code, out, errOut)
		}
		for _, w := range s.wantOut {
			if !strings.Contains(out, w) {
				t.Errorf("%v: stdout lacks %q:\n%s", s.args, w, out)
			}
		}
		if s.wantErr != "" && !strings.Contains(errOut, s.wantErr) {
			t.Errorf("%v: stderr lacks %q:\n%s", s.args, s.wantErr, errOut)
		}
	}
}

func TestMigrationGraph_WrongApp(t *testing.T) {
	t.Parallel()
	p := newProject(t, devSettings(t), shopApp{label: "store"})
	_, err := p.MigrationGraph()
	if err == nil || !strings.Contains(err.Error(), `app "shop" returns the migration store.0001_initial: a migration's App must be the app's name`) {
		t.Errorf("err = %v", err)
	}
}

// Product is shop's model today: name became title, and stock is new.
type Product struct {
	ID    int64  `orm:"primary_key"`
	Title string `orm:"max_length=50"`
	Price int32  `orm:"default=0"`
	Stock int
}

type modelShop struct{ shopApp }

func (modelShop) Models() []any { return []any{Product{}} }

func TestMakeMigrations(t *testing.T) {
	t.Parallel()
	p := newProject(t, devSettings(t), modelShop{})
	dir := t.TempDir()
	run := func(input string, args ...string) (int, string, string) {
		t.Helper()
		var out, errOut strings.Builder
		code := p.Run(t.Context(), append([]string{"mysite", "makemigrations", "-dir", dir + "/{app}"}, args...), IO{In: strings.NewReader(input), Out: &out, Err: &errOut})
		return code, out.String(), errOut.String()
	}

	code, out, errOut := run("", "-noinput")
	if code != 1 || !strings.Contains(errOut, "the NOT NULL field product.title has no default") {
		t.Errorf("-noinput with a NOT NULL field: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, _ := run("", "-check", "-noinput"); code != 1 || !strings.Contains(out, "Migrations for 'shop'") {
		t.Errorf("-check: exit %d, want 1\n%s", code, out)
	}

	code, out, errOut = run("y\n7\n")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{
		"Was product.name renamed to product.title? [y/N] ",
		"The NOT NULL field product.stock needs a default",
		"    - Rename field name on Product to title\n    - Add field stock to Product\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "shop", "*.go"))
	if len(files) != 2 {
		t.Fatalf("files written: %v", files)
	}
	src, _ := os.ReadFile(filepath.Join(dir, "shop", "all.go"))
	if !strings.Contains(string(src), "m0001Initial,\n\tm0002ProductPrice,\n\tm0003Auto") {
		t.Errorf("all.go:\n%s", src)
	}
	for _, f := range files {
		if strings.Contains(f, "0003_auto_") {
			src, _ := os.ReadFile(f)
			for _, want := range []string{
				`migrate.RenameField{App: "shop", Model: "Product", Old: "name", New: "title"}`,
				`migrate.AddField{App: "shop", Model: "Product", Field: migrate.Field{Name: "stock", Column: "stock", Kind: dialect.KindBigInt, Default: "7"}}`,
				`migrate.AlterField{App: "shop", Model: "Product", Field: migrate.Field{Name: "stock", Column: "stock", Kind: dialect.KindBigInt}}`,
				`Dependencies: []migrate.Node{
		{App: "shop", Name: "0002_product_price"},`,
			} {
				if !strings.Contains(string(src), want) {
					t.Errorf("%s lacks %q:\n%s", f, want, src)
				}
			}
		}
	}
}

func TestMigrateFakeInitial(t *testing.T) {
	t.Parallel()
	p := newProject(t, devSettings(t), shopApp{})
	db, err := p.DB(t.Context(), "default")
	if err != nil {
		t.Fatal(err)
	}
	// A database made before its migrations: the table is there.
	if _, err := db.Exec(t.Context(), `CREATE TABLE "product" ("id" integer PRIMARY KEY AUTOINCREMENT, "name" varchar(50) NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, p, "migrate", "-fake-initial")
	if code != 0 || !strings.Contains(out, "Applying shop.0001_initial... FAKED") || !strings.Contains(out, "Applying shop.0002_product_price... OK") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
}

// forkApp has two latest migrations, made on two branches.
type forkApp struct{}

func (forkApp) Name() string { return "fork" }

func (forkApp) Migrations() []*migrate.Migration {
	first := migrate.Node{App: "fork", Name: "0001_initial"}
	return []*migrate.Migration{
		{App: "fork", Name: "0001_initial"},
		{App: "fork", Name: "0002_a", Dependencies: []migrate.Node{first}},
		{App: "fork", Name: "0002_b", Dependencies: []migrate.Node{first}},
	}
}

func TestMakeMigrationsMerge(t *testing.T) {
	t.Parallel()
	p := newProject(t, devSettings(t), forkApp{})
	if code, _, errOut := runCLI(t, p, "migrate"); code != 1 || !strings.Contains(errOut, `app "fork" has 2 latest migrations, fork.0002_a and fork.0002_b: merge them (makemigrations -merge)`) {
		t.Errorf("migrate with two leaves: exit %d, %s", code, errOut)
	}
	dir := t.TempDir()
	code, out, errOut := runCLI(t, p, "makemigrations", "-merge", "-dir", dir+"/{app}")
	if code != 0 || !strings.Contains(out, "0003_merge_0002_a_0002_b.go") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	src, err := os.ReadFile(filepath.Join(dir, "fork", "0003_merge_0002_a_0002_b.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), `{App: "fork", Name: "0002_a"},`) || !strings.Contains(string(src), `{App: "fork", Name: "0002_b"},`) {
		t.Errorf("the merge does not depend on both:\n%s", src)
	}
}

type Note struct {
	orm.Model
	Text string `orm:"max_length=100"`
}

// noteApp's migrations are made from its models when asked.
type noteApp struct{}

func (noteApp) Name() string  { return "notes" }
func (noteApp) Models() []any { return []any{Note{}} }

func (noteApp) Migrations() []*migrate.Migration {
	m, err := orm.MetaOf[Note]()
	if err != nil {
		panic(err)
	}
	to, _, err := migrate.StateOf([]migrate.AppModels{{App: "notes", Models: []*orm.Meta{m}}})
	if err != nil {
		panic(err)
	}
	ops, _ := migrate.Changes(migrate.NewState(), to, nil)
	return []*migrate.Migration{{App: "notes", Name: "0001_initial", Operations: ops["notes"]}}
}

func TestFixtureCommands(t *testing.T) {
	t.Parallel()
	p := newProject(t, devSettings(t), noteApp{})
	dir := t.TempDir()
	fixture := filepath.Join(dir, "notes.json")
	if err := os.WriteFile(fixture, []byte(`[{"model": "notes.note", "pk": 3, "fields": {"text": "hello"}}]`), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`[{"model": "notes.note", "pk": 4, "fields": {"text": "x"}}, {"model": "notes.note", "pk": 5, "fields": {"txt": "y"}}]`), 0o644); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		args    []string
		input   string
		code    int
		wantOut string
		wantErr string
	}{
		{[]string{"migrate"}, "", 0, "Applying notes.0001_initial... OK", ""},
		{[]string{"loaddata", fixture}, "", 0, "Installed 1 object(s) from 1 fixture(s)", ""},
		{[]string{"loaddata", fixture, bad}, "", 1, "", `bad.json, object 1 (notes.note): Note has no field "txt"`},
		{[]string{"dumpdata", "notes"}, "", 0, `[{"model":"notes.note","pk":3,"fields":{"text":"hello"}}]`, ""},
		{[]string{"flush"}, "no\n", 0, "Flush cancelled.", ""},
		{[]string{"dumpdata", "-indent", "2", "notes.Note"}, "", 0, "[\n  {\n    \"model\": \"notes.note\",", ""},
		{[]string{"flush", "-noinput"}, "", 0, "", ""},
		{[]string{"dumpdata"}, "", 0, "[]", ""},
		{[]string{"dumpdata", "nope"}, "", 1, "", `no app "nope" with models`},
	}
	for _, s := range steps {
		var out, errOut strings.Builder
		code := p.Run(t.Context(), append([]string{"mysite"}, s.args...), IO{In: strings.NewReader(s.input), Out: &out, Err: &errOut})
		if code != s.code || !strings.Contains(out.String(), s.wantOut) || !strings.Contains(errOut.String(), s.wantErr) {
			t.Errorf("%v: exit %d (want %d)\nstdout: %s\nstderr: %s", s.args, code, s.code, out.String(), errOut.String())
		}
	}
}

func TestInspectDBCommand(t *testing.T) {
	t.Parallel()
	p := newProject(t, devSettings(t), noteApp{})
	if code, out, errOut := runCLI(t, p, "migrate"); code != 0 {
		t.Fatalf("migrate: %d %s %s", code, out, errOut)
	}
	code, out, errOut := runCLI(t, p, "inspectdb", "-package", "legacy")
	if code != 0 || !strings.Contains(out, "package legacy") || !strings.Contains(out, "type Note struct {") || !strings.Contains(out, "Text string `orm:\"max_length=100\"`") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
}

func TestSquashMigrationsCommand(t *testing.T) {
	t.Parallel()
	p := newProject(t, devSettings(t), shopApp{})
	dir := t.TempDir()
	code, out, errOut := runCLI(t, p, "squashmigrations", "-dir", dir+"/{app}", "shop", "0002")
	if code != 0 || !strings.Contains(out, "Squashed 2 migrations into 0001_squashed_0002_product_price.") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	src, err := os.ReadFile(filepath.Join(dir, "shop", "0001_squashed_0002_product_price.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Replaces: []migrate.Node{", `{Name: "price", Column: "price", Kind: dialect.KindInt, Default: "0"}`} {
		if !strings.Contains(string(src), want) {
			t.Errorf("the squash lacks %q:\n%s", want, src)
		}
	}
}

// Gadget.Name was nullable in the migrations; the model makes it NOT NULL.
type Gadget struct {
	orm.Model
	Name string `orm:"max_length=20"`
}

type gadgetApp struct{}

func (gadgetApp) Name() string  { return "gadgets" }
func (gadgetApp) Models() []any { return []any{Gadget{}} }
func (gadgetApp) Migrations() []*migrate.Migration {
	return []*migrate.Migration{{App: "gadgets", Name: "0001_initial", Operations: []migrate.Operation{
		migrate.CreateModel{App: "gadgets", Name: "Gadget", Table: "gadget", Fields: []migrate.Field{
			{Name: "id", Column: "id", Kind: dialect.KindBigAuto, PrimaryKey: true},
			{Name: "name", Column: "name", Kind: dialect.KindChar, MaxLength: 20, Null: true},
		}},
	}}}
}

func TestMakeMigrations_NotNullNeedsDefault(t *testing.T) {
	t.Parallel()
	p := newProject(t, devSettings(t), gadgetApp{})
	dir := t.TempDir()
	var out, errOut strings.Builder
	code := p.Run(t.Context(), []string{"mysite", "makemigrations", "-dir", dir + "/{app}", "-dry-run", "-verbose"}, IO{In: strings.NewReader("'unnamed'\n"), Out: &out, Err: &errOut})
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errOut.String())
	}
	for _, want := range []string{
		"The NOT NULL field gadget.name needs a default",
		`migrate.AlterField{App: "gadgets", Model: "Gadget", Field: migrate.Field{Name: "name", Column: "name", Kind: dialect.KindChar, MaxLength: 20, Default: "'unnamed'"}}`,
		`migrate.AlterField{App: "gadgets", Model: "Gadget", Field: migrate.Field{Name: "name", Column: "name", Kind: dialect.KindChar, MaxLength: 20}}`,
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
