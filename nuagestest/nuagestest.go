package nuagestest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/database/mysql"
	"github.com/nuages-go/nuages/database/postgres"
	"github.com/nuages-go/nuages/database/sqlite"
	"github.com/nuages-go/nuages/internal/testenv"
)

// The engines a test database can be opened on.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
	MySQL    = "mysql"
)

// Engines returns every engine, in the order EachDB runs them.
func Engines() []string { return []string{SQLite, Postgres, MySQL} }

// AllEngines returns every database engine, for the Settings.Engines of a
// project under test, whose database URL may name any of them. The test kit
// links them all; a project's own binary links only those it names.
func AllEngines() []database.Engine {
	return []database.Engine{sqlite.Engine{}, postgres.Engine{}, mysql.Engine{}}
}

// TB is the part of testing.TB that the kit needs.
type TB interface {
	Helper()
	Cleanup(func())
	TempDir() string
	Context() context.Context
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Skipf(format string, args ...any)
}

var _ TB = (testing.TB)(nil)

// EachDB runs fn once per engine, as parallel subtests named after the
// engines, each with its own fresh database.
func EachDB(t *testing.T, fn func(t *testing.T, db *database.DB)) {
	t.Helper()
	EachEngine(t, func(t *testing.T, engine string) { fn(t, OpenDB(t, engine)) })
}

// EachEngine runs fn once per engine, as parallel subtests named after the
// engines (most of their time is spent waiting on servers); fn opens what
// it needs with URL or OpenDB.
func EachEngine(t *testing.T, fn func(t *testing.T, engine string)) {
	t.Helper()
	for _, engine := range Engines() {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			fn(t, engine)
		})
	}
}

// OpenDB opens a fresh database on engine and closes and drops it when the
// test ends. A server engine whose variable is unset skips the test (fails
// it under CI=true).
func OpenDB(t TB, engine string) *database.DB {
	t.Helper()
	db, err := database.Open(t.Context(), database.DefaultAlias, Config(t, engine))
	if err != nil {
		t.Fatalf("nuagestest: opening the %s test database: %v", engine, err)
	}
	// Cleanups run last-registered first: this closes db before the
	// database is dropped.
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Fatalf("nuagestest: closing the %s test database: %v", engine, err)
		}
	})
	return db
}

// Config creates a fresh database on engine, as URL does, and returns its
// configuration for database.Open: its URL and its Engine.
func Config(t TB, engine string) database.Config {
	t.Helper()
	url := URL(t, engine)
	e, err := database.EngineFor(url, AllEngines())
	if err != nil {
		t.Fatalf("nuagestest: %v", err)
	}
	return database.Config{URL: url, Engine: e}
}

// URL creates a fresh database on engine and returns its URL; the database
// is dropped when the test ends. Use it to give a project its settings
// (with Settings.Engines set to AllEngines), or Config to open it yourself.
func URL(t TB, engine string) string {
	t.Helper()
	switch engine {
	case SQLite:
		return "sqlite:///" + filepath.Join(t.TempDir(), "test.sqlite3")
	case Postgres:
		return serverDB(t, testenv.Postgres, "")
	case MySQL:
		return serverDB(t, testenv.MySQL, " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
	}
	t.Fatalf("nuagestest: unknown engine %q: use one of %s", engine, strings.Join(Engines(), ", "))
	return ""
}

// serverDB creates a uniquely named database on the server that the
// variable env names, and returns the server URL with that database.
func serverDB(t TB, env, createOptions string) string {
	t.Helper()
	serverURL := testenv.Lookup(t, env)
	ctx := t.Context()
	engine, err := database.EngineFor(serverURL, AllEngines())
	if err != nil {
		t.Fatalf("nuagestest: %s: %v", env, err)
	}
	admin, err := database.Open(ctx, "nuagestest-admin", database.Config{URL: serverURL, Engine: engine, ConnectTimeout: 5 * time.Second})
	if err != nil {
		testenv.Unreachable(t, env, err)
	}
	name := uniqueName()
	quoted := admin.Dialect().QuoteIdent(name)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+quoted+createOptions); err != nil {
		admin.Close()
		t.Fatalf("nuagestest: creating database %s: %v", name, err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		drop := "DROP DATABASE IF EXISTS " + quoted
		if admin.Dialect().Name() == Postgres {
			drop += " WITH (FORCE)" // connections a failed test leaked
		}
		// The test's context is done by now: drop with a fresh one.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.Exec(ctx, drop); err != nil {
			t.Fatalf("nuagestest: dropping database %s: %v", name, err)
		}
	})
	u, err := database.ParseURL(serverURL)
	if err != nil {
		t.Fatalf("nuagestest: %s: %v", env, err)
	}
	u.Path = "/" + name
	return u.String()
}

func uniqueName() string {
	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return "nuagestest_" + time.Now().UTC().Format("20060102150405") + "_" + hex.EncodeToString(b[:])
}
