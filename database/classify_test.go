package database_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/database/dialect"
	"github.com/nuages-go/nuages/nuagestest"
)

// TestClassify provokes a real violation of each kind on every engine and
// checks that callers can branch on it with errors.Is, whatever the engine.
func TestClassify(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		ctx := t.Context()
		d := db.Dialect()
		tables := []dialect.Table{
			{
				Name: "author",
				Columns: []dialect.Column{
					{Name: "id", Kind: dialect.KindBigAuto, PrimaryKey: true},
					{Name: "email", Kind: dialect.KindChar, MaxLength: 100, Unique: true},
				},
			},
			{
				Name: "book",
				Columns: []dialect.Column{
					{Name: "id", Kind: dialect.KindBigAuto, PrimaryKey: true},
					{Name: "author_id", Kind: dialect.KindBigInt},
					{Name: "title", Kind: dialect.KindChar, MaxLength: 100},
					{Name: "pages", Kind: dialect.KindInt},
				},
				Constraints: []dialect.Constraint{
					{Name: "book_author_fk", Kind: dialect.ConstraintForeignKey, Columns: []string{"author_id"}, RefTable: "author", RefColumns: []string{"id"}},
					{Name: "book_title_uniq", Kind: dialect.ConstraintUnique, Columns: []string{"title"}},
					{Name: "book_pages_positive", Kind: dialect.ConstraintCheck, Check: d.QuoteIdent("pages") + " > 0"},
				},
			},
		}
		for _, tbl := range tables {
			stmts, err := d.CreateTable(tbl)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range stmts {
				if _, err := db.Exec(ctx, s); err != nil {
					t.Fatalf("%s: %v", s, err)
				}
			}
		}
		p := d.Placeholder
		insertBook := "INSERT INTO book (author_id, title, pages) VALUES (" + p(1) + ", " + p(2) + ", " + p(3) + ")"
		if _, err := db.Exec(ctx, "INSERT INTO author (email) VALUES ("+p(1)+")", "a@example.com"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, insertBook, 1, "Dune", 412); err != nil {
			t.Fatal(err)
		}

		tests := []struct {
			name  string
			query string
			args  []any
			want  error
		}{
			{"unique_column", "INSERT INTO author (email) VALUES (" + p(1) + ")", []any{"a@example.com"}, database.ErrUniqueViolation},
			{"unique_constraint", insertBook, []any{1, "Dune", 10}, database.ErrUniqueViolation},
			{"foreign_key", insertBook, []any{999, "Emma", 10}, database.ErrForeignKeyViolation},
			{"foreign_key_delete", "DELETE FROM author", nil, database.ErrForeignKeyViolation},
			{"not_null", insertBook, []any{1, nil, 10}, database.ErrNotNullViolation},
			{"check", insertBook, []any{1, "Zero", 0}, database.ErrCheckViolation},
		}
		kinds := []error{database.ErrUniqueViolation, database.ErrForeignKeyViolation, database.ErrNotNullViolation, database.ErrCheckViolation}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := db.Exec(ctx, tt.query, tt.args...)
				if !errors.Is(err, tt.want) {
					t.Fatalf("error = %v, want one matching %v", err, tt.want)
				}
				for _, k := range kinds {
					if k != tt.want && errors.Is(err, k) {
						t.Errorf("error %v also matches %v", err, k)
					}
				}
				var de *database.Error
				if !errors.As(err, &de) || de.Err == nil {
					t.Fatalf("error %T does not unwrap to a *database.Error holding the driver's error", err)
				}
				if !strings.HasPrefix(err.Error(), "database: ") {
					t.Errorf("error text %q does not start with the package name", err)
				}
				if database.Retryable(err) {
					t.Errorf("Retryable(%v) = true for a constraint violation", err)
				}
			})
		}
	})
}
