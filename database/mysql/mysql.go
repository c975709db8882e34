package mysql

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/url"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/nuages-go/nuages/database/dialect"
)

// Engine opens MySQL and MariaDB databases, for the mysql:// and mariadb://
// URLs. A project links it (and the MySQL driver) only when it names it, in
// Settings.Engines or database.Config.Engine.
type Engine struct{}

var _ dialect.Engine = Engine{}

// Name returns "mysql".
func (Engine) Name() string { return "mysql" }

const (
	// connectionCollation is the collation of the connection: a utf8mb4
	// collation that MySQL 8 and MariaDB both have. It applies to literals
	// and bound values; columns have their table's collation.
	connectionCollation = "utf8mb4_unicode_ci"
	// binaryCollation is the collation of the tables Nuages creates:
	// comparison and order by code point, case-sensitive.
	binaryCollation = "utf8mb4_bin"
	// defaultTimeout bounds connecting, when the URL sets no timeout.
	defaultTimeout = 5 * time.Second
)

// options are the query parameters a URL may set, sorted.
var options = []string{"charset", "socket", "timeout", "tls"}

// tlsModes are the values of the tls option, the driver's named modes.
var tlsModes = []string{"false", "preferred", "skip-verify", "true"}

// config builds the driver's configuration from u, field by field (never by
// formatting a DSN string from the user's parts).
func config(u *url.URL) (*mysql.Config, error) {
	cfg := mysql.NewConfig()
	cfg.User = u.User.Username()
	cfg.Passwd, _ = u.User.Password() // url.Parse decoded it
	cfg.DBName = strings.TrimPrefix(u.Path, "/")
	if strings.Contains(cfg.DBName, "/") {
		return nil, fmt.Errorf("mysql: database name %q holds a slash: the URL's path is the one database name", cfg.DBName)
	}
	cfg.Net, cfg.Addr = "tcp", u.Host
	if u.Host != "" && u.Port() == "" {
		cfg.Addr = net.JoinHostPort(u.Hostname(), "3306")
	}
	// Report matched rows rather than changed ones, as Django does, so that
	// an UPDATE that writes the same values still counts the row.
	cfg.ClientFoundRows = true
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	cfg.Collation = connectionCollation
	cfg.Timeout = defaultTimeout
	cfg.Params = map[string]string{
		// TRADITIONAL is STRICT_TRANS_TABLES, STRICT_ALL_TABLES,
		// NO_ZERO_IN_DATE, NO_ZERO_DATE, ERROR_FOR_DIVISION_BY_ZERO and
		// NO_ENGINE_SUBSTITUTION on both servers: bad data is an error,
		// never silently truncated or zeroed.
		"sql_mode":  "'TRADITIONAL'",
		"time_zone": "'+00:00'",
	}
	for key, vals := range u.Query() {
		if len(vals) > 1 {
			return nil, fmt.Errorf("mysql: option %q is given %d times", key, len(vals))
		}
		v := vals[0]
		switch key {
		case "charset":
			if v != "utf8mb4" {
				return nil, fmt.Errorf("mysql: charset=%q: Nuages always connects in utf8mb4, the only MySQL character set holding every Unicode character", v)
			}
		case "socket":
			if v == "" {
				return nil, fmt.Errorf("mysql: socket= needs the path of the server's Unix socket")
			}
			cfg.Net, cfg.Addr = "unix", v
		case "tls":
			if !slices.Contains(tlsModes, v) {
				return nil, fmt.Errorf("mysql: tls=%q: the modes are %s", v, strings.Join(tlsModes, ", "))
			}
			cfg.TLSConfig = v
		case "timeout":
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return nil, fmt.Errorf("mysql: timeout=%q is not a positive duration such as 5s", v)
			}
			cfg.Timeout = d
		default:
			return nil, fmt.Errorf("mysql: unknown option %q: the options are %s", key, strings.Join(options, ", "))
		}
	}
	return cfg, nil
}

// Open connects to the server named by u, checks that it answers within
// ctx and reads its version to tell MySQL from MariaDB. The errors it
// returns never hold the password: the driver's own errors name the user
// and the address, not the password.
func (Engine) Open(ctx context.Context, u *url.URL) (*sql.DB, dialect.Dialect, error) {
	cfg, err := config(u)
	if err != nil {
		return nil, nil, err
	}
	connector, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("mysql: %w", err)
	}
	db := sql.OpenDB(connector)
	var version string
	if err := db.QueryRowContext(ctx, "SELECT VERSION()").Scan(&version); err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("mysql: connecting to %s as %q: %w", cfg.Addr, cfg.User, err)
	}
	d := newDialect(version)
	if err := d.supported(); err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, d, nil
}

// Shell returns the mariadb client, or mysql where only that one is
// installed; the password goes in the environment, never on the command
// line.
func (Engine) Shell(u *url.URL) dialect.Shell {
	return shell(u, exec.LookPath)
}

func shell(u *url.URL, lookPath func(string) (string, error)) dialect.Shell {
	program := "mariadb"
	if _, err := lookPath(program); err != nil {
		if _, err := lookPath("mysql"); err == nil {
			program = "mysql"
		}
	}
	// Every argument is --name=value, so that no part of the URL can be
	// read as another option.
	var args []string
	if sock := u.Query().Get("socket"); sock != "" {
		args = append(args, "--socket="+sock)
	} else if host := u.Hostname(); host != "" {
		args = append(args, "--host="+host, "--port="+cmp.Or(u.Port(), "3306"))
	}
	if user := u.User.Username(); user != "" {
		args = append(args, "--user="+user)
	}
	if name := strings.TrimPrefix(u.Path, "/"); name != "" {
		args = append(args, "--database="+name)
	}
	var env []string
	if pw, ok := u.User.Password(); ok && pw != "" {
		env = append(env, "MYSQL_PWD="+pw)
	}
	return dialect.Shell{
		Program: program,
		Args:    args,
		Env:     env,
		Install: "apt-get install mariadb-client (Debian/Ubuntu) or brew install mysql-client (macOS)",
	}
}
