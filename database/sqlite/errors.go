package sqlite

import (
	"errors"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/nuages-go/nuages/database/dialect"
)

// Classify wraps SQLite's constraint and locking errors in *dialect.Error.
// It reads the extended result code, which modernc.org/sqlite reports.
func (d *Dialect) Classify(err error) error {
	var se *sqlite.Error
	if err == nil || !errors.As(err, &se) {
		return err
	}
	var kind error
	switch code := se.Code(); {
	case code == sqlite3.SQLITE_CONSTRAINT_UNIQUE,
		code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY,
		code == sqlite3.SQLITE_CONSTRAINT_ROWID:
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
		// snapshot went stale under a transaction that began DEFERRED. As
		// with a serialization failure, running the transaction again is
		// the cure, so dialect.Retryable reports true.
		kind = dialect.ErrSerialization
	default:
		return err
	}
	return &dialect.Error{Kind: kind, Constraint: constraintName(kind, se.Error()), Err: err}
}

// constraintName extracts what SQLite names after "constraint failed: ":
// the table.column list of a unique, primary key or not-null violation
// ("book.title" or "book.author_id, book.title"), the index of a unique
// index on expressions, or the name of a CHECK constraint. An unnamed CHECK
// constraint is reported by its expression, which is no name: it gives "".
// SQLite does not name the foreign key that failed.
func constraintName(kind error, msg string) string {
	// The driver writes "<result code's description>: <SQLite's message>
	// (<code>)", and the description may hold the phrase too: SQLite's
	// message comes last.
	const marker = "constraint failed"
	i := strings.LastIndex(msg, marker)
	if i < 0 {
		return ""
	}
	name, ok := strings.CutPrefix(msg[i+len(marker):], ": ")
	if !ok {
		return "" // "FOREIGN KEY constraint failed (787)"
	}
	if j := strings.LastIndex(name, " ("); j >= 0 && strings.HasSuffix(name, ")") {
		name = name[:j]
	}
	if index, ok := strings.CutPrefix(name, "index '"); ok {
		return strings.TrimSuffix(index, "'")
	}
	if kind == dialect.ErrCheckViolation && !isName(name) {
		return ""
	}
	return name
}

// isName reports whether s reads as a bare identifier.
func isName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r != '_' && r != '$' && !('0' <= r && r <= '9') && !('a' <= r && r <= 'z') && !('A' <= r && r <= 'Z') && r < 0x80 {
			return false
		}
	}
	return true
}
