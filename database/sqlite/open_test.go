package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestOpen_Errors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "a.db")
	missingDir := filepath.Join(dir, "no", "such", "a.db")
	missingFile := filepath.Join(dir, "missing.db")
	tests := []struct {
		name, path, query, want string
	}{
		{"unknown_option", db, "cache=shared", `sqlite: unknown option "cache": the options are busy_timeout, journal_mode, synchronous, mode`},
		{"bad_timeout", db, "busy_timeout=soon", `sqlite: busy_timeout="soon" is not a number of milliseconds >= 0`},
		{"bad_journal", db, "journal_mode=fast", `sqlite: journal_mode="fast": use one of DELETE, TRUNCATE, PERSIST, MEMORY, WAL, OFF`},
		{"bad_synchronous", db, "synchronous=maybe", `sqlite: synchronous="maybe": use one of OFF, NORMAL, FULL, EXTRA`},
		{"bad_mode", db, "mode=memory", `sqlite: mode="memory": use ro (read-only), rw (read-write, the file must exist) or rwc (read-write, created when missing; the default)`},
		{"malformed_query", db, "busy_timeout=%zz", `sqlite: malformed options "busy_timeout=%zz"`},
		{"memory_journal", memory, "journal_mode=wal", `sqlite: option "journal_mode" does not apply to an in-memory database, which takes only busy_timeout`},
		{"missing_dir", missingDir, "", fmt.Sprintf("sqlite: the directory of database file %q does not exist: create %q first", missingDir, filepath.Dir(missingDir))},
		{"read_only_missing_file", missingFile, "mode=ro", fmt.Sprintf("sqlite: database file %q does not exist, and mode=ro opens only an existing file", missingFile)},
		{"read_write_missing_file", missingFile, "mode=rw", fmt.Sprintf("sqlite: database file %q does not exist, and mode=rw opens only an existing file", missingFile)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, _, err := Engine{}.Open(t.Context(), &url.URL{Scheme: "sqlite", Path: tt.path, RawQuery: tt.query})
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded")
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error = %q, want it to start with %q", err, tt.want)
			}
		})
	}
	for _, path := range []string{db, missingFile} {
		if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("a failed Open left %s behind (%v)", path, err)
		}
	}
}

func TestOpen_ReadOnly(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "ro.db")
	u := &url.URL{Scheme: "sqlite", Path: path}
	rw, _, err := Engine{}.Open(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	exec(t, rw, "CREATE TABLE t (x integer)", "INSERT INTO t VALUES (1)")
	rw.Close()

	u.RawQuery = "mode=ro"
	ro, _, err := Engine{}.Open(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	var n int
	if err := ro.QueryRow("SELECT x FROM t").Scan(&n); err != nil || n != 1 {
		t.Errorf("read: got %d, %v; want 1", n, err)
	}
	if _, err := ro.Exec("INSERT INTO t VALUES (2)"); err == nil || !strings.Contains(err.Error(), "readonly") {
		t.Errorf("write on a read-only database: error = %v, want one saying it is read-only", err)
	}
}

func TestOpen_PathNeedingEscapes(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "odd ?#%20 name.db")
	db, _, err := Engine{}.Open(t.Context(), &url.URL{Scheme: "sqlite", Path: path})
	if err != nil {
		t.Fatal(err)
	}
	exec(t, db, "CREATE TABLE t (x integer)")
	db.Close()
	if _, err := os.Stat(path); err != nil {
		t.Errorf("the database file is not where the path says: %v", err)
	}
}

func TestOpen_RelativePath(t *testing.T) {
	t.Chdir(t.TempDir()) // a path relative to the working directory: cannot be parallel
	db, _, err := Engine{}.Open(t.Context(), &url.URL{Scheme: "sqlite", Path: "rel.db"})
	if err != nil {
		t.Fatal(err)
	}
	exec(t, db, "CREATE TABLE t (x integer)")
	db.Close()
	if _, err := os.Stat("rel.db"); err != nil {
		t.Errorf("rel.db is not in the working directory: %v", err)
	}
}

func TestMemory_IsPrivateAndLasts(t *testing.T) {
	t.Parallel()
	mem := &url.URL{Scheme: "sqlite", Path: memory}
	a, _, err := Engine{}.Open(t.Context(), mem)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, _, err := Engine{}.Open(t.Context(), mem)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	exec(t, a, "CREATE TABLE t (x integer)", "INSERT INTO t VALUES (1)")
	if _, err := b.Exec("SELECT * FROM t"); err == nil {
		t.Error("a second in-memory database sees the first one's table")
	}

	// The pool may drop every connection it holds: the database stays.
	// (SetMaxIdleConns closes the idle ones at once.)
	a.SetMaxIdleConns(0)
	if got := a.Stats().OpenConnections; got != 0 {
		t.Fatalf("open connections = %d, want 0", got)
	}
	var n int
	if err := a.QueryRow("SELECT COUNT(*) FROM t").Scan(&n); err != nil || n != 1 {
		t.Errorf("after the pool closed its connections: count = %d, %v; want 1", n, err)
	}

	// Several connections at once see the same database.
	a.SetMaxIdleConns(4)
	c1, err := a.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer c1.Close()
	c2, err := a.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if _, err := c1.ExecContext(t.Context(), "INSERT INTO t VALUES (2)"); err != nil {
		t.Fatal(err)
	}
	if err := c2.QueryRowContext(t.Context(), "SELECT COUNT(*) FROM t").Scan(&n); err != nil || n != 2 {
		t.Errorf("second connection: count = %d, %v; want 2", n, err)
	}
}

func TestMemory_EndsWithClose(t *testing.T) {
	t.Parallel()
	c, err := newMemoryConnector(t.Context(), url.Values{})
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	exec(t, db, "CREATE TABLE t (x integer)")
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// A new pool on the same memdb name finds an empty database: the
	// first one ended with its pool.
	again := sql.OpenDB(c.Connector)
	defer again.Close()
	if _, err := again.Exec("SELECT * FROM t"); err == nil || !strings.Contains(err.Error(), "no such table") {
		t.Errorf("after Close: error = %v, want no such table", err)
	}
}

func TestConcurrentWriters(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, path string }{
		{"file", filepath.Join(t.TempDir(), "w.db")},
		{"memory", memory},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, _, err := Engine{}.Open(t.Context(), &url.URL{Scheme: "sqlite", Path: tt.path})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			concurrentWriters(t, db)
		})
	}
}

// concurrentWriters checks that read-then-write transactions from many
// goroutines all succeed: BEGIN IMMEDIATE makes them wait on busy_timeout
// instead of failing with "database is locked".
func concurrentWriters(t *testing.T, db *sql.DB) {
	t.Helper()
	exec(t, db, "CREATE TABLE counter (n integer)", "INSERT INTO counter VALUES (0)")
	const writers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for range writers {
		wg.Go(func() {
			for range each {
				errs <- func() error {
					tx, err := db.BeginTx(t.Context(), nil)
					if err != nil {
						return err
					}
					defer tx.Rollback()
					var n int
					if err := tx.QueryRow("SELECT n FROM counter").Scan(&n); err != nil {
						return err
					}
					if _, err := tx.Exec("UPDATE counter SET n = ?", n+1); err != nil {
						return err
					}
					return tx.Commit()
				}()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("writer: %v", err)
		}
	}
	var n int
	if err := db.QueryRow("SELECT n FROM counter").Scan(&n); err != nil || n != writers*each {
		t.Errorf("counter = %d, %v; want %d", n, err, writers*each)
	}
}
