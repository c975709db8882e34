package migrate_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/database/dialect"
	"github.com/nuages-go/nuages/migrate"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/orm"
)

type Author struct {
	orm.Model
	Name  string `orm:"max_length=50"`
	Email string `orm:"max_length=100"`
}

func (Author) Meta() orm.Options {
	return orm.Options{
		Indexes:     []orm.Index{{Fields: []string{"name", "-email"}}},
		Constraints: []orm.Constraint{orm.Unique{Name: "author_email_uniq", Fields: []string{"email"}}, orm.Check{Name: "named", Condition: orm.Q{"name__gt": ""}}},
	}
}

type Book struct {
	orm.Model
	Title  string                 `orm:"max_length=100"`
	Author orm.ForeignKey[Author] `orm:"on_delete=cascade"`
	Tags   orm.ManyToMany[Tag]
}

type Tag struct {
	orm.Model
	Label string `orm:"max_length=20"`
}

func metaOf[T any](t *testing.T) *orm.Meta {
	t.Helper()
	m, err := orm.MetaOf[T]()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// From nothing, the models become CreateModel operations, each after the
// models it points to, with the many-to-many table and the Meta options;
// applied, they give tables the ORM can use.
func TestChangesFromModels(t *testing.T) {
	t.Parallel()
	to, skipped, err := migrate.StateOf([]migrate.AppModels{
		{App: "shelf", Models: []*orm.Meta{metaOf[Book](t)}},
		{App: "people", Models: []*orm.Meta{metaOf[Author](t)}},
		{App: "shelf", Models: []*orm.Meta{metaOf[Tag](t)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(skipped) != 0 {
		t.Errorf("skipped = %v", skipped)
	}
	ops, deps := migrate.Changes(migrate.NewState(), to, nil)
	var got []string
	for _, app := range []string{"people", "shelf"} {
		for _, op := range ops[app] {
			got = append(got, app+": "+op.Describe())
		}
	}
	want := "[people: Create model Author shelf: Create model Book shelf: Create model Tag shelf: Create model Book_Tags]"
	if fmt.Sprint(got) != want {
		t.Errorf("operations:\n got %v\nwant %s", got, want)
	}
	if fmt.Sprint(deps) != "map[shelf:[people]]" {
		t.Errorf("dependencies = %v", deps)
	}
	src, err := migrate.Source("migrations", &migrate.Migration{App: "people", Name: "0001_initial", Operations: ops["people"]})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{
		`Indexes: []dialect.Index{{Name: "author_name_email_idx", Columns: []string{"name", "-email"}}}`,
		`Constraints: []dialect.Constraint{{Name: "author_email_uniq", Kind: dialect.ConstraintUnique, Columns: []string{"email"}}}`,
		`Checks: []migrate.Check{{Name: "named", Condition: orm.Q{"name__gt": ""}}}`,
		`"github.com/nuages-go/nuages/orm"`,
	} {
		if !strings.Contains(string(src), w) {
			t.Errorf("source lacks %s:\n%s", w, src)
		}
	}

	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		ctx := t.Context()
		ms := []*migrate.Migration{
			{App: "people", Name: "0001_initial", Operations: ops["people"]},
			{App: "shelf", Name: "0001_initial", Dependencies: []migrate.Node{{App: "people", Name: "0001_initial"}}, Operations: ops["shelf"]},
		}
		migrateTo(t, executor(t, db, ms, new(strings.Builder)), "", "")
		ann := Author{Name: "Ann", Email: "ann@example.com"}
		if err := orm.Insert(ctx, db, &ann); err != nil {
			t.Fatal(err)
		}
		if err := orm.Insert(ctx, db, &Author{Name: "Other", Email: "ann@example.com"}); !errors.Is(err, dialect.ErrUniqueViolation) {
			t.Errorf("a second email: %v, want the unique constraint", err)
		}
		if err := orm.Insert(ctx, db, &Author{Name: "", Email: "nobody@example.com"}); !errors.Is(err, dialect.ErrCheckViolation) {
			t.Errorf("an empty name: %v, want the check constraint", err)
		}
		book := Book{Title: "Go", Author: orm.ForeignKey[Author]{ID: ann.ID}}
		go1 := Tag{Label: "go"}
		for _, err := range []error{orm.Insert(ctx, db, &book), orm.Insert(ctx, db, &go1)} {
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := orm.Links(db, &book, &book.Tags).Add(ctx, go1, go1); err != nil {
			t.Fatal(err)
		}
		n, err := orm.Query[Book](db).Filter("tags__label", "go").Filter("author__name", "Ann").Count(ctx)
		if err != nil || n != 1 {
			t.Errorf("a query across the migrated tables: %d, %v", n, err)
		}
	})
}

// A changed Meta index is removed and added again; a new constraint added.
func TestChangesOfOptions(t *testing.T) {
	from := migrate.NewState()
	from.Models["a.m"] = &migrate.Model{App: "a", Name: "M", Table: "m", Indexes: []dialect.Index{{Name: "ix", Columns: []string{"x"}}}}
	to := from.Clone()
	to.Models["a.m"].Indexes = []dialect.Index{{Name: "ix", Columns: []string{"x", "y"}}}
	to.Models["a.m"].Constraints = []dialect.Constraint{{Name: "u", Kind: dialect.ConstraintUnique, Columns: []string{"y"}}}
	ops, _ := migrate.Changes(from, to, nil)
	var got []string
	for _, op := range ops["a"] {
		got = append(got, op.Describe())
	}
	if want := "[Remove index ix from M Create index ix on M Create constraint u on model M]"; fmt.Sprint(got) != want {
		t.Errorf("got %v, want %s", got, want)
	}
}

type yes struct{}

func (yes) Renamed(string, string, string) bool { return true }
func (yes) RenamedModel(string, string) bool    { return true }

func TestChangesRenameModel(t *testing.T) {
	t.Parallel()
	fields := []migrate.Field{{Name: "id", Column: "id", Kind: dialect.KindBigAuto, PrimaryKey: true}, {Name: "n", Column: "n", Kind: dialect.KindInt}}
	create := migrate.CreateModel{App: "a", Name: "Old", Table: "old", Fields: fields}
	pointer := migrate.CreateModel{App: "a", Name: "Ref", Table: "ref", Fields: []migrate.Field{fields[0], {Name: "to", Column: "to_id", Kind: dialect.KindBigInt, To: "a.old", OnDelete: dialect.Cascade}}}
	from := migrate.NewState()
	for _, op := range []migrate.Operation{create, pointer} {
		if err := op.State(from); err != nil {
			t.Fatal(err)
		}
	}
	to := migrate.NewState()
	renamed := create
	renamed.Name, renamed.Table = "New", "new"
	pointer.Fields[1].To = "a.new"
	for _, op := range []migrate.Operation{renamed, pointer} {
		if err := op.State(to); err != nil {
			t.Fatal(err)
		}
	}
	ops, _ := migrate.Changes(from, to, yes{})
	if len(ops["a"]) != 1 || fmt.Sprint(ops["a"][0]) != "{a Old New new}" {
		t.Fatalf("ops = %v, want one RenameModel", ops["a"])
	}
	if ops, _ := migrate.Changes(from, to, nil); len(ops["a"]) != 3 {
		t.Errorf("without a questioner: %v, want create, delete and the key's change", ops["a"])
	}

	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		ms := []*migrate.Migration{
			{App: "a", Name: "0001_initial", Operations: []migrate.Operation{create, migrate.CreateModel{App: "a", Name: "Ref", Table: "ref", Fields: []migrate.Field{fields[0], {Name: "to", Column: "to_id", Kind: dialect.KindBigInt, To: "a.old", OnDelete: dialect.Cascade}}}}},
			{App: "a", Name: "0002_rename_old_new", Dependencies: []migrate.Node{{App: "a", Name: "0001_initial"}}, Operations: ops["a"]},
		}
		x := executor(t, db, ms, new(strings.Builder))
		migrateTo(t, x, "a", "0001")
		if _, err := db.Exec(t.Context(), "INSERT INTO old (n) VALUES (7)"); err != nil {
			t.Fatal(err)
		}
		migrateTo(t, x, "", "")
		if got := queryString(t, db, "SELECT n FROM new"); got != "7" {
			t.Errorf("after the rename: %q", got)
		}
		migrateTo(t, x, "a", "0001")
		if got := queryString(t, db, "SELECT n FROM old"); got != "7" {
			t.Errorf("after undoing the rename: %q", got)
		}
	})
}

// Booking needs at most one active booking per seat: a conditional unique
// constraint, with a partial index, where the engine has them.
type Booking struct {
	orm.Model
	Seat   int64
	Active bool
}

func (Booking) Meta() orm.Options {
	return orm.Options{
		Indexes:     []orm.Index{{Name: "booking_active_seat", Fields: []string{"seat"}, Condition: orm.Q{"active": true}}},
		Constraints: []orm.Constraint{orm.Unique{Name: "booking_one_active", Fields: []string{"seat"}, Condition: orm.Q{"active": true}}},
	}
}

func TestPartialIndexesInMigrations(t *testing.T) {
	t.Parallel()
	to, skipped, err := migrate.StateOf([]migrate.AppModels{{App: "hall", Models: []*orm.Meta{metaOf[Booking](t)}}})
	if err != nil || len(skipped) != 0 {
		t.Fatalf("skipped %v, %v", skipped, err)
	}
	ops, _ := migrate.Changes(migrate.NewState(), to, nil)
	src, err := migrate.Source("migrations", &migrate.Migration{App: "hall", Name: "0001_initial", Operations: ops["hall"]})
	if err != nil || !strings.Contains(string(src), `{Name: "booking_one_active", Columns: []string{"seat"}, Unique: true, Condition: orm.Q{"active": true}}`) {
		t.Errorf("source: %v\n%s", err, src)
	}
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		ctx := t.Context()
		migrateTo(t, executor(t, db, []*migrate.Migration{{App: "hall", Name: "0001_initial", Operations: ops["hall"]}}, new(strings.Builder)), "", "")
		for i, b := range []Booking{{Seat: 1, Active: true}, {Seat: 1}, {Seat: 1}, {Seat: 1, Active: true}} {
			err := orm.Insert(ctx, db, &b)
			wantRefused := i == 3 && db.Dialect().Features().PartialIndexes
			if wantRefused != errors.Is(err, dialect.ErrUniqueViolation) || (!wantRefused && err != nil) {
				t.Errorf("booking %d on %s: %v", i, db.Dialect().Name(), err)
			}
		}
	})
}

// Slot's check and conditional index combine lookups with And, Or, Not and
// F expressions, which makemigrations writes as the same Go calls.
type Slot struct {
	orm.Model
	Start int64
	End   int64
	Seats int32
	Kind  string `orm:"max_length=10"`
	Since time.Time
}

func (Slot) Meta() orm.Options {
	return orm.Options{
		Indexes: []orm.Index{{Name: "slot_open", Fields: []string{"start"}, Condition: orm.Or(orm.Q{"seats__gt": 0}, orm.Q{"kind": "standing"})}},
		Constraints: []orm.Constraint{
			orm.Check{Name: "slot_sane", Condition: orm.And(
				orm.Q{"end__gt": orm.F("start").Add(1)},
				orm.Or(orm.Q{"seats__gte": 1}, orm.Not(orm.Q{"kind": "seated"})),
			)},
			orm.Check{Name: "slot_recent", Condition: orm.Q{"since__gte": time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}},
		},
	}
}

func TestCombinedConditionsInMigrations(t *testing.T) {
	t.Parallel()
	to, skipped, err := migrate.StateOf([]migrate.AppModels{{App: "hall", Models: []*orm.Meta{metaOf[Slot](t)}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(skipped) != 1 || !strings.Contains(skipped[0], `slot_recent of Slot (orm: lookup "since__gte": a time.Time cannot be written as Go`) {
		t.Errorf("skipped = %q", skipped)
	}
	ops, _ := migrate.Changes(migrate.NewState(), to, nil)
	m := &migrate.Migration{App: "hall", Name: "0001_initial", Operations: ops["hall"]}
	src, err := migrate.Source("migrations", m)
	for _, want := range []string{
		`{Name: "slot_sane", Condition: orm.And(orm.Q{"end__gt": orm.F("start").Add(1)}, orm.Or(orm.Q{"seats__gte": 1}, orm.Not(orm.Q{"kind": "seated"})))}`,
		`{Name: "slot_open", Columns: []string{"start"}, Condition: orm.Or(orm.Q{"seats__gt": 0}, orm.Q{"kind": "standing"})}`,
		`"github.com/nuages-go/nuages/orm"`,
	} {
		if err != nil || !strings.Contains(string(src), want) {
			t.Errorf("the source lacks %s: %v\n%s", want, err, src)
		}
	}
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		ctx := t.Context()
		migrateTo(t, executor(t, db, []*migrate.Migration{m}, new(strings.Builder)), "", "")
		for _, c := range []struct {
			slot Slot
			ok   bool
		}{
			{Slot{Start: 1, End: 3, Seats: 2, Kind: "seated"}, true},
			{Slot{Start: 1, End: 2, Seats: 2, Kind: "seated"}, false}, // end must pass start + 1
			{Slot{Start: 1, End: 3, Seats: 0, Kind: "seated"}, false}, // a seated slot needs seats
			{Slot{Start: 1, End: 3, Seats: 0, Kind: "standing"}, true},
		} {
			c.slot.Since = time.Now()
			err := orm.Insert(ctx, db, &c.slot)
			if c.ok != (err == nil) || (err != nil && !errors.Is(err, dialect.ErrCheckViolation)) {
				t.Errorf("%+v on %s: %v", c.slot, db.Dialect().Name(), err)
			}
		}
	})
}
