package database_test

import (
	"context"
	"database/sql"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/database/sqlite"
)

// The benchmarks compare package database with plain database/sql on the
// same SQLite file configured the same way, so the ratio is the cost of
// the wrapper (context lookup, in-flight accounting, error classification):
//
//	go test -run XXX -bench . -benchmem ./database/

func benchDBs(b *testing.B) (*database.DB, *sql.DB) {
	b.Helper()
	path := filepath.Join(b.TempDir(), "bench.sqlite3")
	db, err := database.Open(b.Context(), "default", database.Config{URL: "sqlite:///" + path})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Exec(b.Context(), "CREATE TABLE kv (k integer PRIMARY KEY, v text)"); err != nil {
		b.Fatal(err)
	}
	if _, err := db.Exec(b.Context(), "INSERT INTO kv VALUES (1, 'one')"); err != nil {
		b.Fatal(err)
	}
	raw, _, err := sqlite.Engine{}.Open(b.Context(), &url.URL{Scheme: "sqlite", Path: path})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { raw.Close() })
	return db, raw
}

func BenchmarkQueryRow(b *testing.B) {
	db, raw := benchDBs(b)
	ctx := context.Background()
	const q = "SELECT v FROM kv WHERE k = ?"
	b.Run("database_sql", func(b *testing.B) {
		var v string
		for b.Loop() {
			if err := raw.QueryRowContext(ctx, q, 1).Scan(&v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("nuages", func(b *testing.B) {
		var v string
		for b.Loop() {
			if err := db.QueryRow(ctx, q, 1).Scan(&v); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkTransaction(b *testing.B) {
	db, raw := benchDBs(b)
	ctx := context.Background()
	const q = "UPDATE kv SET v = 'uno' WHERE k = 1"
	b.Run("database_sql", func(b *testing.B) {
		for b.Loop() {
			tx, err := raw.BeginTx(ctx, nil)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := tx.ExecContext(ctx, q); err != nil {
				b.Fatal(err)
			}
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("nuages", func(b *testing.B) {
		for b.Loop() {
			err := db.Atomic(ctx, func(ctx context.Context) error {
				_, err := db.Exec(ctx, q)
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkInFlight is the accounting that lets Close wait for work in
// flight, alone, from every P at once: what each query pays on top of
// database/sql. Before/after a change:
//
//	go test -run '^$' -bench InFlight -count 6 ./database/ | benchstat
func BenchmarkInFlight(b *testing.B) {
	db, _ := benchDBs(b)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := db.EnterLeave(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
