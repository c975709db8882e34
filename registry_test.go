package nuages_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/nuages-go/nuages"
	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/orm"
)

// Shelf holds books, which go with it.
type Shelf struct {
	orm.Model
	Name string `orm:"max_length=50"`
}

// Volume is a book on a shelf, with hooks on its writes.
type Volume struct {
	orm.Model
	Shelf orm.ForeignKey[Shelf] `orm:"on_delete=cascade"`
	Title string                `orm:"max_length=100"`
}

// Lending keeps its volume: a lent volume, and its shelf, cannot go.
type Lending struct {
	orm.Model
	Volume orm.ForeignKey[Volume] `orm:"on_delete=protect"`
}

// library is an app that lists its models and hooks its volumes' writes.
// One value serves several projects: it keeps what the hooks saw, by
// project database, and nothing of any project.
type library struct {
	mu  sync.Mutex
	log map[*database.DB][]string // guarded by mu
}

func (*library) Name() string  { return "library" }
func (*library) Models() []any { return []any{Shelf{}, Volume{}, Lending{}} }

func (l *library) Hooks(r *orm.Registry) error {
	return orm.Register(r,
		orm.On(orm.BeforeSave, func(_ context.Context, e orm.Event[Volume]) error {
			e.Obj.Title = strings.TrimSpace(e.Obj.Title)
			return nil
		}),
		orm.On(orm.BeforeDelete|orm.AfterDelete, func(_ context.Context, e orm.Event[Volume]) error {
			l.record(e.DB, map[orm.Op]string{orm.BeforeDelete: "before ", orm.AfterDelete: "after "}[e.Op]+e.Obj.Title)
			return nil
		}),
	)
}

func (l *library) record(db *database.DB, s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.log[db] = append(l.log[db], s)
}

func (l *library) seen(db *database.DB) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.log[db])
}

// A project's databases follow its apps' models and hooks: deleting a
// shelf runs the hooks of the volumes it takes along, and a lending
// protects them, on every engine, with one app value in two projects.
func TestProjectRegistry(t *testing.T) {
	app := &library{log: map[*database.DB][]string{}}
	for _, engine := range []string{nuagestest.SQLite, nuagestest.Postgres, nuagestest.MySQL} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			for i := range 2 {
				t.Run(fmt.Sprint("project", i+1), func(t *testing.T) { checkRegistry(t, engine, app) })
			}
		})
	}
}

func checkRegistry(t *testing.T, engine string, app *library) {
	ctx := t.Context()
	s := nuages.DefaultSettings()
	s.Debug = true
	s.SecretKey = nuages.InsecureKeyPrefix + "test"
	s.SessionEngine = nuages.SessionsNone
	s.Databases = map[string]database.Config{"default": {URL: nuagestest.URL(t, engine)}}
	s.Engines = nuagestest.AllEngines()
	p, err := nuages.New(ctx, s, app)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	db, err := p.DB(ctx, "default")
	if err != nil {
		t.Fatal(err)
	}
	nuagestest.CreateTables(t, db, Shelf{}, Volume{}, Lending{})

	shelf := Shelf{Name: "novels"}
	must(t, orm.Insert(ctx, db, &shelf))
	dune := Volume{Shelf: orm.ForeignKey[Shelf]{ID: shelf.ID}, Title: "  Dune "}
	emma := Volume{Shelf: orm.ForeignKey[Shelf]{ID: shelf.ID}, Title: "Emma"}
	must(t, orm.Insert(ctx, db, &dune))
	must(t, orm.Insert(ctx, db, &emma))
	if dune.Title != "Dune" {
		t.Errorf("BeforeSave did not run: the title is %q", dune.Title)
	}
	lent := Lending{Volume: orm.ForeignKey[Volume]{ID: emma.ID}}
	must(t, orm.Insert(ctx, db, &lent))

	// Without the registry, the database would refuse with a foreign key
	// violation; the collector refuses first, with ErrProtected.
	if err := orm.Delete(ctx, db, &shelf); !errors.Is(err, orm.ErrProtected) {
		t.Fatalf("deleting a shelf with a lent volume: %v, want orm.ErrProtected", err)
	}
	if got := app.seen(db); len(got) != 0 {
		t.Errorf("a refused delete ran the hooks: %q", got)
	}
	must(t, orm.Delete(ctx, db, &lent))
	if n, err := orm.Query[Shelf](db).Filter("pk", shelf.ID).Delete(ctx); err != nil || n != 1 {
		t.Fatalf("deleting the shelf: %d, %v", n, err)
	}
	got := app.seen(db)
	slices.Sort(got)
	if want := []string{"after Dune", "after Emma", "before Dune", "before Emma"}; !slices.Equal(got, want) {
		t.Errorf("the volumes' delete hooks saw %q, want %q", got, want)
	}
	if n, err := orm.Query[Volume](db).Count(ctx); err != nil || n != 0 {
		t.Errorf("volumes left: %d, %v", n, err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// badModels lists a pointer where a model's zero value belongs.
type badModels struct{}

func (badModels) Name() string  { return "bad" }
func (badModels) Models() []any { return []any{&Shelf{}} }

// badHooks fails to register its hooks.
type badHooks struct{}

func (badHooks) Name() string                { return "hooks" }
func (badHooks) Hooks(r *orm.Registry) error { return errors.New("no such model") }

func TestProjectRegistry_Errors(t *testing.T) {
	tests := []struct {
		app  nuages.App
		want string
	}{
		{badModels{}, `nuages: app "bad": orm: Registry.Add of *nuages_test.Shelf: give zero values of model structs, as Question{}`},
		{badHooks{}, `nuages: app "hooks": hooks: no such model`},
	}
	for _, tc := range tests {
		t.Run(tc.app.Name(), func(t *testing.T) {
			s := nuages.DefaultSettings()
			s.Debug = true
			s.SecretKey = nuages.InsecureKeyPrefix + "test"
			if _, err := nuages.New(t.Context(), s, tc.app); err == nil || err.Error() != tc.want {
				t.Errorf("New = %v, want %s", err, tc.want)
			}
		})
	}
}
