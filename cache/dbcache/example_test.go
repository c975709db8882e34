package dbcache_test

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/nuages-go/nuages/cache/dbcache"
	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/migrate"
)

// The cache's table made by a migration of the project's, instead of the
// createcachetable command; then the cache on it.
func ExampleTable() {
	createCacheTable := migrate.RunGo{
		Name: "create the cache table",
		Code: func(e *migrate.Editor, _ *migrate.State) error {
			stmts, err := e.Dialect().CreateTable(dbcache.Table(dbcache.DefaultTable))
			if err != nil {
				return err
			}
			return e.Exec(stmts...)
		},
		Reverse: func(e *migrate.Editor, _ *migrate.State) error {
			return e.Exec(e.Dialect().DropTable(dbcache.DefaultTable))
		},
	}

	ctx := context.Background()
	db, err := database.Open(ctx, "default", database.Config{URL: "sqlite://:memory:"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	g, err := migrate.NewGraph([]*migrate.Migration{{App: "site", Name: "0001_cache", Operations: []migrate.Operation{createCacheTable}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	x := migrate.NewExecutor(db, g, io.Discard)
	steps, err := x.Plan(ctx, "", "")
	if err == nil {
		err = x.Migrate(ctx, steps, migrate.Options{})
	}
	if err != nil {
		fmt.Println(err)
		return
	}

	c, err := dbcache.New(db, dbcache.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := c.Set(ctx, "greeting", []byte("hello"), time.Minute); err != nil {
		fmt.Println(err)
		return
	}
	v, err := c.Get(ctx, "greeting")
	fmt.Println(string(v), err)
	// Output: hello <nil>
}
