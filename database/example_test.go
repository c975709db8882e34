package database_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/database/postgres"
)

func ExampleDB_Atomic() {
	ctx := context.Background()
	db, err := database.Open(ctx, "default", database.Config{URL: "sqlite://:memory:"})
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(ctx, "CREATE TABLE account (name text PRIMARY KEY, balance integer NOT NULL CHECK (balance >= 0))"); err != nil {
		log.Fatal(err)
	}
	if _, err := db.Exec(ctx, "INSERT INTO account VALUES ('alice', 100), ('bob', 0)"); err != nil {
		log.Fatal(err)
	}

	transfer := func(ctx context.Context, from, to string, amount int) error {
		return db.Atomic(ctx, func(ctx context.Context) error {
			if _, err := db.Exec(ctx, "UPDATE account SET balance = balance + ? WHERE name = ?", amount, to); err != nil {
				return err
			}
			if _, err := db.Exec(ctx, "UPDATE account SET balance = balance - ? WHERE name = ?", amount, from); err != nil {
				return err // the credit above is rolled back too
			}
			db.OnCommit(ctx, func(context.Context) { fmt.Printf("sent %d from %s to %s\n", amount, from, to) })
			return nil
		})
	}

	if err := transfer(ctx, "alice", "bob", 30); err != nil {
		log.Fatal(err)
	}
	err = transfer(ctx, "bob", "alice", 50) // bob has only 30
	fmt.Println("overdraft refused:", errors.Is(err, database.ErrCheckViolation))

	var bob int
	if err := db.QueryRow(ctx, "SELECT balance FROM account WHERE name = 'bob'").Scan(&bob); err != nil {
		log.Fatal(err)
	}
	fmt.Println("bob:", bob)
	// Output:
	// sent 30 from alice to bob
	// overdraft refused: true
	// bob: 30
}

func ExampleRedact() {
	fmt.Println(database.Redact("postgres://app:s3cr3t@db.internal:5432/shop"))
	// Output: postgres://app:xxxxx@db.internal:5432/shop
}

// SQLite is built in; a server engine is named, here in Config.Engine (a
// project names it in Settings.Engines), and only then linked into the
// binary.
func ExampleConfig_engine() {
	ctx := context.Background()
	url := "postgres://app@127.0.0.1:1/shop?sslmode=disable&connect_timeout=1"
	_, err := database.Open(ctx, "default", database.Config{URL: url})
	fmt.Println(err)

	_, err = database.Open(ctx, "default", database.Config{URL: url, Engine: postgres.Engine{}})
	fmt.Println("with the engine:", err != nil) // nothing listens on port 1
	// Output:
	// database "default" (postgres://app@127.0.0.1:1/shop?sslmode=disable&connect_timeout=1): postgres: this binary was built without the PostgreSQL engine: import "github.com/nuages-go/nuages/database/postgres" and name postgres.Engine{} in Settings.Engines (or in Config.Engine)
	// with the engine: true
}

func ExampleEngineFor() {
	for _, url := range []string{"sqlite:///db.sqlite3", "postgresql://db/shop", "mariadb://db/shop"} {
		e, err := database.EngineFor(url, []database.Engine{postgres.Engine{}})
		if err != nil {
			fmt.Println(url, "->", err)
			continue
		}
		fmt.Println(url, "->", e.Name())
	}
	// Output:
	// sqlite:///db.sqlite3 -> sqlite
	// postgresql://db/shop -> postgres
	// mariadb://db/shop -> mysql: this binary was built without the MySQL/MariaDB engine: import "github.com/nuages-go/nuages/database/mysql" and name mysql.Engine{} in Settings.Engines (or in Config.Engine)
}
