package migrate_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/database/dialect"
	"github.com/nuages-go/nuages/migrate"
	"github.com/nuages-go/nuages/nuagestest"
	"github.com/nuages-go/nuages/orm"
)

func chain(app string, opsList ...[]migrate.Operation) []*migrate.Migration {
	var ms []*migrate.Migration
	for i, ops := range opsList {
		m := &migrate.Migration{App: app, Name: string(rune('a'+i)) + "_m", Operations: ops}
		if i > 0 {
			m.Dependencies = []migrate.Node{{App: app, Name: ms[i-1].Name}}
		}
		ms = append(ms, m)
	}
	return ms
}

func run(t *testing.T, db *database.DB, ms []*migrate.Migration, app, target string) error {
	t.Helper()
	x := executor(t, db, ms, new(strings.Builder))
	steps, err := x.Plan(t.Context(), app, target)
	if err != nil {
		return err
	}
	return x.Migrate(t.Context(), steps, migrate.Options{})
}

func exec(t *testing.T, db *database.DB, q string) {
	t.Helper()
	if _, err := db.Exec(t.Context(), q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func item() migrate.CreateModel {
	return migrate.CreateModel{App: "a", Name: "Item", Fields: []migrate.Field{
		id(),
		{Name: "code", Column: "code", Kind: dialect.KindChar, MaxLength: 20},
	}}
}

// 1. AlterField changing the column (db_column): SQLite loses data, others fail.
func TestRegression_AlterFieldColumn(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		ms := chain("a", []migrate.Operation{item()})
		if err := run(t, db, ms, "", ""); err != nil {
			t.Fatal(err)
		}
		exec(t, db, "INSERT INTO item (code) VALUES ('keep-me')")
		ms = chain("a", []migrate.Operation{item()}, []migrate.Operation{
			migrate.AlterField{App: "a", Model: "Item", Field: migrate.Field{Name: "code", Column: "item_code", Kind: dialect.KindChar, MaxLength: 20, Default: "''"}},
		})
		if err := run(t, db, ms, "", ""); err != nil {
			t.Fatalf("migrate: %v", err)
		}
		got := queryString(t, db, "SELECT item_code FROM item")
		if got != "keep-me" {
			t.Errorf("item_code = %q, want keep-me (data lost)", got)
		}
	})
}

// 2. AlterField unique toggles on PG/MySQL don't change the schema.
func TestRegression_AlterFieldUnique(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		uniq := migrate.Field{Name: "code", Column: "code", Kind: dialect.KindChar, MaxLength: 20, Unique: true}
		ms := chain("a", []migrate.Operation{item()}, []migrate.Operation{migrate.AlterField{App: "a", Model: "Item", Field: uniq}})
		if err := run(t, db, ms, "", ""); err != nil {
			t.Fatal(err)
		}
		exec(t, db, "INSERT INTO item (code) VALUES ('x')")
		if _, err := db.Exec(t.Context(), "INSERT INTO item (code) VALUES ('x')"); err == nil {
			t.Errorf("unique=true after AlterField, but a duplicate was inserted")
		}
	})
}

func TestRegression_AlterFieldUniqueOff(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		c := item()
		c.Fields[1].Unique = true
		plain := migrate.Field{Name: "code", Column: "code", Kind: dialect.KindChar, MaxLength: 20}
		ms := chain("a", []migrate.Operation{c}, []migrate.Operation{migrate.AlterField{App: "a", Model: "Item", Field: plain}})
		if err := run(t, db, ms, "", ""); err != nil {
			t.Fatal(err)
		}
		exec(t, db, "INSERT INTO item (code) VALUES ('x')")
		if _, err := db.Exec(t.Context(), "INSERT INTO item (code) VALUES ('x')"); err != nil {
			t.Errorf("unique=false after AlterField, but a duplicate is refused: %v", err)
		}
	})
}

// 3. RemoveField of a FK column.
func TestRegression_RemoveFK(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		child := migrate.CreateModel{App: "a", Name: "Child", Fields: []migrate.Field{
			id(),
			{Name: "item", Column: "item_id", Kind: dialect.KindBigInt, Null: true, Index: true, To: "a.item", OnDelete: dialect.Cascade},
		}}
		ms := chain("a", []migrate.Operation{item(), child}, []migrate.Operation{migrate.RemoveField{App: "a", Model: "Child", Name: "item"}})
		if err := run(t, db, ms, "", ""); err != nil {
			t.Fatalf("forward: %v", err)
		}
		if err := run(t, db, ms, "a", "a_m"); err != nil {
			t.Fatalf("backward: %v", err)
		}
	})
}

// 4. Null -> not null with default, rows with NULL.
func TestRegression_NullToNotNull(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		c := item()
		c.Fields[1].Null = true
		nn := migrate.Field{Name: "code", Column: "code", Kind: dialect.KindChar, MaxLength: 20, Default: "'none'"}
		ms := chain("a", []migrate.Operation{c})
		if err := run(t, db, ms, "", ""); err != nil {
			t.Fatal(err)
		}
		exec(t, db, "INSERT INTO item (code) VALUES (NULL)")
		ms = chain("a", []migrate.Operation{c}, []migrate.Operation{migrate.AlterField{App: "a", Model: "Item", Field: nn}})
		if err := run(t, db, ms, "", ""); err != nil {
			t.Fatalf("migrate: %v", err)
		}
	})
}

// 5. makemigrations-style: removing a field and its Meta index in one go.
func TestRegression_RemoveFieldAndIndex(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		c := item()
		c.Indexes = []dialect.Index{{Name: "item_code_ix", Columns: []string{"code"}}}
		from := migrate.NewState()
		if err := c.State(from); err != nil {
			t.Fatal(err)
		}
		to := from.Clone()
		m := to.Models["a.item"]
		m.Fields = m.Fields[:1]
		m.Indexes = nil
		changes, _ := migrate.Changes(from, to, nil)
		t.Logf("ops: %#v", changes["a"])
		ms := chain("a", []migrate.Operation{c}, changes["a"])
		if err := run(t, db, ms, "", ""); err != nil {
			t.Fatalf("migrate: %v", err)
		}
	})
}

// 6. Migrate cancelled midway leaves SQLite connection with FKs off.
func TestRegression_FKOffAfterCancel(t *testing.T) {
	t.Parallel()
	db := nuagestest.OpenDB(t, "sqlite")
	ctx, cancel := context.WithCancel(t.Context())
	ms := chain("a", []migrate.Operation{item(), migrate.RunGo{Name: "cancel", Code: func(e *migrate.Editor, s *migrate.State) error {
		cancel()
		return errors.New("boom")
	}}})
	x := executor(t, db, ms, new(strings.Builder))
	steps, _ := x.Plan(t.Context(), "", "")
	err := x.Migrate(ctx, steps, migrate.Options{})
	t.Logf("migrate err: %v", err)
	for i := 0; i < 3; i++ {
		got := queryString(t, db, "PRAGMA foreign_keys")
		if got != "1" {
			t.Errorf("PRAGMA foreign_keys = %s on a pooled connection after a cancelled migrate", got)
		}
	}
}

// A one-off default fills the rows a NOT NULL field is added to, then
// goes (makemigrations writes AddField then AlterField).
func TestRegression_OneOffDefault(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		stock := migrate.Field{Name: "stock", Column: "stock", Kind: dialect.KindBigInt}
		withDefault := stock
		withDefault.Default = "7"
		ms := chain("a", []migrate.Operation{item()}, []migrate.Operation{
			migrate.AddField{App: "a", Model: "Item", Field: withDefault},
			migrate.AlterField{App: "a", Model: "Item", Field: stock},
		})
		if err := run(t, db, ms, "a", "a_m"); err != nil {
			t.Fatal(err)
		}
		exec(t, db, "INSERT INTO item (code) VALUES ('old')")
		if err := run(t, db, ms, "", ""); err != nil {
			t.Fatal(err)
		}
		if got := queryString(t, db, "SELECT stock FROM item"); got != "7" {
			t.Errorf("the existing row has stock %s, want the one-off 7", got)
		}
		if _, err := db.Exec(t.Context(), "INSERT INTO item (code) VALUES ('new')"); err == nil {
			t.Error("the one-off default stayed on the column")
		}
	})
}

// AlterField changes a foreign key's action (and target) in place.
func TestRegression_AlterFieldForeignKey(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		key := migrate.Field{Name: "item", Column: "item_id", Kind: dialect.KindBigInt, Null: true, Index: true, To: "a.item", OnDelete: dialect.Cascade}
		setNull := key
		setNull.OnDelete = dialect.SetNull
		child := migrate.CreateModel{App: "a", Name: "Child", Fields: []migrate.Field{id(), key}}
		ms := chain("a", []migrate.Operation{item(), child}, []migrate.Operation{migrate.AlterField{App: "a", Model: "Child", Field: setNull}})
		if err := run(t, db, ms, "", ""); err != nil {
			t.Fatal(err)
		}
		exec(t, db, "INSERT INTO item (code) VALUES ('x')")
		exec(t, db, "INSERT INTO child (item_id) VALUES (1)")
		exec(t, db, "DELETE FROM item")
		if got := queryString(t, db, "SELECT COUNT(*) FROM child WHERE item_id IS NULL"); got != "1" {
			t.Errorf("after deleting the item, %s child rows with a NULL key; want 1 (set_null)", got)
		}
		if err := run(t, db, ms, "a", "a_m"); err != nil { // back to cascade
			t.Fatal(err)
		}
		exec(t, db, "INSERT INTO item (code) VALUES ('y')")
		exec(t, db, "UPDATE child SET item_id = (SELECT MAX(id) FROM item)")
		exec(t, db, "DELETE FROM item")
		if got := queryString(t, db, "SELECT COUNT(*) FROM child"); got != "0" {
			t.Errorf("back to cascade, %s child rows left", got)
		}
	})
}

// Check constraints come and go with AddCheck and RemoveCheck, on SQLite by
// rebuilding the table.
func TestAddRemoveCheck(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		check := migrate.Check{Name: "item_code_not_x", Condition: orm.Q{"code__gt": "x"}}
		ms := chain("a", []migrate.Operation{item()}, []migrate.Operation{migrate.AddCheck{App: "a", Model: "Item", Check: check}},
			[]migrate.Operation{migrate.RemoveCheck{App: "a", Model: "Item", Name: "item_code_not_x"}})
		if err := run(t, db, ms, "a", "b_m"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(t.Context(), "INSERT INTO item (code) VALUES ('a')"); !errors.Is(err, dialect.ErrCheckViolation) {
			t.Errorf("with the check: %v, want a check violation", err)
		}
		exec(t, db, "INSERT INTO item (code) VALUES ('y')")
		if err := run(t, db, ms, "", ""); err != nil {
			t.Fatal(err)
		}
		exec(t, db, "INSERT INTO item (code) VALUES ('a')")
		if got := queryString(t, db, "SELECT COUNT(*) FROM item"); got != "2" {
			t.Errorf("%s rows after removing the check, want 2", got)
		}
	})
}
