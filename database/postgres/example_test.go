package postgres_test

import (
	"context"
	"log"
	"os"

	"github.com/nuages-go/nuages/database"
	"github.com/nuages-go/nuages/database/dialect"
	"github.com/nuages-go/nuages/database/postgres"
)

// A PostgreSQL database is named by a libpq URL, usually DATABASE_URL, and
// opened with this engine (a project names it in Settings.Engines). Errors
// are classified as on every engine: a deadlock or a serialization failure
// can be retried. (Not run: it needs a server.)
func Example() {
	ctx := context.Background()
	// postgres://user:password@host:5432/name?sslmode=disable
	db, err := database.Open(ctx, "default", database.Config{URL: os.Getenv("DATABASE_URL"), Engine: postgres.Engine{}})
	if err != nil {
		log.Fatal(err) // the password is never in the message
	}
	defer db.Close()

	for range 3 {
		err = db.Atomic(ctx, func(ctx context.Context) error {
			_, err := db.Exec(ctx, "UPDATE account SET balance = balance - $1 WHERE id = $2", 10, 1)
			return err
		})
		if !dialect.Retryable(err) { // a deadlock or a serialization failure
			break
		}
	}
	if err != nil {
		log.Fatal(err)
	}
}
