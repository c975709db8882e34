package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nuages-go/nuages/nuagestest"
)

// startproject's -database and -cache write the imports and settings of
// the engine and backend asked for, and nothing else.
func TestStartProject_EngineFlags(t *testing.T) {
	const (
		pgImport    = "\t\"github.com/nuages-go/nuages/database/postgres\"\n"
		mysqlImport = "\t\"github.com/nuages-go/nuages/database/mysql\"\n"
		redisImport = "\t\"github.com/nuages-go/nuages/cache/redis\"\n"
	)
	tests := []struct {
		name    string
		args    []string
		want    []string
		notWant []string
	}{
		{"default", nil,
			[]string{`{URL: "sqlite:///db.sqlite3"}`, "DATABASE_URL=sqlite:////var/lib/mysite/db.sqlite3", "add\n// postgres.Engine{} to s.Engines"},
			[]string{pgImport, mysqlImport, redisImport, "s.Engines =", "s.CacheBackends ="}},
		{"explicit_sqlite_and_memory", []string{"-database", "sqlite", "-cache", "memory"},
			[]string{`{URL: "sqlite:///db.sqlite3"}`},
			[]string{pgImport, mysqlImport, redisImport, "s.Engines =", "s.CacheBackends ="}},
		{"postgres", []string{"-database", "postgres"},
			[]string{pgImport, "s.Engines = []database.Engine{postgres.Engine{}}", `{URL: "postgres://localhost:5432/mysite?sslmode=disable"}`, "DATABASE_URL=postgres://user:password@host:5432/mysite"},
			[]string{mysqlImport, redisImport, "sqlite:///db.sqlite3"}},
		{"postgresql_after_the_name", []string{"mysite", "-database=postgresql"},
			[]string{pgImport, "s.Engines = []database.Engine{postgres.Engine{}}"},
			nil},
		{"mariadb_and_redis", []string{"-database", "mariadb", "-cache", "redis"},
			[]string{mysqlImport, "s.Engines = []database.Engine{mysql.Engine{}}", `{URL: "mysql://root@localhost:3306/mysite"}`,
				redisImport, "s.CacheBackends = []cache.Backend{redis.Backend{}}", `{URL: "redis://localhost:6379/0", KeyPrefix: "mysite"}`, "CACHE_URL=redis://"},
			[]string{pgImport}},
	}
	src := checkout(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wd := t.TempDir()
			args := append([]string{"startproject"}, tt.args...)
			if !strings.Contains(strings.Join(tt.args, " "), "mysite") {
				args = append(args, "mysite")
			}
			if code, stdout, stderr := runCLI(t, wd, src, args...); code != exitOK {
				t.Fatalf("%v = %d: %s%s", args, code, stdout, stderr)
			}
			settings := readFile(t, filepath.Join(wd, "mysite"), "settings.go")
			for _, w := range tt.want {
				if !strings.Contains(settings, w) {
					t.Errorf("settings.go lacks %q:\n%s", w, settings)
				}
			}
			for _, nw := range tt.notWant {
				if strings.Contains(settings, nw) {
					t.Errorf("settings.go has %q:\n%s", nw, settings)
				}
			}
		})
	}
}

func TestStartProject_EngineFlagErrors(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
	}{
		{[]string{"startproject", "-database", "oracle", "mysite"}, `startproject -database "oracle": use sqlite, postgres or mysql`},
		{[]string{"startproject", "-cache", "memcached", "mysite"}, `startproject -cache "memcached": use memory or redis`},
		{[]string{"startproject", "-engine", "postgres", "mysite"}, `startproject: flag provided but not defined: -engine`},
	}
	src := checkout(t)
	for _, tt := range tests {
		t.Run(strings.Join(tt.args[1:3], "_"), func(t *testing.T) {
			wd := t.TempDir()
			code, _, stderr := runCLI(t, wd, src, tt.args...)
			if code != exitUsage || !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("%v = %d, %q; want %d and %q", tt.args, code, stderr, exitUsage, tt.wantErr)
			}
			if entries, _ := os.ReadDir(wd); len(entries) != 0 {
				t.Errorf("a refused startproject wrote %v", entries)
			}
		})
	}
}

// buildProject makes a project with startproject's flags and builds its
// binary, offline, and returns the binary and the go command's environment.
func buildProject(t *testing.T, flags ...string) (bin string, env []string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds a project (skipped with -short)")
	}
	goCommand(t)
	wd := t.TempDir()
	if code, stdout, stderr := runCLI(t, wd, checkout(t), append(append([]string{"startproject"}, flags...), "mysite")...); code != exitOK {
		t.Fatalf("startproject %v = %d: %s%s", flags, code, stdout, stderr)
	}
	dir := filepath.Join(wd, "mysite")
	env = append(os.Environ(), "GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -mod=readonly"), "GOPROXY=off", "GOWORK=off")
	goRun(t, dir, env, "vet", ".")
	bin = filepath.Join(dir, "mysite")
	goRun(t, dir, env, "build", "-o", bin, ".")
	return bin, env
}

// runBin runs a project's binary with extra environment and returns its
// exit code and output.
func runBin(t *testing.T, bin string, env []string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir, cmd.Env = filepath.Dir(bin), env
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, string(out)
	case !errors.As(err, &exit):
		t.Fatalf("running %s: %v", bin, err)
	}
	return exit.ExitCode(), string(out)
}

// Each project startproject writes builds and starts; one on SQLite refuses
// a PostgreSQL or Redis URL with the import to add, and one made with
// -database postgres migrates on the real server.
func TestEndToEnd_Engines(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		bin, env := buildProject(t)
		if code, out := runBin(t, bin, env, "help"); code != 0 {
			t.Fatalf("help = %d:\n%s", code, out)
		}
		for _, tt := range []struct{ env, want string }{
			{"DATABASE_URL=postgres://app@db.example.com/shop", `database "default": postgres: this binary was built without the PostgreSQL engine: import "github.com/nuages-go/nuages/database/postgres" and name postgres.Engine{} in Settings.Engines`},
			{"CACHE_URL=redis://cache.example.com:6379/0", `cache "default": redis: this binary was built without the Redis cache backend: import "github.com/nuages-go/nuages/cache/redis" and name redis.Backend{} in Settings.CacheBackends`},
		} {
			if code, out := runBin(t, bin, append(env, tt.env), "migrate"); code == 0 || !strings.Contains(out, tt.want) {
				t.Errorf("%s migrate = %d:\n%s\nwant a failure saying %q", tt.env, code, out, tt.want)
			}
		}
	})
	t.Run("postgres_redis", func(t *testing.T) {
		t.Parallel()
		bin, env := buildProject(t, "-database", "postgres", "-cache", "redis")
		env = append(env, "DATABASE_URL="+nuagestest.URL(t, nuagestest.Postgres))
		if code, out := runBin(t, bin, env, "migrate"); code != 0 || !strings.Contains(out, "Applying auth.0001_initial... OK") {
			t.Errorf("migrate on PostgreSQL = %d:\n%s", code, out)
		}
	})
	t.Run("mysql", func(t *testing.T) {
		t.Parallel()
		bin, env := buildProject(t, "-database", "mysql")
		env = append(env, "DATABASE_URL="+nuagestest.URL(t, nuagestest.MySQL))
		if code, out := runBin(t, bin, env, "migrate"); code != 0 || !strings.Contains(out, "Applying auth.0001_initial... OK") {
			t.Errorf("migrate on MySQL = %d:\n%s", code, out)
		}
	})
}
