package database_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/database/dialect"
	"github.com/nuages-go/nuages/nuagestest"
)

// These tests hold every engine to the same expectations: what a dialect
// generates must mean the same thing on SQLite, PostgreSQL and MySQL/MariaDB.

func create(t *testing.T, db *database.DB, tbl dialect.Table) {
	t.Helper()
	stmts, err := db.Dialect().CreateTable(tbl)
	if err != nil {
		t.Fatal(err)
	}
	execAll(t, db, stmts...)
}

func execAll(t *testing.T, db *database.DB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := db.Exec(t.Context(), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func strings1(t *testing.T, ctx context.Context, db *database.DB, query string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(ctx, query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []string
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
	slices.Sort(out) // collations order differently; compare as sets
	return out
}

func TestDDL_EveryKind(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		d := db.Dialect()
		cols := []dialect.Column{{Name: "id", Kind: dialect.KindBigAuto, PrimaryKey: true}}
		for _, k := range dialect.Kinds() {
			if !k.IsAuto() {
				cols = append(cols, dialect.Column{Name: "c_" + k.String(), Kind: k, Null: true, MaxLength: 20, Precision: 10, Scale: 2})
			}
		}
		indexes := []dialect.Index{{Name: "every_char_int", Columns: []string{"c_char", "-c_int"}}}
		if d.Features().PartialIndexes {
			indexes = append(indexes, dialect.Index{Name: "every_partial", Columns: []string{"c_int"}, Unique: true, Where: d.QuoteIdent("c_bool") + " = " + d.Placeholder(1)[:0] + "TRUE"})
		}
		create(t, db, dialect.Table{Name: "every", Columns: cols, Indexes: indexes})
		p := d.Placeholder
		_, err := db.Exec(t.Context(), "INSERT INTO every (c_char, c_int, c_decimal, c_datetime, c_json) VALUES ("+p(1)+", "+p(2)+", "+p(3)+", "+p(4)+", "+p(5)+")",
			"x", 1, "12345678.91", time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), `{"a": 1}`)
		if err != nil {
			t.Fatal(err)
		}
		var dec string
		if err := db.QueryRow(t.Context(), "SELECT c_decimal FROM every").Scan(&dec); err != nil {
			t.Fatal(err)
		}
		// SQLite's NUMERIC affinity stores this value as a float; keeping
		// decimals exact there is the ORM's job (it chooses the
		// representation it binds). The servers keep it exact by type.
		if want := "12345678.91"; d.Name() != "sqlite" && dec != want {
			t.Errorf("decimal round trip = %q, want %s exactly", dec, want)
		}
		_, err = db.Exec(t.Context(), "INSERT INTO every (c_positiveint) VALUES ("+p(1)+")", -1)
		if err == nil {
			t.Error("a negative value went into a positive integer column")
		}

		add, err := d.AddColumn("every", dialect.Column{Name: "added", Kind: dialect.KindInt, Null: true})
		if err != nil {
			t.Fatal(err)
		}
		execAll(t, db, add...)
		execAll(t, db, d.RenameColumn("every", "added", "renamed"))
		if d.Features().AlterColumn {
			alter, err := d.AlterColumn("every", dialect.Column{Name: "renamed", Kind: dialect.KindBigInt, Null: false, Default: "0"})
			if err != nil {
				t.Fatal(err)
			}
			execAll(t, db, "UPDATE every SET renamed = 5")
			execAll(t, db, alter...)
		}
		execAll(t, db, d.DropColumn("every", "renamed"), d.DropIndex("every", "every_char_int"))
		uq := dialect.Constraint{Name: "every_uuid_uniq", Kind: dialect.ConstraintUnique, Columns: []string{"c_uuid"}}
		add1, err := d.AddConstraint("every", uq)
		if err != nil {
			t.Fatal(err)
		}
		drop1, err := d.DropConstraint("every", uq)
		if err != nil {
			t.Fatal(err)
		}
		execAll(t, db, add1, drop1, d.RenameTable("every", "every2"), d.DropTable("every2"))
	})
}

func TestMatch_SameOnEveryEngine(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		d := db.Dialect()
		create(t, db, dialect.Table{Name: "w", Columns: []dialect.Column{{Name: "s", Kind: dialect.KindChar, MaxLength: 50}}})
		for _, s := range []string{"Hello World", "hello world", "50%_off", "50 percent off", "Élan", `back\slash`} {
			if _, err := db.Exec(t.Context(), "INSERT INTO w (s) VALUES ("+d.Placeholder(1)+")", s); err != nil {
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
			{"iexact_non_ascii", dialect.IExact, "élan", "[Élan]"},
			{"startswith", dialect.StartsWith, "hello", "[hello world]"},
			{"istartswith", dialect.IStartsWith, "HELLO", "[Hello World hello world]"},
			{"endswith", dialect.EndsWith, "off", "[50 percent off 50%_off]"},
			{"iendswith", dialect.IEndsWith, "WORLD", "[Hello World hello world]"},
			{"percent_and_underscore_are_literal", dialect.Contains, "0%_", "[50%_off]"},
			{"backslash_is_literal", dialect.IContains, `k\s`, `[back\slash]`},
			{"regex", dialect.Regex, "^h.*d$", "[hello world]"},
			{"iregex", dialect.IRegex, "^h.*d$", "[Hello World hello world]"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got := strings1(t, t.Context(), db, "SELECT s FROM w WHERE "+d.Match(tt.op, "s", d.Placeholder(1)), d.MatchArg(tt.op, tt.value))
				if fmt.Sprint(got) != tt.want {
					t.Errorf("%s %q: got %q, want %s", d.Match(tt.op, "s", d.Placeholder(1)), d.MatchArg(tt.op, tt.value), got, tt.want)
				}
			})
		}
	})
}

func TestExtract_SameOnEveryEngine(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		d := db.Dialect()
		create(t, db, dialect.Table{Name: "ev", Columns: []dialect.Column{{Name: "at", Kind: dialect.KindDateTime}}})
		// 2024-03-17 is a Sunday in ISO week 11, the 77th day of the year.
		at := time.Date(2024, 3, 17, 13, 45, 30, 0, time.UTC)
		if _, err := db.Exec(t.Context(), "INSERT INTO ev (at) VALUES ("+d.Placeholder(1)+")", at); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			part dialect.DatePart
			want int
		}{
			{dialect.Year, 2024}, {dialect.Quarter, 1}, {dialect.Month, 3}, {dialect.Week, 11}, {dialect.Day, 17},
			{dialect.WeekDay, 1}, {dialect.ISOWeekDay, 7}, {dialect.DayOfYear, 77},
			{dialect.Hour, 13}, {dialect.Minute, 45}, {dialect.Second, 30},
		}
		for _, tt := range tests {
			expr, err := d.Extract(tt.part, "at")
			if err != nil {
				t.Fatal(err)
			}
			var got int
			if err := db.QueryRow(t.Context(), "SELECT "+expr+" FROM ev").Scan(&got); err != nil {
				t.Fatalf("%s: %v", expr, err)
			}
			if got != tt.want {
				t.Errorf("%s = %d, want %d", expr, got, tt.want)
			}
		}
		var n int
		err := db.QueryRow(t.Context(), "SELECT COUNT(*) FROM ev WHERE "+d.CastDate("at")+" = "+d.Placeholder(1), "2024-03-17").Scan(&n)
		if err != nil || n != 1 {
			t.Errorf("CastDate(at) = '2024-03-17' matched %d rows, %v; want 1", n, err)
		}
	})
}

func TestUpsertReturningLimit_SameOnEveryEngine(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		d := db.Dialect()
		ctx := t.Context()
		create(t, db, dialect.Table{Name: "kv", Columns: []dialect.Column{
			{Name: "id", Kind: dialect.KindBigAuto, PrimaryKey: true},
			{Name: "k", Kind: dialect.KindChar, MaxLength: 10, Unique: true},
			{Name: "v", Kind: dialect.KindInt},
		}})
		p := d.Placeholder
		upsert := func(action dialect.ConflictAction, k string, v int) {
			t.Helper()
			ins, suffix, err := d.Upsert(dialect.Conflict{Action: action, Target: []string{"k"}, Update: []string{"v"}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec(ctx, ins+" INTO kv (k, v) VALUES ("+p(1)+", "+p(2)+") "+suffix, k, v); err != nil {
				t.Fatal(err)
			}
		}
		upsert(dialect.ConflictUpdate, "a", 1)
		upsert(dialect.ConflictUpdate, "a", 2)
		upsert(dialect.ConflictIgnore, "a", 3)
		upsert(dialect.ConflictIgnore, "b", 4)
		if got := strings1(t, ctx, db, "SELECT "+concatKV(d)+" FROM kv"); fmt.Sprint(got) != "[a=2 b=4]" {
			t.Errorf("after upserts: %v, want [a=2 b=4]", got)
		}

		// The id of a new row: RETURNING where the server has it,
		// LastInsertId elsewhere.
		var id int64
		insert := "INSERT INTO kv (k, v) VALUES (" + p(1) + ", " + p(2) + ")"
		if d.Features().Returning {
			if err := db.QueryRow(ctx, insert+" "+d.Returning([]string{d.QuoteIdent("id")}), "c", 5).Scan(&id); err != nil {
				t.Fatal(err)
			}
		} else {
			res, err := db.Exec(ctx, insert, "c", 5)
			if err != nil {
				t.Fatal(err)
			}
			if id, err = res.LastInsertId(); err != nil {
				t.Fatal(err)
			}
		}
		var k string
		if err := db.QueryRow(ctx, "SELECT k FROM kv WHERE id = "+p(1), id).Scan(&k); err != nil || k != "c" {
			t.Errorf("row %d has k = %q, %v; want c", id, k, err)
		}

		for _, tt := range []struct {
			limit, offset int64
			want          string
		}{{2, 0, "[a b]"}, {-1, 1, "[b c]"}, {1, 1, "[b]"}, {-1, 0, "[a b c]"}} {
			got := strings1(t, ctx, db, "SELECT k FROM kv ORDER BY k "+d.LimitOffset(tt.limit, tt.offset))
			if fmt.Sprint(got) != tt.want {
				t.Errorf("LimitOffset(%d, %d): %v, want %s", tt.limit, tt.offset, got, tt.want)
			}
		}
	})
}

// concatKV is k || '=' || v in the dialect's spelling.
func concatKV(d dialect.Dialect) string {
	if d.Name() == "mysql" {
		return "CONCAT(k, '=', v)"
	}
	return "k || '=' || CAST(v AS text)"
}

// concatID is 'id' || id in the dialect's spelling.
func concatID(d dialect.Dialect) string {
	if d.Name() == "mysql" {
		return "CONCAT('id', id)"
	}
	return "'id' || CAST(id AS text)"
}

// serverDBs runs fn on the engines with row locks and concurrent writers.
func serverDBs(t *testing.T, fn func(t *testing.T, db *database.DB)) {
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		if db.Dialect().Features().SingleWriter {
			t.Skip("SQLite has a single writer: no row locks, no deadlocks")
		}
		fn(t, db)
	})
}

func newAccounts(t *testing.T, db *database.DB) {
	create(t, db, dialect.Table{Name: "acct", Columns: []dialect.Column{
		{Name: "id", Kind: dialect.KindInt, PrimaryKey: true},
		{Name: "n", Kind: dialect.KindInt},
	}})
	execAll(t, db, "INSERT INTO acct (id, n) VALUES (1, 0), (2, 0), (3, 0)")
}

func TestForUpdate_SkipLocked(t *testing.T) {
	t.Parallel()
	serverDBs(t, func(t *testing.T, db *database.DB) {
		d := db.Dialect()
		newAccounts(t, db)
		lock, err := d.ForUpdate(dialect.Lock{})
		if err != nil {
			t.Fatal(err)
		}
		skip, err := d.ForUpdate(dialect.Lock{SkipLocked: true})
		if err != nil {
			t.Fatal(err)
		}
		locked, done := make(chan struct{}), make(chan struct{})
		var wg sync.WaitGroup
		wg.Go(func() {
			err := db.Atomic(t.Context(), func(ctx context.Context) error {
				if _, err := db.Exec(ctx, "SELECT id FROM acct WHERE id = 1 "+lock); err != nil {
					return err
				}
				close(locked)
				<-done
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		})
		<-locked
		err = db.Atomic(t.Context(), func(ctx context.Context) error {
			got := strings1(t, ctx, db, "SELECT "+concatID(d)+" FROM acct ORDER BY id "+skip)
			if fmt.Sprint(got) != "[id2 id3]" {
				t.Errorf("SKIP LOCKED read %v, want [2 3]", got)
			}
			return nil
		})
		close(done)
		wg.Wait()
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestDeadlock_IsClassified(t *testing.T) {
	t.Parallel()
	serverDBs(t, func(t *testing.T, db *database.DB) {
		newAccounts(t, db)
		p := db.Dialect().Placeholder
		update := "UPDATE acct SET n = n + 1 WHERE id = " + p(1)
		// Each transaction locks one row, waits for the other to lock its
		// row, then asks for the other's row: the server must break the
		// cycle by failing one of them.
		var ready sync.WaitGroup
		ready.Add(2)
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i, order := range [][2]int{{1, 2}, {2, 1}} {
			wg.Go(func() {
				errs[i] = db.Atomic(t.Context(), func(ctx context.Context) error {
					if _, err := db.Exec(ctx, update, order[0]); err != nil {
						ready.Done()
						return err
					}
					ready.Done()
					ready.Wait()
					_, err := db.Exec(ctx, update, order[1])
					return err
				})
			})
		}
		wg.Wait()
		failed := 0
		for _, err := range errs {
			if err == nil {
				continue
			}
			failed++
			if !errors.Is(err, database.ErrDeadlock) || !database.Retryable(err) {
				t.Errorf("error = %v, want a retryable ErrDeadlock", err)
			}
		}
		if failed != 1 {
			t.Errorf("%d transactions failed (%v), want exactly 1", failed, errs)
		}
	})
}

func TestSerializationFailure_IsClassified(t *testing.T) {
	t.Parallel()
	db := nuagestest.OpenDB(t, nuagestest.Postgres)
	newAccounts(t, db)
	// Two serializable transactions read both rows and each writes one:
	// write skew, which PostgreSQL must refuse for one of them.
	var ready sync.WaitGroup
	ready.Add(2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Go(func() {
			errs[i] = db.Atomic(t.Context(), func(ctx context.Context) error {
				if _, err := db.Exec(ctx, "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE"); err != nil {
					return err
				}
				var sum int
				err := db.QueryRow(ctx, "SELECT SUM(n) FROM acct").Scan(&sum)
				ready.Done()
				if err != nil {
					return err
				}
				ready.Wait()
				_, err = db.Exec(ctx, "UPDATE acct SET n = $1 WHERE id = $2", sum+1, i+1)
				return err
			})
		})
	}
	wg.Wait()
	failed := 0
	for _, err := range errs {
		if err != nil {
			failed++
			if !errors.Is(err, database.ErrSerialization) || !database.Retryable(err) {
				t.Errorf("error = %v, want a retryable ErrSerialization", err)
			}
		}
	}
	if failed != 1 {
		t.Errorf("%d transactions failed (%v), want exactly 1", failed, errs)
	}
}

func TestConnectionLost_IsClassified(t *testing.T) {
	t.Parallel()
	serverDBs(t, func(t *testing.T, db *database.DB) {
		ctx := t.Context()
		// pg_terminate_backend with a timeout waits for the backend to end;
		// MySQL's KILL only marks the thread, so poll for it to be gone.
		whoAmI, kill, alive := "SELECT pg_backend_pid()", "SELECT pg_terminate_backend($1, 5000)", ""
		if db.Dialect().Name() == "mysql" {
			whoAmI, kill, alive = "SELECT CONNECTION_ID()", "KILL ?", "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = ?"
		}
		err := db.Atomic(ctx, func(txCtx context.Context) error {
			var id int64
			if err := db.QueryRow(txCtx, whoAmI).Scan(&id); err != nil {
				return err
			}
			// From another connection of the pool, end this one.
			if _, err := db.Exec(ctx, kill, id); err != nil {
				return err
			}
			for i := 0; alive != ""; i++ {
				var n int
				if err := db.QueryRow(ctx, alive, id).Scan(&n); err != nil || n == 0 {
					break
				}
				if i == 500 {
					t.Fatalf("connection %d still runs 5 s after KILL", id)
				}
				time.Sleep(10 * time.Millisecond)
			}
			_, err := db.Exec(txCtx, "SELECT 1")
			return err
		})
		if !errors.Is(err, database.ErrConnectionLost) {
			t.Errorf("error = %v, want ErrConnectionLost", err)
		}
		// The pool recovers with a new connection.
		if err := db.Ping(ctx); err != nil {
			t.Errorf("Ping after a lost connection: %v", err)
		}
	})
}

func TestValuesRoundTrip_SameOnEveryEngine(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		d := db.Dialect()
		ctx := t.Context()
		create(t, db, dialect.Table{Name: "vals", Columns: []dialect.Column{
			{Name: "s", Kind: dialect.KindChar, MaxLength: 5},
			{Name: "at", Kind: dialect.KindDateTime},
		}})
		paris := time.FixedZone("CEST", 2*3600)
		at := time.Date(2024, 6, 1, 12, 30, 15, 123456000, paris)
		if _, err := db.Exec(ctx, "INSERT INTO vals (s, at) VALUES ("+d.Placeholder(1)+", "+d.Placeholder(2)+")", "🌥é", at); err != nil {
			t.Fatal(err)
		}
		var s string
		var got time.Time
		if err := db.QueryRow(ctx, "SELECT s, at FROM vals").Scan(&s, &got); err != nil {
			t.Fatal(err)
		}
		if s != "🌥é" {
			t.Errorf("text round trip = %q, want %q (utf8mb4 on MySQL)", s, "🌥é")
		}
		if _, offset := got.Zone(); !got.Equal(at) || offset != 0 {
			t.Errorf("time round trip = %v, want the same instant %v, in UTC", got, at.UTC())
		}
		if d.Name() == "sqlite" {
			return // SQLite does not enforce varchar lengths; the ORM validates them
		}
		if _, err := db.Exec(ctx, "INSERT INTO vals (s, at) VALUES ("+d.Placeholder(1)+", "+d.Placeholder(2)+")", "too long", at); err == nil {
			t.Error("a 8-character string went into varchar(5): strict mode is off")
		}
	})
}
