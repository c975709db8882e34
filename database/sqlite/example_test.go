package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/nuages-go/nuages/database"
)

// A file database is named by its path; it is created when missing, and
// its connections use the write-ahead log and enforce foreign keys.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "nuages-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)

	// sqlite:/// then the path: sqlite:////abs/path.db for an absolute one.
	db, err := database.Open(ctx, "default", database.Config{URL: "sqlite:///" + filepath.Join(dir, "db.sqlite3")})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	var journal string
	var foreignKeys int
	if err := db.QueryRow(ctx, "PRAGMA journal_mode").Scan(&journal); err != nil {
		fmt.Println(err)
		return
	}
	if err := db.QueryRow(ctx, "PRAGMA foreign_keys").Scan(&foreignKeys); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(db.Dialect().Name(), journal, foreignKeys)
	// Output: sqlite wal 1
}

// ":memory:" is one private database shared by the pool's connections,
// gone when it is closed. Errors are classified as on every engine.
func Example_memory() {
	ctx := context.Background()
	db, err := database.Open(ctx, "default", database.Config{URL: "sqlite://:memory:"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	if _, err := db.Exec(ctx, "CREATE TABLE author (name varchar(50) UNIQUE)"); err != nil {
		fmt.Println(err)
		return
	}
	_, err = db.Exec(ctx, "INSERT INTO author VALUES ('Ann'), ('Ann')")
	fmt.Println(errors.Is(err, database.ErrUniqueViolation))
	// Output: true
}

// An option the engine does not know is an error that lists the others.
func Example_options() {
	_, err := database.Open(context.Background(), "default", database.Config{URL: "sqlite://:memory:?journal=wal"})
	fmt.Println(err)
	// Output:
	// database "default" (sqlite://:memory:?journal=wal): sqlite: unknown option "journal": the options are busy_timeout, journal_mode, synchronous, mode
}
