package dbcache_test

import (
	"context"
	"errors"
	"io"
	"strconv"
	"testing"

	"github.com/nuages-go/nuages/cache"
	"github.com/nuages-go/nuages/cache/cachetest"
	"github.com/nuages-go/nuages/cache/dbcache"
	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/migrate"
	"github.com/nuages-go/nuages/nuagestest"
)

func open(t *testing.T, db *database.DB, opts dbcache.Options) *dbcache.Cache {
	t.Helper()
	c, err := dbcache.New(db, opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateTable(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestSuite runs the behaviour suite on SQLite, and on PostgreSQL and
// MariaDB/MySQL when NUAGES_TEST_POSTGRES and NUAGES_TEST_MYSQL are set.
func TestSuite(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		cachetest.Run(t, cachetest.Suite{
			New: func(t *testing.T, opts cache.Options) cache.Cache {
				return open(t, db, dbcache.Options{Options: opts, MaxEntries: 10_000})
			},
			// Culling counts the whole table: the bounded cache gets its own.
			Bounded: func(t *testing.T, opts cache.Options, maxEntries int) cache.Cache {
				return open(t, db, dbcache.Options{Options: opts, Table: "bounded_cache", MaxEntries: maxEntries})
			},
		})
	})
}

func TestCreateTable(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		c, err := dbcache.New(db, dbcache.Options{Table: "my_cache"})
		if err != nil {
			t.Fatal(err)
		}
		for i, want := range []bool{true, false} {
			created, err := c.CreateTable(t.Context())
			if err != nil || created != want {
				t.Fatalf("CreateTable #%d = %v, %v; want %v (it is idempotent)", i+1, created, err, want)
			}
		}
	})
}

func TestNewRejectsBadTableNames(t *testing.T) {
	t.Parallel()
	db := nuagestest.OpenDB(t, nuagestest.SQLite)
	for _, name := range []string{"a b", "x; DROP TABLE y", "1abc", `q"uote`} {
		if _, err := dbcache.New(db, dbcache.Options{Table: name}); err == nil {
			t.Errorf("New(Table: %q) succeeded; want an error", name)
		}
	}
}

func TestCull(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		ctx := t.Context()
		clock := cachetest.NewClock()
		c := open(t, db, dbcache.Options{Options: cache.Options{Clock: clock.Now}, MaxEntries: 10, CullFrequency: 2})
		count := func() int {
			var n int
			if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM nuages_cache").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		for i := range 30 {
			if err := c.Set(ctx, "k"+strconv.Itoa(i), []byte("v"), cache.NoExpiry); err != nil {
				t.Fatal(err)
			}
			if n := count(); n > 10 {
				t.Fatalf("after %d sets the table holds %d rows; want at most MaxEntries+1", i+1, n)
			}
		}
		if _, err := c.Get(ctx, "k29"); err != nil {
			t.Errorf("the newest key was culled: %v", err)
		}
		// Expired rows go first: with 9 expired rows, nothing live is culled.
		if err := c.Clear(ctx); err != nil {
			t.Fatal(err)
		}
		for i := range 9 {
			if err := c.Set(ctx, "old"+strconv.Itoa(i), []byte("v"), 1); err != nil {
				t.Fatal(err)
			}
		}
		if err := c.Set(ctx, "live", []byte("v"), cache.NoExpiry); err != nil {
			t.Fatal(err)
		}
		clock.Advance(1000)
		if err := c.Set(ctx, "new", []byte("v"), cache.NoExpiry); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"live", "new"} {
			if _, err := c.Get(ctx, k); err != nil {
				t.Errorf("Get(%s) after culling expired rows = %v", k, err)
			}
		}
		if n := count(); n != 2 {
			t.Errorf("after culling, %d rows; want the 2 live ones", n)
		}
	})
}

// A cache write inside the caller's transaction outlives its rollback on
// engines with concurrent writers; SQLite's single writer makes it join the
// transaction instead (as Django's database cache always does).
func TestCallersTransaction(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		c := open(t, db, dbcache.Options{})
		ctx := t.Context()
		rollback := errors.New("rollback")
		err := db.Atomic(ctx, func(ctx context.Context) error {
			if err := c.Set(ctx, "k", []byte("kept"), cache.DefaultTTL); err != nil {
				return err
			}
			if added, err := c.Add(ctx, "k", []byte("again"), cache.DefaultTTL); err != nil || added {
				t.Errorf("Add of an existing key in a transaction = %v, %v", added, err)
			}
			return rollback
		})
		if !errors.Is(err, rollback) {
			t.Fatal(err)
		}
		v, err := c.Get(ctx, "k")
		if db.Dialect().Features().SingleWriter {
			if !errors.Is(err, cache.ErrCacheMiss) {
				t.Errorf("SQLite: Get after the caller's rollback = %q, %v; want a miss", v, err)
			}
		} else if err != nil || string(v) != "kept" {
			t.Errorf("Get after the caller's rollback = %q, %v; want kept", v, err)
		}
	})
}

// TestMigration creates and drops the table from a migration, the
// alternative to createcachetable shown in docs/cache.md.
func TestMigration(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		ctx := t.Context()
		m := &migrate.Migration{App: "site", Name: "0001_cache_table", Operations: []migrate.Operation{
			migrate.RunGo{
				Name: "create the cache table",
				Code: func(e *migrate.Editor, _ *migrate.State) error {
					stmts, err := e.Dialect().CreateTable(dbcache.Table(dbcache.DefaultTable))
					if err != nil {
						return err
					}
					return e.Exec(stmts...)
				},
				Reverse: func(e *migrate.Editor, _ *migrate.State) error {
					return e.Exec(e.Dialect().DropTable(dbcache.DefaultTable))
				},
			},
		}}
		g, err := migrate.NewGraph([]*migrate.Migration{m})
		if err != nil {
			t.Fatal(err)
		}
		x := migrate.NewExecutor(db, g, io.Discard)
		run := func(target string) {
			t.Helper()
			steps, err := x.Plan(ctx, "site", target)
			if err != nil {
				t.Fatal(err)
			}
			if err := x.Migrate(ctx, steps, migrate.Options{}); err != nil {
				t.Fatal(err)
			}
		}
		run("")
		c, err := dbcache.New(db, dbcache.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Set(ctx, "k", []byte("v"), cache.DefaultTTL); err != nil {
			t.Fatalf("Set after the migration: %v", err)
		}
		if created, err := c.CreateTable(ctx); err != nil || created {
			t.Errorf("CreateTable after the migration = %v, %v; want false (it exists)", created, err)
		}
		run("zero")
		if err := c.Set(ctx, "k", []byte("v"), cache.DefaultTTL); err == nil {
			t.Error("Set after unapplying the migration succeeded; want an error (no table)")
		}
	})
}
