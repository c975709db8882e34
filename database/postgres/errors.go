package postgres

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/nuages-go/nuages/database/dialect"
)

// Classify wraps PostgreSQL's constraint, concurrency and connection errors
// in *dialect.Error; errors.As still reaches the *pgconn.PgError through
// it. Other errors, and nil, are returned unchanged.
//
// A query cut short by the caller's own context (canceled, or past its
// deadline) is not reported as a lost connection, even though pgx closes
// the connection it was using: the cause is the context, and the error
// still matches context.Canceled or context.DeadlineExceeded.
func (d *Dialect) Classify(err error) error {
	if err == nil {
		return nil
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		kind := sqlStateKind(pe.Code)
		if kind == nil {
			return err
		}
		return &dialect.Error{Kind: kind, Constraint: constraintName(kind, pe), Err: err}
	}
	if connectionLost(err) {
		return &dialect.Error{Kind: dialect.ErrConnectionLost, Err: err}
	}
	return err
}

// sqlStateKind maps an SQLSTATE to the kind of error it reports, or nil.
// See https://www.postgresql.org/docs/current/errcodes-appendix.html.
func sqlStateKind(code string) error {
	switch code {
	case "23505": // unique_violation
		return dialect.ErrUniqueViolation
	case "23503": // foreign_key_violation
		return dialect.ErrForeignKeyViolation
	case "23502": // not_null_violation
		return dialect.ErrNotNullViolation
	case "23514": // check_violation
		return dialect.ErrCheckViolation
	case "40P01": // deadlock_detected
		return dialect.ErrDeadlock
	case "40001": // serialization_failure
		return dialect.ErrSerialization
	case "57P01", "57P02", "57P03": // admin_shutdown, crash_shutdown, cannot_connect_now
		return dialect.ErrConnectionLost
	}
	if strings.HasPrefix(code, "08") { // class 08: connection exception
		return dialect.ErrConnectionLost
	}
	return nil
}

// constraintName is the constraint the server names. A not-null violation
// names none before PostgreSQL 18; it is then reported as "table.column",
// the form SQLite uses.
func constraintName(kind error, pe *pgconn.PgError) string {
	if pe.ConstraintName != "" {
		return pe.ConstraintName
	}
	if kind == dialect.ErrNotNullViolation && pe.ColumnName != "" {
		if pe.TableName != "" {
			return pe.TableName + "." + pe.ColumnName
		}
		return pe.ColumnName
	}
	return ""
}

// connectionLost reports whether err says the connection broke: the
// socket failed or closed (a net.Error, io.EOF, io.ErrUnexpectedEOF), pgx
// found the connection closed, or database/sql was told it is bad.
func connectionLost(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var ne net.Error
	return errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, pgconn.ErrConnClosed) ||
		errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.As(err, &ne) ||
		pgconn.Timeout(err)
}
