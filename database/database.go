package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nuages-go/nuages/database/dialect"
)

// DefaultAlias is the alias of the database used when none is named.
const DefaultAlias = "default"

// Pool defaults, used for every zero field of Config.
const (
	DefaultMaxOpenConns    = 16
	DefaultConnMaxLifetime = time.Hour
	DefaultConnMaxIdleTime = 5 * time.Minute
	DefaultConnectTimeout  = 10 * time.Second
)

// Config describes one database. Its zero value, but for URL, uses the
// documented defaults.
type Config struct {
	// URL in the DATABASE_URL convention; see ParseURL.
	URL string
	// Engine opens the database; it must be the engine the URL's scheme
	// names (postgres.Engine{} for postgres://). Nil means the built-in
	// one, which only SQLite has: a server database needs its engine
	// named, here or in the project's Settings.Engines.
	Engine Engine
	// MaxOpenConns bounds the pool (default DefaultMaxOpenConns; negative:
	// unbounded). An in-memory SQLite database always has one connection.
	MaxOpenConns int
	// MaxIdleConns is how many connections stay open when idle (default:
	// MaxOpenConns, so that a busy server does not reconnect; negative: none).
	MaxIdleConns int
	// ConnMaxLifetime recycles connections after this long, which survives
	// server-side timeouts and fail-overs (default DefaultConnMaxLifetime;
	// negative: forever).
	ConnMaxLifetime time.Duration
	// ConnMaxIdleTime closes connections idle this long (default
	// DefaultConnMaxIdleTime; negative: never).
	ConnMaxIdleTime time.Duration
	// ConnectTimeout bounds Open's first connection (default
	// DefaultConnectTimeout).
	ConnectTimeout time.Duration
	// Now is the database's clock, DB.Now: the time the ORM writes into
	// auto_now and auto_now_add fields; nil means time.Now. Tests set a
	// fixed one instead of changing a process-wide clock.
	Now func() time.Time
}

// ErrClosed is returned by operations on a DB that is closing or closed.
var ErrClosed = errors.New("database: closed")

// OpenError reports a database that could not be opened. Its text names the
// alias and the cause, with the URL's password masked.
type OpenError struct {
	Alias string
	URL   string // redacted
	Err   error
}

func (e *OpenError) Error() string {
	return fmt.Sprintf("database %q (%s): %v", e.Alias, e.URL, e.Err)
}

func (e *OpenError) Unwrap() error { return e.Err }

// DB is one database, named by its alias. It is safe for concurrent use.
//
// Queries run in the transaction that the context carries, if Atomic put one
// there for this DB, and on the pool otherwise.
type DB struct {
	alias   string
	pool    *sql.DB
	dialect dialect.Dialect
	// writer serializes write transactions on engines with a single writer
	// (SQLite): waiting here is cheaper and fairer than SQLite's busy loop.
	writer chan struct{}
	now    func() time.Time // Config.Now

	// registry is the ORM's registry of models and hooks (an
	// *orm.Registry, which this lower level cannot name), the one value a
	// higher layer keeps with the handle. SetRegistry writes it once,
	// before the handle is shared; every write reads it, so it is a plain
	// field, not a map behind a lock.
	registry any

	// inflight counts the operations in flight, with closingBit set once
	// Close started: one atomic add per enter and per leave, so queries
	// from many goroutines never wait on each other to be counted.
	inflight atomic.Int64
	idle     chan struct{} // closed, once, when closing and no work is in flight
	idleOnce sync.Once
}

// closingBit marks DB.inflight once Close started; the bits below count.
const closingBit = 1 << 62

// Open opens the database described by cfg under alias and checks that it
// answers. Any failure is an *OpenError naming the alias, with the password
// masked.
func Open(ctx context.Context, alias string, cfg Config) (*DB, error) {
	redacted, secrets := redact(cfg.URL)
	fail := func(err error) error {
		return &OpenError{Alias: alias, URL: redacted, Err: scrub(err, secrets)}
	}
	if alias == "" {
		return nil, fail(errors.New("empty alias: name the database, as in \"default\""))
	}
	u, err := ParseURL(cfg.URL)
	if err != nil {
		return nil, fail(err)
	}
	engine, err := cfg.engine(u)
	if err != nil {
		return nil, fail(err)
	}
	timeout := cfg.ConnectTimeout
	if timeout <= 0 {
		timeout = DefaultConnectTimeout
	}
	openCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	pool, d, err := engine.Open(openCtx, u)
	if err != nil {
		return nil, fail(err)
	}
	db := &DB{alias: alias, pool: pool, dialect: d, idle: make(chan struct{}), now: cfg.Now}
	if db.now == nil {
		db.now = time.Now
	}
	cfg.applyPool(pool)
	if d.Features().SingleWriter {
		db.writer = make(chan struct{}, 1)
	}
	return db, nil
}

// engine returns the engine that opens u: cfg.Engine, which must be the one
// u names, or the built-in one.
func (cfg Config) engine(u *url.URL) (Engine, error) {
	if cfg.Engine == nil {
		return engineFor(u, nil)
	}
	if want, _ := engineOf(u.Scheme); cfg.Engine.Name() != want.name {
		return nil, fmt.Errorf("the URL names a %s database but Config.Engine is the %s engine: make them agree", want.name, cfg.Engine.Name())
	}
	return cfg.Engine, nil
}

// Now returns the current time by the database's clock, Config.Now.
func (db *DB) Now() time.Time { return db.now() }

func (cfg Config) applyPool(pool *sql.DB) {
	open := orDefault(cfg.MaxOpenConns, DefaultMaxOpenConns)
	pool.SetMaxOpenConns(max(open, 0))
	idle := cfg.MaxIdleConns
	if idle == 0 {
		idle = open
	}
	pool.SetMaxIdleConns(max(idle, 0))
	pool.SetConnMaxLifetime(max(orDefault(cfg.ConnMaxLifetime, DefaultConnMaxLifetime), 0))
	pool.SetConnMaxIdleTime(max(orDefault(cfg.ConnMaxIdleTime, DefaultConnMaxIdleTime), 0))
}

func orDefault[T int | time.Duration](v, def T) T {
	if v == 0 {
		return def
	}
	return v
}

// scrub removes every secret from err's text, keeping err in the chain for
// errors.Is and errors.As. Drivers do not normally repeat passwords, but a
// password must never reach a log even when one does.
func scrub(err error, secrets []string) error {
	msg := err.Error()
	clean := msg
	for _, s := range secrets {
		clean = strings.ReplaceAll(clean, s, "xxxxx")
	}
	if clean == msg {
		return err
	}
	return &scrubbedError{msg: clean, err: err}
}

type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

// SetRegistry attaches the ORM's registry of models and hooks to db:
// orm.Registry.Use calls it, and the ORM's writes read it back with
// Registry. Call it at start-up, before db is shared with other
// goroutines, as http.Server's fields are set before it serves.
func (db *DB) SetRegistry(r any) { db.registry = r }

// Registry returns what SetRegistry attached, or nil.
func (db *DB) Registry() any { return db.registry }

// Alias returns the name the database was opened under.
func (db *DB) Alias() string { return db.alias }

// Dialect returns the SQL dialect of the server, for the ORM and migrations.
func (db *DB) Dialect() dialect.Dialect { return db.dialect }

// Stats returns the connection pool's statistics.
func (db *DB) Stats() sql.DBStats { return db.pool.Stats() }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.enter(); err != nil {
		return err
	}
	defer db.leave()
	return db.classify(db.pool.PingContext(ctx))
}

// Exec runs a statement that returns no rows.
func (db *DB) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if tx := db.tx(ctx); tx != nil {
		res, err := tx.tx.ExecContext(ctx, query, args...)
		return res, db.classify(err)
	}
	if conn := db.conn(ctx); conn != nil {
		res, err := conn.ExecContext(ctx, query, args...)
		return res, db.classify(err)
	}
	if err := db.enter(); err != nil {
		return nil, err
	}
	defer db.leave()
	res, err := db.pool.ExecContext(ctx, query, args...)
	return res, db.classify(err)
}

// Query runs a statement that returns rows. The caller must close them (or
// read them to the end).
func (db *DB) Query(ctx context.Context, query string, args ...any) (*Rows, error) {
	if tx := db.tx(ctx); tx != nil {
		rows, err := tx.tx.QueryContext(ctx, query, args...)
		if err != nil {
			return nil, db.classify(err)
		}
		return &Rows{Rows: rows, db: db}, nil
	}
	if conn := db.conn(ctx); conn != nil {
		rows, err := conn.QueryContext(ctx, query, args...)
		if err != nil {
			return nil, db.classify(err)
		}
		return &Rows{Rows: rows, db: db}, nil
	}
	if err := db.enter(); err != nil {
		return nil, err
	}
	rows, err := db.pool.QueryContext(ctx, query, args...)
	if err != nil {
		db.leave()
		return nil, db.classify(err)
	}
	return &Rows{Rows: rows, db: db, counted: true}, nil
}

// QueryRow runs a statement expected to return at most one row. Errors are
// deferred to the Row's Scan, as with database/sql.
func (db *DB) QueryRow(ctx context.Context, query string, args ...any) *Row {
	rows, err := db.Query(ctx, query, args...)
	return &Row{rows: rows, err: err}
}

// Close waits for the operations in flight (queries, open rows, Atomic
// blocks) to finish, then closes the pool. New operations fail with
// ErrClosed as soon as Close starts.
func (db *DB) Close() error { return db.Shutdown(context.Background()) }

// Shutdown is Close bounded by ctx: when ctx ends first, the pool is closed
// anyway and ctx's error is returned.
func (db *DB) Shutdown(ctx context.Context) error {
	if n := db.inflight.Or(closingBit); n == 0 {
		db.drained()
	}
	var waitErr error
	select {
	case <-db.idle:
	case <-ctx.Done():
		waitErr = fmt.Errorf("database %q: closing before in-flight work finished: %w", db.alias, ctx.Err())
	}
	return errors.Join(waitErr, db.pool.Close())
}

// enter registers an operation in flight, refusing it once Close started.
// A refused operation counts for a moment too, and leaves like the others:
// work admitted before Close set closingBit is still counted, and nothing
// is admitted after, so the count reaching zero with the bit set means
// drained.
func (db *DB) enter() error {
	if db.inflight.Add(1)&closingBit != 0 {
		db.leave()
		return fmt.Errorf("database %q: %w", db.alias, ErrClosed)
	}
	return nil
}

func (db *DB) leave() {
	if db.inflight.Add(-1) == closingBit {
		db.drained()
	}
}

// drained wakes Close; refused operations can bring the count back to zero
// more than once, hence the Once.
func (db *DB) drained() { db.idleOnce.Do(func() { close(db.idle) }) }

func (db *DB) classify(err error) error {
	if err == nil {
		return nil
	}
	return db.dialect.Classify(err)
}

// Rows is the result of a query: database/sql's Rows, with errors classified
// like every other error of this package.
type Rows struct {
	*sql.Rows
	db      *DB
	counted bool // the rows hold a slot in db.inflight until closed
	done    bool
}

// Next prepares the next row for Scan; it closes the rows after the last.
func (r *Rows) Next() bool {
	if r.Rows.Next() {
		return true
	}
	r.release()
	return false
}

// Scan copies the current row's columns into dest.
func (r *Rows) Scan(dest ...any) error { return r.db.classify(r.Rows.Scan(dest...)) }

// Err returns the error, if any, met while iterating.
func (r *Rows) Err() error { return r.db.classify(r.Rows.Err()) }

// Close closes the rows; it is safe to call more than once.
func (r *Rows) Close() error {
	err := r.Rows.Close()
	r.release()
	return r.db.classify(err)
}

func (r *Rows) release() {
	if r.counted && !r.done {
		r.done = true
		r.db.leave()
	}
}

// Row is the result of QueryRow.
type Row struct {
	rows *Rows
	err  error
}

// Scan copies the row's columns into dest and closes it. It returns
// sql.ErrNoRows when there was no row.
func (r *Row) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	defer r.rows.Close()
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			return err
		}
		return sql.ErrNoRows
	}
	if err := r.rows.Scan(dest...); err != nil {
		return err
	}
	return r.rows.Close()
}

// Err returns the error of the query, if it failed before any row was read.
func (r *Row) Err() error { return r.err }
