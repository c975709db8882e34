package database_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/database/mysql"
	"github.com/nuages-go/nuages/database/postgres"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		name      string
		raw       string
		wantURL   string // the result's String(); not meaningful for sqlite, whose Path is what counts
		wantPath  string
		wantQuery string
	}{
		{"sqlite_relative", "sqlite:///db.sqlite3", "", "db.sqlite3", ""},
		{"sqlite_relative_dir", "sqlite:///data/app.db?busy_timeout=100", "", "data/app.db", "busy_timeout=100"},
		{"sqlite_absolute", "sqlite:////var/lib/app.db", "", "/var/lib/app.db", ""},
		{"sqlite_memory", "sqlite://:memory:", "", ":memory:", ""},
		{"sqlite_escaped_space", "sqlite:///my%20app.db", "", "my app.db", ""},
		{"postgres", "postgres://u:p@db.example.com:5432/app?sslmode=require", "postgres://u:p@db.example.com:5432/app?sslmode=require", "/app", "sslmode=require"},
		{"postgresql_alias", "postgresql://u@localhost/app", "postgresql://u@localhost/app", "/app", ""},
		{"postgres_socket_host_option", "postgres:///app?host=/run/postgresql", "postgres:///app?host=/run/postgresql", "/app", "host=/run/postgresql"},
		{"mysql", "mysql://root:pw@127.0.0.1:3306/test?tls=false", "mysql://root:pw@127.0.0.1:3306/test?tls=false", "/test", "tls=false"},
		{"mariadb_alias", "mariadb://root@127.0.0.1/test", "mysql://root@127.0.0.1/test", "/test", ""},
		{"scheme_case", "SQLite:///x.db", "", "x.db", ""},
		{"password_with_escapes", "postgres://u:p%40ss%2Fw@h/app", "postgres://u:p%40ss%2Fw@h/app", "/app", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := database.ParseURL(tt.raw)
			if err != nil {
				t.Fatalf("ParseURL(%q): %v", tt.raw, err)
			}
			if got := u.String(); tt.wantURL != "" && got != tt.wantURL {
				t.Errorf("URL = %q, want %q", got, tt.wantURL)
			}
			if tt.wantURL == "" && u.Scheme != "sqlite" {
				t.Errorf("Scheme = %q, want sqlite", u.Scheme)
			}
			if u.Path != tt.wantPath {
				t.Errorf("Path = %q, want %q", u.Path, tt.wantPath)
			}
			if u.RawQuery != tt.wantQuery {
				t.Errorf("RawQuery = %q, want %q", u.RawQuery, tt.wantQuery)
			}
		})
	}
}

func TestParseURL_Errors(t *testing.T) {
	tests := []struct {
		name    string
		raw     string
		wantErr string
	}{
		{"empty", "", `"" is not a database URL: it must start with a scheme such as sqlite:// or postgres://`},
		{"no_scheme", "db.sqlite3", `"db.sqlite3" is not a database URL`},
		{"unknown_scheme", "mongodb://u:secret@h/db", `unknown database scheme "mongodb" in "mongodb://u:xxxxx@h/db": use sqlite, postgres, postgresql, mysql or mariadb`},
		{"sqlite_no_path", "sqlite://", `sqlite URL "sqlite://" names no file`},
		{"sqlite_root_only", "sqlite:///", `sqlite URL "sqlite:///" names no file`},
		{"sqlite_host", "sqlite://db.sqlite3", `sqlite URL "sqlite://db.sqlite3" has a host part "db.sqlite3": use sqlite:///relative.db (three slashes)`},
		{"sqlite_bad_query", "sqlite:///x.db?a=%zz", `sqlite URL "sqlite:///x.db?a=%zz" has a malformed query`},
		{"postgres_bad_port", "postgres://u:secret@host:port/app", `malformed database URL "postgres://u:xxxxx@host:port/app": invalid port ":port" after host`},
		{"postgres_no_host", "postgres://", `database URL "postgres://" has no host: write postgres://user:password@host:port/name`},
		{"postgres_no_db", "postgres://u:secret@localhost:5432", `database URL "postgres://u:xxxxx@localhost:5432" names no database`},
		{"mysql_no_db", "mysql://root@localhost/", `database URL "mysql://root@localhost/" names no database`},
		{"bad_escape_in_password", "mysql://u:se%zzcret@h/db", `malformed database URL "mysql://u:xxxxx@h/db"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := database.ParseURL(tt.raw)
			if err == nil {
				t.Fatalf("ParseURL(%q) succeeded, want error %q", tt.raw, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error = %q, want it to contain %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "se%zzcret") {
				t.Errorf("error %q shows the password", err)
			}
		})
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ name, raw, want string }{
		{"no_password", "postgres://u@h/db", "postgres://u@h/db"},
		{"password", "postgres://u:secret@h:5432/db?sslmode=disable", "postgres://u:xxxxx@h:5432/db?sslmode=disable"},
		{"at_in_password", "mysql://u:p@ss@h/db", "mysql://u:xxxxx@h/db"},
		{"query_password", "postgres://h/db?user=u&password=secret&sslmode=disable", "postgres://h/db?user=u&password=xxxxx&sslmode=disable"},
		{"unparseable", "postgres://u:secret@h:port/db", "postgres://u:xxxxx@h:port/db"},
		{"sqlite", "sqlite:///db.sqlite3", "sqlite:///db.sqlite3"},
		{"not_a_url", "plain", "plain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := database.Redact(tt.raw); got != tt.want {
				t.Errorf("Redact(%q) = %q, want %q", tt.raw, got, tt.want)
			}
		})
	}
}

func TestOpen_Errors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		alias   string
		url     string
		engine  database.Engine
		wantErr []string
	}{
		{"unknown_scheme", "default", "oracle://scott:secret@h/db", nil, []string{`database "default" (oracle://scott:xxxxx@h/db)`, `unknown database scheme "oracle"`}},
		{"malformed", "replica", "postgres://u:secret@h:x/db", postgres.Engine{}, []string{`database "replica"`, "invalid port"}},
		{"empty_alias", "", "sqlite://:memory:", nil, []string{`empty alias`}},
		{"postgres_without_engine", "default", "postgres://u:secret@127.0.0.1:1/db?sslmode=disable", nil, []string{`database "default" (postgres://u:xxxxx@127.0.0.1:1/db?sslmode=disable): postgres: this binary was built without the PostgreSQL engine: import "github.com/nuages-go/nuages/database/postgres" and name postgres.Engine{} in Settings.Engines (or in Config.Engine)`}},
		{"mariadb_without_engine", "replica", "mariadb://u:secret@127.0.0.1:1/db", nil, []string{`mysql: this binary was built without the MySQL/MariaDB engine: import "github.com/nuages-go/nuages/database/mysql" and name mysql.Engine{}`}},
		{"engine_not_the_urls", "default", "mysql://u:secret@127.0.0.1:1/db", postgres.Engine{}, []string{`the URL names a mysql database but Config.Engine is the postgres engine`}},
		{"sqlite_url_with_server_engine", "default", "sqlite://:memory:", mysql.Engine{}, []string{`the URL names a sqlite database but Config.Engine is the mysql engine`}},
		{"postgres_unreachable", "default", "postgres://u:secret@127.0.0.1:1/db?sslmode=disable", postgres.Engine{}, []string{`database "default" (postgres://u:xxxxx@127.0.0.1:1/db?sslmode=disable): postgres: failed to connect`}},
		{"mysql_unreachable", "replica", "mysql://u:secret@127.0.0.1:1/db", mysql.Engine{}, []string{`database "replica" (mysql://u:xxxxx@127.0.0.1:1/db): mysql: connecting to 127.0.0.1:1`}},
		{"sqlite_missing_dir", "default", "sqlite:///" + t.TempDir() + "/missing/dir/x.db", nil, []string{`database "default"`, "missing/dir"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := database.Open(context.Background(), tt.alias, database.Config{URL: tt.url, Engine: tt.engine})
			if err == nil {
				db.Close()
				t.Fatalf("Open(%q) succeeded, want an error", tt.url)
			}
			var oe *database.OpenError
			if !errors.As(err, &oe) {
				t.Errorf("error %T is not an *OpenError", err)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error = %q, want it to contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error %q shows the password", err)
			}
		})
	}
}
