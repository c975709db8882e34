package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"modernc.org/sqlite"

	"github.com/nuages-go/nuages/database/dialect"
)

// ints runs query and returns its single int64 column.
func ints(t *testing.T, db *sql.DB, query string, args ...any) []int64 {
	t.Helper()
	rows, err := db.Query(query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var got []int64
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		got = append(got, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestForeignKeyActions(t *testing.T) {
	t.Parallel()
	db, dl := open(t, "")
	tests := []struct {
		name     string
		onDelete dialect.OnDelete
		// the child's parent_id after deleting its parent, or the error
		want    string
		wantErr error
	}{
		{"no_action", dialect.NoAction, "", dialect.ErrForeignKeyViolation},
		{"restrict", dialect.Restrict, "", dialect.ErrForeignKeyViolation},
		{"cascade", dialect.Cascade, "gone", nil},
		{"set_null", dialect.SetNull, "NULL", nil},
		{"set_default", dialect.SetDefault, "2", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parent, child := "parent_"+tt.name, "child_"+tt.name
			stmts, err := dl.CreateTable(dialect.Table{Name: parent, Columns: []dialect.Column{{Name: "id", Kind: dialect.KindBigAuto, PrimaryKey: true}}})
			if err != nil {
				t.Fatal(err)
			}
			exec(t, db, stmts...)
			stmts, err = dl.CreateTable(dialect.Table{
				Name: child,
				Columns: []dialect.Column{
					{Name: "id", Kind: dialect.KindBigAuto, PrimaryKey: true},
					{Name: "parent_id", Kind: dialect.KindBigInt, Null: true, Default: "2"},
				},
				Constraints: []dialect.Constraint{{
					Name: child + "_fk", Kind: dialect.ConstraintForeignKey, Columns: []string{"parent_id"},
					RefTable: parent, RefColumns: []string{"id"}, OnDelete: tt.onDelete,
				}},
			})
			if err != nil {
				t.Fatal(err)
			}
			exec(t, db, stmts...)
			exec(t, db, "INSERT INTO "+parent+" (id) VALUES (1), (2)", "INSERT INTO "+child+" (parent_id) VALUES (1)")
			_, err = db.Exec("DELETE FROM " + parent + " WHERE id = 1")
			if tt.wantErr != nil {
				if err = dl.Classify(err); !errors.Is(err, tt.wantErr) {
					t.Fatalf("delete: error = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := "gone"
			var p sql.NullInt64
			switch err := db.QueryRow("SELECT parent_id FROM " + child).Scan(&p); {
			case errors.Is(err, sql.ErrNoRows):
			case err != nil:
				t.Fatal(err)
			case p.Valid:
				got = fmt.Sprint(p.Int64)
			default:
				got = "NULL"
			}
			if got != tt.want {
				t.Errorf("child's parent_id: got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestForeignKeyDeferred(t *testing.T) {
	db, dl := open(t, "")
	for _, tbl := range []dialect.Table{
		{Name: "author", Columns: []dialect.Column{{Name: "id", Kind: dialect.KindBigAuto, PrimaryKey: true}}},
		{
			Name: "book",
			Columns: []dialect.Column{
				{Name: "id", Kind: dialect.KindBigAuto, PrimaryKey: true},
				{Name: "author_id", Kind: dialect.KindBigInt},
			},
			Constraints: []dialect.Constraint{{
				Name: "book_author_fk", Kind: dialect.ConstraintForeignKey, Columns: []string{"author_id"},
				RefTable: "author", RefColumns: []string{"id"}, OnDelete: dialect.Cascade, Deferrable: true,
			}},
		},
	} {
		stmts, err := dl.CreateTable(tbl)
		if err != nil {
			t.Fatal(err)
		}
		exec(t, db, stmts...)
	}

	// Inside a transaction, the child may come before its parent.
	tx, err := db.BeginTx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec("INSERT INTO book (author_id) VALUES (7)"); err != nil {
		t.Fatalf("deferred foreign key checked at once: %v", err)
	}
	if _, err := tx.Exec("INSERT INTO author (id) VALUES (7)"); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatalf("commit: %v", err)
	}

	// A dangling row fails at COMMIT, classified.
	tx, err = db.BeginTx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec("INSERT INTO book (author_id) VALUES (99)"); err != nil {
		t.Fatalf("deferred foreign key checked at once: %v", err)
	}
	if err := dl.Classify(tx.Commit()); !errors.Is(err, dialect.ErrForeignKeyViolation) {
		t.Errorf("commit: error = %v, want a foreign key violation", err)
	}
}

func TestClassify_Busy(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "busy.db")
	db, dl, err := Engine{}.Open(t.Context(), &url.URL{Scheme: "sqlite", Path: path, RawQuery: "busy_timeout=0"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	exec(t, db, "CREATE TABLE t (x integer)")
	holder, err := db.BeginTx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Rollback()
	_, err = db.BeginTx(t.Context(), nil)
	err = dl.Classify(err)
	if !errors.Is(err, dialect.ErrSerialization) || !dialect.Retryable(err) {
		t.Fatalf("second writer: error = %v, want a retryable serialization failure", err)
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		t.Errorf("error %T does not reach *sqlite.Error", err)
	}
}

func TestExtract_RealRows(t *testing.T) {
	db, dl := open(t, "")
	exec(t, db, "CREATE TABLE ev (at datetime, d date, tm time)")
	// Sunday 3 January 2021 belongs to ISO week 53 of 2020.
	if _, err := db.Exec("INSERT INTO ev VALUES (?, '2021-01-03', '07:08:09')", time.Date(2021, 1, 3, 13, 45, 30, 999_000_000, time.UTC)); err != nil {
		t.Fatal(err)
	}
	// Stored in UTC whatever the zone of the time.Time bound.
	if _, err := db.Exec("INSERT INTO ev VALUES (?, '2024-12-31', '23:59:59')", time.Date(2024, 12, 31, 23, 30, 5, 0, time.FixedZone("X", -2*3600))); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		part dialect.DatePart
		col  string
		want string
	}{
		{dialect.Year, "at", "[2021 2025]"},
		{dialect.Quarter, "at", "[1 1]"},
		{dialect.Month, "at", "[1 1]"},
		{dialect.Week, "at", "[53 1]"},
		{dialect.Day, "at", "[3 1]"},
		{dialect.WeekDay, "at", "[1 4]"},
		{dialect.ISOWeekDay, "at", "[7 3]"},
		{dialect.DayOfYear, "at", "[3 1]"},
		{dialect.Hour, "at", "[13 1]"},
		{dialect.Minute, "at", "[45 30]"},
		{dialect.Second, "at", "[30 5]"},
		{dialect.Quarter, "d", "[1 4]"},
		{dialect.Week, "d", "[53 1]"},
		{dialect.DayOfYear, "d", "[3 366]"},
		{dialect.WeekDay, "d", "[1 3]"},
		{dialect.Hour, "tm", "[7 23]"},
		{dialect.Second, "tm", "[9 59]"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s_%d", tt.col, tt.part), func(t *testing.T) {
			expr, err := dl.Extract(tt.part, tt.col)
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(ints(t, db, "SELECT "+expr+" FROM ev ORDER BY rowid")); got != tt.want {
				t.Errorf("%s: got %s, want %s", expr, got, tt.want)
			}
		})
	}
	t.Run("cast_date", func(t *testing.T) {
		var got string
		if err := db.QueryRow("SELECT " + dl.CastDate("at") + " FROM ev ORDER BY rowid LIMIT 1").Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != "2021-01-03" {
			t.Errorf("got %s, want 2021-01-03", got)
		}
	})
	t.Run("stored_text", func(t *testing.T) {
		var got string
		if err := db.QueryRow("SELECT CAST(at AS TEXT) FROM ev ORDER BY rowid DESC LIMIT 1").Scan(&got); err != nil {
			t.Fatal(err)
		}
		if want := "2025-01-01 01:30:05+00:00"; got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	})
}

func TestDML_RealRows(t *testing.T) {
	db, dl := open(t, "")
	stmts, err := dl.CreateTable(dialect.Table{
		Name: "person",
		Columns: []dialect.Column{
			{Name: "id", Kind: dialect.KindBigAuto, PrimaryKey: true},
			{Name: "email", Kind: dialect.KindChar, MaxLength: 100, Unique: true},
			{Name: "name", Kind: dialect.KindText},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	exec(t, db, stmts...)

	t.Run("returning", func(t *testing.T) {
		var id int64
		var email string
		q := `INSERT INTO person (email, name) VALUES (?, ?) ` + dl.Returning([]string{`"id"`, `"email"`})
		if err := db.QueryRow(q, "a@x", "Ann").Scan(&id, &email); err != nil {
			t.Fatal(err)
		}
		if id != 1 || email != "a@x" {
			t.Errorf("got %d, %s; want 1, a@x", id, email)
		}
	})
	upsert := func(t *testing.T, c dialect.Conflict, email, name string) {
		t.Helper()
		insert, suffix, err := dl.Upsert(c)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(insert+" INTO person (email, name) VALUES (?, ?) "+suffix, email, name); err != nil {
			t.Fatal(err)
		}
	}
	name := func(t *testing.T, email string) string {
		t.Helper()
		var n string
		if err := db.QueryRow("SELECT name FROM person WHERE email = ?", email).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	t.Run("upsert_ignore", func(t *testing.T) {
		upsert(t, dialect.Conflict{Action: dialect.ConflictIgnore}, "a@x", "Other")
		upsert(t, dialect.Conflict{Action: dialect.ConflictIgnore, Target: []string{"email"}}, "a@x", "Other")
		if got := name(t, "a@x"); got != "Ann" {
			t.Errorf("got %s, want Ann", got)
		}
	})
	t.Run("upsert_update", func(t *testing.T) {
		c := dialect.Conflict{Action: dialect.ConflictUpdate, Target: []string{"email"}, Update: []string{"name"}}
		upsert(t, c, "a@x", "Anna")
		upsert(t, c, "b@x", "Bob")
		if got := name(t, "a@x") + "," + name(t, "b@x"); got != "Anna,Bob" {
			t.Errorf("got %s, want Anna,Bob", got)
		}
	})

	exec(t, db, "DELETE FROM person")
	for i := 1; i <= 5; i++ {
		exec(t, db, fmt.Sprintf("INSERT INTO person (id, email, name) VALUES (%d, 'p%d', 'n')", i, i))
	}
	limits := []struct {
		name          string
		limit, offset int64
		want          string
	}{
		{"none", -1, 0, "[1 2 3 4 5]"},
		{"limit", 2, 0, "[1 2]"},
		{"limit_offset", 2, 1, "[2 3]"},
		{"offset", -1, 3, "[4 5]"},
		{"zero", 0, 0, "[]"},
	}
	for _, tt := range limits {
		t.Run("limit_"+tt.name, func(t *testing.T) {
			if got := fmt.Sprint(ints(t, db, "SELECT id FROM person ORDER BY id "+dl.LimitOffset(tt.limit, tt.offset))); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}

	t.Run("savepoints", func(t *testing.T) {
		tx, err := db.BeginTx(t.Context(), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		for _, s := range []string{
			dl.Savepoint("s 1"),
			"DELETE FROM person WHERE id = 1",
			dl.RollbackToSavepoint("s 1"),
			dl.ReleaseSavepoint("s 1"),
			dl.Savepoint("s2"),
			"DELETE FROM person WHERE id = 2",
			dl.ReleaseSavepoint("s2"),
		} {
			if _, err := tx.Exec(s); err != nil {
				t.Fatalf("%s: %v", s, err)
			}
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(ints(t, db, "SELECT id FROM person ORDER BY id")); got != "[1 3 4 5]" {
			t.Errorf("got %s, want [1 3 4 5]", got)
		}
	})

	t.Run("for_update", func(t *testing.T) {
		lock, err := dl.ForUpdate(dialect.Lock{SkipLocked: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(ints(t, db, strings.TrimSpace("SELECT id FROM person WHERE id = 1 "+lock))); got != "[1]" {
			t.Errorf("got %s, want [1]", got)
		}
	})
}
