package postgres

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/nuages-go/nuages/database/dialect"
)

// Driver opens PostgreSQL databases.
type Driver struct{}

var _ dialect.Driver = Driver{}

// Open connects to the server named by u.
func (Driver) Open(ctx context.Context, u *url.URL) (*sql.DB, dialect.Dialect, error) {
	q := u.Query()
	cfg, err := pgx.ParseConfig(u.String())
	if err != nil {
		return nil, nil, fmt.Errorf("postgres: %w", err)
	}
	if !q.Has("connect_timeout") {
		cfg.ConnectTimeout = 5 * time.Second
	}
	if !q.Has("timezone") {
		cfg.RuntimeParams["timezone"] = "UTC"
	}
	db := stdlib.OpenDB(*cfg)
	var version string
	if err := db.QueryRowContext(ctx, "SHOW server_version").Scan(&version); err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("postgres: %w", err)
	}
	return db, newDialect(version), nil
}

// Shell returns psql for the database; the password goes in the
// environment, never on the command line.
func (Driver) Shell(u *url.URL) dialect.Shell {
	var env []string
	clean := *u
	if pw, ok := u.User.Password(); ok {
		env = append(env, "PGPASSWORD="+pw)
		clean.User = url.User(u.User.Username())
	}
	q := clean.Query()
	if pw := q.Get("password"); pw != "" {
		env = append(env, "PGPASSWORD="+pw)
		q.Del("password")
		clean.RawQuery = q.Encode()
	}
	clean.Scheme = "postgresql"
	return dialect.Shell{
		Program: "psql",
		Args:    []string{clean.String()},
		Env:     env,
		Install: "apt-get install postgresql-client (Debian/Ubuntu) or brew install libpq (macOS)",
	}
}

// Classify wraps PostgreSQL's constraint, concurrency and connection errors
// in *dialect.Error.
func (d *Dialect) Classify(err error) error {
	if err == nil {
		return nil
	}
	var kind error
	constraint := ""
	var pe *pgconn.PgError
	switch {
	case errors.As(err, &pe):
		constraint = pe.ConstraintName
		switch code := pe.Code; {
		case code == "23505":
			kind = dialect.ErrUniqueViolation
		case code == "23503":
			kind = dialect.ErrForeignKeyViolation
		case code == "23502":
			kind = dialect.ErrNotNullViolation
			constraint = pe.ColumnName
		case code == "23514":
			kind = dialect.ErrCheckViolation
		case code == "40P01":
			kind = dialect.ErrDeadlock
		case code == "40001":
			kind = dialect.ErrSerialization
		case strings.HasPrefix(code, "08"), code == "57P01", code == "57P02", code == "57P03":
			kind = dialect.ErrConnectionLost
		default:
			return err
		}
	case connectionLost(err):
		kind = dialect.ErrConnectionLost
	default:
		return err
	}
	return &dialect.Error{Kind: kind, Constraint: constraint, Err: err}
}

func connectionLost(err error) bool {
	var ne net.Error
	return errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &ne)
}
