package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/nuages-go/nuages/database/dialect"
)

// Engine opens SQLite databases. Every binary has it: it is the engine of
// sqlite:// URLs when none is named.
type Engine struct{}

var _ dialect.Engine = Engine{}

// Name returns "sqlite".
func (Engine) Name() string { return "sqlite" }

// memory is the path that names an in-memory database.
const memory = ":memory:"

// options holds the URL options and their defaults.
type options struct {
	busyTimeout int
	journalMode string // "" leaves the database's journal mode as it is
	synchronous string
	mode        string // "rwc", "rw" or "ro", as in SQLite's URIs
}

var (
	optionNames   = []string{"busy_timeout", "journal_mode", "synchronous", "mode"}
	journalModes  = []string{"DELETE", "TRUNCATE", "PERSIST", "MEMORY", "WAL", "OFF"}
	synchronouses = []string{"OFF", "NORMAL", "FULL", "EXTRA"}
	modes         = []string{"rwc", "rw", "ro"}
)

func parseOptions(q url.Values, inMemory bool) (options, error) {
	o := options{busyTimeout: 5000, journalMode: "WAL", synchronous: "NORMAL", mode: "rwc"}
	// Sorted, so that the first bad option reported is always the same.
	for _, key := range slices.Sorted(func(yield func(string) bool) {
		for k := range q {
			if !yield(k) {
				return
			}
		}
	}) {
		v := q[key][len(q[key])-1]
		if !slices.Contains(optionNames, key) {
			return o, fmt.Errorf("sqlite: unknown option %q: the options are %s", key, strings.Join(optionNames, ", "))
		}
		if inMemory && key != "busy_timeout" {
			return o, fmt.Errorf("sqlite: option %q does not apply to an in-memory database, which takes only busy_timeout", key)
		}
		switch key {
		case "busy_timeout":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return o, fmt.Errorf("sqlite: busy_timeout=%q is not a number of milliseconds >= 0", v)
			}
			o.busyTimeout = n
		case "journal_mode":
			if o.journalMode = strings.ToUpper(v); !slices.Contains(journalModes, o.journalMode) {
				return o, fmt.Errorf("sqlite: journal_mode=%q: use one of %s", v, strings.Join(journalModes, ", "))
			}
		case "synchronous":
			if o.synchronous = strings.ToUpper(v); !slices.Contains(synchronouses, o.synchronous) {
				return o, fmt.Errorf("sqlite: synchronous=%q: use one of %s", v, strings.Join(synchronouses, ", "))
			}
		case "mode":
			if o.mode = strings.ToLower(v); !slices.Contains(modes, o.mode) {
				return o, fmt.Errorf("sqlite: mode=%q: use ro (read-only), rw (read-write, the file must exist) or rwc (read-write, created when missing; the default)", v)
			}
		}
	}
	if o.mode == "ro" && !q.Has("journal_mode") {
		// Switching a database to WAL writes to it, which a read-only
		// connection cannot do: keep the journal mode the file has.
		o.journalMode = ""
	}
	return o, nil
}

// Open opens the database file u.Path, or a private in-memory database when
// it is ":memory:".
func (Engine) Open(ctx context.Context, u *url.URL) (*sql.DB, dialect.Dialect, error) {
	path := u.Path
	inMemory := path == memory
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, nil, fmt.Errorf("sqlite: malformed options %q: %w", u.RawQuery, err)
	}
	opts, err := parseOptions(q, inMemory)
	if err != nil {
		return nil, nil, err
	}
	registerFunctions()
	params := url.Values{
		"_busy_timeout": {strconv.Itoa(opts.busyTimeout)},
		"_foreign_keys": {"1"},
		"_txlock":       {"immediate"},
		"_time_format":  {"sqlite"},
		"_timezone":     {"UTC"}, // written in UTC, so that text order is time order
	}
	var connector driver.Connector
	if inMemory {
		connector, err = newMemoryConnector(ctx, params)
	} else {
		if path == "" {
			return nil, nil, errors.New("sqlite: no database file named")
		}
		if dir := filepath.Dir(path); dir != "." {
			if st, err := os.Stat(dir); err != nil || !st.IsDir() {
				return nil, nil, fmt.Errorf("sqlite: the directory of database file %q does not exist: create %q first", path, dir)
			}
		}
		if opts.mode != "rwc" {
			if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
				return nil, nil, fmt.Errorf("sqlite: database file %q does not exist, and mode=%s opens only an existing file", path, opts.mode)
			}
		}
		params.Set("mode", opts.mode)
		params.Set("_synchronous", opts.synchronous)
		if opts.journalMode != "" {
			params.Set("_journal_mode", opts.journalMode)
		}
		connector, err = sqlite.NewConnector(fileURI(path) + "?" + params.Encode())
	}
	if err != nil {
		return nil, nil, fmt.Errorf("sqlite: opening %q: %w", path, err)
	}
	db := sql.OpenDB(connector)
	version, err := firstConnection(ctx, db, time.Duration(opts.busyTimeout)*time.Millisecond)
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("sqlite: opening %q: %w", path, err)
	}
	return db, newDialect(version), nil
}

// firstConnection connects and reads the version. Processes opening a new
// file at once can find it locked while another one turns on WAL, which
// SQLite reports at once rather than through busy_timeout: it tries again
// within that timeout.
func firstConnection(ctx context.Context, db *sql.DB, timeout time.Duration) (string, error) {
	deadline := time.Now().Add(timeout)
	for {
		var version string
		err := db.QueryRowContext(ctx, "SELECT sqlite_version()").Scan(&version)
		var se *sqlite.Error
		if err == nil || !errors.As(err, &se) || se.Code()&0xff != sqlite3.SQLITE_BUSY || time.Now().After(deadline) {
			return version, err
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// fileURI turns a file path into an SQLite URI ("file:" and the path, with
// the characters that URIs reserve escaped), so that SQLite's own mode
// parameter applies and no file name can be mistaken for options.
func fileURI(path string) string {
	p := filepath.ToSlash(path)
	if filepath.VolumeName(path) != "" {
		p = "/" + p // file:/C:/dir/app.db on Windows
	}
	if strings.HasPrefix(p, "//") {
		p = "/" + strings.TrimLeft(p, "/") // "file://" would start an authority
	}
	return "file:" + strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(p)
}

// memoryConnector opens connections to one in-memory database of SQLite's
// memdb VFS. Unlike ":memory:", which gives each connection a database of
// its own, a memdb database named with a leading '/' is shared by every
// connection of the process that names it, and lives while one of them is
// open. The connector holds one connection for the lifetime of the pool, so
// the pool may close and reopen the others freely; sql.DB.Close closes the
// connector, and with it the database.
type memoryConnector struct {
	driver.Connector
	keep      driver.Conn
	closeOnce sync.Once
	closeErr  error
}

var _ driver.Connector = (*memoryConnector)(nil)

func newMemoryConnector(ctx context.Context, params url.Values) (*memoryConnector, error) {
	var b [12]byte
	rand.Read(b[:]) // never fails
	params.Set("vfs", "memdb")
	// The name is private to this process and unguessable, so that no other
	// Open in the process can reach this database.
	inner, err := sqlite.NewConnector("file:/nuages-memory-" + hex.EncodeToString(b[:]) + "?" + params.Encode())
	if err != nil {
		return nil, err
	}
	keep, err := inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &memoryConnector{Connector: inner, keep: keep}, nil
}

// Close ends the database; sql.DB.Close calls it.
func (c *memoryConnector) Close() error {
	c.closeOnce.Do(func() { c.closeErr = c.keep.Close() })
	return c.closeErr
}

// Shell returns the sqlite3 command-line client for the database.
func (Engine) Shell(u *url.URL) dialect.Shell {
	return dialect.Shell{
		Program: "sqlite3",
		Args:    []string{u.Path},
		Install: "apt-get install sqlite3 (Debian/Ubuntu) or brew install sqlite (macOS)",
	}
}
