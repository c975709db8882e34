package nuages_test

import (
	"fmt"

	"github.com/nuages-go/nuages"
	"github.com/nuages-go/nuages/cache"
	"github.com/nuages-go/nuages/cache/redis"
	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/database/postgres"
)

// A project links the engines and cache backends its settings name, beside
// the built-in SQLite and in-memory cache. A URL naming one it lacks is
// refused before any command runs, with the import to add.
func ExampleSettings_engines() {
	s := nuages.DefaultSettings()
	s.Debug, s.SecretKey = true, nuages.InsecureKeyPrefix+"example"
	s.Databases = map[string]database.Config{"default": {URL: "postgres://app@db.internal:5432/shop"}}
	s.Caches = map[string]nuages.CacheConfig{"default": {URL: "redis://cache.internal:6379/0"}}
	fmt.Println(s.Validate())

	s.Engines = []database.Engine{postgres.Engine{}}
	s.CacheBackends = []cache.Backend{redis.Backend{}}
	fmt.Println(s.Validate())
	// Output:
	// nuages: database "default": postgres: this binary was built without the PostgreSQL engine: import "github.com/nuages-go/nuages/database/postgres" and name postgres.Engine{} in Settings.Engines (or in Config.Engine)
	// nuages: cache "default": redis: this binary was built without the Redis cache backend: import "github.com/nuages-go/nuages/cache/redis" and name redis.Backend{} in Settings.CacheBackends
	// <nil>
}
