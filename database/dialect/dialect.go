// Package dialect is the service provider interface between package database
// and the database engines. Most code should use package database; this
// package is for implementers of an engine (database/sqlite,
// database/postgres, database/mysql) and for the ORM and migrations, which
// generate SQL through a [Dialect].
//
// An [Engine] turns a parsed database URL into a connection pool and the
// [Dialect] of the server it reached; the dialect knows that server's version
// and therefore its features. A Dialect only produces SQL text: it never
// executes anything, and every identifier it is given must already come from
// trusted metadata (model and field names), never from user input. Values are
// always bound as parameters through [Dialect.Placeholder].
package dialect

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
)

// Engine opens databases of one engine: database/sqlite's, which every
// binary has, or database/postgres's and database/mysql's, which a project
// links only when it names them (Settings.Engines, database.Config.Engine),
// as a database/sql driver is linked only when imported. Implementations
// are stateless values.
type Engine interface {
	// Name is the engine's name, the one its Dialect reports: "sqlite",
	// "postgres" or "mysql". A URL reaches the engine of that name
	// (postgresql:// reaches "postgres", mariadb:// "mysql").
	Name() string

	// Open connects to the database named by u, checks that the server
	// answers (within ctx) and returns the pool with the dialect of the
	// server reached. The URL's scheme has already been matched to this
	// engine; its query holds engine options.
	Open(ctx context.Context, u *url.URL) (*sql.DB, Dialect, error)

	// Shell describes the command-line client for the database named by u,
	// used by the dbshell command.
	Shell(u *url.URL) Shell
}

// Shell is an interactive database client to run, as dbshell does.
type Shell struct {
	Program string   // executable looked up on PATH, such as "psql"
	Args    []string // arguments, never holding a password
	Env     []string // extra environment, such as PGPASSWORD
	Install string   // how to install Program when it is missing
}

// Dialect generates the SQL that differs between engines. A Dialect is safe
// for concurrent use.
type Dialect interface {
	// Name is the engine's name: "sqlite", "postgres" or "mysql".
	Name() string
	// Features tells what the server supports.
	Features() Features

	// QuoteIdent quotes a table, column, index or constraint name.
	QuoteIdent(name string) string
	// QuoteLiteral writes s as a string literal, for the few places where
	// nothing can be bound (the conditions of CHECK and partial indexes).
	QuoteLiteral(s string) string
	// Placeholder is the marker of the n-th bound argument, counting from 1.
	Placeholder(n int) string

	// ColumnType is the column type for c, without nullability or keys.
	ColumnType(c Column) (string, error)
	// ColumnDefinition is the column's full definition in CREATE TABLE or
	// ADD COLUMN: quoted name, type, nullability, default, primary key,
	// auto increment and the checks its kind needs (a positive integer's
	// "col >= 0", JSON validity where the engine lacks a JSON type).
	ColumnDefinition(c Column) (string, error)

	// CreateTable returns the statements that create t and its indexes.
	CreateTable(t Table) ([]string, error)
	DropTable(table string) string
	RenameTable(oldName, newName string) string
	AddColumn(table string, c Column) ([]string, error)
	DropColumn(table, column string) string
	RenameColumn(table, oldName, newName string) string
	// AlterColumn changes a column's type, nullability and default to
	// those of c. It returns ErrUnsupported where the engine needs the table
	// rebuilt (SQLite); Features.AlterColumn tells in advance.
	AlterColumn(table string, c Column) ([]string, error)
	CreateIndex(table string, ix Index) (string, error)
	DropIndex(table, name string) string
	AddConstraint(table string, c Constraint) (string, error)
	DropConstraint(table string, c Constraint) (string, error)

	// LimitOffset is the clause that skips offset rows and returns at most
	// limit rows; a negative limit means no limit. It is empty when both
	// are absent.
	LimitOffset(limit, offset int64) string
	// Returning is the clause that makes an INSERT, UPDATE or DELETE return
	// the given (already quoted) columns, or "" when Features.Returning is
	// false and the caller must use LastInsertId.
	Returning(columns []string) string
	// Upsert returns the keyword that starts the INSERT ("INSERT" or
	// "INSERT IGNORE") and the clause that follows VALUES.
	Upsert(c Conflict) (insert, suffix string, err error)
	// ForUpdate is the row-locking clause that ends a SELECT, or "" where the
	// engine locks the whole database (SQLite). Options the server cannot
	// honour are an error, never silently dropped.
	ForUpdate(l Lock) (string, error)

	// Match is a boolean SQL expression testing lhs against the bound
	// parameter rhs with op; MatchArg turns the user's value into the value
	// to bind for rhs (escaping LIKE wildcards, adding '%').
	Match(op MatchOp, lhs, rhs string) string
	MatchArg(op MatchOp, value string) string
	// Extract is an integer SQL expression for part of the date, time or
	// datetime expression expr, in UTC.
	Extract(part DatePart, expr string) (string, error)
	// CastDate truncates the datetime expression expr to its date.
	CastDate(expr string) string
	// CastText converts expr to text, for a text lookup on a number or a
	// date, as Django does.
	CastText(expr string) string
	// Random is an expression with a random value, to sort in random order.
	Random() string
	// JSONPath is the JSON value at the path keys inside the JSON
	// expression col (a key of decimal digits indexes an array), or NULL
	// where there is none; bind binds a value and returns its placeholder.
	// scalar asks for a value to order numbers by instead of JSON.
	JSONPath(col string, keys []string, bind func(v any) string, scalar bool) string
	// JSONValue makes the bound parameter ph, holding JSON text, comparable
	// with JSONPath's result: as JSON, so that the string "2" is not the
	// number 2, or as a number when scalar.
	JSONValue(ph string, scalar bool) string
	// Decimal is exact decimal arithmetic: op applied to args, SQL
	// expressions. Engines with an exact numeric type use SQL's operators
	// (StandardDecimal); the result is never a binary float.
	Decimal(op DecimalOp, args ...string) string

	// SchemaEditing returns the statements a migration runs on its
	// connection, outside any transaction: begin before its work, check
	// inside each migration's transaction (a query whose rows are
	// problems), end after. SQLite turns foreign key enforcement off, so
	// that rebuilding a table does not cascade, and checks the keys instead.
	SchemaEditing() (begin, check, end string)

	// Introspect returns the queries inspectdb runs: tables lists the
	// tables (one column, the name); columns lists the columns of the table
	// bound as its one argument, in order: name, SQL type in lower case,
	// nullable (1 or 0), part of the primary key (1 or 0); keys lists the
	// foreign keys of the bound table: column, referenced table, referenced
	// column.
	Introspect() (tables, columns, keys string)

	// DeferKeyChecks returns the statements that, inside a transaction,
	// put off foreign key checks to its end (or, on MySQL, turn them off
	// until end runs), for loading or deleting rows that point at each
	// other, as Django's loaddata and flush do.
	DeferKeyChecks() (begin, end string)

	// ResetSequence is the statement that moves the counter of table's
	// auto-increment column past its largest value, after rows were
	// inserted with explicit keys, or "" where the engine does it itself.
	ResetSequence(table, column string) string

	// MigrationLock returns the statements that take and release, inside a
	// transaction, the lock that lets one migrate run at a time: an advisory
	// lock where the engine has them, nothing on SQLite, whose write
	// transactions already exclude each other.
	MigrationLock() (lock, unlock string)

	// Savepoint statements, for nested transactions.
	Savepoint(name string) string
	ReleaseSavepoint(name string) string
	RollbackToSavepoint(name string) string

	// Classify recognises the engine's constraint, concurrency and
	// connection errors and wraps them in an *Error; other errors are
	// returned unchanged.
	Classify(err error) error
}

// Features lists what a server supports, so that callers can choose a
// strategy before generating SQL.
type Features struct {
	Version          string // server version as reported, e.g. "16.4" or "10.11.9-MariaDB"
	Returning        bool   // INSERT ... RETURNING
	TransactionalDDL bool   // schema changes roll back with the transaction
	AlterColumn      bool   // ALTER TABLE can change a column in place
	DropColumn       bool   // ALTER TABLE ... DROP COLUMN
	PartialIndexes   bool   // CREATE INDEX ... WHERE
	CheckConstraints bool   // CHECK constraints are enforced
	ForUpdate        bool   // SELECT ... FOR UPDATE
	ForUpdateOf      bool   // SELECT ... FOR UPDATE OF table
	SkipLocked       bool   // NOWAIT and SKIP LOCKED
	AdvisoryLocks    bool   // session-level named locks
	DistinctOn       bool   // SELECT DISTINCT ON (...)
	SingleWriter     bool   // one writer at a time per database (SQLite)
	MaxIdentLength   int    // longest identifier the server accepts
}

// ErrUnsupported is returned when the engine cannot do what was asked; the
// wrapping error says what and, where there is one, the alternative.
var ErrUnsupported = errors.New("not supported by this database")
