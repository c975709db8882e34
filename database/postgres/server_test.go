package postgres

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nuages-go/nuages/database/dialect"
	"github.com/nuages-go/nuages/internal/testenv"
)

// These tests run against the server named by NUAGES_TEST_POSTGRES, each
// in a database of its own that it creates and drops, so that runs never
// collide.

// newTestDB creates a uniquely named database, dropped when the test ends,
// and opens it through Engine.
func newTestDB(t *testing.T) (*sql.DB, *Dialect) {
	t.Helper()
	db, d, _ := newTestDBURL(t)
	return db, d
}

func newTestDBURL(t *testing.T) (*sql.DB, *Dialect, *url.URL) {
	t.Helper()
	base, err := url.Parse(testenv.Lookup(t, testenv.Postgres))
	if err != nil {
		t.Fatalf("%s: %v", testenv.Postgres, err)
	}
	ctx := t.Context()
	admin, _, err := Engine{}.Open(ctx, base)
	if err != nil {
		testenv.Unreachable(t, testenv.Postgres, err)
	}
	t.Cleanup(func() { admin.Close() })
	name := "nuages_pg_" + strings.ToLower(rand.Text()[:12])
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+d0.QuoteIdent(name)); err != nil {
		t.Fatalf("creating the test database: %v", err)
	}
	t.Cleanup(func() {
		// t.Context is done by now.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+d0.QuoteIdent(name)+" WITH (FORCE)"); err != nil {
			t.Errorf("dropping the test database %s: %v", name, err)
		}
	})
	u := *base
	u.Path = "/" + name
	u.RawPath = ""
	db, dia, err := Engine{}.Open(ctx, &u)
	if err != nil {
		t.Fatalf("opening the test database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db, dia.(*Dialect), &u
}

// d0 quotes names before a server's dialect is known.
var d0 = newDialect("")

func execAll(t *testing.T, db interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := db.ExecContext(t.Context(), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// must fails the test on the error of a Dialect method:
// must{t}.stmts(d.CreateTable(...)).
type must struct{ t *testing.T }

func (m must) stmts(s []string, err error) []string {
	m.t.Helper()
	if err != nil {
		m.t.Fatal(err)
	}
	return s
}

func (m must) stmt(s string, err error) string {
	m.t.Helper()
	if err != nil {
		m.t.Fatal(err)
	}
	return s
}

func TestServer_Open(t *testing.T) {
	t.Parallel()
	db, d, u := newTestDBURL(t)
	ctx := t.Context()

	var full, tz string
	if err := db.QueryRowContext(ctx, "SELECT current_setting('server_version'), current_setting('TimeZone')").Scan(&full, &tz); err != nil {
		t.Fatal(err)
	}
	if got, want := d.Features().Version, strings.Fields(full)[0]; got != want || got == "" {
		t.Errorf("Features().Version = %q, want %q (server_version %q)", got, want, full)
	}
	if tz != "UTC" {
		t.Errorf("session time zone = %q, want UTC", tz)
	}

	tests := []struct {
		name, query, want string
	}{
		{"timezone", "timezone=Asia/Tokyo", "Asia/Tokyo"},
		{"TimeZone", "TimeZone=America/New_York", "America/New_York"},
		{"options", "options=-c%20timezone%3DEurope/Paris", "Europe/Paris"},
		{"other_parameter", "application_name=nuages", "UTC"},
	}
	for _, tt := range tests {
		t.Run("url_sets_"+tt.name, func(t *testing.T) {
			v := *u
			v.RawQuery = strings.TrimPrefix(u.RawQuery+"&"+tt.query, "&")
			db, _, err := Engine{}.Open(ctx, &v)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var got string
			if err := db.QueryRowContext(ctx, "SHOW timezone").Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("time zone = %q, want %q", got, tt.want)
			}
		})
	}

	t.Run("missing_database", func(t *testing.T) {
		v := *u
		v.User = url.UserPassword(u.User.Username(), secret)
		v.Path = "/nuages_pg_does_not_exist"
		_, _, err := Engine{}.Open(ctx, &v)
		if err == nil || !strings.Contains(err.Error(), "does not exist") {
			t.Fatalf("error = %v, want one saying the database does not exist", err)
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error holds the password: %v", err)
		}
	})

	t.Run("canceled_context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, _, err := (Engine{}).Open(ctx, u); !errors.Is(err, context.Canceled) {
			t.Errorf("error = %v, want context.Canceled", err)
		}
	})
}

// everyKind is one column of every kind but the auto ones.
func everyKind() []dialect.Column {
	var cols []dialect.Column
	for _, k := range dialect.Kinds() {
		if k.IsAuto() {
			continue
		}
		cols = append(cols, dialect.Column{Name: "c_" + k.String(), Kind: k, MaxLength: 20, Precision: 10, Scale: 2, Null: true})
	}
	return cols
}

func TestServer_DDL(t *testing.T) {
	t.Parallel()
	db, d := newTestDB(t)
	ctx := t.Context()

	t.Run("every_kind", func(t *testing.T) {
		cols := append([]dialect.Column{{Name: "id", Kind: dialect.KindBigAuto, PrimaryKey: true}}, everyKind()...)
		execAll(t, db, must{t}.stmts(d.CreateTable(dialect.Table{
			Name:    "everything",
			Columns: cols,
			Indexes: []dialect.Index{
				{Name: "everything_desc", Columns: []string{"-c_datetime", "c_int"}},
				{Name: "everything_partial", Columns: []string{"c_char"}, Unique: true, Where: `"c_bool"`},
			},
		}))...)
		for _, k := range []dialect.Kind{dialect.KindAuto, dialect.KindSmallAuto} {
			execAll(t, db, must{t}.stmts(d.CreateTable(dialect.Table{
				Name:    "t_" + k.String(),
				Columns: []dialect.Column{{Name: "id", Kind: k, PrimaryKey: true}, {Name: "v", Kind: dialect.KindInt, Default: "7"}},
			}))...)
			var id, v int
			if err := db.QueryRowContext(ctx, "INSERT INTO "+d.QuoteIdent("t_"+k.String())+" DEFAULT VALUES "+d.Returning([]string{`"id"`, `"v"`})).Scan(&id, &v); err != nil {
				t.Fatal(err)
			}
			if id != 1 || v != 7 {
				t.Errorf("%s: inserted id, v = %d, %d, want 1, 7", k, id, v)
			}
		}

		args := []any{true, int16(-3), int32(-4), int64(-5), int16(3), int32(4), int64(5), 1.5, "12.34",
			"abc", "some text", "2024-02-29", time.Date(2024, 2, 29, 12, 0, 0, 0, time.UTC), "12:34:56",
			"01:30:00", "0b6f7a90-5d5c-4c45-9c2a-7b3c2c1e4f10", []byte{0, 1, 2}, `{"a": [1, 2]}`, "192.168.0.1"}
		var names, marks []string
		for i, c := range everyKind() {
			names = append(names, d.QuoteIdent(c.Name))
			marks = append(marks, d.Placeholder(i+1))
		}
		if len(args) != len(names) {
			t.Fatalf("%d values for %d columns", len(args), len(names))
		}
		var id int64
		q := "INSERT INTO everything (" + strings.Join(names, ", ") + ") VALUES (" + strings.Join(marks, ", ") + ") " + d.Returning([]string{`"id"`})
		if err := db.QueryRowContext(ctx, q, args...).Scan(&id); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		var types string
		if err := db.QueryRowContext(ctx, `SELECT string_agg(format_type(atttypid, atttypmod), ', ' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'everything'::regclass AND attnum > 0`).Scan(&types); err != nil {
			t.Fatal(err)
		}
		want := "bigint, boolean, smallint, integer, bigint, smallint, integer, bigint, double precision, numeric(10,2), character varying(20), text, date, timestamp with time zone, time without time zone, interval, uuid, bytea, jsonb, inet"
		if types != want {
			t.Errorf("column types\ngot  %s\nwant %s", types, want)
		}
		for _, c := range []string{"c_positivesmallint", "c_positiveint", "c_positivebigint"} {
			_, err := db.ExecContext(ctx, "UPDATE everything SET "+d.QuoteIdent(c)+" = -1")
			var de *dialect.Error
			if err = d.Classify(err); !errors.Is(err, dialect.ErrCheckViolation) || !errors.As(err, &de) || de.Constraint != "everything_"+c+"_check" {
				t.Errorf("%s = -1: error = %v, want a check violation of everything_%s_check", c, err, c)
			}
		}
		// The partial unique index only covers rows where c_bool is true.
		execAll(t, db, `INSERT INTO everything (c_char, c_bool) VALUES ('abc', false), ('abc', false)`)
		if _, err := db.ExecContext(ctx, `INSERT INTO everything (c_char, c_bool) VALUES ('abc', true)`); !errors.Is(d.Classify(err), dialect.ErrUniqueViolation) {
			t.Errorf("duplicate in the partial unique index: error = %v, want a unique violation", err)
		}
	})

	t.Run("table_and_column_changes", func(t *testing.T) {
		execAll(t, db, must{t}.stmts(d.CreateTable(dialect.Table{Name: "a", Columns: []dialect.Column{{Name: "id", Kind: dialect.KindBigAuto, PrimaryKey: true}}}))...)
		execAll(t, db, `INSERT INTO a DEFAULT VALUES`)
		execAll(t, db, must{t}.stmts(d.AddColumn("a", dialect.Column{Name: "n", Kind: dialect.KindPositiveInt, Default: "3"}))...)
		execAll(t, db, must{t}.stmts(d.AddColumn("a", dialect.Column{Name: "s", Kind: dialect.KindText, Null: true}))...)
		execAll(t, db,
			must{t}.stmt(d.CreateIndex("a", dialect.Index{Name: "a_n", Columns: []string{"-n"}})),
			d.RenameColumn("a", "s", "label"),
			d.RenameTable("a", "b"),
			d.DropIndex("b", "a_n"),
			d.DropColumn("b", "label"),
		)
		var n int
		if err := db.QueryRowContext(ctx, `SELECT n FROM b`).Scan(&n); err != nil || n != 3 {
			t.Errorf("n = %d, %v; want 3 (the added column's default)", n, err)
		}
		execAll(t, db, d.DropTable("b"))
	})

	t.Run("constraints", func(t *testing.T) {
		execAll(t, db, must{t}.stmts(d.CreateTable(dialect.Table{Name: "c", Columns: []dialect.Column{
			{Name: "id", Kind: dialect.KindBigAuto, PrimaryKey: true},
			{Name: "x", Kind: dialect.KindInt},
			{Name: "parent_id", Kind: dialect.KindBigInt, Null: true},
		}}))...)
		cons := []dialect.Constraint{
			{Name: "c_x_uniq", Kind: dialect.ConstraintUnique, Columns: []string{"x"}},
			{Name: "c_x_small", Kind: dialect.ConstraintCheck, Check: `"x" < 100`},
			{Name: "c_parent_fk", Kind: dialect.ConstraintForeignKey, Columns: []string{"parent_id"}, RefTable: "c", RefColumns: []string{"id"}, Deferrable: true},
		}
		for _, c := range cons {
			execAll(t, db, must{t}.stmt(d.AddConstraint("c", c)))
		}
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM pg_constraint WHERE conrelid = 'c'::regclass AND conname LIKE 'c\_x\_%' OR conname = 'c_parent_fk' AND condeferred`).Scan(&n); err != nil || n != 3 {
			t.Errorf("%d constraints found (%v), want 3", n, err)
		}
		for _, c := range cons {
			execAll(t, db, must{t}.stmt(d.DropConstraint("c", c)))
		}
		execAll(t, db, `INSERT INTO c (x, parent_id) VALUES (500, 42), (500, 42)`)
	})
}

// TestServer_ForeignKeys checks every ON DELETE action and that a
// deferrable foreign key is checked at commit, not at the statement.
func TestServer_ForeignKeys(t *testing.T) {
	t.Parallel()
	db, d := newTestDB(t)
	ctx := t.Context()
	execAll(t, db, must{t}.stmts(d.CreateTable(dialect.Table{Name: "author", Columns: []dialect.Column{{Name: "id", Kind: dialect.KindBigAuto, PrimaryKey: true}}}))...)
	actions := []struct {
		name       string
		on         dialect.OnDelete
		deferrable bool
	}{
		{"no_action", dialect.NoAction, false},
		{"no_action_deferrable", dialect.NoAction, true},
		{"cascade", dialect.Cascade, true},
		{"set_null", dialect.SetNull, true},
		{"restrict", dialect.Restrict, false},
		{"set_default", dialect.SetDefault, true},
	}
	for _, a := range actions {
		execAll(t, db, must{t}.stmts(d.CreateTable(dialect.Table{
			Name: "book_" + a.name,
			Columns: []dialect.Column{
				{Name: "id", Kind: dialect.KindBigAuto, PrimaryKey: true},
				{Name: "author_id", Kind: dialect.KindBigInt, Null: true, Default: "99"},
			},
			Constraints: []dialect.Constraint{{Name: "book_" + a.name + "_fk", Kind: dialect.ConstraintForeignKey, Columns: []string{"author_id"},
				RefTable: "author", RefColumns: []string{"id"}, OnDelete: a.on, Deferrable: a.deferrable}},
		}))...)
	}

	tests := []struct {
		name       string
		wantErr    bool   // the DELETE fails
		atCommit   bool   // ... only when the transaction commits
		wantAuthor string // the book's author_id afterwards, "gone" when deleted
	}{
		{"no_action", true, false, "1"},
		{"no_action_deferrable", true, true, "1"},
		{"cascade", false, false, "gone"},
		{"set_null", false, false, "NULL"},
		{"restrict", true, false, "1"},
		{"set_default", false, false, "99"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			book := d.QuoteIdent("book_" + tt.name)
			for _, a := range actions {
				execAll(t, db, `DELETE FROM `+d.QuoteIdent("book_"+a.name))
			}
			execAll(t, db, `DELETE FROM author`, `INSERT INTO author (id) VALUES (1), (99)`, `INSERT INTO `+book+` (author_id) VALUES (1)`)
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, delErr := tx.ExecContext(ctx, `DELETE FROM author WHERE id = 1`)
			var commitErr error
			if delErr != nil {
				tx.Rollback()
			} else {
				commitErr = tx.Commit()
			}
			err = errors.Join(delErr, commitErr)
			switch {
			case !tt.wantErr && err != nil:
				t.Fatalf("DELETE: %v", err)
			case tt.wantErr && (tt.atCommit && (delErr != nil || commitErr == nil) || !tt.atCommit && delErr == nil):
				t.Fatalf("DELETE error = %v, COMMIT error = %v; want the violation at %s", delErr, commitErr, map[bool]string{true: "COMMIT", false: "DELETE"}[tt.atCommit])
			case tt.wantErr:
				var de *dialect.Error
				if err := d.Classify(err); !errors.Is(err, dialect.ErrForeignKeyViolation) || !errors.As(err, &de) || de.Constraint != "book_"+tt.name+"_fk" {
					t.Errorf("error = %v, want a foreign key violation of book_%s_fk", err, tt.name)
				}
			}
			got := "gone"
			var author sql.NullInt64
			switch err := db.QueryRowContext(ctx, `SELECT author_id FROM `+book).Scan(&author); {
			case errors.Is(err, sql.ErrNoRows):
			case err != nil:
				t.Fatal(err)
			case !author.Valid:
				got = "NULL"
			default:
				got = strconv.FormatInt(author.Int64, 10)
			}
			if got != tt.wantAuthor {
				t.Errorf("book's author_id = %s, want %s", got, tt.wantAuthor)
			}
		})
	}

	t.Run("deferred_insert_fails_at_commit", func(t *testing.T) {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO book_cascade (author_id) VALUES (12345)`); err != nil {
			tx.Rollback()
			t.Fatalf("INSERT with a missing author failed before commit: %v", err)
		}
		// Making the row valid before commit satisfies the deferred check.
		if _, err := tx.ExecContext(ctx, `INSERT INTO author (id) VALUES (12345)`); err != nil {
			tx.Rollback()
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO book_cascade (author_id) VALUES (54321)`); err != nil {
			tx.Rollback()
			t.Fatal(err)
		}
		err = d.Classify(tx.Commit())
		var de *dialect.Error
		if !errors.Is(err, dialect.ErrForeignKeyViolation) || !errors.As(err, &de) || de.Constraint != "book_cascade_fk" {
			t.Errorf("COMMIT error = %v, want a foreign key violation of book_cascade_fk", err)
		}
	})

	t.Run("immediate_insert_fails_at_statement", func(t *testing.T) {
		_, err := db.ExecContext(ctx, `INSERT INTO book_no_action (author_id) VALUES (12345)`)
		if !errors.Is(d.Classify(err), dialect.ErrForeignKeyViolation) {
			t.Errorf("error = %v, want a foreign key violation", err)
		}
	})
}
