package mysql

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/nuages-go/nuages/database/dialect"
	"github.com/nuages-go/nuages/internal/testenv"
)

// These tests run on the server that NUAGES_TEST_MYSQL names, each in a
// database of its own that is dropped when the test ends.

// serverURL returns the server's URL, skipping the test when it is unset
// (failing it under CI=true).
func serverURL(t *testing.T) *url.URL {
	t.Helper()
	u, err := url.Parse(testenv.Lookup(t, testenv.MySQL))
	if err != nil {
		t.Fatalf("%s: %v", testenv.MySQL, err)
	}
	return u
}

// openDB creates a uniquely named database, opens it, and closes and drops
// it when the test ends.
func openDB(t *testing.T) (*sql.DB, *Dialect) {
	t.Helper()
	u := serverURL(t)
	admin, _, err := Engine{}.Open(t.Context(), u)
	if err != nil {
		testenv.Unreachable(t, testenv.MySQL, err)
	}
	name := "nuages_my_" + strings.ToLower(rand.Text()[:12])
	if _, err := admin.ExecContext(t.Context(), "CREATE DATABASE `"+name+"` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		admin.Close()
		t.Fatalf("creating database %s: %v", name, err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS `"+name+"`"); err != nil {
			t.Errorf("dropping database %s: %v", name, err)
		}
	})
	tu := *u
	tu.Path = "/" + name
	db, d, err := Engine{}.Open(t.Context(), &tu)
	if err != nil {
		t.Fatalf("opening %s: %v", name, err)
	}
	t.Cleanup(func() { db.Close() }) // runs before the drop
	return db, d.(*Dialect)
}

func execAll(t *testing.T, db *sql.DB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := db.ExecContext(t.Context(), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func createTable(t *testing.T, db *sql.DB, d *Dialect, tbl dialect.Table) {
	t.Helper()
	execAll(t, db, must[[]string](t)(d.CreateTable(tbl))...)
}

// column reads one string column of a query's rows, in order.
func column(t *testing.T, db *sql.DB, query string, args ...any) []string {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// classified runs d.Classify on err and checks that it is a *dialect.Error
// of kind that still reaches the server's *mysql.MySQLError.
func classified(t *testing.T, d *Dialect, err error, kind error) (*dialect.Error, *mysql.MySQLError) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %v", kind)
	}
	err = d.Classify(err)
	var de *dialect.Error
	var me *mysql.MySQLError
	if !errors.Is(err, kind) || !errors.As(err, &de) || !errors.As(err, &me) {
		t.Fatalf("Classify = %v, want %v wrapping a *mysql.MySQLError", err, kind)
	}
	return de, me
}

func TestServer_SessionSettings(t *testing.T) {
	t.Parallel()
	db, d := openDB(t)
	var mode, tz, charset, collation string
	err := db.QueryRowContext(t.Context(), "SELECT @@SESSION.sql_mode, @@SESSION.time_zone, @@character_set_connection, @@collation_connection").Scan(&mode, &tz, &charset, &collation)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"STRICT_TRANS_TABLES", "STRICT_ALL_TABLES", "NO_ZERO_DATE", "ERROR_FOR_DIVISION_BY_ZERO", "NO_ENGINE_SUBSTITUTION"} {
		if !slices.Contains(strings.Split(mode, ","), want) {
			t.Errorf("sql_mode = %s, want it to hold %s", mode, want)
		}
	}
	if slices.Contains(strings.Split(mode, ","), "NO_BACKSLASH_ESCAPES") {
		t.Errorf("sql_mode = %s: LIKE's default escape would not be a backslash", mode)
	}
	if tz != "+00:00" || charset != "utf8mb4" || collation != "utf8mb4_unicode_ci" {
		t.Errorf("got time_zone %s, %s, %s; want +00:00, utf8mb4, utf8mb4_unicode_ci", tz, charset, collation)
	}
	var version string
	if err := db.QueryRowContext(t.Context(), "SELECT VERSION()").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if got := d.Features().Version; got != version {
		t.Errorf("Features().Version = %q, want %q", got, version)
	}
	t.Logf("server %s (MariaDB: %v)", version, d.mariaDB)
}

func TestServer_StrictMode(t *testing.T) {
	t.Parallel()
	db, d := openDB(t)
	createTable(t, db, d, dialect.Table{Name: "strict", Columns: []dialect.Column{
		{Name: "s", Kind: dialect.KindChar, MaxLength: 5, Null: true},
		{Name: "day", Kind: dialect.KindDate, Null: true},
		{Name: "n", Kind: dialect.KindPositiveInt, Null: true},
		{Name: "f", Kind: dialect.KindFloat, Null: true},
	}})
	tests := []struct {
		name, query string
		arg         any
		wantNumber  uint16
	}{
		{"too_long_string", "INSERT INTO strict (s) VALUES (?)", "abcdef", 1406},
		{"invalid_date", "INSERT INTO strict (day) VALUES (?)", "2024-02-30", 1292},
		{"zero_date", "INSERT INTO strict (day) VALUES (?)", "0000-00-00", 1292},
		{"negative_unsigned", "INSERT INTO strict (n) VALUES (?)", -1, 1264},
		{"division_by_zero", "INSERT INTO strict (f) VALUES (1 / ?)", 0, 1365},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.ExecContext(t.Context(), tt.query, tt.arg)
			var me *mysql.MySQLError
			if !errors.As(err, &me) || me.Number != tt.wantNumber {
				t.Errorf("got %v, want server error %d (strict mode)", err, tt.wantNumber)
			}
		})
	}
	if got := column(t, db, "SELECT COUNT(*) FROM strict"); got[0] != "0" {
		t.Errorf("%s rows stored, want none", got[0])
	}
}

// everyKind is a table with one column of every kind.
func everyKind() dialect.Table {
	cols := []dialect.Column{{Name: "id", Kind: dialect.KindBigAuto, PrimaryKey: true}}
	for _, k := range dialect.Kinds() {
		if !k.IsAuto() {
			cols = append(cols, dialect.Column{Name: "c_" + k.String(), Kind: k, Null: true, MaxLength: 40, Precision: 10, Scale: 2})
		}
	}
	cols = append(cols,
		dialect.Column{Name: "d_text", Kind: dialect.KindText, Default: "'none'"},
		dialect.Column{Name: "d_json", Kind: dialect.KindJSON, Default: "'{}'"},
		dialect.Column{Name: "d_int", Kind: dialect.KindInt, Default: "7"},
	)
	return dialect.Table{
		Name:    "every",
		Columns: cols,
		Indexes: []dialect.Index{
			{Name: "every_char_int", Columns: []string{"c_char", "-c_int"}},
			{Name: "every_uuid_uniq", Columns: []string{"c_uuid"}, Unique: true},
		},
		Constraints: []dialect.Constraint{
			{Name: "every_int_check", Kind: dialect.ConstraintCheck, Check: "`c_int` <> 13"},
			{Name: "every_ip_uniq", Kind: dialect.ConstraintUnique, Columns: []string{"c_ipaddress"}},
		},
	}
}

func TestServer_EveryKind(t *testing.T) {
	t.Parallel()
	db, d := openDB(t)
	createTable(t, db, d, everyKind())
	ctx := t.Context()
	at := time.Date(2024, 1, 2, 3, 4, 5, 678901000, time.UTC)
	_, err := db.ExecContext(ctx, "INSERT INTO every (c_bool, c_smallint, c_int, c_bigint, c_positivesmallint, c_positiveint, c_positivebigint, "+
		"c_float, c_decimal, c_char, c_text, c_date, c_datetime, c_time, c_duration, c_uuid, c_binary, c_json, c_ipaddress) "+
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		true, -32768, -2147483648, int64(-9223372036854775808), 65535, uint32(4294967295), uint64(18446744073709551615),
		0.1, "12345678.91", "🌥 char", "text 🌥", "2024-02-29", at, "23:59:59.999999", int64(90*time.Minute/time.Microsecond),
		"0123456789abcdef0123456789abcdef", []byte{0, 1, 2, 255}, `{"a": [1, 2]}`, "2001:db8::1")
	if err != nil {
		t.Fatal(err)
	}
	var (
		b                        bool
		small, i, big            int64
		psmall, pint, pbig       uint64
		f                        float64
		dec, ch, text, date, tod string
		dt                       time.Time
		dur                      int64
		uuid, ip, js, dText      string
		bin                      []byte
		dInt                     int
	)
	err = db.QueryRowContext(ctx, "SELECT c_bool, c_smallint, c_int, c_bigint, c_positivesmallint, c_positiveint, c_positivebigint, "+
		"c_float, c_decimal, c_char, c_text, c_date, c_datetime, c_time, c_duration, c_uuid, c_binary, c_json, c_ipaddress, d_text, d_int FROM every").
		Scan(&b, &small, &i, &big, &psmall, &pint, &pbig, &f, &dec, &ch, &text, &date, &dt, &tod, &dur, &uuid, &bin, &js, &ip, &dText, &dInt)
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(b, small, i, big, psmall, pint, pbig, f, dec, ch, text, date[:10], dt, tod, dur, uuid, bin, ip, dText, dInt)
	want := fmt.Sprint(true, -32768, -2147483648, int64(-9223372036854775808), 65535, 4294967295, uint64(18446744073709551615),
		0.1, "12345678.91", "🌥 char", "text 🌥", "2024-02-29", at, "23:59:59.999999", int64(5400000000), "0123456789abcdef0123456789abcdef", []byte{0, 1, 2, 255}, "2001:db8::1", "none", 7)
	if got != want {
		t.Errorf("round trip:\ngot  %s\nwant %s", got, want)
	}
	if !strings.Contains(js, `"a"`) {
		t.Errorf("json = %s", js)
	}

	rejected := []struct{ name, query string }{
		{"negative_positive_int", "INSERT INTO every (c_positivesmallint) VALUES (-1)"},
		{"invalid_json", "INSERT INTO every (c_json) VALUES ('{nope')"},
		{"check", "INSERT INTO every (c_int) VALUES (13)"},
		{"unique_index", "INSERT INTO every (c_uuid) VALUES ('0123456789abcdef0123456789abcdef')"},
		{"unique_constraint", "INSERT INTO every (c_ipaddress) VALUES ('2001:db8::1')"},
	}
	for _, tt := range rejected {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := db.ExecContext(ctx, tt.query); err == nil {
				t.Errorf("%s succeeded, want an error", tt.query)
			}
		})
	}
}

func TestServer_SchemaChanges(t *testing.T) {
	t.Parallel()
	db, d := openDB(t)
	ctx := t.Context()
	createTable(t, db, d, everyKind())
	execAll(t, db, "INSERT INTO every (c_int, c_char) VALUES (5, 'twenty characters...')")

	execAll(t, db, must[[]string](t)(d.AddColumn("every", dialect.Column{Name: "added", Kind: dialect.KindInt, Null: true}))...)
	execAll(t, db, "UPDATE every SET added = 41", d.RenameColumn("every", "added", "renamed"))
	// Widen a column holding data, and make it NOT NULL with a default.
	execAll(t, db, must[[]string](t)(d.AlterColumn("every", dialect.Column{Name: "renamed", Kind: dialect.KindBigInt, Default: "0"}))...)
	execAll(t, db, "INSERT INTO every (c_char) VALUES ('defaulted')")
	if got := column(t, db, "SELECT renamed FROM every ORDER BY id"); fmt.Sprint(got) != "[41 0]" {
		t.Errorf("after AlterColumn: %v, want [41 0]", got)
	}
	// Narrowing below the data is an error in strict mode, not a truncation.
	narrow := must[[]string](t)(d.AlterColumn("every", dialect.Column{Name: "c_char", Kind: dialect.KindChar, MaxLength: 5, Null: true}))
	if _, err := db.ExecContext(ctx, narrow[0]); err == nil {
		t.Errorf("%s succeeded on longer data, want an error", narrow[0])
	}
	execAll(t, db, must[[]string](t)(d.AlterColumn("every", dialect.Column{Name: "c_char", Kind: dialect.KindChar, MaxLength: 100, Null: true, Unique: true}))...)
	execAll(t, db, must[[]string](t)(d.AlterColumn("every", dialect.Column{Name: "c_text", Kind: dialect.KindText, Null: true, Default: "'x'"}))...)
	execAll(t, db, d.DropColumn("every", "renamed"))

	execAll(t, db, d.DropIndex("every", "every_char_int"), must[string](t)(d.CreateIndex("every", dialect.Index{Name: "every_int", Columns: []string{"-c_int"}})))
	for _, c := range []dialect.Constraint{
		{Name: "every_int_check", Kind: dialect.ConstraintCheck},
		{Name: "every_ip_uniq", Kind: dialect.ConstraintUnique},
	} {
		execAll(t, db, must[string](t)(d.DropConstraint("every", c)))
	}
	execAll(t, db, "INSERT INTO every (c_int, c_ipaddress) VALUES (13, '::1'), (14, '::1')")
	for _, c := range []dialect.Constraint{
		{Name: "every_int_check2", Kind: dialect.ConstraintCheck, Check: "`c_int` <> 99"},
		{Name: "every_bigint_uniq", Kind: dialect.ConstraintUnique, Columns: []string{"c_bigint", "c_smallint"}},
		{Name: "every_self_fk", Kind: dialect.ConstraintForeignKey, Columns: []string{"c_bigint"}, RefTable: "every", RefColumns: []string{"id"}, OnDelete: dialect.Cascade, Deferrable: true},
	} {
		execAll(t, db, must[string](t)(d.AddConstraint("every", c)))
		execAll(t, db, must[string](t)(d.DropConstraint("every", c)))
	}
	execAll(t, db, d.RenameTable("every", "every2"), d.DropTable("every2"))

	// AutoField to BigAutoField: the column stays the auto-increment key.
	createTable(t, db, d, dialect.Table{Name: "small", Columns: []dialect.Column{{Name: "id", Kind: dialect.KindAuto, PrimaryKey: true}, {Name: "v", Kind: dialect.KindInt}}})
	execAll(t, db, "INSERT INTO small (v) VALUES (1)")
	execAll(t, db, must[[]string](t)(d.AlterColumn("small", dialect.Column{Name: "id", Kind: dialect.KindBigAuto, PrimaryKey: true}))...)
	execAll(t, db, "INSERT INTO small (v) VALUES (2)", "INSERT INTO small (id, v) VALUES (9000000000, 3)")
	if got := column(t, db, "SELECT CONCAT(id, ':', v) FROM small ORDER BY id"); fmt.Sprint(got) != "[1:1 2:2 9000000000:3]" {
		t.Errorf("after AlterColumn to bigauto: %v", got)
	}
}

func TestServer_ForeignKeyActions(t *testing.T) {
	t.Parallel()
	db, d := openDB(t)
	ctx := t.Context()
	createTable(t, db, d, dialect.Table{Name: "parent", Columns: []dialect.Column{{Name: "id", Kind: dialect.KindBigAuto, PrimaryKey: true}}})
	tests := []struct {
		on   dialect.OnDelete
		want string // the child's parent after deleting the parent, or "error"
	}{
		{dialect.NoAction, "error"},
		{dialect.Restrict, "error"},
		{dialect.Cascade, "[]"},
		{dialect.SetNull, "[NULL]"},
	}
	for i, tt := range tests {
		t.Run(fmt.Sprint(tt.want, i), func(t *testing.T) {
			child := fmt.Sprintf("child%d", i)
			fk := dialect.Constraint{Name: child + "_fk", Kind: dialect.ConstraintForeignKey, Columns: []string{"parent_id"}, RefTable: "parent", RefColumns: []string{"id"}, OnDelete: tt.on}
			createTable(t, db, d, dialect.Table{Name: child, Columns: []dialect.Column{{Name: "parent_id", Kind: dialect.KindBigInt, Null: true}}, Constraints: []dialect.Constraint{fk}})
			res := must[sql.Result](t)(db.ExecContext(ctx, "INSERT INTO parent () VALUES ()"))
			id := must[int64](t)(res.LastInsertId())
			execAll(t, db, fmt.Sprintf("INSERT INTO %s VALUES (%d)", child, id))
			_, err := db.ExecContext(ctx, "DELETE FROM parent WHERE id = ?", id)
			if tt.want == "error" {
				de, me := classified(t, d, err, dialect.ErrForeignKeyViolation)
				if de.Constraint != fk.Name || me.Number != 1451 {
					t.Errorf("constraint %q, number %d; want %q, 1451", de.Constraint, me.Number, fk.Name)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := column(t, db, "SELECT COALESCE(CAST(parent_id AS CHAR), 'NULL') FROM "+child); fmt.Sprint(got) != tt.want {
				t.Errorf("child rows after the delete: %v, want %s", got, tt.want)
			}
		})
	}
	_, err := d.AddConstraint("child0", dialect.Constraint{Name: "x", Kind: dialect.ConstraintForeignKey, Columns: []string{"parent_id"}, RefTable: "parent", RefColumns: []string{"id"}, OnDelete: dialect.SetDefault})
	if !errors.Is(err, dialect.ErrUnsupported) {
		t.Errorf("ON DELETE SET DEFAULT: error = %v, want ErrUnsupported", err)
	}
}

func TestServer_ConstraintViolations(t *testing.T) {
	t.Parallel()
	db, d := openDB(t)
	ctx := t.Context()
	createTable(t, db, d, dialect.Table{Name: "author", Columns: []dialect.Column{{Name: "id", Kind: dialect.KindBigAuto, PrimaryKey: true}}})
	createTable(t, db, d, dialect.Table{
		Name: "book",
		Columns: []dialect.Column{
			{Name: "id", Kind: dialect.KindBigAuto, PrimaryKey: true},
			{Name: "title", Kind: dialect.KindChar, MaxLength: 50},
			{Name: "pages", Kind: dialect.KindInt, Null: true},
			{Name: "author_id", Kind: dialect.KindBigInt, Null: true},
		},
		Constraints: []dialect.Constraint{
			{Name: "book_title_uniq", Kind: dialect.ConstraintUnique, Columns: []string{"title"}},
			{Name: "book_pages_positive", Kind: dialect.ConstraintCheck, Check: "`pages` > 0"},
			{Name: "book_author_fk", Kind: dialect.ConstraintForeignKey, Columns: []string{"author_id"}, RefTable: "author", RefColumns: []string{"id"}},
		},
	})
	execAll(t, db, "INSERT INTO author (id) VALUES (1)", "INSERT INTO book (title, author_id) VALUES ('Dune', 1)")
	checkNumber := uint16(3819)
	if d.mariaDB {
		checkNumber = 4025
	}
	tests := []struct {
		name, query    string
		want           error
		wantConstraint string
		wantNumber     uint16
	}{
		{"unique", "INSERT INTO book (title) VALUES ('Dune')", dialect.ErrUniqueViolation, "book_title_uniq", 1062},
		{"primary_key", "INSERT INTO book (id, title) VALUES (1, 'Emma')", dialect.ErrUniqueViolation, "PRIMARY", 1062},
		{"foreign_key_child", "INSERT INTO book (title, author_id) VALUES ('Emma', 2)", dialect.ErrForeignKeyViolation, "book_author_fk", 1452},
		{"foreign_key_parent", "DELETE FROM author", dialect.ErrForeignKeyViolation, "book_author_fk", 1451},
		{"not_null", "INSERT INTO book (title) VALUES (NULL)", dialect.ErrNotNullViolation, "title", 1048},
		{"not_null_update", "UPDATE book SET title = NULL", dialect.ErrNotNullViolation, "title", 1048},
		{"no_default", "INSERT INTO book (pages) VALUES (3)", dialect.ErrNotNullViolation, "title", 1364},
		{"check", "INSERT INTO book (title, pages) VALUES ('Emma', 0)", dialect.ErrCheckViolation, "book_pages_positive", checkNumber},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.ExecContext(ctx, tt.query)
			de, me := classified(t, d, err, tt.want)
			if de.Constraint != tt.wantConstraint || me.Number != tt.wantNumber {
				t.Errorf("got constraint %q, number %d; want %q, %d (%v)", de.Constraint, me.Number, tt.wantConstraint, tt.wantNumber, err)
			}
		})
	}
	// Errors that are not constraint violations pass through.
	_, err := db.ExecContext(ctx, "SELEKT 1")
	if got := d.Classify(err); got != err {
		t.Errorf("syntax error classified as %v", got)
	}
}

func TestServer_Deadlock(t *testing.T) {
	t.Parallel()
	db, d := openDB(t)
	ctx := t.Context()
	createTable(t, db, d, dialect.Table{Name: "acct", Columns: []dialect.Column{{Name: "id", Kind: dialect.KindInt, PrimaryKey: true}, {Name: "n", Kind: dialect.KindInt}}})
	execAll(t, db, "INSERT INTO acct VALUES (1, 0), (2, 0)")
	tx1 := must[*sql.Tx](t)(db.BeginTx(ctx, nil))
	defer tx1.Rollback()
	tx2 := must[*sql.Tx](t)(db.BeginTx(ctx, nil))
	defer tx2.Rollback()
	must[sql.Result](t)(tx1.ExecContext(ctx, "UPDATE acct SET n = n + 1 WHERE id = 1"))
	must[sql.Result](t)(tx2.ExecContext(ctx, "UPDATE acct SET n = n + 1 WHERE id = 2"))
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, step := range []struct {
		tx *sql.Tx
		id int
	}{{tx1, 2}, {tx2, 1}} {
		// In either order, the second lock wait closes the cycle that
		// InnoDB detects: exactly one of the two is chosen as the victim.
		wg.Go(func() {
			_, errs[i] = step.tx.ExecContext(ctx, "UPDATE acct SET n = n + 1 WHERE id = ?", step.id)
		})
	}
	wg.Wait()
	var deadlocks int
	for _, err := range errs {
		if err == nil {
			continue
		}
		err = d.Classify(err)
		if !errors.Is(err, dialect.ErrDeadlock) || !dialect.Retryable(err) {
			t.Errorf("error = %v, want a retryable ErrDeadlock", err)
		}
		deadlocks++
	}
	if deadlocks != 1 {
		t.Errorf("%d deadlocks (%v), want 1", deadlocks, errs)
	}
}

func TestServer_ConnectionLost(t *testing.T) {
	t.Parallel()
	db, d := openDB(t)
	ctx := t.Context()
	tx := must[*sql.Tx](t)(db.BeginTx(ctx, nil))
	defer tx.Rollback()
	var id int64
	if err := tx.QueryRowContext(ctx, "SELECT CONNECTION_ID()").Scan(&id); err != nil {
		t.Fatal(err)
	}
	// From another connection of the pool, end this one, and wait until
	// the server has closed it.
	execAll(t, db, fmt.Sprintf("KILL %d", id))
	waitGone(t, db, id)
	_, err := tx.ExecContext(ctx, "SELECT 1")
	if err == nil {
		t.Fatal("a killed connection answered")
	}
	if got := d.Classify(err); !errors.Is(got, dialect.ErrConnectionLost) {
		t.Errorf("Classify(%v) = %v, want ErrConnectionLost", err, got)
	}
	if err := db.PingContext(ctx); err != nil {
		t.Errorf("the pool did not recover: %v", err)
	}
}

// waitGone polls until the server's thread of connection id has ended:
// KILL only marks it.
func waitGone(t *testing.T, db *sql.DB, id int64) {
	t.Helper()
	for i := 0; ; i++ {
		var n int
		if err := db.QueryRowContext(t.Context(), "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = ?", id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if i == 500 {
			t.Fatalf("connection %d still runs 5 s after KILL", id)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestServer_TimesAreUTC(t *testing.T) {
	t.Parallel()
	db, d := openDB(t)
	ctx := t.Context()
	createTable(t, db, d, dialect.Table{Name: "ev", Columns: []dialect.Column{{Name: "at", Kind: dialect.KindDateTime}, {Name: "s", Kind: dialect.KindChar, MaxLength: 5}}})
	paris := time.FixedZone("CEST", 2*3600)
	at := time.Date(2024, 6, 1, 12, 30, 15, 123456000, paris)
	must[sql.Result](t)(db.ExecContext(ctx, "INSERT INTO ev (at, s) VALUES (?, ?)", at, "🌥é🌥é🌥"))
	var got time.Time
	var s, text string
	if err := db.QueryRowContext(ctx, "SELECT at, s, CAST(at AS CHAR) FROM ev").Scan(&got, &s, &text); err != nil {
		t.Fatal(err)
	}
	if _, offset := got.Zone(); !got.Equal(at) || offset != 0 {
		t.Errorf("got %v, want the same instant in UTC, %v", got, at.UTC())
	}
	if want := "2024-06-01 10:30:15.123456"; text != want {
		t.Errorf("stored as %s, want %s (UTC)", text, want)
	}
	if s != "🌥é🌥é🌥" {
		t.Errorf("utf8mb4 round trip: got %q", s)
	}
	var skew int
	if err := db.QueryRowContext(ctx, "SELECT TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(), NOW())").Scan(&skew); err != nil {
		t.Fatal(err)
	}
	if skew != 0 {
		t.Errorf("NOW() is %ds from UTC, want the session in UTC", skew)
	}
}

func TestServer_Match(t *testing.T) {
	t.Parallel()
	db, d := openDB(t)
	createTable(t, db, d, dialect.Table{Name: "w", Columns: []dialect.Column{{Name: "s", Kind: dialect.KindChar, MaxLength: 50}}})
	for _, s := range []string{"Hello World", "hello world", "50%_off", "50 percent off", "Élan", "elan", `back\slash`, "abc123"} {
		must[sql.Result](t)(db.ExecContext(t.Context(), "INSERT INTO w (s) VALUES (?)", s))
	}
	tests := []struct {
		name  string
		lhs   string
		op    dialect.MatchOp
		value string
		want  string
	}{
		{"contains_is_case_sensitive", "s", dialect.Contains, "World", "[Hello World]"},
		{"contains_lower", "s", dialect.Contains, "world", "[hello world]"},
		{"contains_on_expression", "CAST(s AS CHAR)", dialect.Contains, "World", "[Hello World]"},
		{"icontains", "s", dialect.IContains, "WORLD", "[Hello World hello world]"},
		{"iexact", "s", dialect.IExact, "hello WORLD", "[Hello World hello world]"},
		{"iexact_keeps_accents", "s", dialect.IExact, "élan", "[Élan]"},
		{"startswith", "s", dialect.StartsWith, "hello", "[hello world]"},
		{"istartswith", "s", dialect.IStartsWith, "HELLO", "[Hello World hello world]"},
		{"endswith", "s", dialect.EndsWith, "off", "[50 percent off 50%_off]"},
		{"iendswith", "s", dialect.IEndsWith, "WORLD", "[Hello World hello world]"},
		{"percent_is_literal", "s", dialect.Contains, "%", "[50%_off]"},
		{"underscore_is_literal", "s", dialect.IContains, "_", "[50%_off]"},
		{"percent_underscore", "s", dialect.StartsWith, "50%_", "[50%_off]"},
		{"backslash_is_literal", "s", dialect.Contains, `k\s`, `[back\slash]`},
		{"iexact_backslash", "s", dialect.IExact, `BACK\SLASH`, `[back\slash]`},
		{"regex_is_case_sensitive", "s", dialect.Regex, "^h.*d$", "[hello world]"},
		{"regex_upper", "s", dialect.Regex, "^[A-Z]", "[Hello World]"},
		{"regex_on_expression", "CAST(s AS CHAR)", dialect.Regex, "^H", "[Hello World]"},
		{"iregex", "s", dialect.IRegex, "^h.*d$", "[Hello World hello world]"},
		{"iregex_accent", "s", dialect.IRegex, "^é", "[Élan]"},
		{"iregex_keeps_escapes", "s", dialect.IRegex, `^\D+$`, `[Hello World back\slash elan hello world Élan]`},
		{"iregex_class", "s", dialect.IRegex, `^[A-C]+[0-9]+$`, "[abc123]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := column(t, db, "SELECT s FROM w WHERE "+d.Match(tt.op, tt.lhs, d.Placeholder(1))+" ORDER BY s", d.MatchArg(tt.op, tt.value))
			if fmt.Sprint(got) != tt.want {
				t.Errorf("%s with %q: got %q, want %s", d.Match(tt.op, tt.lhs, "?"), d.MatchArg(tt.op, tt.value), got, tt.want)
			}
		})
	}
}

func TestServer_Extract(t *testing.T) {
	t.Parallel()
	db, d := openDB(t)
	ctx := t.Context()
	createTable(t, db, d, dialect.Table{Name: "ev", Columns: []dialect.Column{{Name: "at", Kind: dialect.KindDateTime}, {Name: "day", Kind: dialect.KindDate}}})
	for _, at := range []time.Time{
		time.Date(2024, 12, 30, 13, 14, 15, 0, time.UTC), // a Monday in ISO week 1 of 2025
		time.Date(2021, 1, 3, 23, 59, 59, 0, time.UTC),   // a Sunday in ISO week 53 of 2020
		time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC),     // a leap day
	} {
		execAll(t, db, "DELETE FROM ev")
		must[sql.Result](t)(db.ExecContext(ctx, "INSERT INTO ev (at, day) VALUES (?, ?)", at, at.Format(time.DateOnly)))
		_, isoWeek := at.ISOWeek()
		tests := []struct {
			part    dialect.DatePart
			want    int
			forDate bool
		}{
			{dialect.Year, at.Year(), true},
			{dialect.Quarter, (int(at.Month())-1)/3 + 1, true},
			{dialect.Month, int(at.Month()), true},
			{dialect.Week, isoWeek, true},
			{dialect.Day, at.Day(), true},
			{dialect.WeekDay, int(at.Weekday()) + 1, true},
			{dialect.ISOWeekDay, (int(at.Weekday())+6)%7 + 1, true},
			{dialect.DayOfYear, at.YearDay(), true},
			{dialect.Hour, at.Hour(), false},
			{dialect.Minute, at.Minute(), false},
			{dialect.Second, at.Second(), false},
		}
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/%d", at.Format(time.DateOnly), tt.part), func(t *testing.T) {
				cols := []string{"at"}
				if tt.forDate {
					cols = append(cols, "day")
				}
				for _, col := range cols {
					expr := must[string](t)(d.Extract(tt.part, d.QuoteIdent(col)))
					var got int
					if err := db.QueryRowContext(ctx, "SELECT "+expr+" FROM ev").Scan(&got); err != nil {
						t.Fatalf("%s: %v", expr, err)
					}
					if got != tt.want {
						t.Errorf("%s = %d, want %d", expr, got, tt.want)
					}
				}
			})
		}
		var day string
		if err := db.QueryRowContext(ctx, "SELECT CAST("+d.CastDate("at")+" AS CHAR) FROM ev").Scan(&day); err != nil {
			t.Fatal(err)
		}
		if want := at.Format(time.DateOnly); day != want {
			t.Errorf("%s = %s, want %s", d.CastDate("at"), day, want)
		}
	}
}

func TestServer_Upsert(t *testing.T) {
	t.Parallel()
	db, d := openDB(t)
	ctx := t.Context()
	createTable(t, db, d, dialect.Table{
		Name: "kv",
		Columns: []dialect.Column{
			{Name: "id", Kind: dialect.KindBigAuto, PrimaryKey: true},
			{Name: "k", Kind: dialect.KindChar, MaxLength: 10, Unique: true},
			{Name: "v", Kind: dialect.KindInt},
		},
	})
	execAll(t, db, "INSERT INTO kv (k, v) VALUES ('a', 1)")
	insert := func(c dialect.Conflict, rows string, args ...any) error {
		ins, suffix, err := d.Upsert(c)
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.ExecContext(ctx, ins+" INTO kv (k, v) VALUES "+rows+" "+suffix, args...)
		return err
	}
	ignore := dialect.Conflict{Action: dialect.ConflictIgnore, Target: []string{"k"}}
	if err := insert(ignore, "(?, ?), (?, ?)", "a", 2, "b", 2); err != nil {
		t.Fatal(err)
	}
	if got := column(t, db, "SELECT CONCAT(k, '=', v) FROM kv ORDER BY k"); fmt.Sprint(got) != "[a=1 b=2]" {
		t.Errorf("after ignoring: %v, want [a=1 b=2]", got)
	}
	// Only duplicates are ignored: INSERT IGNORE would store 0 here.
	err := insert(ignore, "(?, ?)", "c", nil)
	classified(t, d, err, dialect.ErrNotNullViolation)
	err = insert(ignore, "(?, ?)", "too long for k", 1)
	if err == nil {
		t.Error("an ignoring upsert truncated a too-long value instead of failing")
	}

	update := dialect.Conflict{Action: dialect.ConflictUpdate, Target: []string{"k"}, Update: []string{"v"}}
	if err := insert(update, "(?, ?), (?, ?)", "a", 3, "d", 4); err != nil {
		t.Fatal(err)
	}
	if got := column(t, db, "SELECT CONCAT(k, '=', v) FROM kv ORDER BY k"); fmt.Sprint(got) != "[a=3 b=2 d=4]" {
		t.Errorf("after updating: %v, want [a=3 b=2 d=4]", got)
	}
}

func TestServer_Returning(t *testing.T) {
	t.Parallel()
	db, d := openDB(t)
	if !d.Features().Returning {
		t.Skipf("%s has no RETURNING; callers use LastInsertId", d.version)
	}
	createTable(t, db, d, dialect.Table{Name: "r", Columns: []dialect.Column{{Name: "id", Kind: dialect.KindBigAuto, PrimaryKey: true}, {Name: "k", Kind: dialect.KindChar, MaxLength: 5}}})
	ret := d.Returning([]string{d.QuoteIdent("id")})
	got := column(t, db, "INSERT INTO r (k) VALUES ('a'), ('b') "+ret)
	if fmt.Sprint(got) != "[1 2]" {
		t.Errorf("INSERT ... %s: %v, want [1 2]", ret, got)
	}
	got = column(t, db, "DELETE FROM r WHERE k = 'b' "+d.Returning([]string{"`k`"}))
	if fmt.Sprint(got) != "[b]" {
		t.Errorf("DELETE ... RETURNING: %v, want [b]", got)
	}
}

func TestServer_RowLocks(t *testing.T) {
	t.Parallel()
	db, d := openDB(t)
	ctx := t.Context()
	createTable(t, db, d, dialect.Table{Name: "q", Columns: []dialect.Column{{Name: "id", Kind: dialect.KindInt, PrimaryKey: true}}})
	execAll(t, db, "INSERT INTO q VALUES (1), (2), (3)")
	lock := func(l dialect.Lock) string { return must[string](t)(d.ForUpdate(l)) }

	holder := must[*sql.Tx](t)(db.BeginTx(ctx, nil))
	defer holder.Rollback()
	var id int
	if err := holder.QueryRowContext(ctx, "SELECT id FROM q WHERE id = 1 "+lock(dialect.Lock{})).Scan(&id); err != nil {
		t.Fatal(err)
	}
	other := must[*sql.Tx](t)(db.BeginTx(ctx, nil))
	defer other.Rollback()
	rows := must[*sql.Rows](t)(other.QueryContext(ctx, "SELECT id FROM q ORDER BY id "+lock(dialect.Lock{SkipLocked: true})))
	var got []int
	for rows.Next() {
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		got = append(got, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != "[2 3]" {
		t.Errorf("SKIP LOCKED read %v, want [2 3]", got)
	}
	err := other.QueryRowContext(ctx, "SELECT id FROM q WHERE id = 1 "+lock(dialect.Lock{Strength: dialect.LockShare, NoWait: true})).Scan(&id)
	_, me := classified(t, d, err, dialect.ErrSerialization)
	t.Logf("NOWAIT on a locked row: error %d", me.Number)
	if err := other.QueryRowContext(ctx, "SELECT id FROM q WHERE id = 2 "+lock(dialect.Lock{Strength: dialect.LockShare})).Scan(&id); err != nil {
		t.Errorf("shared lock: %v", err)
	}
}

func TestServer_SavepointsAndLimits(t *testing.T) {
	t.Parallel()
	db, d := openDB(t)
	ctx := t.Context()
	createTable(t, db, d, dialect.Table{Name: "s", Columns: []dialect.Column{{Name: "id", Kind: dialect.KindInt, PrimaryKey: true}}})
	tx := must[*sql.Tx](t)(db.BeginTx(ctx, nil))
	defer tx.Rollback()
	for _, s := range []string{"INSERT INTO s VALUES (1)", d.Savepoint("sp 1"), "INSERT INTO s VALUES (2)", d.RollbackToSavepoint("sp 1"),
		"INSERT INTO s VALUES (3)", d.ReleaseSavepoint("sp 1"), "INSERT INTO s VALUES (4)"} {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		limit, offset int64
		want          string
	}{{2, 0, "[1 3]"}, {-1, 1, "[3 4]"}, {1, 1, "[3]"}, {-1, 0, "[1 3 4]"}, {0, 0, "[]"}} {
		if got := column(t, db, "SELECT id FROM s ORDER BY id "+d.LimitOffset(tt.limit, tt.offset)); fmt.Sprint(got) != tt.want {
			t.Errorf("LimitOffset(%d, %d): %v, want %s", tt.limit, tt.offset, got, tt.want)
		}
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM s ORDER BY "+d.Random()).Scan(&n); err != nil {
		t.Errorf("%s: %v", d.Random(), err)
	}
	var got int
	if err := db.QueryRowContext(ctx, "SELECT GET_LOCK('nuages_test', 0) + RELEASE_LOCK('nuages_test')").Scan(&got); err != nil || got != 2 {
		t.Errorf("advisory lock: %d, %v", got, err)
	}
}

func TestOpen_WrongPassword_HidesIt(t *testing.T) {
	t.Parallel()
	u := serverURL(t)
	u.User = url.UserPassword(u.User.Username(), "hunter2-wrong")
	db, _, err := Engine{}.Open(t.Context(), u)
	if err == nil {
		db.Close()
		t.Fatal("Open with a wrong password succeeded")
	}
	var me *mysql.MySQLError
	if !errors.As(err, &me) || me.Number != 1045 && me.Number != 1698 {
		t.Errorf("error = %v, want access denied (1045, or 1698 for a socket-authenticated user)", err)
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("the error shows the password: %v", err)
	}
	t.Logf("error: %v", err)
}
