package mysql

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os/exec"
	"regexp"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/nuages-go/nuages/database/dialect"
)

// Driver opens MySQL and MariaDB databases.
type Driver struct{}

var _ dialect.Driver = Driver{}

// config builds the driver's configuration from u, field by field (never by
// formatting a DSN string from the user's parts).
func config(u *url.URL) (*mysql.Config, error) {
	cfg := mysql.NewConfig()
	cfg.User = u.User.Username()
	cfg.Passwd, _ = u.User.Password()
	cfg.DBName = strings.TrimPrefix(u.Path, "/")
	cfg.Net, cfg.Addr = "tcp", u.Host
	if u.Port() == "" && u.Host != "" {
		cfg.Addr = net.JoinHostPort(u.Hostname(), "3306")
	}
	// Report matched rows rather than changed ones, as Django does, so that
	// an UPDATE that writes the same values still counts the row.
	cfg.ClientFoundRows = true
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	cfg.Collation = "utf8mb4_unicode_ci"
	cfg.Timeout = 5 * time.Second
	cfg.Params = map[string]string{
		"sql_mode":  "'TRADITIONAL'",
		"time_zone": "'+00:00'",
	}
	for key, vals := range u.Query() {
		v := vals[len(vals)-1]
		switch key {
		case "socket":
			cfg.Net, cfg.Addr = "unix", v
		case "tls":
			cfg.TLSConfig = v
		case "timeout":
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return nil, fmt.Errorf("mysql: timeout=%q is not a positive duration such as 5s", v)
			}
			cfg.Timeout = d
		default:
			return nil, fmt.Errorf("mysql: unknown option %q: the options are socket, tls and timeout", key)
		}
	}
	return cfg, nil
}

// Open connects to the server named by u.
func (Driver) Open(ctx context.Context, u *url.URL) (*sql.DB, dialect.Dialect, error) {
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
		return nil, nil, fmt.Errorf("mysql: %w", err)
	}
	return db, newDialect(version), nil
}

// Shell returns the mariadb client, or mysql where only that one is
// installed; the password goes in the environment, never on the command
// line.
func (Driver) Shell(u *url.URL) dialect.Shell {
	return shell(u, exec.LookPath)
}

func shell(u *url.URL, lookPath func(string) (string, error)) dialect.Shell {
	program := "mariadb"
	if _, err := lookPath(program); err != nil {
		if _, err := lookPath("mysql"); err == nil {
			program = "mysql"
		}
	}
	var args []string
	if sock := u.Query().Get("socket"); sock != "" {
		args = append(args, "--socket="+sock)
	} else {
		args = append(args, "--host="+u.Hostname())
		if p := u.Port(); p != "" {
			args = append(args, "--port="+p)
		}
	}
	if user := u.User.Username(); user != "" {
		args = append(args, "--user="+user)
	}
	var env []string
	if pw, ok := u.User.Password(); ok {
		env = append(env, "MYSQL_PWD="+pw)
	}
	args = append(args, strings.TrimPrefix(u.Path, "/"))
	return dialect.Shell{
		Program: program,
		Args:    args,
		Env:     env,
		Install: "apt-get install mariadb-client (Debian/Ubuntu) or brew install mysql-client (macOS)",
	}
}

// duplicateKey finds the key named in "Duplicate entry 'x' for key 'name'".
var duplicateKey = regexp.MustCompile(`for key '([^']+)'`)

// constraintInMessage finds the constraint named in foreign key and check
// messages: "CONSTRAINT `name` FOREIGN KEY", "Check constraint 'name' is
// violated", "CONSTRAINT `name` failed".
var constraintInMessage = regexp.MustCompile("(?i)constraint [`']([^`']+)[`']")

// Classify wraps MySQL's and MariaDB's constraint, concurrency and
// connection errors in *dialect.Error.
func (d *Dialect) Classify(err error) error {
	if err == nil {
		return nil
	}
	var me *mysql.MySQLError
	if !errors.As(err, &me) {
		var ne net.Error
		if errors.Is(err, mysql.ErrInvalidConn) || errors.Is(err, driver.ErrBadConn) ||
			errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &ne) {
			return &dialect.Error{Kind: dialect.ErrConnectionLost, Err: err}
		}
		return err
	}
	var kind error
	var constraint string
	switch me.Number {
	case 1062, 1586: // ER_DUP_ENTRY, ER_DUP_ENTRY_WITH_KEY_NAME
		kind = dialect.ErrUniqueViolation
		if m := duplicateKey.FindStringSubmatch(me.Message); m != nil {
			constraint = m[1]
			if _, after, ok := strings.Cut(constraint, "."); ok { // MySQL 8 says table.key
				constraint = after
			}
		}
	case 1451, 1452, 1216, 1217: // ER_ROW_IS_REFERENCED_2, ER_NO_REFERENCED_ROW_2 and their old forms
		kind = dialect.ErrForeignKeyViolation
	case 1048, 1364: // ER_BAD_NULL_ERROR, ER_NO_DEFAULT_FOR_FIELD
		kind = dialect.ErrNotNullViolation
		if _, after, ok := strings.Cut(me.Message, "'"); ok {
			constraint, _, _ = strings.Cut(after, "'")
		}
	case 3819, 4025: // MySQL's ER_CHECK_CONSTRAINT_VIOLATED, MariaDB's ER_CONSTRAINT_FAILED
		kind = dialect.ErrCheckViolation
	case 1213: // ER_LOCK_DEADLOCK
		kind = dialect.ErrDeadlock
	case 1205: // ER_LOCK_WAIT_TIMEOUT: the transaction can be run again
		kind = dialect.ErrSerialization
	case 2006, 2013, 1927: // server gone away, lost during query, killed
		kind = dialect.ErrConnectionLost
	default:
		return err
	}
	if constraint == "" {
		if m := constraintInMessage.FindStringSubmatch(me.Message); m != nil {
			constraint = m[1]
		}
	}
	return &dialect.Error{Kind: kind, Constraint: constraint, Err: err}
}
