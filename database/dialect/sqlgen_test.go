package dialect_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/nuages-go/nuages/database/dialect"
)

// ansi is the smallest Dialect the shared helpers need: standard quoting
// and a column definition built by the shared helper. The methods the
// helpers never call come from the embedded nil interface.
type ansi struct{ dialect.Dialect }

func (ansi) QuoteIdent(name string) string { return dialect.Quote(name, '"') }

func (a ansi) ColumnDefinition(c dialect.Column) (string, error) {
	if err := dialect.CheckColumn(c); err != nil {
		return "", err
	}
	return dialect.ColumnDefinition(a, c, "integer", ""), nil
}

func (a ansi) CreateIndex(table string, ix dialect.Index) (string, error) {
	return dialect.CreateIndex(a, table, ix, true)
}

func TestQuote(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "book", `"book"`},
		{"quote_doubled", `a"b`, `"a""b"`},
		{"injection_stays_inside", `x"; DROP TABLE users; --`, `"x""; DROP TABLE users; --"`},
		{"empty", "", `""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := dialect.Quote(tt.in, '"'); got != tt.want {
				t.Errorf("Quote(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestLikeArg(t *testing.T) {
	tests := []struct {
		op       dialect.MatchOp
		in, want string
	}{
		{dialect.Contains, "abc", "%abc%"},
		{dialect.IStartsWith, "50%", `50\%%`},
		{dialect.EndsWith, "a_b", `%a\_b`},
		{dialect.IExact, `back\slash`, `back\\slash`},
	}
	for _, tt := range tests {
		if got := dialect.LikeArg(tt.op, tt.in); got != tt.want {
			t.Errorf("LikeArg(%d, %q) = %q, want %q", tt.op, tt.in, got, tt.want)
		}
	}
}

func TestCreateTable(t *testing.T) {
	d := ansi{}
	got, err := dialect.CreateTable(d, dialect.Table{
		Name:       "membership",
		Columns:    []dialect.Column{{Name: "person_id", Kind: dialect.KindInt}, {Name: "group_id", Kind: dialect.KindInt, Null: true}},
		PrimaryKey: []string{"person_id", "group_id"},
		Constraints: []dialect.Constraint{
			{Name: "m_person_fk", Kind: dialect.ConstraintForeignKey, Columns: []string{"person_id"}, RefTable: "person", RefColumns: []string{"id"}, OnDelete: dialect.SetNull, Deferrable: true},
			{Name: "m_check", Kind: dialect.ConstraintCheck, Check: `"person_id" > 0`},
		},
		Indexes: []dialect.Index{{Name: "m_group", Columns: []string{"-group_id"}, Where: `"group_id" IS NOT NULL`}},
	}, dialect.TableOptions{Suffix: "WITHOUT ROWID", Deferrable: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`CREATE TABLE "membership" ("person_id" integer NOT NULL, "group_id" integer NULL, PRIMARY KEY ("person_id", "group_id"), ` +
			`CONSTRAINT "m_person_fk" FOREIGN KEY ("person_id") REFERENCES "person" ("id") ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED, ` +
			`CONSTRAINT "m_check" CHECK ("person_id" > 0)) WITHOUT ROWID`,
		`CREATE INDEX "m_group" ON "membership" ("group_id" DESC) WHERE "group_id" IS NOT NULL`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestCreateTable_Errors(t *testing.T) {
	col := dialect.Column{Name: "a", Kind: dialect.KindInt}
	tests := []struct {
		name string
		t    dialect.Table
		want string
	}{
		{"no_name", dialect.Table{Columns: []dialect.Column{col}}, "dialect: table without a name"},
		{"no_columns", dialect.Table{Name: "t"}, `dialect: table "t" has no columns`},
		{"two_primary_keys", dialect.Table{Name: "t", Columns: []dialect.Column{{Name: "a", Kind: dialect.KindInt, PrimaryKey: true}}, PrimaryKey: []string{"a"}}, `column "a" is a primary key and the table has a composite primary key`},
		{"bad_column", dialect.Table{Name: "t", Columns: []dialect.Column{{Name: "a", Kind: dialect.KindChar}}}, `table "t": dialect: char column "a" needs a max length > 0, got 0`},
		{"fk_column_mismatch", dialect.Table{Name: "t", Columns: []dialect.Column{col}, Constraints: []dialect.Constraint{{Name: "fk", Kind: dialect.ConstraintForeignKey, Columns: []string{"a"}, RefTable: "u"}}}, `foreign key "fk" needs as many columns as referenced columns`},
		{"unnamed_constraint", dialect.Table{Name: "t", Columns: []dialect.Column{col}, Constraints: []dialect.Constraint{{Kind: dialect.ConstraintUnique, Columns: []string{"a"}}}}, "constraint without a name"},
		{"empty_check", dialect.Table{Name: "t", Columns: []dialect.Column{col}, Constraints: []dialect.Constraint{{Name: "ck", Kind: dialect.ConstraintCheck}}}, `check constraint "ck" has no condition`},
		{"unnamed_index", dialect.Table{Name: "t", Columns: []dialect.Column{col}, Indexes: []dialect.Index{{Columns: []string{"a"}}}}, `index on "t" needs a name and columns`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := dialect.CreateTable(ansi{}, tt.t, dialect.TableOptions{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
	if _, err := dialect.CreateIndex(ansi{}, "t", dialect.Index{Name: "ix", Columns: []string{"a"}, Where: "a > 0"}, false); !errors.Is(err, dialect.ErrUnsupported) {
		t.Errorf("partial index where unsupported: error = %v, want ErrUnsupported", err)
	}
}

func TestKind(t *testing.T) {
	if got := len(dialect.Kinds()); got != 22 {
		t.Errorf("Kinds() has %d kinds, want 22", got)
	}
	for _, k := range dialect.Kinds() {
		if s := k.String(); s == "" || strings.HasPrefix(s, "Kind(") {
			t.Errorf("kind %d has no name", k)
		}
	}
	if got := dialect.Kind(99).String(); got != "Kind(99)" {
		t.Errorf("Kind(99).String() = %q", got)
	}
}

func TestErrorAndRetryable(t *testing.T) {
	driverErr := errors.New("pq: duplicate key")
	err := error(&dialect.Error{Kind: dialect.ErrUniqueViolation, Constraint: "book_title_key", Err: driverErr})
	if got, want := err.Error(), "database: unique constraint violated (book_title_key): pq: duplicate key"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(err, dialect.ErrUniqueViolation) || !errors.Is(err, driverErr) || dialect.Retryable(err) {
		t.Error("a unique violation must match its kind and the driver's error, and not be retryable")
	}
	if !dialect.Retryable(&dialect.Error{Kind: dialect.ErrDeadlock, Err: driverErr}) {
		t.Error("a deadlock must be retryable")
	}
}
