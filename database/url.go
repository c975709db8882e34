package database

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/nuages-go/nuages/database/dialect"
	"github.com/nuages-go/nuages/database/mysql"
	"github.com/nuages-go/nuages/database/postgres"
	"github.com/nuages-go/nuages/database/sqlite"
)

// drivers maps each accepted URL scheme to its engine. It is fixed at
// compile time: every engine Nuages supports is always linked in, so that a
// URL is all it takes to switch databases.
var drivers = map[string]dialect.Driver{
	"sqlite":     sqlite.Driver{},
	"postgres":   postgres.Driver{},
	"postgresql": postgres.Driver{},
	"mysql":      mysql.Driver{},
	"mariadb":    mysql.Driver{},
}

// schemes lists the accepted schemes for error messages.
const schemes = "sqlite, postgres, postgresql, mysql or mariadb"

// ParseURL parses a database URL in the DATABASE_URL convention:
//
//	sqlite:///relative/path.db     a file relative to the working directory
//	sqlite:////absolute/path.db    an absolute path
//	sqlite://:memory:              a private in-memory database
//	postgres://user:pass@host:5432/name?sslmode=disable  (or postgresql://)
//	mysql://user:pass@host:3306/name?opts                (or mariadb://)
//
// For SQLite the returned URL's Path is the file path as meant ("relative.db",
// "/absolute/path.db" or ":memory:"); its String form is not a database URL.
// "mariadb" becomes "mysql". Errors never contain the password.
func ParseURL(raw string) (*url.URL, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok || scheme == "" {
		return nil, fmt.Errorf("%q is not a database URL: it must start with a scheme such as sqlite:// or postgres:// (accepted: %s)", Redact(raw), schemes)
	}
	scheme = strings.ToLower(scheme)
	if _, known := drivers[scheme]; !known {
		return nil, fmt.Errorf("unknown database scheme %q in %q: use %s", scheme, Redact(raw), schemes)
	}
	if scheme == "sqlite" {
		return parseSQLite(rest)
	}
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error repeats the URL, password included
		}
		return nil, fmt.Errorf("malformed database URL %q: %w", Redact(raw), err)
	}
	u.Scheme = scheme
	if scheme == "mariadb" {
		u.Scheme = "mysql"
	}
	if u.Host == "" && u.Query().Get("socket") == "" && u.Query().Get("host") == "" {
		return nil, fmt.Errorf("database URL %q has no host: write %s://user:password@host:port/name", Redact(raw), scheme)
	}
	if strings.Trim(u.Path, "/") == "" {
		return nil, fmt.Errorf("database URL %q names no database: add it as the path, as in %s://host/name", Redact(raw), scheme)
	}
	return u, nil
}

// parseSQLite handles what follows "sqlite://", which url.Parse cannot:
// ":memory:" is not a valid host, and the number of slashes is meaningful.
func parseSQLite(rest string) (*url.URL, error) {
	path, query, _ := strings.Cut(rest, "?")
	switch {
	case path == ":memory:":
	case strings.HasPrefix(path, "/") && len(path) > 1:
		path = path[1:] // sqlite:///rel.db -> "rel.db", sqlite:////abs.db -> "/abs.db"
	case path == "" || path == "/":
		return nil, fmt.Errorf("sqlite URL %q names no file: use sqlite:///relative.db, sqlite:////absolute/path.db, or sqlite://:memory: for a private in-memory database", "sqlite://"+rest)
	default:
		return nil, fmt.Errorf("sqlite URL %q has a host part %q: use sqlite:///relative.db (three slashes), sqlite:////absolute/path.db (four), or sqlite://:memory: for a private in-memory database", "sqlite://"+rest, strings.SplitN(path, "/", 2)[0])
	}
	if _, err := url.ParseQuery(query); err != nil {
		return nil, fmt.Errorf("sqlite URL %q has a malformed query: %w", "sqlite://"+rest, err)
	}
	unescaped, err := url.PathUnescape(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite URL %q has a malformed path: %w", "sqlite://"+rest, err)
	}
	return &url.URL{Scheme: "sqlite", Path: unescaped, RawQuery: query}, nil
}

// Redact returns the database URL raw with its passwords (in the user
// part and in a "password" query option) replaced by "xxxxx", even when raw
// is too malformed to parse. Use it whenever a URL is printed or logged.
func Redact(raw string) string {
	redacted, _ := redact(raw)
	return redacted
}

// redact returns raw with its passwords masked, and the passwords as
// written and decoded, so that error texts can be scrubbed of them.
func redact(raw string) (string, []string) {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw, nil
	}
	var secrets []string
	keep := func(secret string) {
		if secret == "" {
			return
		}
		secrets = append(secrets, secret)
		if dec, err := url.QueryUnescape(secret); err == nil && dec != secret {
			secrets = append(secrets, dec)
		}
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	authority, tail := rest[:end], rest[end:]
	if at := strings.LastIndex(authority, "@"); at >= 0 {
		if user, pw, hasPassword := strings.Cut(authority[:at], ":"); hasPassword {
			keep(pw)
			authority = user + ":xxxxx" + authority[at:]
		}
	}
	if path, query, ok := strings.Cut(tail, "?"); ok {
		opts := strings.Split(query, "&")
		for i, opt := range opts {
			if k, v, ok := strings.Cut(opt, "="); ok && strings.EqualFold(k, "password") {
				keep(v)
				opts[i] = k + "=xxxxx"
			}
		}
		tail = path + "?" + strings.Join(opts, "&")
	}
	return scheme + "://" + authority + tail, secrets
}

// Shell returns the interactive client for the database at rawURL, as the
// dbshell command runs it.
func Shell(rawURL string) (dialect.Shell, error) {
	u, err := ParseURL(rawURL)
	if err != nil {
		return dialect.Shell{}, err
	}
	return drivers[u.Scheme].Shell(u), nil
}
