package database_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/database/dialect"
	"github.com/nuages-go/nuages/nuagestest"
)

// newItems creates the table item(id, name) on db.
func newItems(t *testing.T, db *database.DB) {
	t.Helper()
	stmts, err := db.Dialect().CreateTable(dialect.Table{
		Name: "item",
		Columns: []dialect.Column{
			{Name: "id", Kind: dialect.KindBigAuto, PrimaryKey: true},
			{Name: "name", Kind: dialect.KindChar, MaxLength: 50},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range stmts {
		if _, err := db.Exec(t.Context(), s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func insertItem(ctx context.Context, db *database.DB, name string) error {
	_, err := db.Exec(ctx, "INSERT INTO item (name) VALUES ("+db.Dialect().Placeholder(1)+")", name)
	return err
}

// names returns the item names visible through ctx, sorted.
func names(t *testing.T, ctx context.Context, db *database.DB) []string {
	t.Helper()
	rows, err := db.Query(ctx, "SELECT name FROM item ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func wantNames(t *testing.T, db *database.DB, want ...string) {
	t.Helper()
	if got := names(t, t.Context(), db); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("items = %q, want %q", got, want)
	}
}

var errBoom = errors.New("boom")

func TestAtomic(t *testing.T) {
	t.Parallel()
	nuagestest.EachDB(t, func(t *testing.T, db *database.DB) {
		newItems(t, db)
		ctx := t.Context()

		t.Run("commit", func(t *testing.T) {
			t.Cleanup(func() { db.Exec(context.Background(), "DELETE FROM item") })
			err := db.Atomic(ctx, func(ctx context.Context) error {
				if !db.InTransaction(ctx) {
					t.Error("InTransaction = false inside Atomic")
				}
				return insertItem(ctx, db, "a")
			})
			if err != nil {
				t.Fatal(err)
			}
			wantNames(t, db, "a")
		})

		t.Run("error_rolls_back_and_returns_it", func(t *testing.T) {
			err := db.Atomic(ctx, func(ctx context.Context) error {
				if err := insertItem(ctx, db, "a"); err != nil {
					return err
				}
				return errBoom
			})
			if !errors.Is(err, errBoom) {
				t.Fatalf("Atomic error = %v, want %v", err, errBoom)
			}
			wantNames(t, db)
		})

		t.Run("inner_rollback_keeps_outer_work", func(t *testing.T) {
			t.Cleanup(func() { db.Exec(context.Background(), "DELETE FROM item") })
			err := db.Atomic(ctx, func(ctx context.Context) error {
				if err := insertItem(ctx, db, "outer"); err != nil {
					return err
				}
				inner := db.Atomic(ctx, func(ctx context.Context) error {
					if err := insertItem(ctx, db, "inner"); err != nil {
						return err
					}
					return errBoom
				})
				if !errors.Is(inner, errBoom) {
					t.Errorf("inner Atomic error = %v, want %v", inner, errBoom)
				}
				// The savepoint rolled back; the transaction is usable.
				if got := names(t, ctx, db); fmt.Sprint(got) != "[outer]" {
					t.Errorf("inside outer after inner rollback: items = %q, want [outer]", got)
				}
				return insertItem(ctx, db, "outer2")
			})
			if err != nil {
				t.Fatal(err)
			}
			wantNames(t, db, "outer", "outer2")
		})

		t.Run("nested_commit_then_outer_rollback", func(t *testing.T) {
			err := db.Atomic(ctx, func(ctx context.Context) error {
				if err := db.Atomic(ctx, func(ctx context.Context) error { return insertItem(ctx, db, "inner") }); err != nil {
					return err
				}
				return errBoom
			})
			if !errors.Is(err, errBoom) {
				t.Fatalf("Atomic error = %v, want %v", err, errBoom)
			}
			wantNames(t, db)
		})

		t.Run("panic_rolls_back_and_propagates", func(t *testing.T) {
			got := catch(func() {
				db.Atomic(ctx, func(ctx context.Context) error {
					if err := insertItem(ctx, db, "doomed"); err != nil {
						t.Error(err)
					}
					panic("kaput")
				})
			})
			if got != "kaput" {
				t.Errorf("recovered %v, want %q", got, "kaput")
			}
			wantNames(t, db)
			// The pool is healthy: the connection went back rolled back.
			if err := db.Atomic(ctx, func(ctx context.Context) error { return nil }); err != nil {
				t.Errorf("Atomic after a panic: %v", err)
			}
		})

		t.Run("inner_panic_rolls_back_only_inner", func(t *testing.T) {
			t.Cleanup(func() { db.Exec(context.Background(), "DELETE FROM item") })
			err := db.Atomic(ctx, func(ctx context.Context) error {
				if err := insertItem(ctx, db, "outer"); err != nil {
					return err
				}
				got := catch(func() {
					db.Atomic(ctx, func(ctx context.Context) error {
						if err := insertItem(ctx, db, "inner"); err != nil {
							t.Error(err)
						}
						panic("inner kaput")
					})
				})
				if got != "inner kaput" {
					t.Errorf("recovered %v, want %q", got, "inner kaput")
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			wantNames(t, db, "outer")
		})

		t.Run("uncommitted_work_is_invisible_elsewhere", func(t *testing.T) {
			t.Cleanup(func() { db.Exec(context.Background(), "DELETE FROM item") })
			err := db.Atomic(ctx, func(txCtx context.Context) error {
				if err := insertItem(txCtx, db, "secret"); err != nil {
					return err
				}
				if got := names(t, txCtx, db); fmt.Sprint(got) != "[secret]" {
					t.Errorf("inside the transaction: items = %q, want [secret]", got)
				}
				// ctx carries no transaction: this query runs on another
				// connection of the pool.
				if got := names(t, ctx, db); len(got) != 0 {
					t.Errorf("outside the transaction before commit: items = %q, want none", got)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			wantNames(t, db, "secret")
		})

		t.Run("on_commit", func(t *testing.T) {
			t.Cleanup(func() { db.Exec(context.Background(), "DELETE FROM item") })
			var calls []string
			record := func(name string) func(context.Context) {
				return func(context.Context) { calls = append(calls, name) }
			}
			err := db.Atomic(ctx, func(ctx context.Context) error {
				db.OnCommit(ctx, record("outer"))
				db.Atomic(ctx, func(ctx context.Context) error {
					db.OnCommit(ctx, record("rolled-back savepoint"))
					return errBoom
				})
				db.Atomic(ctx, func(ctx context.Context) error {
					db.OnCommit(ctx, record("released savepoint"))
					return nil
				})
				if len(calls) != 0 {
					t.Errorf("callbacks ran before commit: %q", calls)
				}
				return insertItem(ctx, db, "x")
			})
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(calls) != "[outer released savepoint]" {
				t.Errorf("callbacks = %q, want [outer released savepoint], once each", calls)
			}

			calls = nil
			db.Atomic(ctx, func(ctx context.Context) error {
				db.OnCommit(ctx, record("never"))
				return errBoom
			})
			catch(func() {
				db.Atomic(ctx, func(ctx context.Context) error {
					db.OnCommit(ctx, record("never after panic"))
					panic("kaput")
				})
			})
			if len(calls) != 0 {
				t.Errorf("callbacks ran after rollback: %q", calls)
			}

			db.OnCommit(ctx, record("immediately"))
			if fmt.Sprint(calls) != "[immediately]" {
				t.Errorf("OnCommit outside a transaction: calls = %q, want [immediately]", calls)
			}
		})

		t.Run("concurrent_writers_all_succeed", func(t *testing.T) {
			t.Cleanup(func() { db.Exec(context.Background(), "DELETE FROM item") })
			const writers, each = 8, 10
			var wg sync.WaitGroup
			errs := make(chan error, writers*each)
			for w := range writers {
				wg.Go(func() {
					for i := range each {
						errs <- db.Atomic(ctx, func(ctx context.Context) error {
							// Read then write: the pattern that fails with
							// "database is locked" on a naive SQLite setup.
							var n int
							if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM item").Scan(&n); err != nil {
								return err
							}
							return insertItem(ctx, db, fmt.Sprintf("w%d-%d", w, i))
						})
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Errorf("concurrent Atomic: %v", err)
				}
			}
			if got := len(names(t, ctx, db)); got != writers*each {
				t.Errorf("rows = %d, want %d", got, writers*each)
			}
		})
	})
}

// catch runs f and returns what it panicked with.
func catch(f func()) (recovered any) {
	defer func() { recovered = recover() }()
	f()
	return nil
}

func TestWithConn_OneConnection(t *testing.T) {
	t.Parallel()
	db := nuagestest.OpenDB(t, nuagestest.SQLite)
	ctx := t.Context()
	foreignKeys := func(ctx context.Context) int {
		t.Helper()
		var on int
		if err := db.QueryRow(ctx, "PRAGMA foreign_keys").Scan(&on); err != nil {
			t.Fatal(err)
		}
		return on
	}
	err := db.WithConn(ctx, func(ctx context.Context) error {
		if _, err := db.Exec(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
			return err
		}
		inside := []int{foreignKeys(ctx)}
		if err := db.Atomic(ctx, func(ctx context.Context) error {
			inside = append(inside, foreignKeys(ctx))
			return nil
		}); err != nil {
			return err
		}
		nested := db.WithConn(ctx, func(ctx context.Context) error {
			inside = append(inside, foreignKeys(ctx))
			return nil
		})
		if fmt.Sprint(inside) != "[0 0 0]" {
			t.Errorf("foreign_keys on the reserved connection, in a transaction, nested = %v, want all 0", inside)
		}
		if other := foreignKeys(context.Background()); other != 1 {
			t.Errorf("another connection has foreign_keys = %d: the setting leaked", other)
		}
		if _, err := db.Exec(ctx, "PRAGMA foreign_keys = ON"); err != nil {
			return err
		}
		return nested
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestWithConn_FailureDiscardsTheConnection(t *testing.T) {
	t.Parallel()
	db := nuagestest.OpenDB(t, nuagestest.SQLite)
	ctx := t.Context()
	boom := errors.New("boom")
	err := db.WithConn(ctx, func(ctx context.Context) error {
		if _, err := db.Exec(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
			return err
		}
		return boom // the setting is not restored
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	for range 4 { // whichever connection the pool hands out
		var on int
		if err := db.QueryRow(ctx, "PRAGMA foreign_keys").Scan(&on); err != nil || on != 1 {
			t.Fatalf("foreign_keys = %d, %v: the failed connection came back to the pool", on, err)
		}
	}
}
