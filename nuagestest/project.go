package nuagestest

import (
	"bytes"
	"maps"
	"slices"
	"strings"

	"github.com/nuages-go/nuages"
	"github.com/nuages-go/nuages/contrib/auth"
	"github.com/nuages-go/nuages/contrib/auth/passwords"
	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/mail"
)

// testSecretKey signs a test project's sessions when its settings have no
// key. It does not start with nuages.InsecureKeyPrefix, so that a test may
// turn Debug off.
const testSecretKey = "nuagestest-secret-key-for-tests-only-0123456789abcdef"

// New returns the project of s and apps on a fresh SQLite database in
// memory, migrated, as Django's test runner gives each test case: closed
// and gone when the test ends. Each call has a database of its own, so
// tests that call New may run in parallel (t.Parallel).
//
// New sets what tests need, as Django's test runner does, and nothing
// else of s changes:
//
//   - every database alias of s (at least "default") on a fresh database;
//   - TestHost, "testserver", added to AllowedHosts (after Django's
//     development hosts when the list is empty and Debug is on);
//   - mail kept in an outbox (read it with Outbox) unless
//     Settings.Email.Custom already names a backend;
//   - a secret key when s has none;
//   - fast password hashing (passwords.ForTests) in an auth.App without
//     Hashers.
//
// Use NewOn to run on PostgreSQL or MySQL.
func New(t TB, s nuages.Settings, apps ...nuages.App) *nuages.Project {
	t.Helper()
	return NewOn(t, SQLite, s, apps...)
}

// NewOn is New on engine (SQLite, Postgres or MySQL): on a server engine,
// each database is a new one on the server that NUAGES_TEST_POSTGRES or
// NUAGES_TEST_MYSQL names, dropped when the test ends; the test skips when
// the variable is unset (fails under CI=true). With EachEngine:
//
//	nuagestest.EachEngine(t, func(t *testing.T, engine string) {
//		p := nuagestest.NewOn(t, engine, settings(), apps()...)
//		...
//	})
func NewOn(t TB, engine string, s nuages.Settings, apps ...nuages.App) *nuages.Project {
	t.Helper()
	s = Settings(t, engine, s)
	for _, app := range apps {
		if a, ok := app.(*auth.App); ok && a.Hashers == nil {
			a.Hashers = passwords.ForTests()
		}
	}
	p, err := nuages.New(t.Context(), s, apps...)
	if err != nil {
		t.Fatalf("nuagestest: %v", err)
	}
	// Cleanups run last-registered first: the project closes its
	// connections before Settings' cleanups drop the databases.
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Fatalf("nuagestest: closing the project: %v", err)
		}
	})
	var out bytes.Buffer
	if code := p.Run(t.Context(), []string{"nuagestest", "migrate"}, nuages.IO{In: strings.NewReader(""), Out: &out, Err: &out}); code != 0 {
		t.Fatalf("nuagestest: migrate failed (exit %d):\n%s", code, &out)
	}
	return p
}

// Settings returns s as New changes it for a test on engine, its databases
// created (and dropped when the test ends): for a test that builds the
// project itself, with nuages.New, to see what happens before migrate.
func Settings(t TB, engine string, s nuages.Settings) nuages.Settings {
	t.Helper()
	dbs := maps.Clone(s.Databases)
	if dbs == nil {
		dbs = map[string]database.Config{}
	}
	if _, ok := dbs[database.DefaultAlias]; !ok {
		dbs[database.DefaultAlias] = database.Config{}
	}
	for _, alias := range slices.Sorted(maps.Keys(dbs)) {
		cfg := dbs[alias]
		cfg.URL = projectURL(t, engine)
		dbs[alias] = cfg
	}
	s.Databases = dbs
	// The kit links every engine; the project's own binary only those it
	// names, so a test may run a SQLite-only project on any server.
	s.Engines = AllEngines()
	hosts := s.AllowedHosts
	if len(hosts) == 0 && s.Debug {
		hosts = []string{".localhost", "127.0.0.1", "[::1]"} // what Debug allows without a list
	}
	if !slices.Contains(hosts, TestHost) {
		hosts = append(slices.Clone(hosts), TestHost)
	}
	s.AllowedHosts = hosts
	if s.Email.Custom == nil {
		s.Email.Custom = &mail.Outbox{}
	}
	if s.SecretKey == "" {
		s.SecretKey = testSecretKey
	}
	return s
}

// projectURL is a fresh database on engine for a project: SQLite in
// memory (each Open of it is a new database, and a project opens each
// alias once), a new database on a server.
func projectURL(t TB, engine string) string {
	t.Helper()
	if engine == SQLite {
		return "sqlite://:memory:"
	}
	return URL(t, engine)
}

// Outbox returns the messages p sent: the outbox New gave it, Django's
// mail.outbox. It is nil when p's settings named their own backend
// (Settings.Email.Custom).
func Outbox(p *nuages.Project) *mail.Outbox {
	o, _ := p.Settings().Email.Custom.(*mail.Outbox)
	return o
}

// NewSiteClient returns a Client of p's site (p.Handler), which can log in
// as p's users (Client.Login, Client.ForceLogin).
func NewSiteClient(t TB, p *nuages.Project) *Client {
	t.Helper()
	h, err := p.Handler()
	if err != nil {
		t.Fatalf("nuagestest: the site of the project: %v", err)
	}
	c := NewClient(t, h)
	c.project = p
	return c
}
