package migrate_test

import (
	"go/parser"
	"go/token"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/migrate"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/orm"
)

// Tables made by migrations from models read back as models alike.
func TestInspect(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		ctx := t.Context()
		to, _, err := migrate.StateOf([]migrate.AppModels{{App: "lib", Models: []*orm.Meta{metaOf[Author](t), metaOf[Book](t), metaOf[Tag](t), metaOf[Visit](t)}}})
		if err != nil {
			t.Fatal(err)
		}
		ops, _ := migrate.Changes(migrate.NewState(), to, nil)
		migrateTo(t, executor(t, db, []*migrate.Migration{{App: "lib", Name: "0001_initial", Operations: ops["lib"]}}, new(strings.Builder)), "", "")

		src, err := migrate.Inspect(ctx, db, "models", nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := parser.ParseFile(token.NewFileSet(), "models.go", src, parser.AllErrors); err != nil {
			t.Fatalf("inspectdb wrote Go that does not parse: %v\n%s", err, src)
		}
		text := string(src)
		for _, want := range []string{
			"type Author struct {",
			"\tID    int64  `orm:\"primary_key\"`",
			"Name  string `orm:\"max_length=50\"`",
			"Author orm.ForeignKey[Author] `orm:\"on_delete=do_nothing\"`",
			"type BookTags struct {", // the many-to-many table
			"Book orm.ForeignKey[Book] `orm:\"on_delete=do_nothing\"`",
			"func (Author) Meta() orm.Options { return orm.Options{Table: \"author\"} }",
			"At     time.Time",
			"Note   *string",
			"`orm:\"max_digits=8,decimal_places=2\"`",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("inspectdb output lacks %q:\n%s", want, text)
			}
		}
		if strings.Contains(text, migrate.RecordTable) {
			t.Error("inspectdb wrote a model for the migrations' table")
		}
		if _, err := migrate.Inspect(ctx, db, "models", []string{"nope"}); err == nil || !strings.Contains(err.Error(), `no table "nope"; the tables are`) {
			t.Errorf("an unknown table: %v", err)
		}
	})
}

// inspectdb's output compiles, and each model it wrote is a valid model
// (its tags parse): it is built and run, as a program, against this module.
func TestInspectCompiles(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds a program")
	}
	db := nuagestest.OpenDB(t, nuagestest.SQLite)
	to, _, err := migrate.StateOf([]migrate.AppModels{{App: "lib", Models: []*orm.Meta{metaOf[Author](t), metaOf[Book](t), metaOf[Tag](t), metaOf[Visit](t)}}})
	if err != nil {
		t.Fatal(err)
	}
	ops, _ := migrate.Changes(migrate.NewState(), to, nil)
	migrateTo(t, executor(t, db, []*migrate.Migration{{App: "lib", Name: "0001_initial", Operations: ops["lib"]}}, new(strings.Builder)), "", "")
	src, err := migrate.Inspect(t.Context(), db, "main", nil)
	if err != nil {
		t.Fatal(err)
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	check := `
func main() {
	for _, v := range []any{Author{}, Book{}, BookTags{}, Tag{}, Visit{}} {
		if _, err := orm.MetaOfType(reflect.TypeOf(v)); err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
	}
	fmt.Println("ok")
}
`
	program := strings.Replace(string(src), "import (", "import (\n\t\"fmt\"\n\t\"os\"\n\t\"reflect\"\n", 1) + check
	// The module requires what the project's go.mod does, so that Go
	// needs no module the project's own build did not fetch (GOPROXY=off).
	rootMod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	goMod := strings.Replace(string(rootMod), "module github.com/nuages-go/nuages", "module inspected", 1) +
		"\nrequire github.com/nuages-go/nuages v0.0.0\n\nreplace github.com/nuages-go/nuages => " + root + "\n"
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"main.go": []byte(program), "go.mod": []byte(goMod), "go.sum": sum} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := osexec.CommandContext(t.Context(), "go", "run", "-mod=mod", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off")
	out, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Errorf("the inspected models do not build or load: %v\n%s\n%s", err, out, program)
	}
}
