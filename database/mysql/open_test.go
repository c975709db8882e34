package mysql

import (
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestConfig(t *testing.T) {
	tests := []struct {
		url                         string
		wantUser, wantPasswd        string
		wantNet, wantAddr, wantName string
		wantTimeout                 time.Duration
		wantTLS                     string
	}{
		{"mysql://app:p%40ss%3Aw%2Fd@db/shop", "app", "p@ss:w/d", "tcp", "db:3306", "shop", 5 * time.Second, ""},
		{"mysql://app@db:3307/shop?timeout=2s&tls=preferred", "app", "", "tcp", "db:3307", "shop", 2 * time.Second, "preferred"},
		{"mysql://root@[::1]/test", "root", "", "tcp", "[::1]:3306", "test", 5 * time.Second, ""},
		{"mysql://app@/shop?socket=/run/mysqld/mysqld.sock", "app", "", "unix", "/run/mysqld/mysqld.sock", "shop", 5 * time.Second, ""},
		{"mysql://app@db/shop?charset=utf8mb4&tls=skip-verify", "app", "", "tcp", "db:3306", "shop", 5 * time.Second, "skip-verify"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			u, err := url.Parse(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := config(u)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.User != tt.wantUser || cfg.Passwd != tt.wantPasswd || cfg.Net != tt.wantNet || cfg.Addr != tt.wantAddr || cfg.DBName != tt.wantName {
				t.Errorf("got user %q, password %q, %s %s, database %q; want user %q, password %q, %s %s, database %q",
					cfg.User, cfg.Passwd, cfg.Net, cfg.Addr, cfg.DBName, tt.wantUser, tt.wantPasswd, tt.wantNet, tt.wantAddr, tt.wantName)
			}
			if cfg.Timeout != tt.wantTimeout || cfg.TLSConfig != tt.wantTLS {
				t.Errorf("got timeout %v, tls %q; want %v, %q", cfg.Timeout, cfg.TLSConfig, tt.wantTimeout, tt.wantTLS)
			}
			// The session settings every connection gets.
			if !cfg.ParseTime || cfg.Loc != time.UTC || !cfg.ClientFoundRows || cfg.Collation != "utf8mb4_unicode_ci" || cfg.MultiStatements {
				t.Errorf("got ParseTime %v, Loc %v, ClientFoundRows %v, Collation %q, MultiStatements %v", cfg.ParseTime, cfg.Loc, cfg.ClientFoundRows, cfg.Collation, cfg.MultiStatements)
			}
			if got, want := cfg.Params["sql_mode"], "'TRADITIONAL'"; got != want {
				t.Errorf("sql_mode = %s, want %s", got, want)
			}
			if got, want := cfg.Params["time_zone"], "'+00:00'"; got != want {
				t.Errorf("time_zone = %s, want %s", got, want)
			}
		})
	}
}

func TestConfig_Errors(t *testing.T) {
	t.Parallel()
	tests := []struct{ url, want string }{
		{"mysql://app:hunter2@db/shop?charset=latin1", `mysql: charset="latin1": Nuages always connects in utf8mb4, the only MySQL character set holding every Unicode character`},
		{"mysql://app:hunter2@db/shop?sslmode=disable", `mysql: unknown option "sslmode": the options are charset, socket, timeout, tls`},
		{"mysql://app:hunter2@db/shop?timeout=soon", `mysql: timeout="soon" is not a positive duration such as 5s`},
		{"mysql://app:hunter2@db/shop?timeout=-1s", `mysql: timeout="-1s" is not a positive duration such as 5s`},
		{"mysql://app:hunter2@db/shop?tls=maybe", `mysql: tls="maybe": the modes are false, preferred, skip-verify, true`},
		{"mysql://app:hunter2@db/shop?socket=", `mysql: socket= needs the path of the server's Unix socket`},
		{"mysql://app:hunter2@db/shop?timeout=1s&timeout=2s", `mysql: option "timeout" is given 2 times`},
		{"mysql://app:hunter2@db/shop/extra", `mysql: database name "shop/extra" holds a slash: the URL's path is the one database name`},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			u, err := url.Parse(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = Engine{}.Open(t.Context(), u)
			if got := errString(err); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			if strings.Contains(errString(err), "hunter2") {
				t.Errorf("the error shows the password: %v", err)
			}
		})
	}
}

func TestOpen_UnreachableServer_HidesThePassword(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, url string }{
		{"closed_port", "mysql://app:hunter2@127.0.0.1:1/shop?timeout=2s"},
		{"no_socket", "mysql://app:hunter2@/shop?socket=/nonexistent/mysqld.sock"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := url.Parse(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			db, _, err := Engine{}.Open(t.Context(), u)
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded, want an error")
			}
			t.Logf("error: %v", err)
			if !strings.HasPrefix(err.Error(), "mysql: connecting to ") {
				t.Errorf("error = %q, want it to say where it connected", err)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("the error shows the password: %v", err)
			}
		})
	}
}

func TestShell(t *testing.T) {
	found := func(names ...string) func(string) (string, error) {
		return func(name string) (string, error) {
			for _, n := range names {
				if n == name {
					return "/usr/bin/" + name, nil
				}
			}
			return "", exec.ErrNotFound
		}
	}
	tests := []struct {
		name, url   string
		lookPath    func(string) (string, error)
		wantProgram string
		wantArgs    string
		wantEnv     string
	}{
		{"mariadb_first", "mysql://app:s3cr3t@db:3307/shop", found("mariadb", "mysql"), "mariadb", "--host=db --port=3307 --user=app --database=shop", "MYSQL_PWD=s3cr3t"},
		{"mysql_only", "mysql://app:s3cr3t@db/shop", found("mysql"), "mysql", "--host=db --port=3306 --user=app --database=shop", "MYSQL_PWD=s3cr3t"},
		{"neither_names_mariadb", "mysql://app@db/shop", found(), "mariadb", "--host=db --port=3306 --user=app --database=shop", ""},
		{"socket", "mysql://app@/shop?socket=/run/mysqld/mysqld.sock", found("mariadb"), "mariadb", "--socket=/run/mysqld/mysqld.sock --user=app --database=shop", ""},
		{"no_database", "mysql://root@127.0.0.1", found("mariadb"), "mariadb", "--host=127.0.0.1 --port=3306 --user=root", ""},
		{"option_like_database", "mysql://root@h/--execute=DROP", found("mariadb"), "mariadb", "--host=h --port=3306 --user=root --database=--execute=DROP", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := url.Parse(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			sh := shell(u, tt.lookPath)
			if sh.Program != tt.wantProgram || strings.Join(sh.Args, " ") != tt.wantArgs || strings.Join(sh.Env, " ") != tt.wantEnv {
				t.Errorf("got %s %q env %q; want %s %q env %q", sh.Program, sh.Args, sh.Env, tt.wantProgram, tt.wantArgs, tt.wantEnv)
			}
			if strings.Contains(strings.Join(sh.Args, " "), "s3cr3t") {
				t.Error("the password is on the command line")
			}
			if !strings.Contains(sh.Install, "mariadb-client") {
				t.Errorf("Install = %q, want how to install the client", sh.Install)
			}
		})
	}
	if sh := (Engine{}).Shell(&url.URL{Scheme: "mysql", Host: "db", Path: "/x"}); sh.Program != "mariadb" && sh.Program != "mysql" {
		t.Errorf("Engine.Shell program = %q, want mariadb or mysql", sh.Program)
	}
}
