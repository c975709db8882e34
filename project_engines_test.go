package nuages_test

import (
	"testing"

	"github.com/nuages-go/nuages"
	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/database/mysql"
	"github.com/nuages-go/nuages/database/postgres"
	"github.com/nuages-go/nuages/nuagestest"
)

// Project.DB opens each engine's database with the engine Settings.Engines
// names, and only that one is needed.
func TestProjectDB_Engines(t *testing.T) {
	t.Parallel()
	named := map[string][]database.Engine{
		nuagestest.SQLite:   nil, // built in
		nuagestest.Postgres: {postgres.Engine{}},
		nuagestest.MySQL:    {mysql.Engine{}},
	}
	nuagestest.EachEngine(t, func(t *testing.T, engine string) {
		s := nuages.DefaultSettings()
		s.Debug = true
		s.SecretKey = nuages.InsecureKeyPrefix + "project-engines-test"
		s.Databases = map[string]database.Config{"default": {URL: nuagestest.URL(t, engine)}}
		s.Engines = named[engine]
		p, err := nuages.New(t.Context(), s)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { p.Close() })
		db, err := p.DB(t.Context(), "default")
		if err != nil {
			t.Fatal(err)
		}
		if got := db.Dialect().Name(); got != engine {
			t.Errorf("the database's dialect is %q, want %q", got, engine)
		}
		if err := db.Ping(t.Context()); err != nil {
			t.Error(err)
		}
	})
}
