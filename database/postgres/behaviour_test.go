package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/nuages-go/nuages/database/dialect"
)

// runAlter runs AlterColumn's statements in one transaction, as migrations
// do, and rolls back when one fails.
func runAlter(t *testing.T, db *sql.DB, d *Dialect, table string, c dialect.Column) error {
	t.Helper()
	stmts := must{t}.stmts(d.AlterColumn(table, c))
	tx, err := db.BeginTx(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range stmts {
		if _, err := tx.ExecContext(t.Context(), s); err != nil {
			tx.Rollback()
			return d.Classify(err)
		}
	}
	return d.Classify(tx.Commit())
}

// columnInfo describes a column as the catalog has it.
func columnInfo(t *testing.T, db *sql.DB, table, column string) string {
	t.Helper()
	var typ, null, def, identity string
	err := db.QueryRowContext(t.Context(), `SELECT format_type(a.atttypid, a.atttypmod), CASE WHEN a.attnotnull THEN 'NOT NULL' ELSE 'NULL' END,
		COALESCE(pg_get_expr(ad.adbin, ad.adrelid), ''), a.attidentity
		FROM pg_attribute a LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
		WHERE a.attrelid = $1::regclass AND a.attname = $2`, table, column).Scan(&typ, &null, &def, &identity)
	if err != nil {
		t.Fatal(err)
	}
	s := typ + " " + null
	if def != "" {
		s += " DEFAULT " + def
	}
	if identity == "d" {
		s += " IDENTITY"
	}
	return s
}

func TestServer_AlterColumn(t *testing.T) {
	t.Parallel()
	db, d := newTestDB(t)
	ctx := t.Context()
	execAll(t, db, must{t}.stmts(d.CreateTable(dialect.Table{Name: "t", Columns: []dialect.Column{
		{Name: "id", Kind: dialect.KindBigAuto, PrimaryKey: true},
		{Name: "n", Kind: dialect.KindInt, Null: true},
		{Name: "s", Kind: dialect.KindChar, MaxLength: 20, Null: true, Default: "'x'"},
		{Name: "p", Kind: dialect.KindPositiveInt},
		{Name: "code", Kind: dialect.KindText},
	}}))...)
	execAll(t, db, `INSERT INTO t (n, s, p, code) VALUES (1, 'hello', 5, '42'), (NULL, 'a much longer text', 0, '7')`)

	tests := []struct {
		name     string
		col      dialect.Column
		wantErr  error  // nil, or the kind of error
		wantInfo string // the column afterwards
		wantData string // SELECT string_agg(col::text) ORDER BY id afterwards
	}{
		{"int_to_bigint_not_null_with_default_fills_nulls", dialect.Column{Name: "n", Kind: dialect.KindBigInt, Default: "7"}, nil, "bigint NOT NULL DEFAULT 7", "1,7"},
		{"shrinking_varchar_fails_instead_of_truncating", dialect.Column{Name: "s", Kind: dialect.KindChar, MaxLength: 5, Null: true}, errAny, "character varying(20) NULL DEFAULT 'x'::character varying", "hello,a much longer text"},
		{"widening_varchar_drops_default", dialect.Column{Name: "s", Kind: dialect.KindChar, MaxLength: 50, Null: true}, nil, "character varying(50) NULL", "hello,a much longer text"},
		{"positive_to_signed_drops_check", dialect.Column{Name: "p", Kind: dialect.KindInt}, nil, "integer NOT NULL", "5,0"},
		{"signed_to_positive_with_negative_rows_fails", dialect.Column{Name: "p", Kind: dialect.KindPositiveBigInt}, dialect.ErrCheckViolation, "integer NOT NULL", "5,-1"},
		{"positive_to_text", dialect.Column{Name: "p", Kind: dialect.KindText}, nil, "text NOT NULL", "5,-1"},
		{"text_to_int_casts", dialect.Column{Name: "code", Kind: dialect.KindSmallInt}, nil, "smallint NOT NULL", "42,7"},
		{"int_to_decimal", dialect.Column{Name: "code", Kind: dialect.KindDecimal, Precision: 6, Scale: 2, Default: "1.5"}, nil, "numeric(6,2) NOT NULL DEFAULT 1.5", "42.00,7.00"},
		{"to_positive", dialect.Column{Name: "code", Kind: dialect.KindPositiveInt, Null: true}, nil, "integer NULL", "42,7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "signed_to_positive_with_negative_rows_fails" {
				execAll(t, db, `UPDATE t SET p = -1 WHERE p = 0`)
			}
			err := runAlter(t, db, d, "t", tt.col)
			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatalf("AlterColumn: %v", err)
			case tt.wantErr == errAny && err == nil, tt.wantErr != nil && tt.wantErr != errAny && !errors.Is(err, tt.wantErr):
				t.Fatalf("AlterColumn error = %v, want %v", err, tt.wantErr)
			}
			if got := columnInfo(t, db, "t", tt.col.Name); got != tt.wantInfo {
				t.Errorf("column is %q, want %q", got, tt.wantInfo)
			}
			var data string
			if err := db.QueryRowContext(ctx, `SELECT string_agg(`+d.QuoteIdent(tt.col.Name)+`::text, ',' ORDER BY id) FROM t`).Scan(&data); err != nil {
				t.Fatal(err)
			}
			if data != tt.wantData {
				t.Errorf("data = %q, want %q", data, tt.wantData)
			}
		})
	}
	t.Run("positive_check_is_enforced", func(t *testing.T) {
		_, err := db.ExecContext(ctx, `UPDATE t SET code = -1`)
		var de *dialect.Error
		if err = d.Classify(err); !errors.Is(err, dialect.ErrCheckViolation) || !errors.As(err, &de) || de.Constraint != "t_code_check" {
			t.Errorf("error = %v, want a check violation of t_code_check", err)
		}
	})

	t.Run("auto_primary_keys", func(t *testing.T) {
		execAll(t, db, must{t}.stmts(d.CreateTable(dialect.Table{Name: "legacy", Columns: []dialect.Column{
			{Name: "id", Kind: dialect.KindInt, PrimaryKey: true},
			{Name: "v", Kind: dialect.KindText, Null: true},
		}}))...)
		execAll(t, db, `INSERT INTO legacy (id) VALUES (1), (2), (5)`)
		steps := []struct {
			kind     dialect.Kind
			wantInfo string
			wantID   int64 // of a row inserted without id; 0 for an error
		}{
			{dialect.KindBigAuto, "bigint NOT NULL IDENTITY", 6},
			{dialect.KindAuto, "integer NOT NULL IDENTITY", 7},
			{dialect.KindSmallAuto, "smallint NOT NULL IDENTITY", 8},
			{dialect.KindBigInt, "bigint NOT NULL", 0},
		}
		for _, s := range steps {
			if err := runAlter(t, db, d, "legacy", dialect.Column{Name: "id", Kind: s.kind, PrimaryKey: true}); err != nil {
				t.Fatalf("to %s: %v", s.kind, err)
			}
			if got := columnInfo(t, db, "legacy", "id"); got != s.wantInfo {
				t.Errorf("to %s: column is %q, want %q", s.kind, got, s.wantInfo)
			}
			var id int64
			// A different text each time: pgx caches prepared statements
			// per connection, and PostgreSQL refuses to run one whose
			// result type changed ("cached plan must not change result
			// type") until pgx prepares it again.
			err := db.QueryRowContext(ctx, `INSERT INTO legacy (v) VALUES ('`+s.kind.String()+`') RETURNING id`).Scan(&id)
			switch {
			case s.wantID == 0 && !errors.Is(d.Classify(err), dialect.ErrNotNullViolation):
				t.Errorf("to %s: insert without id: error = %v, want a not-null violation", s.kind, err)
			case s.wantID != 0 && (err != nil || id != s.wantID):
				t.Errorf("to %s: inserted id %d (%v), want %d", s.kind, id, err, s.wantID)
			}
		}
	})
}

var errAny = errors.New("any error")

func TestServer_Violations(t *testing.T) {
	t.Parallel()
	db, d := newTestDB(t)
	ctx := t.Context()
	execAll(t, db, must{t}.stmts(d.CreateTable(dialect.Table{Name: "author", Columns: []dialect.Column{
		{Name: "id", Kind: dialect.KindBigAuto, PrimaryKey: true},
		{Name: "email", Kind: dialect.KindChar, MaxLength: 100, Unique: true},
	}}))...)
	execAll(t, db, must{t}.stmts(d.CreateTable(dialect.Table{
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
			{Name: "book_pages_positive", Kind: dialect.ConstraintCheck, Check: `"pages" > 0`},
		},
	}))...)
	execAll(t, db, `INSERT INTO author (email) VALUES ('a@example.com')`, `INSERT INTO book (author_id, title, pages) VALUES (1, 'Dune', 412)`)
	insertBook := `INSERT INTO book (author_id, title, pages) VALUES ($1, $2, $3)`
	tests := []struct {
		name           string
		query          string
		args           []any
		want           error
		wantConstraint string
		wantCode       string
	}{
		{"unique_column", `INSERT INTO author (email) VALUES ($1)`, []any{"a@example.com"}, dialect.ErrUniqueViolation, "author_email_key", "23505"},
		{"unique_constraint", insertBook, []any{1, "Dune", 10}, dialect.ErrUniqueViolation, "book_title_uniq", "23505"},
		{"primary_key", `INSERT INTO author (id, email) VALUES (1, 'b@example.com')`, nil, dialect.ErrUniqueViolation, "author_pkey", "23505"},
		{"foreign_key", insertBook, []any{999, "Emma", 10}, dialect.ErrForeignKeyViolation, "book_author_fk", "23503"},
		{"foreign_key_delete", `DELETE FROM author`, nil, dialect.ErrForeignKeyViolation, "book_author_fk", "23503"},
		{"not_null", insertBook, []any{1, nil, 10}, dialect.ErrNotNullViolation, "book.title", "23502"},
		{"check", insertBook, []any{1, "Zero", 0}, dialect.ErrCheckViolation, "book_pages_positive", "23514"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.ExecContext(ctx, tt.query, tt.args...)
			if err == nil {
				t.Fatal("no error")
			}
			err = d.Classify(err)
			if !errors.Is(err, tt.want) {
				t.Fatalf("error = %v, want one matching %v", err, tt.want)
			}
			var de *dialect.Error
			if !errors.As(err, &de) || de.Constraint != tt.wantConstraint {
				t.Errorf("constraint = %q, want %q", de.Constraint, tt.wantConstraint)
			}
			var pe *pgconn.PgError
			if !errors.As(err, &pe) || pe.Code != tt.wantCode {
				t.Errorf("errors.As(*pgconn.PgError) = %v, want code %s", pe, tt.wantCode)
			}
			if dialect.Retryable(err) {
				t.Error("a constraint violation must not be retryable")
			}
		})
	}
	t.Run("other_errors_unchanged", func(t *testing.T) {
		_, err := db.ExecContext(ctx, `SELECT * FROM no_such_table`)
		if got := d.Classify(err); got != err || err == nil {
			t.Errorf("Classify(%v) = %v, want it unchanged", err, got)
		}
	})
}

func TestServer_Deadlock(t *testing.T) {
	t.Parallel()
	db, d := newTestDB(t)
	ctx := t.Context()
	execAll(t, db, `CREATE TABLE acct (id int PRIMARY KEY, balance int)`, `INSERT INTO acct VALUES (1, 0), (2, 0)`)
	tx1, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx1.Rollback()
	tx2, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx2.Rollback()
	execAll(t, tx1, `UPDATE acct SET balance = 1 WHERE id = 1`)
	execAll(t, tx2, `UPDATE acct SET balance = 1 WHERE id = 2`)
	// Each now waits for the row the other holds; the server breaks the
	// cycle after deadlock_timeout (1s by default) by failing one of them.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, step := range []struct {
		tx *sql.Tx
		id int
	}{{tx1, 2}, {tx2, 1}} {
		wg.Go(func() {
			_, errs[i] = step.tx.ExecContext(ctx, `UPDATE acct SET balance = 2 WHERE id = $1`, step.id)
			if errs[i] != nil {
				// Release the other transaction.
				step.tx.Rollback()
			}
		})
	}
	wg.Wait()
	deadlocks := 0
	for _, err := range errs {
		if err == nil {
			continue
		}
		if err := d.Classify(err); !errors.Is(err, dialect.ErrDeadlock) || !dialect.Retryable(err) {
			t.Errorf("error = %v, want a retryable ErrDeadlock", err)
		}
		deadlocks++
	}
	if deadlocks != 1 {
		t.Errorf("%d transactions failed (%v), want exactly one deadlock", deadlocks, errs)
	}
}

func TestServer_Serialization(t *testing.T) {
	t.Parallel()
	db, d := newTestDB(t)
	ctx := t.Context()
	execAll(t, db, `CREATE TABLE counter (id int PRIMARY KEY, n int)`, `INSERT INTO counter VALUES (1, 0)`)
	serializable := &sql.TxOptions{Isolation: sql.LevelSerializable}
	tx1, err := db.BeginTx(ctx, serializable)
	if err != nil {
		t.Fatal(err)
	}
	defer tx1.Rollback()
	tx2, err := db.BeginTx(ctx, serializable)
	if err != nil {
		t.Fatal(err)
	}
	defer tx2.Rollback()
	var n int
	// tx2 takes its snapshot; tx1 then changes the row and commits.
	if err := tx2.QueryRowContext(ctx, `SELECT n FROM counter WHERE id = 1`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	execAll(t, tx1, `UPDATE counter SET n = n + 1 WHERE id = 1`)
	if err := tx1.Commit(); err != nil {
		t.Fatal(err)
	}
	_, err = tx2.ExecContext(ctx, `UPDATE counter SET n = n + 1 WHERE id = 1`)
	if err = d.Classify(err); !errors.Is(err, dialect.ErrSerialization) || !dialect.Retryable(err) {
		t.Errorf("error = %v, want a retryable ErrSerialization", err)
	}
}

func TestServer_ConnectionLost(t *testing.T) {
	t.Parallel()
	db, d := newTestDB(t)
	ctx := t.Context()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var pid int
	if err := conn.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
		t.Fatal(err)
	}
	var ok bool
	// Wait (up to 5s) for the backend to be gone.
	if err := db.QueryRowContext(ctx, `SELECT pg_terminate_backend($1, 5000)`, pid).Scan(&ok); err != nil || !ok {
		t.Fatalf("pg_terminate_backend = %v, %v", ok, err)
	}
	_, err = conn.ExecContext(ctx, `SELECT 1`)
	t.Logf("error on the terminated connection: %v", err)
	if err = d.Classify(err); !errors.Is(err, dialect.ErrConnectionLost) {
		t.Errorf("error on the terminated connection = %v, want ErrConnectionLost", err)
	}
	_, err = conn.ExecContext(ctx, `SELECT 1`)
	t.Logf("error on the next use: %v", err)
	if err = d.Classify(err); !errors.Is(err, dialect.ErrConnectionLost) {
		t.Errorf("error on the next use of the terminated connection = %v, want ErrConnectionLost", err)
	}
	// The pool replaces the connection.
	if err := db.PingContext(ctx); err != nil {
		t.Errorf("the pool did not recover: %v", err)
	}

	t.Run("own_context_is_not_a_lost_connection", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		_, err := db.ExecContext(ctx, `SELECT pg_sleep(5)`)
		t.Logf("error of a query past its deadline: %v", err)
		err = d.Classify(err)
		if errors.Is(err, dialect.ErrConnectionLost) {
			t.Errorf("error = %v, want it not to be a lost connection", err)
		}
		var pe *pgconn.PgError
		if !errors.Is(err, context.DeadlineExceeded) && !(errors.As(err, &pe) && pe.Code == "57014") {
			t.Errorf("error = %v, want the context's deadline or a query_canceled", err)
		}
	})
}

// folds reports whether the database's collation folds non-ASCII letters:
// under "C" or "POSIX" only ASCII letters have a case.
func folds(t *testing.T, db *sql.DB) bool {
	var ctype string
	if err := db.QueryRowContext(t.Context(), `SELECT datctype FROM pg_database WHERE datname = current_database()`).Scan(&ctype); err != nil {
		t.Fatal(err)
	}
	return ctype != "C" && ctype != "POSIX"
}

func TestServer_Match(t *testing.T) {
	t.Parallel()
	db, d := newTestDB(t)
	ctx := t.Context()
	execAll(t, db, `CREATE TABLE m (id serial PRIMARY KEY, s text NOT NULL, n int)`)
	rows := []string{"Hello World", "hello world", "50% off_sale", "50 percent offXsale", "ÉCOLE", "école", "ΣΟΦΟΣ", `back\slash`, "backXslash"}
	for _, r := range rows {
		execAll(t, db, `INSERT INTO m (s, n) VALUES ('`+strings.ReplaceAll(r, "'", "''")+`', 12345)`)
	}
	tests := []struct {
		name     string
		op       dialect.MatchOp
		value    string
		want     string // matching rows, joined with |, in id order
		nonASCII bool   // needs a collation that folds non-ASCII letters
	}{
		{"contains_case_sensitive", dialect.Contains, "World", "Hello World", false},
		{"icontains", dialect.IContains, "WORLD", "Hello World|hello world", false},
		{"contains_percent_literal", dialect.Contains, "50%", "50% off_sale", false},
		{"contains_underscore_literal", dialect.Contains, "f_s", "50% off_sale", false},
		{"contains_backslash_literal", dialect.Contains, `k\s`, `back\slash`, false},
		{"icontains_wildcards_literal", dialect.IContains, "% OFF_", "50% off_sale", false},
		{"startswith", dialect.StartsWith, "hello", "hello world", false},
		{"istartswith", dialect.IStartsWith, "HELLO", "Hello World|hello world", false},
		{"endswith", dialect.EndsWith, "sale", "50% off_sale|50 percent offXsale", false},
		{"iendswith_wildcard_literal", dialect.IEndsWith, "_SALE", "50% off_sale", false},
		{"iexact", dialect.IExact, "hello WORLD", "Hello World|hello world", false},
		{"iexact_wildcards_literal", dialect.IExact, "50% OFF_SALE", "50% off_sale", false},
		{"iexact_percent_is_no_wildcard", dialect.IExact, "50%", "", false},
		{"iexact_non_ascii", dialect.IExact, "école", "ÉCOLE|école", true},
		{"icontains_non_ascii", dialect.IContains, "COL", "ÉCOLE|école", false},
		{"istartswith_non_ascii", dialect.IStartsWith, "éc", "ÉCOLE|école", true},
		{"iexact_greek_final_sigma", dialect.IExact, "σοφος", "ΣΟΦΟΣ", true},
		{"regex", dialect.Regex, "^hello", "hello world", false},
		{"regex_is_raw", dialect.Regex, "^50. ", "50% off_sale", false},
		{"iregex", dialect.IRegex, "^HELLO w", "Hello World|hello world", false},
		{"iregex_non_ascii", dialect.IRegex, "^ÉCO", "ÉCOLE|école", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.nonASCII && !folds(t, db) {
				t.Skip("the database's collation folds only ASCII letters")
			}
			q := `SELECT COALESCE(string_agg(s, '|' ORDER BY id), '') FROM m WHERE ` + d.Match(tt.op, `"s"`, d.Placeholder(1))
			var got string
			if err := db.QueryRowContext(ctx, q, d.MatchArg(tt.op, tt.value)).Scan(&got); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			if got != tt.want {
				t.Errorf("%s with %q = %q, want %q", q, tt.value, got, tt.want)
			}
		})
	}
	t.Run("non_text_lhs_needs_a_cast", func(t *testing.T) {
		q := `SELECT count(*) FROM m WHERE ` + d.Match(dialect.IContains, `"n"::text`, "$1")
		var n int
		if err := db.QueryRowContext(ctx, q, d.MatchArg(dialect.IContains, "234")).Scan(&n); err != nil || n != len(rows) {
			t.Errorf("%s = %d, %v; want %d", q, n, err, len(rows))
		}
	})
}

func TestServer_Extract(t *testing.T) {
	t.Parallel()
	db, d := newTestDB(t)
	ctx := t.Context()
	execAll(t, db, `CREATE TABLE e (at timestamptz, day date, tod time)`)
	// 08:45:59.987654 in Tokyo on Monday 30 December 2024 is 23:45:59.987654
	// UTC on Sunday 29 December: the parts must be read in UTC.
	tokyo := time.FixedZone("JST", 9*3600)
	at := time.Date(2024, 12, 30, 8, 45, 59, 987654000, tokyo)
	if _, err := db.ExecContext(ctx, `INSERT INTO e VALUES ($1, '2025-01-01', '07:08:09.999')`, at); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		part dialect.DatePart
		expr string
		want int64
	}{
		{"year", dialect.Year, "at", 2024},
		{"quarter", dialect.Quarter, "at", 4},
		{"month", dialect.Month, "at", 12},
		{"week", dialect.Week, "at", 52},
		{"day", dialect.Day, "at", 29},
		{"week_day_sunday_is_1", dialect.WeekDay, "at", 1},
		{"iso_week_day_sunday_is_7", dialect.ISOWeekDay, "at", 7},
		{"day_of_year", dialect.DayOfYear, "at", 364},
		{"hour", dialect.Hour, "at", 23},
		{"minute", dialect.Minute, "at", 45},
		{"second_truncated", dialect.Second, "at", 59},
		{"date_year", dialect.Year, "day", 2025},
		{"date_iso_week_of_previous_year", dialect.Week, "day", 1},
		{"date_week_day_wednesday", dialect.WeekDay, "day", 4},
		{"date_iso_week_day_wednesday", dialect.ISOWeekDay, "day", 3},
		{"date_day_of_year", dialect.DayOfYear, "day", 1},
		{"time_hour", dialect.Hour, "tod", 7},
		{"time_minute", dialect.Minute, "tod", 8},
		{"time_second", dialect.Second, "tod", 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expr, err := d.Extract(tt.part, d.QuoteIdent(tt.expr))
			if err != nil {
				t.Fatal(err)
			}
			var got int64
			var typ string
			if err := db.QueryRowContext(ctx, `SELECT `+expr+`, pg_typeof(`+expr+`)::text FROM e`).Scan(&got, &typ); err != nil {
				t.Fatalf("%s: %v", expr, err)
			}
			if got != tt.want || typ != "integer" {
				t.Errorf("%s = %d (%s), want %d (integer)", expr, got, typ, tt.want)
			}
		})
	}
	t.Run("cast_date_in_utc", func(t *testing.T) {
		var got string
		if err := db.QueryRowContext(ctx, `SELECT `+d.CastDate(`"at"`)+`::text FROM e`).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != "2024-12-29" {
			t.Errorf("CastDate = %s, want 2024-12-29 (the UTC date)", got)
		}
	})
}

func TestServer_UpsertAndReturning(t *testing.T) {
	t.Parallel()
	db, d := newTestDB(t)
	ctx := t.Context()
	execAll(t, db, must{t}.stmts(d.CreateTable(dialect.Table{Name: "kv", Columns: []dialect.Column{
		{Name: "id", Kind: dialect.KindBigAuto, PrimaryKey: true},
		{Name: "k", Kind: dialect.KindChar, MaxLength: 10, Unique: true},
		{Name: "v", Kind: dialect.KindInt},
	}}))...)
	returning := d.Returning([]string{d.QuoteIdent("id"), d.QuoteIdent("v")})
	upsert := func(c dialect.Conflict, k string, v int) (string, error) {
		insert, suffix, err := d.Upsert(c)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := db.QueryContext(ctx, insert+` INTO kv (k, v) VALUES ($1, $2) `+suffix+` `+returning, k, v)
		if err != nil {
			return "", err
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var id, v int
			if err := rows.Scan(&id, &v); err != nil {
				return "", err
			}
			out = append(out, fmt.Sprintf("id=%d v=%d", id, v))
		}
		return strings.Join(out, ";"), rows.Err()
	}
	ignore := dialect.Conflict{Action: dialect.ConflictIgnore, Target: []string{"k"}}
	ignoreAny := dialect.Conflict{Action: dialect.ConflictIgnore}
	update := dialect.Conflict{Action: dialect.ConflictUpdate, Target: []string{"k"}, Update: []string{"v"}}
	steps := []struct {
		name string
		c    dialect.Conflict
		k    string
		v    int
		want string // rows returned
	}{
		{"insert_returns_row", ignore, "a", 1, "id=1 v=1"},
		{"ignore_keeps_existing", ignore, "a", 2, ""},
		{"ignore_without_target", ignoreAny, "a", 3, ""},
		{"update_overwrites", update, "a", 4, "id=1 v=4"},
		{"update_inserts_new", update, "b", 5, "id=5 v=5"},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			got, err := upsert(s.c, s.k, s.v)
			if err != nil {
				t.Fatal(err)
			}
			if got != s.want {
				t.Errorf("returned %q, want %q", got, s.want)
			}
		})
	}
	var all string
	if err := db.QueryRowContext(ctx, `SELECT string_agg(k || '=' || v, ',' ORDER BY k) FROM kv`).Scan(&all); err != nil || all != "a=4,b=5" {
		t.Errorf("table holds %q (%v), want a=4,b=5", all, err)
	}
}

func TestServer_ForUpdate(t *testing.T) {
	t.Parallel()
	db, d := newTestDB(t)
	ctx := t.Context()
	execAll(t, db, `CREATE TABLE job (id int PRIMARY KEY, owner_id int)`, `CREATE TABLE owner (id int PRIMARY KEY)`,
		`INSERT INTO owner VALUES (1)`, `INSERT INTO job VALUES (1, 1), (2, 1), (3, 1)`)
	lock := func(l dialect.Lock) string { return must{t}.stmt(d.ForUpdate(l)) }
	next := func(tx *sql.Tx, l dialect.Lock) (int, error) {
		var id int
		err := tx.QueryRowContext(ctx, `SELECT job.id FROM job JOIN owner ON owner.id = job.owner_id ORDER BY job.id `+d.LimitOffset(1, 0)+` `+lock(l)).Scan(&id)
		return id, err
	}
	tx1, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx1.Rollback()
	if id, err := next(tx1, dialect.Lock{Of: []string{"job"}}); err != nil || id != 1 {
		t.Fatalf("first worker took job %d (%v), want 1", id, err)
	}
	tx2, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx2.Rollback()
	if id, err := next(tx2, dialect.Lock{Strength: dialect.LockNoKeyUpdate, Of: []string{"job"}, SkipLocked: true}); err != nil || id != 2 {
		t.Errorf("second worker with SKIP LOCKED took job %d (%v), want 2", id, err)
	}
	// The owner row is not locked (OF job): a FOR KEY SHARE on it works.
	var owner int
	if err := tx2.QueryRowContext(ctx, `SELECT id FROM owner `+lock(dialect.Lock{Strength: dialect.LockKeyShare, NoWait: true})).Scan(&owner); err != nil {
		t.Errorf("locking the owner row: %v", err)
	}
	tx3, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx3.Rollback()
	_, err = next(tx3, dialect.Lock{Strength: dialect.LockShare, Of: []string{"job"}, NoWait: true})
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "55P03" {
		t.Errorf("NOWAIT on a locked row: error = %v, want lock_not_available (55P03)", err)
	}
	if got := d.Classify(err); got != err {
		t.Errorf("Classify(lock_not_available) = %v, want it unchanged", got)
	}
	// LIMIT/OFFSET and RANDOM() run too.
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT id FROM job ORDER BY `+d.Random()+` `+d.LimitOffset(-1, 1)+`) j`).Scan(&n); err != nil || n != 2 {
		t.Errorf("OFFSET 1 of 3 rows gave %d rows (%v), want 2", n, err)
	}
}

func TestServer_Savepoints(t *testing.T) {
	t.Parallel()
	db, d := newTestDB(t)
	ctx := t.Context()
	execAll(t, db, `CREATE TABLE s (v int)`)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	execAll(t, tx,
		`INSERT INTO s VALUES (1)`,
		d.Savepoint("nuages_1"),
		`INSERT INTO s VALUES (2)`,
		d.Savepoint(`odd"name`),
		`INSERT INTO s VALUES (3)`,
		d.ReleaseSavepoint(`odd"name`),
		d.RollbackToSavepoint("nuages_1"),
		d.ReleaseSavepoint("nuages_1"),
		`INSERT INTO s VALUES (4)`,
	)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	var got string
	if err := db.QueryRowContext(ctx, `SELECT string_agg(v::text, ',' ORDER BY v) FROM s`).Scan(&got); err != nil || got != "1,4" {
		t.Errorf("rows = %q (%v), want 1,4", got, err)
	}
}
