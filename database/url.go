package database

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/nuages-go/nuages/database/dialect"
	"github.com/nuages-go/nuages/database/sqlite"
)

// Engine opens the databases of one engine: the SPI of package dialect,
// named here for projects. SQLite's engine is built in. PostgreSQL's
// (postgres.Engine{}) and MySQL/MariaDB's (mysql.Engine{}) are linked into
// a binary only when the project names them, in Config.Engine or the
// project's Settings.Engines, as a database/sql driver is linked only when
// it is imported: a project on SQLite carries neither pgx nor the MySQL
// driver.
type Engine = dialect.Engine

// knownEngine is an engine that Nuages ships, whether or not this binary
// links it, so that a URL naming a missing one says what to add.
type knownEngine struct {
	name  string // its Engine.Name
	title string // its name for people
	pkg   string // the package that has it
}

// engineOf returns the engine that a URL scheme names.
func engineOf(scheme string) (knownEngine, bool) {
	switch scheme {
	case "sqlite":
		return knownEngine{"sqlite", "SQLite", "github.com/nuages-go/nuages/database/sqlite"}, true
	case "postgres", "postgresql":
		return knownEngine{"postgres", "PostgreSQL", "github.com/nuages-go/nuages/database/postgres"}, true
	case "mysql", "mariadb":
		return knownEngine{"mysql", "MySQL/MariaDB", "github.com/nuages-go/nuages/database/mysql"}, true
	}
	return knownEngine{}, false
}

// schemes lists the accepted schemes for error messages.
const schemes = "sqlite, postgres, postgresql, mysql or mariadb"

// EngineFor returns the engine that opens the database at rawURL: the one
// of engines with the Name of the engine the URL's scheme names, else the
// built-in SQLite engine for a sqlite:// URL. A URL naming an engine that
// neither provides, such as postgres:// in a binary built without
// postgres.Engine{}, is an error that says which package to import.
func EngineFor(rawURL string, engines []Engine) (Engine, error) {
	u, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	return engineFor(u, engines)
}

func engineFor(u *url.URL, engines []Engine) (Engine, error) {
	known, _ := engineOf(u.Scheme) // ParseURL knows the scheme
	for _, e := range engines {
		if e != nil && e.Name() == known.name {
			return e, nil
		}
	}
	if known.name == "sqlite" {
		return sqlite.Engine{}, nil
	}
	pkg := known.pkg[strings.LastIndex(known.pkg, "/")+1:]
	return nil, fmt.Errorf("%s: this binary was built without the %s engine: import %q and name %s.Engine{} in Settings.Engines (or in Config.Engine)", known.name, known.title, known.pkg, pkg)
}

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
	if _, known := engineOf(scheme); !known {
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

// Shell returns the interactive client for the database cfg describes, as
// the dbshell command runs it; cfg.Engine is chosen as Open chooses it.
func Shell(cfg Config) (dialect.Shell, error) {
	u, err := ParseURL(cfg.URL)
	if err != nil {
		return dialect.Shell{}, err
	}
	e, err := cfg.engine(u)
	if err != nil {
		return dialect.Shell{}, err
	}
	return e.Shell(u), nil
}
