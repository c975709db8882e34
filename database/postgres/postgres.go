package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/nuages-go/nuages/database/dialect"
)

// DefaultConnectTimeout bounds each connection attempt when the URL sets no
// connect_timeout.
const DefaultConnectTimeout = 5 * time.Second

// Engine opens PostgreSQL databases, for the postgres:// and postgresql://
// URLs. A project links it (and pgx) only when it names it, in
// Settings.Engines or database.Config.Engine. The zero value is ready to use.
type Engine struct{}

var _ dialect.Engine = Engine{}

// Name returns "postgres".
func (Engine) Name() string { return "postgres" }

// Open connects to the server named by u, a libpq URL with the scheme
// postgres or postgresql, checks within ctx that it answers and reads its
// version. Sessions run in UTC unless the URL sets timezone. No error it
// returns holds the password.
func (Engine) Open(ctx context.Context, u *url.URL) (*sql.DB, dialect.Dialect, error) {
	db, version, err := open(ctx, u)
	if err != nil {
		return nil, nil, redact(err, passwords(u)...)
	}
	return db, newDialect(version), nil
}

func open(ctx context.Context, u *url.URL) (*sql.DB, string, error) {
	cfg, err := pgx.ParseConfig(u.String())
	if err != nil {
		return nil, "", fmt.Errorf("postgres: %w", err)
	}
	// connect_timeout=0 means "wait forever" to libpq; respect it when the
	// URL says so, and bound connecting otherwise.
	if cfg.ConnectTimeout == 0 && !u.Query().Has("connect_timeout") {
		cfg.ConnectTimeout = DefaultConnectTimeout
	}
	if !setsTimeZone(cfg.RuntimeParams) {
		cfg.RuntimeParams["timezone"] = "UTC"
	}
	db := stdlib.OpenDB(*cfg)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, "", fmt.Errorf("postgres: %w", err)
	}
	var version string
	if err := db.QueryRowContext(ctx, "SHOW server_version").Scan(&version); err != nil {
		db.Close()
		return nil, "", fmt.Errorf("postgres: reading the server version: %w", err)
	}
	// "16.4 (Debian 16.4-1.pgdg120+1)": keep the version proper.
	version, _, _ = strings.Cut(version, " ")
	return db, version, nil
}

// setsTimeZone reports whether the connection parameters choose a time
// zone: timezone in the URL (or PGTZ), under any capitalisation, or a
// "-c timezone=..." in options.
func setsTimeZone(params map[string]string) bool {
	for k := range params {
		if strings.EqualFold(k, "timezone") {
			return true
		}
	}
	return strings.Contains(strings.ToLower(params["options"]), "timezone")
}

// passwords returns the passwords u holds, in its user information and in
// its query.
func passwords(u *url.URL) []string {
	var pws []string
	if pw, ok := u.User.Password(); ok && pw != "" {
		pws = append(pws, pw)
	}
	if pw := u.Query().Get("password"); pw != "" {
		pws = append(pws, pw)
	}
	return pws
}

// redact makes sure that err's text holds none of the passwords. pgx's own
// errors leave the password out; this guards against any that would not.
// When a password shows, the error's text is masked and its chain is cut,
// so that errors.As cannot reach the unmasked text either, but errors.Is
// still sees the original chain (a context.DeadlineExceeded, say).
func redact(err error, passwords ...string) error {
	msg := err.Error()
	masked := msg
	for _, pw := range passwords {
		masked = strings.ReplaceAll(masked, pw, "xxxxx")
		if esc := url.QueryEscape(pw); esc != pw {
			masked = strings.ReplaceAll(masked, esc, "xxxxx")
		}
		if esc := url.PathEscape(pw); esc != pw {
			masked = strings.ReplaceAll(masked, esc, "xxxxx")
		}
	}
	if masked == msg {
		return err
	}
	return &redactedError{msg: masked, err: err}
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }

// Is matches target against the original chain without exposing it.
func (e *redactedError) Is(target error) bool { return errors.Is(e.err, target) }

// Shell returns psql for the database named by u. The password goes in the
// environment (PGPASSWORD), never on the command line, where other users
// of the machine could read it.
func (Engine) Shell(u *url.URL) dialect.Shell {
	var env []string
	clean := *u
	pw, hasPW := u.User.Password()
	if hasPW {
		clean.User = url.User(u.User.Username())
	}
	q := clean.Query()
	if q.Has("password") {
		// libpq lets the query override the user information.
		pw, hasPW = q.Get("password"), true
		q.Del("password")
		clean.RawQuery = q.Encode()
	}
	if hasPW && pw != "" {
		env = append(env, "PGPASSWORD="+pw)
	}
	clean.Scheme = "postgresql"
	return dialect.Shell{
		Program: "psql",
		Args:    []string{clean.String()},
		Env:     env,
		Install: "apt-get install postgresql-client (Debian/Ubuntu) or brew install libpq (macOS)",
	}
}
