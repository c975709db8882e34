package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/nuages-go/nuages/database/dialect"
)

// Driver opens SQLite databases.
type Driver struct{}

var _ dialect.Driver = Driver{}

// memory is the path that names an in-memory database.
const memory = ":memory:"

// options holds the URL options and their defaults.
type options struct {
	busyTimeout int
	journalMode string
	synchronous string
}

var (
	journalModes  = []string{"DELETE", "TRUNCATE", "PERSIST", "MEMORY", "WAL", "OFF"}
	synchronouses = []string{"OFF", "NORMAL", "FULL", "EXTRA"}
)

func parseOptions(q url.Values, inMemory bool) (options, error) {
	o := options{busyTimeout: 5000, journalMode: "WAL", synchronous: "NORMAL"}
	if inMemory {
		o.journalMode = "MEMORY" // WAL needs a file
	}
	for key, vals := range q {
		v := vals[len(vals)-1]
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
		default:
			return o, fmt.Errorf("sqlite: unknown option %q: the options are busy_timeout, journal_mode and synchronous", key)
		}
	}
	return o, nil
}

// Open opens the database file u.Path, or a private in-memory database when
// it is ":memory:".
func (Driver) Open(ctx context.Context, u *url.URL) (*sql.DB, dialect.Dialect, error) {
	path := u.Path
	inMemory := path == memory
	opts, err := parseOptions(u.Query(), inMemory)
	if err != nil {
		return nil, nil, err
	}
	if !inMemory {
		if strings.ContainsAny(path, "?#") {
			return nil, nil, fmt.Errorf("sqlite: database path %q contains '?' or '#': rename the file", path)
		}
		if dir := filepath.Dir(path); dir != "." {
			if st, err := os.Stat(dir); err != nil || !st.IsDir() {
				return nil, nil, fmt.Errorf("sqlite: the directory of database file %q does not exist: create %q first", path, dir)
			}
		}
	}
	registerFunctions()
	dsn := path + "?" + url.Values{
		"_pragma":       {"foreign_keys(1)", "synchronous(" + opts.synchronous + ")"},
		"_busy_timeout": {strconv.Itoa(opts.busyTimeout)},
		"_journal_mode": {opts.journalMode},
		"_txlock":       {"immediate"},
		"_time_format":  {"sqlite"},
		"_timezone":     {"UTC"}, // written in UTC, so that text order is time order
	}.Encode()
	connector, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, nil, fmt.Errorf("sqlite: %w", err)
	}
	db := sql.OpenDB(connector)
	if inMemory {
		// Each connection would see its own empty database: keep exactly
		// one, forever.
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
		db.SetConnMaxLifetime(0)
		db.SetConnMaxIdleTime(0)
	}
	var version string
	if err := db.QueryRowContext(ctx, "SELECT sqlite_version()").Scan(&version); err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("sqlite: opening %q: %w", path, err)
	}
	return db, newDialect(version, inMemory), nil
}

// Shell returns the sqlite3 command-line client for the database.
func (Driver) Shell(u *url.URL) dialect.Shell {
	return dialect.Shell{
		Program: "sqlite3",
		Args:    []string{u.Path},
		Install: "apt-get install sqlite3 (Debian/Ubuntu) or brew install sqlite (macOS)",
	}
}

var registerOnce sync.Once

// registerFunctions adds the SQL functions the dialect relies on to every
// connection the driver opens from now on. The driver's function registry is
// process-wide, hence the sync.Once; the functions are pure.
func registerFunctions() {
	registerOnce.Do(func() {
		sqlite.MustRegisterDeterministicScalarFunction("regexp", 2, regexpFunc)
		sqlite.MustRegisterDeterministicScalarFunction("nuages_lower", 1, lowerFunc)
	})
}

// patterns caches compiled regular expressions; it is reset when full so
// that user-supplied patterns cannot grow it without bound.
var patterns struct {
	sync.Mutex
	m map[string]*regexp.Regexp
}

const maxPatterns = 256

// regexpFunc implements "value REGEXP pattern", which SQLite calls as
// regexp(pattern, value).
func regexpFunc(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	pattern, ok1 := text(args[0])
	value, ok2 := text(args[1])
	if !ok1 || !ok2 {
		return nil, nil // NULL in, NULL out
	}
	patterns.Lock()
	re, ok := patterns.m[pattern]
	patterns.Unlock()
	if !ok {
		var err error
		if re, err = regexp.Compile(pattern); err != nil {
			return nil, fmt.Errorf("invalid regular expression %q: %v", pattern, err)
		}
		patterns.Lock()
		if patterns.m == nil || len(patterns.m) >= maxPatterns {
			patterns.m = make(map[string]*regexp.Regexp)
		}
		patterns.m[pattern] = re
		patterns.Unlock()
	}
	if re.MatchString(value) {
		return int64(1), nil
	}
	return int64(0), nil
}

// lowerFunc lower-cases all of Unicode, where SQLite's lower() and LIKE fold
// only ASCII.
func lowerFunc(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	s, ok := text(args[0])
	if !ok {
		return args[0], nil
	}
	return strings.ToLower(s), nil
}

func text(v driver.Value) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case []byte:
		return string(v), true
	case int64:
		return strconv.FormatInt(v, 10), true
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64), true
	}
	return "", false
}

// Classify wraps SQLite's constraint and locking errors in *dialect.Error.
func (d *Dialect) Classify(err error) error {
	var se *sqlite.Error
	if err == nil || !errors.As(err, &se) {
		return err
	}
	var kind error
	switch code := se.Code(); {
	case code == sqlite3.SQLITE_CONSTRAINT_UNIQUE || code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		kind = dialect.ErrUniqueViolation
	case code == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY,
		// ON DELETE RESTRICT fails through an internal trigger.
		code == sqlite3.SQLITE_CONSTRAINT_TRIGGER && strings.Contains(se.Error(), "FOREIGN KEY constraint failed"):
		kind = dialect.ErrForeignKeyViolation
	case code == sqlite3.SQLITE_CONSTRAINT_NOTNULL:
		kind = dialect.ErrNotNullViolation
	case code == sqlite3.SQLITE_CONSTRAINT_CHECK:
		kind = dialect.ErrCheckViolation
	case code&0xff == sqlite3.SQLITE_BUSY || code&0xff == sqlite3.SQLITE_LOCKED:
		// Another writer held the lock past busy_timeout, or a WAL
		// snapshot went stale: like a serialization failure, running the
		// transaction again is the cure.
		kind = dialect.ErrSerialization
	default:
		return err
	}
	return &dialect.Error{Kind: kind, Constraint: constraintName(se.Error()), Err: err}
}

// constraintName extracts what SQLite names after "constraint failed: ",
// e.g. "book.title" or a CHECK constraint's name.
func constraintName(msg string) string {
	// The driver prefixes SQLite's own message with the result code's
	// description, so the phrase may appear twice: SQLite's comes last.
	const marker = "constraint failed"
	i := strings.LastIndex(msg, marker)
	if i < 0 {
		return ""
	}
	after, ok := strings.CutPrefix(msg[i+len(marker):], ": ")
	if !ok {
		return ""
	}
	if end := strings.IndexAny(after, " ()"); end >= 0 {
		after = after[:end]
	}
	return after
}
