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

// open opens a fresh database file in the test's temporary directory.
func open(t *testing.T, query string) (*sql.DB, dialect.Dialect) {
	t.Helper()
	u := &url.URL{Scheme: "sqlite", Path: filepath.Join(t.TempDir(), "test.sqlite3"), RawQuery: query}
	db, dl, err := Engine{}.Open(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, dl
}

func exec(t *testing.T, db *sql.DB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func TestOpen_Pragmas(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, path, query string
		want              map[string]string
	}{
		{"defaults", "new.db", "", map[string]string{"foreign_keys": "1", "journal_mode": "wal", "busy_timeout": "5000", "synchronous": "1"}},
		{"options", "new.db", "busy_timeout=250&journal_mode=delete&synchronous=full", map[string]string{"journal_mode": "delete", "busy_timeout": "250", "synchronous": "2"}},
		{"read_write", "existing.db", "mode=rw&synchronous=extra", map[string]string{"journal_mode": "wal", "synchronous": "3", "foreign_keys": "1"}},
		{"read_only_keeps_journal", "existing.db", "mode=ro", map[string]string{"journal_mode": "delete", "foreign_keys": "1", "busy_timeout": "5000"}},
		{"memory", memory, "busy_timeout=10", map[string]string{"journal_mode": "memory", "foreign_keys": "1", "busy_timeout": "10"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.path
			if path != memory {
				path = filepath.Join(t.TempDir(), tt.path)
			}
			if tt.path == "existing.db" {
				// An existing database, in the rollback journal.
				db, _, err := Engine{}.Open(t.Context(), &url.URL{Scheme: "sqlite", Path: path, RawQuery: "journal_mode=delete"})
				if err != nil {
					t.Fatal(err)
				}
				db.Close()
			}
			db, _, err := Engine{}.Open(t.Context(), &url.URL{Scheme: "sqlite", Path: path, RawQuery: tt.query})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			for pragma, want := range tt.want {
				var got string
				if err := db.QueryRow("PRAGMA " + pragma).Scan(&got); err != nil {
					t.Fatal(err)
				}
				if got != want {
					t.Errorf("PRAGMA %s = %s, want %s", pragma, got, want)
				}
			}
		})
	}
}

func TestDDL_EveryKind(t *testing.T) {
	t.Parallel()
	db, dl := open(t, "")
	var cols []dialect.Column
	for _, k := range dialect.Kinds() {
		c := dialect.Column{Name: "c_" + k.String(), Kind: k, Null: true, MaxLength: 20, Precision: 10, Scale: 2}
		if k.IsAuto() {
			if k != dialect.KindBigAuto {
				continue // one primary key per table
			}
			c.Null, c.PrimaryKey = false, true
		}
		cols = append(cols, c)
	}
	stmts, err := dl.CreateTable(dialect.Table{
		Name:    "everything",
		Columns: cols,
		Indexes: []dialect.Index{
			{Name: "everything_char_int", Columns: []string{"c_char", "-c_int"}},
			{Name: "everything_partial", Columns: []string{"c_text"}, Unique: true, Where: `"c_bool"`},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	exec(t, db, stmts...)
	exec(t, db, `INSERT INTO everything (c_json) VALUES ('{"a": [1, 2]}')`)
	if _, err := db.Exec(`INSERT INTO everything (c_json) VALUES ('{not json')`); !errors.Is(dl.Classify(err), dialect.ErrCheckViolation) {
		t.Errorf("invalid JSON: error = %v, want a check violation", err)
	}
	if _, err := db.Exec(`INSERT INTO everything (c_positiveint) VALUES (-1)`); !errors.Is(dl.Classify(err), dialect.ErrCheckViolation) {
		t.Errorf("negative positive int: error = %v, want a check violation", err)
	}
	add, err := dl.AddColumn("everything", dialect.Column{Name: "added", Kind: dialect.KindInt, Default: "7"})
	if err != nil {
		t.Fatal(err)
	}
	exec(t, db, add...)
	exec(t, db, dl.RenameColumn("everything", "added", "renamed"), dl.DropColumn("everything", "renamed"))
	uq, err := dl.AddConstraint("everything", dialect.Constraint{Name: "everything_uuid_uniq", Kind: dialect.ConstraintUnique, Columns: []string{"c_uuid"}})
	if err != nil {
		t.Fatal(err)
	}
	exec(t, db, uq, `INSERT INTO everything (c_uuid) VALUES ('u1')`)
	if _, err := db.Exec(`INSERT INTO everything (c_uuid) VALUES ('u1')`); !errors.Is(dl.Classify(err), dialect.ErrUniqueViolation) {
		t.Errorf("duplicate under an added unique constraint: error = %v, want a unique violation", err)
	}
	dropUq, err := dl.DropConstraint("everything", dialect.Constraint{Name: "everything_uuid_uniq", Kind: dialect.ConstraintUnique, Columns: []string{"c_uuid"}})
	if err != nil {
		t.Fatal(err)
	}
	exec(t, db, dropUq, `INSERT INTO everything (c_uuid) VALUES ('u1')`)
	exec(t, db, dl.DropIndex("everything", "everything_char_int"), dl.RenameTable("everything", "all_kinds"), dl.DropTable("all_kinds"))
}

func TestClassify_RealErrors(t *testing.T) {
	db, dl := open(t, "")
	parent, err := dl.CreateTable(dialect.Table{Name: "parent", Columns: []dialect.Column{{Name: "id", Kind: dialect.KindBigAuto, PrimaryKey: true}}})
	if err != nil {
		t.Fatal(err)
	}
	child, err := dl.CreateTable(dialect.Table{
		Name: "child",
		Columns: []dialect.Column{
			{Name: "id", Kind: dialect.KindInt, PrimaryKey: true},
			{Name: "parent_id", Kind: dialect.KindBigInt},
			{Name: "code", Kind: dialect.KindChar, MaxLength: 5, Unique: true},
			{Name: "qty", Kind: dialect.KindInt},
		},
		Constraints: []dialect.Constraint{
			{Name: "child_parent_fk", Kind: dialect.ConstraintForeignKey, Columns: []string{"parent_id"}, RefTable: "parent", RefColumns: []string{"id"}, OnDelete: dialect.Cascade},
			{Name: "child_qty_check", Kind: dialect.ConstraintCheck, Check: `"qty" > 0`},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	exec(t, db, parent...)
	exec(t, db, child...)
	exec(t, db, "CREATE TABLE keeper (parent_id bigint REFERENCES parent (id) ON DELETE RESTRICT)")
	exec(t, db, "INSERT INTO parent (id) VALUES (1), (2)", "INSERT INTO child VALUES (1, 1, 'a', 1)", "INSERT INTO keeper VALUES (2)")
	tests := []struct {
		name, stmt     string
		want           error
		wantConstraint string
	}{
		{"unique", "INSERT INTO child VALUES (2, 1, 'a', 1)", dialect.ErrUniqueViolation, "child.code"},
		{"primary_key", "INSERT INTO child VALUES (1, 1, 'b', 1)", dialect.ErrUniqueViolation, "child.id"},
		{"foreign_key", "INSERT INTO child VALUES (3, 99, 'c', 1)", dialect.ErrForeignKeyViolation, ""},
		{"foreign_key_restrict", "DELETE FROM parent WHERE id = 2", dialect.ErrForeignKeyViolation, ""},
		{"not_null", "INSERT INTO child VALUES (4, 1, NULL, 1)", dialect.ErrNotNullViolation, "child.code"},
		{"check", "INSERT INTO child VALUES (5, 1, 'e', 0)", dialect.ErrCheckViolation, "child_qty_check"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.Exec(tt.stmt)
			err = dl.Classify(err)
			if !errors.Is(err, tt.want) {
				t.Fatalf("error = %v, want %v", err, tt.want)
			}
			var de *dialect.Error
			var se *sqlite.Error
			if !errors.As(err, &de) || !errors.As(err, &se) {
				t.Fatalf("error %T does not reach both *dialect.Error and *sqlite.Error", err)
			}
			if de.Constraint != tt.wantConstraint {
				t.Errorf("Constraint = %q, want %q", de.Constraint, tt.wantConstraint)
			}
		})
	}
	if got := dl.Classify(nil); got != nil {
		t.Errorf("Classify(nil) = %v", got)
	}
	other := errors.New("other")
	if got := dl.Classify(other); got != other {
		t.Errorf("Classify(other) = %v, want it unchanged", got)
	}
	// ON DELETE CASCADE really cascades.
	exec(t, db, "DELETE FROM parent WHERE id = 1")
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM child").Scan(&n); err != nil || n != 0 {
		t.Errorf("children after cascading delete = %d, %v; want 0", n, err)
	}
}

// TestMatch_RealRows covers what is particular to SQLite: GLOB for the
// case-sensitive operations, Unicode folding by a Go function, Go regexps.
// database/engines_test.go holds every engine to the common expectations.
func TestMatch_RealRows(t *testing.T) {
	db, dl := open(t, "")
	exec(t, db, `CREATE TABLE w (s text, at datetime)`)
	for _, s := range []string{"Hello World", "hello world", "50%_off", "50 percent off", "5000_off", "Élan", "ÉCOLE d'été", "a*b", "axb", "ΣΟΦΟΣ"} {
		if _, err := db.Exec("INSERT INTO w (s, at) VALUES (?, ?)", s, time.Date(2024, 3, 17, 13, 45, 30, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name  string
		op    dialect.MatchOp
		value string
		want  string
	}{
		{"contains_is_case_sensitive", dialect.Contains, "World", "[Hello World]"},
		{"icontains", dialect.IContains, "WORLD", "[Hello World hello world]"},
		{"iexact", dialect.IExact, "hello WORLD", "[Hello World hello world]"},
		{"iexact_unicode", dialect.IExact, "élan", "[Élan]"},
		{"istartswith_unicode", dialect.IStartsWith, "éL", "[Élan]"},
		{"startswith", dialect.StartsWith, "hello", "[hello world]"},
		{"endswith", dialect.EndsWith, "off", "[50 percent off 50%_off 5000_off]"},
		{"wildcards_are_literal_like", dialect.IContains, "0%_", "[50%_off]"},
		{"underscore_is_literal_like", dialect.IContains, "0_", "[5000_off]"},
		{"wildcards_are_literal_glob", dialect.Contains, "a*b", "[a*b]"},
		{"iexact_wildcards_are_literal", dialect.IExact, "50%_OFF", "[50%_off]"},
		{"icontains_unicode", dialect.IContains, "ÉTÉ", "[ÉCOLE d'été]"},
		{"icontains_unicode_upper", dialect.IContains, "école", "[ÉCOLE d'été]"},
		{"icontains_final_sigma", dialect.IContains, "σοφος", "[ΣΟΦΟΣ]"},
		{"iendswith", dialect.IEndsWith, "OFF", "[50 percent off 50%_off 5000_off]"},
		{"startswith_wildcards_are_literal", dialect.StartsWith, "50%", "[50%_off]"},
		{"contains_unicode_is_case_sensitive", dialect.Contains, "été", "[ÉCOLE d'été]"},
		{"contains_unicode_upper", dialect.Contains, "ÉTÉ", "[]"},
		{"regex", dialect.Regex, "^h.*d$", "[hello world]"},
		{"regex_unicode_class", dialect.Regex, `^\p{Lu}+$`, "[ΣΟΦΟΣ]"},
		{"iregex", dialect.IRegex, "^h.*d$", "[Hello World hello world]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := db.Query("SELECT s FROM w WHERE "+dl.Match(tt.op, "s", "?")+" ORDER BY s", dl.MatchArg(tt.op, tt.value))
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var got []string
			for rows.Next() {
				var s string
				rows.Scan(&s)
				got = append(got, s)
			}
			if fmt.Sprint(got) != tt.want {
				t.Errorf("got %v, want %s", got, tt.want)
			}
		})
	}
	t.Run("regex_null", func(t *testing.T) {
		var got sql.NullInt64
		if err := db.QueryRow("SELECT NULL REGEXP 'a', 'a' REGEXP NULL").Scan(&got, new(sql.NullInt64)); err != nil || got.Valid {
			t.Errorf("NULL REGEXP 'a': got %v, %v; want NULL", got, err)
		}
	})
	t.Run("bad_regex", func(t *testing.T) {
		_, err := db.Exec("SELECT 1 FROM w WHERE s REGEXP ?", "(")
		if err == nil || !strings.Contains(err.Error(), `invalid regular expression "(": error parsing regexp: missing closing ): `+"`(`") {
			t.Errorf("error = %v, want one naming the invalid regular expression", err)
		}
	})
}

func TestShell(t *testing.T) {
	sh := Engine{}.Shell(&url.URL{Scheme: "sqlite", Path: "/data/app.db"})
	if sh.Program != "sqlite3" || fmt.Sprint(sh.Args) != "[/data/app.db]" || sh.Install == "" {
		t.Errorf("Shell = %+v", sh)
	}
}
