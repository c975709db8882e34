package orm_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/database/dialect"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/orm"
)

// Loan is restricted by its book but goes with its reader: deleting the
// book alone is refused, deleting the reader takes the loan along.
type Loan struct {
	orm.Model
	Book   orm.ForeignKey[Book]   `orm:"on_delete=restrict"`
	Reader orm.ForeignKey[Author] `orm:"on_delete=cascade"`
}

type NoRule struct {
	orm.Model
	Book orm.ForeignKey[Book]
}

func TestSaveHooks(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		migrate(t, db, meta[Author](t))
		ctx := t.Context()
		var log []string
		fail := ""
		reg := orm.NewRegistry()
		err := orm.Register(reg,
			orm.On(orm.BeforeSave, func(ctx context.Context, e orm.Event[Author]) error {
				e.Obj.Name = strings.TrimSpace(e.Obj.Name)
				if fail == "before" {
					return errors.New("refused")
				}
				return nil
			}),
			orm.On(orm.AfterSave, func(ctx context.Context, e orm.Event[Author]) error {
				log = append(log, fmt.Sprintf("%s created=%v", e.Obj.Name, e.Created))
				if fail == "after" {
					return errors.New("undone")
				}
				return nil
			}),
		)
		if err != nil {
			t.Fatal(err)
		}
		reg.Use(db)

		a := Author{Name: "  Ursula ", Country: "US"}
		if err := orm.Insert(ctx, db, &a); err != nil {
			t.Fatal(err)
		}
		a.Country = "GB"
		if err := orm.Save(ctx, db, &a); err != nil {
			t.Fatal(err)
		}
		ghost := Author{Model: orm.Model{ID: a.ID + 100}, Name: "Ghost"}
		if err := orm.Save(ctx, db, &ghost); err != nil {
			t.Fatal(err)
		}
		if want := "[Ursula created=true Ursula created=false Ghost created=true]"; fmt.Sprint(log) != want {
			t.Errorf("hooks saw %v, want %s", log, want)
		}
		if got, _ := orm.Query[Author](db).Filter("pk", a.ID).Get(ctx); got.Name != "Ursula" {
			t.Errorf("BeforeSave's change was not stored: %q", got.Name)
		}

		for _, stage := range []string{"before", "after"} {
			fail = stage
			b := Author{Name: "Bob-" + stage}
			err := orm.Insert(ctx, db, &b)
			if err == nil {
				t.Fatalf("%s hook failed, Insert did not", stage)
			}
			if b.ID != 0 {
				t.Errorf("%s hook failed: the key %d stayed in the object", stage, b.ID)
			}
			if n, _ := orm.Query[Author](db).Filter("name", "Bob-"+stage).Count(ctx); n != 0 {
				t.Errorf("%s hook failed: the row was kept", stage)
			}
		}
	})
}

func TestDeleteCollector(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		ursula, terry := library(t, db)
		migrate(t, db, meta[Loan](t))
		ctx := t.Context()
		var deleted []string
		reg := orm.NewRegistry()
		for _, err := range []error{
			orm.Register[Author](reg),
			orm.Register(reg, orm.On(orm.BeforeDelete|orm.AfterDelete, func(ctx context.Context, e orm.Event[Book]) error {
				when := map[orm.Op]string{orm.BeforeDelete: "before ", orm.AfterDelete: "after "}[e.Op]
				deleted = append(deleted, when+e.Obj.Title)
				return nil
			})),
			orm.Register[Review](reg),
			orm.Register[Passport](reg),
			orm.Register[Loan](reg),
		} {
			if err != nil {
				t.Fatal(err)
			}
		}
		reg.Use(db)
		book := func(title string) Book {
			t.Helper()
			b, err := orm.Query[Book](db).Filter("title", title).Get(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		mort, earthsea := book("Mort"), book("Earthsea")
		for _, row := range []any{
			&Passport{Holder: orm.OneToOne[Author]{ID: terry.ID}},
			&Review{Book: orm.ForeignKey[Book]{ID: mort.ID}, Stars: 5},
			&Loan{Book: orm.ForeignKey[Book]{ID: earthsea.ID}, Reader: orm.ForeignKey[Author]{ID: ursula.ID}},
		} {
			var err error
			switch r := row.(type) {
			case *Passport:
				err = orm.Insert(ctx, db, r)
			case *Review:
				err = orm.Insert(ctx, db, r)
			case *Loan:
				err = orm.Insert(ctx, db, r)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		count := func() string {
			var out []string
			for _, n := range []func(context.Context) (int64, error){
				orm.Query[Author](db).Count, orm.Query[Book](db).Count, orm.Query[Review](db).Count,
				orm.Query[Passport](db).Count, orm.Query[Loan](db).Count,
			} {
				c, err := n(ctx)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, fmt.Sprint(c))
			}
			return strings.Join(out, " ")
		}

		refused := []struct {
			name string
			del  func() error
			want string
		}{
			{"protect", func() error { return orm.Delete(ctx, db, &mort) }, "cannot delete Book " + fmt.Sprint(mort.ID) + ": 1 Review row(s) point at it through Review.Book, which is on_delete=protect"},
			{"protect_through_cascade", func() error { return orm.Delete(ctx, db, &terry) }, "through Review.Book, which is on_delete=protect"},
			{"restrict", func() error { return orm.Delete(ctx, db, &earthsea) }, "Loan 1 points at it through Loan.Book, which is on_delete=restrict"},
		}
		for _, tt := range refused {
			t.Run(tt.name, func(t *testing.T) {
				err := tt.del()
				if !errors.Is(err, orm.ErrProtected) || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("err = %v, want ErrProtected with %q", err, tt.want)
				}
				if got := count(); got != "2 3 1 1 1" {
					t.Errorf("rows after a refused delete (authors books reviews passports loans) = %s, want 2 3 1 1 1", got)
				}
				if len(deleted) > 0 {
					t.Errorf("hooks ran for a refused delete: %v", deleted)
				}
			})
		}

		// Ursula's delete takes her books and, through her as reader, the
		// loan that restricts Earthsea: allowed, as Django's RESTRICT.
		if err := orm.Delete(ctx, db, &ursula); err != nil {
			t.Fatal(err)
		}
		if got := count(); got != "1 1 1 1 0" {
			t.Errorf("after deleting Ursula: %s, want 1 1 1 1 0", got)
		}
		slices.Sort(deleted)
		if want := "[after Earthsea after The Dispossessed before Earthsea before The Dispossessed]"; fmt.Sprint(deleted) != want {
			t.Errorf("hooks: %v, want %s", deleted, want)
		}

		// Deleting the review lets Terry go, with his book and passport;
		// no book left names an editor.
		if n, err := orm.Query[Review](db).Delete(ctx); err != nil || n != 1 {
			t.Fatalf("deleting reviews: %d, %v", n, err)
		}
		if n, err := orm.Query[Author](db).Filter("name", "Terry").Delete(ctx); err != nil || n != 1 {
			t.Fatalf("deleting Terry: %d, %v", n, err)
		}
		if got := count(); got != "0 0 0 0 0" {
			t.Errorf("after deleting Terry: %s, want 0 0 0 0 0", got)
		}
	})
}

func TestDeleteCollector_SetNull(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		_, terry := library(t, db)
		ctx := t.Context()
		reg := orm.NewRegistry()
		if err := reg.Add(Book{}); err != nil { // as a project adds its apps' models
			t.Fatal(err)
		}
		reg.Use(db)
		// Terry edits The Dispossessed (set_null) and wrote Mort (cascade).
		if err := orm.Delete(ctx, db, &terry); err != nil {
			t.Fatal(err)
		}
		books, err := orm.Query[Book](db).OrderBy("title").All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, b := range books {
			got = append(got, fmt.Sprintf("%s editor=%d", b.Title, b.Editor.ID))
		}
		if want := "[Earthsea editor=0 The Dispossessed editor=0]"; fmt.Sprint(got) != want {
			t.Errorf("books = %v, want %s", got, want)
		}
	})
}

func TestRegister_Errors(t *testing.T) {
	reg := orm.NewRegistry()
	err := orm.Register[NoRule](reg)
	if err == nil || !strings.Contains(err.Error(), "model NoRule, field Book: a relation needs on_delete: cascade, protect, restrict, set_null, set_default or do_nothing") {
		t.Errorf("a ForeignKey without on_delete: %v", err)
	}
	for _, tc := range []struct {
		models []any
		want   string
	}{
		{[]any{NoRule{}}, "model NoRule, field Book: a relation needs on_delete"},
		{[]any{Book{}, &Author{}}, "orm: Registry.Add of *orm_test.Author: give zero values of model structs, as Question{}"},
		{[]any{nil}, "orm: Registry.Add of <nil>: give zero values"},
	} {
		if err := reg.Add(tc.models...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Add(%T) = %v, want %q", tc.models, err, tc.want)
		}
	}
	if len(reg.Models()) != 0 {
		t.Errorf("a bad model was registered: %v", reg.Models())
	}
}

// A historical model, as data migrations use, has no Go type: a registry
// attached to the database must not take the registered models' plain
// fields for keys pointing at it.
func TestDeleteCollector_Historical(t *testing.T) {
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		library(t, db)
		ctx := t.Context()
		nobody := Author{Name: "Nobody"}
		if err := orm.Insert(ctx, db, &nobody); err != nil {
			t.Fatal(err)
		}
		reg := orm.NewRegistry()
		if err := reg.Add(Book{}); err != nil {
			t.Fatal(err)
		}
		reg.Use(db)
		author, err := orm.HistoricalModel("Author", meta[Author](t).Table, []orm.HistoricalField{
			{Name: "id", Column: "id", Kind: dialect.KindBigAuto, PrimaryKey: true},
			{Name: "name", Column: "name", Kind: dialect.KindChar},
		})
		if err != nil {
			t.Fatal(err)
		}
		if n, err := orm.QueryHistorical(db, author).Filter("name", "Nobody").Delete(ctx); err != nil || n != 1 {
			t.Fatalf("deleting Nobody: %d, %v", n, err)
		}
		if n, err := orm.Query[Book](db).Count(ctx); err != nil || n != 3 {
			t.Errorf("books after deleting an author of none: %d, %v; want 3", n, err)
		}
	})
}

// A registry in use is frozen: what a database follows does not change
// under its writes.
func TestRegister_AfterUse(t *testing.T) {
	db := nuagestest.OpenDB(t, nuagestest.SQLite)
	reg := orm.NewRegistry()
	if err := reg.Add(Author{}); err != nil {
		t.Fatal(err)
	}
	reg.Use(db)
	const want = "orm: cannot register Book: the registry is in use by a database already; register every model before Use"
	if err := orm.Register[Book](reg); err == nil || err.Error() != want {
		t.Errorf("Register after Use: %v, want %s", err, want)
	}
	if err := reg.Add(Book{}); err == nil || err.Error() != want {
		t.Errorf("Add after Use: %v, want %s", err, want)
	}
	if got := len(reg.Models()); got != 1 {
		t.Errorf("%d models after refused registrations, want 1", got)
	}
}

// traced is a hook wrapper, as middleware wraps a handler: it records each
// op before the hook it wraps; Unwrap keeps that hook's ops.
type traced[T any] struct {
	next orm.Hook[T]
	ops  *[]string
}

func (t traced[T]) Hook(ctx context.Context, e orm.Event[T]) error {
	*t.ops = append(*t.ops, "traced "+e.Op.String())
	return t.next.Hook(ctx, e)
}

func (t traced[T]) Unwrap() orm.Hook[T] { return t.next }

// A HookFunc runs at every op, a hook from On only at its own; a wrapper
// keeps the ops of the hook it wraps.
func TestHookOps(t *testing.T) {
	db := nuagestest.OpenDB(t, nuagestest.SQLite)
	migrate(t, db, meta[Author](t))
	ctx := t.Context()
	var ops []string
	record := func(name string) orm.HookFunc[Author] {
		return func(ctx context.Context, e orm.Event[Author]) error {
			ops = append(ops, fmt.Sprintf("%s %s created=%v", name, e.Op, e.Created))
			return nil
		}
	}
	reg := orm.NewRegistry()
	if err := orm.Register(reg,
		record("every"),
		orm.On(orm.AfterSave, record("after_save")),
		traced[Author]{orm.On(orm.BeforeDelete, record("before_delete")), &ops},
	); err != nil {
		t.Fatal(err)
	}
	reg.Use(db)
	a := Author{Name: "Ursula", Country: "US"}
	if err := orm.Insert(ctx, db, &a); err != nil {
		t.Fatal(err)
	}
	if err := orm.Delete(ctx, db, &a); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"every BeforeSave created=false",
		"every AfterSave created=true",
		"after_save AfterSave created=true",
		"every BeforeDelete created=false",
		"traced BeforeDelete",
		"before_delete BeforeDelete created=false",
		"every AfterDelete created=false",
	}
	if !slices.Equal(ops, want) {
		t.Errorf("hooks ran:\n%s\nwant:\n%s", strings.Join(ops, "\n"), strings.Join(want, "\n"))
	}
}
